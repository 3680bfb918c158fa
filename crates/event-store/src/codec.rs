//! How an [`EventRecord`] maps onto a row of the `events` table and back, in both stored
//! formats.
//!
//! **Format 2** (schema version 3, decision 11) stores the header as integers: the office and
//! the event type as codes the log numbers itself (tables `services` and `event_types`, so a
//! build may reorder its enums), `occurred_at` as seconds and `effective_on` as days since
//! 1970-01-01, ids as 16-byte BLOBs, and the payload as the canonical binary BLOB. Simulated
//! times are whole minutes, so a time with a fraction of a second is refused rather than
//! rounded: the encoding stays a bijection, and "equal records" and "equal rows" mean the same.
//!
//! **Format 1** (schema versions 1–2) stored text: the stream as `service/resident/N`, the
//! type and office names, ISO timestamps and the payload as JSON. It is only read, never
//! written; its stream column must be exactly the text [`StreamId`] prints, so that the
//! format-1 hash, which reads that text, can be recomputed from the record.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike};
use model::envelope::{EventRecord, StreamId, type_name};
use model::event::Event;
use model::ids::ResidentId;
use model::service::Service;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row, Statement};
use uuid::Uuid;

use crate::error::{StoreError, to_i64};
use crate::stored::StoredHeader;

/// The columns of a format-2 row, in table order; [`read_record`] addresses them by position.
pub(crate) const COLUMNS: &str = "global_seq, event_id, service, resident, stream_version, \
     event_type, schema_version, occurred_at, effective_on, correlation_id, causation_id, payload";

/// The columns of a format-1 row, in table order ([`read_record_v1`]).
pub(crate) const COLUMNS_V1: &str = "global_seq, event_id, stream, stream_version, event_type, \
     schema_version, occurred_at, effective_on, service, correlation_id, causation_id, payload";

/// The one INSERT both the store and the baseline use, so that a benchmark compares the
/// checks, not the encoding.
pub(crate) const INSERT_EVENT: &str = "INSERT INTO events (global_seq, event_id, service, \
     resident, stream_version, event_type, schema_version, occurred_at, effective_on, \
     correlation_id, causation_id, payload) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

/// Seconds since 1970-01-01T00:00 of a simulated time, refusing a fraction of a second.
pub(crate) fn seconds(at: &NaiveDateTime) -> Result<i64, StoreError> {
    if at.nanosecond() != 0 {
        return Err(StoreError::SubSecondTime { at: *at });
    }
    Ok(at.and_utc().timestamp())
}

pub(crate) fn from_seconds(seconds: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(seconds, 0).map(|t| t.naive_utc())
}

/// Days since 1970-01-01.
pub(crate) fn days(date: &NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - EPOCH_FROM_CE
}

/// chrono's number (`num_days_from_ce`: 0001-01-01 is day 1) of 1970-01-01, the origin of the
/// stored dates.
const EPOCH_FROM_CE: i64 = 719_163;

pub(crate) fn from_days(days: i64) -> Option<NaiveDate> {
    // Counted from chrono's own origin: no date arithmetic on the way (replay reads one a row).
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(days.checked_add(EPOCH_FROM_CE)?).ok()?)
}

/// The names a log stores as integer codes — its event types, or its offices — numbered by
/// the log itself in the order they first appear (code = position), kept in a table of the
/// file so that any build reads them back by name.
#[derive(Default)]
pub(crate) struct Names {
    table: &'static str,
    by_code: Vec<Cow<'static, str>>,
    codes: BTreeMap<Cow<'static, str>, u32>,
    /// The codes of names this build holds in static memory, by the name's address and length:
    /// every appended row looks up two names, and comparing two integers is about a tenth of
    /// comparing the texts. A static text never moves or changes, so an address and a length
    /// always stand for the same name.
    static_codes: BTreeMap<(usize, usize), u32>,
    /// The codes of names this build numbers itself (an office's position in `Service::ALL`, an
    /// event type's in `Event::TYPE_NAMES`), by that position: a run's writer knows it for every
    /// row, and indexing a vector is cheaper again than searching the addresses.
    indexed: Vec<Option<u32>>,
}

