//! The separate My Number card at the municipal window: the validity change after a new period
//! of stay (有効期間変更, docs/domain.md §5.4), the special-period extension while an application
//! is pending (§5.13), continued use after a move and its 90-day deadline (§5.3, §10), and PIN
//! resets (§5.12).

use chrono::NaiveDate;
use model::event::Event;
use model::procedure::Procedure;
use model::rules::{Duty, RefusalRule};
use model::validity;

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
            let rule = if entry.holds_tokutei() {
                RefusalRule::HoldsTokuteiCard
            } else {
                RefusalRule::NoMyNumberCard
            };
            self.refuse(procedure, rule);
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
