//! The event envelope: the public, stored shape of every fact in the log.
//!
//! Design.md ("The event envelope") fixes these fields as a contract from day one. The
//! [`EventRecord`] is the storage form (payload already serialized to JSON text) that the
//! event store reads and writes; it carries no domain types so the store stays ignorant of
//! the domain. [`Envelope`] is the typed form the simulator and projections work with.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::event::Event;
use crate::service::Service;

/// The current schema version of event payloads. Bumped when a payload changes shape;
/// readers upcast older versions.
pub const PAYLOAD_SCHEMA_VERSION: u16 = 1;

/// One stored event, payload serialized. This is what the event store appends and returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Gap-free position in the log, starting at 1; the replay order. Assigned by the store.
    pub global_seq: u64,
    /// Deterministic id (derived from run seed and sequence); the idempotency key.
    pub event_id: Uuid,
    /// The stream (aggregate) the event belongs to, e.g. `card-issuer/resident/17`.
    pub stream: String,
    /// Position within the stream, starting at 1.
    pub stream_version: u64,
    /// The event's type name, e.g. `PeriodOfStayExtended`.
    pub event_type: String,
    /// Version of the payload's shape, for upcasting.
    pub schema_version: u16,
    /// Simulated time at which the office recorded the fact.
    pub occurred_at: NaiveDateTime,
    /// The legal date the fact takes effect, when it differs from `occurred_at`'s date.
    pub effective_on: Option<NaiveDate>,
    /// The office (service) that decided the event.
    pub service: String,
    /// The procedure that started the chain (the id of the first event of the chain).
    pub correlation_id: Uuid,
    /// The event that caused this one, if any.
    pub causation_id: Option<Uuid>,
    /// The event payload as JSON text.
    pub payload: String,
}

/// One event with its metadata, payload typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub global_seq: u64,
    pub event_id: Uuid,
    pub stream: String,
    pub stream_version: u64,
    pub occurred_at: NaiveDateTime,
    pub effective_on: Option<NaiveDate>,
    pub service: Service,
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub event: Event,
}
