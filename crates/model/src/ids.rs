//! Identifiers of people and places used across every office.
//!
//! Residents are numbered densely (`ResidentId(0..n)`) so that each service can keep its
//! per-resident state in a `Vec` indexed by id: at national scale (4 M residents) that is both
//! the most compact layout and free of hash-iteration order. Municipalities and addresses are
//! written by name; inside the program they are interned handles to that text.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A resident, numbered from 0 in the order the scenario (or population) declares them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct ResidentId(pub u32);

impl ResidentId {
    /// The index of this resident in dense per-resident tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{}", self.0)
    }
}

/// A municipality (市区町村; a ward in designated cities), by name, e.g. `shinjuku`.
///
/// An interned handle ([`Interned`]): copying, comparing for equality and hashing cost what a
/// pointer does, while its serde form, its order and its display are the text's.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Municipality(Interned);

/// A residential address (住居地) as written in the register and on the card; interned like
/// [`Municipality`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Address(Interned);

macro_rules! interned_text {
    ($($name:ident: $doc:literal),*) => {$(
        impl $name {
            /// The handle of `text` (interned on first use).
            pub fn new(text: &str) -> $name {
                $name(Interned::new(text))
            }

            /// The text.
            pub fn as_str(&self) -> &'static str {
                self.0.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.as_str()).finish()
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::new(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name::new(&s)
            }
        }

        /// A string in the JSON Schema of scenario files, described by its first doc line.
        impl JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "description": $doc, "type": "string" })
            }
        }
    )*};
}

interned_text!(
    Municipality: "A municipality (市区町村; a ward in designated cities), by name, e.g. `shinjuku`.",
    Address: "A residential address (住居地) as written in the register and on the card."
);

/// A text stored once for the life of the process, handled by a pointer to it.
///
/// Municipality and address names recur millions of times in a national run (about 300
/// municipalities and 5,400 addresses among 4 M residents): as owned `String`s every event,
/// state and projection held a copy and compared them byte by byte. Interned, they are `Copy`
/// and compare by pointer. The interner is append-only (a text, once interned, lives until the
/// process ends: the few thousand distinct names of a run) and never shows: the order is the
/// text's, never the interning order, and the serde form is the text, so payloads, snapshots and
/// scenario files do not change (determinism does not depend on which thread interned first).
#[derive(Clone, Copy)]
pub struct Interned(&'static String);

impl Interned {
    /// The handle of `text`, interning it on first use.
    pub fn new(text: &str) -> Interned {
        if let Some(found) = interner()
            .read()
            .ok()
            .and_then(|map| map.get(text).copied())
        {
            return Interned(found);
        }
        // A poisoned lock only means another thread panicked while inserting; the map itself
        // is always whole (an insert is one call), so carry on with it.
        let mut map = interner()
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = map.get(text) {
            return Interned(found);
        }
        let leaked: &'static String = Box::leak(Box::new(text.to_owned()));
        map.insert(leaked.as_str(), leaked);
        Interned(leaked)
    }

    /// The text.
    pub fn as_str(self) -> &'static str {
        self.0.as_str()
    }
}

#[expect(
    clippy::disallowed_types,
    reason = "a lookup table only, never iterated; its hasher has fixed keys"
)]
type InternMap = std::collections::HashMap<
    &'static str,
    &'static String,
    std::hash::BuildHasherDefault<std::hash::DefaultHasher>,
>;

fn interner() -> &'static std::sync::RwLock<InternMap> {
    static INTERNER: std::sync::OnceLock<std::sync::RwLock<InternMap>> = std::sync::OnceLock::new();
    INTERNER.get_or_init(Default::default)
}

impl PartialEq for Interned {
    fn eq(&self, other: &Self) -> bool {
        // One text, one allocation: equal texts are the same pointer.
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Interned {}

impl PartialOrd for Interned {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Interned {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self == other {
            std::cmp::Ordering::Equal
        } else {
            self.as_str().cmp(other.as_str())
        }
    }
}

impl std::hash::Hash for Interned {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Serialize for Interned {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Interned {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Interned;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Interned, E> {
                Ok(Interned::new(v))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_names_compare_by_text_and_keep_their_text_form() {
        let a = Municipality::new("shinjuku");
        let b = Municipality::from(String::from("shinjuku"));
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.as_str(), b.as_str()), "one text, one copy");
        // Interned later but ordered first: the order is the text's, not the interning order.
        let z = Municipality::new("zushi");
        let c = Municipality::new("chiyoda");
        assert!(c < a && a < z);
        let mut sorted = vec![z, a, c];
        sorted.sort();
        assert_eq!(sorted, [c, a, z]);
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"shinjuku\"");
        let back: Municipality = serde_json::from_str("\"shinjuku\"").unwrap();
        assert_eq!(back, a);
        assert_eq!(format!("{a} {a:?}"), "shinjuku Municipality(\"shinjuku\")");
        assert_ne!(Address::new("1-2-3"), Address::new("1-2-4"));
    }
}
