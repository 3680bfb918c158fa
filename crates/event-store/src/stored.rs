//! A format-2 row as it is stored, for a reader that streams a long log: the header's integers
//! checked and its codes named, the times left as the integers the row holds, the payload's bytes
//! borrowed from the row ([`EventStore::for_each_stored`](crate::EventStore::for_each_stored)).
//!
//! [`EventStore::for_each`](crate::EventStore::for_each) hands out an [`EventRecord`]: a payload
//! copied into a fresh `Vec`, the times converted to chrono's types, every column read through
//! rusqlite's typed getters. A replay reads tens of millions of rows on one thread, in order (it
//! must check and hash them in log order), and hands each to a folding thread; whatever that one
//! thread does per row bounds the whole replay. So this form does on the reading thread only what
//! must be done in order — the checks of [`crate::integrity`] and the range checks that make a
//! damaged row [`StoreError::Corrupt`] exactly where [`EventStore::for_each`] would say so — and
//! leaves the conversions ([`StoredHeader::occurred_at`], [`StoredHeader::record`]) to whichever
//! thread needs them.

use std::borrow::Cow;
use std::ops::RangeInclusive;

use chrono::{NaiveDate, NaiveDateTime};
use model::envelope::{EventRecord, StreamId};
use model::event::Event;
use model::ids::ResidentId;
use model::service::Service;
use rusqlite::Row;
use rusqlite::types::ValueRef;
use uuid::Uuid;

use crate::NewEvent;
use crate::codec::{self, Dictionary, uuid_at};
use crate::error::StoreError;

/// An event's header as its format-2 row stores it: everything but the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHeader {
    /// Gap-free position in the log, from 1.
    pub global_seq: u64,
    /// The event's id.
    pub event_id: Uuid,
    /// The office and the resident.
    pub stream: StreamId,
    /// Position within the stream, from 1.
    pub stream_version: u32,
    /// The event type's name, as the log's `event_types` table names its code.
    pub event_type: Cow<'static, str>,
    /// The type's position in this build's [`Event::TYPE_NAMES`] ([`Event::type_index`], looked
    /// up once per code), if this build knows it.
    pub type_index: Option<usize>,
    /// The payload's schema version.
    pub schema_version: u16,
    /// `occurred_at` as stored: whole seconds since 1970-01-01T00:00, within the range of
    /// [`NaiveDateTime`] (checked when read).
    pub occurred_seconds: i64,
    /// `effective_on` as stored: days since 1970-01-01, within the range of [`NaiveDate`]
    /// (checked when read).
    pub effective_days: Option<i64>,
    /// The procedure's first event.
    pub correlation_id: Uuid,
    /// The event that caused this one.
    pub causation_id: Option<Uuid>,
}

impl StoredHeader {
    /// The header of `record` as a format-2 row would store it; a time with a fraction of a
    /// second (which no format-2 row holds) is refused.
    pub(crate) fn of_record(record: &EventRecord) -> Result<StoredHeader, StoreError> {
        Ok(StoredHeader {
            global_seq: record.global_seq,
            event_id: record.event_id,
            stream: record.stream,
            stream_version: record.stream_version,
            event_type: record.event_type.clone(),
            type_index: Event::type_index(&record.event_type),
            schema_version: record.schema_version,
            occurred_seconds: codec::seconds(&record.occurred_at)?,
            effective_days: record.effective_on.as_ref().map(codec::days),
            correlation_id: record.correlation_id,
            causation_id: record.causation_id,
        })
    }

    /// The simulated time the event occurred at.
    pub fn occurred_at(&self) -> NaiveDateTime {
        // The range was checked when the row was read.
        codec::from_seconds(self.occurred_seconds).unwrap_or(NaiveDateTime::MIN)
    }

    /// The date the event takes effect on, when it has its own.
    pub fn effective_on(&self) -> Option<NaiveDate> {
        self.effective_days
            .map(|days| codec::from_days(days).unwrap_or(NaiveDate::MIN))
    }

    /// The event's record, with `payload`: what [`EventStore::for_each`](crate::EventStore::for_each)
    /// gives for the same row.
    pub fn record(&self, payload: &[u8]) -> EventRecord {
        EventRecord {
            global_seq: self.global_seq,
            event_id: self.event_id,
            stream: self.stream,
            stream_version: self.stream_version,
            event_type: self.event_type.clone(),
            schema_version: self.schema_version,
            occurred_at: self.occurred_at(),
            effective_on: self.effective_on(),
            correlation_id: self.correlation_id,
            causation_id: self.causation_id,
            payload: payload.to_vec(),
        }
    }
}

