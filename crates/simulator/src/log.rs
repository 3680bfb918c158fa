//! The stored form of events: converting between typed envelopes and store records, and hashing
//! the log (decision 11; docs/log-format.md).
//!
//! * [`to_record`] encodes an envelope as log format 2 writes it: the payload in the canonical
//!   binary form ([`Event::encode_payload`], schema version 2).
//! * [`write_envelope`] writes an envelope's canonical bytes straight into a buffer (what a
//!   shard hands on, decision 28) and [`read_canonical`] reads the stored row back from them (what
//!   the writer binds).
//! * [`from_record`] decodes a record of either format: a binary payload directly, a JSON
//!   payload of format 1 through the upcasters ([`crate::upcast`]).
//! * [`LogHasher`] is the log hash of format 2: SHA-256 over the run's inputs
//!   ([`RunHeader`]) and then every event's canonical form, which is the binary payload behind
//!   a fixed-layout header. It can be read at any point ([`LogHasher::current`]), which is how
//!   every commit records the hash of the log up to it. [`LogHasherV1`] recomputes the hash of a
//!   format-1 log (each record's JSON, one per line), so old logs still verify.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use event_store::{LogFormat, RunMeta, StoredHeader};
use model::envelope::{Envelope, EventRecord, PAYLOAD_SCHEMA_VERSION, StreamId};
use model::event::{Event, PayloadError};
use model::hashing::{HashWriter, mix64};
use model::ids::ResidentId;
use model::service::Service;
use serde::Serialize;
use uuid::Uuid;

use crate::upcast::{self, Upcasters};

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
    #[error("event {global_seq}: the {event_type} payload does not decode: {source}")]
    Binary {
        global_seq: u64,
        event_type: String,
        source: PayloadError,
    },
    #[error("event {global_seq}: the JSON payload does not parse as {event_type}: {source}")]
    Json {
        global_seq: u64,
        event_type: String,
        source: serde_json::Error,
    },
    #[error(
        "event {global_seq}: the {event_type} payload of version {version} cannot be upcast: {reason}"
    )]
    Upcast {
        global_seq: u64,
        event_type: String,
        version: u16,
        reason: String,
    },
    #[error("event {global_seq}: stored type {stored} but payload is {payload}")]
    TypeMismatch {
        global_seq: u64,
        stored: String,
        payload: &'static str,
    },
    #[error(
        "event {global_seq}: the stream is resident {stream}'s but the payload is about {payload}"
    )]
    ResidentMismatch {
        global_seq: u64,
        stream: u32,
        payload: u32,
    },
    #[error(
        "event {global_seq}: payload schema version {version} is not one this build knows \
         (1 to {PAYLOAD_SCHEMA_VERSION})"
    )]
    UnknownSchema { global_seq: u64, version: u16 },
}

/// The storage form of an envelope (log format 2).
pub fn to_record(env: &Envelope) -> EventRecord {
    let mut payload = Vec::with_capacity(64);
    env.event.encode_payload(&mut payload);
    EventRecord {
        global_seq: env.global_seq,
        event_id: env.event_id,
        stream: env.stream(),
        stream_version: env.stream_version,
        event_type: env.event.type_name().into(),
        schema_version: PAYLOAD_SCHEMA_VERSION,
        occurred_at: env.occurred_at,
        effective_on: env.effective_on,
        correlation_id: env.correlation_id,
        causation_id: env.causation_id,
        payload,
    }
}

/// The typed form of a stored record of either format, read with this build's upcasters.
pub fn from_record(rec: &EventRecord) -> Result<Envelope, DecodeError> {
    from_record_with(rec, Upcasters::builtin())
}

/// The typed form of a stored record of either format, an old payload brought up to today's
/// shape by `upcasters`.
pub fn from_record_with(
    rec: &EventRecord,
    upcasters: Upcasters<'_>,
) -> Result<Envelope, DecodeError> {
    let event = match rec.schema_version {
        PAYLOAD_SCHEMA_VERSION => decode_binary(
            rec.global_seq,
            &rec.event_type,
            rec.stream.resident,
            &rec.payload,
        )?,
        1 => upcast::json_payload(rec, upcasters)?,
        version => {
            return Err(DecodeError::UnknownSchema {
                global_seq: rec.global_seq,
                version,
            });
        }
    };
    check_decoded(rec.global_seq, &rec.event_type, rec.stream.resident, &event)?;
    Ok(Envelope {
        global_seq: rec.global_seq,
        event_id: rec.event_id,
        service: rec.stream.service,
        stream_version: rec.stream_version,
        occurred_at: rec.occurred_at,
        effective_on: rec.effective_on,
        correlation_id: rec.correlation_id,
        causation_id: rec.causation_id,
        event,
    })
}

