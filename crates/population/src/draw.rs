//! The sampler every draw of the generator goes through: uniform integers, chances and weighted
//! choices over one resident's ChaCha8 stream, in integer arithmetic (rand's distributions may
//! change between releases; these may not), and the packed codes of municipalities and
//! addresses.

use std::sync::OnceLock;

use chrono::Duration;
use model::ids::{Address, Municipality};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::Rng;

use crate::tables::{municipalities, municipality_cumulative};

/// A small uniform sampler over one resident's stream.
pub(crate) struct Draw(pub(crate) ChaCha8Rng);

impl Draw {
    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-32 for our small `n`).
    pub(crate) fn below(&mut self, n: u32) -> u32 {
        ((u64::from(self.0.next_u32()) * u64::from(n)) >> 32) as u32
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `per_mille` / 1000.
    pub(crate) fn per_mille(&mut self, per_mille: u32) -> bool {
        self.below(1000) < per_mille
    }

    /// Uniform in `[0, 1)`, in steps of 2^-32.
    pub(crate) fn unit(&mut self) -> f64 {
        f64::from(self.0.next_u32()) / 4_294_967_296.0
    }

    /// True with probability `p` (a 32-bit threshold: exact enough for rates per resident).
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        let threshold = (p.clamp(0.0, 1.0) * 4_294_967_296.0) as u64;
        u64::from(self.0.next_u32()) < threshold
    }

    /// An index into `weights`, chosen in proportion.
    pub(crate) fn weighted<T>(&mut self, weights: &[(T, u32)]) -> usize {
        let total: u32 = weights.iter().map(|w| w.1).sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if x < w.1 {
                return i;
            }
            x -= w.1;
        }
        weights.len() - 1
    }

    pub(crate) fn municipality(&mut self) -> u16 {
        let cum = municipality_cumulative();
        let x = self.below(*cum.last().expect("municipalities"));
        cum.partition_point(|&c| c <= x) as u16
    }

    /// An address `a-b-c` packed into 16 bits (see [`address`]).
    pub(crate) fn address(&mut self) -> u16 {
        (self.below(9) * 600 + self.below(30) * 20 + self.below(20)) as u16
    }

    /// Minutes into the office day (09:00–16:59).
    pub(crate) fn office_minute(&mut self) -> u32 {
        self.below(8 * 60)
    }
}

/// The number of distinct addresses [`Draw::address`] packs.
const ADDRESSES: u32 = 9 * 600;

/// The address packed by [`Draw::address`]. The 5,400 addresses are interned once, in a table,
/// so that building a national population's profiles and steps formats no text.
pub(crate) fn address(code: u16) -> Address {
    static TABLE: OnceLock<Vec<Address>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..ADDRESSES)
            .map(|c| {
                Address::new(&format!(
                    "{}-{}-{}",
                    c / 600 + 1,
                    c / 20 % 30 + 1,
                    c % 20 + 1
                ))
            })
            .collect()
    });
    table[usize::from(code)]
}

pub(crate) fn municipality(index: u16) -> Municipality {
    municipalities()[usize::from(index)].0
}

pub(crate) fn days(n: u32) -> Duration {
    Duration::days(i64::from(n))
}
