//! Cross-office rules: which law is in force, who may apply for a Tokutei card, which office
//! hears of which event, and the names of refusals, duties and consequences.
//!
//! Each rule is one function with its source in the doc comment. Validity dates live in
//! [`crate::validity`]; deadline arithmetic in [`crate::calendar`].

use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::calendar::{DeadlineRoll, deadline};
use crate::card::CardKind;
use crate::event::Event;
use crate::ids::{Municipality, ResidentId};
use crate::policy::{OfficeDays, Policy, Regime};
use crate::procedure::Procedure;
use crate::service::{Channel, Link, Office, Service};
use crate::status::Status;
use crate::time::{Latency, SimTime};
use crate::validity::{CardLaw, RefusalReason};

/// Why an office refused something. Each names the rule (a section of docs/domain.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum RefusalRule {
    /// The simulated regime has no Tokutei card at all.
    TokuteiNotInRegime,
    /// §3, §11: the amended law is not yet in force.
    TokuteiBeforeStartDate { start_date: NaiveDate },
    /// §3: the office's counters do not yet accept Tokutei applications.
    TokuteiCounterNotOpen { opens_on: NaiveDate },
    /// §4, §11: not available through the online residence application system.
    TokuteiOnline,
    /// §4, §11 [C]: not at the port of entry on landing.
    TokuteiAtPortOfEntry,
    /// §3 [B]: this municipality's window does not accept Tokutei applications within the run.
    TokuteiNotOfferedHere,
    /// §4 [A ISA-QA A2-1]: never a stand-alone procedure.
    TokuteiStandAlone,
    /// §3: only mid-to-long-term residents and special permanent residents.
    TokuteiNotMidToLongTerm { status: Status },
    /// §3: only persons recorded in the Basic Resident Register.
    TokuteiNotInResidentRegister,
    /// The office has no pending application to decide or card to hand over.
    NothingPending,
    /// The status has no period of stay to extend (PR, HSP(ii), SPR; §5.4, §5.6).
    NoPeriodOfStay,
    /// An application of the same kind is already pending (§5.4).
    AlreadyPending,
    /// The resident is not registered at this municipality.
    NotRegisteredHere,
    /// The resident holds no separate My Number card.
    NoMyNumberCard,
    /// The resident holds a Tokutei card, whose validity follows the residence card (§8.6).
    HoldsTokuteiCard,
    /// A validity rule refused it (§5.4, §5.13, §11).
    Validity { reason: RefusalReason },
    /// §5.7, §5.8: the renewal window has not opened yet.
    RenewalWindowNotOpen { opens_on: NaiveDate },
    /// §5.7: only PR, HSP(ii) and 16th-birthday cards are renewed; others extend their stay.
    NotRenewable,
    /// §5.11: a reissue after loss needs the police report's receipt number.
    PoliceReportMissing,
    /// §5.8: special permanent residents file at the municipality, and only they hold an SPR
    /// certificate.
    WrongOfficeForStatus,
    /// §5.1: the person has not landed yet, or is already registered.
    NotExpectedHere,
    /// §5.5: a change to permanent residence is a permanent residence application (§5.6).
    UsePermanentResidenceApplication,
    /// §5.11, §16.1: a lost Tokutei card is replaced by a standard card (policy switch).
    TokuteiNotForLossReissue,
    /// §5.12, §16.5: PINs are reset at the municipal window (policy switch for Tokutei cards).
    PinResetOnlyAtMunicipality,
    /// §3, §5.1: the Basic Resident Register takes mid-to-long-term residents and special
    /// permanent residents, not a short-term visitor or a diplomat ([`register_refusal`]).
    NotInRegisterScope { status: Status },
    /// §5.15 [A* 入管法22条の2①]: a child born in Japan may stay 60 days without a status; an
    /// application for status filed after them is not received as one (the child is overstaying:
    /// special permission, not modelled).
    StatusAcquisitionAfterSixtyDays { born_on: NaiveDate },
}

impl RefusalRule {
    /// Every rule's tag, as scenario files and stored payloads write it.
    pub const TAGS: &'static [&'static str] = &[
        "tokutei_not_in_regime",
        "tokutei_before_start_date",
        "tokutei_counter_not_open",
        "tokutei_online",
        "tokutei_at_port_of_entry",
        "tokutei_not_offered_here",
        "tokutei_stand_alone",
        "tokutei_not_mid_to_long_term",
        "tokutei_not_in_resident_register",
        "nothing_pending",
        "no_period_of_stay",
        "already_pending",
        "not_registered_here",
        "no_my_number_card",
        "holds_tokutei_card",
        "validity",
        "renewal_window_not_open",
        "not_renewable",
        "police_report_missing",
        "wrong_office_for_status",
        "not_expected_here",
        "use_permanent_residence_application",
        "tokutei_not_for_loss_reissue",
        "pin_reset_only_at_municipality",
        "not_in_register_scope",
        "status_acquisition_after_sixty_days",
    ];

    /// The rule's tag (`tokutei_online`).
    pub fn tag(&self) -> &'static str {
        match self {
            RefusalRule::TokuteiNotInRegime => "tokutei_not_in_regime",
            RefusalRule::TokuteiBeforeStartDate { .. } => "tokutei_before_start_date",
            RefusalRule::TokuteiCounterNotOpen { .. } => "tokutei_counter_not_open",
            RefusalRule::TokuteiOnline => "tokutei_online",
            RefusalRule::TokuteiAtPortOfEntry => "tokutei_at_port_of_entry",
            RefusalRule::TokuteiNotOfferedHere => "tokutei_not_offered_here",
            RefusalRule::TokuteiStandAlone => "tokutei_stand_alone",
            RefusalRule::TokuteiNotMidToLongTerm { .. } => "tokutei_not_mid_to_long_term",
            RefusalRule::TokuteiNotInResidentRegister => "tokutei_not_in_resident_register",
            RefusalRule::NothingPending => "nothing_pending",
            RefusalRule::NoPeriodOfStay => "no_period_of_stay",
            RefusalRule::AlreadyPending => "already_pending",
            RefusalRule::NotRegisteredHere => "not_registered_here",
            RefusalRule::NoMyNumberCard => "no_my_number_card",
            RefusalRule::HoldsTokuteiCard => "holds_tokutei_card",
            RefusalRule::Validity { .. } => "validity",
            RefusalRule::RenewalWindowNotOpen { .. } => "renewal_window_not_open",
            RefusalRule::NotRenewable => "not_renewable",
            RefusalRule::PoliceReportMissing => "police_report_missing",
            RefusalRule::WrongOfficeForStatus => "wrong_office_for_status",
            RefusalRule::NotExpectedHere => "not_expected_here",
            RefusalRule::UsePermanentResidenceApplication => "use_permanent_residence_application",
            RefusalRule::TokuteiNotForLossReissue => "tokutei_not_for_loss_reissue",
            RefusalRule::PinResetOnlyAtMunicipality => "pin_reset_only_at_municipality",
            RefusalRule::NotInRegisterScope { .. } => "not_in_register_scope",
            RefusalRule::StatusAcquisitionAfterSixtyDays { .. } => {
                "status_acquisition_after_sixty_days"
            }
        }
    }
}