/// The typed form of the event a row of log format 2 stores: [`from_record`] of its record,
/// without making the record (the payload is decoded where it lies). A payload of another
/// schema version goes through [`from_record`].
pub fn from_stored(header: &StoredHeader, payload: &[u8]) -> Result<Envelope, DecodeError> {
    if header.schema_version != PAYLOAD_SCHEMA_VERSION {
        return from_record(&header.record(payload));
    }
    let Some(index) = header.type_index else {
        // Not a type of this build: refused as the record would be.
        return from_record(&header.record(payload));
    };
    let event =
        Event::decode_payload_of(index, header.stream.resident, payload).map_err(|source| {
            DecodeError::Binary {
                global_seq: header.global_seq,
                event_type: header.event_type.to_string(),
                source,
            }
        })?;
    check_decoded(
        header.global_seq,
        &header.event_type,
        header.stream.resident,
        &event,
    )?;
    Ok(Envelope {
        global_seq: header.global_seq,
        event_id: header.event_id,
        service: header.stream.service,
        stream_version: header.stream_version,
        occurred_at: header.occurred_at(),
        effective_on: header.effective_on(),
        correlation_id: header.correlation_id,
        causation_id: header.causation_id,
        event,
    })
}

/// The event a canonical binary payload holds.
fn decode_binary(
    global_seq: u64,
    event_type: &str,
    resident: ResidentId,
    payload: &[u8],
) -> Result<Event, DecodeError> {
    Event::decode_payload(event_type, resident, payload).map_err(|source| DecodeError::Binary {
        global_seq,
        event_type: event_type.to_owned(),
        source,
    })
}

/// Refuses an event whose type or resident is not the one its record states.
fn check_decoded(
    global_seq: u64,
    stored: &str,
    resident: ResidentId,
    event: &Event,
) -> Result<(), DecodeError> {
    if event.type_name() != stored {
        return Err(DecodeError::TypeMismatch {
            global_seq,
            stored: stored.to_owned(),
            payload: event.type_name(),
        });
    }
    if event.resident() != resident {
        return Err(DecodeError::ResidentMismatch {
            global_seq,
            stream: resident.0,
            payload: event.resident().0,
        });
    }
    Ok(())
}

/// What the log hash covers besides the events (decision 11): the run's inputs as `run_meta`
/// records them — not the label (a path: the same scenario run from another directory must
/// hash the same), not the code version, not the outcome, and not the Japanese texts (schema
/// version 4), which are the scenario file's, whose hash is covered, and are shown only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunHeader {
    pub scenario_hash: String,
    /// The policy as stored (JSON text).
    pub policy: String,
    pub seed: u64,
    pub start: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub title: String,
    pub description: String,
    pub resident_names: Vec<String>,
    pub display_names: Vec<String>,
}

impl RunHeader {
    /// The inputs recorded in a log's metadata.
    pub fn of(meta: &RunMeta) -> RunHeader {
        RunHeader {
            scenario_hash: meta.scenario_hash.clone(),
            policy: meta.policy.clone(),
            seed: meta.seed,
            start: Some(meta.start),
            until: Some(meta.until),
            title: meta.title.clone(),
            description: meta.description.clone(),
            resident_names: meta.resident_names.clone(),
            display_names: meta.display_names.clone(),
        }
    }

    fn write(&self, out: &mut Canonical) {
        let RunHeader {
            scenario_hash,
            policy,
            seed,
            start,
            until,
            title,
            description,
            resident_names,
            display_names,
        } = self;
        out.text(scenario_hash);
        out.text(policy);
        out.u64(*seed);
        out.date(*start);
        out.date(*until);
        out.text(title);
        out.text(description);
        out.texts(resident_names);
        out.texts(display_names);
    }
}

/// The bytes the log hash reads: integers little-endian and fixed-width, texts and byte strings
/// behind their length, optional values behind a 0/1 byte — so no two different inputs give the
/// same bytes.
#[derive(Default, Clone)]
struct Canonical(Vec<u8>);

