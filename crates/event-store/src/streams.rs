//! Every stream's current version, in memory: what the one writer checks each expected version
//! against, and what a reader checks each stored version against, in place of a unique index on
//! `(stream, stream_version)` (decision 11: a national log has ≈ 16 M streams, and such an index
//! costs more than half the append time to build).
//!
//! A stream is an office and a resident, and residents are numbered 0, 1, 2 …, so the versions
//! live in one dense vector indexed by resident, each entry the versions of the resident's
//! streams at every office — 16 bytes a resident, no hashing. The offices of a resident sit
//! together because a log keeps a resident's events together: a procedure's chain (the visit,
//! the decision, the notices to the other offices) is consecutive events at one instant, so on
//! a national log, where the table is far larger than the CPU's caches, the chain's first event
//! brings its resident's line in for the others (one vector per office cost a cache miss per
//! office). A resident number too large to index densely (only a damaged or hostile log has
//! one) goes to an ordered map, so that reading such a log can never make the reader allocate
//! gigabytes.

use std::collections::BTreeMap;

use model::envelope::StreamId;
use model::service::Service;

/// Residents below this number are indexed densely (64 M: sixteen times Japan's foreign
/// residents; 1 GiB at most).
const DENSE_LIMIT: usize = 1 << 26;

/// Stream → current version (0: no event yet).
#[derive(Default)]
pub(crate) struct StreamVersions {
    dense: Vec<[u32; Service::ALL.len()]>,
    sparse: BTreeMap<StreamId, u32>,
}

impl StreamVersions {
    /// The stream's version: that of its last event, 0 if it has none.
    pub(crate) fn get(&self, stream: StreamId) -> u32 {
        let resident = stream.resident.index();
        if resident < DENSE_LIMIT {
            self.dense
                .get(resident)
                .map_or(0, |offices| offices[stream.service.index()])
        } else {
            self.sparse.get(&stream).copied().unwrap_or(0)
        }
    }

    /// Sets the stream's version and returns the one it replaces.
    pub(crate) fn set(&mut self, stream: StreamId, version: u32) -> u32 {
        let resident = stream.resident.index();
        if resident < DENSE_LIMIT {
            if self.dense.len() <= resident {
                // Grow geometrically: residents mostly arrive in order.
                let len = (resident + 1).max(self.dense.len() * 2).min(DENSE_LIMIT);
                self.dense.resize(len, [0; Service::ALL.len()]);
            }
            std::mem::replace(&mut self.dense[resident][stream.service.index()], version)
        } else {
            self.sparse.insert(stream, version).unwrap_or(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::ids::ResidentId;

    fn stream(service: Service, resident: u32) -> StreamId {
        StreamId {
            service,
            resident: ResidentId(resident),
        }
    }

    #[test]
    fn given_versions_set_when_read_then_each_stream_has_its_own() {
        let mut v = StreamVersions::default();
        assert_eq!(v.set(stream(Service::CityHall, 3), 1), 0);
        assert_eq!(v.set(stream(Service::CityHall, 3), 2), 1);
        assert_eq!(v.set(stream(Service::CardIssuer, 3), 7), 0);
        assert_eq!(v.set(stream(Service::Police, u32::MAX), 5), 0);
        assert_eq!(v.get(stream(Service::CityHall, 3)), 2);
        assert_eq!(v.get(stream(Service::CardIssuer, 3)), 7);
        assert_eq!(v.get(stream(Service::ImmigrationBureau, 3)), 0);
        assert_eq!(v.get(stream(Service::CityHall, 4)), 0);
        assert_eq!(v.get(stream(Service::Police, u32::MAX)), 5);
        assert_eq!(v.get(stream(Service::Police, u32::MAX - 1)), 0);
    }

    #[test]
    fn given_a_huge_resident_number_when_set_then_no_dense_vector_grows_to_it() {
        let mut v = StreamVersions::default();
        v.set(stream(Service::CityHall, 4_000_000_000), 1);
        assert!(v.dense.is_empty());
    }
}
