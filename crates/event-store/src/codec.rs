//! How an [`EventRecord`] maps onto a row of the `events` table and back.
//!
//! Ids are 16-byte BLOBs, timestamps ISO text (`YYYY-MM-DDTHH:MM:SS`, with a fraction only
//! when the simulated time has one, exactly as chrono's `%.f` prints it), dates
//! `YYYY-MM-DD`. The encoding is a bijection, so "byte-identical content" and "equal
//! records" mean the same thing. Formatting and parsing of the common shapes are written
//! by hand because they run once per event on the append and replay paths (tens of
//! millions of times in a national run); anything unusual falls back to chrono.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use model::envelope::EventRecord;
use rusqlite::types::ValueRef;
use rusqlite::{Row, Statement};
use uuid::Uuid;

use crate::error::{StoreError, to_i64};

/// `SELECT <every events column, in table order> FROM events <tail>`: every read uses it
/// so that [`read_record`] can address the columns by position.
macro_rules! select_events {
    ($tail:literal) => {
        concat!(
            "SELECT global_seq, event_id, stream, stream_version, event_type, schema_version, \
             occurred_at, effective_on, service, correlation_id, causation_id, payload \
             FROM events ",
            $tail
        )
    };
}
pub(crate) use select_events;

/// The one INSERT both the store and the baseline use, so that a benchmark compares the
/// checks and indexes, not the encoding.
pub(crate) const INSERT_EVENT: &str = "INSERT INTO events (global_seq, event_id, stream, \
     stream_version, event_type, schema_version, occurred_at, effective_on, service, \
     correlation_id, causation_id, payload) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

const DATETIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f";
const DATE_FORMAT: &str = "%Y-%m-%d";

/// Reusable text buffers for one append batch, so encoding allocates nothing per event.
#[derive(Default)]
pub(crate) struct Scratch {
    occurred_at: String,
    effective_on: String,
}

/// Binds `record` (with `global_seq` replaced by `seq`) to the prepared [`INSERT_EVENT`]
/// and runs it.
pub(crate) fn insert_record(
    stmt: &mut Statement<'_>,
    scratch: &mut Scratch,
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
        service,
        correlation_id,
        causation_id,
        payload,
    } = record;
    scratch.occurred_at.clear();
    push_datetime(&mut scratch.occurred_at, occurred_at);
    let effective_on = match effective_on {
        Some(date) => {
            scratch.effective_on.clear();
            push_date(&mut scratch.effective_on, date);
            Some(scratch.effective_on.as_str())
        }
        None => None,
    };
    stmt.execute(rusqlite::params![
        to_i64("global_seq", seq)?,
        event_id.as_bytes().as_slice(),
        stream,
        to_i64("stream_version", *stream_version)?,
        event_type,
        i64::from(*schema_version),
        scratch.occurred_at.as_str(),
        effective_on,
        service,
        correlation_id.as_bytes().as_slice(),
        causation_id.as_ref().map(|id| id.as_bytes().as_slice()),
        payload,
    ])?;
    Ok(())
}

/// Decodes a row selected with [`select_events!`].
pub(crate) fn read_record(row: &Row<'_>) -> Result<EventRecord, StoreError> {
    let seq: i64 = row.get(0)?;
    let corrupt = |reason: String| StoreError::Corrupt {
        location: format!("events row global_seq {seq}"),
        reason,
    };
    let global_seq = u64::try_from(seq).map_err(|_| corrupt("negative global_seq".into()))?;
    let event_id =
        uuid_at(row, 1, "event_id")?.ok_or_else(|| corrupt("event_id is NULL".into()))?;
    let stream: String = row.get(2)?;
    let stream_version = u64::try_from(row.get::<_, i64>(3)?)
        .map_err(|_| corrupt("negative stream_version".into()))?;
    let event_type: String = row.get(4)?;
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
    let service: String = row.get(8)?;
    let correlation_id = uuid_at(row, 9, "correlation_id")?
        .ok_or_else(|| corrupt("correlation_id is NULL".into()))?;
    let causation_id = uuid_at(row, 10, "causation_id")?;
    let payload: String = row.get(11)?;
    Ok(EventRecord {
        global_seq,
        event_id,
        stream,
        stream_version,
        event_type,
        schema_version,
        occurred_at,
        effective_on,
        service,
        correlation_id,
        causation_id,
        payload,
    })
}