impl Canonical {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.extend_from_slice(b);
    }
    fn text(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    fn texts(&mut self, all: &[String]) {
        self.u64(all.len() as u64);
        for s in all {
            self.text(s);
        }
    }
    fn uuid(&mut self, id: &Uuid) {
        self.0.extend_from_slice(id.as_bytes());
    }
    fn date(&mut self, d: Option<NaiveDate>) {
        self.days_from_ce(d.map(|d| i64::from(d.num_days_from_ce())));
    }
    /// A date as chrono numbers it (`num_days_from_ce`: 0001-01-01 is day 1).
    fn days_from_ce(&mut self, days: Option<i64>) {
        match days {
            None => self.u8(0),
            Some(days) => {
                self.u8(1);
                self.i64(days);
            }
        }
    }
    /// An event's correlation and causation ids.
    fn ids(&mut self, correlation: &Uuid, causation: Option<&Uuid>) {
        self.uuid(correlation);
        match causation {
            None => self.u8(0),
            Some(id) => {
                self.u8(1);
                self.uuid(id);
            }
        }
    }
    fn time(&mut self, t: &NaiveDateTime) {
        self.i64(t.and_utc().timestamp());
        self.u32(t.and_utc().timestamp_subsec_nanos());
    }
}

/// chrono's day number (`num_days_from_ce`) of 1970-01-01, from which a log of format 2 counts
/// its stored dates.
const UNIX_EPOCH_FROM_CE: i64 = 719_163;

/// The magic that opens the hashed bytes of log format 2.
const MAGIC_V2: &[u8] = b"zairyu log hash 2\n";

/// The log hash of format 2: SHA-256 over the run's inputs and every event's canonical form, in
/// global order (decision 11).
#[derive(Clone)]
pub struct LogHasher {
    sha: HashWriter,
    scratch: Canonical,
}

impl LogHasher {
    /// A hasher that has read the run's inputs and no event yet.
    pub fn new(header: &RunHeader) -> LogHasher {
        let mut sha = HashWriter::new();
        sha.update(MAGIC_V2);
        let mut scratch = Canonical::default();
        header.write(&mut scratch);
        sha.update(&scratch.0);
        LogHasher { sha, scratch }
    }

    /// Reads the next event. `global_seq` is not read: the order of the calls is the position.
    pub fn add(&mut self, rec: &EventRecord) {
        let EventRecord {
            global_seq: _,
            event_id,
            stream,
            stream_version,
            event_type,
            schema_version,
            occurred_at,
            effective_on,
            correlation_id,
            causation_id,
            payload,
        } = rec;
        let out = &mut self.scratch;
        out.0.clear();
        out.uuid(event_id);
        out.text(stream.service.as_str());
        out.u32(stream.resident.0);
        out.u32(*stream_version);
        out.text(event_type);
        out.u16(*schema_version);
        out.time(occurred_at);
        out.date(*effective_on);
        out.ids(correlation_id, causation_id.as_ref());
        out.bytes(payload);
        self.sha.update(&out.0);
    }

    /// [`LogHasher::add`] of the event a format-2 row stores, read from the row's integers
    /// (a replay's reading thread hashes every event, in order, and converts no time for it):
    /// the same bytes as `add` of the same event's record.
    pub fn add_stored(&mut self, header: &StoredHeader, payload: &[u8]) {
        self.scratch.0.clear();
        write_stored(header, payload, &mut self.scratch.0);
        self.sha.update(&self.scratch.0);
    }

    /// Reads the canonical bytes of the next events, as [`write_stored`] wrote them: hashing
    /// them here or event by event with [`LogHasher::add_stored`] gives the same hash, so the
    /// bytes can be made on one thread and hashed on another.
    pub fn add_canonical(&mut self, bytes: &[u8]) {
        self.sha.update(bytes);
    }

    /// The hash of the inputs and the events read so far, without ending the hash.
    pub fn current(&self) -> String {
        self.sha.clone().finish()
    }

    /// The hash of the inputs and every event read.
    pub fn finish(self) -> String {
        self.sha.finish()
    }
}

