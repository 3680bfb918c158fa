//! The bureau's record of one resident — status, period, card, address, the applications pending
//! and the card in production — and its bookkeeping: how each of the bureau's own events changes
//! it. No judgement here; every decision was made in `decide`.

use chrono::NaiveDate;
use model::card::{CardKind, ResidenceCard};
use model::event::Event;
use model::ids::{Address, Municipality};
use model::procedure::Procedure;
use model::rules;
use model::service::{Channel, Office};
use model::status::Status;

/// What a granted application changes once the card is issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub status: Status,
    pub expiry: Option<NaiveDate>,
}

/// A pending residence application (extension, change of status, a newborn's status
/// acquisition, permanent residence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub procedure: Procedure,
    pub filed_on: NaiveDate,
    pub channel: Channel,
    /// A Tokutei application was accepted with it.
    pub tokutei: bool,
    /// The status applied for (change of status).
    pub to: Option<Status>,
    /// Set once granted, until the card is issued.
    pub granted: Option<Grant>,
}

impl Pending {
    fn filed(
        procedure: Procedure,
        channel: Channel,
        filed_on: NaiveDate,
        to: Option<Status>,
    ) -> Pending {
        Pending {
            procedure,
            filed_on,
            channel,
            tokutei: false,
            to,
            granted: None,
        }
    }

    /// Whether `event` ends this application (the one rule in `model`).
    fn ends_with(&self, event: &Event) -> bool {
        rules::pending_application_end(event, self.procedure, self.granted.is_some()).is_some()
    }
}

/// A card in production or waiting at a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ready {
    pub kind: CardKind,
    pub at: Office,
    /// J-LIS is still producing it.
    pub producing: bool,
}

/// The bureau's record of one resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub born_on: NaiveDate,
    pub status: Status,
    pub period_expiry: Option<NaiveDate>,
    pub card: Option<ResidenceCard>,
    pub municipality: Municipality,
    pub address: Address,
    pub registered: bool,
    pub cards_issued: u32,
    /// An extension or change of status (the special period applies, §9).
    pub pending: Option<Pending>,
    /// A permanent residence application, which may run alongside an extension (§5.6).
    pub pending_pr: Option<Pending>,
    /// A card procedure under way (renewal, item change, reissue, SPR certificate).
    pub card_procedure: Option<Procedure>,
    pub ready: Option<Ready>,
    /// A card in the post to the resident, who applied online (§5 "Card by post").
    pub mailed: Option<CardKind>,
    /// Landed at a port that does not hand over cards: the card follows the residence
    /// notification (§5.1).
    pub awaiting_card: bool,
    /// Landed (or on record from the start).
    pub landed: bool,
    /// Left Japan for good (§5.14): the card was returned at the port.
    pub departed: bool,
}

impl Record {
    /// The record an `ImmigrationRecordOpened` event opens; `None` for any other event.
    pub(crate) fn opened(event: &Event) -> Option<Record> {
        let Event::ImmigrationRecordOpened {
            born_on,
            status,
            period_expiry,
            card,
            municipality,
            address,
            registered,
            cards_issued,
            ..
        } = event
        else {
            return None;
        };
        Some(Record {
            born_on: *born_on,
            status: *status,
            period_expiry: *period_expiry,
            card: card.clone(),
            municipality: *municipality,
            address: *address,
            registered: *registered,
            cards_issued: *cards_issued,
            pending: None,
            pending_pr: None,
            card_procedure: None,
            ready: None,
            mailed: None,
            awaiting_card: false,
            // A resident on record without a card has yet to land (§5.1).
            landed: card.is_some() || !status.is_card_holding(),
            departed: false,
        })
    }

    pub(crate) fn holds_tokutei(&self) -> bool {
        self.card.as_ref().is_some_and(|c| c.kind.is_tokutei())
    }

    /// The grant that takes effect at the next issuance, if any.
    pub(crate) fn grant(&self) -> Option<(Procedure, Grant)> {
        [self.pending.as_ref(), self.pending_pr.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|p| p.granted.map(|g| (p.procedure, g)))
    }

    /// The status and period a card issued now carries: a granted application's, if any.
    pub(crate) fn status_after_grant(&self) -> (Status, Option<NaiveDate>) {
        self.grant()
            .map_or((self.status, self.period_expiry), |(_, g)| {
                (g.status, g.expiry)
            })
    }

    /// Folds one of the bureau's own events into the record.
    pub(crate) fn apply(&mut self, event: &Event) {
        self.apply_to_applications(event);
        self.apply_to_card(event);
    }