/// Whether the new residence card of an application made through `channel` reaches the resident
/// by post rather than at the bureau's counter.
///
/// docs/domain.md §5 "Card by post" [B: scriveners' pages on the online residence application
/// system (在留申請オンラインシステム): after an online extension or change of status the card can
/// be received by post, 郵送, with no visit to apply or to collect]: an online application's card
/// is mailed, unless the switch `online_card_delivery` says the counter. An application made at
/// the counter is collected there (the bureau's pandemic-era mailing through an agent is not
/// modelled).
pub fn card_by_post(policy: &Policy, channel: Channel) -> bool {
    channel == Channel::Online
        && policy.switches.online_card_delivery == crate::policy::OnlineCardDelivery::Post
}

/// The fee a resident pays for a new separate My Number card, in yen, paid when the card is
/// handed over.
///
/// §5.11, §8.4 [A MUNI-MN; A MUNI-FEE Matsuyama, Kawamata, Wanouchi]: a new card after a loss
/// costs 800 yen for the card and 200 for the certificates, 1,000 in all; so does a new card after
/// a foreign resident's card lapsed because its validity was not changed in time, or continued
/// use was not confirmed (Wanouchi lists both among the paid cases). The fee is paid at
/// collection, not at the application (Kawamata). The free cases (the card's own 10th or 5th
/// birthday reached, a disaster, the office's error) are not modelled.
pub fn my_number_card_fee_yen(reason: crate::procedure::MyNumberCardReissueReason) -> u32 {
    use crate::procedure::MyNumberCardReissueReason::{Lapsed, Lost};
    match reason {
        Lost { .. } | Lapsed => 800 + 200,
    }
}

/// A duty with a deadline (§10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    /// 転入届 within 14 days of moving (§5.3; 住基法22条).
    MoveInNotification,
    /// 転居届 within 14 days of moving (§5.2).
    MoveWithinNotification,
    /// My Number card continued use within 90 days of the 転入届 (§5.3).
    MyNumberContinuity,
    /// After a card-based move-out: 転入届 within 14 days of moving and 30 days of the planned date.
    MoveInAfterCardBasedMoveOut,
    /// Residence notification within 14 days of landing (§5.1, §10; 19条の7), or of the
    /// permission that made the person a mid-to-long-term resident (§5.5; 19条の8).
    ResidenceNotification,
    /// Non-address item change within 14 days (§5.9, §10; 19条の10).
    ItemChangeNotification,
    /// Reissue within 14 days of learning of a loss (§5.11, §10; 19条の12).
    LossReissue,
    /// PR / HSP(ii) card renewal before the card expires (§5.7, §10).
    CardRenewal,
    /// 出生届 within 14 days of the birth, the day of birth counted (§5.15; 戸籍法43条①・49条①).
    BirthNotification,
    /// 在留資格取得許可申請 within 30 days of the birth (§5.15; 入管法22条の2②).
    StatusAcquisitionApplication,
}

impl Duty {
    /// The last day to fulfil the duty, counted from `from`: the day it arose (the move, the
    /// landing, the change, learning of the loss, the move-in for continued use), or for
    /// [`Duty::CardRenewal`] the card's last valid day, which is itself the deadline.
    ///
    /// §10 [A NYUKAN-LAW 19条の7・19条の8・19条の10・19条の12; A MUNI-MOVE 住基法22条・23条]:
    /// the notifications and the reissue after a loss are due within 14 days; continued use of
    /// the My Number card within 90 days of the 転入届 (§5.3 [A MUNI-MOVE]); a PR or HSP(ii) card
    /// is renewed before it expires (§5.7). For the move-in after a card-based move-out this is
    /// the 14 days from the move; the second limit, 30 days from the planned move-out, is in
    /// [`late_move_in_after_card_based_move_out`]. Days are counted as in
    /// [`crate::calendar::deadline`], with the policy's weekend roll.
    pub fn deadline(self, from: NaiveDate, roll: DeadlineRoll) -> NaiveDate {
        match self {
            Duty::MoveInNotification
            | Duty::MoveWithinNotification
            | Duty::MoveInAfterCardBasedMoveOut
            | Duty::ResidenceNotification
            | Duty::ItemChangeNotification
            | Duty::LossReissue => deadline(from, 14, roll),
            Duty::MyNumberContinuity => deadline(from, 90, roll),
            Duty::CardRenewal => from,
            // 戸籍法43条① counts the day of the birth itself: 14 days from the day before.
            Duty::BirthNotification => deadline(from.pred_opt().unwrap_or(from), 14, roll),
            Duty::StatusAcquisitionApplication => deadline(from, 30, roll),
        }
    }

    /// What missing the duty's deadline costs.
    ///
    /// §10 [A MUNI-MOVE for the lapse; penalties B/C per duty]: a late move-in
    /// after a card-based move-out and a continued use not confirmed within 90 days make the My
    /// Number card lapse; every other duty only exposes the resident to a fine, which is
    /// flagged, never imposed.
    pub fn consequence(self) -> Consequence {
        match self {
            Duty::MyNumberContinuity | Duty::MoveInAfterCardBasedMoveOut => {
                Consequence::MyNumberCardLapses
            }
            Duty::MoveInNotification
            | Duty::MoveWithinNotification
            | Duty::ResidenceNotification
            | Duty::ItemChangeNotification
            | Duty::LossReissue
            | Duty::CardRenewal
            | Duty::BirthNotification => Consequence::PenaltyExposure,
            Duty::StatusAcquisitionApplication => Consequence::ExplanationRequired,
        }
    }

    /// The fact recorded when the duty's `deadline` passed unmet: the duty, the deadline and
    /// its [`Duty::consequence`] (§10).
    pub fn missed(self, resident: ResidentId, deadline: NaiveDate) -> Event {
        Event::DeadlineMissed {
            resident,
            duty: self,
            deadline,
            consequence: self.consequence(),
        }
    }

    /// The deadline a filing on `filed_on` missed, counted from `from` ([`Duty::deadline`]), as
    /// the fact to record; `None` when it was in time. A late filing is still accepted (§10).
    pub fn late_filing(
        self,
        resident: ResidentId,
        from: NaiveDate,
        filed_on: NaiveDate,
        roll: DeadlineRoll,
    ) -> Option<Event> {
        let deadline = self.deadline(from, roll);
        (filed_on > deadline).then(|| self.missed(resident, deadline))
    }
}