/// Appends to `out` the canonical bytes of the event a format-2 row stores, as the log hash of
/// format 2 reads them ([`LogHasher::add_stored`], [`LogHasher::add_canonical`]).
pub fn write_stored(header: &StoredHeader, payload: &[u8], out: &mut Vec<u8>) {
    let StoredHeader {
        global_seq: _,
        event_id,
        stream,
        stream_version,
        event_type,
        type_index: _,
        schema_version,
        occurred_seconds,
        effective_days,
        correlation_id,
        causation_id,
    } = header;
    let mut canonical = Canonical(std::mem::take(out));
    canonical.uuid(event_id);
    canonical.text(stream.service.as_str());
    canonical.u32(stream.resident.0);
    canonical.u32(*stream_version);
    canonical.text(event_type);
    canonical.u16(*schema_version);
    // A stored time is whole seconds (`Canonical::time` with no fraction).
    canonical.i64(*occurred_seconds);
    canonical.u32(0);
    canonical.days_from_ce(effective_days.map(|days| days + UNIX_EPOCH_FROM_CE));
    canonical.ids(correlation_id, causation_id.as_ref());
    canonical.bytes(payload);
    *out = canonical.0;
}

/// Appends to `out` the canonical bytes of `env`: the bytes [`LogHasher::add`] reads for its
/// record ([`to_record`]) and [`write_stored`] writes for its row, made straight from the
/// envelope, the payload encoded in place behind its length (patched once it is known), so that
/// a shard hands its events on as one buffer of bytes with no record or payload `Vec` per event.
pub fn write_envelope(env: &Envelope, out: &mut Vec<u8>) {
    let mut canonical = Canonical(std::mem::take(out));
    canonical.uuid(&env.event_id);
    canonical.text(env.service.as_str());
    canonical.u32(env.resident().0);
    canonical.u32(env.stream_version);
    canonical.text(env.event.type_name());
    canonical.u16(PAYLOAD_SCHEMA_VERSION);
    canonical.time(&env.occurred_at);
    canonical.date(env.effective_on);
    canonical.ids(&env.correlation_id, env.causation_id.as_ref());
    // `Canonical::bytes` of the payload: its length first, known only once it is written.
    let at = canonical.0.len();
    canonical.u64(0);
    env.event.encode_payload(&mut canonical.0);
    let len = (canonical.0.len() - at - 8) as u64;
    canonical.0[at..at + 8].copy_from_slice(&len.to_le_bytes());
    *out = canonical.0;
}

/// Why canonical bytes could not be read back as a row ([`read_canonical`]).
#[derive(Debug, thiserror::Error)]
pub enum CanonicalError {
    #[error(
        "event {global_seq}: its canonical bytes do not follow the layout of format 2 ({what})"
    )]
    Malformed { global_seq: u64, what: &'static str },
    #[error("event {global_seq}: occurred at a fraction of a second, which a log cannot store")]
    SubSecond { global_seq: u64 },
}

/// The row of the event whose canonical bytes are `bytes` ([`write_envelope`]): the inverse of
/// [`write_stored`], the payload borrowed from `bytes`. The event is the log's `global_seq`th and
/// of the type at `type_index` in [`Event::TYPE_NAMES`], whose name the bytes must hold (a
/// comparison, where finding the name would be a search).
pub fn read_canonical(
    bytes: &[u8],
    global_seq: u64,
    type_index: usize,
) -> Result<(StoredHeader, &[u8]), CanonicalError> {
    let malformed = |what| CanonicalError::Malformed { global_seq, what };
    let mut r = Fields(bytes);
    let event_id = r.uuid().ok_or_else(|| malformed("event id"))?;
    let service = r.text().ok_or_else(|| malformed("service"))?;
    let service = Service::ALL
        .into_iter()
        .find(|s| s.as_str().as_bytes() == service)
        .ok_or_else(|| malformed("service name"))?;
    let resident = ResidentId(r.u32().ok_or_else(|| malformed("resident"))?);
    let stream_version = r.u32().ok_or_else(|| malformed("stream version"))?;
    let event_type = Event::TYPE_NAMES
        .get(type_index)
        .copied()
        .ok_or_else(|| malformed("type index"))?;
    if r.text() != Some(event_type.as_bytes()) {
        return Err(malformed("event type"));
    }
    let schema_version = r.u16().ok_or_else(|| malformed("schema version"))?;
    let occurred_seconds = r.i64().ok_or_else(|| malformed("time"))?;
    if r.u32().ok_or_else(|| malformed("time"))? != 0 {
        return Err(CanonicalError::SubSecond { global_seq });
    }
    let effective_days = match r.u8() {
        Some(0) => None,
        Some(1) => Some(r.i64().ok_or_else(|| malformed("date"))? - UNIX_EPOCH_FROM_CE),
        _ => return Err(malformed("date")),
    };
    let correlation_id = r.uuid().ok_or_else(|| malformed("correlation id"))?;
    let causation_id = match r.u8() {
        Some(0) => None,
        Some(1) => Some(r.uuid().ok_or_else(|| malformed("causation id"))?),
        _ => return Err(malformed("causation id")),
    };
    let payload = r.text().ok_or_else(|| malformed("payload"))?;
    if !r.0.is_empty() {
        return Err(malformed("bytes after the payload"));
    }
    let header = StoredHeader {
        global_seq,
        event_id,
        stream: StreamId { service, resident },
        stream_version,
        event_type: Cow::Borrowed(event_type),
        type_index: Some(type_index),
        schema_version,
        occurred_seconds,
        effective_days,
        correlation_id,
        causation_id,
    };
    Ok((header, payload))
}