    /// The residence applications: filed, Tokutei attached, granted, ended.
    fn apply_to_applications(&mut self, event: &Event) {
        match event {
            Event::ExtensionApplied {
                channel, filed_on, ..
            } => {
                self.pending = Some(Pending::filed(
                    Procedure::Extension,
                    *channel,
                    *filed_on,
                    None,
                ))
            }
            Event::StatusChangeApplied {
                to,
                channel,
                filed_on,
                ..
            } => {
                self.pending = Some(Pending::filed(
                    Procedure::StatusChange,
                    *channel,
                    *filed_on,
                    Some(*to),
                ))
            }
            Event::StatusAcquisitionApplied { to, filed_on, .. } => {
                self.pending = Some(Pending::filed(
                    Procedure::StatusAcquisition,
                    Channel::Counter,
                    *filed_on,
                    Some(*to),
                ))
            }
            Event::PermanentResidenceApplied {
                channel, filed_on, ..
            } => {
                self.pending_pr = Some(Pending::filed(
                    Procedure::PermanentResidence,
                    *channel,
                    *filed_on,
                    None,
                ))
            }
            Event::TokuteiApplicationAccepted { attached_to, .. } => {
                let pending = match attached_to {
                    Procedure::PermanentResidence => self.pending_pr.as_mut(),
                    Procedure::Extension
                    | Procedure::StatusChange
                    | Procedure::StatusAcquisition => self.pending.as_mut(),
                    _ => None,
                };
                if let Some(p) = pending {
                    p.tokutei = true;
                }
            }
            Event::ExtensionGranted { new_expiry, .. } => {
                let status = self.status;
                if let Some(p) = self.pending.as_mut() {
                    p.granted = Some(Grant {
                        status,
                        expiry: Some(*new_expiry),
                    });
                }
            }
            Event::StatusChangeGranted { to, new_expiry, .. } => {
                if let Some(p) = self.pending.as_mut() {
                    p.granted = Some(Grant {
                        status: *to,
                        expiry: Some(*new_expiry),
                    });
                }
            }
            Event::StatusAcquisitionGranted { to, new_expiry, .. } => {
                if let Some(p) = self.pending.as_mut() {
                    p.granted = Some(Grant {
                        status: *to,
                        expiry: *new_expiry,
                    });
                }
            }
            Event::PermanentResidenceGranted { .. } => {
                if let Some(p) = self.pending_pr.as_mut() {
                    p.granted = Some(Grant {
                        status: Status::PermanentResident,
                        expiry: None,
                    });
                }
            }
            _ => {}
        }
        // A pending application ends by the one rule in model (refused, superseded, or granted
        // and its card issued). One card carries one grant: an extension's before a PR's.
        if self.pending.as_ref().is_some_and(|p| p.ends_with(event)) {
            self.pending = None;
        } else if self.pending_pr.as_ref().is_some_and(|p| p.ends_with(event)) {
            self.pending_pr = None;
        }
    }

    /// The card, the card procedure under way, the status and period, landing and address.
    fn apply_to_card(&mut self, event: &Event) {
        match event {
            Event::CardApplicationReceived { procedure, .. } => {
                self.card_procedure = Some(*procedure)
            }
            Event::TokuteiCardRequested {
                kind, collect_at, ..
            } => {
                self.ready = Some(Ready {
                    kind: *kind,
                    at: *collect_at,
                    producing: true,
                })
            }
            Event::CardReadyForCollection { kind, at, .. } => {
                self.ready = Some(Ready {
                    kind: *kind,
                    at: *at,
                    producing: false,
                })
            }
            Event::PeriodOfStayExtended { new_expiry, .. } => {
                self.period_expiry = Some(*new_expiry);
            }
            Event::StatusChanged { to, new_expiry, .. } => {
                self.status = *to;
                self.period_expiry = *new_expiry;
            }
            Event::CardMailed { kind, .. } => self.mailed = Some(*kind),
            Event::ResidenceCardIssued { card, .. } => {
                self.card = Some(card.clone());
                self.cards_issued += 1;
                self.ready = None;
                self.mailed = None;
                self.card_procedure = None;
                self.awaiting_card = false;
            }
            Event::Landed { card_at_port, .. } => {
                self.landed = true;
                self.awaiting_card = !card_at_port;
            }
            // N2: no longer in a register, so a Tokutei application is refused (§3).
            Event::RegisterDeletionRecorded { .. } => self.registered = false,
            // The card was returned at the port and lapsed (§5.14).
            Event::Departed { .. } => {
                self.departed = true;
                self.card = None;
                self.ready = None;
            }
            Event::AddressRecorded {
                municipality,
                address,
                ..
            } => {
                self.municipality = *municipality;
                self.address = *address;
                // A municipality relayed an address: the person is in its register (N1).
                self.registered = true;
            }
            _ => {}
        }
    }
}
