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
//!
//! The file is long (about 1,100 lines besides its tests, 34 step kinds) on purpose: it holds
//! one small fields struct per step kind, each field with the doc comment the JSON Schema
//! publishes, beside the table row that names it and its `command` method; split by kind, a
//! procedure's step would be read in one file and listed in another. If it grows further, the
//! seam is by office: the bureau's, the city hall's and J-LIS's fields structs each in a module
//! of their own, the table and the parser staying here.

use chrono::{NaiveDate, NaiveDateTime};
use model::command::{Command, Decision, ResidentProfile};
use model::ids::{Address, Municipality, ResidentId};
use model::procedure::{ChangedItem, MyNumberCardReissueReason, ReissueReason};
use model::service::Channel;
use model::status::Status;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::format::{Date, TimeOfDay};
use crate::node::{DeError, Doc, EntriesDe, Located, NodeRef, Pos};
use crate::problem::Problem;

/// What a step's fields struct knows when it builds its command.
pub(crate) struct StepContext<'p> {
    pub kind: StepKind,
    pub resident: ResidentId,
    /// The resident's starting state (what they present at a counter).
    pub profile: &'p ResidentProfile,
    /// The step's date (`on`).
    pub on: NaiveDate,
    /// The resident's period-of-stay expiry when the step happens, as far as the file says:
    /// the starting `period_expiry`, moved by each earlier granted extension or change of
    /// status. `None` without a period of stay.
    pub expiry: Option<NaiveDate>,
    /// Where the step starts, for errors about a combination of its fields.
    pub pos: Pos,
}

