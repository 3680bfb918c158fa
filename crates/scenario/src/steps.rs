//! Scenario steps: one dated procedure each, named by its `do:` key, turned into a
//! `model::command::Command`.
//!
//! A step is a flat mapping: the keys every step has (`on`, `at`, `resident`, `do`) beside the
//! keys of its kind. serde's internally tagged enums would read that shape but lose the line of
//! every error inside it, so steps are read by hand from the located tree: the common keys
//! first, then `do`, then the remaining keys into the kind's own struct, which denies unknown
//! fields. Adding a procedure is one line in the `step_kinds!` table plus its fields struct and
//! its `command` method; the parser, the list of kinds in error messages and the JSON Schema all
//! follow from the table.

use chrono::{NaiveDate, NaiveDateTime};
use model::command::{Command, Decision};
use model::ids::{Address, Municipality, ResidentId};
use model::service::Channel;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::format::{Date, TimeOfDay};
use crate::node::{DeError, Doc, EntriesDe, Located, NodeRef, Pos};
use crate::suggest;

/// What a step's fields struct knows when it builds its command.
pub(crate) struct StepContext {
    pub resident: ResidentId,
    /// The step's date (`on`).
    pub on: NaiveDate,
    /// Where the step starts, for errors about a combination of its fields.
    pub pos: Pos,
}

/// The fields a kind of step adds to the common ones, and the command they make.
pub(crate) trait StepFields: for<'de> Deserialize<'de> + JsonSchema {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError>;
}

/// Declares every kind of step: `Kind = "tag" => FieldsStruct`. The doc comment becomes the
/// kind's description.
macro_rules! step_kinds {
    ($( $(#[doc = $doc:literal])* $Kind:ident = $tag:literal => $Fields:ty ),* $(,)?) => {
        /// The procedure a step performs: the value of its `do:` key.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
            JsonSchema,
        )]
        pub enum StepKind {
            $( $(#[doc = $doc])* #[serde(rename = $tag)] $Kind, )*
        }

        impl StepKind {
            /// Every kind, in the order of the table.
            pub const ALL: &'static [StepKind] = &[$(StepKind::$Kind),*];

            /// The `do:` value.
            pub fn as_str(self) -> &'static str {
                match self { $(StepKind::$Kind => $tag),* }
            }

            fn command(self, fields: EntriesDe<'_, '_>, ctx: &StepContext) -> Result<Command, DeError> {
                match self {
                    $(StepKind::$Kind => <$Fields>::deserialize(fields)?.command(ctx),)*
                }
            }

            fn variant_schemas(generator: &mut SchemaGenerator) -> Vec<Schema> {
                vec![$(
                    variant_schema::<$Fields>(generator, $tag, concat!($($doc, "\n"),*)),
                )*]
            }
        }
    };
}

step_kinds! {
    /// 在留期間更新許可申請 at the immigration bureau (domain-rules §5.4), optionally with a
    /// Tokutei application attached (§4).
    FileExtension = "file_extension" => FileExtensionStep,
    /// The bureau's decision on the pending extension (an input, not simulated judgement).
    DecideExtension = "decide_extension" => DecideExtensionStep,
    /// The resident collects a card that is ready at the bureau.
    CollectCard = "collect_card" => CollectCardStep,
    /// 転居届: an address change inside the municipality (§5.2).
    MoveWithin = "move_within" => MoveWithinStep,
    /// 転出届 at the current municipality before moving to another (§5.3).
    MoveOut = "move_out" => MoveOutStep,
    /// 転入届 at the new municipality (§5.3).
    MoveIn = "move_in" => MoveInStep,
    /// 継続利用: presenting the My Number card at the new municipality after the move-in (§5.3).
    ConfirmMyNumberContinuity = "confirm_my_number_continuity" => ConfirmMyNumberContinuityStep,
    /// Legacy 有効期間変更 of the separate My Number card at the city hall (§5.4).
    RequestMyNumberValidityChange = "request_my_number_validity_change" => RequestMyNumberValidityChangeStep,
}

/// `file_extension`: file a period-of-stay extension.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileExtensionStep {
    /// Attach a Tokutei card application (§4). Default false.
    #[serde(default)]
    pub tokutei: bool,
    /// How the application is made: counter (default), online or airport.
    #[serde(default)]
    pub channel: Channel,
}

impl StepFields for FileExtensionStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::FileExtension {
            resident: ctx.resident,
            channel: self.channel,
            tokutei: self.tokutei,
        })
    }
}

