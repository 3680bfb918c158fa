//! A serde adapter that writes values whose serde form is text (dates, times: anything that
//! serializes through `collect_str`) without allocating, and otherwise changes nothing.
//!
//! chrono serializes a `NaiveDate` with `collect_str`, which MessagePack's serializer implements
//! as `serialize_str(&value.to_string())`: a fresh `String`, grown a character at a time. Every
//! event carries a few dates, so on a run's hot path (each shard encodes its events' canonical
//! payloads, decision 18) that was about a quarter of a shard's instructions per event, and
//! formatting the same dates was a large part of the state hash (JSON). [`Fast`] wraps any
//! serializer: `collect_str` renders the text into a reused per-thread buffer and hands it to the
//! wrapped serializer's `serialize_str`; every other call, at every depth, goes to the wrapped
//! serializer unchanged. Both formats used here write a `collect_str` value exactly as the
//! `serialize_str` of its text, so the bytes — the payloads, the log hash, the state hash — are
//! the same (tests: `crates/model/tests/fast_text.rs`).
//!
//! An event's canonical payload is written by [`crate::msgpack`], which renders a `collect_str`
//! value straight into the payload. [`Field`] picks, for each field of an event
//! (`model::event`'s macro knows every field's type), the type's own MessagePack writer when it
//! has one (`msgpack::Encode`: dates by [`crate::date_text`], the cards that carry dates, the
//! card and My Numbers) and `msgpack`'s serializer for any other type; to read, the date reader
//! of `date_text` for a `NaiveDate` or an `Option<NaiveDate>` and the field's own `Deserialize`
//! for any other — by method resolution at compile time (the specific impl is on `&Field`, any
//! field's on `Field`, so the call `(&&Field(x)).write(out)` finds the specific one first).
//! Dates deeper inside other types are written by [`Date`].

use std::cell::Cell;
use std::fmt::{Display, Write as _};
use std::marker::PhantomData;

use chrono::NaiveDate;

use crate::msgpack;
use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Visitor};
use serde::ser::{
    Serialize, SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple,
    SerializeTupleStruct, SerializeTupleVariant, Serializer,
};

/// Serializes `value` with `serializer`, rendering text values without allocating.
pub fn serialize<T: Serialize + ?Sized, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.serialize(Fast(serializer))
}

/// The adapter: a serializer, or one of its compound states, whose values are wrapped in turn.
pub struct Fast<S>(pub S);

/// A value whose serialization goes through [`Fast`].
pub struct Wrap<'a, T: ?Sized>(&'a T);

impl<T: Serialize + ?Sized> Serialize for Wrap<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(Fast(serializer))
    }
}

/// An owned item of a collected sequence or map, serialized through [`Fast`].
struct Owned<T>(T);

impl<T: Serialize> Serialize for Owned<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(Fast(serializer))
    }
}

thread_local! {
    /// The text of the value being written: one buffer per thread, reused (cleared) for every
    /// value, so rendering allocates nothing once it has grown to the longest text.
    static TEXT: Cell<String> = const { Cell::new(String::new()) };
}

