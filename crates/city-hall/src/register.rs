//! The Basic Resident Register entry of one resident — municipality, address, the bureau's data,
//! the separate My Number card, a move under way — and its bookkeeping: how each of the city
//! hall's own events changes it. No judgement here; every decision was made in `decide`.

use chrono::NaiveDate;
use model::card::{CardKind, MyNumberCard};
use model::card_number::ResidenceCardNumber;
use model::event::Event;
use model::ids::{Address, Municipality};
use model::mynumber::MyNumber;
use model::policy::TokuteiContinuityRule;
use model::procedure::{ChangedItem, MyNumberCardReissueReason};
use model::rules::Consequence;
use model::status::Status;

/// A move-out recorded and not yet followed by a move-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveOut {
    pub to: Municipality,
    pub planned_on: NaiveDate,
    pub card_based: bool,
}

/// One resident's register entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub municipality: Municipality,
    pub address: Address,
    pub my_number: MyNumber,
    pub born_on: NaiveDate,
    pub status: Status,
    pub period_expiry: Option<NaiveDate>,
    pub card_number: Option<ResidenceCardNumber>,
    /// The kind of the residence card last notified (a Tokutei card carries My Number functions).
    pub card_kind: Option<CardKind>,
    pub my_number_card: Option<MyNumberCard>,
    pub moving_out: Option<MoveOut>,
    /// The municipality the resident moved from, until it closes its entry (N9).
    pub former: Option<Municipality>,
    /// The 90-day continued-use deadline, while it runs (§5.3).
    pub continuity_deadline: Option<NaiveDate>,
    /// The separate card already had its one special-period extension (§5.13).
    pub special_extended: bool,
    /// The resident held a separate card that lapsed or was withdrawn (§5.3, §5.11): a new one
    /// is a reissue (§8.4).
    pub had_my_number_card: bool,
    /// A new separate card applied for, with why, until it is handed over (§5.11, §8.4).
    pub my_number_card_applied: Option<(MyNumberCard, MyNumberCardReissueReason)>,
    /// The new separate card is at the window, ready to be handed over.
    pub my_number_card_ready: bool,
    /// An item changed since the separate card was last brought up to date (§5.9).
    pub my_number_card_outdated: Option<ChangedItem>,
}

impl Entry {
    pub(crate) fn holds_tokutei(&self) -> bool {
        self.card_kind.is_some_and(CardKind::is_tokutei)
    }

    /// The rule that refuses a procedure on the separate My Number card to a resident without
    /// one: a Tokutei holder's functions are on the Tokutei card (§8.6); anyone else has no card.
    pub(crate) fn no_separate_card_rule(&self) -> model::rules::RefusalRule {
        if self.holds_tokutei() {
            model::rules::RefusalRule::HoldsTokuteiCard
        } else {
            model::rules::RefusalRule::NoMyNumberCard
        }
    }

    /// Whether the separate My Number card is held and still valid on `today` (§5.4: it lapses
    /// after its expiry).
    pub(crate) fn holds_valid_my_number_card(&self, today: NaiveDate) -> bool {
        self.my_number_card
            .is_some_and(|c| today <= c.valid_through)
    }

    /// The cards on which the municipality writes a new address at the counter (§5.2).
    pub(crate) fn cards_written(&self, today: NaiveDate) -> Vec<CardKind> {
        let mut cards = Vec::new();
        if let Some(kind) = self.card_kind {
            cards.push(kind);
        }
        if self.holds_valid_my_number_card(today) {
            cards.push(CardKind::MyNumberCard);
        }
        cards
    }

    /// Whether the resident holds a card with My Number functions the continuity rule covers.
    pub(crate) fn continuity_applies(&self, rule: TokuteiContinuityRule, today: NaiveDate) -> bool {
        self.holds_valid_my_number_card(today)
            || (self.holds_tokutei() && rule == TokuteiContinuityRule::Applies)
    }