/// True when `stored` and `new` are the same event: every field but `global_seq` (which
/// the store assigns) is equal.
pub(crate) fn same_content(stored: &EventRecord, new: &EventRecord) -> bool {
    // Destructured for the same reason as in `insert_record`.
    let EventRecord {
        global_seq: _,
        event_id,
        stream,
        stream_version,
        event_type,
        schema_version,
        occurred_at,
        effective_on,
        service,
        correlation_id,
        causation_id,
        payload,
    } = new;
    stored.event_id == *event_id
        && stored.stream == *stream
        && stored.stream_version == *stream_version
        && stored.event_type == *event_type
        && stored.schema_version == *schema_version
        && stored.occurred_at == *occurred_at
        && stored.effective_on == *effective_on
        && stored.service == *service
        && stored.correlation_id == *correlation_id
        && stored.causation_id == *causation_id
        && stored.payload == *payload
}

fn uuid_at(row: &Row<'_>, idx: usize, what: &str) -> Result<Option<Uuid>, StoreError> {
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

/// Appends `dt` as chrono's `%Y-%m-%dT%H:%M:%S%.f` would print it.
pub(crate) fn push_datetime(out: &mut String, dt: &NaiveDateTime) {
    let year = dt.year();
    let nanos = dt.nanosecond();
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        // Years outside four digits and leap seconds never occur in a simulation, but
        // they must still round-trip.
        let _ = write!(out, "{}", dt.format(DATETIME_FORMAT));
        return;
    }
    push_date(out, &dt.date());
    out.push('T');
    push_digits(out, dt.hour(), 2);
    out.push(':');
    push_digits(out, dt.minute(), 2);
    out.push(':');
    push_digits(out, dt.second(), 2);
    if nanos != 0 {
        out.push('.');
        if nanos.is_multiple_of(1_000_000) {
            push_digits(out, nanos / 1_000_000, 3);
        } else if nanos.is_multiple_of(1_000) {
            push_digits(out, nanos / 1_000, 6);
        } else {
            push_digits(out, nanos, 9);
        }
    }
}

/// Appends `date` as `%Y-%m-%d`.
pub(crate) fn push_date(out: &mut String, date: &NaiveDate) {
    let year = date.year();
    if !(0..=9999).contains(&year) {
        let _ = write!(out, "{}", date.format(DATE_FORMAT));
        return;
    }
    push_digits(out, year as u32, 4);
    out.push('-');
    push_digits(out, date.month(), 2);
    out.push('-');
    push_digits(out, date.day(), 2);
}

fn push_digits(out: &mut String, value: u32, width: u32) {
    let mut div = 10u32.pow(width - 1);
    while div > 0 {
        out.push(char::from(b'0' + ((value / div) % 10) as u8));
        div /= 10;
    }
}

/// Parses what [`push_datetime`] writes.
pub(crate) fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    fast_datetime(text).or_else(|| NaiveDateTime::parse_from_str(text, DATETIME_FORMAT).ok())
}

/// Parses what [`push_date`] writes.
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

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_nano_opt(h, mi, s, nanos))
            .expect("valid test timestamp")
    }

    #[test]
    fn given_timestamps_of_every_shape_when_encoded_then_text_matches_chrono_and_round_trips() {
        let cases = [
            dt(2026, 6, 14, 9, 0, 0, 0),
            dt(1, 1, 1, 0, 0, 0, 0),
            dt(9999, 12, 31, 23, 59, 59, 0),
            dt(2026, 6, 14, 9, 0, 0, 5_000_000),
            dt(2026, 6, 14, 9, 0, 0, 123_456_000),
            dt(2026, 6, 14, 9, 0, 0, 123_456_789),
            dt(2016, 12, 31, 23, 59, 59, 1_000_000_000), // leap second
            dt(12345, 1, 2, 3, 4, 5, 0),
            dt(-44, 3, 15, 12, 0, 0, 0),
        ];
        for case in cases {
            let mut text = String::new();
            push_datetime(&mut text, &case);
            assert_eq!(text, case.format(DATETIME_FORMAT).to_string(), "{case:?}");
            assert_eq!(parse_datetime(&text), Some(case), "{text}");
        }
        assert_eq!(
            {
                let mut t = String::new();
                push_datetime(&mut t, &cases[0]);
                t
            },
            "2026-06-14T09:00:00"
        );
    }

    #[test]
    fn given_dates_when_encoded_then_text_is_iso_and_round_trips() {
        for (y, m, d, want) in [(2026, 6, 14, "2026-06-14"), (805, 1, 9, "0805-01-09")] {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("valid");
            let mut text = String::new();
            push_date(&mut text, &date);
            assert_eq!(text, want);
            assert_eq!(parse_date(&text), Some(date));
        }
    }

    #[test]
    fn given_malformed_text_when_parsed_then_none() {
        for bad in [
            "",
            "2026-13-01T00:00:00",
            "2026-06-14 09:00:00",
            "2026-06-14T09:00:0x",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2026-02-30"), None);
    }
}