/// The canonical bytes not read yet, read field by field ([`read_canonical`]); `None` when they
/// end early.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|[b]| b)
    }
    fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_le_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    fn i64(&mut self) -> Option<i64> {
        self.take().map(i64::from_le_bytes)
    }
    fn uuid(&mut self) -> Option<Uuid> {
        self.take().map(Uuid::from_bytes)
    }
    /// A text or byte string behind its length.
    fn text(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.take().map(u64::from_le_bytes)?).ok()?;
        let (text, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        Some(text)
    }
}

/// A format-1 record exactly as format 1 serialized it for its hash (field order included).
#[derive(Serialize)]
struct RecordV1<'a> {
    global_seq: u64,
    event_id: Uuid,
    stream: String,
    stream_version: u64,
    event_type: &'a str,
    schema_version: u16,
    occurred_at: NaiveDateTime,
    effective_on: Option<NaiveDate>,
    service: &'static str,
    correlation_id: Uuid,
    causation_id: Option<Uuid>,
    payload: &'a str,
}

/// The log hash of format 1: every record's JSON, one per line, in global order. It covered the
/// events only, not the run's inputs, and recorded no hash at commits.
#[derive(Default, Clone)]
pub struct LogHasherV1(HashWriter);

impl LogHasherV1 {
    /// Reads the next record (of a format-1 log: its payload is the JSON it stored).
    pub fn add(&mut self, rec: &EventRecord) {
        let mut line = Vec::with_capacity(512);
        LogHasherV1::write_line(rec, &mut line);
        self.0.update(&line);
    }

    /// Appends to `out` the bytes of `rec` that the format-1 hash reads: its JSON and a newline.
    pub fn write_line(rec: &EventRecord, out: &mut Vec<u8>) {
        let v1 = RecordV1 {
            global_seq: rec.global_seq,
            event_id: rec.event_id,
            stream: rec.stream.to_string(),
            stream_version: u64::from(rec.stream_version),
            event_type: &rec.event_type,
            schema_version: rec.schema_version,
            occurred_at: rec.occurred_at,
            effective_on: rec.effective_on,
            service: rec.stream.service.as_str(),
            correlation_id: rec.correlation_id,
            causation_id: rec.causation_id,
            // A format-1 payload is the JSON text it stored; bytes that are not UTF-8 cannot be
            // it, and hash as the replacement text so that the log fails to verify.
            payload: std::str::from_utf8(&rec.payload).unwrap_or("\u{FFFD}"),
        };
        serde_json::to_writer(&mut *out, &v1).expect("records always serialize");
        out.push(b'\n');
    }

    pub fn finish(self) -> String {
        self.0.finish()
    }
}

/// The hash of a log in the format it was written in.
#[derive(Clone)]
pub enum AnyLogHasher {
    V1(LogHasherV1),
    V2(LogHasher),
}

impl AnyLogHasher {
    /// The hasher of a log of `format` whose run recorded `meta`.
    pub fn for_log(format: LogFormat, meta: &RunMeta) -> AnyLogHasher {
        match format {
            LogFormat::V1 => AnyLogHasher::V1(LogHasherV1::default()),
            LogFormat::V2 => AnyLogHasher::V2(LogHasher::new(&RunHeader::of(meta))),
        }
    }