/// A day a step reports as past (`moved_on`, `changed_on`, `lost_on`, `learned_on`, `decided_on`), the
/// step's own date when absent. A day after the step's date is refused: nobody notifies a move
/// before it happens or reports a loss before it occurs, and the deadlines that run from such
/// a day would start in the future.
fn reported_day(
    day: Option<Located<Date>>,
    field: &'static str,
    ctx: &StepContext,
) -> Result<NaiveDate, DeError> {
    match day {
        None => Ok(ctx.on),
        Some(d) if d.value.0 > ctx.on => Err(DeError::at(
            Problem::AfterStepDate {
                field,
                date: d.value.0,
                on: ctx.on,
                kind: ctx.kind.as_str(),
            },
            d.pos,
        )),
        Some(d) => Ok(d.value.0),
    }
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
    /// 在留期間更新許可申請 at the immigration bureau (§5.4), optionally with a
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
    /// 在留資格変更許可申請 at the bureau (§5.5), optionally with a Tokutei application.
    FileStatusChange = "file_status_change" => FileStatusChangeStep,
    /// The bureau's decision on the pending change of status (an input).
    DecideStatusChange = "decide_status_change" => DecideExtensionStep,
    /// 永住許可申請 at the bureau (§5.6), optionally with a Tokutei application.
    FilePermanentResidence = "file_permanent_residence" => FilePermanentResidenceStep,
    /// The bureau's decision on the pending permanent residence application (an input).
    DecidePermanentResidence = "decide_permanent_residence" => DecidePermanentResidenceStep,
    /// 在留カード有効期間更新申請 for PR, HSP(ii) and 16th-birthday cards (§5.7).
    FileCardRenewal = "file_card_renewal" => TokuteiOnlyStep,
    /// 住居地以外の記載事項変更届出 at the bureau (§5.9), or an SPR's at the municipality (§5.8).
    NotifyItemChange = "notify_item_change" => NotifyItemChangeStep,
    /// Reissue of the residence card: damaged, on request, or lost (§5.10, §5.11); of an SPR
    /// certificate at the municipality (§5.8).
    RequestReissue = "request_reissue" => RequestReissueStep,
    /// Landing at a port of entry (§5.1): the card is handed over at the seven large airports.
    Land = "land" => LandStep,
    /// 住居地届出 at the municipality after landing (§5.1); registers the resident.
    NotifyResidence = "notify_residence" => NotifyResidenceStep,
    /// 住居地届出 after a change of status made the resident a mid-to-long-term resident
    /// (入管法19条の8, §5.5): registers the resident with the new card presented.
    NotifyResidenceAfterStatusChange = "notify_residence_after_status_change" => NotifyResidenceStep,
    /// SPR certificate renewal at the municipality (§5.8).
    RenewSprCertificate = "renew_spr_certificate" => TokuteiOnlyStep,
    /// A Tokutei application on its own, not attached to a procedure (always refused, §4).
    ApplyTokuteiAlone = "apply_tokutei_alone" => ApplyTokuteiAloneStep,
    /// Legacy 特例期間延長 of the separate My Number card at the city hall (§5.13).
    RequestMyNumberSpecialPeriodExtension = "request_my_number_special_period_extension" => SpecialPeriodExtensionStep,
    /// A loss or theft report at a police box (§5.11).
    ReportLoss = "report_loss" => ReportLossStep,
    /// A call to the My Number call centre to suspend a lost card's functions (§5.11).
    SuspendMyNumberFunctions = "suspend_my_number_functions" => NoFieldsStep,
    /// The resident mistypes the user-authentication PIN until it locks (§5.12).
    LockPin = "lock_pin" => NoFieldsStep,
    /// 職権消除: the municipality deletes the resident's register entry of its own motion
    /// (§6 N2); the bureau hears of it (N2) and the My Number card lapses (N8).
    DeleteRegisterEntry = "delete_register_entry" => NoFieldsStep,
    /// Reset of a locked PIN at the municipal window (or the bureau, if the policy allows, §16.5).
    ResetPin = "reset_pin" => ResetPinStep,
    /// A new separate My Number card at the city hall: after a loss (the 紛失届 with the
    /// reissue application) or after the card lapsed (§5.11, §8.4).
    RequestMyNumberCardReissue = "request_my_number_card_reissue" => MyNumberCardReissueStep,
    /// The resident collects the new My Number card at the city hall and pays the fee.
    CollectMyNumberCard = "collect_my_number_card" => NoFieldsStep,
    /// 券面事項変更: the separate My Number card brought up to date at the city hall after a
    /// non-address item change (§5.9).
    UpdateMyNumberCard = "update_my_number_card" => NoFieldsStep,
    /// 国外転出届 at the city hall before leaving Japan for good (§5.14): the register entry
    /// closes, the bureau hears of it (N2) and the My Number card ends (N8).
    NotifyDeparture = "notify_departure" => NotifyDepartureStep,
    /// Leaving Japan for good at a port, without a re-entry permit (§5.14): the card is
    /// returned there and lapses; the municipality hears of it (N3).
    Depart = "depart" => DepartStep,
    /// 出生届 of a foreign child at the municipality (§5.15): registers the child, who has no
    /// status yet (a resident with `status: transitional_stayer` and `registered: false`).
    NotifyBirth = "notify_birth" => NotifyBirthStep,
    /// 在留資格取得許可申請 for a child born in Japan, at the bureau (§5.15), within 30 days of
    /// the birth; optionally with a Tokutei application.
    FileStatusAcquisition = "file_status_acquisition" => FileStatusAcquisitionStep,
    /// The bureau's decision on the pending status acquisition (an input).
    DecideStatusAcquisition = "decide_status_acquisition" => DecideExtensionStep,
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

/// `decide_extension` / `decide_status_change` / `decide_status_acquisition`: give either
/// `grant` or `refuse: true`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideExtensionStep {
    /// Grant, with this new period-of-stay expiry.
    #[serde(default)]
    pub grant: Option<Located<Date>>,
    /// Refuse (`refuse: true`).
    #[serde(default)]
    pub refuse: Option<Located<bool>>,
    /// The day the bureau decided, when the decision is communicated — and recorded by the
    /// offices — on the step's date, days later (docs/domain.md §9, "When a decision is
    /// dated"). The decision (and, with `disposition_at: decision`, its effect) is then dated
    /// that day (`effective_on`). Default: the step's date. Not after it.
    #[serde(default)]
    pub decided_on: Option<Located<Date>>,
}

impl StepFields for DecideExtensionStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        let decision = match (self.grant, self.refuse) {
            (Some(grant), None) => Decision::Grant {
                new_expiry: granted_expiry(&grant, ctx)?,
            },
            (None, Some(Located { value: true, .. })) => Decision::Refuse,
            (Some(_), Some(refuse)) => {
                return Err(DeError::at(Problem::GrantAndRefuse, refuse.pos));
            }
            (None, Some(Located { pos, .. })) => {
                return Err(DeError::at(Problem::RefuseFalse, pos));
            }
            (None, None) => {
                return Err(DeError::at(
                    Problem::NeedsGrantOrRefuse {
                        kind: ctx.kind.as_str(),
                    },
                    ctx.pos,
                ));
            }
        };
        let decided_on = decision_day(self.decided_on, ctx)?;
        Ok(match ctx.kind {
            StepKind::DecideStatusChange => Command::DecideStatusChange {
                resident: ctx.resident,
                decision,
                decided_on,
            },
            StepKind::DecideStatusAcquisition => Command::DecideStatusAcquisition {
                resident: ctx.resident,
                decision,
                decided_on,
            },
            _ => Command::DecideExtension {
                resident: ctx.resident,
                decision,
                decided_on,
            },
        })
    }
}

