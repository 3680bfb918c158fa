//! The separate My Number card at the municipal window: the validity change after a new period
//! of stay (有効期間変更, docs/domain.md §5.4), the special-period extension while an application
//! is pending (§5.13), continued use after a move and its 90-day deadline (§5.3, §10), PIN
//! resets (§5.12), and the card's own life: a new card after a loss or a lapse, handed over
//! against the fee (§5.11, §8.4), and its update after a non-address item change (§5.9).

use chrono::NaiveDate;
use model::card::{CardKind, MyNumberCard};
use model::event::Event;
use model::procedure::{MyNumberCardReissueReason, Procedure};
use model::rules::{self, Duty, RefusalRule};
use model::validity::{self, RefusalReason};

use crate::Window;

impl Window<'_> {
    /// 有効期間変更 (§5.4, §11): the card's validity follows the new period of stay the register
    /// shows (or the card presented shows, per the switch `validity_change_evidence`), up to the
    /// birthday cap; refused without a separate card, once it has expired, or when there is
    /// nothing to change.
    pub(crate) fn my_number_validity_change(&mut self, presented_expiry: Option<NaiveDate>) {
        let (entry, today) = (self.entry, self.ctx.today());
        let procedure = Procedure::MyNumberValidityChange;
        self.visit(procedure);
        let Some(card) = entry.my_number_card else {
            self.refuse(procedure, entry.no_separate_card_rule());
            return;
        };
        let changed = validity::my_number_validity_change(
            entry.status.card_category(),
            entry.born_on,
            card.issued_on,
            card.valid_through,
            validity::validity_change_period(
                self.ctx.policy.switches.validity_change_evidence,
                entry.period_expiry,
                presented_expiry,
            ),
            today,
        );
        match changed {
            Ok(valid_through) if valid_through != card.valid_through => {
                self.push(Event::MyNumberCardValidityChanged {
                    resident: self.resident,
                    previous: card.valid_through,
                    valid_through,
                })
            }
            Ok(_) => self.refuse(procedure, RefusalRule::NothingPending),
            Err(reason) => self.refuse(procedure, RefusalRule::Validity { reason }),
        }
    }

    /// §5.13: the legacy special-period extension of the separate card, on proof of a pending
    /// application (the 申請中 stamp) — the municipality cannot know otherwise.
    pub(crate) fn my_number_special_period_extension(&mut self, applied_on: NaiveDate) {
        let entry = self.entry;
        let procedure = Procedure::MyNumberSpecialPeriodExtension;
        self.visit(procedure);
        let Some(card) = entry.my_number_card else {
            self.refuse(procedure, RefusalRule::NoMyNumberCard);
            return;
        };
        let Some(expiry) = entry.period_expiry else {
            self.refuse(procedure, RefusalRule::NoPeriodOfStay);
            return;
        };
        match validity::my_number_special_period_extension(
            card.valid_through,
            expiry,
            applied_on,
            None,
            entry.special_extended,
            self.ctx.today(),
        ) {
            Ok(valid_through) => self.push(Event::MyNumberCardSpecialPeriodExtended {
                resident: self.resident,
                previous: card.valid_through,
                valid_through,
            }),
            Err(reason) => self.refuse(procedure, RefusalRule::Validity { reason }),
        }
    }

    /// Continued use confirmed at the window, within the 90 days after the move-in (§5.3).
    pub(crate) fn confirm_continuity(&mut self) {
        let entry = self.entry;
        self.visit(Procedure::MyNumberContinuity);
        match entry.continuity_deadline {
            Some(deadline) if self.ctx.today() <= deadline => {
                self.push(Event::MyNumberContinuityConfirmed {
                    resident: self.resident,
                    municipality: entry.municipality,
                })
            }
            _ => self.refuse(Procedure::MyNumberContinuity, RefusalRule::NothingPending),
        }
    }

    /// The 90-day timer (§5.3, §10): a card still due for continued use lapses. A card that
    /// lapsed by its own expiry meanwhile has nothing left to lapse.
    pub(crate) fn check_continuity_deadline(&mut self, deadline: NaiveDate) {
        let entry = self.entry;
        let rule = self.ctx.policy.switches.tokutei_continuity_rule;
        if entry.continuity_deadline == Some(deadline) && entry.continuity_applies(rule, deadline) {
            self.push(Duty::MyNumberContinuity.missed(self.resident, deadline));
        }
    }

    /// §5.12: PINs are reset at the municipal window.
    pub(crate) fn reset_pin(&mut self) {
        self.visit(Procedure::PinReset);
        self.push(Event::PinResetAtCounter {
            resident: self.resident,
        });
    }
}

