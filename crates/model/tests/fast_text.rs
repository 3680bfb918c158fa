//! `model::fast_text` writes exactly the bytes the wrapped serializer writes on its own, in both
//! formats the project hashes (MessagePack payloads, the JSON of the state hash), for every
//! shape of value the events and projections hold: dates at any depth, in options, sequences,
//! map keys, enums of every kind, and long text.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use model::event::Event;
use model::ids::ResidentId;
use serde::{Serialize, Serializer};

/// Text longer than the adapter's buffer, serialized with `collect_str`.
struct Long(usize);

impl fmt::Display for Long {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in 0..self.0 {
            write!(f, "{}", if i % 7 == 0 { '住' } else { 'a' })?;
        }
        Ok(())
    }
}

impl Serialize for Long {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Serialize)]
#[serde(tag = "kind")]
enum Tagged {
    Plain,
    WithDate { on: NaiveDate, note: String },
}

#[derive(Serialize)]
enum External {
    Unit,
    Newtype(NaiveDate),
    Tuple(NaiveDate, Option<NaiveDate>),
    Struct { on: NaiveDate },
}

#[derive(Serialize)]
struct Newtype(NaiveDate);

#[derive(Serialize)]
struct Everything {
    on: NaiveDate,
    maybe: Option<NaiveDate>,
    none: Option<NaiveDate>,
    at: NaiveDateTime,
    days: Vec<NaiveDate>,
    by_day: BTreeMap<NaiveDate, u32>,
    tagged: Vec<Tagged>,
    external: Vec<External>,
    newtype: Newtype,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u8>,
    text: String,
    numbers: (u8, i64, u64, bool, f64, char),
    long: Long,
    short: Long,
    bytes: serde_bytes_like::Bytes,
    unit: (),
}

mod serde_bytes_like {
    /// Serialized as bytes, as a payload never is, to cover the call.
    pub struct Bytes(pub Vec<u8>);
    impl serde::Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&self.0)
        }
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn everything() -> Everything {
    Everything {
        on: date(2026, 6, 14),
        maybe: Some(date(1999, 12, 31)),
        none: None,
        at: date(2026, 11, 30).and_hms_opt(9, 5, 0).expect("time"),
        days: vec![
            date(1, 1, 1),
            date(9999, 12, 31),
            date(-44, 3, 15),
            date(12345, 1, 2),
        ],
        by_day: [(date(2026, 4, 1), 3), (date(2027, 3, 31), 4)].into(),
        tagged: vec![
            Tagged::Plain,
            Tagged::WithDate {
                on: date(2026, 7, 1),
                note: "転居 \"quoted\" \\ \n".into(),
            },
        ],
        external: vec![
            External::Unit,
            External::Newtype(date(2026, 1, 2)),
            External::Tuple(date(2026, 1, 3), None),
            External::Struct {
                on: date(2026, 1, 4),
            },
        ],
        newtype: Newtype(date(2030, 2, 28)),
        skipped: None,
        text: "東京都新宿区".into(),
        numbers: (255, -70_000, u64::MAX, true, 0.5, 'ä'),
        long: Long(200),
        short: Long(5),
        bytes: serde_bytes_like::Bytes(vec![0, 1, 2, 255]),
        unit: (),
    }
}

#[test]
fn given_every_shape_of_value_when_written_through_the_adapter_then_messagepack_is_unchanged() {
    let value = everything();
    let plain = rmp_serde::to_vec(&value).expect("encodes");
    let mut fast = Vec::new();
    model::fast_text::serialize(&value, &mut rmp_serde::Serializer::new(&mut fast))
        .expect("encodes");
    assert_eq!(fast, plain);
}

#[test]
fn given_every_shape_of_value_when_written_through_the_adapter_then_json_is_unchanged() {
    let value = everything();
    let plain = serde_json::to_vec(&value).expect("encodes");
    let mut fast = Vec::new();
    model::fast_text::serialize(&value, &mut serde_json::Serializer::new(&mut fast))
        .expect("encodes");
    assert_eq!(
        String::from_utf8(fast).expect("utf-8"),
        String::from_utf8(plain).expect("utf-8")
    );
}

#[test]
fn given_an_event_with_dates_when_encoded_then_its_payload_is_the_plain_messagepack_of_its_fields()
{
    let event = Event::PeriodOfStayExtended {
        resident: ResidentId(3),
        previous_expiry: Some(date(2026, 7, 31)),
        new_expiry: date(2029, 7, 31),
    };
    let mut payload = Vec::new();
    event.encode_payload(&mut payload);
    let plain = rmp_serde::to_vec(&(Some(date(2026, 7, 31)), date(2029, 7, 31))).expect("encodes");
    assert_eq!(payload, plain);
    assert_eq!(
        Event::decode_payload("PeriodOfStayExtended", ResidentId(3), &payload).expect("decodes"),
        event
    );
}