/// The day a decision was made, when the step (the day it is communicated) is later: `None`
/// when it is the step's own date or absent.
fn decision_day(
    day: Option<Located<Date>>,
    ctx: &StepContext,
) -> Result<Option<NaiveDate>, DeError> {
    let decided = reported_day(day, "decided_on", ctx)?;
    Ok((decided != ctx.on).then_some(decided))
}

/// The new expiry of a granted extension or change of status. A period granted on the
/// decision day must end after it; an extension must also end after the period it extends
/// (a change of status starts a new period, which may end earlier than the old one).
fn granted_expiry(grant: &Located<Date>, ctx: &StepContext) -> Result<NaiveDate, DeError> {
    let new = grant.value.0;
    if new <= ctx.on {
        return Err(DeError::at(
            Problem::GrantNotAfterDecision {
                grant: new,
                on: ctx.on,
            },
            grant.pos,
        ));
    }
    if ctx.kind == StepKind::DecideExtension
        && let Some(current) = ctx.expiry
        && new <= current
    {
        return Err(DeError::at(
            Problem::GrantDoesNotExtend {
                grant: new,
                current,
            },
            grant.pos,
        ));
    }
    Ok(new)
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
    /// The day of the move, on or before the step's date. Default: the step's date.
    #[serde(default)]
    pub moved_on: Option<Located<Date>>,
    /// Attach a Tokutei card application at the municipal window (§4). Default false.
    #[serde(default)]
    pub tokutei: bool,
}

impl StepFields for MoveWithinStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::NotifyMoveWithinMunicipality {
            resident: ctx.resident,
            address: self.address,
            moved_on: reported_day(self.moved_on, "moved_on", ctx)?,
            tokutei: self.tokutei,
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
    /// The day of the move, on or before the step's date. Default: the step's date.
    #[serde(default)]
    pub moved_on: Option<Located<Date>>,
    /// The resident presents the My Number card for continued use in the same visit. Default
    /// false.
    #[serde(default)]
    pub present_my_number_card: bool,
    /// Attach a Tokutei card application at the municipal window (§4). Default false.
    #[serde(default)]
    pub tokutei: bool,
}

impl StepFields for MoveInStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::NotifyMoveIn {
            resident: ctx.resident,
            municipality: self.municipality,
            address: self.address,
            moved_on: reported_day(self.moved_on, "moved_on", ctx)?,
            present_my_number_card: self.present_my_number_card,
            tokutei: self.tokutei,
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
            // What the resident's card shows is filled in by the run (the resident agent).
            presented_expiry: None,
        })
    }
}

/// `file_status_change`: the status applied for.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileStatusChangeStep {
    /// The status of residence applied for (not `permanent_resident`: use
    /// `file_permanent_residence`).
    pub to: Status,
    /// Attach a Tokutei card application (§4). Default false.
    #[serde(default)]
    pub tokutei: bool,
    /// How the application is made: counter (default), online or airport.
    #[serde(default)]
    pub channel: Channel,
}

impl StepFields for FileStatusChangeStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::FileStatusChange {
            resident: ctx.resident,
            to: self.to,
            channel: self.channel,
            tokutei: self.tokutei,
        })
    }
}

/// `file_permanent_residence`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilePermanentResidenceStep {
    /// Attach a Tokutei card application (§4). Default false.
    #[serde(default)]
    pub tokutei: bool,
    /// How the application is made: counter (default), online or airport.
    #[serde(default)]
    pub channel: Channel,
}

impl StepFields for FilePermanentResidenceStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::FilePermanentResidence {
            resident: ctx.resident,
            channel: self.channel,
            tokutei: self.tokutei,
        })
    }
}

