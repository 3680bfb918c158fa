//! A shard: one deterministic slice of a population's residents, so that a national what-if
//! run can be split over processes or machines and its results added back exactly (the
//! residents never interact). The population generator makes the slice; a comparison result
//! records which slice it covers.

use serde::{Deserialize, Serialize};

/// One deterministic slice of a population: the residents whose global index is `index` modulo
/// `count`. Interleaving (rather than contiguous blocks) gives every shard the same mix of
/// statuses and municipalities and about the same size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The whole population.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `k/n` with `0 <= k < n`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let err = || format!("expected a shard k/n with 0 <= k < n (e.g. 0/4), found `{text}`");
        let (k, n) = text.split_once('/').ok_or_else(err)?;
        let index: u32 = k.trim().parse().map_err(|_| err())?;
        let count: u32 = n.trim().parse().map_err(|_| err())?;
        if count == 0 || index >= count {
            return Err(err());
        }
        Ok(Shard { index, count })
    }

    /// Whether this is the whole population.
    pub fn is_whole(self) -> bool {
        self.count == 1
    }

    /// The global indices in this shard of a population of `size`, in order.
    pub fn globals(self, size: usize) -> impl ExactSizeIterator<Item = u32> {
        (self.index as usize..size)
            .step_by(self.count as usize)
            .map(|g| u32::try_from(g).expect("fewer than 2^32 residents"))
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_parses_from_k_slash_n_and_interleaves() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert!(Shard::parse("4/4").is_err() && Shard::parse("x").is_err());
        let two: Vec<u32> = Shard { index: 2, count: 4 }.globals(11).collect();
        assert_eq!(two, [2, 6, 10]);
        assert_eq!(Shard::WHOLE.to_string(), "0/1");
    }
}