/// `decide_extension`: give either `grant` or `refuse: true`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideExtensionStep {
    /// Grant, with this new period-of-stay expiry.
    #[serde(default)]
    pub grant: Option<Located<Date>>,
    /// Refuse (`refuse: true`).
    #[serde(default)]
    pub refuse: Option<Located<bool>>,
}

impl StepFields for DecideExtensionStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        let decision = match (self.grant, self.refuse) {
            (Some(grant), None) => Decision::Grant {
                new_expiry: grant.value.0,
            },
            (None, Some(Located { value: true, .. })) => Decision::Refuse,
            (Some(_), Some(refuse)) => {
                return Err(DeError::at(
                    "give either `grant: <new expiry>` or `refuse: true`, not both",
                    refuse.pos,
                ));
            }
            (None, Some(Located { pos, .. })) => {
                return Err(DeError::at(
                    "`refuse: false` decides nothing: give `grant: <new expiry>` or `refuse: true`",
                    pos,
                ));
            }
            (None, None) => {
                return Err(DeError::at(
                    "a decide_extension step needs `grant: <new expiry date>` or `refuse: true`",
                    ctx.pos,
                ));
            }
        };
        Ok(Command::DecideExtension {
            resident: ctx.resident,
            decision,
        })
    }
}

/// `collect_card`: no fields of its own.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectCardStep {}

impl StepFields for CollectCardStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::CollectCard {
            resident: ctx.resident,
        })
    }
}

/// `move_within`: the new address in the same municipality.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveWithinStep {
    /// The new address.
    pub address: Address,
    /// The day of the move. Default: the step's date.
    #[serde(default)]
    pub moved_on: Option<Date>,
}

impl StepFields for MoveWithinStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::NotifyMoveWithinMunicipality {
            resident: ctx.resident,
            address: self.address,
            moved_on: self.moved_on.map_or(ctx.on, |d| d.0),
        })
    }
}

/// `move_out`: leaving for another municipality.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveOutStep {
    /// The municipality moved to.
    pub to: Municipality,
    /// The planned day of the move. Default: the step's date.
    #[serde(default)]
    pub planned_on: Option<Date>,
    /// The online card-based move-out (特例転出) with the My Number card. Default false.
    #[serde(default)]
    pub card_based: bool,
}

impl StepFields for MoveOutStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::NotifyMoveOut {
            resident: ctx.resident,
            to: self.to,
            planned_on: self.planned_on.map_or(ctx.on, |d| d.0),
            card_based: self.card_based,
        })
    }
}

/// `move_in`: registering at the new municipality.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInStep {
    /// The new municipality (where this notification is filed).
    pub municipality: Municipality,
    /// The new address.
    pub address: Address,
    /// The day of the move. Default: the step's date.
    #[serde(default)]
    pub moved_on: Option<Date>,
    /// The resident presents the My Number card for continued use in the same visit. Default
    /// false.
    #[serde(default)]
    pub present_my_number_card: bool,
}

impl StepFields for MoveInStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::NotifyMoveIn {
            resident: ctx.resident,
            municipality: self.municipality,
            address: self.address,
            moved_on: self.moved_on.map_or(ctx.on, |d| d.0),
            present_my_number_card: self.present_my_number_card,
        })
    }
}

/// `confirm_my_number_continuity`: no fields of its own.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmMyNumberContinuityStep {}

impl StepFields for ConfirmMyNumberContinuityStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::ConfirmMyNumberContinuity {
            resident: ctx.resident,
        })
    }
}

/// `request_my_number_validity_change`: no fields of its own.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestMyNumberValidityChangeStep {}

impl StepFields for RequestMyNumberValidityChangeStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::RequestMyNumberValidityChange {
            resident: ctx.resident,
        })
    }
}

/// The keys every step has besides `do`.
const COMMON_KEYS: [&str; 3] = ["on", "at", "resident"];

/// The common keys of a step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepCommon {
    on: Located<Date>,
    #[serde(default)]
    at: Option<TimeOfDay>,
    resident: Located<String>,
}

/// A step as it stands in the file, before its resident is resolved.
pub(crate) struct RawStep<'d, 's> {
    pub pos: Pos,
    pub on: Located<NaiveDate>,
    pub at: NaiveDateTime,
    pub resident: Located<String>,
    kind: StepKind,
    fields: EntriesDe<'d, 's>,
}