/// `decide_permanent_residence`: `grant: true` or `refuse: true`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecidePermanentResidenceStep {
    /// Grant permanent residence.
    #[serde(default)]
    pub grant: bool,
    /// Refuse it.
    #[serde(default)]
    pub refuse: bool,
    /// The day the bureau decided, when the decision is communicated — and recorded by the
    /// offices — on the step's date, days later (docs/domain.md §9, "When a decision is
    /// dated"). The decision (and, with `disposition_at: decision`, its effect) is then dated
    /// that day (`effective_on`). Default: the step's date. Not after it.
    #[serde(default)]
    pub decided_on: Option<Located<Date>>,
}

impl StepFields for DecidePermanentResidenceStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        if self.grant == self.refuse {
            return Err(DeError::at(Problem::PermanentNeedsOne, ctx.pos));
        }
        Ok(Command::DecidePermanentResidence {
            resident: ctx.resident,
            grant: self.grant,
            decided_on: decision_day(self.decided_on, ctx)?,
        })
    }
}

/// Steps whose only field is an optional Tokutei application (`file_card_renewal`,
/// `renew_spr_certificate`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokuteiOnlyStep {
    /// Attach a Tokutei card application (§4). Default false.
    #[serde(default)]
    pub tokutei: bool,
}

impl StepFields for TokuteiOnlyStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(match ctx.kind {
            StepKind::RenewSprCertificate => Command::RenewSprCertificate {
                resident: ctx.resident,
                tokutei: self.tokutei,
            },
            _ => Command::FileCardRenewal {
                resident: ctx.resident,
                tokutei: self.tokutei,
            },
        })
    }
}

/// `notify_item_change`: which item changed, and when.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyItemChangeStep {
    /// name | nationality | date_of_birth | sex
    pub item: ChangedItem,
    /// The day the item changed (the 14-day deadline runs from it), on or before the step's
    /// date. Default: the step's date.
    #[serde(default)]
    pub changed_on: Option<Located<Date>>,
    /// Attach a Tokutei card application (§4). Default false.
    #[serde(default)]
    pub tokutei: bool,
    /// bureau (default) | city_hall: a special permanent resident notifies at the
    /// municipality, which forwards the notice to the bureau (§5.8).
    #[serde(default)]
    pub office: Option<Where>,
}

impl StepFields for NotifyItemChangeStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::NotifyItemChange {
            resident: ctx.resident,
            item: self.item,
            changed_on: reported_day(self.changed_on, "changed_on", ctx)?,
            tokutei: self.tokutei,
            at_city_hall: matches!(self.office, Some(Where::CityHall)),
        })
    }
}

/// Why a card is reissued, as written in files.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReissueWhy {
    Damaged,
    OnRequest,
    Lost,
}

/// `request_reissue`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestReissueStep {
    /// damaged | on_request | lost
    pub reason: ReissueWhy,
    /// `lost` only: the day the resident learned of the loss (the 14-day deadline runs from
    /// it). Default: the step's date.
    #[serde(default)]
    pub learned_on: Option<Located<Date>>,
    /// `lost` only: the day of the police report whose receipt number is presented; without
    /// it the reissue is refused (§5.11).
    #[serde(default)]
    pub reported_on: Option<Located<Date>>,
    /// Attach a Tokutei card application (§4). Default false.
    #[serde(default)]
    pub tokutei: bool,
    /// bureau (default) | city_hall: a special permanent resident's certificate is reissued
    /// through the municipality, which forwards the application to the bureau (§5.8).
    #[serde(default)]
    pub office: Option<Where>,
}

impl StepFields for RequestReissueStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        let reason = match self.reason {
            ReissueWhy::Lost => ReissueReason::Lost {
                learned_on: reported_day(self.learned_on, "learned_on", ctx)?,
                reported_on: self.reported_on.map(|d| d.value.0),
            },
            other => {
                if let Some(extra) = self.learned_on.as_ref().or(self.reported_on.as_ref()) {
                    return Err(DeError::at(
                        Problem::LossDatesOnly { both: true },
                        extra.pos,
                    ));
                }
                match other {
                    ReissueWhy::Damaged => ReissueReason::Damaged,
                    _ => ReissueReason::OnRequest,
                }
            }
        };
        Ok(Command::RequestReissue {
            resident: ctx.resident,
            reason,
            tokutei: self.tokutei,
            at_city_hall: matches!(self.office, Some(Where::CityHall)),
        })
    }
}

/// Why a new My Number card is applied for, as written in files.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MyNumberCardWhy {
    Lost,
    Lapsed,
}

