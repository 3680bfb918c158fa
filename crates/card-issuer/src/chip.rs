//! J-LIS's record of one resident — the separate My Number card and its state, the My Number
//! functions on a Tokutei card, the JPKI certificates, a card in production, the PIN — and its
//! bookkeeping: how each of J-LIS's own events changes it. No judgement here.

use chrono::NaiveDate;
use model::card::{CardKind, Certificates, MyNumberCard};
use model::card_number::ResidenceCardNumber;
use model::event::Event;

/// Whether a card (or a card's My Number functions) can still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardState {
    Active,
    Expired,
    Invalidated,
    /// Suspended through the call centre after a loss (§5.11).
    Suspended,
}

/// My Number functions on a Tokutei card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokuteiFunctions {
    pub card_number: ResidenceCardNumber,
    pub valid_through: NaiveDate,
    pub state: CardState,
}

/// J-LIS's record of one resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chip {
    pub born_on: NaiveDate,
    pub my_number_card: Option<(MyNumberCard, CardState)>,
    pub tokutei: Option<TokuteiFunctions>,
    pub certificates: Certificates,
    /// A Tokutei card in production.
    pub producing: Option<CardKind>,
    /// A new separate My Number card in production (§5.11, §8.4).
    pub producing_my_number_card: bool,
    /// The user-authentication PIN is locked (§5.12).
    pub pin_locked: bool,
}

impl Chip {
    pub(crate) fn separate_card_active(&self) -> bool {
        matches!(self.my_number_card, Some((_, CardState::Active)))
    }

    /// The card whose My Number functions an act applies to: the separate card if it is in use
    /// (`Some(None)`), else the Tokutei card's functions if they are in use and `tokutei` allows
    /// them (`Some(Some(number))`), else none.
    pub(crate) fn card_in_use(&self, tokutei: bool) -> Option<Option<ResidenceCardNumber>> {
        if self.separate_card_active() {
            return Some(None);
        }
        self.tokutei
            .filter(|f| tokutei && f.state == CardState::Active)
            .map(|f| Some(f.card_number))
    }

    /// The record an event opens: `CardIssuerRecordOpened`; `None` for any other event.
    pub(crate) fn opened(event: &Event) -> Option<Chip> {
        let Event::CardIssuerRecordOpened {
            born_on,
            my_number_card,
            certificates,
            ..
        } = event
        else {
            return None;
        };
        Some(Chip {
            born_on: *born_on,
            my_number_card: my_number_card.map(|c| (c, CardState::Active)),
            tokutei: None,
            certificates: *certificates,
            producing: None,
            producing_my_number_card: false,
            pin_locked: false,
        })
    }

    /// Sets the state of the separate card (`tokutei_card` is `None`) or of the Tokutei card's
    /// functions.
    fn set_state(&mut self, tokutei_card: Option<ResidenceCardNumber>, state: CardState) {
        match tokutei_card {
            None => {
                if let Some((_, s)) = self.my_number_card.as_mut() {
                    *s = state;
                }
            }
            Some(_) => {
                if let Some(f) = self.tokutei.as_mut() {
                    f.state = state;
                }
            }
        }
    }

    /// Folds one of J-LIS's own events into the record.
    pub(crate) fn apply(&mut self, event: &Event) {
        let chip = self;
        match event {
            Event::MyNumberCardValidityRecorded { valid_through, .. } => {
                if let Some((card, _)) = chip.my_number_card.as_mut() {
                    card.valid_through = *valid_through;
                }
            }
            Event::CertificatesIssued { certificates, .. } => chip.certificates = *certificates,
            Event::SignatureCertificateRevoked { .. } => chip.certificates.signature_through = None,
            Event::MyNumberCardExpired { .. } => {
                if let Some((_, state)) = chip.my_number_card.as_mut() {
                    *state = CardState::Expired;
                }
            }
            Event::MyNumberCardInvalidated { tokutei_card, .. } => {
                chip.set_state(*tokutei_card, CardState::Invalidated)
            }
            Event::TokuteiProductionStarted { kind, .. } => chip.producing = Some(*kind),
            Event::MyNumberFunctionsSuspended { tokutei_card, .. } => {
                chip.set_state(*tokutei_card, CardState::Suspended)
            }
            Event::PinLocked { .. } => chip.pin_locked = true,
            Event::PinUnlocked { .. } => chip.pin_locked = false,
            Event::TokuteiCardProduced { .. } => chip.producing = None,
            Event::MyNumberCardProductionStarted { .. } => chip.producing_my_number_card = true,
            Event::MyNumberCardProduced { .. } => chip.producing_my_number_card = false,
            // A new card, with new PINs and certificates, replaces whatever separate card was
            // on record.
            Event::MyNumberCardActivated {
                card, certificates, ..
            } => {
                chip.my_number_card = Some((*card, CardState::Active));
                chip.certificates = *certificates;
                chip.pin_locked = false;
            }
            Event::MyNumberFunctionsActivated {
                card_number,
                valid_through,
                certificates,
                ..
            } => {
                chip.tokutei = Some(TokuteiFunctions {
                    card_number: *card_number,
                    valid_through: *valid_through,
                    state: CardState::Active,
                });
                chip.certificates = *certificates;
            }
            Event::MyNumberFunctionsExpired { .. } => {
                if let Some(f) = chip.tokutei.as_mut() {
                    f.state = CardState::Expired;
                }
            }
            _ => {}
        }
    }
}