impl<S: Serializer> Serializer for Fast<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Fast<S::SerializeSeq>;
    type SerializeTuple = Fast<S::SerializeTuple>;
    type SerializeTupleStruct = Fast<S::SerializeTupleStruct>;
    type SerializeTupleVariant = Fast<S::SerializeTupleVariant>;
    type SerializeMap = Fast<S::SerializeMap>;
    type SerializeStruct = Fast<S::SerializeStruct>;
    type SerializeStructVariant = Fast<S::SerializeStructVariant>;

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        // The thread's buffer is taken for the call (a value written while another is, which
        // no type here does, would find it empty and simply allocate).
        let mut text = TEXT.with(Cell::take);
        text.clear();
        let result = match write!(text, "{value}") {
            Ok(()) => self.0.serialize_str(&text),
            Err(_) => self.0.collect_str(value),
        };
        TEXT.with(|t| t.set(text));
        result
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }

    fn serialize_bool(self, v: bool) -> Result<S::Ok, S::Error> {
        self.0.serialize_bool(v)
    }
    fn serialize_i8(self, v: i8) -> Result<S::Ok, S::Error> {
        self.0.serialize_i8(v)
    }
    fn serialize_i16(self, v: i16) -> Result<S::Ok, S::Error> {
        self.0.serialize_i16(v)
    }
    fn serialize_i32(self, v: i32) -> Result<S::Ok, S::Error> {
        self.0.serialize_i32(v)
    }
    fn serialize_i64(self, v: i64) -> Result<S::Ok, S::Error> {
        self.0.serialize_i64(v)
    }
    fn serialize_i128(self, v: i128) -> Result<S::Ok, S::Error> {
        self.0.serialize_i128(v)
    }
    fn serialize_u8(self, v: u8) -> Result<S::Ok, S::Error> {
        self.0.serialize_u8(v)
    }
    fn serialize_u16(self, v: u16) -> Result<S::Ok, S::Error> {
        self.0.serialize_u16(v)
    }
    fn serialize_u32(self, v: u32) -> Result<S::Ok, S::Error> {
        self.0.serialize_u32(v)
    }
    fn serialize_u64(self, v: u64) -> Result<S::Ok, S::Error> {
        self.0.serialize_u64(v)
    }
    fn serialize_u128(self, v: u128) -> Result<S::Ok, S::Error> {
        self.0.serialize_u128(v)
    }
    fn serialize_f32(self, v: f32) -> Result<S::Ok, S::Error> {
        self.0.serialize_f32(v)
    }
    fn serialize_f64(self, v: f64) -> Result<S::Ok, S::Error> {
        self.0.serialize_f64(v)
    }
    fn serialize_char(self, v: char) -> Result<S::Ok, S::Error> {
        self.0.serialize_char(v)
    }
    fn serialize_str(self, v: &str) -> Result<S::Ok, S::Error> {
        self.0.serialize_str(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<S::Ok, S::Error> {
        self.0.serialize_bytes(v)
    }
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_none()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        self.0.serialize_some(&Wrap(value))
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit()
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit_struct(name)
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0.serialize_newtype_struct(name, &Wrap(value))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.0
            .serialize_newtype_variant(name, index, variant, &Wrap(value))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        self.0.serialize_seq(len).map(Fast)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        self.0.serialize_tuple(len).map(Fast)
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        self.0.serialize_tuple_struct(name, len).map(Fast)
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.0
            .serialize_tuple_variant(name, index, variant, len)
            .map(Fast)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        self.0.serialize_map(len).map(Fast)
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        self.0.serialize_struct(name, len).map(Fast)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.0
            .serialize_struct_variant(name, index, variant, len)
            .map(Fast)
    }
    // The wrapped serializer's own ways of collecting (MessagePack looks at the length hint),
    // with the items wrapped.
    fn collect_seq<I>(self, iter: I) -> Result<S::Ok, S::Error>
    where
        I: IntoIterator,
        I::Item: Serialize,
    {
        self.0.collect_seq(iter.into_iter().map(Owned))
    }
    fn collect_map<K, V, I>(self, iter: I) -> Result<S::Ok, S::Error>
    where
        K: Serialize,
        V: Serialize,
        I: IntoIterator<Item = (K, V)>,
    {
        self.0
            .collect_map(iter.into_iter().map(|(k, v)| (Owned(k), Owned(v))))
    }
}

impl<S: SerializeSeq> SerializeSeq for Fast<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), S::Error> {
        self.0.serialize_element(&Wrap(value))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

impl<S: SerializeTuple> SerializeTuple for Fast<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), S::Error> {
        self.0.serialize_element(&Wrap(value))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

impl<S: SerializeTupleStruct> SerializeTupleStruct for Fast<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), S::Error> {
        self.0.serialize_field(&Wrap(value))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

impl<S: SerializeTupleVariant> SerializeTupleVariant for Fast<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), S::Error> {
        self.0.serialize_field(&Wrap(value))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

impl<S: SerializeMap> SerializeMap for Fast<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), S::Error> {
        self.0.serialize_key(&Wrap(key))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), S::Error> {
        self.0.serialize_value(&Wrap(value))
    }
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), S::Error> {
        self.0.serialize_entry(&Wrap(key), &Wrap(value))
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

impl<S: SerializeStruct> SerializeStruct for Fast<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_field(key, &Wrap(value))
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.0.skip_field(key)
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

impl<S: SerializeStructVariant> SerializeStructVariant for Fast<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_field(key, &Wrap(value))
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.0.skip_field(key)
    }
    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

