//! A MessagePack serializer that appends straight to a `Vec<u8>`: the bytes of `rmp_serde`'s
//! default serializer (structs as arrays, enum variants by name, not human-readable), for less
//! work.
//!
//! Every event a shard hands on is encoded into its canonical payload (decisions 11, 18, 28), so
//! the encoder is on the hot path of every run. `rmp_serde` writes through `io::Write`, a marker
//! or a length at a time, each write a fallible call whose error is converted on the way out,
//! and its tuples carry a byte-array check; here a marker is a `push` and nothing can fail but a
//! value's own `Serialize`. The values whose bytes are rare or intricate (floats, 128-bit
//! integers, MessagePack extensions) are handed to `rmp_serde` itself, writing into the same
//! `Vec`, so they cannot differ. The dates, cards and numbers events carry write themselves
//! ([`Encode`]). The tests compare the two serializers over every shape of value
//! (`crates/model/tests/msgpack.rs`) and over every event of a seeded population and of every
//! bundled scenario (`crates/simulator/tests/payloads.rs`).

use std::fmt::{self, Display, Write as _};

use chrono::NaiveDate;

use serde::ser::{
    Serialize, SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple,
    SerializeTupleStruct, SerializeTupleVariant, Serializer,
};

/// Appends the MessagePack of `value` to `out`: the bytes `rmp_serde::to_vec` would return.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(Writer(out))
}

/// Appends the header of an array of `len` items.
#[inline]
pub fn write_array_len(out: &mut Vec<u8>, len: usize) {
    header(out, len, 0x90, 16, 0xdc);
}

/// Appends the header of a map of `len` entries.
#[inline]
fn write_map_len(out: &mut Vec<u8>, len: usize) {
    header(out, len, 0x80, 16, 0xde);
}

/// Appends `text` as a MessagePack string.
#[inline]
pub fn write_str(out: &mut Vec<u8>, text: &[u8]) {
    str_header(out, text.len());
    out.extend_from_slice(text);
}

/// The header of a string of `len` bytes (`rmp::encode::write_str_len`).
#[inline]
fn str_header(out: &mut Vec<u8>, len: usize) {
    if len < 32 {
        out.push(0xa0 | len as u8);
    } else if len < 256 {
        out.extend_from_slice(&[0xd9, len as u8]);
    } else {
        header(out, len, 0, 0, 0xda);
    }
}

/// The header of an array, map or long string: the fixed form `fixed | len` below `fixed_below`,
/// else the 16-bit form `wide` followed by the length, else the 32-bit form (`wide + 1`). As in
/// `rmp`, a length beyond 32 bits is cut to its low 32 bits (no value here comes near).
#[inline]
fn header(out: &mut Vec<u8>, len: usize, fixed: u8, fixed_below: usize, wide: u8) {
    if len < fixed_below {
        out.push(fixed | len as u8);
    } else if let Ok(len) = u16::try_from(len) {
        out.push(wide);
        out.extend_from_slice(&len.to_be_bytes());
    } else {
        out.push(wide + 1);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

/// An unsigned integer in its shortest form (`rmp::encode::write_uint`).
#[inline]
fn write_uint(out: &mut Vec<u8>, v: u64) {
    if v < 128 {
        out.push(v as u8);
    } else if v < 256 {
        out.extend_from_slice(&[0xcc, v as u8]);
    } else if let Ok(v) = u16::try_from(v) {
        out.push(0xcd);
        out.extend_from_slice(&v.to_be_bytes());
    } else if let Ok(v) = u32::try_from(v) {
        out.push(0xce);
        out.extend_from_slice(&v.to_be_bytes());
    } else {
        out.push(0xcf);
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// A signed integer in its shortest form (`rmp::encode::write_sint`): a non-negative one as
/// unsigned.
#[inline]
fn write_sint(out: &mut Vec<u8>, v: i64) {
    if let Ok(v) = u64::try_from(v) {
        write_uint(out, v);
    } else if v >= -32 {
        out.push(v as u8);
    } else if let Ok(v) = i8::try_from(v) {
        out.extend_from_slice(&[0xd0, v as u8]);
    } else if let Ok(v) = i16::try_from(v) {
        out.push(0xd1);
        out.extend_from_slice(&v.to_be_bytes());
    } else if let Ok(v) = i32::try_from(v) {
        out.push(0xd2);
        out.extend_from_slice(&v.to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// A value that writes its own MessagePack — the bytes of its serde form through
/// [`Writer`] — without serde: the dates, the cards and the numbers events carry, whose serde
/// forms make a `str` of their ASCII text (validating it again) or a `String`.
pub trait Encode {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error>;
}

impl<T: Encode> Encode for Option<T> {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        match self {
            Some(value) => value.encode(out),
            None => {
                out.push(0xc0);
                Ok(())
            }
        }
    }
}

/// chrono's text (`fast_text::Date`), written by `date_text`.
impl Encode for NaiveDate {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        match crate::date_text::write_iso(*self) {
            Some(text) => {
                write_str(out, &text);
                Ok(())
            }
            None => write(out, self),
        }
    }
}

impl Encode for crate::card_number::ResidenceCardNumber {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        write_str(out, self.as_str().as_bytes());
        Ok(())
    }
}

impl Encode for crate::mynumber::MyNumber {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        write_str(out, &self.reveal_digits());
        Ok(())
    }
}

/// A struct is the array of its fields (the derived `Serialize`, in declaration order).
impl Encode for crate::card::ResidenceCard {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        write_array_len(out, 4);
        write(out, &self.kind)?;
        self.number.encode(out)?;
        self.issued_on.encode(out)?;
        self.valid_through.encode(out)
    }
}

impl Encode for crate::card::MyNumberCard {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        write_array_len(out, 2);
        self.issued_on.encode(out)?;
        self.valid_through.encode(out)
    }
}

impl Encode for crate::card::Certificates {
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        write_array_len(out, 2);
        self.signature_through.encode(out)?;
        self.user_auth_through.encode(out)
    }
}

