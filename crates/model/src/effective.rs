//! The legal date of a fact: the day it took effect in law, when that is not the day an office
//! recorded it.
//!
//! An office records a fact when it learns of it — a move when it is notified, a loss when it is
//! reported — but the law counts many facts from their own day: the resident lived at the new
//! address from the move, the name changed on the day it changed. The envelope keeps that day as
//! `effective_on` (docs/history.md, "Which events carry a legal date"), so that a log answers
//! both "what did each office know at the end of D" (`replay --as-of`) and "what was legally
//! true on D" (`replay --effective-on`). Which day is an event's legal date is a domain fact, and
//! this is its one function.

use chrono::NaiveDate;

use crate::event::Event;
use crate::policy::DispositionAt;

/// The legal date of `event`, recorded on `recorded_on`, when it is another day; `None` when
/// the fact took effect the day it was recorded. `decided_on` is the day the bureau decided,
/// when the event answers a decision communicated on a later day (a `decide_…` step with
/// `decided_on:`), and `disposition_at` the policy's switch of when a grant takes effect.
///
/// Sources, by event (docs/domain.md):
///
/// * a move within the municipality (転居, `MovedWithinMunicipality`) and a move-in (転入,
///   `MoveInRecorded`) take effect on the day of the move, `moved_on`; the notification that
///   records them follows within 14 days (§5.2, §5.3; A\* 19条の9③, 住基法22条);
/// * a move-out (転出届, `MoveOutRecorded`) takes effect on the planned day, `planned_on`, which
///   is usually after the notification (§5.3; A\* 住基法24条, A MUNI-MOVE);
/// * a non-address item (`ItemChangeNotified`) changed on `changed_on`, which the 14 days of
///   the notification count from (§5.9; A\* 19条の10);
/// * a card was lost (`LossReported`) on `lost_on`; the police report follows (§5.11; A\*
///   ACT-19-12);
/// * an application counts from the day it was filed, `filed_on`: the special period depends on
///   filing by the expiry (§9; A\* 入管法20条⑥, 21条④), and an application made at the municipal
///   window is filed there (§4, C), so a pending application on record from the start of a run
///   (`ExtensionApplied`, `StatusChangeApplied`, `PermanentResidenceApplied`, and a newborn's
///   `StatusAcquisitionApplied`, §5.15) or one forwarded
///   (`ApplicationForwarded`, and a special permanent resident's item change or reissue,
///   `SprApplicationForwarded`, §5.8) keeps its filing day;
/// * a duty left undone (`DeadlineMissed`) is breached from the day after its deadline (§10),
///   though a late filing only reveals it later;
/// * a My Number card or a Tokutei card's functions lapse (`MyNumberCardExpired`,
///   `MyNumberFunctionsExpired`) on the day after their last valid day (§5.4, §8.6, §10).
///
/// * a decision communicated days after it was made — the notice reaches the resident and the
///   offices' records on the day it is recorded — is dated the day it was made, the date of
///   permission (許可年月日) the notice and the new card state (§9, "When a decision is dated";
///   C): the grant or refusal (`ExtensionGranted`, `StatusChangeGranted`, `StatusAcquisitionGranted`,
///   `PermanentResidenceGranted`, `ExtensionRefused`, `ApplicationRefused`) and, when a grant
///   takes effect on the decision (`disposition_at: decision`), its effect (`PeriodOfStayExtended`,
///   `StatusChanged`, and a pending application it makes moot, `ApplicationSuperseded`); under
///   `card_issuance` the effect comes with the card, a fact of the day it is issued.
///
/// Every other event is a fact of the day it is recorded: a visit, a card issued or
/// handed over, a notice between offices (§6) and its effect on the receiving register. The
/// match names every event, so an event added later must say which it is.
pub fn effective_on(
    event: &Event,
    recorded_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    disposition_at: DispositionAt,
) -> Option<NaiveDate> {
    use Event::*;
    let legal = match event {
        ExtensionGranted { .. } | ApplicationRefused { .. } | StatusAcquisitionGranted { .. } => {
            decided_on?
        }
        PeriodOfStayExtended { .. } | StatusChanged { .. } | ApplicationSuperseded { .. } => {
            match disposition_at {
                DispositionAt::Decision => decided_on?,
                DispositionAt::CardIssuance => return None,
            }
        }
        MovedWithinMunicipality { moved_on, .. } | MoveInRecorded { moved_on, .. } => *moved_on,
        MoveOutRecorded { planned_on, .. } => *planned_on,
        ItemChangeNotified { changed_on, .. } => *changed_on,
        LossReported { lost_on, .. } => *lost_on,
        ExtensionApplied { filed_on, .. }
        | StatusChangeApplied { filed_on, .. }
        | PermanentResidenceApplied { filed_on, .. }
        | ApplicationForwarded { filed_on, .. }
        | SprApplicationForwarded { filed_on, .. }
        | StatusAcquisitionApplied { filed_on, .. } => *filed_on,
        DeadlineMissed { deadline, .. } => deadline.succ_opt()?,
        MyNumberCardExpired { valid_through, .. }
        | MyNumberFunctionsExpired { valid_through, .. } => valid_through.succ_opt()?,
        CounterVisited { .. }
        | ProcedureRefused { .. }
        | ImmigrationRecordOpened { .. }
        | TokuteiApplicationAccepted { .. }
        | TokuteiApplicationRefused { .. }
        | ExtensionRefused { .. }
        | TokuteiCardRequested { .. }
        | CardReadyForCollection { .. }
        | ResidenceCardIssued { .. }
        | AddressRecorded { .. }
        | StatusChangeGranted { .. }
        | PermanentResidenceGranted { .. }
        | CardApplicationReceived { .. }
        | TokuteiCardReturned { .. }
        | Landed { .. }
        | ResidentRegistered { .. }
        | RegisterEntryClosed { .. }
        | RegisterEntryDeleted { .. }
        | RegisterDeletionRecorded { .. }
        | ImmigrationDataUpdated { .. }
        | OlderPeriodNoticeIgnored { .. }
        | OlderStatusNoticeIgnored { .. }
        | OlderCardNoticeIgnored { .. }
        | OlderAddressNoticeIgnored { .. }
        | MyNumberCardValidityChanged { .. }
        | ResidenceNotified { .. }
        | MyNumberCardSpecialPeriodExtended { .. }
        | RegisterItemUpdated { .. }
        | PinResetAtCounter { .. }
        | MyNumberContinuityDue { .. }
        | MyNumberContinuityConfirmed { .. }
        | MyNumberCardWithdrawn { .. }
        | CardIssuerRecordOpened { .. }
        | MyNumberCardValidityRecorded { .. }
        | CertificatesIssued { .. }
        | SignatureCertificateRevoked { .. }
        | MyNumberCardInvalidated { .. }
        | TokuteiProductionStarted { .. }
        | TokuteiCardProduced { .. }
        | MyNumberFunctionsActivated { .. }
        | MyNumberFunctionsSuspended { .. }
        | PinLocked { .. }
        | PinUnlocked { .. }
        | CounterCapacityReached { .. }
        | ProductionQueued { .. }
        | MyNumberCardReissueApplied { .. }
        | MyNumberCardIssued { .. }
        | MyNumberCardItemsUpdated { .. }
        | MyNumberCardProductionStarted { .. }
        | MyNumberCardProduced { .. }
        | MyNumberCardActivated { .. }
        | CardMailed { .. }
        | MailedCardDelivered { .. }
        | Departed { .. }
        | DepartureNotified { .. }
        | MoveAbroadRecorded { .. } => return None,
        BirthRegistered { .. } => return None,
    };
    (legal != recorded_on).then_some(legal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{Address, Municipality, ResidentId};
    use crate::procedure::{ChangedItem, Procedure};
    use crate::rules::Duty;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    const R: ResidentId = ResidentId(0);

    /// The legal date of an event that answers no decision communicated later.
    fn legal(event: &Event, recorded_on: NaiveDate) -> Option<NaiveDate> {
        effective_on(event, recorded_on, None, DispositionAt::CardIssuance)
    }

    #[test]
    fn given_a_fact_of_an_earlier_day_when_recorded_later_then_its_legal_date_is_that_day() {
        let lost = Event::LossReported {
            resident: R,
            lost_on: d(9, 1),
            receipt: "20260902-000001".into(),
        };
        assert_eq!(legal(&lost, d(9, 2)), Some(d(9, 1)));
        let changed = Event::ItemChangeNotified {
            resident: R,
            item: ChangedItem::Name,
            changed_on: d(8, 1),
        };
        assert_eq!(legal(&changed, d(8, 20)), Some(d(8, 1)));
        // A late move-in reveals a duty breached from the day after its deadline.
        let missed = Duty::MoveInNotification.missed(R, d(7, 15));
        assert_eq!(legal(&missed, d(7, 20)), Some(d(7, 16)));
        // The same miss found by a timer at the start of the next day took effect then.
        assert_eq!(legal(&missed, d(7, 16)), None);
    }

    #[test]
    fn given_a_move_out_planned_for_later_when_recorded_then_it_takes_effect_on_the_planned_day() {
        let out = Event::MoveOutRecorded {
            resident: R,
            municipality: Municipality::new("setagaya"),
            to: Municipality::new("yokohama-naka"),
            planned_on: d(10, 3),
            card_based: false,
        };
        assert_eq!(legal(&out, d(9, 28)), Some(d(10, 3)));
        assert_eq!(legal(&out, d(10, 3)), None);
    }

    #[test]
    fn given_a_fact_of_the_day_when_recorded_then_no_other_legal_date() {
        let filed = Event::ApplicationForwarded {
            resident: R,
            procedure: Procedure::SprCertificateRenewal,
            tokutei: false,
            filed_on: d(8, 3),
        };
        assert_eq!(legal(&filed, d(8, 3)), None);
        let moved = Event::MovedWithinMunicipality {
            resident: R,
            municipality: Municipality::new("setagaya"),
            address: Address::new("1-1"),
            moved_on: d(8, 3),
            written_on: vec![],
        };
        assert_eq!(legal(&moved, d(8, 3)), None);
        let granted = Event::ExtensionGranted {
            resident: R,
            new_expiry: d(12, 31),
        };
        assert_eq!(legal(&granted, d(8, 3)), None);
        let lapsed = Event::MyNumberCardExpired {
            resident: R,
            valid_through: d(8, 2),
        };
        assert_eq!(legal(&lapsed, d(8, 3)), None);
    }

    #[test]
    fn given_a_decision_communicated_days_later_then_it_is_dated_the_day_it_was_made() {
        let granted = Event::ExtensionGranted {
            resident: R,
            new_expiry: d(12, 31),
        };
        let extended = Event::PeriodOfStayExtended {
            resident: R,
            previous_expiry: Some(d(7, 31)),
            new_expiry: d(12, 31),
        };
        let issued_on = d(8, 3);
        let decided = Some(d(7, 27));
        for disposition in [DispositionAt::CardIssuance, DispositionAt::Decision] {
            assert_eq!(
                effective_on(&granted, issued_on, decided, disposition),
                decided,
                "{disposition:?}"
            );
            // Decided the day it is communicated: nothing to record.
            assert_eq!(effective_on(&granted, issued_on, None, disposition), None);
        }
        // The grant's effect follows the decision only when permission takes effect on it;
        // otherwise it comes with the card, on the day recorded.
        assert_eq!(
            effective_on(&extended, issued_on, decided, DispositionAt::Decision),
            decided
        );
        assert_eq!(
            effective_on(&extended, issued_on, decided, DispositionAt::CardIssuance),
            None
        );
        // What else the decision's command records (the card) is a fact of its own day.
        let requested = Event::CardReadyForCollection {
            resident: R,
            kind: crate::card::CardKind::NewFormatResidenceCard,
            at: crate::service::Office::ImmigrationBureau,
        };
        assert_eq!(
            effective_on(&requested, issued_on, decided, DispositionAt::Decision),
            None
        );
    }
}