    /// The entry an event opens: enrolment (`ResidentRegistered`), a new arrival's first
    /// residence notification (`ResidenceNotified`, without a My Number card yet) — the two
    /// carry the same facts — or a newborn's birth notification (`BirthRegistered`, a
    /// transitional stayer with no card). `None` for any other event.
    pub(crate) fn opened(event: &Event) -> Option<Entry> {
        let (municipality, address, my_number, born_on, status, period_expiry, card, mn_card) =
            match event {
                Event::ResidentRegistered {
                    municipality,
                    address,
                    my_number,
                    status,
                    period_expiry,
                    card_number,
                    card_kind,
                    my_number_card,
                    born_on,
                    ..
                } => (
                    municipality,
                    address,
                    my_number,
                    born_on,
                    status,
                    period_expiry,
                    card_number.zip(*card_kind).map(|(n, k)| (k, n)),
                    *my_number_card,
                ),
                Event::ResidenceNotified {
                    municipality,
                    address,
                    my_number,
                    status,
                    period_expiry,
                    born_on,
                    card,
                    ..
                } => (
                    municipality,
                    address,
                    my_number,
                    born_on,
                    status,
                    period_expiry,
                    *card,
                    None,
                ),
                // A newborn: no status yet, no card (§5.15).
                Event::BirthRegistered {
                    municipality,
                    address,
                    my_number,
                    born_on,
                    ..
                } => (
                    municipality,
                    address,
                    my_number,
                    born_on,
                    &Status::TransitionalStayer,
                    &None,
                    None,
                    None,
                ),
                _ => return None,
            };
        Some(Entry {
            municipality: *municipality,
            address: *address,
            my_number: *my_number,
            born_on: *born_on,
            status: *status,
            period_expiry: *period_expiry,
            card_number: card.map(|(_, n)| n),
            card_kind: card.map(|(k, _)| k),
            my_number_card: mn_card,
            moving_out: None,
            former: None,
            continuity_deadline: None,
            special_extended: false,
            had_my_number_card: false,
            my_number_card_applied: None,
            my_number_card_ready: false,
            my_number_card_outdated: None,
        })
    }

    /// Folds one of the city hall's own events into the entry.
    pub(crate) fn apply(&mut self, event: &Event) {
        match event {
            Event::MovedWithinMunicipality { address, .. } => self.address = *address,
            Event::MoveOutRecorded {
                to,
                planned_on,
                card_based,
                ..
            } => {
                self.moving_out = Some(MoveOut {
                    to: *to,
                    planned_on: *planned_on,
                    card_based: *card_based,
                })
            }
            Event::MoveInRecorded {
                municipality,
                from,
                address,
                ..
            } => {
                self.former = *from;
                self.municipality = *municipality;
                self.address = *address;
                self.moving_out = None;
                self.continuity_deadline = None;
            }
            Event::RegisterEntryClosed { .. } => self.former = None,
            Event::ImmigrationDataUpdated {
                status,
                period_expiry,
                card_number,
                card_kind,
                ..
            } => {
                self.status = *status;
                self.period_expiry = *period_expiry;
                self.card_number = *card_number;
                self.card_kind = *card_kind;
            }
            Event::MyNumberCardValidityChanged { valid_through, .. } => {
                if let Some(card) = self.my_number_card.as_mut() {
                    card.valid_through = *valid_through;
                }
                // A validity change after the decision ends the special-period extension (§5.13).
                self.special_extended = false;
            }
            Event::MyNumberCardSpecialPeriodExtended { valid_through, .. } => {
                if let Some(card) = self.my_number_card.as_mut() {
                    card.valid_through = *valid_through;
                }
                self.special_extended = true;
            }
            Event::MyNumberContinuityDue { deadline, .. } => {
                self.continuity_deadline = Some(*deadline)
            }
            Event::MyNumberContinuityConfirmed { .. } => self.continuity_deadline = None,
            Event::MyNumberCardWithdrawn { .. } => {
                self.had_my_number_card |= self.my_number_card.is_some();
                self.my_number_card = None;
            }
            Event::DeadlineMissed {
                consequence: Consequence::MyNumberCardLapses,
                ..
            } => {
                self.continuity_deadline = None;
                self.had_my_number_card |= self.my_number_card.is_some();
                self.my_number_card = None;
            }
            Event::MyNumberCardReissueApplied { reason, card, .. } => {
                self.my_number_card_applied = Some((*card, *reason))
            }
            Event::CardReadyForCollection {
                kind: CardKind::MyNumberCard,
                ..
            } => self.my_number_card_ready = true,
            // The new card shows the register's items as they are now.
            Event::MyNumberCardIssued { card, .. } => {
                self.my_number_card = Some(*card);
                self.my_number_card_applied = None;
                self.my_number_card_ready = false;
                self.my_number_card_outdated = None;
                self.special_extended = false;
            }
            Event::RegisterItemUpdated { item, .. } if self.my_number_card.is_some() => {
                self.my_number_card_outdated = Some(*item)
            }
            Event::MyNumberCardItemsUpdated { .. } => self.my_number_card_outdated = None,
            _ => {}
        }
    }
}