/// What a missed deadline costs (§10). Penalties are flagged, never imposed automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Consequence {
    /// Exposure to a fine (過料 / 罰金); the filing is still accepted.
    PenaltyExposure,
    /// The My Number card lapses.
    MyNumberCardLapses,
    /// The filing is received with a written reason for the delay (理由書), and the status
    /// applied for is at risk (§5.15 [B]).
    ExplanationRequired,
}

/// Why a separate My Number card was invalidated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvalidationReason {
    /// A Tokutei card replaced it (§16.6 switch).
    ReplacedByTokutei,
    /// Continued use was not confirmed within 90 days of the move-in (§5.3).
    ContinuityNotConfirmed,
    /// The move-in after a card-based move-out was late (§5.3).
    LateMoveInAfterCardBasedMoveOut,
    /// A standard card replaced the Tokutei card (after a loss, per the switch of §16.1).
    ReplacedByStandardCard,
    /// The card was reported lost at the municipal window (紛失届, §5.11 [A MUNI-LOSS]).
    ReportedLost,
    /// The register entry was deleted (職権消除, §6 N2): a My Number card lapses with the entry
    /// [B: municipal and secondary guides list "住所が抹消された場合"; C recollection of
    /// 番号利用法施行令14条].
    RegisterEntryDeleted,
    /// The register entry was closed on a notice of a move abroad (国外転出届, §5.14): a foreign
    /// resident's My Number card ends with the entry [C: the card is returned at the window on
    /// a move abroad, recollection of 番号利用法施行令; the 2024 continued use abroad is for
    /// holders of a 戸籍の附票, i.e. Japanese nationals].
    MovedAbroad,
}

/// Why a signature certificate was revoked (§8.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum RevocationReason {
    AddressChanged,
    /// A change of name, sex or date of birth (§8.5).
    ItemChanged {
        item: crate::procedure::ChangedItem,
    },
}

/// Which card law governs a card issued on `date`.
///
/// Under the legacy regime the amendment never comes into force; under the integrated regime it
/// applies from the policy's start date (§3 [A* ISA-PROC], §8.2).
pub fn card_law(policy: &Policy, date: NaiveDate) -> CardLaw {
    if policy.regime == Regime::Integrated && date >= policy.start_date {
        CardLaw::Amended
    } else {
        CardLaw::Old
    }
}

/// The deadline a late move-in after a card-based move-out (特例転出) missed, if any.
///
/// §5.3 and §10 [A MUNI-MOVE]: after a card-based move-out the 転入届 must be made
/// within 14 days of moving and within 30 days of the planned move-out date, otherwise the My
/// Number card lapses. Returns the earlier deadline that was missed.
pub fn late_move_in_after_card_based_move_out(
    moved_on: NaiveDate,
    planned_on: NaiveDate,
    filed_on: NaiveDate,
    roll: DeadlineRoll,
) -> Option<NaiveDate> {
    let after_move = Duty::MoveInAfterCardBasedMoveOut.deadline(moved_on, roll);
    let after_plan = deadline(planned_on, 30, roll);
    let missed = after_move.min(after_plan);
    (filed_on > after_move || filed_on > after_plan).then_some(missed)
}

/// The kind of residence document the bureau issues.
///
/// §2: a special permanent resident holds an SPR certificate, everyone else a
/// residence card; cards issued under the amended law are new-format (second generation) [A\*
/// ISA-PROC; B IMS]; with a Tokutei application they are Tokutei cards (§3 [A SHUGIIN]).
pub fn residence_document_kind(law: CardLaw, status: Status, tokutei: bool) -> CardKind {
    let spr = status == Status::SpecialPermanentResident;
    match (law, spr, tokutei) {
        (_, false, true) => CardKind::TokuteiResidenceCard,
        (_, true, true) => CardKind::TokuteiSprCertificate,
        (CardLaw::Old, false, false) => CardKind::ResidenceCard,
        (CardLaw::Old, true, false) => CardKind::SprCertificate,
        (CardLaw::Amended, false, false) => CardKind::NewFormatResidenceCard,
        (CardLaw::Amended, true, false) => CardKind::NewFormatSprCertificate,
    }
}

/// Whether the Basic Resident Register takes a foreign national of `status`: `None` if it does,
/// or the rule that refuses the entry.
///
/// 住民基本台帳法 30条の45 [A* as recalled in docs/domain.md §3 and §5.1]: the
/// foreign nationals recorded in the register are the mid-to-long-term residents (中長期在留者,
/// 入管法19条の3) and the special permanent residents (and persons under temporary protection or
/// in a transitional stay, not modelled); a short-term visitor or a diplomat is not, and gets no
/// register entry, no My Number and no notice to the bureau. The same people hold a residence
/// card or SPR certificate ([`Status::is_card_holding`]).
pub fn register_refusal(status: Status) -> Option<RefusalRule> {
    (!status.in_register_scope()).then_some(RefusalRule::NotInRegisterScope { status })
}

/// The last day a child born in Japan on `born_on` may stay without a status of residence.
///
/// §5.15 [A* 入管法22条の2①, quoted by scriveners (visa-work.com, office-yamanami.com): "出生…
/// の日から60日を限り、引き続き在留資格を有することなく本邦に在留することができる"]: the 60 days
/// count from the day after the birth (民法140条, as every deadline of §5). An application for a
/// status filed later is not received as one (`status_acquisition_after_sixty_days`).
pub fn stay_without_status_ends(born_on: NaiveDate) -> NaiveDate {
    born_on + chrono::Duration::days(60)
}

/// Where a Tokutei application is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Venue<'a> {
    Bureau,
    /// The window of this municipality (whose start date may differ, §3).
    Municipality(&'a Municipality),
}

/// What the eligibility check needs to know about a Tokutei application.
#[derive(Debug, Clone, Copy)]
pub struct TokuteiApplication<'a> {
    pub date: NaiveDate,
    pub venue: Venue<'a>,
    pub channel: Channel,
    /// The procedure it is attached to; `None` for a stand-alone application.
    pub attached_to: Option<Procedure>,
    pub status: Status,
    pub registered: bool,
}