impl Window<'_> {
    /// A new separate card at the window (§5.11, §8.4): after a loss, the 紛失届 with the
    /// reissue application, on the police report [A MUNI-LOSS]; after a lapse, a new card
    /// [A MUNI-MN]. The new card is valid as any card issued today (§8.4); J-LIS produces it
    /// (N8). Refused while one is already applied for, to a Tokutei holder without a separate
    /// card (§8.6: the functions are on the Tokutei card), without a card ever held, without a
    /// police report for a loss (§5.11), and for a card that has not lapsed (§5.4: a validity
    /// change, not a new card).
    pub(crate) fn my_number_card_reissue(&mut self, reason: MyNumberCardReissueReason) {
        let (entry, today) = (self.entry, self.ctx.today());
        let procedure = Procedure::MyNumberCardReissue;
        self.visit(procedure);
        let held = entry.my_number_card;
        let refusal = if entry.my_number_card_applied.is_some() {
            Some(RefusalRule::AlreadyPending)
        } else if held.is_none() && entry.holds_tokutei() {
            Some(RefusalRule::HoldsTokuteiCard)
        } else if held.is_none() && !entry.had_my_number_card {
            Some(RefusalRule::NoMyNumberCard)
        } else {
            match reason {
                MyNumberCardReissueReason::Lost { reported_on: None } => {
                    Some(RefusalRule::PoliceReportMissing)
                }
                MyNumberCardReissueReason::Lapsed if entry.holds_valid_my_number_card(today) => {
                    Some(RefusalRule::Validity {
                        reason: RefusalReason::CardStillValid,
                    })
                }
                _ => None,
            }
        };
        if let Some(rule) = refusal {
            self.refuse(procedure, rule);
            return;
        }
        let card = MyNumberCard {
            issued_on: today,
            valid_through: validity::my_number_card_valid_through(
                entry.status.card_category(),
                entry.born_on,
                today,
                entry.period_expiry,
            ),
        };
        self.push(Event::MyNumberCardReissueApplied {
            resident: self.resident,
            reason,
            card,
        });
    }

    /// The new separate card handed over at the window, against the fee (§5.11, §8.4 [A
    /// MUNI-FEE]: paid at collection); refused when no card is ready.
    pub(crate) fn collect_my_number_card(&mut self) {
        let entry = self.entry;
        self.visit(Procedure::CardCollection);
        match entry.my_number_card_applied {
            Some((card, reason)) if entry.my_number_card_ready => {
                self.push(Event::MyNumberCardIssued {
                    resident: self.resident,
                    card,
                    fee_yen: rules::my_number_card_fee_yen(reason),
                })
            }
            _ => self.refuse(Procedure::CardCollection, RefusalRule::NothingPending),
        }
    }

    /// 券面事項変更 (§5.9 [B]): after a non-address item change reached the register (N3), the
    /// separate card is brought up to date at the window; refused without a card, or with
    /// nothing changed since it was last updated.
    pub(crate) fn update_my_number_card_items(&mut self) {
        let (entry, today) = (self.entry, self.ctx.today());
        let procedure = Procedure::MyNumberCardItemUpdate;
        self.visit(procedure);
        if !entry.holds_valid_my_number_card(today) {
            self.refuse(procedure, entry.no_separate_card_rule());
            return;
        }
        match entry.my_number_card_outdated {
            Some(item) => self.push(Event::MyNumberCardItemsUpdated {
                resident: self.resident,
                item,
            }),
            None => self.refuse(procedure, RefusalRule::NothingPending),
        }
    }

    /// N8 from J-LIS: the new separate card applied for here is at the window.
    pub(crate) fn my_number_card_produced(&mut self) {
        if self.entry.my_number_card_applied.is_some() && !self.entry.my_number_card_ready {
            self.push(Event::CardReadyForCollection {
                resident: self.resident,
                kind: CardKind::MyNumberCard,
                at: model::service::Office::CityHall,
            });
        }
    }
}