/// One field of an event, to encode: [`EncodeWrite`] for a type with its own writer, else
/// [`AnyWrite`].
pub struct Field<'a, T: ?Sized>(pub &'a T);

/// One field of an event, to decode into a `T`: [`DateDecode`] for a date, else
/// [`AnyDecode`].
pub struct Slot<T>(PhantomData<T>);

impl<T> Slot<T> {
    /// The field of type `T`.
    pub const fn new() -> Slot<T> {
        Slot(PhantomData)
    }
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot::new()
    }
}

/// Writes a field whose type has its own MessagePack writer ([`msgpack::Encode`]: dates, cards,
/// numbers, and options of them) with it. Implemented on `&Field`, so that method resolution
/// prefers it to [`AnyWrite`].
pub trait EncodeWrite {
    fn write(&self, out: &mut Vec<u8>) -> Result<(), msgpack::Error>;
}

/// Writes any field as MessagePack with [`crate::msgpack`]'s serializer.
pub trait AnyWrite {
    fn write(&self, out: &mut Vec<u8>) -> Result<(), msgpack::Error>;
}

impl<T: Serialize + ?Sized> AnyWrite for Field<'_, T> {
    fn write(&self, out: &mut Vec<u8>) -> Result<(), msgpack::Error> {
        msgpack::write(out, self.0)
    }
}

impl<T: msgpack::Encode> EncodeWrite for &Field<'_, T> {
    fn write(&self, out: &mut Vec<u8>) -> Result<(), msgpack::Error> {
        self.0.encode(out)
    }
}

/// Decodes a date field (`NaiveDate`, `Option<NaiveDate>`) with [`crate::date_text`], not
/// chrono's parser. Implemented on `&Slot`, so that method resolution prefers it to
/// [`AnyDecode`].
pub trait DateDecode {
    type Value;
    fn decode<'de, D: Deserializer<'de>>(&self, de: D) -> Result<Self::Value, D::Error>;
}

/// Decodes any field by its own `Deserialize`.
pub trait AnyDecode {
    type Value;
    fn decode<'de, D: Deserializer<'de>>(&self, de: D) -> Result<Self::Value, D::Error>;
}

impl<T: DeserializeOwned> AnyDecode for Slot<T> {
    type Value = T;
    fn decode<'de, D: Deserializer<'de>>(&self, de: D) -> Result<T, D::Error> {
        T::deserialize(de)
    }
}

impl DateDecode for &Slot<NaiveDate> {
    type Value = NaiveDate;
    fn decode<'de, D: Deserializer<'de>>(&self, de: D) -> Result<NaiveDate, D::Error> {
        Date::deserialize(de).map(|d| d.0)
    }
}

impl DateDecode for &Slot<Option<NaiveDate>> {
    type Value = Option<NaiveDate>;
    fn decode<'de, D: Deserializer<'de>>(&self, de: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<Date>::deserialize(de).map(|d| d.map(|d| d.0))
    }
}

/// A date whose serde form is chrono's — the text `YYYY-MM-DD` — written and read without
/// chrono's formatter and parser where [`crate::date_text`] can (years 0–9999), by chrono's
/// otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match crate::date_text::write_iso(self.0) {
            // The ten bytes are ASCII digits and dashes.
            Some(text) => serializer.serialize_str(std::str::from_utf8(&text).unwrap_or_default()),
            None => self.0.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = Date;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // chrono's words, so that a malformed payload is reported as before.
                f.write_str("a formatted date string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                match crate::date_text::parse_iso(v.as_bytes()) {
                    Some(date) => Ok(Date(date)),
                    None => v.parse().map(Date).map_err(E::custom),
                }
            }
        }
        deserializer.deserialize_str(Text)
    }
}

/// serde `with` for a `NaiveDate` field of a type that events carry inside them (a card): the
/// text of [`Date`], chrono's, without chrono's formatter and parser.
pub mod date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        super::Date(*date).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        super::Date::deserialize(deserializer).map(|d| d.0)
    }
}

/// serde `with` for an `Option<NaiveDate>` field, as [`date`].
pub mod option_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(
        date: &Option<NaiveDate>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        date.map(super::Date).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        Option::<super::Date>::deserialize(deserializer).map(|d| d.map(|d| d.0))
    }
}