impl<'d, 's> RawStep<'d, 's> {
    /// Reads the step at `node`: a mapping with `on`, `resident`, `do` and the kind's fields.
    pub fn read(doc: &'d Doc<'s>, node: NodeRef) -> Result<RawStep<'d, 's>, DeError> {
        let pos = doc.node(node.0).pos;
        let entries = doc.entries(node.0).ok_or_else(|| {
            DeError::at(
                "expected a step: a mapping with `on`, `resident` and `do`",
                pos,
            )
        })?;
        let (mut common, mut rest, mut tag) = (Vec::new(), Vec::new(), None);
        for e in entries {
            match e.key.as_str() {
                "do" => tag = Some(e),
                k if COMMON_KEYS.contains(&k) => common.push(e),
                _ => rest.push(e),
            }
        }
        let common = StepCommon::deserialize(doc.entries_de(pos, common))?;
        let tag = tag.ok_or_else(|| {
            let kinds: Vec<&str> = StepKind::ALL.iter().map(|k| k.as_str()).collect();
            DeError::at(
                format!(
                    "missing field `do` (the procedure: one of {})",
                    suggest::list(&kinds)
                ),
                pos,
            )
        })?;
        let kind = StepKind::deserialize(doc.de(tag.value))?;
        let on = Located {
            pos: common.on.pos,
            value: common.on.value.0,
        };
        let at = match common.at {
            Some(t) => on.value.and_time(t.0),
            None => model::time::opening_time(on.value),
        };
        Ok(RawStep {
            pos,
            on,
            at,
            resident: common.resident,
            kind,
            fields: doc.entries_de(pos, rest),
        })
    }

    /// The command, once the resident is known.
    pub fn command(self, resident: ResidentId) -> Result<Command, DeError> {
        let ctx = StepContext {
            resident,
            on: self.on.value,
            pos: self.pos,
        };
        let kind = self.kind;
        kind.command(self.fields, &ctx).map_err(|mut e| {
            // serde names only the kind's own fields; say that the common ones exist too.
            if e.message.starts_with("unknown field") {
                e.message = match e.message.strip_suffix(", there are no fields") {
                    Some(head) => format!(
                        "{head}: a `{}` step takes only `on`, `at`, `resident` and `do`",
                        kind.as_str()
                    ),
                    None => format!(
                        "{} for a `{}` step (every step also takes `on`, `at`, `resident`, `do`)",
                        e.message,
                        kind.as_str()
                    ),
                };
            }
            e
        })
    }
}

/// A step in the file, kept as a node and read by `RawStep::read` once the residents are known.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(transparent)]
pub struct StepNode(pub(crate) NodeRef);

impl JsonSchema for StepNode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Step".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let variants = StepKind::variant_schemas(generator);
        schemars::json_schema!({
            "description": "One dated procedure. The keys `on`, `at`, `resident` and `do` are common to every step; `do` names the procedure and decides which other keys are allowed.",
            "oneOf": variants
        })
    }
}

/// The schema of one kind of step: its fields struct plus the common keys and the `do` tag.
fn variant_schema<F: JsonSchema>(generator: &mut SchemaGenerator, tag: &str, doc: &str) -> Schema {
    let mut schema = F::json_schema(generator);
    let date = generator.subschema_for::<Date>();
    let time = generator.subschema_for::<TimeOfDay>();
    let obj = schema.ensure_object();
    obj.insert("title".into(), tag.into());
    obj.insert(
        "description".into(),
        doc.split_whitespace().collect::<Vec<_>>().join(" ").into(),
    );
    let props = obj
        .entry("properties")
        .or_insert_with(|| serde_json::json!({}));
    if let Some(props) = props.as_object_mut() {
        props.insert(
            "do".into(),
            serde_json::json!({ "const": tag, "description": "The procedure." }),
        );
        // Draft 2020-12 allows keywords beside `$ref`, so the shared definitions get a
        // step-specific description.
        let mut on = date.to_value();
        on["description"] = "The day of the step, within [start, until].".into();
        props.insert("on".into(), on);
        let mut at = time.to_value();
        at["description"] =
            "Time of day; default 09:00. Steps at the same time keep file order.".into();
        props.insert("at".into(), at);
        props.insert(
            "resident".into(),
            serde_json::json!({ "type": "string", "description": "The resident's scenario id." }),
        );
    }
    let required = obj
        .entry("required")
        .or_insert_with(|| serde_json::json!([]));
    if let Some(required) = required.as_array_mut() {
        for k in ["on", "resident", "do"] {
            required.push(k.into());
        }
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_the_serde_names() {
        for k in StepKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }
}
