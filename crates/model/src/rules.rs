//! Cross-office rules: which law is in force, who may apply for a Tokutei card, which office
//! hears of which event, and the names of refusals, duties and consequences.
//!
//! Each rule is one function with its source in the doc comment. Validity dates live in
//! [`crate::validity`]; deadline arithmetic in [`crate::calendar`].

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::calendar::{DeadlineRoll, deadline};
use crate::card::CardKind;
use crate::event::Event;
use crate::policy::{Policy, Regime};
use crate::procedure::Procedure;
use crate::service::{Channel, Service};
use crate::status::Status;
use crate::validity::{CardLaw, RefusalReason};

/// Why an office refused something. Each names the rule (a section of domain-rules.md).
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
}

impl RefusalRule {
    /// The section of domain-rules.md that states the rule.
    pub fn section(&self) -> &'static str {
        match self {
            RefusalRule::TokuteiNotInRegime => "§7",
            RefusalRule::TokuteiBeforeStartDate { .. } => "§3, §11",
            RefusalRule::TokuteiCounterNotOpen { .. } => "§3",
            RefusalRule::TokuteiOnline => "§4, §11",
            RefusalRule::TokuteiAtPortOfEntry => "§4, §11",
            RefusalRule::TokuteiStandAlone => "§4",
            RefusalRule::TokuteiNotMidToLongTerm { .. } => "§3",
            RefusalRule::TokuteiNotInResidentRegister => "§3",
            RefusalRule::NothingPending => "§5",
            RefusalRule::NoPeriodOfStay => "§5.4",
            RefusalRule::AlreadyPending => "§5.4",
            RefusalRule::NotRegisteredHere => "§5.3",
            RefusalRule::NoMyNumberCard => "§5.4",
            RefusalRule::HoldsTokuteiCard => "§8.6",
            RefusalRule::Validity { reason } => reason.rule(),
        }
    }
}

impl fmt::Display for RefusalRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefusalRule::TokuteiNotInRegime => {
                f.write_str("no Tokutei card exists in the legacy regime")
            }
            RefusalRule::TokuteiBeforeStartDate { start_date } => {
                write!(f, "the Tokutei card starts on {start_date}")
            }
            RefusalRule::TokuteiCounterNotOpen { opens_on } => {
                write!(
                    f,
                    "this counter accepts Tokutei applications from {opens_on}"
                )
            }
            RefusalRule::TokuteiOnline => {
                f.write_str("a Tokutei application cannot be made online")
            }
            RefusalRule::TokuteiAtPortOfEntry => {
                f.write_str("a Tokutei application cannot be made at the port of entry")
            }
            RefusalRule::TokuteiStandAlone => {
                f.write_str("a Tokutei application must be attached to another procedure")
            }
            RefusalRule::TokuteiNotMidToLongTerm { status } => write!(
                f,
                "only mid-to-long-term and special permanent residents may apply ({})",
                status.label()
            ),
            RefusalRule::TokuteiNotInResidentRegister => {
                f.write_str("the applicant is not recorded in the Basic Resident Register")
            }
            RefusalRule::NothingPending => f.write_str("nothing is pending for this resident"),
            RefusalRule::NoPeriodOfStay => {
                f.write_str("the status has no period of stay to extend")
            }
            RefusalRule::AlreadyPending => f.write_str("an application is already pending"),
            RefusalRule::NotRegisteredHere => {
                f.write_str("the resident is not registered at this municipality")
            }
            RefusalRule::NoMyNumberCard => f.write_str("the resident holds no My Number card"),
            RefusalRule::HoldsTokuteiCard => {
                f.write_str("a Tokutei card's validity follows the residence card")
            }
            RefusalRule::Validity { reason } => write!(f, "{reason}"),
        }?;
        write!(f, " ({})", self.section())
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
}

impl Duty {
    pub fn label(self) -> &'static str {
        match self {
            Duty::MoveInNotification => "move-in notification within 14 days",
            Duty::MoveWithinNotification => "address-change notification within 14 days",
            Duty::MyNumberContinuity => "My Number card continued use within 90 days",
            Duty::MoveInAfterCardBasedMoveOut => {
                "move-in within 14 days of moving / 30 days of the planned move-out"
            }
        }
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
}

/// Why a signature certificate was revoked (§8.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevocationReason {
    AddressChanged,
}

/// Which card law governs a card issued on `date`.
///
/// Under the legacy regime the amendment never comes into force; under the integrated regime it
/// applies from the policy's start date (domain-rules §3 [A* ISA-PROC], §8.2).
pub fn card_law(policy: &Policy, date: NaiveDate) -> CardLaw {
    if policy.regime == Regime::Integrated && date >= policy.start_date {
        CardLaw::Amended
    } else {
        CardLaw::Old
    }
}

/// The deadline a late move-in after a card-based move-out (特例転出) missed, if any.
///
/// domain-rules §5.3 and §10 [A MUNI-MOVE]: after a card-based move-out the 転入届 must be made
/// within 14 days of moving and within 30 days of the planned move-out date, otherwise the My
/// Number card lapses. Returns the earlier deadline that was missed.
pub fn late_move_in_after_card_based_move_out(
    moved_on: NaiveDate,
    planned_on: NaiveDate,
    filed_on: NaiveDate,
    roll: DeadlineRoll,
) -> Option<NaiveDate> {
    let after_move = deadline(moved_on, 14, roll);
    let after_plan = deadline(planned_on, 30, roll);
    let missed = after_move.min(after_plan);
    (filed_on > after_move || filed_on > after_plan).then_some(missed)
}

