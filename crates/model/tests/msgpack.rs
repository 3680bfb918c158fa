//! `model::msgpack` writes exactly the bytes of `rmp_serde`'s default serializer for every shape
//! of value serde has: integers at each boundary of their encodings, text and collections at
//! each boundary of their headers, collections of unknown length, enums of every kind, dates at
//! any depth, and values `rmp_serde` writes for it (floats, 128-bit integers, bytes,
//! extensions). The events of whole runs are compared in `crates/simulator/tests/payloads.rs`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// Text of as many characters as it says, some of them three bytes long, serialized with
/// `collect_str`.
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

/// A sequence and a map whose lengths are not told beforehand (as a flattened struct's are).
struct Untold(Vec<u32>);

impl Serialize for Untold {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for v in &self.0 {
            seq.serialize_element(v)?;
        }
        seq.end()
    }
}

struct UntoldMap(Vec<(String, u32)>);

impl Serialize for UntoldMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

struct Bytes(Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
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
struct UnitStruct;

/// A MessagePack extension: its type and its data, under the name `rmp_serde` gives one.
#[derive(Serialize)]
#[serde(rename = "_ExtStruct")]
struct Ext((i8, Bytes));

#[derive(Serialize)]
struct Flattened {
    a: u8,
    #[serde(flatten)]
    rest: BTreeMap<String, i32>,
}

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
    unit_struct: UnitStruct,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u8>,
    text: String,
    numbers: (u8, i64, u64, bool, f64, f32, char, i128, u128),
    bytes: Bytes,
    unit: (),
    untold: Untold,
    untold_map: UntoldMap,
    flattened: Flattened,
    ext: Ext,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn same<T: Serialize + ?Sized>(value: &T) {
    let plain = rmp_serde::to_vec(value).expect("encodes");
    // Appended after what is already there, as a payload is after its envelope.
    let mut direct = vec![7, 7];
    model::msgpack::write(&mut direct, value).expect("encodes");
    assert_eq!(direct[2..], plain[..]);
}

#[test]
fn given_every_shape_of_value_when_written_then_the_bytes_are_rmp_serdes() {
    same(&Everything {
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
        unit_struct: UnitStruct,
        skipped: None,
        text: "東京都新宿区".into(),
        numbers: (255, -70_000, u64::MAX, true, 0.5, -1.25, 'ä', -3, 1 << 100),
        bytes: Bytes(vec![0, 1, 2, 255]),
        unit: (),
        untold: Untold((0..20).collect()),
        untold_map: UntoldMap(vec![("a".into(), 1), ("b".into(), 300)]),
        flattened: Flattened {
            a: 1,
            rest: [("x".into(), -1), ("y".into(), 70_000)].into(),
        },
        ext: Ext((5, Bytes(vec![1, 2, 3]))),
    });
}

#[test]
fn given_integers_at_each_boundary_of_their_encodings_then_the_bytes_are_rmp_serdes() {
    let unsigned = [
        0,
        1,
        127,
        128,
        255,
        256,
        65_535,
        65_536,
        u64::from(u32::MAX),
        u64::from(u32::MAX) + 1,
        u64::MAX,
    ];
    for v in unsigned {
        same(&v);
        same(&(v as u32));
        same(&(v as u16));
        same(&(v as u8));
    }
    let signed = [
        0,
        -1,
        -32,
        -33,
        -128,
        -129,
        -32_768,
        -32_769,
        i64::from(i32::MIN),
        i64::from(i32::MIN) - 1,
        i64::MIN,
        127,
        128,
        255,
        256,
        65_536,
        i64::MAX,
    ];
    for v in signed {
        same(&v);
        same(&(v as i32));
        same(&(v as i16));
        same(&(v as i8));
    }
}

#[test]
fn given_text_and_collections_at_each_boundary_of_their_headers_then_the_bytes_are_rmp_serdes() {
    for len in [0, 1, 15, 16, 31, 32, 255, 256, 65_535, 65_536] {
        same(&"a".repeat(len));
        same(&Long(len / 3));
        same(&vec![1u8; len]);
        same(
            &(0..len as u32)
                .map(|i| (i, i % 3 == 0))
                .collect::<BTreeMap<_, _>>(),
        );
        same(&Untold(vec![9; len]));
        same(&UntoldMap((0..len).map(|i| (i.to_string(), 1)).collect()));
    }
}

/// `value`'s own writer (`msgpack::Encode`) gives the bytes of its serde form.
fn same_encoded<T: model::msgpack::Encode + Serialize>(value: &T) {
    let plain = rmp_serde::to_vec(value).expect("encodes");
    let mut direct = vec![7];
    value.encode(&mut direct).expect("encodes");
    assert_eq!(direct[1..], plain[..]);
    same(value);
}

#[test]
fn given_the_types_with_their_own_writer_when_encoded_then_the_bytes_are_their_serde_forms() {
    use model::card::{CardKind, Certificates, MyNumberCard, ResidenceCard};
    use model::card_number::ResidenceCardNumber;
    use model::mynumber::MyNumber;

    for d in [
        date(2026, 6, 14),
        date(1, 1, 1),
        date(9999, 12, 31),
        date(-44, 3, 15),
        date(12345, 1, 2),
    ] {
        same_encoded(&d);
        same_encoded(&Some(d));
        same_encoded(&MyNumberCard {
            issued_on: d,
            valid_through: date(2031, 2, 28),
        });
        same_encoded(&Certificates {
            signature_through: Some(d),
            user_auth_through: None,
        });
    }
    same_encoded(&None::<NaiveDate>);
    same_encoded(&Certificates::default());
    for base in [0, 7, 12_345_678_901, 99_999_999_999] {
        same_encoded(&MyNumber::from_base(base).expect("a base"));
    }
    for i in 0..200 {
        same_encoded(&MyNumber::generate(i, i * 7919));
        let number = ResidenceCardNumber::generate(i, i as u32, 3);
        same_encoded(&number);
        same_encoded(&Some(ResidenceCard {
            kind: CardKind::TokuteiResidenceCard,
            number,
            issued_on: date(2026, 6, 15),
            valid_through: date(2029, 6, 15),
        }));
    }
    same_encoded(&None::<ResidenceCard>);
}