/// An event to append as the parts of its format-2 row: the header's integers and the payload's
/// bytes, borrowed ([`EventStore::append_stored_committing`](crate::EventStore::append_stored_committing)).
/// Its `global_seq` is ignored (the store assigns it), its expected version is
/// `stream_version` − 1, and its `type_index` only finds the name's code faster when the name is
/// this build's text at that position of `Event::TYPE_NAMES` (the name is what is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRow<'a> {
    /// The header as the row stores it.
    pub header: StoredHeader,
    /// The canonical binary payload.
    pub payload: &'a [u8],
}

/// An event an append writes, in either form the store takes: a record ([`NewEvent`]) or a
/// row's parts ([`StoredRow`]). The append's checks read it through these.
pub(crate) trait Appended {
    fn event_id(&self) -> Uuid;
    fn stream(&self) -> StreamId;
    /// The stream's version before this event (its own is one more: [`Appended::validate`]).
    fn expected_version(&self) -> u32;
    /// Refuses, before the transaction starts, what the log cannot store as given.
    fn validate(&self) -> Result<(), StoreError>;
    /// Binds the event (at `seq`) to the prepared [`codec::INSERT_EVENT`] and runs it.
    fn insert(
        &self,
        conn: &rusqlite::Connection,
        stmt: &mut rusqlite::Statement<'_>,
        dictionary: &mut Dictionary,
        seq: u64,
    ) -> Result<(), StoreError>;
    /// The event as a record, to compare with a stored one of the same id.
    fn record(&self) -> EventRecord;
}

impl Appended for NewEvent {
    fn event_id(&self) -> Uuid {
        self.record.event_id
    }
    fn stream(&self) -> StreamId {
        self.record.stream
    }
    fn expected_version(&self) -> u32 {
        self.expected_version
    }
    fn validate(&self) -> Result<(), StoreError> {
        let record = &self.record;
        if self.expected_version.checked_add(1) != Some(record.stream_version) {
            return Err(StoreError::InvalidStreamVersion {
                event_id: record.event_id,
                stream: record.stream.to_string(),
                expected_version: self.expected_version,
                stream_version: record.stream_version,
            });
        }
        codec::seconds(&record.occurred_at)?;
        Ok(())
    }
    fn insert(
        &self,
        conn: &rusqlite::Connection,
        stmt: &mut rusqlite::Statement<'_>,
        dictionary: &mut Dictionary,
        seq: u64,
    ) -> Result<(), StoreError> {
        codec::insert_record(conn, stmt, dictionary, seq, &self.record)
    }
    fn record(&self) -> EventRecord {
        self.record.clone()
    }
}

/// The stored seconds and days a reader converts back to times and dates ([`RowReader`] checks
/// the same): computed once, where converting each row's would cost a chrono conversion an event.
static READABLE: std::sync::LazyLock<(RangeInclusive<i64>, RangeInclusive<i64>)> =
    std::sync::LazyLock::new(|| {
        (
            NaiveDateTime::MIN.and_utc().timestamp()..=NaiveDateTime::MAX.and_utc().timestamp(),
            codec::days(&NaiveDate::MIN)..=codec::days(&NaiveDate::MAX),
        )
    });

impl Appended for StoredRow<'_> {
    fn event_id(&self) -> Uuid {
        self.header.event_id
    }
    fn stream(&self) -> StreamId {
        self.header.stream
    }
    fn expected_version(&self) -> u32 {
        // At least 1 ([`Appended::validate`]).
        self.header.stream_version.saturating_sub(1)
    }
    fn validate(&self) -> Result<(), StoreError> {
        let header = &self.header;
        if header.stream_version == 0 {
            return Err(StoreError::InvalidStreamVersion {
                event_id: header.event_id,
                stream: header.stream.to_string(),
                expected_version: 0,
                stream_version: 0,
            });
        }
        // What a reader would refuse as out of range is never written.
        let range = |what: &'static str, value: i64| StoreError::OutOfRange {
            what,
            value: value as u64,
        };
        let (seconds, days) = &*READABLE;
        if !seconds.contains(&header.occurred_seconds) {
            return Err(range("occurred_at", header.occurred_seconds));
        }
        if let Some(days) = header.effective_days.filter(|d| !days.contains(d)) {
            return Err(range("effective_on", days));
        }
        Ok(())
    }
    fn insert(
        &self,
        conn: &rusqlite::Connection,
        stmt: &mut rusqlite::Statement<'_>,
        dictionary: &mut Dictionary,
        seq: u64,
    ) -> Result<(), StoreError> {
        codec::insert_stored(conn, stmt, dictionary, seq, &self.header, self.payload)
    }
    fn record(&self) -> EventRecord {
        self.header.record(self.payload)
    }
}