/// Why a value could not be written: its own `Serialize` failed (no type of this crate does).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

impl serde::ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

impl From<rmp_serde::encode::Error> for Error {
    fn from(e: rmp_serde::encode::Error) -> Self {
        Error(e.to_string())
    }
}

/// The serializer: the `Vec` it appends to.
pub struct Writer<'a>(pub &'a mut Vec<u8>);

impl Writer<'_> {
    /// `rmp_serde`'s own serializer on the same `Vec`, for the values written by it.
    fn rmp(&mut self) -> rmp_serde::Serializer<&mut Vec<u8>> {
        rmp_serde::Serializer::new(&mut *self.0)
    }
}

/// A `fmt::Write` onto the end of the `Vec` (text written by `collect_str`).
struct Text<'a>(&'a mut Vec<u8>);

impl fmt::Write for Text<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

impl<'a> Serializer for Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.0.push(if v { 0xc3 } else { 0xc2 });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        write_sint(self.0, v.into());
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        write_sint(self.0, v.into());
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        write_sint(self.0, v.into());
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        write_sint(self.0, v);
        Ok(())
    }
    fn serialize_i128(mut self, v: i128) -> Result<(), Error> {
        Ok(self.rmp().serialize_i128(v)?)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        write_uint(self.0, v.into());
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        write_uint(self.0, v.into());
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        write_uint(self.0, v.into());
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        write_uint(self.0, v);
        Ok(())
    }
    fn serialize_u128(mut self, v: u128) -> Result<(), Error> {
        Ok(self.rmp().serialize_u128(v)?)
    }
    fn serialize_f32(mut self, v: f32) -> Result<(), Error> {
        Ok(self.rmp().serialize_f32(v)?)
    }
    fn serialize_f64(mut self, v: f64) -> Result<(), Error> {
        Ok(self.rmp().serialize_f64(v)?)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_str(self.0, v.encode_utf8(&mut [0; 4]).as_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_str(self.0, v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(mut self, v: &[u8]) -> Result<(), Error> {
        Ok(self.rmp().serialize_bytes(v)?)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.0.push(0xc0);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.0.push(0xc0);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        write_array_len(self.0, 0);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        write_str(self.0, variant.as_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        // rmp_serde writes a newtype of this one name as a MessagePack extension.
        if name == rmp_serde::MSGPACK_EXT_STRUCT_NAME {
            return Ok(self.rmp().serialize_newtype_struct(name, value)?);
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        write_map_len(self.0, 1);
        write_str(self.0, variant.as_bytes());
        value.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self.0, len, false))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, Error> {
        write_array_len(self.0, len);
        Ok(Compound::known(self.0))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Error> {
        write_array_len(self.0, len);
        Ok(Compound::known(self.0))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Error> {
        write_map_len(self.0, 1);
        write_str(self.0, variant.as_bytes());
        write_array_len(self.0, len);
        Ok(Compound::known(self.0))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self.0, len, true))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>, Error> {
        write_array_len(self.0, len);
        Ok(Compound::known(self.0))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Error> {
        write_map_len(self.0, 1);
        write_str(self.0, variant.as_bytes());
        write_array_len(self.0, len);
        Ok(Compound::known(self.0))
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        // The text goes straight after a one-byte header, which is right for text of fewer
        // than 32 bytes (a date); a longer text moves up to make room for its longer header.
        let at = self.0.len();
        self.0.push(0xa0);
        write!(Text(self.0), "{value}").map_err(<Error as serde::ser::Error>::custom)?;
        let len = self.0.len() - at - 1;
        if len < 32 {
            self.0[at] = 0xa0 | len as u8;
        } else {
            let mut long = Vec::with_capacity(5);
            str_header(&mut long, len);
            self.0.splice(at..=at, long);
        }
        Ok(())
    }
}

/// An array, map or struct being written: its items go straight after its header, or, when its
/// length is not known beforehand, after a place left for the header, which is inserted once
/// the items are counted (as `rmp_serde` does, by writing them to a buffer first).
pub struct Compound<'a> {
    out: &'a mut Vec<u8>,
    /// Where the header goes, the items written so far, and whether they are a map's keys and
    /// values (two items an entry); `None` when the header is written.
    counted: Option<(usize, usize, bool)>,
}

impl<'a> Compound<'a> {
    fn known(out: &'a mut Vec<u8>) -> Compound<'a> {
        Compound { out, counted: None }
    }

    fn open(out: &'a mut Vec<u8>, len: Option<usize>, map: bool) -> Compound<'a> {
        match len {
            Some(len) => {
                if map {
                    write_map_len(out, len);
                } else {
                    write_array_len(out, len);
                }
                Compound::known(out)
            }
            None => {
                let at = out.len();
                Compound {
                    out,
                    counted: Some((at, 0, map)),
                }
            }
        }
    }

    #[inline]
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if let Some((_, count, _)) = &mut self.counted {
            *count += 1;
        }
        value.serialize(Writer(&mut *self.out))
    }

    #[inline]
    fn end(self) -> Result<(), Error> {
        if let Some((at, count, map)) = self.counted {
            let mut head = Vec::with_capacity(5);
            if map {
                write_map_len(&mut head, count / 2);
            } else {
                write_array_len(&mut head, count);
            }
            self.out.splice(at..at, head);
        }
        Ok(())
    }
}

impl SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.item(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}
