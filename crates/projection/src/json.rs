//! The compact JSON of the state hash written by a serializer of our own, byte for byte what
//! `serde_json`'s compact serializer writes, with fewer instructions.
//!
//! The state hash reads every card record's JSON (about a kilobyte a resident, docs/benchmarks.md),
//! and `serde_json` spends most of it checking each field name for characters to escape, one byte
//! at a time, and going through its general writer. This serializer is driven by the same
//! `Serialize` impls (the records' derives), so the shape — fields, their order, the ones skipped,
//! the tags of enums — cannot drift from serde's; only the writing of the tokens is its own, and
//! it follows `serde_json`'s compact form exactly: `{"k":v,…}`, `[a,…]`, `null` for `None` and
//! unit, a unit variant as its name, a newtype variant as `{"name":value}`. Everything that is
//! not plain punctuation goes to `serde_json` itself: numbers, and any string that holds a
//! character JSON escapes, are written by `serde_json::to_writer` of that one value. A form this
//! writer does not take (bytes, a map key that is not text, `serde_json`'s own private structs)
//! is an error, and the caller writes that value with `serde_json` instead. A test compares the
//! two writers on the records of every bundled scenario and of a population.

use std::fmt::{self, Display, Write as _};

use serde::Serialize;
use serde::ser::{self, Impossible};

/// A form this writer leaves to `serde_json` (the caller writes the value with it instead).
#[derive(Debug)]
pub struct Unsupported(String);

impl Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not written by the state hash's JSON writer: {}", self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

/// Appends the compact JSON of `value` to `out`: the bytes `serde_json::to_writer` writes. On an
/// error `out` may hold a part of the value; the caller truncates it.
pub fn write<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), Unsupported> {
    value.serialize(Json { out })
}

/// Whether JSON escapes nothing in `bytes` (no control character, quote or backslash), eight
/// bytes at a time: a byte-by-byte check was most of the writer's work, the text being mostly
/// short field names.
#[inline]
fn plain(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Whether some byte of `w` is zero (the classic test: exact, no false positives where it
    // matters, since a byte that borrows is itself below the bound).
    let zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    // Whether some byte of `w` is below 0x20.
    let control = |w: u64| w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    let bad = |w: u64| {
        control(w) | zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\')))
    };
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
    let n = bytes.len();
    if n < 8 {
        return bytes.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\');
    }
    let mut at = 0;
    while at + 8 <= n {
        if bad(word(at)) != 0 {
            return false;
        }
        at += 8;
    }
    // The last bytes, read as the last eight (some of them again): no copy into a padded word.
    at == n || bad(word(n - 8)) == 0
}

/// Writes `text` as a JSON string.
fn string(out: &mut Vec<u8>, text: &str) -> Result<(), Unsupported> {
    utf8(out, text.as_bytes())
}

/// Writes `text`, which is UTF-8, as a JSON string.
#[inline]
fn utf8(out: &mut Vec<u8>, text: &[u8]) -> Result<(), Unsupported> {
    if plain(text) {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text);
        out.push(b'"');
        Ok(())
    } else {
        escaped(out, text)
    }
}

/// Writes `text`, which is UTF-8 and holds a character to escape, through `serde_json`.
#[cold]
#[inline(never)]
fn escaped(out: &mut Vec<u8>, text: &[u8]) -> Result<(), Unsupported> {
    let text = std::str::from_utf8(text).map_err(|e| Unsupported(e.to_string()))?;
    delegate(out, text)
}

/// Writes `value` with `serde_json` itself.
fn delegate<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Unsupported> {
    serde_json::to_writer(out, value).map_err(|e| Unsupported(e.to_string()))
}

/// The serializer of one value.
struct Json<'a> {
    out: &'a mut Vec<u8>,
}

/// A sequence, map or struct being written: whether an element was written yet, and whether a
/// variant's wrapping object is to be closed after it.
struct Compound<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
    variant: bool,
}

