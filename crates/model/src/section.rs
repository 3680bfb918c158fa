//! Which section of the rulebook (`docs/domain.md`) each fact follows: the section of every
//! procedure, of every event an office records, and of every refusal rule.
//!
//! These are domain facts, kept in this one file so that the transcript, the teaching reports
//! and the office-visit table cite the same section for the same fact. A section is written as
//! the rulebook numbers it (`§5.4`), a notice with its §6 code (`§6 N4`), and several sections
//! joined by commas (`§8.2, §8.6, §14`); the report links each to its heading.

use crate::event::Event;
use crate::procedure::Procedure;
use crate::rules::{InvalidationReason, RefusalRule};
use crate::status::Status;
use crate::validity::RefusalReason;

impl Procedure {
    /// The section of docs/domain.md that describes the procedure: §5.1–§5.15 one per
    /// procedure, §3–§4 for a Tokutei application, and §5 (conventions common to all) for
    /// collecting a card.
    pub fn section(self) -> &'static str {
        match self {
            Procedure::Landing | Procedure::ResidenceNotification => "§5.1",
            Procedure::MoveWithinMunicipality => "§5.2",
            Procedure::MoveOut | Procedure::MoveIn | Procedure::MyNumberContinuity => "§5.3",
            Procedure::Extension | Procedure::MyNumberValidityChange => "§5.4",
            Procedure::StatusChange | Procedure::ResidenceNotificationAfterStatusChange => "§5.5",
            Procedure::PermanentResidence => "§5.6",
            Procedure::CardRenewal => "§5.7",
            Procedure::SprCertificateRenewal => "§5.8",
            Procedure::ItemChange | Procedure::MyNumberCardItemUpdate => "§5.9",
            Procedure::MyNumberCardReissue => "§5.11, §8.4",
            Procedure::Reissue => "§5.10",
            Procedure::LossReissue | Procedure::LossReport | Procedure::MyNumberSuspension => {
                "§5.11"
            }
            Procedure::PinReset => "§5.12",
            Procedure::MyNumberSpecialPeriodExtension => "§5.13",
            Procedure::TokuteiApplication => "§3, §4",
            Procedure::CardCollection => "§5",
            Procedure::DepartureNotification | Procedure::Departure => "§5.14",
            Procedure::BirthNotification | Procedure::StatusAcquisition => "§5.15",
        }
    }
}