/// Whether a Tokutei application must be refused, and by which rule.
///
/// §3 (eligibility: mid-to-long-term or SPR, recorded in the register [A
/// SHUGIIN]; start 2026-06-14, bureau counters from 2026-06-15 [A* ISA-PROC; B]), §4 (attached to
/// another procedure, not online, not at the port of entry [A ISA-QA A2-1; B MNAKAMURA; C]),
/// §11. The checks run in the order a clerk would: the law, the venue, then the person.
pub fn tokutei_refusal(policy: &Policy, app: &TokuteiApplication<'_>) -> Option<RefusalRule> {
    if policy.regime == Regime::Legacy {
        return Some(RefusalRule::TokuteiNotInRegime);
    }
    if app.date < policy.start_date {
        return Some(RefusalRule::TokuteiBeforeStartDate {
            start_date: policy.start_date,
        });
    }
    match app.channel {
        Channel::Online if policy.switches.refuse_tokutei_online => {
            return Some(RefusalRule::TokuteiOnline);
        }
        Channel::Airport if policy.switches.refuse_tokutei_at_port => {
            return Some(RefusalRule::TokuteiAtPortOfEntry);
        }
        _ => {}
    }
    // §3 [B]: municipal start dates may vary (`municipal_adoption`).
    let opens_on = match app.venue {
        Venue::Bureau => policy.bureau_counters_from,
        Venue::Municipality(m) => match policy.municipal_counters_open_from(m) {
            Some(d) => d,
            None if app.channel == Channel::Counter => {
                return Some(RefusalRule::TokuteiNotOfferedHere);
            }
            None => policy.municipal_counters_from,
        },
    };
    if app.channel == Channel::Counter && app.date < opens_on {
        return Some(RefusalRule::TokuteiCounterNotOpen { opens_on });
    }
    if app.attached_to.is_none() {
        return Some(RefusalRule::TokuteiStandAlone);
    }
    // §5.15 [C]: a child applying for its first status becomes a mid-to-long-term resident by
    // the grant the Tokutei card rides on (switch `tokutei_with_status_acquisition`).
    let acquiring = app.attached_to == Some(Procedure::StatusAcquisition)
        && app.status == Status::TransitionalStayer
        && policy.switches.tokutei_with_status_acquisition;
    if !app.status.is_card_holding() && !acquiring {
        return Some(RefusalRule::TokuteiNotMidToLongTerm { status: app.status });
    }
    if !app.registered {
        return Some(RefusalRule::TokuteiNotInResidentRegister);
    }
    None
}

/// One office that must hear of an event, and the number of that notification in the table of
/// §6 (`N1` … `N9`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notified {
    pub to: Service,
    pub code: &'static str,
}

const fn to(to: Service, code: &'static str) -> Notified {
    Notified { to, code }
}

const N1: Notified = to(Service::ImmigrationBureau, "N1");
const N2: Notified = to(Service::ImmigrationBureau, "N2");
const N3: Notified = to(Service::CityHall, "N3");
const N4: Notified = to(Service::CardIssuer, "N4");
const N5: Notified = to(Service::ImmigrationBureau, "N5");
const N7: Notified = to(Service::ImmigrationBureau, "N7");
const N8_TO_CARD_ISSUER: Notified = to(Service::CardIssuer, "N8");
const N8_TO_CITY_HALL: Notified = to(Service::CityHall, "N8");
const N9: Notified = to(Service::CityHall, "N9");

/// The offices (other than the emitter's own follow-up) that are told of an event, in delivery
/// order, each with its notification number: the notification table of §6.
///
/// N1/N2 municipality → bureau (address, registration) [A JLT-ORDER, A* 61-8-2]; N3 bureau →
/// municipality (status, period, card number) [C, practice B ANJ]; N4 bureau → J-LIS (Tokutei
/// request) [A SHUGIIN]; N5 J-LIS → bureau (card produced) [A implied]; N7 municipality → bureau
/// (a Tokutei application forwarded) [C, addressed to the bureau per A SHUGIIN]; N8 municipality ↔ J-LIS (validity,
/// certificates, suspension) [A MUNI-MN/CERT]; N9 new → former municipality [A* 住基法9条].
///
/// Every event is listed, those that stay inside their office with an empty list, so that a new
/// event cannot notify nobody by omission: the match has no catch-all arm.
pub fn notified(event: &Event) -> &'static [Notified] {
    match event {
        // N3: the bureau tells the municipality; a Tokutei card also concerns J-LIS (N4).
        Event::PeriodOfStayExtended { .. }
        | Event::StatusChanged { .. }
        | Event::ItemChangeNotified { .. } => &[N3],
        Event::ResidenceCardIssued { card, .. } if card.kind.is_tokutei() => &[N3, N4],
        Event::ResidenceCardIssued { .. } => &[N3],
        Event::TokuteiCardRequested { .. } | Event::TokuteiCardReturned { .. } => &[N4],
        Event::TokuteiCardProduced { .. } => &[N5],
        // N1 (and the address written on a My Number card / certificate revocation, N8).
        Event::MovedWithinMunicipality { .. } => &[N1, N8_TO_CARD_ISSUER],
        // N1, N8 and N9 (the former municipality is the city hall service itself).
        Event::MoveInRecorded { .. } => &[N1, N8_TO_CARD_ISSUER, N9],
        // N1 (first residence notification) and N7 (applications forwarded to the bureau).
        Event::ResidenceNotified { .. } | Event::BirthRegistered { .. } => &[N1],
        Event::ApplicationForwarded { .. } | Event::SprApplicationForwarded { .. } => &[N7],
        // N2 (a register entry deleted, 61条の8の2) and N8 (the My Number card lapses with it).
        Event::RegisterEntryDeleted { .. } => &[N2, N8_TO_CARD_ISSUER],
        // The same for an entry closed on a move abroad (§5.14).
        Event::MoveAbroadRecorded { .. } => &[N2, N8_TO_CARD_ISSUER],
        // N3: the bureau tells the municipality that the resident left for good (§5.14 [C]).
        Event::Departed { .. } => &[N3],
        Event::MyNumberCardValidityChanged { .. }
        | Event::MyNumberCardSpecialPeriodExtended { .. }
        | Event::RegisterItemUpdated { .. }
        | Event::PinResetAtCounter { .. }
        | Event::MyNumberCardReissueApplied { .. }
        | Event::MyNumberCardIssued { .. }
        | Event::MyNumberCardItemsUpdated { .. } => &[N8_TO_CARD_ISSUER],
        Event::DeadlineMissed { consequence, .. } => match consequence {
            Consequence::MyNumberCardLapses => &[N8_TO_CARD_ISSUER],
            Consequence::PenaltyExposure | Consequence::ExplanationRequired => &[],
        },
        // N8, J-LIS → municipality.
        Event::MyNumberCardInvalidated { .. } | Event::MyNumberCardProduced { .. } => {
            &[N8_TO_CITY_HALL]
        }
        // Facts that stay with the office that recorded them.
        Event::CounterVisited { .. }
        | Event::ProcedureRefused { .. }
        | Event::ImmigrationRecordOpened { .. }
        | Event::ExtensionApplied { .. }
        | Event::TokuteiApplicationAccepted { .. }
        | Event::TokuteiApplicationRefused { .. }
        | Event::ExtensionGranted { .. }
        | Event::ExtensionRefused { .. }
        | Event::CardReadyForCollection { .. }
        | Event::AddressRecorded { .. }
        | Event::StatusChangeApplied { .. }
        | Event::StatusChangeGranted { .. }
        | Event::PermanentResidenceApplied { .. }
        | Event::PermanentResidenceGranted { .. }
        | Event::ApplicationRefused { .. }
        | Event::ApplicationSuperseded { .. }
        | Event::CardApplicationReceived { .. }
        | Event::Landed { .. }
        | Event::ResidentRegistered { .. }
        | Event::MoveOutRecorded { .. }
        | Event::RegisterEntryClosed { .. }
        | Event::RegisterDeletionRecorded { .. }
        | Event::DepartureNotified { .. }
        | Event::ImmigrationDataUpdated { .. }
        | Event::OlderPeriodNoticeIgnored { .. }
        | Event::OlderStatusNoticeIgnored { .. }
        | Event::OlderCardNoticeIgnored { .. }
        | Event::OlderAddressNoticeIgnored { .. }
        | Event::MyNumberContinuityDue { .. }
        | Event::MyNumberContinuityConfirmed { .. }
        | Event::MyNumberCardWithdrawn { .. }
        | Event::CardIssuerRecordOpened { .. }
        | Event::MyNumberCardValidityRecorded { .. }
        | Event::CertificatesIssued { .. }
        | Event::SignatureCertificateRevoked { .. }
        | Event::MyNumberCardExpired { .. }
        | Event::TokuteiProductionStarted { .. }
        | Event::MyNumberFunctionsActivated { .. }
        | Event::MyNumberFunctionsExpired { .. }
        | Event::MyNumberFunctionsSuspended { .. }
        | Event::PinLocked { .. }
        | Event::PinUnlocked { .. }
        | Event::MyNumberCardProductionStarted { .. }
        | Event::MyNumberCardActivated { .. }
        | Event::CardMailed { .. }
        | Event::MailedCardDelivered { .. }
        | Event::CounterCapacityReached { .. }
        | Event::ProductionQueued { .. }
        | Event::StatusAcquisitionApplied { .. }
        | Event::StatusAcquisitionGranted { .. }
        | Event::LossReported { .. } => &[],
    }
}

