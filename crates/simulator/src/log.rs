//! The stored form of events: converting between typed envelopes and store records, deriving
//! event ids, naming streams, and hashing the log.

use model::envelope::{Envelope, EventRecord, PAYLOAD_SCHEMA_VERSION, StreamId};
use model::event::Event;
use model::service::Service;
use uuid::Uuid;

use model::hashing::{HashWriter, mix64};

/// The format-1 id of the event at `global_seq` in a run with `seed`.
///
/// `mix64` is a bijection, so ids never collide within a run; different seeds give different
/// ids. Version 8 (custom) UUIDs say honestly that these are not random. Decision 11 replaces it
/// with [`model::envelope::event_id`], which a shard can compute without knowing `global_seq`,
/// once the log is ordered by (time, resident).
pub fn event_id(seed: u64, global_seq: u64) -> Uuid {
    let a = mix64(seed ^ mix64(global_seq));
    let b = mix64(a ^ 0x5A17_0C0D_E5EE_D000);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_be_bytes());
    bytes[8..].copy_from_slice(&b.to_be_bytes());
    Uuid::new_v8(bytes)
}

/// Errors converting a stored record back into a typed envelope.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("event {global_seq}: unknown service {service:?}")]
    UnknownService { global_seq: u64, service: String },
    #[error("event {global_seq}: payload does not parse as {event_type}: {source}")]
    Payload {
        global_seq: u64,
        event_type: String,
        source: serde_json::Error,
    },
    #[error("event {global_seq}: stored type {stored} but payload is {payload}")]
    TypeMismatch {
        global_seq: u64,
        stored: String,
        payload: &'static str,
    },
    #[error("event {global_seq}: stored stream {stored} but the event belongs to {derived}")]
    StreamMismatch {
        global_seq: u64,
        stored: String,
        derived: StreamId,
    },
    #[error("event {global_seq}: stream version {version} is out of range")]
    StreamVersion { global_seq: u64, version: u64 },
    #[error("event {global_seq}: payload schema version {version} is newer than this build knows")]
    NewerSchema { global_seq: u64, version: u16 },
}

/// The storage form of an envelope.
pub fn to_record(env: &Envelope) -> EventRecord {
    EventRecord {
        global_seq: env.global_seq,
        event_id: env.event_id,
        stream: env.stream().to_string(),
        stream_version: u64::from(env.stream_version),
        event_type: env.event.type_name().to_owned(),
        schema_version: PAYLOAD_SCHEMA_VERSION,
        occurred_at: env.occurred_at,
        effective_on: env.effective_on,
        service: env.service.as_str().to_owned(),
        correlation_id: env.correlation_id,
        causation_id: env.causation_id,
        payload: serde_json::to_string(&env.event).expect("events always serialize"),
    }
}

/// The typed form of a stored record. Version 1 is the only payload version so far; the
/// upcasting of older versions would happen here.
pub fn from_record(rec: &EventRecord) -> Result<Envelope, DecodeError> {
    let service = Service::parse(&rec.service).ok_or_else(|| DecodeError::UnknownService {
        global_seq: rec.global_seq,
        service: rec.service.clone(),
    })?;
    if rec.schema_version > PAYLOAD_SCHEMA_VERSION {
        return Err(DecodeError::NewerSchema {
            global_seq: rec.global_seq,
            version: rec.schema_version,
        });
    }
    let event: Event =
        serde_json::from_str(&rec.payload).map_err(|source| DecodeError::Payload {
            global_seq: rec.global_seq,
            event_type: rec.event_type.clone(),
            source,
        })?;
    if event.type_name() != rec.event_type {
        return Err(DecodeError::TypeMismatch {
            global_seq: rec.global_seq,
            stored: rec.event_type.clone(),
            payload: event.type_name(),
        });
    }
    let stream = StreamId {
        service,
        resident: event.resident(),
    };
    if StreamId::parse(&rec.stream) != Some(stream) {
        return Err(DecodeError::StreamMismatch {
            global_seq: rec.global_seq,
            stored: rec.stream.clone(),
            derived: stream,
        });
    }
    let stream_version =
        u32::try_from(rec.stream_version).map_err(|_| DecodeError::StreamVersion {
            global_seq: rec.global_seq,
            version: rec.stream_version,
        })?;
    Ok(Envelope {
        global_seq: rec.global_seq,
        event_id: rec.event_id,
        stream_version,
        occurred_at: rec.occurred_at,
        effective_on: rec.effective_on,
        service,
        correlation_id: rec.correlation_id,
        causation_id: rec.causation_id,
        event,
    })
}

/// Incremental hash of a log: every record's canonical JSON, one per line, in global order.
#[derive(Default, Clone)]
pub struct LogHasher(HashWriter);

impl LogHasher {
    pub fn new() -> LogHasher {
        LogHasher(HashWriter::new())
    }

    pub fn add(&mut self, rec: &EventRecord) {
        serde_json::to_writer(&mut self.0, rec).expect("records always serialize");
        self.0.update(b"\n");
    }

    pub fn finish(self) -> String {
        self.0.finish()
    }
}
