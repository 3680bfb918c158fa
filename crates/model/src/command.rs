//! Commands: what a resident asks of an office, what an office decides given as input, and the
//! timers a service sets for itself. Commands are imperative (`FileExtension`); the facts that
//! result are past-tense events (`PeriodOfStayExtended`).

use std::sync::Arc;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::card::{CardKind, Certificates, MyNumberCard, ResidenceCard};
use crate::card_number::ResidenceCardNumber;
use crate::ids::{Address, Municipality, ResidentId};
use crate::mynumber::MyNumber;
use crate::procedure::{ChangedItem, MyNumberCardReissueReason, Procedure, ReissueReason};
use crate::service::{Channel, Office, Service};
use crate::status::Status;

/// A resident's starting state, as each office will record it at enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentProfile {
    /// Display name (synthetic).
    pub name: String,
    pub born_on: NaiveDate,
    pub status: Status,
    /// Period-of-stay expiry; `None` for statuses without a period (PR, HSP(ii), SPR).
    pub period_expiry: Option<NaiveDate>,
    pub municipality: Municipality,
    pub address: Address,
    /// Recorded in the Basic Resident Register (§3).
    pub registered: bool,
    pub my_number: MyNumber,
    pub residence_card: Option<ResidenceCard>,
    pub my_number_card: Option<MyNumberCard>,
    pub certificates: Certificates,
    /// How many residence cards were issued to this resident before the run (for new numbers).
    pub cards_issued: u32,
    /// A residence application filed before the run and still pending (§5.4–§5.6, §9). Left
    /// out of the serialized form when absent, which predates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<FiledApplication>,
}

/// A residence application filed before the run, still pending when it starts: the bureau
/// records it at enrolment as if filed that day (§5.4–§5.6), and the special period runs from
/// the period's expiry (§9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiledApplication {
    /// `Extension`, `StatusChange` or `PermanentResidence`.
    pub procedure: Procedure,
    /// The status applied for (a change of status).
    pub to: Option<Status>,
    pub channel: Channel,
    pub filed_on: NaiveDate,
}

/// The bureau's decision on an application, given as scenario input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Decision {
    /// Granted with the new period-of-stay expiry.
    Grant { new_expiry: NaiveDate },
    /// Refused.
    Refuse,
}

/// Where a command is done, for the calendar (docs/domain.md §5): at a counter in person, by
/// an office at its desk, or anywhere at any time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// At the counter of this office, in person.
    Counter(Office),
    /// At the counter where the card waits: the bureau's or the municipality's.
    CardCounter,
    /// The bureau's own work: a decision on an application.
    BureauDesk,
    /// Online, at a port of entry, on the resident's own card, or an office's timer.
    Anywhere,
}