impl Names {
    /// The codes stored in `table` (`event_types` or `services`).
    pub(crate) fn load(conn: &Connection, table: &'static str) -> Result<Names, StoreError> {
        let mut names = Names {
            table,
            ..Names::default()
        };
        let mut stmt = conn.prepare(&format!("SELECT code, name FROM {table} ORDER BY code"))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let code: i64 = row.get(0)?;
            let name: String = row.get(1)?;
            if code != names.by_code.len() as i64 {
                return Err(StoreError::Corrupt {
                    location: format!("{table} code {code}"),
                    reason: "codes do not run 0, 1, 2 …".into(),
                });
            }
            names.push(type_name(&name));
        }
        Ok(names)
    }

    fn push(&mut self, name: Cow<'static, str>) {
        self.codes.insert(name.clone(), self.by_code.len() as u32);
        self.by_code.push(name);
    }

    /// The name of a stored code.
    pub(crate) fn name(&self, code: i64) -> Option<&Cow<'static, str>> {
        usize::try_from(code).ok().and_then(|c| self.by_code.get(c))
    }

    /// The code of `name`, adding it to the table (inside the caller's transaction) if it is
    /// new. A rolled-back transaction must be followed by [`Names::truncate`].
    pub(crate) fn code(&mut self, conn: &Connection, name: &str) -> Result<u32, StoreError> {
        if let Some(&code) = self.codes.get(name) {
            return Ok(code);
        }
        let code = self.by_code.len() as u32;
        conn.prepare_cached(&format!(
            "INSERT INTO {} (code, name) VALUES (?1, ?2)",
            self.table
        ))?
        .execute(rusqlite::params![code, name])?;
        self.push(type_name(name));
        Ok(code)
    }

    /// [`Names::code`] of a name in static memory, looked up by its address first.
    pub(crate) fn static_code(
        &mut self,
        conn: &Connection,
        name: &'static str,
    ) -> Result<u32, StoreError> {
        let key = (name.as_ptr() as usize, name.len());
        if let Some(&code) = self.static_codes.get(&key) {
            return Ok(code);
        }
        let code = self.code(conn, name)?;
        self.static_codes.insert(key, code);
        Ok(code)
    }

    /// [`Names::code`] of `name`, which this build numbers `index` (the same name at every call
    /// with that index), looked up by the index first.
    pub(crate) fn indexed_code(
        &mut self,
        conn: &Connection,
        index: usize,
        name: &'static str,
    ) -> Result<u32, StoreError> {
        if let Some(&Some(code)) = self.indexed.get(index) {
            return Ok(code);
        }
        let code = self.code(conn, name)?;
        if self.indexed.len() <= index {
            self.indexed.resize(index + 1, None);
        }
        self.indexed[index] = Some(code);
        Ok(code)
    }

    /// The code of `name`, if the log has one for it (without adding it).
    pub(crate) fn find(&self, name: &str) -> Option<u32> {
        self.codes.get(name).copied()
    }

    /// How many names there are (to undo a rolled-back batch's additions).
    pub(crate) fn len(&self) -> usize {
        self.by_code.len()
    }

    /// Forgets the names added after the first `len`.
    pub(crate) fn truncate(&mut self, len: usize) {
        for name in self.by_code.drain(len..) {
            self.codes.remove(&name);
        }
        self.static_codes.retain(|_, code| (*code as usize) < len);
        for code in &mut self.indexed {
            if code.is_some_and(|c| c as usize >= len) {
                *code = None;
            }
        }
    }
}

/// The two code tables of a format-2 log, and the offices their service names denote.
#[derive(Default)]
pub(crate) struct Dictionary {
    pub(crate) types: Names,
    pub(crate) services: Names,
}

impl Dictionary {
    pub(crate) fn load(conn: &Connection) -> Result<Dictionary, StoreError> {
        Ok(Dictionary {
            types: Names::load(conn, "event_types")?,
            services: Names::load(conn, "services")?,
        })
    }
}

/// Binds `record` (with `global_seq` replaced by `seq`) to the prepared [`INSERT_EVENT`] and
/// runs it. `conn` is the transaction's connection, where a name seen for the first time gets
/// its code.
pub(crate) fn insert_record(
    conn: &Connection,
    stmt: &mut Statement<'_>,
    dictionary: &mut Dictionary,
    seq: u64,
    record: &EventRecord,
) -> Result<(), StoreError> {
    // Destructured so that a field added to the envelope fails to compile here instead of
    // being silently dropped from the log.
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
    } = record;
    let service = dictionary
        .services
        .static_code(conn, stream.service.as_str())?;
    let event_type = match event_type {
        Cow::Borrowed(name) => dictionary.types.static_code(conn, name)?,
        Cow::Owned(name) => dictionary.types.code(conn, name)?,
    };
    stmt.execute(rusqlite::params![
        to_i64("global_seq", seq)?,
        event_id.as_bytes().as_slice(),
        service,
        stream.resident.0,
        *stream_version,
        event_type,
        i64::from(*schema_version),
        seconds(occurred_at)?,
        effective_on.as_ref().map(days),
        correlation_id.as_bytes().as_slice(),
        causation_id.as_ref().map(|id| id.as_bytes().as_slice()),
        payload.as_slice(),
    ])?;
    Ok(())
}

