//! The event envelope: the public, stored shape of every fact in the log.
//!
//! docs/ARCHITECTURE.md ("The event envelope") fixes these fields as a contract from day one. The
//! [`EventRecord`] is the storage form (payload already serialized) that the event store reads
//! and writes; it carries no domain payload type so the store stays ignorant of the domain.
//! [`Envelope`] is the typed form the simulator and projections work with. Decision 11 (log
//! format 2) fixes how the ids are made ([`event_id`]) and that a stream is a small value, an
//! office and a resident ([`StreamId`]), rendered as text only where a person or SQL needs it.

use std::borrow::Cow;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::event::Event;
use crate::hashing::mix64;
use crate::ids::ResidentId;
use crate::service::Service;

/// The current schema version of event payloads. Bumped when a payload changes shape or
/// encoding; readers upcast older versions. Version 1 was the event as JSON (log format 1);
/// version 2 is the event's own fields in the canonical binary form (log format 2).
pub const PAYLOAD_SCHEMA_VERSION: u16 = 2;

/// A stream: one office's events about one resident. Its text form, used in the stored log of
/// format 1 and wherever a person reads it, is `city-hall/resident/17`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId {
    pub service: Service,
    pub resident: ResidentId,
}

impl StreamId {
    /// Parses the text form back (`card-issuer/resident/17`).
    pub fn parse(text: &str) -> Option<StreamId> {
        let (service, resident) = text.split_once("/resident/")?;
        // Only the form `Display` writes: no sign, no leading zero (so text ↔ stream is a
        // bijection and a format-1 log's stream column can be rebuilt exactly).
        if resident.is_empty()
            || !resident.bytes().all(|b| b.is_ascii_digit())
            || (resident.len() > 1 && resident.starts_with('0'))
        {
            return None;
        }
        Some(StreamId {
            service: Service::parse(service)?,
            resident: ResidentId(resident.parse().ok()?),
        })
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/resident/{}", self.service.as_str(), self.resident.0)
    }
}

/// The id of a resident's `counter`-th event (1, 2, 3 … along the log), which happened at
/// `occurred_at`, in a run with `seed` (decision 11, §2).
///
/// A version-8 UUID whose 122 free bits are, most significant first: `occurred_at` as seconds
/// since 1970-01-01 plus 2^39 (40 bits, saturating beyond about ±17,000 years), the resident (32
/// bits), the counter (32 bits) and 18 bits of `mix64(seed)`. The version and variant bits sit
/// at fixed places, so ids compare like their (time, resident, counter): they increase strictly
/// along a log ordered by (time, resident, the resident's own order), and the store relies on
/// that. (resident, counter) alone makes an id unique within a run.
pub fn event_id(seed: u64, occurred_at: NaiveDateTime, resident: ResidentId, counter: u32) -> Uuid {
    const TIME_BITS: u32 = 40;
    const OFFSET: i64 = 1 << (TIME_BITS - 1);
    let seconds = occurred_at.and_utc().timestamp();
    let time = seconds
        .saturating_add(OFFSET)
        .clamp(0, (1 << TIME_BITS) - 1) as u128;
    let salt = u128::from(mix64(seed) >> (64 - 18));
    let free: u128 = time << 82 | u128::from(resident.0) << 50 | u128::from(counter) << 18 | salt;
    // Spread the 122 free bits around the version (bits 76–79) and variant (bits 62–63) fields,
    // keeping their order.
    let high = free >> 74; // 48 bits: octets 0–5
    let mid = (free >> 62) & 0xFFF; // 12 bits after the version nibble
    let low = free & ((1 << 62) - 1); // 62 bits after the variant
    let bits = high << 80 | 0x8 << 76 | mid << 64 | 0b10 << 62 | low;
    Uuid::from_u128(bits)
}