/// An item of a receiving office's record that a notice of §6 sets: the address the bureau
/// keeps (N1), and the status, period of stay and card number in the register (N3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecordItem {
    Address,
    Status,
    Period,
    Card,
}

impl RecordItem {
    pub const ALL: [RecordItem; 4] = [
        RecordItem::Address,
        RecordItem::Status,
        RecordItem::Period,
        RecordItem::Card,
    ];
}

/// The items of `to`'s record that a notice of `event` sets, so that a late notice of an older
/// fact can be told from a newer one ([`crate::machine::NoticeOrder`]; issue 8: a record never
/// moves backwards).
///
/// §6 [C, as [`notified`]]: N1 gives the bureau the resident's address (a residence
/// notification, a move within or into a municipality); N3 gives the register the status and
/// period of a change of status, the period of an extension, and the number of a new card.
/// Other notices set nothing that a later one of the same kind replaces: a request, a card
/// produced, an entry closed are each acted on once.
pub fn items_set(event: &Event, to: Service) -> &'static [RecordItem] {
    use RecordItem::{Address, Card, Period, Status};
    match (event, to) {
        (
            Event::ResidenceNotified { .. }
            | Event::BirthRegistered { .. }
            | Event::MovedWithinMunicipality { .. }
            | Event::MoveInRecorded { .. },
            Service::ImmigrationBureau,
        ) => &[Address],
        (Event::StatusChanged { .. }, Service::CityHall) => &[Status, Period],
        (Event::PeriodOfStayExtended { .. }, Service::CityHall) => &[Period],
        (Event::ResidenceCardIssued { .. }, Service::CityHall) => &[Card],
        _ => &[],
    }
}

/// The notification number of §6 that a delivery of `event` to `to` represents
/// (a lookup in [`notified`]); `None` when `to` is not told of the event.
pub fn notification_code(event: &Event, to: Service) -> Option<&'static str> {
    notified(event).iter().find(|n| n.to == to).map(|n| n.code)
}

/// When a notice of an event that `from` recorded at `sent` is taken up by `to`, and how long
/// after `sent` that is.
///
/// §6: the offices exchange notices over links whose delays are not published;
/// the policy gives each link a latency ([`crate::policy::Latencies`], defaults documented
/// there [C]), and the notice arrives that long after the event. An office that works on
/// business days only ([`works_on`]) takes up a notice that arrives on a day it is closed at
/// 09:00 on its next working day (docs/domain.md §5 [C], switch `offices_work`). The scheduler
/// delivers by it, and the teaching reports draw by it.
pub fn notice_delivery(
    policy: &Policy,
    from: Service,
    to: Service,
    sent: SimTime,
) -> (Latency, SimTime) {
    let latency = policy.latency.of(Link { from, to });
    let arrives = sent + latency.as_duration();
    let taken_up = taken_up(policy, to, arrives);
    if taken_up == arrives {
        return (latency, arrives);
    }
    let minutes = u32::try_from((taken_up - sent).num_minutes()).unwrap_or(u32::MAX);
    (Latency::minutes(minutes), taken_up)
}

/// When `to` takes up a notice that reaches it at `arrives`: then, on a day it works
/// ([`works_on`]); otherwise at 09:00 on its next working day (§5, §6 [C]).
pub fn taken_up(policy: &Policy, to: Service, arrives: SimTime) -> SimTime {
    let day = arrives.date();
    if works_on(policy, to, day) {
        return arrives;
    }
    let mut next = day.succ_opt().unwrap_or(day);
    while !works_on(policy, to, next) {
        next = next.succ_opt().unwrap_or(next);
    }
    crate::time::opening_time(next)
}

/// Whether `service` processes notices and decides on `date`.
///
/// docs/domain.md §5 [C]: the bureau and the municipalities work on business days (not on the
/// administrative holidays of [`crate::calendar::closed_day`]) unless the policy says every day
/// (`offices_work`); J-LIS's systems and call centre, and the police, run every day [A
/// MUNI-LOSS for the call centre's 24 hours; C for the rest].
pub fn works_on(policy: &Policy, service: Service, date: NaiveDate) -> bool {
    match service {
        Service::ImmigrationBureau | Service::CityHall => {
            policy.switches.offices_work == OfficeDays::EveryDay
                || crate::calendar::closed_day(date).is_none()
        }
        Service::CardIssuer | Service::Police => true,
    }
}