/// `request_my_number_card_reissue`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MyNumberCardReissueStep {
    /// lost | lapsed
    pub reason: MyNumberCardWhy,
    /// `lost` only: the day of the police report whose receipt number is presented; without
    /// it the reissue is refused (§5.11).
    #[serde(default)]
    pub reported_on: Option<Located<Date>>,
}

impl StepFields for MyNumberCardReissueStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        let reason = match (self.reason, self.reported_on) {
            (MyNumberCardWhy::Lost, reported_on) => MyNumberCardReissueReason::Lost {
                reported_on: reported_on
                    .map(|d| reported_day(Some(d), "reported_on", ctx))
                    .transpose()?,
            },
            (MyNumberCardWhy::Lapsed, None) => MyNumberCardReissueReason::Lapsed,
            (MyNumberCardWhy::Lapsed, Some(extra)) => {
                return Err(DeError::at(
                    Problem::LossDatesOnly { both: false },
                    extra.pos,
                ));
            }
        };
        Ok(Command::RequestMyNumberCardReissue {
            resident: ctx.resident,
            reason,
        })
    }
}

/// `land`: the port of entry.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LandStep {
    /// The port, e.g. `narita`, `kansai`, `naha`. Cards are handed over at new_chitose,
    /// narita, haneda, chubu, kansai, hiroshima and fukuoka (§5.1).
    pub port: String,
    /// Attach a Tokutei card application at the port (refused, §4). Default false.
    #[serde(default)]
    pub tokutei: bool,
}

impl StepFields for LandStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::Land {
            resident: ctx.resident,
            port: self.port,
            tokutei: self.tokutei,
        })
    }
}

/// `notify_departure`: the notice of a move abroad at the city hall.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyDepartureStep {
    /// The planned day of leaving Japan. Default: the step's date.
    #[serde(default)]
    pub leaves_on: Option<Date>,
}

impl StepFields for NotifyDepartureStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::NotifyDeparture {
            resident: ctx.resident,
            leaves_on: self.leaves_on.map_or(ctx.on, |d| d.0),
        })
    }
}

/// `depart`: leaving Japan for good at a port.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartStep {
    /// The port, e.g. `narita`, `kansai`, `naha`.
    pub port: String,
}

impl StepFields for DepartStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::Depart {
            resident: ctx.resident,
            port: self.port,
        })
    }
}

/// `notify_residence`: the first residence notification after landing;
/// `notify_residence_after_status_change`: the one due after a change of status (19条の8).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyResidenceStep {
    /// The municipality where the notification is filed.
    pub municipality: Municipality,
    /// The residence.
    pub address: Address,
    /// Attach a Tokutei card application at the municipal window (§4). Default false.
    #[serde(default)]
    pub tokutei: bool,
}

impl StepFields for NotifyResidenceStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::NotifyResidence {
            resident: ctx.resident,
            municipality: self.municipality,
            address: self.address,
            born_on: ctx.profile.born_on,
            status: ctx.profile.status,
            period_expiry: ctx.profile.period_expiry,
            // After landing: filled in from the resident's `land` step once every step is read.
            // After a change of status: what the resident presents is the new card they hold
            // when the step happens, which the run knows (the resident agent presents it).
            due_from: None,
            after_status_change: ctx.kind == StepKind::NotifyResidenceAfterStatusChange,
            card: None,
            tokutei: self.tokutei,
        })
    }
}

/// `notify_birth`: where the child lives, by default the resident's `municipality` and
/// `address`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyBirthStep {
    /// The municipality where the birth is notified. Default: the resident's.
    #[serde(default)]
    pub municipality: Option<Municipality>,
    /// The child's address. Default: the resident's.
    #[serde(default)]
    pub address: Option<Address>,
}

impl StepFields for NotifyBirthStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::NotifyBirth {
            resident: ctx.resident,
            municipality: self.municipality.unwrap_or(ctx.profile.municipality),
            address: self.address.unwrap_or(ctx.profile.address),
            born_on: ctx.profile.born_on,
        })
    }
}

/// `file_status_acquisition`: the status applied for.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileStatusAcquisitionStep {
    /// The status of residence applied for, usually following the parents' (`dependent` for a
    /// worker's child, `spouse_of_permanent_resident` for a permanent resident's,
    /// `long_term_resident` for a long-term resident's). With `permanent_resident` (22条の2④)
    /// the grant's date is not used: permanent residence has no period.
    pub to: Status,
    /// Attach a Tokutei card application (§5.15 [C]). Default false.
    #[serde(default)]
    pub tokutei: bool,
}

