//! One sentence per event, in English or Japanese: what the office that recorded it did. The
//! `run` transcript, the narrative, the Mermaid diagrams, the HTML report and the comparison's
//! divergence all say an event with [`describe`]; the rule behind it is the model's
//! (`Event::section`).
//!
//! The sentences are grouped by the office that records the events, one module each (and
//! within an office by family: the bureau's record, applications and cards; the city hall's
//! register and My Number card), and each event's English and Japanese sentences stand side
//! by side so that they are written and changed together. The nouns in them (offices, procedures, cards, statuses, reasons) come
//! from `labels`. [`describe`] lists every event type without a wildcard, so a new event does
//! not compile until it is given to a family; the family then says it in both languages.
//! My Numbers are only ever written in their masked form.

use model::card::CardKind;
use model::event::Event;

use crate::labels::{self, Lang};

mod any_office;
mod bureau;
mod card_issuer;
mod city_hall;

/// What `event` says, in `lang`: the office's deed, without the office (the caller names it)
/// and without the rule (`event.section()`).
pub fn describe(event: &Event, lang: Lang) -> String {
    use Event::*;
    match event {
        CounterVisited { .. }
        | ProcedureRefused { .. }
        | TokuteiApplicationRefused { .. }
        | DeadlineMissed { .. }
        | CounterCapacityReached { .. }
        | LossReported { .. } => any_office::describe(event, lang),
        ImmigrationRecordOpened { .. }
        | AddressRecorded { .. }
        | OlderAddressNoticeIgnored { .. }
        | RegisterDeletionRecorded { .. }
        | ItemChangeNotified { .. }
        | Landed { .. }
        | Departed { .. } => bureau::record(event, lang),
        ExtensionApplied { .. }
        | TokuteiApplicationAccepted { .. }
        | ExtensionGranted { .. }
        | ExtensionRefused { .. }
        | PeriodOfStayExtended { .. }
        | StatusChangeApplied { .. }
        | StatusChangeGranted { .. }
        | PermanentResidenceApplied { .. }
        | PermanentResidenceGranted { .. }
        | ApplicationRefused { .. }
        | ApplicationSuperseded { .. }
        | StatusChanged { .. }
        | StatusAcquisitionApplied { .. }
        | StatusAcquisitionGranted { .. } => bureau::applications(event, lang),
        CardApplicationReceived { .. }
        | TokuteiCardRequested { .. }
        | CardReadyForCollection { .. }
        | ResidenceCardIssued { .. }
        | TokuteiCardReturned { .. }
        | CardMailed { .. }
        | MailedCardDelivered { .. } => bureau::cards(event, lang),
        ResidentRegistered { .. }
        | MovedWithinMunicipality { .. }
        | MoveOutRecorded { .. }
        | MoveInRecorded { .. }
        | RegisterEntryClosed { .. }
        | RegisterEntryDeleted { .. }
        | DepartureNotified { .. }
        | MoveAbroadRecorded { .. }
        | ImmigrationDataUpdated { .. }
        | OlderPeriodNoticeIgnored { .. }
        | OlderStatusNoticeIgnored { .. }
        | OlderCardNoticeIgnored { .. }
        | ResidenceNotified { .. }
        | ApplicationForwarded { .. }
        | SprApplicationForwarded { .. }
        | RegisterItemUpdated { .. }
        | BirthRegistered { .. } => city_hall::register(event, lang),
        MyNumberCardValidityChanged { .. }
        | MyNumberCardSpecialPeriodExtended { .. }
        | PinResetAtCounter { .. }
        | MyNumberContinuityDue { .. }
        | MyNumberContinuityConfirmed { .. }
        | MyNumberCardWithdrawn { .. }
        | MyNumberCardReissueApplied { .. }
        | MyNumberCardIssued { .. }
        | MyNumberCardItemsUpdated { .. } => city_hall::my_number_card(event, lang),
        CardIssuerRecordOpened { .. }
        | MyNumberCardValidityRecorded { .. }
        | CertificatesIssued { .. }
        | SignatureCertificateRevoked { .. }
        | MyNumberCardExpired { .. }
        | MyNumberCardInvalidated { .. }
        | TokuteiProductionStarted { .. }
        | TokuteiCardProduced { .. }
        | MyNumberFunctionsActivated { .. }
        | MyNumberFunctionsExpired { .. }
        | MyNumberFunctionsSuspended { .. }
        | PinLocked { .. }
        | PinUnlocked { .. }
        | MyNumberCardProductionStarted { .. }
        | MyNumberCardProduced { .. }
        | MyNumberCardActivated { .. }
        | ProductionQueued { .. } => card_issuer::describe(event, lang),
    }
}

/// The message of a family handed an event of another family: [`describe`] routes each event
/// type to exactly one family, so this is a bug in the routing, never a property of the input.
const MISROUTED: &str = "describe routes each event type to the family that words it";

/// The name of a card in `lang`.
fn card(kind: CardKind, lang: Lang) -> &'static str {
    labels::card_kind(kind).get(lang)
}

/// The cards an address was written on: "residence card and My Number card" /
/// 「在留カードと個人番号カードに記載」.
fn written_on(kinds: &[CardKind], lang: Lang) -> String {
    let names: Vec<&str> = kinds.iter().map(|k| card(*k, lang)).collect();
    match (lang, names.is_empty()) {
        (Lang::En, true) => "no card".to_owned(),
        (Lang::En, false) => names.join(" and "),
        (Lang::Ja, true) => "どのカードにも記載なし".to_owned(),
        (Lang::Ja, false) => format!("{}に記載", names.join("と")),
    }
}

#[cfg(test)]
mod tests {
    use model::ids::ResidentId;
    use model::procedure::Procedure;

    use super::*;

    #[test]
    fn a_refusal_on_the_merits_names_the_procedure_in_both_languages() {
        // No scenario refuses an application on its merits, so it is said here.
        let refused = Event::ApplicationRefused {
            resident: ResidentId(0),
            procedure: Procedure::StatusChange,
        };
        assert_eq!(
            describe(&refused, Lang::En),
            "refuses the change of status on its merits"
        );
        assert_eq!(
            describe(&refused, Lang::Ja),
            "在留資格変更許可申請を許可しない"
        );
        assert_eq!(refused.section(), Some("§5"));
    }

    #[test]
    fn an_address_is_written_on_the_cards_presented_or_on_none() {
        let cards = [CardKind::TokuteiResidenceCard, CardKind::MyNumberCard];
        assert_eq!(
            written_on(&cards, Lang::En),
            "Tokutei residence card and My Number card"
        );
        assert_eq!(
            written_on(&cards, Lang::Ja),
            "特定在留カードと個人番号カードに記載"
        );
        assert_eq!(written_on(&[], Lang::En), "no card");
        assert_eq!(written_on(&[], Lang::Ja), "どのカードにも記載なし");
    }
}