    pub fn add(&mut self, rec: &EventRecord) {
        match self {
            AnyLogHasher::V1(h) => h.add(rec),
            AnyLogHasher::V2(h) => h.add(rec),
        }
    }

    /// Reads the next events as the bytes the log's format hashes: for format 2 their
    /// canonical bytes ([`write_stored`]); for format 1 each record's JSON line
    /// ([`LogHasherV1::write_line`]).
    pub fn add_canonical(&mut self, bytes: &[u8]) {
        match self {
            AnyLogHasher::V1(h) => h.0.update(bytes),
            AnyLogHasher::V2(h) => h.add_canonical(bytes),
        }
    }

    /// The hash so far, where the format can tell it (format 2).
    pub fn current(&self) -> Option<String> {
        match self {
            AnyLogHasher::V1(_) => None,
            AnyLogHasher::V2(h) => Some(h.current()),
        }
    }

    pub fn finish(self) -> String {
        match self {
            AnyLogHasher::V1(h) => h.finish(),
            AnyLogHasher::V2(h) => h.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::ids::ResidentId;
    use model::service::Service;

    fn envelope() -> Envelope {
        let at = NaiveDate::from_ymd_opt(2026, 7, 15)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("time");
        let id = model::envelope::event_id(1, at, ResidentId(4), 2);
        Envelope {
            global_seq: 9,
            event_id: id,
            service: Service::ImmigrationBureau,
            stream_version: 2,
            occurred_at: at,
            effective_on: None,
            correlation_id: id,
            causation_id: None,
            event: Event::ExtensionGranted {
                resident: ResidentId(4),
                new_expiry: NaiveDate::from_ymd_opt(2029, 7, 31).expect("date"),
            },
        }
    }

    #[test]
    fn given_an_envelope_when_stored_and_read_back_then_it_is_the_same() {
        let env = envelope();
        let rec = to_record(&env);
        assert_eq!(rec.schema_version, 2);
        assert_eq!(rec.event_type, "ExtensionGranted");
        // The payload is the fields alone, a MessagePack array: here one date, as a string.
        assert_eq!(rec.payload, b"\x91\xaa2029-07-31");
        assert_eq!(from_record(&rec).expect("decodes"), env);
    }

    #[test]
    fn given_a_payload_of_another_resident_or_type_when_read_then_refused() {
        let mut rec = to_record(&envelope());
        rec.event_type = "PermanentResidenceGranted".into();
        assert!(from_record(&rec).is_err(), "that type has no field");
        let mut rec = to_record(&envelope());
        rec.payload.push(0);
        assert!(matches!(
            from_record(&rec),
            Err(DecodeError::Binary {
                source: PayloadError::TrailingBytes(1),
                ..
            })
        ));
        let mut rec = to_record(&envelope());
        rec.schema_version = 3;
        assert!(matches!(
            from_record(&rec),
            Err(DecodeError::UnknownSchema { version: 3, .. })
        ));
    }

    #[test]
    fn given_a_stored_row_when_hashed_or_decoded_then_it_is_its_record() {
        let mut env = envelope();
        for (effective_on, causation_id) in [
            (None, None),
            (NaiveDate::from_ymd_opt(1969, 12, 31), Some(env.event_id)),
            (NaiveDate::from_ymd_opt(2026, 7, 1), None),
        ] {
            env.effective_on = effective_on;
            env.causation_id = causation_id;
            let rec = to_record(&env);
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("date");
            let header = StoredHeader {
                global_seq: rec.global_seq,
                event_id: rec.event_id,
                stream: rec.stream,
                stream_version: rec.stream_version,
                event_type: rec.event_type.clone(),
                type_index: Event::type_index(&rec.event_type),
                schema_version: rec.schema_version,
                occurred_seconds: rec.occurred_at.and_utc().timestamp(),
                effective_days: rec.effective_on.map(|d| (d - epoch).num_days()),
                correlation_id: rec.correlation_id,
                causation_id: rec.causation_id,
            };
            assert_eq!(header.record(&rec.payload), rec);
            let (mut by_record, mut by_row) = (
                LogHasher::new(&RunHeader::default()),
                LogHasher::new(&RunHeader::default()),
            );
            by_record.add(&rec);
            by_row.add_stored(&header, &rec.payload);
            // The canonical bytes made on one thread and hashed on another: the same hash.
            let mut bytes = Vec::new();
            write_stored(&header, &rec.payload, &mut bytes);
            let mut by_bytes = AnyLogHasher::V2(LogHasher::new(&RunHeader::default()));
            by_bytes.add_canonical(&bytes);
            // Straight from the envelope: the same bytes, which read back as the row.
            let mut direct = vec![0xAA];
            write_envelope(&env, &mut direct);
            assert_eq!(direct[1..], bytes[..], "{effective_on:?}");
            let (read, payload) = read_canonical(&direct[1..], rec.global_seq, env.event.index())
                .expect("reads back");
            assert_eq!(read, header);
            assert_eq!(payload, rec.payload);
            let expected = by_record.finish();
            assert_eq!(by_bytes.finish(), expected, "{effective_on:?}");
            assert_eq!(by_row.finish(), expected, "{effective_on:?}");
            assert_eq!(from_stored(&header, &rec.payload).expect("decodes"), env);
            // A damaged payload is refused as the record's would be.
            let damaged = [rec.payload.as_slice(), &[0]].concat();
            assert_eq!(
                from_stored(&header, &damaged).map_err(|e| e.to_string()),
                from_record(&header.record(&damaged)).map_err(|e| e.to_string())
            );
        }
    }

    #[test]
    fn given_canonical_bytes_that_are_not_an_events_when_read_then_refused() {
        let mut env = envelope();
        env.causation_id = Some(env.event_id);
        let mut bytes = Vec::new();
        write_envelope(&env, &mut bytes);
        let index = env.event.index();
        assert!(read_canonical(&bytes, 9, index).is_ok());
        // Cut anywhere, or followed by anything: malformed.
        for end in 0..bytes.len() {
            assert!(
                matches!(
                    read_canonical(&bytes[..end], 9, index),
                    Err(CanonicalError::Malformed { global_seq: 9, .. })
                ),
                "cut at {end}"
            );
        }
        let longer = [bytes.as_slice(), &[0]].concat();
        assert!(read_canonical(&longer, 9, index).is_err());
        // Another type than the one the bytes name, or none.
        let other = Event::type_index("PermanentResidenceGranted").expect("a type");
        assert_ne!(other, index);
        assert!(read_canonical(&bytes, 9, other).is_err());
        assert!(read_canonical(&bytes, 9, Event::TYPE_NAMES.len()).is_err());
        // A time with a fraction of a second, which no row can hold.
        env.occurred_at += chrono::Duration::milliseconds(500);
        let mut fraction = Vec::new();
        write_envelope(&env, &mut fraction);
        assert!(matches!(
            read_canonical(&fraction, 9, index),
            Err(CanonicalError::SubSecond { global_seq: 9 })
        ));
    }

    #[test]
    fn given_the_same_log_when_hashed_then_inputs_events_and_order_all_count() {
        let header = RunHeader {
            seed: 1,
            policy: "{}".into(),
            ..RunHeader::default()
        };
        let a = to_record(&envelope());
        let mut b = a.clone();
        b.stream_version = 3;
        let hash = |header: &RunHeader, recs: &[&EventRecord]| {
            let mut h = LogHasher::new(header);
            for r in recs {
                h.add(r);
            }
            h.finish()
        };
        let base = hash(&header, &[&a, &b]);
        assert_eq!(base, hash(&header, &[&a, &b]), "deterministic");
        assert_ne!(base, hash(&header, &[&b, &a]), "order counts");
        assert_ne!(base, hash(&header, &[&a]), "every event counts");
        let other_seed = RunHeader {
            seed: 2,
            ..header.clone()
        };
        assert_ne!(base, hash(&other_seed, &[&a, &b]), "the inputs count");
        // The position is not hashed: the same records with other global_seqs hash the same.
        let mut moved = a.clone();
        moved.global_seq = 77;
        assert_eq!(hash(&header, &[&moved]), hash(&header, &[&a]));
        // `current` is the hash of the prefix, and does not disturb the running hash.
        let mut h = LogHasher::new(&header);
        h.add(&a);
        assert_eq!(h.current(), hash(&header, &[&a]));
        h.add(&b);
        assert_eq!(h.finish(), base);
    }
}