impl Event {
    /// The section of docs/domain.md whose rule the office applied in recording the event;
    /// `None` for the records at the start of a run and for a counter visit, which no rule
    /// decides. A notice received cites its §6 code; an event that is a procedure's own record
    /// cites the procedure's section ([`Procedure::section`]).
    pub fn section(&self) -> Option<&'static str> {
        use Event::*;
        Some(match self {
            ImmigrationRecordOpened { .. }
            | ResidentRegistered { .. }
            | CardIssuerRecordOpened { .. }
            | CounterVisited { .. }
            | CardReadyForCollection { .. } => return None,
            ProcedureRefused { rule, .. } | TokuteiApplicationRefused { rule, .. } => {
                rule.section()
            }
            DeadlineMissed { .. } => "§10",
            // A capacity is the policy's assumption, not law (decision 17).
            CounterCapacityReached { .. } | ProductionQueued { .. } => "§16",
            ExtensionApplied { .. }
            | ExtensionGranted { .. }
            | ExtensionRefused { .. }
            | PeriodOfStayExtended { .. }
            | TokuteiProductionStarted { .. } => Procedure::Extension.section(),
            TokuteiApplicationAccepted { .. } => Procedure::TokuteiApplication.section(),
            TokuteiCardRequested { .. } => "§6 N4",
            ResidenceCardIssued { card, .. } => {
                if card.kind.is_tokutei() {
                    "§8.2, §8.6, §14"
                } else {
                    "§8, §14"
                }
            }
            AddressRecorded { .. } | OlderAddressNoticeIgnored { .. } => "§6 N1",
            StatusChangeApplied { .. } | StatusChangeGranted { .. } => {
                Procedure::StatusChange.section()
            }
            PermanentResidenceApplied { .. } | PermanentResidenceGranted { .. } => {
                Procedure::PermanentResidence.section()
            }
            // Permanent residence has no period of stay, so a pending application ends (§5.6).
            ApplicationSuperseded { .. } => Procedure::PermanentResidence.section(),
            ApplicationRefused { .. } => "§5",
            StatusChanged { from, .. } if *from == Status::TransitionalStayer => {
                Procedure::StatusAcquisition.section()
            }
            StatusChanged { to, .. } => {
                if *to == Status::PermanentResident {
                    Procedure::PermanentResidence.section()
                } else {
                    Procedure::StatusChange.section()
                }
            }
            CardApplicationReceived { procedure, .. } => procedure.section(),
            ItemChangeNotified { .. } => Procedure::ItemChange.section(),
            TokuteiCardReturned { .. } => "§1, §16.1",
            Landed { .. } | ResidenceNotified { .. } => Procedure::Landing.section(),
            MovedWithinMunicipality { .. } => Procedure::MoveWithinMunicipality.section(),
            MoveOutRecorded { .. } | MoveInRecorded { .. } => Procedure::MoveIn.section(),
            RegisterEntryClosed { .. } => "§6 N9",
            RegisterEntryDeleted { .. } | RegisterDeletionRecorded { .. } => "§6 N2",
            ImmigrationDataUpdated { .. }
            | RegisterItemUpdated { .. }
            | OlderPeriodNoticeIgnored { .. }
            | OlderStatusNoticeIgnored { .. }
            | OlderCardNoticeIgnored { .. } => "§6 N3",
            MyNumberCardValidityChanged { .. } => "§5.4, §8.4",
            ApplicationForwarded { .. } | SprApplicationForwarded { .. } => "§6 N7",
            MyNumberCardSpecialPeriodExtended { .. } => {
                Procedure::MyNumberSpecialPeriodExtension.section()
            }
            PinResetAtCounter { .. } | PinLocked { .. } | PinUnlocked { .. } => {
                Procedure::PinReset.section()
            }
            MyNumberContinuityDue { .. } | MyNumberContinuityConfirmed { .. } => {
                Procedure::MyNumberContinuity.section()
            }
            MyNumberCardWithdrawn { .. } | MyNumberCardValidityRecorded { .. } => "§6 N8",
            CertificatesIssued { .. } | SignatureCertificateRevoked { .. } => "§8.5",
            MyNumberCardExpired { .. } => "§5.4, §10",
            MyNumberCardInvalidated { reason, .. } => match reason {
                InvalidationReason::ReplacedByTokutei => "§16.6",
                InvalidationReason::ReplacedByStandardCard => "§5.11, §16.1",
                InvalidationReason::ReportedLost => "§5.11",
                InvalidationReason::ContinuityNotConfirmed
                | InvalidationReason::LateMoveInAfterCardBasedMoveOut => "§5.3",
                InvalidationReason::RegisterEntryDeleted => "§6 N2",
                InvalidationReason::MovedAbroad => Procedure::Departure.section(),
            },
            TokuteiCardProduced { .. } => "§6 N5",
            MyNumberFunctionsActivated { .. } => "§8.6",
            MyNumberFunctionsExpired { .. } => "§8.6, §9",
            MyNumberFunctionsSuspended { .. } => Procedure::MyNumberSuspension.section(),
            LossReported { .. } => Procedure::LossReport.section(),
            MyNumberCardReissueApplied { .. }
            | MyNumberCardIssued { .. }
            | MyNumberCardProductionStarted { .. }
            | MyNumberCardProduced { .. }
            | MyNumberCardActivated { .. } => Procedure::MyNumberCardReissue.section(),
            MyNumberCardItemsUpdated { .. } => Procedure::MyNumberCardItemUpdate.section(),
            CardMailed { .. } | MailedCardDelivered { .. } => "§5",
            Departed { .. } | DepartureNotified { .. } | MoveAbroadRecorded { .. } => {
                Procedure::Departure.section()
            }
            BirthRegistered { .. }
            | StatusAcquisitionApplied { .. }
            | StatusAcquisitionGranted { .. } => Procedure::StatusAcquisition.section(),
        })
    }
}