/// [`insert_record`] of a row given as its parts ([`crate::StoredRow`]): the same columns from
/// the integers the row stores, with no time or date to convert.
pub(crate) fn insert_stored(
    conn: &Connection,
    stmt: &mut Statement<'_>,
    dictionary: &mut Dictionary,
    seq: u64,
    header: &StoredHeader,
    payload: &[u8],
) -> Result<(), StoreError> {
    // Destructured so that a field added to the header fails to compile here.
    let StoredHeader {
        global_seq: _,
        event_id,
        stream,
        stream_version,
        event_type,
        type_index,
        schema_version,
        occurred_seconds,
        effective_days,
        correlation_id,
        causation_id,
    } = header;
    let service =
        dictionary
            .services
            .indexed_code(conn, stream.service.index(), stream.service.as_str())?;
    let event_type = match (event_type, type_index) {
        // The position stands for the name only when the name is this build's text at it.
        (Cow::Borrowed(name), Some(index))
            if Event::TYPE_NAMES
                .get(*index)
                .is_some_and(|known| std::ptr::eq(*known, *name)) =>
        {
            dictionary.types.indexed_code(conn, *index, name)?
        }
        (Cow::Borrowed(name), _) => dictionary.types.static_code(conn, name)?,
        (Cow::Owned(name), _) => dictionary.types.code(conn, name)?,
    };
    stmt.execute(rusqlite::params![
        to_i64("global_seq", seq)?,
        event_id.as_bytes().as_slice(),
        service,
        stream.resident.0,
        *stream_version,
        event_type,
        i64::from(*schema_version),
        *occurred_seconds,
        *effective_days,
        correlation_id.as_bytes().as_slice(),
        causation_id.as_ref().map(|id| id.as_bytes().as_slice()),
        payload,
    ])?;
    Ok(())
}

pub(crate) fn corrupt(seq: i64) -> impl Fn(String) -> StoreError {
    move |reason| StoreError::Corrupt {
        location: format!("events row global_seq {seq}"),
        reason,
    }
}

/// Decodes a format-2 row selected with [`COLUMNS`].
pub(crate) fn read_record(row: &Row<'_>, dict: &Dictionary) -> Result<EventRecord, StoreError> {
    let seq: i64 = row.get(0)?;
    let corrupt = corrupt(seq);
    let global_seq = u64::try_from(seq).map_err(|_| corrupt("negative global_seq".into()))?;
    let event_id =
        uuid_at(row, 1, "event_id")?.ok_or_else(|| corrupt("event_id is NULL".into()))?;
    let service_code: i64 = row.get(2)?;
    let service = dict
        .services
        .name(service_code)
        .and_then(|name| Service::parse(name))
        .ok_or_else(|| corrupt(format!("service code {service_code} names no office")))?;
    let resident = u32::try_from(row.get::<_, i64>(3)?)
        .map_err(|_| corrupt("resident out of range".into()))?;
    let stream_version = u32::try_from(row.get::<_, i64>(4)?)
        .map_err(|_| corrupt("stream_version out of range".into()))?;
    let type_code: i64 = row.get(5)?;
    let event_type = dict
        .types
        .name(type_code)
        .cloned()
        .ok_or_else(|| corrupt(format!("event type code {type_code} is not in event_types")))?;
    let schema_version = u16::try_from(row.get::<_, i64>(6)?)
        .map_err(|_| corrupt("schema_version out of u16 range".into()))?;
    let occurred: i64 = row.get(7)?;
    let occurred_at = from_seconds(occurred)
        .ok_or_else(|| corrupt(format!("occurred_at {occurred} is out of range")))?;
    let effective_on = match row.get::<_, Option<i64>>(8)? {
        None => None,
        Some(days) => Some(
            from_days(days)
                .ok_or_else(|| corrupt(format!("effective_on {days} is out of range")))?,
        ),
    };
    let correlation_id = uuid_at(row, 9, "correlation_id")?
        .ok_or_else(|| corrupt("correlation_id is NULL".into()))?;
    let causation_id = uuid_at(row, 10, "causation_id")?;
    let payload = match row.get_ref(11)? {
        ValueRef::Blob(bytes) => bytes.to_vec(),
        _ => return Err(corrupt("payload is not a BLOB".into())),
    };
    Ok(EventRecord {
        global_seq,
        event_id,
        stream: StreamId {
            service,
            resident: ResidentId(resident),
        },
        stream_version,
        event_type,
        schema_version,
        occurred_at,
        effective_on,
        correlation_id,
        causation_id,
        payload,
    })
}