/// Whether the counter of `office` is open to residents on `date`.
///
/// docs/domain.md §5 [C recollection of 行政機関の休日に関する法律 art. 1]: the bureau's counters
/// and the municipal windows are closed on Saturdays, Sundays, national holidays and 12/29–1/3
/// ([`crate::calendar::closed_day`]); the municipal windows — and the bureau's counters too, in
/// a what-if — open on Sundays where the policy says so (`sunday_counters`, 休日開庁 [C]). A
/// police box and the My Number call centre (24 h, 365 days [A MUNI-LOSS]) are always open.
pub fn counter_open(policy: &Policy, office: Office, date: NaiveDate) -> bool {
    use crate::calendar::ClosedDay;
    match office {
        Office::Police | Office::CallCentre => true,
        Office::ImmigrationBureau | Office::CityHall => match crate::calendar::closed_day(date) {
            None => true,
            Some(ClosedDay::Sunday) => policy.switches.sunday_counters.opens(office),
            Some(_) => false,
        },
    }
}

/// Whether `command` can be done on `date` (docs/domain.md §5): its counter is open
/// ([`counter_open`]; a card waits at the bureau's or the municipality's, so either will do), or
/// for a decision the bureau works that day ([`works_on`]). Online filings, card-based
/// move-outs, landings and an office's timers can be done any day.
pub fn can_be_done_on(policy: &Policy, command: &crate::command::Command, date: NaiveDate) -> bool {
    use crate::command::Place;
    match command.place() {
        Place::Counter(office) => counter_open(policy, office, date),
        Place::CardCounter => {
            counter_open(policy, Office::ImmigrationBureau, date)
                || counter_open(policy, Office::CityHall, date)
        }
        Place::BureauDesk => works_on(policy, Service::ImmigrationBureau, date),
        Place::Anywhere => true,
    }
}

/// The first moment at or after `t` when the counter of `office` is open: 09:00–17:00
/// ([`crate::time::counter_time`]) on a day [`counter_open`] allows.
pub fn next_counter_time(policy: &Policy, office: Office, t: SimTime) -> SimTime {
    let mut at = crate::time::counter_time(t);
    while !counter_open(policy, office, at.date()) {
        let next = at.date().succ_opt().unwrap_or(at.date());
        at = crate::time::opening_time(next);
    }
    at
}

/// How a pending residence application (extension, change of status, permanent residence)
/// ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingEnd {
    /// Refused: the refusal is the disposition, and its day is the last day of any special
    /// period (§9).
    Refused,
    /// Left without a decision: a status without a period of stay was granted meanwhile, so
    /// there is nothing left to extend or change (§5.6).
    Superseded,
    /// Granted, and a card was issued: the grant takes effect with it (§5.4, §9 [A* MOJ 2010]:
    /// permission is effected by issuing the card; docs/decisions/0004).
    CardIssued,
}

/// Whether `event` ends a pending application for `procedure`, `granted` or not yet.
///
/// §5.4–§5.6 and §9: a pending application ends with its disposition — a refusal,
/// or a grant once the new card is issued (the next residence card issued to the resident
/// carries the grant, whatever procedure it is issued for) — or when a status without a period
/// of stay makes it moot. Any other event leaves it pending. The bureau's record and the card
/// record's special period both end a pending application by this one rule.
pub fn pending_application_end(
    event: &Event,
    procedure: Procedure,
    granted: bool,
) -> Option<PendingEnd> {
    match event {
        Event::ExtensionRefused { .. } if procedure == Procedure::Extension => {
            Some(PendingEnd::Refused)
        }
        Event::ApplicationRefused { procedure: p, .. } if *p == procedure => {
            Some(PendingEnd::Refused)
        }
        Event::ApplicationSuperseded { procedure: p, .. } if *p == procedure => {
            Some(PendingEnd::Superseded)
        }
        Event::ResidenceCardIssued { .. } if granted => Some(PendingEnd::CardIssued),
        _ => None,
    }
}

/// The seven airports where the residence card is handed over on landing (§5.1 [A ISA-PORT]);
/// elsewhere it is issued after the residence notification.
pub const CARD_AT_LANDING_PORTS: [&str; 7] = [
    "new_chitose",
    "narita",
    "haneda",
    "chubu",
    "kansai",
    "hiroshima",
    "fukuoka",
];

/// Where the card a procedure produces waits for the resident: the counter of the office that
/// hands it over, given the holder's `status` and the office where the procedure was `filed_at`.
///
/// docs/domain.md §5.8, §4, §16.7: an SPR certificate — renewed, reissued or replaced after an
/// item change, and a Tokutei SPR certificate alike, whatever procedure it was applied for with
/// — is handed over at the municipality, which the special permanent resident deals with for
/// every certificate procedure [A MUNI-SPR for the certificate; C that a Tokutei SPR certificate
/// follows it, being an SPR certificate (入管特例法16条の2, A* ISA-PROC)]. Any other card is
/// handed over by the bureau that issues it [A SHUGIIN], unless it was applied for at the
/// municipal window: where that card is collected is unknown (§16.7), and the switch
/// `municipal_tokutei_pickup` decides.
pub fn collected_at(policy: &Policy, status: Status, filed_at: Office) -> Office {
    use crate::policy::MunicipalTokuteiPickup;
    if status == Status::SpecialPermanentResident {
        return Office::CityHall;
    }
    match (filed_at, policy.switches.municipal_tokutei_pickup) {
        (Office::CityHall, MunicipalTokuteiPickup::MunicipalCounter) => Office::CityHall,
        _ => Office::ImmigrationBureau,
    }
}

/// Whether the residence card is handed over at landing at `port` (§5.1 [A ISA-PORT]).
pub fn card_handed_over_at_port(port: &str) -> bool {
    CARD_AT_LANDING_PORTS.contains(&port)
}

/// The card handed over at landing at `port` on `on`, if any: a standard residence card or SPR
/// certificate of the kind the law in force gives (§2), at the seven ports that hand cards over
/// (§5.1 [A ISA-PORT]); elsewhere, or for a status that holds no card, none (the card follows
/// the residence notification).
pub fn card_at_landing(
    policy: &Policy,
    port: &str,
    status: Status,
    on: NaiveDate,
) -> Option<CardKind> {
    (card_handed_over_at_port(port) && status.is_card_holding())
        .then(|| residence_document_kind(card_law(policy, on), status, false))
}

/// The first day a card-validity renewal may be filed (§5.7 [B IWS quoting ISA]; §5.8 [A
/// MUNI-SPR] for SPR certificates): two months before the expiry, or six months when the expiry
/// is the one tied to the 16th birthday. "Earlier if unavoidable" is not modelled.
pub fn renewal_window_opens(
    valid_through: NaiveDate,
    tied_to_sixteenth_birthday: bool,
) -> NaiveDate {
    let months = if tied_to_sixteenth_birthday { 6 } else { 2 };
    crate::calendar::add_months_clamped(valid_through, -months)
}