impl RefusalRule {
    /// The section of docs/domain.md that states the rule.
    pub fn section(&self) -> &'static str {
        match self {
            RefusalRule::TokuteiNotInRegime => "§7",
            RefusalRule::TokuteiBeforeStartDate { .. } => "§3, §11",
            RefusalRule::TokuteiCounterNotOpen { .. } => "§3",
            RefusalRule::TokuteiOnline => "§4, §11",
            RefusalRule::TokuteiAtPortOfEntry => "§4, §11",
            RefusalRule::TokuteiNotOfferedHere => "§3",
            RefusalRule::TokuteiStandAlone => "§4",
            RefusalRule::TokuteiNotMidToLongTerm { .. } => "§3",
            RefusalRule::TokuteiNotInResidentRegister => "§3",
            RefusalRule::NothingPending => "§5",
            RefusalRule::NoPeriodOfStay => "§5.4",
            RefusalRule::AlreadyPending => "§5.4",
            RefusalRule::NotRegisteredHere => "§5.3",
            RefusalRule::NoMyNumberCard => "§5.4",
            RefusalRule::HoldsTokuteiCard => "§8.6",
            RefusalRule::Validity { reason } => reason.section(),
            RefusalRule::RenewalWindowNotOpen { .. } => "§5.7",
            RefusalRule::NotRenewable => "§5.7",
            RefusalRule::PoliceReportMissing => "§5.11",
            RefusalRule::WrongOfficeForStatus => "§5.8",
            RefusalRule::NotExpectedHere => "§5.1",
            RefusalRule::UsePermanentResidenceApplication => "§5.6",
            RefusalRule::TokuteiNotForLossReissue => "§5.11, §16.1",
            RefusalRule::PinResetOnlyAtMunicipality => "§5.12, §16.5",
            RefusalRule::NotInRegisterScope { .. } => "§3, §5.1",
            RefusalRule::StatusAcquisitionAfterSixtyDays { .. } => "§5.15",
        }
    }
}

impl RefusalReason {
    /// The section of docs/domain.md the refusal rests on.
    pub fn section(&self) -> &'static str {
        match self {
            RefusalReason::CardAlreadyExpired => "§11",
            RefusalReason::PeriodNotYetNotified => "§5.4",
            RefusalReason::CardStillValid => "§5.4, §8.4",
            RefusalReason::SecondSpecialExtension
            | RefusalReason::ApplicationNotFiledBeforeExpiry
            | RefusalReason::NoPendingApplication => "§5.13",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ResidentId;

    #[test]
    fn an_application_cites_its_procedure_and_a_notice_its_code() {
        let r = ResidentId(0);
        let applied = Event::CardApplicationReceived {
            resident: r,
            procedure: Procedure::LossReissue,
            reissue: None,
        };
        assert_eq!(applied.section(), Some("§5.11"));
        let visit = Event::CounterVisited {
            resident: r,
            office: crate::service::Office::CityHall,
            municipality: None,
            procedure: Procedure::MoveIn,
        };
        assert_eq!(visit.section(), None);
        let closed = Event::RegisterEntryClosed {
            resident: r,
            municipality: crate::ids::Municipality::new("setagaya"),
        };
        assert_eq!(closed.section(), Some("§6 N9"));
    }

    #[test]
    fn a_change_to_permanent_residence_cites_the_permanent_residence_section() {
        let changed = |to| Event::StatusChanged {
            resident: ResidentId(0),
            from: Status::Student,
            to,
            new_expiry: None,
        };
        assert_eq!(changed(Status::PermanentResident).section(), Some("§5.6"));
        assert_eq!(changed(Status::SpouseOfJapanese).section(), Some("§5.5"));
    }

    #[test]
    fn a_validity_refusal_cites_the_reason_section() {
        assert_eq!(RefusalReason::CardAlreadyExpired.section(), "§11");
        let rule = RefusalRule::Validity {
            reason: RefusalReason::SecondSpecialExtension,
        };
        assert_eq!(rule.section(), "§5.13");
    }
}