/// A command to one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command")]
pub enum Command {
    /// Records a resident's starting state (delivered to every service at the run's start).
    /// The profile is shared by the offices it is delivered to (and, in a what-if, by both
    /// arms): a copy for each was a `String` and a box to allocate and free per office and arm.
    EnrolResident {
        resident: ResidentId,
        #[serde(with = "shared_profile")]
        profile: Arc<ResidentProfile>,
    },
    /// 在留期間更新許可申請, optionally with a Tokutei application attached (§5.4).
    FileExtension {
        resident: ResidentId,
        channel: Channel,
        tokutei: bool,
    },
    /// The bureau decides a pending extension (input, not simulated judgement).
    DecideExtension {
        resident: ResidentId,
        decision: Decision,
        /// The day the bureau decided, when the decision is communicated — and this command
        /// delivered — on a later day (docs/domain.md §9, "When a decision is dated"); `None`:
        /// decided the day it is delivered.
        #[serde(default)]
        decided_on: Option<NaiveDate>,
    },
    /// The resident collects a card that is ready at the bureau.
    CollectCard { resident: ResidentId },
    /// 転居届 (§5.2).
    NotifyMoveWithinMunicipality {
        resident: ResidentId,
        address: Address,
        moved_on: NaiveDate,
        /// A Tokutei application attached at the municipal window (§4).
        tokutei: bool,
    },
    /// 転出届 (§5.3); `card_based` is the online 特例転出 with the My Number card.
    NotifyMoveOut {
        resident: ResidentId,
        to: Municipality,
        planned_on: NaiveDate,
        card_based: bool,
    },
    /// 転入届 at the new municipality (§5.3).
    NotifyMoveIn {
        resident: ResidentId,
        municipality: Municipality,
        address: Address,
        moved_on: NaiveDate,
        /// The resident presents the My Number card for continued use in the same visit.
        present_my_number_card: bool,
        /// A Tokutei application attached at the municipal window (§4).
        tokutei: bool,
    },
    /// 継続利用: presenting the My Number card at the new municipality later (§5.3).
    ConfirmMyNumberContinuity { resident: ResidentId },
    /// Legacy My Number card 有効期間変更 at the city hall (§5.4), with the period of stay the
    /// residence card the resident presents shows (filled in by the run from what they hold).
    RequestMyNumberValidityChange {
        resident: ResidentId,
        presented_expiry: Option<NaiveDate>,
    },
    /// 在留資格変更許可申請 (§5.5).
    FileStatusChange {
        resident: ResidentId,
        to: Status,
        channel: Channel,
        tokutei: bool,
    },
    /// The bureau decides a pending change of status (input).
    DecideStatusChange {
        resident: ResidentId,
        decision: Decision,
        /// The day the bureau decided, when the decision is communicated — and this command
        /// delivered — on a later day (docs/domain.md §9, "When a decision is dated"); `None`:
        /// decided the day it is delivered.
        #[serde(default)]
        decided_on: Option<NaiveDate>,
    },
    /// 永住許可申請 (§5.6).
    FilePermanentResidence {
        resident: ResidentId,
        channel: Channel,
        tokutei: bool,
    },
    /// The bureau decides a pending permanent residence application (input).
    DecidePermanentResidence {
        resident: ResidentId,
        grant: bool,
        /// The day the bureau decided, when the decision is communicated — and this command
        /// delivered — on a later day (docs/domain.md §9, "When a decision is dated"); `None`:
        /// decided the day it is delivered.
        #[serde(default)]
        decided_on: Option<NaiveDate>,
    },
    /// 在留カード有効期間更新申請 for PR, HSP(ii) and 16th-birthday cards (§5.7).
    FileCardRenewal { resident: ResidentId, tokutei: bool },
    /// 住居地以外の記載事項変更届出 (§5.9), at the bureau; or, `at_city_hall`, a special
    /// permanent resident's at the municipality, which forwards it (§5.8).
    NotifyItemChange {
        resident: ResidentId,
        item: ChangedItem,
        changed_on: NaiveDate,
        tokutei: bool,
        at_city_hall: bool,
    },
    /// Reissue of the residence card for damage, on request, or after loss (§5.10, §5.11), at
    /// the bureau; or, `at_city_hall`, of an SPR certificate at the municipality (§5.8).
    RequestReissue {
        resident: ResidentId,
        reason: ReissueReason,
        tokutei: bool,
        at_city_hall: bool,
    },
    /// Landing at a port of entry with a landing permission for the resident's status (§5.1).
    Land {
        resident: ResidentId,
        port: String,
        tokutei: bool,
    },
    /// A Tokutei card application made on its own, not attached to any procedure (§4).
    ApplyTokuteiAlone {
        resident: ResidentId,
        at_city_hall: bool,
    },
    /// 住居地届出 at the municipality, with what the resident presents: the first one after
    /// landing (19条の7, §5.1), or, with `after_status_change`, the one due from a person who
    /// became a mid-to-long-term resident by a change of status (19条の8, §5.5).
    NotifyResidence {
        resident: ResidentId,
        municipality: Municipality,
        address: Address,
        /// From the passport or card the resident presents.
        born_on: NaiveDate,
        status: Status,
        period_expiry: Option<NaiveDate>,
        /// The day the 14 days run from, if known: the landing date stamped in the passport
        /// (19条の7), or the day the new card granting the status was issued (19条の8).
        due_from: Option<NaiveDate>,
        /// The notification 19条の8 requires after a change of status, not the first one after
        /// landing.
        after_status_change: bool,
        /// The residence card presented, if it was handed over at the port: its kind and number
        /// go into the register and the notice to the bureau (§5.1 [A JLT-ORDER]).
        card: Option<(CardKind, ResidenceCardNumber)>,
        tokutei: bool,
    },
    /// The municipality deletes the resident's register entry of its own motion (職権消除, §6
    /// N2): an input, the day the municipality decided it.
    DeleteRegisterEntry { resident: ResidentId },
    /// SPR certificate renewal, filed at the municipality (§5.8).
    RenewSprCertificate { resident: ResidentId, tokutei: bool },
    /// Legacy My Number card 特例期間延長 at the city hall (§5.13), showing the 申請中 stamp
    /// of an application filed on `applied_on`.
    RequestMyNumberSpecialPeriodExtension {
        resident: ResidentId,
        applied_on: NaiveDate,
    },
    /// A loss or theft report to the police (§5.11).
    ReportLoss {
        resident: ResidentId,
        lost_on: NaiveDate,
    },
    /// A call to the My Number call centre to suspend a lost card's functions (§5.11).
    SuspendMyNumberFunctions { resident: ResidentId },
    /// The resident mistypes the user-authentication PIN until it locks (§5.12).
    LockPin { resident: ResidentId },
    /// Reset of a locked PIN at the municipal window, or at the bureau if the policy allows it
    /// for Tokutei cards (§5.12, §16.5).
    ResetPin {
        resident: ResidentId,
        at_bureau: bool,
    },
    /// A new separate My Number card applied for at the municipal window: after a loss (with
    /// the 紛失届) or a lapse (§5.11, §8.4).
    RequestMyNumberCardReissue {
        resident: ResidentId,
        reason: MyNumberCardReissueReason,
    },
    /// The resident collects a new My Number card that is ready at the municipal window.
    CollectMyNumberCard { resident: ResidentId },
    /// 券面事項変更: the separate My Number card brought up to date at the municipal window
    /// after a non-address item change (§5.9).
    UpdateMyNumberCardItems { resident: ResidentId },
    /// 国外転出届 at the municipality: the resident notifies a move abroad, leaving on
    /// `leaves_on` (住民基本台帳法24条, §5.14).
    NotifyDeparture {
        resident: ResidentId,
        leaves_on: NaiveDate,
    },
    /// 出国: the resident leaves Japan for good at `port`, without a re-entry permit, and
    /// returns the card there (入管法19条の14, 19条の15, §5.14).
    Depart { resident: ResidentId, port: String },
    /// Timer (city hall): the day of leaving a notice of a move abroad gave has come (§5.14).
    CloseEntryOnDeparture { resident: ResidentId },
    /// Timer (bureau): the card mailed to the resident arrives (§5 "Card by post").
    DeliverMailedCard { resident: ResidentId },
    /// Timer (J-LIS): a new separate My Number card's production lead time has passed.
    CompleteMyNumberCardProduction { resident: ResidentId },
    /// Timer (J-LIS): the separate My Number card reaches the end of `valid_through`.
    ExpireMyNumberCard {
        resident: ResidentId,
        valid_through: NaiveDate,
    },
    /// Timer (J-LIS): a Tokutei card's My Number functions reach the end of `valid_through`.
    ExpireMyNumberFunctions {
        resident: ResidentId,
        valid_through: NaiveDate,
    },
    /// Timer (J-LIS): the Tokutei card's production lead time has passed.
    CompleteTokuteiProduction { resident: ResidentId },
    /// Timer (city hall): the 90-day continuity deadline after a move-in (§5.3, §10).
    CheckContinuityDeadline {
        resident: ResidentId,
        deadline: NaiveDate,
    },
    /// 出生届 of a foreign child at the municipality where it lives (戸籍法49条, §5.15): the
    /// register takes the child as a transitional stayer and assigns a My Number.
    NotifyBirth {
        resident: ResidentId,
        municipality: Municipality,
        address: Address,
        /// From the birth certificate (出生証明書) presented with the notification.
        born_on: NaiveDate,
    },
    /// 在留資格取得許可申請 for a child born in Japan (入管法22条の2②, §5.15), for status `to`,
    /// optionally with a Tokutei application attached.
    FileStatusAcquisition {
        resident: ResidentId,
        to: Status,
        tokutei: bool,
    },
    /// The bureau decides a pending status acquisition (input, not simulated judgement).
    DecideStatusAcquisition {
        resident: ResidentId,
        decision: Decision,
        /// As for [`Command::DecideExtension`].
        #[serde(default)]
        decided_on: Option<NaiveDate>,
    },
}