/// Whether a card's validity is tied to the 16th birthday: its last day is the day before the
/// 16th birthday (or the birthday itself, for cards issued before 2023-11-01) (§8.1, §8.3).
pub fn tied_to_sixteenth_birthday(born_on: NaiveDate, valid_through: NaiveDate) -> bool {
    let sixteenth = crate::calendar::birthday_in_year(born_on, born_on.year() + 16);
    valid_through == sixteenth || Some(valid_through) == sixteenth.pred_opt()
}

/// Whether a residence card is renewed by a validity renewal (§5.7) rather than replaced by an
/// extension: PR and HSP(ii) cards, SPR certificates, and cards tied to the 16th birthday.
pub fn card_is_renewable(status: Status, born_on: NaiveDate, valid_through: NaiveDate) -> bool {
    !status.has_period_of_stay() || tied_to_sixteenth_birthday(born_on, valid_through)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card_issued(kind: CardKind) -> Event {
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        Event::ResidenceCardIssued {
            resident: crate::ids::ResidentId(0),
            card: crate::card::ResidenceCard {
                kind,
                number: crate::card_number::ResidenceCardNumber::generate(1, 0, 2),
                issued_on: day,
                valid_through: day,
            },
            replaces: None,
        }
    }

    #[test]
    fn given_a_pending_application_when_events_arrive_then_only_its_disposition_ends_it() {
        let r = crate::ids::ResidentId(0);
        let refused = Event::ExtensionRefused {
            resident: r,
            expiry: None,
        };
        let pr_refused = Event::ApplicationRefused {
            resident: r,
            procedure: Procedure::PermanentResidence,
        };
        let superseded = Event::ApplicationSuperseded {
            resident: r,
            procedure: Procedure::StatusChange,
        };
        let issued = card_issued(CardKind::ResidenceCard);
        let end = pending_application_end;
        assert_eq!(
            end(&refused, Procedure::Extension, false),
            Some(PendingEnd::Refused)
        );
        assert_eq!(end(&refused, Procedure::StatusChange, false), None);
        assert_eq!(end(&pr_refused, Procedure::Extension, false), None);
        assert_eq!(
            end(&pr_refused, Procedure::PermanentResidence, false),
            Some(PendingEnd::Refused)
        );
        assert_eq!(
            end(&superseded, Procedure::StatusChange, false),
            Some(PendingEnd::Superseded)
        );
        // A card ends a granted application only: a card reissued meanwhile does not.
        assert_eq!(end(&issued, Procedure::Extension, false), None);
        assert_eq!(
            end(&issued, Procedure::Extension, true),
            Some(PendingEnd::CardIssued)
        );
    }

    #[test]
    fn given_a_notified_event_when_delivering_then_each_office_gets_its_code_after_the_latency() {
        let tokutei = card_issued(CardKind::TokuteiResidenceCard);
        let codes: Vec<(Service, &str)> =
            notified(&tokutei).iter().map(|n| (n.to, n.code)).collect();
        assert_eq!(
            codes,
            [(Service::CityHall, "N3"), (Service::CardIssuer, "N4")]
        );
        assert_eq!(notification_code(&tokutei, Service::CardIssuer), Some("N4"));
        assert_eq!(
            notification_code(&tokutei, Service::ImmigrationBureau),
            None
        );
        assert!(notified(&card_issued(CardKind::ResidenceCard)).len() == 1);
        let sent = crate::time::opening_time(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        let policy = Policy::default();
        let (latency, at) = notice_delivery(
            &policy,
            Service::ImmigrationBureau,
            Service::CardIssuer,
            sent,
        );
        assert_eq!(latency, Latency::hours(2));
        assert_eq!(at, sent + chrono::Duration::hours(2));
    }

    #[test]
    fn given_a_duty_when_asking_its_deadline_then_14_or_90_days_or_the_card_s_last_day() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let roll = DeadlineRoll::None;
        // 2026-07-01 + 14 days = 2026-07-15 (the event day is not counted, §10).
        for duty in [
            Duty::MoveInNotification,
            Duty::MoveWithinNotification,
            Duty::MoveInAfterCardBasedMoveOut,
            Duty::ResidenceNotification,
            Duty::ItemChangeNotification,
            Duty::LossReissue,
        ] {
            assert_eq!(duty.deadline(d(7, 1), roll), d(7, 15), "{duty:?}");
        }
        assert_eq!(Duty::MyNumberContinuity.deadline(d(7, 1), roll), d(9, 29));
        assert_eq!(Duty::CardRenewal.deadline(d(7, 4), roll), d(7, 4));
        // The weekend roll applies to counted deadlines: 2026-07-18 is a Saturday.
        let rolled = Duty::LossReissue.deadline(d(7, 4), DeadlineRoll::NextWeekday);
        assert_eq!(rolled, d(7, 20));
    }

    #[test]
    fn given_a_late_filing_when_checking_its_duty_then_the_miss_carries_the_duty_s_consequence() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let r = crate::ids::ResidentId(0);
        let roll = DeadlineRoll::None;
        let duty = Duty::MoveInNotification;
        assert_eq!(duty.late_filing(r, d(7, 1), d(7, 15), roll), None);
        assert_eq!(
            duty.late_filing(r, d(7, 1), d(7, 16), roll),
            Some(Event::DeadlineMissed {
                resident: r,
                duty,
                deadline: d(7, 15),
                consequence: Consequence::PenaltyExposure,
            })
        );
        assert_eq!(
            Duty::MyNumberContinuity.consequence(),
            Consequence::MyNumberCardLapses
        );
        assert_eq!(
            Duty::MoveInAfterCardBasedMoveOut.consequence(),
            Consequence::MyNumberCardLapses
        );
    }

    fn app(date: (i32, u32, u32)) -> TokuteiApplication<'static> {
        TokuteiApplication {
            date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
            venue: Venue::Bureau,
            channel: Channel::Counter,
            attached_to: Some(Procedure::Extension),
            status: Status::EngineerSpecialistHumanities,
            registered: true,
        }
    }

    #[test]
    fn given_integrated_regime_when_applying_on_monday_after_start_then_accepted() {
        assert_eq!(
            tokutei_refusal(&Policy::default(), &app((2026, 6, 15))),
            None
        );
    }

    #[test]
    fn given_start_sunday_when_applying_at_bureau_then_counter_not_open() {
        let r = tokutei_refusal(&Policy::default(), &app((2026, 6, 14)));
        assert!(matches!(r, Some(RefusalRule::TokuteiCounterNotOpen { .. })));
    }

    #[test]
    fn given_each_ineligibility_then_the_named_rule_refuses() {
        let p = Policy::default();
        let before = tokutei_refusal(&p, &app((2026, 6, 1)));
        assert!(matches!(
            before,
            Some(RefusalRule::TokuteiBeforeStartDate { .. })
        ));
        let online = TokuteiApplication {
            channel: Channel::Online,
            ..app((2026, 7, 1))
        };
        assert_eq!(
            tokutei_refusal(&p, &online),
            Some(RefusalRule::TokuteiOnline)
        );
        let alone = TokuteiApplication {
            attached_to: None,
            ..app((2026, 7, 1))
        };
        assert_eq!(
            tokutei_refusal(&p, &alone),
            Some(RefusalRule::TokuteiStandAlone)
        );
        let visitor = TokuteiApplication {
            status: Status::TemporaryVisitor,
            ..app((2026, 7, 1))
        };
        assert!(matches!(
            tokutei_refusal(&p, &visitor),
            Some(RefusalRule::TokuteiNotMidToLongTerm { .. })
        ));
        let unregistered = TokuteiApplication {
            registered: false,
            ..app((2026, 7, 1))
        };
        assert_eq!(
            tokutei_refusal(&p, &unregistered),
            Some(RefusalRule::TokuteiNotInResidentRegister)
        );
        let legacy = Policy::with_regime(Regime::Legacy);
        assert_eq!(
            tokutei_refusal(&legacy, &app((2026, 7, 1))),
            Some(RefusalRule::TokuteiNotInRegime)
        );
    }

    #[test]
    fn the_register_takes_mid_to_long_term_and_special_permanent_residents_only() {
        for status in [Status::TemporaryVisitor, Status::Diplomat] {
            assert_eq!(
                register_refusal(status),
                Some(RefusalRule::NotInRegisterScope { status })
            );
        }
        for status in [
            Status::Student,
            Status::PermanentResident,
            Status::SpecialPermanentResident,
        ] {
            assert_eq!(register_refusal(status), None);
        }
    }

    #[test]
    fn a_newborn_is_in_the_register_and_its_deadlines_count_from_the_birth() {
        let born = NaiveDate::from_ymd_opt(2026, 7, 3).unwrap();
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(register_refusal(Status::TransitionalStayer), None);
        assert!(!Status::TransitionalStayer.is_card_holding());
        // 戸籍法43条: the day of birth counts, so 14 days from Friday 07-03 end on 07-16.
        let roll = DeadlineRoll::NextBusinessDay;
        assert_eq!(Duty::BirthNotification.deadline(born, roll), day(7, 16));
        // 30 days from the day after: Sunday 08-02, rolled to Monday 08-03.
        assert_eq!(
            Duty::StatusAcquisitionApplication.deadline(born, roll),
            day(8, 3)
        );
        assert_eq!(stay_without_status_ends(born), day(9, 1));
    }

    #[test]
    fn refusal_tags_are_the_serialized_tags() {
        let d = NaiveDate::from_ymd_opt(2026, 6, 14).unwrap();
        let samples = [
            RefusalRule::TokuteiBeforeStartDate { start_date: d },
            RefusalRule::TokuteiCounterNotOpen { opens_on: d },
            RefusalRule::TokuteiNotMidToLongTerm {
                status: Status::TemporaryVisitor,
            },
            RefusalRule::Validity {
                reason: RefusalReason::CardAlreadyExpired,
            },
            RefusalRule::RenewalWindowNotOpen { opens_on: d },
            RefusalRule::TokuteiOnline,
            RefusalRule::PinResetOnlyAtMunicipality,
            RefusalRule::NotInRegisterScope {
                status: Status::Diplomat,
            },
            RefusalRule::StatusAcquisitionAfterSixtyDays { born_on: d },
        ];
        for rule in samples {
            let v = serde_json::to_value(&rule).unwrap();
            assert_eq!(v["rule"].as_str(), Some(rule.tag()));
            assert!(RefusalRule::TAGS.contains(&rule.tag()));
        }
        assert_eq!(RefusalRule::TAGS.len(), 26);
    }

    #[test]
    fn card_law_switches_only_under_the_integrated_regime() {
        let d = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!(card_law(&Policy::default(), d), CardLaw::Amended);
        assert_eq!(
            card_law(&Policy::with_regime(Regime::Legacy), d),
            CardLaw::Old
        );
        let before = NaiveDate::from_ymd_opt(2026, 6, 13).unwrap();
        assert_eq!(card_law(&Policy::default(), before), CardLaw::Old);
    }

    #[test]
    fn given_sunday_counters_when_a_counter_is_asked_on_a_sunday_then_the_policy_decides_each_office()
     {
        use crate::policy::SundayCounters;
        let sunday = NaiveDate::from_ymd_opt(2026, 6, 14).unwrap();
        let holiday_monday = NaiveDate::from_ymd_opt(2026, 9, 21).unwrap();
        let saturday = NaiveDate::from_ymd_opt(2026, 6, 13).unwrap();
        let with = |value| {
            let mut p = Policy::default();
            p.switches.sunday_counters = value;
            p
        };
        let open = |p: &Policy, office, date| counter_open(p, office, date);
        let (bureau, city) = (Office::ImmigrationBureau, Office::CityHall);
        let none = with(SundayCounters::None);
        assert!(!open(&none, bureau, sunday) && !open(&none, city, sunday));
        let city_only = with(SundayCounters::CityHall);
        assert!(!open(&city_only, bureau, sunday) && open(&city_only, city, sunday));
        let both = with(SundayCounters::BureauAndCityHall);
        assert!(open(&both, bureau, sunday) && open(&both, city, sunday));
        // Only Sundays: a Saturday and a national holiday stay closed whatever the switch.
        for office in [bureau, city] {
            assert!(!open(&both, office, saturday));
            assert!(!open(&both, office, holiday_monday));
        }
        // The police box and the call centre never close.
        assert!(open(&none, Office::Police, saturday) && open(&none, Office::CallCentre, sunday));
    }

    #[test]
    fn given_an_spr_then_every_certificate_waits_at_the_city_hall_whatever_the_pickup_switch() {
        use crate::policy::MunicipalTokuteiPickup;
        let spr = Status::SpecialPermanentResident;
        let engineer = Status::EngineerSpecialistHumanities;
        for pickup in [
            MunicipalTokuteiPickup::BureauCounter,
            MunicipalTokuteiPickup::MunicipalCounter,
        ] {
            let mut p = Policy::default();
            p.switches.municipal_tokutei_pickup = pickup;
            for filed_at in [Office::CityHall, Office::ImmigrationBureau] {
                assert_eq!(collected_at(&p, spr, filed_at), Office::CityHall);
            }
            // Filed at the bureau: the bureau hands the card over.
            assert_eq!(
                collected_at(&p, engineer, Office::ImmigrationBureau),
                Office::ImmigrationBureau
            );
            // Filed at the municipal window: the switch decides (§16.7).
            let expected = match pickup {
                MunicipalTokuteiPickup::BureauCounter => Office::ImmigrationBureau,
                MunicipalTokuteiPickup::MunicipalCounter => Office::CityHall,
            };
            assert_eq!(collected_at(&p, engineer, Office::CityHall), expected);
        }
    }
}