/// Decodes a format-1 row selected with [`COLUMNS_V1`].
pub(crate) fn read_record_v1(row: &Row<'_>) -> Result<EventRecord, StoreError> {
    let seq: i64 = row.get(0)?;
    let corrupt = corrupt(seq);
    let global_seq = u64::try_from(seq).map_err(|_| corrupt("negative global_seq".into()))?;
    let event_id =
        uuid_at(row, 1, "event_id")?.ok_or_else(|| corrupt("event_id is NULL".into()))?;
    let stream_text = text_at(row, 2)?;
    let stream = StreamId::parse(stream_text)
        .ok_or_else(|| corrupt(format!("stream {stream_text:?} is not office/resident/N")))?;
    let stream_version = u32::try_from(row.get::<_, i64>(3)?)
        .map_err(|_| corrupt("stream_version out of range".into()))?;
    let event_type = type_name(text_at(row, 4)?);
    let schema_version = u16::try_from(row.get::<_, i64>(5)?)
        .map_err(|_| corrupt("schema_version out of u16 range".into()))?;
    let occurred_text = text_at(row, 6)?;
    let occurred_at = parse_datetime(occurred_text)
        .ok_or_else(|| corrupt(format!("occurred_at {occurred_text:?} is not a timestamp")))?;
    let effective_on = match row.get_ref(7)? {
        ValueRef::Null => None,
        ValueRef::Text(bytes) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| corrupt("effective_on is not UTF-8".into()))?;
            Some(
                parse_date(text)
                    .ok_or_else(|| corrupt(format!("effective_on {text:?} is not a date")))?,
            )
        }
        _ => return Err(corrupt("effective_on is not text".into())),
    };
    let service = text_at(row, 8)?;
    if service != stream.service.as_str() {
        return Err(corrupt(format!(
            "service {service:?} is not the stream's office {}",
            stream.service
        )));
    }
    let correlation_id = uuid_at(row, 9, "correlation_id")?
        .ok_or_else(|| corrupt("correlation_id is NULL".into()))?;
    let causation_id = uuid_at(row, 10, "causation_id")?;
    let payload = text_at(row, 11)?.as_bytes().to_vec();
    Ok(EventRecord {
        global_seq,
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
    })
}

pub(crate) fn uuid_at(row: &Row<'_>, idx: usize, what: &str) -> Result<Option<Uuid>, StoreError> {
    match row.get_ref(idx)? {
        ValueRef::Null => Ok(None),
        ValueRef::Blob(bytes) => {
            Uuid::from_slice(bytes)
                .map(Some)
                .map_err(|_| StoreError::Corrupt {
                    location: format!("events column {what}"),
                    reason: format!("expected 16 bytes, found {}", bytes.len()),
                })
        }
        _ => Err(StoreError::Corrupt {
            location: format!("events column {what}"),
            reason: "not a BLOB".into(),
        }),
    }
}

fn text_at<'r>(row: &'r Row<'_>, idx: usize) -> Result<&'r str, StoreError> {
    row.get_ref(idx)?.as_str().map_err(|e| StoreError::Corrupt {
        location: format!("events column {idx}"),
        reason: e.to_string(),
    })
}

const DATETIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f";
const DATE_FORMAT: &str = "%Y-%m-%d";

/// Parses a format-1 timestamp (`%Y-%m-%dT%H:%M:%S%.f`, as chrono printed it).
pub(crate) fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    fast_datetime(text).or_else(|| NaiveDateTime::parse_from_str(text, DATETIME_FORMAT).ok())
}

/// Parses a format-1 date (`%Y-%m-%d`).
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    fast_date(text.as_bytes()).or_else(|| NaiveDate::parse_from_str(text, DATE_FORMAT).ok())
}

fn fast_datetime(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 19 || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = fast_date(&b[..10])?;
    let nanos = match b.len() {
        19 => 0,
        23 | 26 | 29 if b[19] == b'.' => {
            let frac = &b[20..];
            digits(frac)? * 10u32.pow(9 - frac.len() as u32)
        }
        _ => return None,
    };
    date.and_hms_nano_opt(
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
        nanos,
    )
}

