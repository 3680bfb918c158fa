//! The compact JSON of a card record as the state hash reads it: `serde_json` writes every
//! value, and this module writes only the frame of each struct — its braces, the commas between
//! fields and the fields' names.
//!
//! A record is about a kilobyte of JSON, nearly half of it field names, and `serde_json` checks
//! each byte of a name for characters to escape before copying it, and keeps each struct's
//! state field by field. A struct's field names come from the serde derive: Rust field names (or
//! a rename), which never need escaping, so they are copied as they are. Everything else — the
//! text, numbers, `null`s, arrays and maps — goes through `serde_json` unchanged, so the bytes
//! are exactly those of `serde_json::to_vec(record)` (the tests below compare the two on every
//! shape of record, and the state hash of a bundled scenario is pinned).

use std::cell::RefCell;
use std::fmt::Display;
use std::io;

use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::ser::{CompactFormatter, Compound};

/// The output, written in turn by `serde_json` (the values) and by [`Fields`] (the frames).
struct Shared<'a>(&'a RefCell<Vec<u8>>);

impl io::Write for Shared<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

type Json<'a> = serde_json::Serializer<Shared<'a>>;
type JsonCompound<'s, 'a> = Compound<'s, Shared<'a>, CompactFormatter>;

/// Appends the compact JSON of `value` to `out`: the bytes `serde_json::to_vec(value)` gives.
pub(crate) fn write<T: Serialize + ?Sized>(
    value: &T,
    out: &RefCell<Vec<u8>>,
) -> serde_json::Result<()> {
    let mut json = serde_json::Serializer::new(Shared(out));
    value.serialize(Frames {
        json: &mut json,
        out,
    })
}

/// A serializer that writes the frame of a struct itself and hands every other value, whole,
/// to `serde_json` (an `Option` or a newtype is its content, as `serde_json` writes them).
struct Frames<'s, 'a> {
    json: &'s mut Json<'a>,
    out: &'a RefCell<Vec<u8>>,
}

/// The fields of a struct being written.
struct Fields<'s, 'a> {
    json: &'s mut Json<'a>,
    out: &'a RefCell<Vec<u8>>,
    first: bool,
}

impl<'s, 'a> Serializer for Frames<'s, 'a> {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = JsonCompound<'s, 'a>;
    type SerializeTuple = JsonCompound<'s, 'a>;
    type SerializeTupleStruct = JsonCompound<'s, 'a>;
    type SerializeTupleVariant = JsonCompound<'s, 'a>;
    type SerializeMap = JsonCompound<'s, 'a>;
    type SerializeStruct = Fields<'s, 'a>;
    type SerializeStructVariant = JsonCompound<'s, 'a>;

    fn serialize_struct(self, _: &'static str, _: usize) -> serde_json::Result<Fields<'s, 'a>> {
        self.out.borrow_mut().push(b'{');
        Ok(Fields {
            json: self.json,
            out: self.out,
            first: true,
        })
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> serde_json::Result<()> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        value.serialize(self)
    }

