//! One sentence per event, in English or Japanese: what the office that recorded it did. The
//! `run` transcript, the narrative, the Mermaid diagrams, the HTML report and the comparison's
//! divergence all say an event with [`describe`]; the rule behind it is the model's
//! (`Event::section`).
//!
//! The sentences are grouped by the office that records the events, one module each, and each
//! event's English and Japanese sentences stand side by side so that they are written and
//! changed together. The nouns in them (offices, procedures, cards, statuses, reasons) come
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
        | LossReported { .. } => any_office::describe(event, lang),
        ImmigrationRecordOpened { .. }
        | ExtensionApplied { .. }
        | TokuteiApplicationAccepted { .. }
        | ExtensionGranted { .. }
        | ExtensionRefused { .. }
        | TokuteiCardRequested { .. }
        | CardReadyForCollection { .. }
        | PeriodOfStayExtended { .. }
        | ResidenceCardIssued { .. }
        | AddressRecorded { .. }
        | StatusChangeApplied { .. }
        | StatusChangeGranted { .. }
        | PermanentResidenceApplied { .. }
        | PermanentResidenceGranted { .. }
        | ApplicationRefused { .. }
        | ApplicationSuperseded { .. }
        | StatusChanged { .. }
        | CardApplicationReceived { .. }
        | ItemChangeNotified { .. }
        | TokuteiCardReturned { .. }
        | Landed { .. } => bureau::describe(event, lang),
        ResidentRegistered { .. }
        | MovedWithinMunicipality { .. }
        | MoveOutRecorded { .. }
        | MoveInRecorded { .. }
        | RegisterEntryClosed { .. }
        | ImmigrationDataUpdated { .. }
        | MyNumberCardValidityChanged { .. }
        | ResidenceNotified { .. }
        | ApplicationForwarded { .. }
        | MyNumberCardSpecialPeriodExtended { .. }
        | RegisterItemUpdated { .. }
        | PinResetAtCounter { .. }
        | MyNumberContinuityDue { .. }
        | MyNumberContinuityConfirmed { .. }
        | MyNumberCardWithdrawn { .. } => city_hall::describe(event, lang),
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
        | PinUnlocked { .. } => card_issuer::describe(event, lang),
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
