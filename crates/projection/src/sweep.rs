//! The result of a parameter sweep (`zairyu sweep`), as plain data: a grid of policy
//! parameters — each axis a policy key and the values it takes — run over the same seeds and
//! the same synthetic population, the measures of every grid point for every seed, and the
//! manifest that says what was swept. The simulator produces it (`simulator::sweep::run`) and
//! adds shards together (`simulator::sweep::merge`); `report::sweep` prints it.

use serde::{Deserialize, Serialize};

use crate::measures::Measures;
use crate::what_if::{PolicyManifest, Stat, SubjectManifest};
use model::shard::Shard;

/// The format tag of sweep results (the JSON `zairyu sweep` writes and `merge` reads).
pub const FORMAT: &str = "zairyu-sweep/1";

/// One swept parameter: a policy key as `--set` takes it and its values, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Axis {
    pub key: String,
    pub values: Vec<String>,
}

/// What a sweep was made of: enough to reproduce it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepManifest {
    pub format: String,
    pub code_version: String,
    pub subject: SubjectManifest,
    /// The policy every grid point starts from (the axes' values are set on top of it).
    pub policy: PolicyManifest,
    pub axes: Vec<Axis>,
    pub seeds: Vec<u64>,
    /// The slice of the population this result covers; `None` for the whole (or a merge).
    pub shard: Option<Shard>,
    pub intervals: String,
}

/// One grid point: the value of each axis (by position, as in [`SweepManifest::axes`]) and
/// its measures for each seed (in the manifest's seed order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    pub values: Vec<String>,
    pub runs: Vec<Measures>,
}

/// A sweep result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    pub manifest: SweepManifest,
    /// The population digest of each seed (of the shard, for a shard), in seed order.
    pub inputs_hashes: Vec<String>,
    /// Every grid point, the first axis varying slowest.
    pub points: Vec<Point>,
}

impl Sweep {
    /// Every measure key of the sweep, headline first.
    pub fn keys(&self) -> Vec<String> {
        Measures::ordered_keys(self.points.iter().flat_map(|p| p.runs.iter()))
    }

    /// The statistics over seeds of `key` at `point`.
    pub fn stat(&self, point: &Point, key: &str) -> Stat {
        let values: Vec<i64> = point.runs.iter().map(|m| m.get(key) as i64).collect();
        Stat::of(&values)
    }
}

/// Every combination of the axes' values, the first axis varying slowest (as nested loops
/// would write them).
pub fn grid(axes: &[Axis]) -> Vec<Vec<String>> {
    axes.iter().fold(vec![Vec::new()], |points, axis| {
        points
            .iter()
            .flat_map(|p| {
                axis.values.iter().map(move |v| {
                    let mut p = p.clone();
                    p.push(v.clone());
                    p
                })
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_every_combination_the_first_axis_slowest() {
        let axes = [
            Axis {
                key: "a".into(),
                values: vec!["1".into(), "2".into()],
            },
            Axis {
                key: "b".into(),
                values: vec!["x".into(), "y".into(), "z".into()],
            },
        ];
        let g = grid(&axes);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], ["1", "x"]);
        assert_eq!(g[2], ["1", "z"]);
        assert_eq!(g[3], ["2", "x"]);
        assert_eq!(grid(&[]), vec![Vec::<String>::new()]);
    }
}