impl<'a> Compound<'a> {
    fn open(out: &'a mut Vec<u8>, bracket: u8, variant: bool) -> Compound<'a> {
        out.push(bracket);
        Compound {
            out,
            first: true,
            variant,
        }
    }

    fn comma(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    fn close(self, bracket: u8) {
        self.out.push(bracket);
        if self.variant {
            self.out.push(b'}');
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.comma();
        value.serialize(Json { out: self.out })
    }

    fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.comma();
        string(self.out, key)?;
        self.out.push(b':');
        value.serialize(Json { out: self.out })
    }
}

/// Opens a variant's wrapping object: `{"name":`.
fn open_variant(out: &mut Vec<u8>, variant: &'static str) -> Result<(), Unsupported> {
    out.push(b'{');
    string(out, variant)?;
    out.push(b':');
    Ok(())
}

/// Rejects `serde_json`'s private structs (raw values, arbitrary-precision numbers), whose
/// meaning is its own.
fn ordinary(name: &'static str) -> Result<(), Unsupported> {
    if name.starts_with("$serde_json") {
        return Err(Unsupported(name.to_owned()));
    }
    Ok(())
}

/// A short `Display` text (a date: every text value of a record) gathered on the stack, so that
/// it is checked and copied once rather than a character at a time.
struct Short {
    text: [u8; 64],
    len: usize,
    /// The text did not fit.
    long: bool,
}

impl fmt::Write for Short {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let Some(room) = self.text.get_mut(self.len..end) else {
            self.long = true;
            return Err(fmt::Error);
        };
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl<'a> ser::Serializer for Json<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.out
            .extend_from_slice(if v { b"true" as &[u8] } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        delegate(self.out, &v)
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        string(self.out, v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported("bytes".to_owned()))
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        string(self.out, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        ordinary(name)?;
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        open_variant(self.out, variant)?;
        value.serialize(Json {
            out: &mut *self.out,
        })?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, Unsupported> {
        Ok(Compound::open(self.out, b'[', false))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, Unsupported> {
        Ok(Compound::open(self.out, b'[', false))
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Unsupported> {
        ordinary(name)?;
        Ok(Compound::open(self.out, b'[', false))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Unsupported> {
        open_variant(self.out, variant)?;
        Ok(Compound::open(self.out, b'[', true))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, Unsupported> {
        Ok(Compound::open(self.out, b'{', false))
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Compound<'a>, Unsupported> {
        ordinary(name)?;
        Ok(Compound::open(self.out, b'{', false))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Unsupported> {
        open_variant(self.out, variant)?;
        Ok(Compound::open(self.out, b'{', true))
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        let mut short = Short {
            text: [0; 64],
            len: 0,
            long: false,
        };
        match write!(short, "{value}") {
            // Made of whole `str`s, so UTF-8.
            Ok(()) => utf8(self.out, &short.text[..short.len]),
            Err(_) if short.long => delegate(self.out, &value.to_string()),
            Err(e) => Err(Unsupported(e.to_string())),
        }
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close(b']');
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close(b']');
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close(b']');
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close(b']');
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        self.comma();
        key.serialize(Key { out: self.out })?;
        self.out.push(b':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        value.serialize(Json { out: self.out })
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close(b'}');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close(b'}');
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close(b'}');
        Ok(())
    }
}

/// A map's key: only text (a string, a unit variant's name, a newtype around either) is written
/// here; `serde_json` quotes numbers and booleans as keys, which is left to it.
struct Key<'a> {
    out: &'a mut Vec<u8>,
}

/// The error for every key form [`Key`] leaves to `serde_json`.
fn not_text() -> Result<(), Unsupported> {
    Err(Unsupported("a map key that is not text".to_owned()))
}

impl ser::Serializer for Key<'_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Impossible<(), Unsupported>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Impossible<(), Unsupported>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        string(self.out, v)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        string(self.out, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        ordinary(name)?;
        value.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_i8(self, _: i8) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_i16(self, _: i16) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_i32(self, _: i32) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_i64(self, _: i64) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_u8(self, _: u8) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_u16(self, _: u16) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_u32(self, _: u32) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_u64(self, _: u64) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_f32(self, _: f32) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_f64(self, _: f64) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_char(self, _: char) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        not_text()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
        Err(Unsupported("a sequence as a map key".to_owned()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(Unsupported("a tuple as a map key".to_owned()))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported("a tuple as a map key".to_owned()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported("a tuple as a map key".to_owned()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported("a map as a map key".to_owned()))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Unsupported> {
        Err(Unsupported("a struct as a map key".to_owned()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported("a struct as a map key".to_owned()))
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        string(self.out, &value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::write;

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(i32, String),
        Struct { a: Option<u8>, b: Vec<u8> },
    }

    #[derive(Serialize)]
    #[serde(tag = "state", rename_all = "snake_case")]
    enum Tagged {
        Plain,
        With { on: chrono::NaiveDate },
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Wrapper(String);

    /// A value written through `collect_str`, as chrono writes a date.
    struct Collected(String);

    impl Serialize for Collected {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(&self.0)
        }
    }

    #[derive(Serialize)]
    struct Everything {
        text: String,
        escaped: String,
        #[serde(rename = "a \"quoted\"\tname")]
        odd_key: bool,
        numbers: (i8, i16, i32, i64, u8, u16, u32, u64, i128, u128),
        floats: [f64; 5],
        small: f32,
        letter: char,
        control: char,
        none: Option<u8>,
        unit: (),
        unit_struct: Unit,
        shapes: Vec<Shape>,
        tagged: [Tagged; 2],
        empty: Vec<u8>,
        wrapped: Wrapper,
        map: BTreeMap<String, Option<u32>>,
        dates: [chrono::NaiveDate; 2],
        collected: [Collected; 3],
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
    }

    fn everything() -> Everything {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
        Everything {
            text: "東京都 Shinjuku 1-2-3".to_owned(),
            escaped: "a\"b\\c\nd\re\tf\u{8}g\u{c}h\u{1}i\u{1f}j\u{7f}k/".to_owned(),
            odd_key: true,
            numbers: (
                i8::MIN,
                -300,
                i32::MAX,
                i64::MIN,
                0,
                u16::MAX,
                7,
                u64::MAX,
                i128::MIN,
                u128::MAX,
            ),
            floats: [0.1, -0.0, 1e300, f64::NAN, f64::INFINITY],
            small: 1.5,
            letter: 'é',
            control: '\n',
            none: None,
            unit: (),
            unit_struct: Unit,
            shapes: vec![
                Shape::Unit,
                Shape::Newtype(3),
                Shape::Tuple(-1, "x".to_owned()),
                Shape::Struct {
                    a: Some(1),
                    b: vec![1, 2],
                },
                Shape::Struct {
                    a: None,
                    b: Vec::new(),
                },
            ],
            tagged: [Tagged::Plain, Tagged::With { on: day }],
            empty: Vec::new(),
            wrapped: Wrapper("w".to_owned()),
            map: BTreeMap::from([
                ("k".to_owned(), Some(1)),
                ("needs \"escape\"".to_owned(), None),
            ]),
            dates: [day, chrono::NaiveDate::MIN],
            collected: [
                Collected("short".to_owned()),
                Collected("with a \"quote\"".to_owned()),
                Collected(format!("{}\n", "longer than the stack's buffer ".repeat(4))),
            ],
            skipped: None,
        }
    }

    #[test]
    fn writes_what_serde_json_writes_for_every_form_it_takes() {
        let value = everything();
        let mut ours = Vec::new();
        write(&value, &mut ours).expect("every form here is written");
        let theirs = serde_json::to_vec(&value).expect("serializable");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs)
        );
    }

    #[test]
    fn a_text_is_plain_exactly_when_no_byte_of_it_is_escaped() {
        let escaped = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut text = vec![b'x'; len];
                    text[at] = b;
                    assert_eq!(super::plain(&text), !escaped(b), "{b:#x} at {at} of {len}");
                }
            }
        }
        assert!(super::plain("東京都 Shinjuku ~\u{7f}".as_bytes()));
    }

    #[test]
    fn leaves_to_serde_json_what_it_does_not_take() {
        let numbered: BTreeMap<u32, u8> = BTreeMap::from([(1, 2)]);
        assert!(write(&numbered, &mut Vec::new()).is_err());
        #[derive(Serialize)]
        struct Bytes<'a>(#[serde(with = "serde_bytes_like")] &'a [u8]);
        mod serde_bytes_like {
            pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(v)
            }
        }
        assert!(write(&Bytes(b"ab"), &mut Vec::new()).is_err());
    }
}
