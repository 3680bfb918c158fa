//! One plain-English sentence per event, and the section of domain-rules.md behind it.

use model::card::CardKind;
use model::event::Event;
use model::mynumber::MyNumber;
use model::procedure::{Procedure, ReissueReason};
use model::rules::{Consequence, InvalidationReason};

/// What an event says, and the rule (section of domain-rules.md) it follows.
pub fn describe(event: &Event) -> (String, Option<&'static str>) {
    use Event::*;
    // The section is the model's (`Event::section`); the arms' own sections go with the
    // rewrite of this module into one describe for both languages.
    let (text, _): (String, Option<&'static str>) = match event {
        CounterVisited {
            office,
            municipality,
            procedure,
            ..
        } => (
            match municipality {
                Some(m) => format!(
                    "visits the {} of {m} for: {}",
                    office.label(),
                    procedure.label()
                ),
                None => format!("visits the {} for: {}", office.label(), procedure.label()),
            },
            None,
        ),
        ProcedureRefused {
            procedure, rule, ..
        } => (
            format!("refuses the {}: {rule}", procedure.label()),
            Some(rule.section()),
        ),
        DeadlineMissed {
            duty,
            deadline,
            consequence,
            ..
        } => (
            format!(
                "records a missed deadline ({}, due {deadline}): {}",
                duty.label(),
                match consequence {
                    Consequence::PenaltyExposure => "penalty exposure flagged, filing accepted",
                    Consequence::MyNumberCardLapses => "the My Number card lapses",
                }
            ),
            Some("§10"),
        ),
        ImmigrationRecordOpened {
            status,
            period_expiry,
            card,
            ..
        } => (
            format!(
                "has on record: {}{}{}",
                status.label(),
                period_expiry
                    .map(|e| format!(", period of stay to {e}"))
                    .unwrap_or_default(),
                card.as_ref()
                    .map(|c| format!(
                        ", {} {} valid through {}",
                        c.kind.label(),
                        c.number,
                        c.valid_through
                    ))
                    .unwrap_or_default()
            ),
            None,
        ),
        ExtensionApplied {
            expiry_at_filing, ..
        } => (
            format!(
                "receives an extension application{}",
                expiry_at_filing
                    .map(|e| format!(" (period expires {e})"))
                    .unwrap_or_default()
            ),
            Some("§5.4"),
        ),
        TokuteiApplicationAccepted { attached_to, .. } => (
            format!(
                "accepts a Tokutei card application attached to the {}",
                attached_to.label()
            ),
            Some("§3, §4"),
        ),
        TokuteiApplicationRefused {
            attached_to, rule, ..
        } => (
            if *attached_to == Procedure::TokuteiApplication {
                format!("refuses the Tokutei card application ({rule})")
            } else {
                format!(
                    "refuses the Tokutei card application ({rule}); the {} goes on",
                    attached_to.label()
                )
            },
            Some(rule.section()),
        ),
        ExtensionGranted { new_expiry, .. } => (
            format!("grants the extension to {new_expiry}"),
            Some("§5.4"),
        ),
        ExtensionRefused { .. } => ("refuses the extension".to_owned(), Some("§5.4")),
        TokuteiCardRequested {
            kind,
            valid_through,
            ..
        } => (
            format!(
                "asks J-LIS to produce a {} valid through {valid_through}",
                kind.label()
            ),
            Some("§6 N4"),
        ),
        CardReadyForCollection { kind, at, .. } => (
            format!(
                "has a {} ready for collection at the {}",
                kind.label(),
                at.label()
            ),
            None,
        ),
        PeriodOfStayExtended {
            previous_expiry,
            new_expiry,
            ..
        } => (
            format!(
                "extends the period of stay{} to {new_expiry}",
                previous_expiry
                    .map(|e| format!(" from {e}"))
                    .unwrap_or_default()
            ),
            Some("§5.4"),
        ),
        ResidenceCardIssued { card, replaces, .. } => (
            format!(
                "issues {} {} valid through {}{}",
                article(card.kind),
                card.kind.label(),
                card.valid_through,
                replaces
                    .map(|n| format!(" (new number {}, replaces {n})", card.number))
                    .unwrap_or_else(|| format!(" (number {})", card.number))
            ),
            Some(if card.kind.is_tokutei() {
                "§8.2, §8.6, §14"
            } else {
                "§8, §14"
            }),
        ),
        AddressRecorded {
            municipality,
            address,
            ..
        } => (
            format!("records the new address {address}, {municipality}"),
            Some("§6 N1"),
        ),
        ResidentRegistered {
            municipality,
            address,
            my_number,
            my_number_card,
            ..
        } => (
            format!(
                "has in its register: {address}, {municipality}; My Number {}{}",
                masked(my_number),
                my_number_card
                    .map(|c| format!("; My Number card valid through {}", c.valid_through))
                    .unwrap_or_else(|| "; no separate My Number card".to_owned())
            ),
            None,
        ),
        MovedWithinMunicipality {
            address,
            written_on,
            ..
        } => (
            format!(
                "registers the move to {address} and writes it on {}",
                cards(written_on)
            ),
            Some("§5.2"),
        ),
        MoveOutRecorded {
            to,
            planned_on,
            card_based,
            ..
        } => (
            format!(
                "records a move-out to {to} planned for {planned_on}{}",
                if *card_based {
                    " (card-based, online)"
                } else {
                    ""
                }
            ),
            Some("§5.3"),
        ),
        MoveInRecorded {
            municipality,
            address,
            written_on,
            ..
        } => (
            format!(
                "registers the move-in to {address}, {municipality} and writes it on {}",
                cards(written_on)
            ),
            Some("§5.3"),
        ),
        RegisterEntryClosed { municipality, .. } => (
            format!("closes the register entry at {municipality}"),
            Some("§6 N9"),
        ),
        ImmigrationDataUpdated {
            period_expiry,
            card_number,
            ..
        } => (
            format!(
                "updates the register from the bureau's notice: period to {}, card {}",
                period_expiry
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "—".into()),
                card_number
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "—".into())
            ),
            Some("§6 N3"),
        ),
        MyNumberCardValidityChanged {
            previous,
            valid_through,
            ..
        } => (
            format!("changes the My Number card's validity from {previous} to {valid_through}"),
            Some("§5.4, §8.4"),
        ),
        MyNumberContinuityDue { deadline, .. } => (
            format!(
                "notes that the My Number card must be presented for continued use by {deadline}"
            ),
            Some("§5.3"),
        ),
        MyNumberContinuityConfirmed { municipality, .. } => (
            format!("confirms the My Number card's continued use in {municipality}"),
            Some("§5.3"),
        ),
        MyNumberCardWithdrawn { .. } => (
            "removes the separate My Number card from its records".to_owned(),
            Some("§6 N8"),
        ),
        CardIssuerRecordOpened {
            my_number_card,
            certificates,
            ..
        } => (
            match my_number_card {
                Some(c) => format!(
                    "has on record a My Number card valid through {}; certificates: signature {}, user authentication {}",
                    c.valid_through,
                    opt(certificates.signature_through),
                    opt(certificates.user_auth_through)
                ),
                None => "has no separate My Number card on record".to_owned(),
            },
            None,
        ),
        MyNumberCardValidityRecorded { valid_through, .. } => (
            format!("records the My Number card's new validity {valid_through}"),
            Some("§6 N8"),
        ),
        CertificatesIssued { certificates, .. } => (
            format!(
                "issues new certificates: signature {}, user authentication {}",
                opt(certificates.signature_through),
                opt(certificates.user_auth_through)
            ),
            Some("§8.5"),
        ),
        SignatureCertificateRevoked { reason, .. } => (
            format!(
                "revokes the signature certificate (the {} changed)",
                match reason {
                    model::rules::RevocationReason::AddressChanged => "address",
                    model::rules::RevocationReason::ItemChanged { item } => item.label(),
                }
            ),
            Some("§8.5"),
        ),
        MyNumberCardExpired { valid_through, .. } => (
            format!("records that the My Number card lapsed (valid through {valid_through})"),
            Some("§5.4, §10"),
        ),
        MyNumberCardInvalidated {
            reason,
            tokutei_card,
            ..
        } => (
            format!(
                "invalidates {}: {}",
                if tokutei_card.is_some() {
                    "the Tokutei card's My Number functions"
                } else {
                    "the separate My Number card"
                },
                match reason {
                    InvalidationReason::ReplacedByTokutei => "replaced by the Tokutei card",
                    InvalidationReason::ContinuityNotConfirmed =>
                        "continued use not confirmed within 90 days",
                    InvalidationReason::LateMoveInAfterCardBasedMoveOut =>
                        "move-in too late after a card-based move-out",
                    InvalidationReason::ReplacedByStandardCard =>
                        "the Tokutei card was replaced by a standard card",
                }
            ),
            Some(match reason {
                InvalidationReason::ReplacedByTokutei => "§16.6",
                InvalidationReason::ReplacedByStandardCard => "§5.11, §16.1",
                _ => "§5.3",
            }),
        ),
        TokuteiProductionStarted { kind, ready_on, .. } => (
            format!("starts producing the {} (ready {ready_on})", kind.label()),
            Some("§5.4"),
        ),
        TokuteiCardProduced { kind, .. } => (
            format!(
                "has produced the {} and sends it to the bureau",
                kind.label()
            ),
            Some("§6 N5"),
        ),
        MyNumberFunctionsActivated { valid_through, .. } => (
            format!("activates My Number functions on the Tokutei card through {valid_through}"),
            Some("§8.6"),
        ),
        StatusChangeApplied {
            to,
            expiry_at_filing,
            ..
        } => (
            format!(
                "receives a change-of-status application to {}{}",
                to.label(),
                expiry_at_filing
                    .map(|e| format!(" (period expires {e})"))
                    .unwrap_or_default()
            ),
            Some("§5.5"),
        ),
        StatusChangeGranted { to, new_expiry, .. } => (
            format!(
                "grants the change of status to {} until {new_expiry}",
                to.label()
            ),
            Some("§5.5"),
        ),
        PermanentResidenceApplied { .. } => (
            "receives a permanent residence application".to_owned(),
            Some("§5.6"),
        ),
        PermanentResidenceGranted { .. } => ("grants permanent residence".to_owned(), Some("§5.6")),
        ApplicationSuperseded { procedure, .. } => (
            format!(
                "closes the pending {}: permanent residence has no period of stay",
                procedure.label()
            ),
            Some("§5.6"),
        ),
        ApplicationRefused { procedure, .. } => (
            format!("refuses the {} on its merits", procedure.label()),
            Some("§5"),
        ),
        StatusChanged {
            from,
            to,
            new_expiry,
            ..
        } => (
            format!(
                "changes the status from {} to {}{}",
                from.label(),
                to.label(),
                new_expiry
                    .map(|e| format!(", period to {e}"))
                    .unwrap_or_else(|| ", with no period of stay".to_owned())
            ),
            Some(if *to == model::status::Status::PermanentResident {
                "§5.6"
            } else {
                "§5.5"
            }),
        ),
        CardApplicationReceived {
            procedure, reissue, ..
        } => (
            format!(
                "receives an application for {}{}",
                procedure.label(),
                match reissue {
                    Some(ReissueReason::Damaged) => " (damaged card)".to_owned(),
                    Some(ReissueReason::OnRequest) => " (exchange on request)".to_owned(),
                    Some(ReissueReason::Lost { learned_on, .. }) => {
                        format!(" (loss learned of on {learned_on})")
                    }
                    None => String::new(),
                }
            ),
            Some(match procedure {
                Procedure::CardRenewal => "§5.7",
                Procedure::SprCertificateRenewal => "§5.8",
                Procedure::ItemChange => "§5.9",
                Procedure::LossReissue => "§5.11",
                _ => "§5.10",
            }),
        ),
        ItemChangeNotified {
            item, changed_on, ..
        } => (
            format!("records that the {} changed on {changed_on}", item.label()),
            Some("§5.9"),
        ),
        TokuteiCardReturned { card_number, .. } => (
            format!("takes back the Tokutei card {card_number}, replaced by a standard card"),
            Some("§1, §16.1"),
        ),
        Landed {
            port, card_at_port, ..
        } => (
            format!(
                "lands the resident at {port}; {}",
                if *card_at_port {
                    "the residence card is handed over at the port"
                } else {
                    "the passport is stamped 在留カード後日交付: the card follows the residence notification"
                }
            ),
            Some("§5.1"),
        ),
        ResidenceNotified {
            municipality,
            address,
            my_number,
            ..
        } => (
            format!(
                "registers the new resident at {address}, {municipality} and assigns My Number {}",
                masked(my_number)
            ),
            Some("§5.1"),
        ),
        ApplicationForwarded {
            procedure, tokutei, ..
        } => (
            format!(
                "forwards {} filed with the {} to the bureau",
                if *tokutei {
                    "the Tokutei card application"
                } else {
                    "the application"
                },
                procedure.label()
            ),
            Some("§6 N7"),
        ),
        MyNumberCardSpecialPeriodExtended {
            previous,
            valid_through,
            ..
        } => (
            format!(
                "extends the My Number card for the special period, from {previous} to {valid_through}"
            ),
            Some("§5.13"),
        ),
        RegisterItemUpdated { item, .. } => (
            format!(
                "updates the {} in the register from the bureau's notice",
                item.label()
            ),
            Some("§6 N3"),
        ),
        PinResetAtCounter { .. } => ("resets the locked PIN".to_owned(), Some("§5.12")),
        MyNumberFunctionsSuspended { tokutei_card, .. } => (
            format!(
                "suspends the My Number functions of {}",
                if tokutei_card.is_some() {
                    "the lost Tokutei card"
                } else {
                    "the lost My Number card"
                }
            ),
            Some("§5.11"),
        ),
        PinLocked { .. } => (
            "records that the user-authentication PIN locked after wrong tries".to_owned(),
            Some("§5.12"),
        ),
        PinUnlocked { .. } => ("unlocks the PIN".to_owned(), Some("§5.12")),
        LossReported {
            lost_on, receipt, ..
        } => (
            format!("takes a loss report (lost on {lost_on}; receipt {receipt})"),
            Some("§5.11"),
        ),
        MyNumberFunctionsExpired { valid_through, .. } => (
            format!(
                "records that the Tokutei card's My Number functions lapsed (valid through {valid_through})"
            ),
            Some("§8.6, §9"),
        ),
    };
    (text, event.section())
}

fn article(kind: CardKind) -> &'static str {
    match kind.label().chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'A' | 'E' | 'I' | 'O' | 'U') => "an",
        _ => "a",
    }
}

fn cards(kinds: &[CardKind]) -> String {
    if kinds.is_empty() {
        return "no card".to_owned();
    }
    kinds
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(" and ")
}

fn opt(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string())
        .unwrap_or_else(|| "none".to_owned())
}

/// The masked form of a My Number (never printed in full).
fn masked(n: &MyNumber) -> String {
    n.to_string()
}
