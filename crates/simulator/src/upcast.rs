//! Upcasting: reading a payload written by an earlier version of the event shapes as the event
//! it is today (docs/log-format.md has the versioning policy).
//!
//! Every stored event carries its payload's schema version. The current version
//! ([`PAYLOAD_SCHEMA_VERSION`]) decodes directly from the canonical binary form. An older
//! payload goes through JSON, the one self-describing form every version can be put in:
//!
//! * version 1 (log format 1) *is* JSON: the event as serde wrote it, `{"type": …, "resident":
//!   …, fields…}`;
//! * then, for each version `v` from the payload's up to the current one, the [`Upcaster`]s
//!   registered for (its type, `v`) rewrite the JSON into version `v + 1`'s shape — pure
//!   functions, a type with no upcaster for a version is unchanged by it;
//! * the result decodes with serde into today's [`Event`].
//!
//! A future binary version that changes a shape adds here, besides its upcasters, the frozen
//! decoder of the old binary layout into JSON (an old payload of version ≥ 2 cannot be decoded
//! by today's types, which is the point of versioning it).
//!
//! Version 2 (log format 2) changed the encoding (JSON text → the canonical binary form) and no
//! event's fields, so no upcaster is registered yet: format-1 payloads decode as they are.
//!
//! The set of upcasters a reader applies is a value ([`Upcasters`]), not only the built-in
//! table: [`Upcasters::builtin`] is what every command uses, and a test registers its own
//! (`tests/tests/golden.rs` replays the golden logs through a test-only shape change), so the
//! machinery is exercised before the first real change needs it.

use model::envelope::{EventRecord, PAYLOAD_SCHEMA_VERSION};
use model::event::Event;
use serde_json::Value;

use crate::log::DecodeError;

/// Rewrites a JSON payload of `event_type` from schema version `from` to `from + 1`.
pub struct Upcaster {
    pub event_type: &'static str,
    pub from: u16,
    pub apply: fn(&mut Value) -> Result<(), String>,
}

/// Every upcaster, in no particular order (each applies to one type and one version).
pub const UPCASTERS: &[Upcaster] = &[];

/// The upcasters a reader applies: the built-in ones ([`UPCASTERS`]) and any a caller adds.
#[derive(Clone, Copy)]
pub struct Upcasters<'a> {
    builtin: &'a [Upcaster],
    extra: &'a [Upcaster],
}

impl<'a> Upcasters<'a> {
    /// The upcasters of this build: what every command reads logs with.
    pub const fn builtin() -> Upcasters<'static> {
        Upcasters {
            builtin: UPCASTERS,
            extra: &[],
        }
    }

    /// The built-in upcasters and `extra` (a test's shape change).
    pub const fn with(extra: &'a [Upcaster]) -> Upcasters<'a> {
        Upcasters {
            builtin: UPCASTERS,
            extra,
        }
    }

    fn iter(&self) -> impl Iterator<Item = &'a Upcaster> {
        self.builtin.iter().chain(self.extra)
    }
}

impl Default for Upcasters<'static> {
    fn default() -> Self {
        Upcasters::builtin()
    }
}

/// Brings `payload`, the JSON of an `event_type` at schema version `version`, up to the current
/// version with `upcasters`.
pub fn upcast(
    upcasters: Upcasters<'_>,
    event_type: &str,
    version: u16,
    payload: &mut Value,
) -> Result<(), String> {
    for v in version..PAYLOAD_SCHEMA_VERSION {
        for u in upcasters
            .iter()
            .filter(|u| u.event_type == event_type && u.from == v)
        {
            (u.apply)(payload)?;
        }
    }
    Ok(())
}

/// Decodes a version-1 (JSON) payload as today's event, through `upcasters`.
pub(crate) fn json_payload(
    rec: &EventRecord,
    upcasters: Upcasters<'_>,
) -> Result<Event, DecodeError> {
    let json_error = |source| DecodeError::Json {
        global_seq: rec.global_seq,
        event_type: rec.event_type.to_string(),
        source,
    };
    let mut payload: Value = serde_json::from_slice(&rec.payload).map_err(json_error)?;
    upcast(upcasters, &rec.event_type, rec.schema_version, &mut payload).map_err(|reason| {
        DecodeError::Upcast {
            global_seq: rec.global_seq,
            event_type: rec.event_type.to_string(),
            version: rec.schema_version,
            reason,
        }
    })?;
    serde_json::from_value(payload).map_err(json_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rename(from: &str, to: &str, payload: &mut Value) -> Result<(), String> {
        let fields = payload.as_object_mut().ok_or("not an object")?;
        let value = fields.remove(from).ok_or(format!("no field {from}"))?;
        fields.insert(to.to_owned(), value);
        Ok(())
    }

    #[test]
    fn given_upcasters_for_a_type_when_upcast_then_only_that_type_and_version_change() {
        let extra = [Upcaster {
            event_type: "ExtensionGranted",
            from: 1,
            apply: |p| rename("new_expiry", "expiry", p),
        }];
        let upcasters = Upcasters::with(&extra);
        let mut granted =
            json!({"type": "ExtensionGranted", "resident": 0, "new_expiry": "2029-07-31"});
        upcast(upcasters, "ExtensionGranted", 1, &mut granted).expect("upcasts");
        assert_eq!(
            granted,
            json!({"type": "ExtensionGranted", "resident": 0, "expiry": "2029-07-31"})
        );
        // Another type, or a payload already past the version, is left as it is.
        let refused = json!({"type": "ExtensionRefused", "resident": 0, "expiry": null});
        let mut same = refused.clone();
        upcast(upcasters, "ExtensionRefused", 1, &mut same).expect("no upcaster");
        assert_eq!(same, refused);
        let mut current = json!({"new_expiry": "x"});
        upcast(
            upcasters,
            "ExtensionGranted",
            PAYLOAD_SCHEMA_VERSION,
            &mut current,
        )
        .expect("nothing to do");
        assert_eq!(current, json!({"new_expiry": "x"}));
        // An upcaster that cannot apply says why.
        let mut broken = json!({"type": "ExtensionGranted", "resident": 0});
        assert_eq!(
            upcast(upcasters, "ExtensionGranted", 1, &mut broken),
            Err("no field new_expiry".to_owned())
        );
    }
}