/// The kind of residence document the bureau issues.
///
/// domain-rules §2: a special permanent resident holds an SPR certificate, everyone else a
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

/// Where a Tokutei application is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Venue {
    Bureau,
    Municipality,
}

/// What the eligibility check needs to know about a Tokutei application.
#[derive(Debug, Clone, Copy)]
pub struct TokuteiApplication {
    pub date: NaiveDate,
    pub venue: Venue,
    pub channel: Channel,
    /// The procedure it is attached to; `None` for a stand-alone application.
    pub attached_to: Option<Procedure>,
    pub status: Status,
    pub registered: bool,
}

/// Whether a Tokutei application must be refused, and by which rule.
///
/// domain-rules §3 (eligibility: mid-to-long-term or SPR, recorded in the register [A
/// SHUGIIN]; start 2026-06-14, bureau counters from 2026-06-15 [A* ISA-PROC; B]), §4 (attached to
/// another procedure, not online, not at the port of entry [A ISA-QA A2-1; B MNAKAMURA; C]),
/// §11. The checks run in the order a clerk would: the law, the venue, then the person.
pub fn tokutei_refusal(policy: &Policy, app: &TokuteiApplication) -> Option<RefusalRule> {
    if policy.regime == Regime::Legacy {
        return Some(RefusalRule::TokuteiNotInRegime);
    }
    if app.date < policy.start_date {
        return Some(RefusalRule::TokuteiBeforeStartDate {
            start_date: policy.start_date,
        });
    }
    match app.channel {
        Channel::Online => return Some(RefusalRule::TokuteiOnline),
        Channel::Airport => return Some(RefusalRule::TokuteiAtPortOfEntry),
        Channel::Counter => {}
    }
    let opens_on = match app.venue {
        Venue::Bureau => policy.bureau_counters_from,
        Venue::Municipality => policy.municipal_counters_from,
    };
    if app.date < opens_on {
        return Some(RefusalRule::TokuteiCounterNotOpen { opens_on });
    }
    if app.attached_to.is_none() {
        return Some(RefusalRule::TokuteiStandAlone);
    }
    if !app.status.is_card_holding() {
        return Some(RefusalRule::TokuteiNotMidToLongTerm { status: app.status });
    }
    if !app.registered {
        return Some(RefusalRule::TokuteiNotInResidentRegister);
    }
    None
}

/// The services (other than the emitter's own follow-up) that are told of an event, per the
/// notification table of domain-rules §6.
///
/// N1/N2 municipality → bureau (address, registration) [A JLT-ORDER, A* 61-8-2]; N3 bureau →
/// municipality (status, period, card number) [C, practice B ANJ]; N4 bureau → J-LIS (Tokutei
/// request) [A SHUGIIN]; N5 J-LIS → bureau (card produced) [A implied]; N8 municipality ↔ J-LIS
/// (validity, certificates, suspension) [A MUNI-MN/CERT]; N9 new → former municipality [A*
/// 住基法9条]. Events that stay inside an office are delivered nowhere else.
pub fn notified(event: &Event) -> &'static [Service] {
    use Service::*;
    match event {
        // N3: the bureau tells the municipality; a Tokutei card also concerns J-LIS (N4).
        Event::PeriodOfStayExtended { .. } => &[CityHall],
        Event::ResidenceCardIssued { card, .. } if card.kind.is_tokutei() => {
            &[CityHall, CardIssuer]
        }
        Event::ResidenceCardIssued { .. } => &[CityHall],
        Event::TokuteiCardRequested { .. } => &[CardIssuer],
        // N5.
        Event::TokuteiCardProduced { .. } => &[ImmigrationBureau],
        // N1 (and the address written on a My Number card / certificate revocation, N8).
        Event::MovedWithinMunicipality { .. } => &[ImmigrationBureau, CardIssuer],
        // N1, N8 and N9 (the former municipality is the city hall service itself).
        Event::MoveInRecorded { .. } => &[ImmigrationBureau, CardIssuer, CityHall],
        // N8.
        Event::MyNumberCardValidityChanged { .. } => &[CardIssuer],
        Event::DeadlineMissed {
            consequence: Consequence::MyNumberCardLapses,
            ..
        } => &[CardIssuer],
        // N8, J-LIS → municipality.
        Event::MyNumberCardInvalidated { .. } => &[CityHall],
        _ => &[],
    }
}

/// The notification number of domain-rules §6 that a delivery of `event` to `to` represents.
pub fn notification_code(event: &Event, to: Service) -> Option<&'static str> {
    use Service::*;
    Some(match (event, to) {
        (Event::PeriodOfStayExtended { .. } | Event::ResidenceCardIssued { .. }, CityHall) => "N3",
        (Event::ResidenceCardIssued { .. }, CardIssuer) => "N4",
        (Event::TokuteiCardRequested { .. }, CardIssuer) => "N4",
        (Event::TokuteiCardProduced { .. }, ImmigrationBureau) => "N5",
        (
            Event::MovedWithinMunicipality { .. } | Event::MoveInRecorded { .. },
            ImmigrationBureau,
        ) => "N1",
        (Event::MoveInRecorded { .. }, CityHall) => "N9",
        (Event::MyNumberCardInvalidated { .. }, CityHall) => "N8",
        (_, CardIssuer) => "N8",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(date: (i32, u32, u32)) -> TokuteiApplication {
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
}
