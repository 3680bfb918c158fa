//! The writer's in-memory uniqueness checks for [`IndexMode::Deferred`](crate::IndexMode).
//!
//! A national run appends ~24 M events over ~4–12 M streams in random stream order, and a
//! unique B-tree index fed in random order costs about 10× on the write path. In deferred
//! mode the one writer therefore checks stream versions and event-id uniqueness here, in
//! memory, and the indexes are built once, sorted, at the end. The structures are sized
//! for that load:
//!
//! * [`StreamTable`]: stream name → current version, an open-addressing table of 16-byte
//!   slots whose names live once in a byte arena — about name length + 21 bytes a stream,
//!   against ~75 for a `HashMap<String, u64>`. Exact: names are compared, not hashed.
//! * [`IdTable`]: event id → global_seq, keyed by a 64-bit fingerprint of the id with a
//!   12-byte entry. A fingerprint hit is only a *candidate*: the caller confirms it by
//!   reading the row at that global_seq (a primary-key lookup), which it must do anyway to
//!   compare a duplicate's content. Ids whose fingerprint is already taken go to a small
//!   exact map, so the answer is always exact.
//!
//! Changes made while a batch is open go to a [`Pending`] layer and are merged only after
//! the transaction commits, so a rolled-back batch leaves no trace in memory either.

#![expect(
    clippy::disallowed_types,
    reason = "these maps are only looked up, never iterated, so no hash order reaches the log"
)]

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

use crate::error::StoreError;

/// Everything the deferred-mode writer remembers about the log.
#[derive(Default)]
pub(crate) struct DeferredState {
    pub(crate) streams: StreamTable,
    pub(crate) ids: IdTable,
    /// The last global_seq this writer committed; compared with the file at each batch to
    /// catch a second writer.
    pub(crate) last_seq: u64,
}

/// Uncommitted changes of the batch being appended; `'a` borrows the batch's stream names.
pub(crate) struct Pending<'a> {
    pub(crate) streams: HashMap<&'a str, u64>,
    pub(crate) ids: HashMap<u128, u64>,
    /// Bytes the new stream names will add to the arena.
    pub(crate) new_name_bytes: u64,
}

impl Pending<'_> {
    /// Room for a batch of `events`, so the maps never rehash while it is appended.
    pub(crate) fn with_capacity(events: usize) -> Self {
        Pending {
            streams: HashMap::with_capacity(events),
            ids: HashMap::with_capacity(events),
            new_name_bytes: 0,
        }
    }
}

impl DeferredState {
    /// The stream's version as of the committed log plus the open batch.
    pub(crate) fn version(&self, pending: &Pending<'_>, stream: &str) -> u64 {
        match pending.streams.get(stream) {
            Some(&v) => v,
            None => self.streams.get(stream),
        }
    }

    /// Records in `pending` that `stream` moves to `version`, refusing what the compact
    /// table could not hold, so that [`DeferredState::absorb`] (run after the commit) cannot
    /// fail.
    pub(crate) fn stage<'a>(
        &self,
        pending: &mut Pending<'a>,
        stream: &'a str,
        version: u64,
        id: u128,
        seq: u64,
    ) -> Result<(), StoreError> {
        if version > u64::from(u32::MAX) {
            return Err(StoreError::DeferredCapacity(
                "a stream version above 4 294 967 295",
            ));
        }
        if stream.len() > MAX_NAME_LEN {
            return Err(StoreError::DeferredCapacity(
                "a stream name longer than 16 MiB",
            ));
        }
        if pending.streams.insert(stream, version).is_none() && self.streams.get(stream) == 0 {
            pending.new_name_bytes += stream.len() as u64;
            if self.streams.arena.len() as u64 + pending.new_name_bytes > MAX_ARENA {
                return Err(StoreError::DeferredCapacity(
                    "stream names above 1 TiB in total",
                ));
            }
        }
        pending.ids.insert(id, seq);
        Ok(())
    }

    /// Merges a committed batch.
    pub(crate) fn absorb(&mut self, pending: Pending<'_>, last_seq: u64) {
        self.streams.reserve(pending.streams.len());
        for (stream, version) in pending.streams {
            // `stage` checked the limits, so the conversion cannot truncate.
            self.streams.set(stream, version as u32);
        }
        for (id, seq) in pending.ids {
            self.ids.insert(id, seq);
        }
        self.last_seq = last_seq;
    }
}

