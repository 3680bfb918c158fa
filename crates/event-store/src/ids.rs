//! An exact set of event ids for a reader of a format-1 log, whose ids are random (seeded from
//! the run and the position), so that uniqueness cannot be checked by their order as in format
//! 2 (decision 11).
//!
//! [`IdTable`]: event id → global_seq, keyed by a 64-bit fingerprint of the id with a 12-byte
//! entry, sized for a national log. A fingerprint hit is only a *candidate*: the caller confirms
//! it by reading the row at that global_seq (a primary-key lookup). Ids whose fingerprint is
//! already taken go to a small exact map, so the answer is always exact.

#![expect(
    clippy::disallowed_types,
    reason = "these maps are only looked up, never iterated, so no hash order reaches the log"
)]

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// Event id → global_seq, exact, ~13 bytes an id.
#[derive(Default)]
pub(crate) struct IdTable {
    by_fingerprint: HashMap<Fingerprint, u32, BuildHasherDefault<FingerprintHasher>>,
    /// Ids whose fingerprint was already taken, and any global_seq above `u32::MAX`.
    exact: HashMap<u128, u64>,
}

/// What the id table knows about an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdLookup {
    /// The id is stored at this global_seq.
    Stored(u64),
    /// An id with the same fingerprint is stored at this global_seq; it is this id only if
    /// that row's event_id says so, and otherwise this id is not stored.
    Candidate(u64),
    /// The id is not stored.
    Absent,
}

impl IdTable {
    pub(crate) fn lookup(&self, id: u128) -> IdLookup {
        if let Some(&seq) = self.exact.get(&id) {
            return IdLookup::Stored(seq);
        }
        match self.by_fingerprint.get(&Fingerprint::of(id)) {
            Some(&seq) => IdLookup::Candidate(u64::from(seq)),
            None => IdLookup::Absent,
        }
    }

    /// Adds an id known not to be stored yet.
    pub(crate) fn insert(&mut self, id: u128, seq: u64) {
        let fingerprint = Fingerprint::of(id);
        match u32::try_from(seq) {
            Ok(small) if !self.by_fingerprint.contains_key(&fingerprint) => {
                self.by_fingerprint.insert(fingerprint, small);
            }
            _ => {
                self.exact.insert(id, seq);
            }
        }
    }
}

/// A 64-bit fingerprint of an id, stored as two `u32` so a map entry packs into 12 bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Fingerprint([u32; 2]);

impl Fingerprint {
    fn of(id: u128) -> Fingerprint {
        // Fold the halves (the multiplier makes the fold injective for a fixed high half),
        // then finish with splitmix64 so that the map's bucket and tag bits are well mixed
        // even for sequential test ids.
        let mut x = (id as u64) ^ ((id >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x ^= x >> 30;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 27;
        x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
        Fingerprint([(x >> 32) as u32, x as u32])
    }

    fn as_u64(self) -> u64 {
        u64::from(self.0[0]) << 32 | u64::from(self.0[1])
    }
}

impl Hash for Fingerprint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.as_u64());
    }
}

/// The fingerprint is already a good hash; hashing it again would only cost time.
#[derive(Default)]
struct FingerprintHasher(u64);

impl Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; this keeps the hasher total for any other caller.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// Two distinct ids with one fingerprint. The fold is injective for a fixed high half, so
/// take a high half and solve the low half for the first id's folded value.
#[cfg(test)]
pub(crate) fn colliding_ids() -> (u128, u128) {
    let a: u128 = 42;
    let hi: u64 = 1;
    let lo = 42u64 ^ hi.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (a, (u128::from(hi) << 64) | u128::from(lo))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_ids_when_inserted_then_lookup_is_stored_candidate_or_absent() {
        let mut ids = IdTable::default();
        ids.insert(7, 1);
        ids.insert(u128::MAX, u64::from(u32::MAX) + 5);
        assert_eq!(ids.lookup(7), IdLookup::Candidate(1));
        assert_eq!(
            ids.lookup(u128::MAX),
            IdLookup::Stored(u64::from(u32::MAX) + 5)
        );
        assert_eq!(ids.lookup(8), IdLookup::Absent);
    }

    #[test]
    fn given_two_ids_with_one_fingerprint_when_inserted_then_the_second_is_exact() {
        let (a, b) = colliding_ids();
        assert!(Fingerprint::of(a) == Fingerprint::of(b));
        let mut ids = IdTable::default();
        ids.insert(a, 1);
        ids.insert(b, 2);
        assert_eq!(ids.lookup(a), IdLookup::Candidate(1));
        assert_eq!(ids.lookup(b), IdLookup::Stored(2));
    }
}