/// One stored event, payload serialized. This is what the event store appends and returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// Gap-free position in the log, starting at 1; the replay order. Assigned by the store.
    pub global_seq: u64,
    /// The event's id ([`event_id`]); the idempotency key.
    pub event_id: Uuid,
    /// The stream the event belongs to: the office that decided it and the resident.
    pub stream: StreamId,
    /// Position within the stream, starting at 1.
    pub stream_version: u32,
    /// The event's type name, e.g. `PeriodOfStayExtended` (borrowed from this build's list of
    /// names whenever it is one of them, so reading a log allocates no name per event).
    pub event_type: Cow<'static, str>,
    /// Version of the payload's shape and encoding ([`PAYLOAD_SCHEMA_VERSION`]).
    pub schema_version: u16,
    /// Simulated time at which the office recorded the fact.
    pub occurred_at: NaiveDateTime,
    /// The legal date the fact takes effect, when it differs from `occurred_at`'s date.
    pub effective_on: Option<NaiveDate>,
    /// The procedure that started the chain (the id of the first event of the chain).
    pub correlation_id: Uuid,
    /// The event that caused this one, if any.
    pub causation_id: Option<Uuid>,
    /// The payload: JSON text in schema version 1, the canonical binary form
    /// ([`Event::encode_payload`]) from version 2.
    pub payload: Vec<u8>,
}

/// This build's name for an event type, borrowed when it is one of [`Event::TYPE_NAMES`].
pub fn type_name(name: &str) -> Cow<'static, str> {
    match Event::TYPE_NAMES.iter().find(|n| **n == name) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(name.to_owned()),
    }
}

/// One event with its metadata, payload typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub global_seq: u64,
    pub event_id: Uuid,
    /// The office that decided the event; with the event's resident, its stream.
    pub service: Service,
    /// Position within the stream, starting at 1.
    pub stream_version: u32,
    pub occurred_at: NaiveDateTime,
    pub effective_on: Option<NaiveDate>,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub event: Event,
}

impl Envelope {
    /// The resident the event is about.
    pub fn resident(&self) -> ResidentId {
        self.event.resident()
    }

    /// The stream the event belongs to.
    pub fn stream(&self) -> StreamId {
        StreamId {
            service: self.service,
            resident: self.resident(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .expect("valid test time")
    }

    #[test]
    fn given_ids_when_compared_then_they_follow_time_then_resident_then_counter() {
        let seed = 7;
        let ordered = [
            event_id(seed, at(1960, 1, 1, 9), ResidentId(5), 1),
            event_id(seed, at(2026, 6, 14, 0), ResidentId(0), 1),
            event_id(seed, at(2026, 6, 14, 0), ResidentId(0), 2),
            event_id(seed, at(2026, 6, 14, 0), ResidentId(1), 1),
            event_id(seed, at(2026, 6, 14, 0), ResidentId(u32::MAX), u32::MAX),
            event_id(seed, at(2026, 6, 14, 9), ResidentId(0), 3),
            event_id(seed, at(2900, 1, 1, 0), ResidentId(0), 4),
        ];
        for pair in ordered.windows(2) {
            assert!(pair[0] < pair[1], "{} !< {}", pair[0], pair[1]);
            assert!(pair[0].as_u128() < pair[1].as_u128());
        }
        for id in ordered {
            assert_eq!(id.get_version_num(), 8, "{id}");
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122, "{id}");
        }
    }

    #[test]
    fn given_two_seeds_when_ids_are_made_then_they_differ_and_each_is_reproducible() {
        let t = at(2026, 7, 15, 9);
        let a = event_id(1, t, ResidentId(3), 2);
        assert_eq!(a, event_id(1, t, ResidentId(3), 2));
        assert_ne!(a, event_id(2, t, ResidentId(3), 2));
    }

    #[test]
    fn given_stream_text_when_parsed_then_only_the_displayed_form_round_trips() {
        let s = StreamId {
            service: Service::CardIssuer,
            resident: ResidentId(17),
        };
        assert_eq!(s.to_string(), "card-issuer/resident/17");
        assert_eq!(StreamId::parse("card-issuer/resident/17"), Some(s));
        for bad in [
            "card-issuer/resident/017",
            "card-issuer/resident/",
            "card-issuer/resident/+1",
            "nobody/resident/1",
            "card-issuer/card/1",
            "card-issuer/resident/4294967296",
        ] {
            assert_eq!(StreamId::parse(bad), None, "{bad}");
        }
    }
}