/// What a reader of format-2 rows looks up once for the whole log: the offices its service
/// codes name, and the stored integers that are valid times and dates.
pub(crate) struct RowReader<'d> {
    dictionary: &'d Dictionary,
    offices: Vec<Option<Service>>,
    /// [`Event::type_index`] of each event type code.
    types: Vec<Option<usize>>,
    seconds: std::ops::RangeInclusive<i64>,
    days: std::ops::RangeInclusive<i64>,
}

impl<'d> RowReader<'d> {
    pub(crate) fn new(dictionary: &'d Dictionary) -> RowReader<'d> {
        let offices = (0..dictionary.services.len() as i64)
            .map(|code| {
                dictionary
                    .services
                    .name(code)
                    .and_then(|name| Service::parse(name))
            })
            .collect();
        let types = (0..dictionary.types.len() as i64)
            .map(|code| {
                dictionary
                    .types
                    .name(code)
                    .and_then(|name| Event::type_index(name))
            })
            .collect();
        RowReader {
            dictionary,
            offices,
            types,
            seconds: NaiveDateTime::MIN.and_utc().timestamp()
                ..=NaiveDateTime::MAX.and_utc().timestamp(),
            days: codec::days(&NaiveDate::MIN)..=codec::days(&NaiveDate::MAX),
        }
    }

    /// Reads a row selected with [`codec::COLUMNS`]: its header and its payload's bytes. A row
    /// that [`codec::read_record`] refuses is refused with the same error.
    pub(crate) fn read<'r>(
        &self,
        row: &'r Row<'_>,
    ) -> Result<(StoredHeader, &'r [u8]), StoreError> {
        let seq = int_at(row, 0)?;
        let corrupt = codec::corrupt(seq);
        let global_seq = u64::try_from(seq).map_err(|_| corrupt("negative global_seq".into()))?;
        let event_id =
            uuid_at(row, 1, "event_id")?.ok_or_else(|| corrupt("event_id is NULL".into()))?;
        let service_code = int_at(row, 2)?;
        let service = usize::try_from(service_code)
            .ok()
            .and_then(|c| self.offices.get(c).copied().flatten())
            .ok_or_else(|| corrupt(format!("service code {service_code} names no office")))?;
        let resident =
            u32::try_from(int_at(row, 3)?).map_err(|_| corrupt("resident out of range".into()))?;
        let stream_version = u32::try_from(int_at(row, 4)?)
            .map_err(|_| corrupt("stream_version out of range".into()))?;
        let type_code = int_at(row, 5)?;
        let event_type = self
            .dictionary
            .types
            .name(type_code)
            .cloned()
            .ok_or_else(|| corrupt(format!("event type code {type_code} is not in event_types")))?;
        let type_index = usize::try_from(type_code)
            .ok()
            .and_then(|code| self.types.get(code).copied().flatten());
        let schema_version = u16::try_from(int_at(row, 6)?)
            .map_err(|_| corrupt("schema_version out of u16 range".into()))?;
        let occurred_seconds = int_at(row, 7)?;
        if !self.seconds.contains(&occurred_seconds) {
            return Err(corrupt(format!(
                "occurred_at {occurred_seconds} is out of range"
            )));
        }
        let effective_days = match row.get_ref(8)? {
            ValueRef::Null => None,
            ValueRef::Integer(days) => Some(days),
            // Whatever else it holds, refused as `Row::get` refuses it.
            _ => row.get::<_, Option<i64>>(8)?,
        };
        if let Some(days) = effective_days.filter(|d| !self.days.contains(d)) {
            return Err(corrupt(format!("effective_on {days} is out of range")));
        }
        let correlation_id = uuid_at(row, 9, "correlation_id")?
            .ok_or_else(|| corrupt("correlation_id is NULL".into()))?;
        let causation_id = uuid_at(row, 10, "causation_id")?;
        let payload = match row.get_ref(11)? {
            ValueRef::Blob(bytes) => bytes,
            _ => return Err(corrupt("payload is not a BLOB".into())),
        };
        Ok((
            StoredHeader {
                global_seq,
                event_id,
                stream: StreamId {
                    service,
                    resident: ResidentId(resident),
                },
                stream_version,
                event_type,
                type_index,
                schema_version,
                occurred_seconds,
                effective_days,
                correlation_id,
                causation_id,
            },
            payload,
        ))
    }
}

/// An integer column, read borrowed; a value of another type is refused exactly as
/// `Row::get::<i64>` refuses it (the same error, by the same call).
fn int_at(row: &Row<'_>, idx: usize) -> Result<i64, StoreError> {
    match row.get_ref(idx)? {
        ValueRef::Integer(v) => Ok(v),
        _ => Ok(row.get::<_, i64>(idx)?),
    }
}