/// serde for a shared profile: the profile's own form (as the boxed profile it replaced had).
mod shared_profile {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::ResidentProfile;

    pub fn serialize<S: Serializer>(
        profile: &Arc<ResidentProfile>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        ResidentProfile::serialize(profile, serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Arc<ResidentProfile>, D::Error> {
        ResidentProfile::deserialize(deserializer).map(Arc::new)
    }
}

impl Command {
    /// The resident the command is about.
    pub fn resident(&self) -> ResidentId {
        match self {
            Command::EnrolResident { resident, .. }
            | Command::FileExtension { resident, .. }
            | Command::DecideExtension { resident, .. }
            | Command::CollectCard { resident }
            | Command::NotifyMoveWithinMunicipality { resident, .. }
            | Command::NotifyMoveOut { resident, .. }
            | Command::NotifyMoveIn { resident, .. }
            | Command::ConfirmMyNumberContinuity { resident }
            | Command::RequestMyNumberValidityChange { resident, .. }
            | Command::ExpireMyNumberCard { resident, .. }
            | Command::ExpireMyNumberFunctions { resident, .. }
            | Command::CompleteTokuteiProduction { resident }
            | Command::CheckContinuityDeadline { resident, .. }
            | Command::FileStatusChange { resident, .. }
            | Command::DecideStatusChange { resident, .. }
            | Command::FilePermanentResidence { resident, .. }
            | Command::DecidePermanentResidence { resident, .. }
            | Command::FileCardRenewal { resident, .. }
            | Command::NotifyItemChange { resident, .. }
            | Command::RequestReissue { resident, .. }
            | Command::Land { resident, .. }
            | Command::ApplyTokuteiAlone { resident, .. }
            | Command::NotifyResidence { resident, .. }
            | Command::RenewSprCertificate { resident, .. }
            | Command::DeleteRegisterEntry { resident }
            | Command::NotifyDeparture { resident, .. }
            | Command::Depart { resident, .. }
            | Command::CloseEntryOnDeparture { resident }
            | Command::RequestMyNumberSpecialPeriodExtension { resident, .. }
            | Command::ReportLoss { resident, .. }
            | Command::SuspendMyNumberFunctions { resident }
            | Command::LockPin { resident }
            | Command::ResetPin { resident, .. }
            | Command::RequestMyNumberCardReissue { resident, .. }
            | Command::CollectMyNumberCard { resident }
            | Command::UpdateMyNumberCardItems { resident }
            | Command::CompleteMyNumberCardProduction { resident }
            | Command::DeliverMailedCard { resident }
            | Command::NotifyBirth { resident, .. }
            | Command::FileStatusAcquisition { resident, .. }
            | Command::DecideStatusAcquisition { resident, .. } => *resident,
        }
    }

    /// The day the bureau decided, for a decision communicated on a later day than it was made
    /// (the day the command is delivered); `None` for every other command.
    pub fn decided_on(&self) -> Option<NaiveDate> {
        match self {
            Command::DecideExtension { decided_on, .. }
            | Command::DecideStatusChange { decided_on, .. }
            | Command::DecidePermanentResidence { decided_on, .. }
            | Command::DecideStatusAcquisition { decided_on, .. } => *decided_on,
            _ => None,
        }
    }

    /// The procedure a resident's command performs (`None` for enrolment and timers).
    pub fn procedure(&self) -> Option<Procedure> {
        Some(match self {
            Command::FileExtension { .. } | Command::DecideExtension { .. } => Procedure::Extension,
            Command::CollectCard { .. } => Procedure::CardCollection,
            Command::NotifyMoveWithinMunicipality { .. } => Procedure::MoveWithinMunicipality,
            Command::NotifyMoveOut { .. } => Procedure::MoveOut,
            Command::NotifyMoveIn { .. } => Procedure::MoveIn,
            Command::ConfirmMyNumberContinuity { .. } => Procedure::MyNumberContinuity,
            Command::RequestMyNumberValidityChange { .. } => Procedure::MyNumberValidityChange,
            Command::FileStatusChange { .. } | Command::DecideStatusChange { .. } => {
                Procedure::StatusChange
            }
            Command::FilePermanentResidence { .. } | Command::DecidePermanentResidence { .. } => {
                Procedure::PermanentResidence
            }
            Command::FileCardRenewal { .. } => Procedure::CardRenewal,
            Command::NotifyItemChange { .. } => Procedure::ItemChange,
            Command::RequestReissue { reason, .. } => reason.procedure(),
            Command::Land { .. } => Procedure::Landing,
            Command::ApplyTokuteiAlone { .. } => Procedure::TokuteiApplication,
            Command::NotifyResidence {
                after_status_change: false,
                ..
            } => Procedure::ResidenceNotification,
            Command::NotifyResidence { .. } => Procedure::ResidenceNotificationAfterStatusChange,
            Command::RenewSprCertificate { .. } => Procedure::SprCertificateRenewal,
            Command::RequestMyNumberSpecialPeriodExtension { .. } => {
                Procedure::MyNumberSpecialPeriodExtension
            }
            Command::ReportLoss { .. } => Procedure::LossReport,
            Command::SuspendMyNumberFunctions { .. } => Procedure::MyNumberSuspension,
            Command::ResetPin { .. } => Procedure::PinReset,
            Command::RequestMyNumberCardReissue { .. } => Procedure::MyNumberCardReissue,
            Command::CollectMyNumberCard { .. } => Procedure::CardCollection,
            Command::UpdateMyNumberCardItems { .. } => Procedure::MyNumberCardItemUpdate,
            Command::NotifyDeparture { .. } => Procedure::DepartureNotification,
            Command::Depart { .. } => Procedure::Departure,
            Command::NotifyBirth { .. } => Procedure::BirthNotification,
            Command::FileStatusAcquisition { .. } | Command::DecideStatusAcquisition { .. } => {
                Procedure::StatusAcquisition
            }
            Command::LockPin { .. }
            | Command::CompleteMyNumberCardProduction { .. }
            | Command::DeleteRegisterEntry { .. }
            | Command::CloseEntryOnDeparture { .. }
            | Command::EnrolResident { .. }
            | Command::ExpireMyNumberCard { .. }
            | Command::ExpireMyNumberFunctions { .. }
            | Command::CompleteTokuteiProduction { .. }
            | Command::DeliverMailedCard { .. }
            | Command::CheckContinuityDeadline { .. } => return None,
        })
    }

    /// Where the command is done (docs/domain.md §5, §1): the counter a resident attends, the
    /// bureau's desk for its decisions, or anywhere (an online filing, a card-based move-out, a
    /// landing at the port, the resident's own card, an office's timer).
    pub fn place(&self) -> Place {
        let counter = |channel: &Channel| match channel {
            Channel::Counter => Place::Counter(Office::ImmigrationBureau),
            Channel::Online | Channel::Airport => Place::Anywhere,
        };
        match self {
            Command::FileExtension { channel, .. }
            | Command::FileStatusChange { channel, .. }
            | Command::FilePermanentResidence { channel, .. } => counter(channel),
            Command::DecideExtension { .. }
            | Command::DecideStatusChange { .. }
            | Command::DecidePermanentResidence { .. }
            | Command::DecideStatusAcquisition { .. } => Place::BureauDesk,
            Command::CollectCard { .. } => Place::CardCounter,
            Command::FileCardRenewal { .. } | Command::FileStatusAcquisition { .. } => {
                Place::Counter(Office::ImmigrationBureau)
            }
            Command::NotifyItemChange { at_city_hall, .. }
            | Command::RequestReissue { at_city_hall, .. } => Place::Counter(if *at_city_hall {
                Office::CityHall
            } else {
                Office::ImmigrationBureau
            }),
            Command::ApplyTokuteiAlone { at_city_hall, .. } => Place::Counter(if *at_city_hall {
                Office::CityHall
            } else {
                Office::ImmigrationBureau
            }),
            Command::ResetPin { at_bureau, .. } => Place::Counter(if *at_bureau {
                Office::ImmigrationBureau
            } else {
                Office::CityHall
            }),
            Command::NotifyMoveOut {
                card_based: true, ..
            } => Place::Anywhere,
            Command::NotifyMoveWithinMunicipality { .. }
            | Command::NotifyMoveOut { .. }
            | Command::NotifyMoveIn { .. }
            | Command::ConfirmMyNumberContinuity { .. }
            | Command::RequestMyNumberValidityChange { .. }
            | Command::NotifyResidence { .. }
            | Command::RenewSprCertificate { .. }
            | Command::RequestMyNumberSpecialPeriodExtension { .. }
            | Command::RequestMyNumberCardReissue { .. }
            | Command::CollectMyNumberCard { .. }
            | Command::UpdateMyNumberCardItems { .. }
            | Command::NotifyDeparture { .. } => Place::Counter(Office::CityHall),
            Command::NotifyBirth { .. } => Place::Counter(Office::CityHall),
            Command::ReportLoss { .. } => Place::Counter(Office::Police),
            Command::SuspendMyNumberFunctions { .. } => Place::Counter(Office::CallCentre),
            Command::EnrolResident { .. }
            | Command::Land { .. }
            | Command::Depart { .. }
            | Command::CloseEntryOnDeparture { .. }
            | Command::DeleteRegisterEntry { .. }
            | Command::LockPin { .. }
            | Command::ExpireMyNumberCard { .. }
            | Command::ExpireMyNumberFunctions { .. }
            | Command::CompleteTokuteiProduction { .. }
            | Command::CompleteMyNumberCardProduction { .. }
            | Command::DeliverMailedCard { .. }
            | Command::CheckContinuityDeadline { .. } => Place::Anywhere,
        }
    }

    /// The services the command is delivered to. Only enrolment goes to more than one.
    pub fn targets(&self) -> &'static [Service] {
        match self {
            Command::EnrolResident { .. } => &[
                Service::ImmigrationBureau,
                Service::CityHall,
                Service::CardIssuer,
            ],
            Command::FileExtension { .. }
            | Command::DecideExtension { .. }
            | Command::CollectCard { .. }
            | Command::FileStatusChange { .. }
            | Command::DecideStatusChange { .. }
            | Command::FilePermanentResidence { .. }
            | Command::DecidePermanentResidence { .. }
            | Command::FileCardRenewal { .. }
            | Command::Land { .. }
            | Command::Depart { .. }
            | Command::DeliverMailedCard { .. }
            | Command::FileStatusAcquisition { .. }
            | Command::DecideStatusAcquisition { .. } => &[Service::ImmigrationBureau],
            Command::NotifyItemChange { at_city_hall, .. }
            | Command::RequestReissue { at_city_hall, .. } => {
                if *at_city_hall {
                    &[Service::CityHall]
                } else {
                    &[Service::ImmigrationBureau]
                }
            }
            Command::ApplyTokuteiAlone { at_city_hall, .. } => {
                if *at_city_hall {
                    &[Service::CityHall]
                } else {
                    &[Service::ImmigrationBureau]
                }
            }
            Command::ResetPin {
                at_bureau: true, ..
            } => &[Service::ImmigrationBureau],
            Command::NotifyResidence { .. }
            | Command::RenewSprCertificate { .. }
            | Command::DeleteRegisterEntry { .. }
            | Command::NotifyDeparture { .. }
            | Command::RequestMyNumberSpecialPeriodExtension { .. }
            | Command::RequestMyNumberCardReissue { .. }
            | Command::CollectMyNumberCard { .. }
            | Command::UpdateMyNumberCardItems { .. }
            | Command::ResetPin { .. } => &[Service::CityHall],
            Command::ReportLoss { .. } => &[Service::Police],
            Command::SuspendMyNumberFunctions { .. } | Command::LockPin { .. } => {
                &[Service::CardIssuer]
            }
            Command::NotifyMoveWithinMunicipality { .. }
            | Command::NotifyMoveOut { .. }
            | Command::NotifyMoveIn { .. }
            | Command::ConfirmMyNumberContinuity { .. }
            | Command::RequestMyNumberValidityChange { .. }
            | Command::CloseEntryOnDeparture { .. }
            | Command::CheckContinuityDeadline { .. }
            | Command::NotifyBirth { .. } => &[Service::CityHall],
            Command::ExpireMyNumberCard { .. }
            | Command::ExpireMyNumberFunctions { .. }
            | Command::CompleteTokuteiProduction { .. }
            | Command::CompleteMyNumberCardProduction { .. } => &[Service::CardIssuer],
        }
    }
}