impl StepFields for FileStatusAcquisitionStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::FileStatusAcquisition {
            resident: ctx.resident,
            to: self.to,
            tokutei: self.tokutei,
        })
    }
}

/// Where a step happens, for the few that can happen at either office.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Where {
    #[default]
    CityHall,
    Bureau,
}

/// `apply_tokutei_alone`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyTokuteiAloneStep {
    /// city_hall (default) | bureau
    #[serde(default)]
    pub office: Where,
}

impl StepFields for ApplyTokuteiAloneStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::ApplyTokuteiAlone {
            resident: ctx.resident,
            at_city_hall: matches!(self.office, Where::CityHall),
        })
    }
}

/// `reset_pin`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPinStep {
    /// city_hall (default) | bureau (only for Tokutei cards, and only if the policy allows)
    #[serde(default)]
    pub office: Where,
}

impl StepFields for ResetPinStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::ResetPin {
            resident: ctx.resident,
            at_bureau: matches!(self.office, Where::Bureau),
        })
    }
}

/// `request_my_number_special_period_extension`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialPeriodExtensionStep {
    /// The filing date of the pending extension or change application, as on the 申請中
    /// stamp or the online receipt (§5.13).
    pub applied_on: Date,
}

impl StepFields for SpecialPeriodExtensionStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::RequestMyNumberSpecialPeriodExtension {
            resident: ctx.resident,
            applied_on: self.applied_on.0,
        })
    }
}

/// `report_loss`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportLossStep {
    /// The day of the loss, on or before the step's date. Default: the step's date.
    #[serde(default)]
    pub lost_on: Option<Located<Date>>,
}

impl StepFields for ReportLossStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(Command::ReportLoss {
            resident: ctx.resident,
            lost_on: reported_day(self.lost_on, "lost_on", ctx)?,
        })
    }
}

/// Steps without fields of their own (`suspend_my_number_functions`, `lock_pin`,
/// `collect_my_number_card`, `update_my_number_card`,
/// `delete_register_entry`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoFieldsStep {}

impl StepFields for NoFieldsStep {
    fn command(self, ctx: &StepContext) -> Result<Command, DeError> {
        Ok(match ctx.kind {
            StepKind::LockPin => Command::LockPin {
                resident: ctx.resident,
            },
            StepKind::CollectMyNumberCard => Command::CollectMyNumberCard {
                resident: ctx.resident,
            },
            StepKind::UpdateMyNumberCard => Command::UpdateMyNumberCardItems {
                resident: ctx.resident,
            },
            StepKind::DeleteRegisterEntry => Command::DeleteRegisterEntry {
                resident: ctx.resident,
            },
            _ => Command::SuspendMyNumberFunctions {
                resident: ctx.resident,
            },
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
        let entries = doc
            .entries(node.0)
            .ok_or_else(|| DeError::at(Problem::NotAStep, pos))?;
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
            let kinds: Vec<&'static str> = StepKind::ALL.iter().map(|k| k.as_str()).collect();
            DeError::at(Problem::MissingDo { kinds }, pos)
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

    /// Where the municipality a step names is written (`municipality:`, or a move-out's `to:`).
    pub fn municipality_pos(&self) -> Option<Pos> {
        self.fields
            .value_pos("municipality")
            .or_else(|| self.fields.value_pos("to"))
    }

    /// Where a decision's `decided_on` value is, if the step has one.
    pub fn decided_on_pos(&self) -> Option<Pos> {
        self.fields.value_pos("decided_on")
    }

    /// The command, once the resident is known.
    pub fn command(
        self,
        resident: ResidentId,
        profile: &ResidentProfile,
        expiry: Option<NaiveDate>,
    ) -> Result<Command, DeError> {
        let kind = self.kind;
        let ctx = StepContext {
            kind,
            resident,
            profile,
            on: self.on.value,
            expiry,
            pos: self.pos,
        };
        kind.command(self.fields, &ctx).map_err(|e| {
            // serde names only the kind's own fields; say that the common ones exist too.
            let problem = match *e.problem {
                Problem::UnknownField { field, expected } => Problem::UnknownStepField {
                    field,
                    expected,
                    kind: kind.as_str(),
                },
                other => other,
            };
            DeError {
                problem: Box::new(problem),
                pos: e.pos,
            }
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