fn fast_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        digits(&b[..4])? as i32,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1970-01-01, the origin of the stored times and dates.
    fn epoch() -> NaiveDate {
        NaiveDate::from_ymd_opt(1970, 1, 1).expect("1970-01-01 is a date")
    }

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_nano_opt(h, mi, s, nanos))
            .expect("valid test timestamp")
    }

    #[test]
    fn given_whole_second_times_and_dates_when_stored_as_integers_then_they_round_trip() {
        for case in [
            dt(2026, 6, 14, 9, 0, 0, 0),
            dt(1, 1, 1, 0, 0, 0, 0),
            dt(1969, 12, 31, 23, 59, 59, 0),
            dt(9999, 12, 31, 23, 59, 59, 0),
            dt(-44, 3, 15, 12, 0, 0, 0),
        ] {
            let s = seconds(&case).expect("whole seconds");
            assert_eq!(from_seconds(s), Some(case), "{case}");
            let d = days(&case.date());
            assert_eq!(from_days(d), Some(case.date()), "{case}");
            assert_eq!(d, (case.date() - epoch()).num_days(), "{case}");
        }
        assert_eq!(seconds(&dt(1970, 1, 1, 0, 1, 0, 0)).ok(), Some(60));
        assert_eq!(days(&dt(1970, 1, 2, 0, 0, 0, 0).date()), 1);
        assert_eq!(from_days(0), Some(epoch()));
        assert_eq!(from_days(i64::MAX), None);
        assert_eq!(from_days(i64::from(i32::MAX)), None);
    }

    #[test]
    fn given_a_fraction_of_a_second_when_stored_then_refused_not_rounded() {
        assert!(matches!(
            seconds(&dt(2026, 6, 14, 9, 0, 0, 5_000_000)),
            Err(StoreError::SubSecondTime { .. })
        ));
    }

    #[test]
    fn given_format_1_text_when_parsed_then_it_matches_chrono() {
        for case in [
            dt(2026, 6, 14, 9, 0, 0, 0),
            dt(2026, 6, 14, 9, 0, 0, 123_456_000),
            dt(805, 1, 9, 0, 0, 0, 0),
        ] {
            let text = case.format(DATETIME_FORMAT).to_string();
            assert_eq!(parse_datetime(&text), Some(case), "{text}");
        }
        for bad in ["", "2026-13-01T00:00:00", "2026-06-14 09:00:00"] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2026-02-30"), None);
    }

    #[test]
    fn given_names_by_address_when_coded_then_the_codes_are_the_texts_and_a_rollback_forgets_them()
    {
        let conn = Connection::open_in_memory().expect("an in-memory database");
        conn.execute_batch(crate::schema::CREATE_CODES)
            .expect("the code tables");
        let mut names = Names::load(&conn, "services").expect("an empty table");
        // Two static texts with the same name at different addresses, and an owned copy.
        static A: &str = "city-hall";
        let b: &'static str = Box::leak(String::from("city-hall").into_boxed_str());
        let first = names.static_code(&conn, A).expect("coded");
        assert_eq!(names.static_code(&conn, b).expect("coded"), first);
        assert_eq!(names.code(&conn, "city-hall").expect("coded"), first);
        let other = names.static_code(&conn, "police").expect("coded");
        assert_ne!(other, first);
        assert_eq!(names.static_code(&conn, "police").expect("coded"), other);
        // A rolled-back batch forgets what it added, looked up by address too.
        names.truncate(1);
        assert_eq!(names.find("police"), None);
        conn.execute("DELETE FROM services WHERE code >= 1", [])
            .expect("the rollback's effect");
        let again = names.static_code(&conn, "police").expect("coded again");
        assert_eq!(again, 1);
        assert_eq!(names.name(1).map(|n| n.as_ref()), Some("police"));
        // By a position this build gives the name: the same codes, forgotten the same way.
        assert_eq!(names.indexed_code(&conn, 3, "police").expect("coded"), 1);
        assert_eq!(names.indexed_code(&conn, 0, "city-hall").expect("coded"), 0);
        names.truncate(1);
        conn.execute("DELETE FROM services WHERE code >= 1", [])
            .expect("the rollback's effect");
        assert_eq!(names.indexed_code(&conn, 0, "city-hall").expect("kept"), 0);
        let later = names.indexed_code(&conn, 2, "card-issuer").expect("coded");
        assert_eq!(later, 1, "the code police had is free again");
        assert_eq!(
            names.indexed_code(&conn, 3, "police").expect("coded again"),
            2
        );
    }
}
