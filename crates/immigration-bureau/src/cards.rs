//! Cards: the card procedures — validity renewal (docs/domain.md §5.7), SPR certificates forwarded
//! by the municipality (§5.8), item changes (§5.9), reissues (§5.10, §5.11) and the card at
//! landing (§5.1) — the Tokutei application that rides on a procedure (§3, §4), ordering a card
//! (at once, or from J-LIS for a Tokutei card, N4), handing it over (N5 → collection), and
//! issuing it with a new number (§14) and the validity the rules give (§8).

use chrono::NaiveDate;
use model::card::{CardKind, ResidenceCard};
use model::card_number::ResidenceCardNumber;
use model::command::Command;
use model::event::Event;
use model::policy::{DispositionAt, LostTokuteiReplacement};
use model::procedure::{ChangedItem, Procedure, ReissueReason};
use model::rules::{self, Duty, RefusalRule, TokuteiApplication, Venue};
use model::service::{Channel, Office};
use model::status::Status;
use model::validity;

use crate::Case;

impl Case<'_> {
    /// The validity of a card issued today (§8.1–§8.3).
    fn validity(&self, status: Status, expiry: Option<NaiveDate>, renewal: bool) -> NaiveDate {
        let (rec, ctx) = (self.rec, self.ctx);
        let today = ctx.today();
        let law = rules::card_law(ctx.policy, today);
        let switches = ctx.policy.switches.validity;
        if status == Status::SpecialPermanentResident {
            let previous = rec
                .card
                .as_ref()
                .filter(|_| renewal)
                .map(|c| c.valid_through);
            validity::spr_certificate_valid_through(law, rec.born_on, today, previous, switches)
        } else {
            // An `Other` status always has an expiry on record; should one be missing, the card
            // keeps the old card's date rather than inventing one.
            validity::residence_card_valid_through(
                law,
                status.card_category(),
                rec.born_on,
                today,
                expiry,
                renewal,
                switches,
            )
            .unwrap_or_else(|_| rec.card.as_ref().map_or(today, |c| c.valid_through))
        }
    }

    /// The validity of a new card of `kind`: a reissue or an item change replaces the card, not
    /// its validity (switch `reissue_keeps_validity`, [C]) — unless the new card is a first
    /// Tokutei card, whose validity is that of a new-format card (§8.6); any other card gets the
    /// validity the rules give on the day (§8).
    fn new_card_validity(
        &self,
        kind: CardKind,
        status: Status,
        expiry: Option<NaiveDate>,
        procedure: Option<Procedure>,
    ) -> NaiveDate {
        let rec = self.rec;
        let renewal = matches!(
            procedure,
            Some(Procedure::CardRenewal | Procedure::SprCertificateRenewal)
        );
        let replacement = matches!(
            procedure,
            Some(Procedure::Reissue | Procedure::LossReissue | Procedure::ItemChange)
        );
        let first_tokutei = kind.is_tokutei() && !rec.holds_tokutei();
        let keeps = self.ctx.policy.switches.reissue_keeps_validity;
        rec.card
            .as_ref()
            .filter(|_| replacement && !first_tokutei && keeps)
            .map(|c| c.valid_through)
            .unwrap_or_else(|| self.validity(status, expiry, renewal))
    }

    /// The Tokutei decision for an application attached to `procedure`.
    /// `filed_on` is the day the application was made (for one forwarded by a municipality,
    /// the day of the window visit, not of its arrival).
    pub(crate) fn tokutei_event(
        &self,
        procedure: Procedure,
        channel: Channel,
        venue: Venue<'_>,
        filed_on: NaiveDate,
    ) -> Event {
        let app = TokuteiApplication {
            date: filed_on,
            venue,
            channel,
            attached_to: Some(procedure),
            status: self.rec.status,
            registered: self.rec.registered,
        };
        let resident = self.resident;
        match rules::tokutei_refusal(self.ctx.policy, &app) {
            None => Event::TokuteiApplicationAccepted {
                resident,
                attached_to: procedure,
            },
            Some(rule) => Event::TokuteiApplicationRefused {
                resident,
                attached_to: procedure,
                rule,
            },
        }
    }

    /// Orders the card a procedure produces: the same day at a counter for a standard card, or
    /// from J-LIS for a Tokutei card (§5.4 [B]: about ten days).
    pub(crate) fn produce(
        &mut self,
        status: Status,
        expiry: Option<NaiveDate>,
        tokutei: bool,
        at: Office,
        procedure: Option<Procedure>,
    ) {
        let resident = self.resident;
        let law = rules::card_law(self.ctx.policy, self.ctx.today());
        let kind = rules::residence_document_kind(law, status, tokutei);
        if kind.is_tokutei() {
            let valid_through = self.new_card_validity(kind, status, expiry, procedure);
            self.push(Event::TokuteiCardRequested {
                resident,
                kind,
                valid_through,
                collect_at: at,
            });
        } else {
            self.push(Event::CardReadyForCollection { resident, kind, at });
        }
    }

    /// A non-address item change notified at the bureau (§5.9); a special permanent resident
    /// notifies theirs at the municipality (§5.8) and is refused here.
    pub(crate) fn notify_item_change(
        &mut self,
        item: ChangedItem,
        changed_on: NaiveDate,
        tokutei: bool,
    ) {
        self.visit(Procedure::ItemChange);
        if self.rec.status == Status::SpecialPermanentResident {
            self.refuse(Procedure::ItemChange, RefusalRule::WrongOfficeForStatus);
            return;
        }
        let today = self.ctx.today();
        self.item_change(item, changed_on, tokutei, Office::ImmigrationBureau, today);
    }

    /// A non-address item change filed at `filed_at` on `filed_on` (§5.8, §5.9): the change is
    /// recorded, a late notice flagged (§10), and the card replaced.
    fn item_change(
        &mut self,
        item: ChangedItem,
        changed_on: NaiveDate,
        tokutei: bool,
        filed_at: Office,
        filed_on: NaiveDate,
    ) {
        let (resident, ctx) = (self.resident, self.ctx);
        self.push(Event::ItemChangeNotified {
            resident,
            item,
            changed_on,
        });
        let roll = ctx.policy.switches.deadline_roll;
        let duty = Duty::ItemChangeNotification;
        if let Some(late) = duty.late_filing(resident, changed_on, filed_on, roll) {
            self.push(late);
        }
        self.card_procedure(Procedure::ItemChange, None, tokutei, filed_at, filed_on);
    }

    /// An SPR's item change or certificate reissue forwarded by the municipality (N7, §5.8).
    pub(crate) fn forwarded_spr_filing(
        &mut self,
        procedure: Procedure,
        reissue: Option<ReissueReason>,
        item_change: Option<(ChangedItem, NaiveDate)>,
        tokutei: bool,
        filed_on: NaiveDate,
    ) {
        match item_change {
            Some((item, changed_on)) => {
                self.item_change(item, changed_on, tokutei, Office::CityHall, filed_on)
            }
            None => self.card_procedure(procedure, reissue, tokutei, Office::CityHall, filed_on),
        }
    }

    /// A card procedure filed at the bureau's counter today.
    pub(crate) fn card_at_bureau(
        &mut self,
        procedure: Procedure,
        reissue: Option<ReissueReason>,
        tokutei: bool,
    ) {
        let today = self.ctx.today();
        self.card_procedure(
            procedure,
            reissue,
            tokutei,
            Office::ImmigrationBureau,
            today,
        );
    }

    /// A card procedure filed at `filed_at` on `filed_on`: renewal, item change, reissue, or a
    /// forwarded SPR application. The card waits where [`rules::collected_at`] says.
    pub(crate) fn card_procedure(
        &mut self,
        procedure: Procedure,
        reissue: Option<ReissueReason>,
        tokutei: bool,
        filed_at: Office,
        filed_on: NaiveDate,
    ) {
        let (rec, ctx) = (self.rec, self.ctx);
        let venue = if filed_at == Office::CityHall {
            Venue::Municipality(&rec.municipality)
        } else {
            Venue::Bureau
        };
        // §5.8: an SPR's procedures are filed at the municipality, and only theirs are.
        let spr = rec.status == Status::SpecialPermanentResident;
        if spr != matches!(venue, Venue::Municipality(_)) {
            self.refuse(procedure, RefusalRule::WrongOfficeForStatus);
            return;
        }
        if rec.ready.is_some() || rec.card_procedure.is_some() {
            self.refuse(procedure, RefusalRule::AlreadyPending);
            return;
        }
        let Some(card) = rec.card.as_ref() else {
            self.refuse(procedure, RefusalRule::NothingPending);
            return;
        };
        if let Some(rule) = self.card_refusal(card, procedure, reissue) {
            self.refuse(procedure, rule);
            return;
        }
        self.push(Event::CardApplicationReceived {
            resident: self.resident,
            procedure,
            reissue,
        });
        self.late_card_filing(card, procedure, reissue);
        // What kind of card replaces this one: a lost Tokutei card may come back standard
        // (§5.11, switch `lost_tokutei_replacement`).
        let loss_gives_standard = procedure == Procedure::LossReissue
            && ctx.policy.switches.lost_tokutei_replacement == LostTokuteiReplacement::StandardCard;
        let mut with_tokutei = rec.holds_tokutei() && !loss_gives_standard;
        if tokutei {
            if loss_gives_standard {
                self.push(Event::TokuteiApplicationRefused {
                    resident: self.resident,
                    attached_to: procedure,
                    rule: RefusalRule::TokuteiNotForLossReissue,
                });
            } else {
                let event = self.tokutei_event(procedure, Channel::Counter, venue, filed_on);
                with_tokutei |= matches!(event, Event::TokuteiApplicationAccepted { .. });
                self.push(event);
            }
        }
        let at = rules::collected_at(ctx.policy, rec.status, filed_at);
        self.produce(
            rec.status,
            rec.period_expiry,
            with_tokutei,
            at,
            Some(procedure),
        );
    }

    /// Why a card procedure on `card` is refused, if it is: a renewal of a card that is not
    /// renewable or before its window opens (§5.7), a loss reissue without a police report
    /// (§5.11).
    fn card_refusal(
        &self,
        card: &ResidenceCard,
        procedure: Procedure,
        reissue: Option<ReissueReason>,
    ) -> Option<RefusalRule> {
        let rec = self.rec;
        match procedure {
            Procedure::CardRenewal | Procedure::SprCertificateRenewal => {
                let tied = rules::tied_to_sixteenth_birthday(rec.born_on, card.valid_through);
                let opens_on = rules::renewal_window_opens(card.valid_through, tied);
                if !rules::card_is_renewable(rec.status, rec.born_on, card.valid_through) {
                    Some(RefusalRule::NotRenewable)
                } else if self.ctx.today() < opens_on {
                    Some(RefusalRule::RenewalWindowNotOpen { opens_on })
                } else {
                    None
                }
            }
            Procedure::LossReissue => match reissue {
                Some(ReissueReason::Lost {
                    reported_on: None, ..
                }) => Some(RefusalRule::PoliceReportMissing),
                _ => None,
            },
            _ => None,
        }
    }

    /// Flags the deadline a late card filing missed; the filing is still accepted (§10).
    fn late_card_filing(
        &mut self,
        card: &ResidenceCard,
        procedure: Procedure,
        reissue: Option<ReissueReason>,
    ) {
        let ctx = self.ctx;
        let duty = match (procedure, reissue) {
            (Procedure::CardRenewal | Procedure::SprCertificateRenewal, _)
                if !self.rec.status.has_period_of_stay() =>
            {
                Some((Duty::CardRenewal, card.valid_through))
            }
            (_, Some(ReissueReason::Lost { learned_on, .. })) => {
                Some((Duty::LossReissue, learned_on))
            }
            _ => None,
        };
        let roll = ctx.policy.switches.deadline_roll;
        if let Some(late) =
            duty.and_then(|(duty, from)| duty.late_filing(self.resident, from, ctx.today(), roll))
        {
            self.push(late);
        }
    }

    /// A Tokutei application made at the municipal window and forwarded (N7, §4): the card is
    /// ordered from J-LIS unless one is already in production.
    pub(crate) fn forwarded_tokutei(&mut self, procedure: Procedure, filed_on: NaiveDate) {
        let (rec, ctx) = (self.rec, self.ctx);
        let venue = Venue::Municipality(&rec.municipality);
        let event = self.tokutei_event(procedure, Channel::Counter, venue, filed_on);
        let accepted = matches!(event, Event::TokuteiApplicationAccepted { .. });
        self.push(event);
        // A standard card waiting at the counter is superseded by the Tokutei card ordered now
        // (its grant, if any, takes effect at collection all the same); a Tokutei card already
        // in production needs nothing more.
        if accepted && !rec.ready.is_some_and(|r| r.kind.is_tokutei()) {
            // A granted application takes effect with this card.
            let (status, expiry) = rec.status_after_grant();
            let at = rules::collected_at(ctx.policy, status, Office::CityHall);
            self.produce(status, expiry, true, at, None);
        }
    }

    /// Hands over a ready card: the grant takes effect (§5.4), the card is issued with a new
    /// number (§14), and a replaced Tokutei card goes back (§1).
    pub(crate) fn collect(&mut self) {
        let rec = self.rec;
        let at = rec.ready.map_or(Office::ImmigrationBureau, |r| r.at);
        let municipality = (at == Office::CityHall).then_some(rec.municipality);
        self.push(Event::CounterVisited {
            resident: self.resident,
            office: at,
            municipality,
            procedure: Procedure::CardCollection,
        });
        let Some(ready) = rec.ready.filter(|r| !r.producing) else {
            self.refuse(Procedure::CardCollection, RefusalRule::NothingPending);
            return;
        };
        self.hand_over(ready.kind);
    }

    /// The card reaches the resident: the grant takes effect (§5.4), the card is issued with a
    /// new number (§14).
    fn hand_over(&mut self, kind: CardKind) {
        let rec = self.rec;
        if let Some((procedure, grant)) = rec.grant()
            && self.ctx.policy.switches.disposition_at == DispositionAt::CardIssuance
        {
            // Permission is effected by issuing the card (§1, §5.4 [A* MOJ 2010]).
            self.take_effect(procedure, grant);
        }
        let (status, expiry) = rec.status_after_grant();
        self.issue(kind, status, expiry);
    }

    /// Mails the new standard card of a granted online application (§5 "Card by post"): it
    /// reaches the resident `card_post_time` later.
    pub(crate) fn mail_card(&mut self, status: Status) {
        let (ctx, resident) = (self.ctx, self.resident);
        let law = rules::card_law(ctx.policy, ctx.today());
        let kind = rules::residence_document_kind(law, status, false);
        let arrives = ctx.now + ctx.policy.card_post_time.as_duration();
        self.push(Event::CardMailed {
            resident,
            kind,
            arrives_on: arrives.date(),
        });
        self.timer(arrives, Command::DeliverMailedCard { resident });
    }

    /// The mailed card arrives (§5 "Card by post"): issued as at a counter, without a visit.
    pub(crate) fn deliver_mailed_card(&mut self) {
        if let Some(kind) = self.rec.mailed {
            self.push(Event::MailedCardDelivered {
                resident: self.resident,
                kind,
            });
            self.hand_over(kind);
        }
    }

    /// Landing (§5.1): recorded at the port, with a Tokutei application if made there; the card
    /// is handed over at the seven ports that do so, otherwise after the residence notification.
    pub(crate) fn land(&mut self, port: &str, tokutei: bool) {
        let rec = self.rec;
        if rec.landed {
            self.refuse(Procedure::Landing, RefusalRule::NotExpectedHere);
            return;
        }
        let card_at_port = rules::card_handed_over_at_port(port);
        self.push(Event::Landed {
            resident: self.resident,
            port: port.to_owned(),
            card_at_port,
        });
        if tokutei {
            let today = self.ctx.today();
            let event =
                self.tokutei_event(Procedure::Landing, Channel::Airport, Venue::Bureau, today);
            self.push(event);
        }
        let today = self.ctx.today();
        if let Some(kind) = rules::card_at_landing(self.ctx.policy, port, rec.status, today) {
            self.issue(kind, rec.status, rec.period_expiry);
        }
    }

    /// 出国 without a re-entry permit (§5.14): the departure is confirmed at the port and the
    /// card the resident holds is returned to the inspector there — it lapses on the departure
    /// (入管法19条の14) and is given back (19条の15) — and the municipality hears of it (N3). A
    /// person who has not landed, or has already left, is not expected at the port.
    pub(crate) fn depart(&mut self, port: &str) {
        let rec = self.rec;
        if !rec.landed || rec.departed {
            self.refuse(Procedure::Departure, RefusalRule::NotExpectedHere);
            return;
        }
        self.push(Event::Departed {
            resident: self.resident,
            port: port.to_owned(),
            card_returned: rec.card.as_ref().map(|c| c.number),
        });
    }

    /// Issues a standard card with the status and period on record (the card at landing).
    pub(crate) fn issue_standard_card(&mut self) {
        let (rec, ctx) = (self.rec, self.ctx);
        let law = rules::card_law(ctx.policy, ctx.today());
        let kind = rules::residence_document_kind(law, rec.status, false);
        self.issue(kind, rec.status, rec.period_expiry);
    }

    /// Records the issuance of a card of `kind` (§8, §14).
    fn issue(&mut self, kind: CardKind, status: Status, expiry: Option<NaiveDate>) {
        let (rec, resident) = (self.rec, self.resident);
        let serial = rec.cards_issued + 1;
        let card = ResidenceCard {
            kind,
            number: ResidenceCardNumber::generate(self.ctx.seed, resident.0, serial),
            issued_on: self.ctx.today(),
            valid_through: self.new_card_validity(kind, status, expiry, rec.card_procedure),
        };
        if let Some(old) = rec.card.as_ref().filter(|c| c.kind.is_tokutei())
            && !kind.is_tokutei()
        {
            self.push(Event::TokuteiCardReturned {
                resident,
                card_number: old.number,
            });
        }
        self.push(Event::ResidenceCardIssued {
            resident,
            card,
            replaces: rec.card.as_ref().map(|c| c.number),
        });
    }
}