const LEN_BITS: u32 = 24;
const MAX_NAME_LEN: usize = (1 << LEN_BITS) - 1;
const MAX_ARENA: u64 = 1 << (64 - LEN_BITS);

/// Stream name → current version. Open addressing with linear probing; no deletion is
/// ever needed because streams only grow.
#[derive(Default)]
pub(crate) struct StreamTable {
    arena: Vec<u8>,
    slots: Vec<Slot>,
    len: usize,
}

/// One table slot. `version == 0` marks it empty: stored streams have version ≥ 1.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// Arena offset << 24 | name length.
    name: u64,
    version: u32,
    /// A 32-bit hash of the name. It picks the home slot (so growing never re-reads the
    /// arena) and rules out most mismatches without touching the arena.
    tag: u32,
}

impl StreamTable {
    /// Number of streams.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The stream's version, 0 if it has no events.
    pub(crate) fn get(&self, name: &str) -> u64 {
        if self.slots.is_empty() {
            return 0;
        }
        let tag = name_tag(name.as_bytes());
        let mask = self.slots.len() - 1;
        let mut i = tag as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.version == 0 {
                return 0;
            }
            if slot.tag == tag && self.name_of(slot) == name.as_bytes() {
                return u64::from(slot.version);
            }
            i = (i + 1) & mask;
        }
    }

    /// Sets the stream's version (≥ 1), adding the stream if new.
    pub(crate) fn set(&mut self, name: &str, version: u32) {
        debug_assert!(version >= 1);
        self.reserve(1);
        let tag = name_tag(name.as_bytes());
        let mask = self.slots.len() - 1;
        let mut i = tag as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.version == 0 {
                let offset = self.arena.len() as u64;
                self.arena.extend_from_slice(name.as_bytes());
                self.slots[i] = Slot {
                    name: offset << LEN_BITS | name.len() as u64,
                    version,
                    tag,
                };
                self.len += 1;
                return;
            }
            if slot.tag == tag && self.name_of(slot) == name.as_bytes() {
                self.slots[i].version = version;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// Grows so that `extra` more streams fit under a 3/4 load factor.
    fn reserve(&mut self, extra: usize) {
        let needed = self.len + extra;
        if needed * 4 <= self.slots.len() * 3 {
            return;
        }
        let mut capacity = self.slots.len().max(1024);
        while needed * 4 > capacity * 3 {
            capacity *= 2;
        }
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); capacity]);
        let mask = capacity - 1;
        for slot in old.into_iter().filter(|s| s.version != 0) {
            let mut i = slot.tag as usize & mask;
            while self.slots[i].version != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }

    fn name_of(&self, slot: Slot) -> &[u8] {
        let offset = (slot.name >> LEN_BITS) as usize;
        let len = (slot.name & ((1 << LEN_BITS) - 1)) as usize;
        &self.arena[offset..offset + len]
    }
}

fn name_tag(name: &[u8]) -> u32 {
    // SipHash with fixed keys: good spread, and stable within the process, which is all an
    // in-memory table needs.
    let mut h = DefaultHasher::new();
    h.write(name);
    let x = h.finish();
    (x ^ (x >> 32)) as u32
}

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
    fn given_many_streams_when_set_and_grown_then_every_version_is_found() {
        let mut table = StreamTable::default();
        for i in 0..5_000u32 {
            table.set(&format!("card-issuer/card/{i}"), i % 7 + 1);
        }
        for i in (0..5_000u32).step_by(3) {
            table.set(&format!("card-issuer/card/{i}"), 100);
        }
        assert_eq!(table.len(), 5_000);
        for i in 0..5_000u32 {
            let want = if i % 3 == 0 {
                100
            } else {
                u64::from(i % 7 + 1)
            };
            assert_eq!(table.get(&format!("card-issuer/card/{i}")), want);
        }
        assert_eq!(table.get("card-issuer/card/5000"), 0);
        assert_eq!(table.get(""), 0);
    }

    #[test]
    fn given_an_empty_stream_name_when_set_then_it_is_distinct() {
        let mut table = StreamTable::default();
        table.set("", 2);
        table.set("a", 1);
        assert_eq!((table.get(""), table.get("a")), (2, 1));
    }

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