    fn serialize_none(self) -> serde_json::Result<()> {
        self.json.serialize_none()
    }
    fn serialize_bool(self, v: bool) -> serde_json::Result<()> {
        self.json.serialize_bool(v)
    }
    fn serialize_i8(self, v: i8) -> serde_json::Result<()> {
        self.json.serialize_i8(v)
    }
    fn serialize_i16(self, v: i16) -> serde_json::Result<()> {
        self.json.serialize_i16(v)
    }
    fn serialize_i32(self, v: i32) -> serde_json::Result<()> {
        self.json.serialize_i32(v)
    }
    fn serialize_i64(self, v: i64) -> serde_json::Result<()> {
        self.json.serialize_i64(v)
    }
    fn serialize_i128(self, v: i128) -> serde_json::Result<()> {
        self.json.serialize_i128(v)
    }
    fn serialize_u8(self, v: u8) -> serde_json::Result<()> {
        self.json.serialize_u8(v)
    }
    fn serialize_u16(self, v: u16) -> serde_json::Result<()> {
        self.json.serialize_u16(v)
    }
    fn serialize_u32(self, v: u32) -> serde_json::Result<()> {
        self.json.serialize_u32(v)
    }
    fn serialize_u64(self, v: u64) -> serde_json::Result<()> {
        self.json.serialize_u64(v)
    }
    fn serialize_u128(self, v: u128) -> serde_json::Result<()> {
        self.json.serialize_u128(v)
    }
    fn serialize_f32(self, v: f32) -> serde_json::Result<()> {
        self.json.serialize_f32(v)
    }
    fn serialize_f64(self, v: f64) -> serde_json::Result<()> {
        self.json.serialize_f64(v)
    }
    fn serialize_char(self, v: char) -> serde_json::Result<()> {
        self.json.serialize_char(v)
    }
    fn serialize_str(self, v: &str) -> serde_json::Result<()> {
        // Nearly every text of a record (dates, card numbers, names of states) has nothing to
        // escape: it is written between its quotes as it is, as `serde_json` would, without
        // `serde_json`'s search byte by byte.
        if needs_no_escape(v.as_bytes()) {
            let mut out = self.out.borrow_mut();
            out.reserve(v.len() + 2);
            out.push(b'"');
            out.extend_from_slice(v.as_bytes());
            out.push(b'"');
            Ok(())
        } else {
            self.json.serialize_str(v)
        }
    }
    fn serialize_bytes(self, v: &[u8]) -> serde_json::Result<()> {
        self.json.serialize_bytes(v)
    }
    fn serialize_unit(self) -> serde_json::Result<()> {
        self.json.serialize_unit()
    }
    fn serialize_unit_struct(self, name: &'static str) -> serde_json::Result<()> {
        self.json.serialize_unit_struct(name)
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> serde_json::Result<()> {
        self.json.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        self.json
            .serialize_newtype_variant(name, index, variant, value)
    }
    fn serialize_seq(self, len: Option<usize>) -> serde_json::Result<Self::SerializeSeq> {
        self.json.serialize_seq(len)
    }
    fn serialize_tuple(self, len: usize) -> serde_json::Result<Self::SerializeTuple> {
        self.json.serialize_tuple(len)
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> serde_json::Result<Self::SerializeTupleStruct> {
        self.json.serialize_tuple_struct(name, len)
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> serde_json::Result<Self::SerializeTupleVariant> {
        self.json.serialize_tuple_variant(name, index, variant, len)
    }
    fn serialize_map(self, len: Option<usize>) -> serde_json::Result<Self::SerializeMap> {
        self.json.serialize_map(len)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> serde_json::Result<Self::SerializeStructVariant> {
        self.json
            .serialize_struct_variant(name, index, variant, len)
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> serde_json::Result<()> {
        self.json.collect_str(value)
    }
}

/// Whether `serde_json` writes `text` as it is: it escapes exactly the bytes below 0x20, the
/// quote and the backslash. Every byte is looked at, without an early exit, so that the
/// compiler can check several at once.
fn needs_no_escape(text: &[u8]) -> bool {
    !text.iter().fold(false, |bad, &b| {
        bad | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

impl SerializeStruct for Fields<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        // What `serde_json` would write for the name, without its search for characters to
        // escape: a derive's field names have none (the tests would see one).
        debug_assert!(
            key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "field name {key:?} would need escaping"
        );
        {
            let mut out = self.out.borrow_mut();
            if !self.first {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(b"\":");
        }
        self.first = false;
        value.serialize(Frames {
            json: &mut *self.json,
            out: self.out,
        })
    }

    fn end(self) -> serde_json::Result<()> {
        self.out.borrow_mut().push(b'}');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{
        CardRecord, Functions, HeldMyNumberCard, PendingApplication, UseState, View,
    };
    use chrono::NaiveDate;
    use model::card::{CardKind, Certificates, MyNumberCard, ResidenceCard};
    use model::card_number::ResidenceCardNumber;
    use model::ids::{Address, Municipality};
    use model::procedure::Procedure;
    use model::rules::InvalidationReason;
    use model::status::Status;

    fn written<T: Serialize>(value: &T) -> Vec<u8> {
        let out = RefCell::new(Vec::new());
        write(value, &out).expect("serializes");
        out.into_inner()
    }

    fn date(k: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1 + k % 12, 1 + k % 28).expect("a date")
    }

    /// Records with every field filled in turn, each state of a card and the names that need
    /// escaping in their text.
    fn records() -> Vec<CardRecord> {
        let states = [
            UseState::Active,
            UseState::Expired { on: date(3) },
            UseState::Invalidated {
                on: date(4),
                reason: InvalidationReason::ReportedLost,
            },
            UseState::Suspended { on: date(5) },
        ];
        let mut all = vec![CardRecord::default()];
        for (k, state) in states.into_iter().enumerate() {
            let k = k as u32;
            let number = ResidenceCardNumber::generate(7, 0, k);
            let view = View {
                status: Some(Status::PermanentResident),
                period_expiry: Some(date(k + 9)),
                card_number: Some(number),
                municipality: Some(Municipality::new("nakano")),
                address: Some(Address::new("中野区 \"1-2\"\\3\n")),
            };
            all.push(CardRecord {
                born_on: Some(date(k)),
                residence_card: Some(ResidenceCard {
                    kind: CardKind::TokuteiResidenceCard,
                    number,
                    issued_on: date(k + 1),
                    valid_through: date(k + 2),
                }),
                my_number_card: Some(HeldMyNumberCard {
                    card: MyNumberCard {
                        issued_on: date(k + 3),
                        valid_through: date(k + 4),
                    },
                    state,
                }),
                tokutei_functions: Some(Functions {
                    card_number: number,
                    valid_through: date(k + 5),
                    state,
                }),
                certificates: Certificates {
                    signature_through: k.is_multiple_of(2).then(|| date(k + 6)),
                    user_auth_through: Some(date(k + 7)),
                },
                bureau: view.clone(),
                city_hall: View {
                    address: None,
                    ..view
                },
                pending: Some(PendingApplication {
                    filed_on: date(k + 8),
                    expiry_at_filing: (k % 2 == 1).then(|| date(k + 9)),
                    decided_on: Some(date(k + 10)),
                    procedure: Procedure::Extension,
                    granted: k.is_multiple_of(2),
                }),
                card_ready: Some(CardKind::MyNumberCard),
                visits: [k, 1, 2, 3],
                evaluated_through: Some(date(k + 11)),
                deadline_misses: k,
                refusals: 2 * k,
                fees_paid_yen: u64::from(k) * 1000,
                pin_locked: k % 2 == 1,
                waiting_days: if k.is_multiple_of(2) {
                    [0; 3]
                } else {
                    [k, 0, 9]
                },
                ..CardRecord::default()
            });
        }
        all
    }

    #[test]
    fn a_text_is_written_as_serde_json_writes_it_whatever_its_bytes() {
        let mut texts: Vec<String> = (0..=0x7f_u8)
            .map(|b| format!("ab{}cd", char::from(b)))
            .collect();
        texts.extend(
            ["", "2026-06-14", "中野区", "\u{7f}\u{80}\u{ff}é", "a\"b\\c"].map(String::from),
        );
        for text in texts {
            assert_eq!(
                String::from_utf8(written(&text)).expect("utf-8"),
                serde_json::to_string(&text).expect("serializes"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_record_is_written_exactly_as_serde_json_writes_it() {
        for record in records() {
            assert_eq!(
                String::from_utf8(written(&record)).expect("utf-8"),
                serde_json::to_string(&record).expect("serializes"),
            );
        }
    }
}
