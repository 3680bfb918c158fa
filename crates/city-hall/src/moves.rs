//! Where a resident lives: the first residence notification after landing (docs/domain.md §5.1),
//! a foreign child's birth notification (§5.15),
//! an address change inside the municipality (転居, §5.2), and a move between municipalities
//! (転出 and 転入, §5.3) with the continued use of the My Number card it calls for, and a move
//! abroad (国外転出, §5.14); the new address is written on the cards presented, and the deadlines
//! of §10 are checked.

use chrono::NaiveDate;
use model::command::Command;
use model::event::Event;
use model::ids::{Address, Municipality};
use model::machine::{Context, Decision};
use model::mynumber::MyNumber;
use model::procedure::Procedure;
use model::rules::{self, Duty, RefusalRule, TokuteiApplication, Venue};
use model::service::Channel;
use model::time::start_of_day;

use crate::{CityHall, Window, refused, visit};

impl CityHall {
    /// A residence notification by a person not yet in the register: the first one after
    /// landing (19条の7, §5.1) or the one due after a change of status made the person a
    /// mid-to-long-term resident (19条の8, §5.5). It opens the register entry from what the
    /// resident presents, with a My Number assigned now, and reaches the bureau (N1); a late one
    /// is flagged (§10), and a Tokutei application made with it is forwarded (N7). A person the
    /// register does not take (§3) is refused, with every rule that applies: the register's, and
    /// the Tokutei application's; someone already registered is not expected here.
    pub(crate) fn notify_residence(&self, command: &Command, ctx: &Context<'_>, d: &mut Decision) {
        let Command::NotifyResidence {
            resident,
            municipality,
            address,
            born_on,
            status,
            period_expiry,
            due_from,
            card,
            tokutei,
            ..
        } = command
        else {
            return;
        };
        let (resident, today) = (*resident, ctx.today());
        let Some(procedure) = command.procedure() else {
            return;
        };
        d.push(visit(resident, municipality, procedure));
        if self.entry(resident).is_some() {
            d.push(refused(resident, procedure, RefusalRule::NotExpectedHere));
            return;
        }
        // §3, §5.1: not a person the register takes — no entry, no My Number, nothing notified;
        // a Tokutei application made with it is refused here, by its own rule.
        if let Some(rule) = rules::register_refusal(*status) {
            d.push(refused(resident, procedure, rule));
            if *tokutei {
                let app = TokuteiApplication {
                    date: today,
                    venue: Venue::Municipality(municipality),
                    channel: Channel::Counter,
                    attached_to: Some(procedure),
                    status: *status,
                    registered: false,
                };
                // The application made with the notification, refused by its own rule beside
                // the notification's refusal (its sentence claims nothing about the latter).
                if let Some(rule) = rules::tokutei_refusal(ctx.policy, &app) {
                    d.push(Event::TokuteiApplicationRefused {
                        resident,
                        attached_to: procedure,
                        rule,
                    });
                }
            }
            return;
        }
        // The My Number is assigned when the resident record is created (§5.1 [B]).
        d.push(Event::ResidenceNotified {
            resident,
            municipality: *municipality,
            address: *address,
            my_number: MyNumber::generate(ctx.seed, u64::from(resident.0)),
            status: *status,
            period_expiry: *period_expiry,
            born_on: *born_on,
            card: *card,
        });
        let roll = ctx.policy.switches.deadline_roll;
        if let Some(late) = due_from.and_then(|due_from| {
            Duty::ResidenceNotification.late_filing(resident, due_from, today, roll)
        }) {
            d.push(late);
        }
        if *tokutei {
            d.push(Event::ApplicationForwarded {
                resident,
                procedure,
                tokutei: true,
                filed_on: today,
            });
        }
    }
}

impl CityHall {
    /// 出生届 of a foreign child (§5.15): the register takes the child as a transitional stayer
    /// (出生による経過滞在者, 住基法30条の45) with a My Number assigned now, and tells the bureau
    /// (N1, 入管法61条の8の2); a notification after the 14 days counted from the day of birth
    /// is flagged (§10; 戸籍法43条・49条). A child already registered is not expected here.
    pub(crate) fn notify_birth(&self, command: &Command, ctx: &Context<'_>, d: &mut Decision) {
        let Command::NotifyBirth {
            resident,
            municipality,
            address,
            born_on,
        } = command
        else {
            return;
        };
        let resident = *resident;
        d.push(visit(resident, municipality, Procedure::BirthNotification));
        if self.entry(resident).is_some() {
            d.push(refused(
                resident,
                Procedure::BirthNotification,
                RefusalRule::NotExpectedHere,
            ));
            return;
        }
        d.push(Event::BirthRegistered {
            resident,
            municipality: *municipality,
            address: *address,
            my_number: MyNumber::generate(ctx.seed, u64::from(resident.0)),
            born_on: *born_on,
        });
        let roll = ctx.policy.switches.deadline_roll;
        if let Some(late) =
            Duty::BirthNotification.late_filing(resident, *born_on, ctx.today(), roll)
        {
            d.push(late);
        }
    }
}

impl Window<'_> {
    /// 転居 (§5.2): the new address is recorded and written on the cards presented.
    pub(crate) fn move_within(&mut self, address: &Address, moved_on: NaiveDate, tokutei: bool) {
        let (entry, today) = (self.entry, self.ctx.today());
        self.visit(Procedure::MoveWithinMunicipality);
        self.push(Event::MovedWithinMunicipality {
            resident: self.resident,
            municipality: entry.municipality,
            address: *address,
            moved_on,
            written_on: entry.cards_written(today),
        });
        self.address_notice_follow_ups(
            Procedure::MoveWithinMunicipality,
            tokutei,
            Duty::MoveWithinNotification,
            moved_on,
        );
    }

    /// 転出 (§5.3): recorded at the counter, or online for a card-based move-out (特例転出),
    /// which needs no visit.
    pub(crate) fn move_out(&mut self, to: &Municipality, planned_on: NaiveDate, card_based: bool) {
        if !card_based {
            self.visit(Procedure::MoveOut);
        }
        self.push(Event::MoveOutRecorded {
            resident: self.resident,
            municipality: self.entry.municipality,
            to: *to,
            planned_on,
            card_based,
        });
    }

    /// 国外転出届 (§5.14): a move abroad, notified before leaving (住民基本台帳法24条). The
    /// entry closes on the day of leaving (at its start; at once for a day already past).
    pub(crate) fn notify_departure(&mut self, leaves_on: NaiveDate) {
        self.visit(Procedure::DepartureNotification);
        self.push(Event::DepartureNotified {
            resident: self.resident,
            municipality: self.entry.municipality,
            leaves_on,
        });
        let at = start_of_day(leaves_on).max(self.ctx.now);
        self.timer(
            at,
            Command::CloseEntryOnDeparture {
                resident: self.resident,
            },
        );
    }

    /// The day of leaving has come (§5.14): the entry closes, and the bureau (N2) and J-LIS
    /// (N8) hear of it; the register keeps nothing of the resident after that.
    pub(crate) fn close_entry_on_departure(&mut self) {
        self.push(Event::MoveAbroadRecorded {
            resident: self.resident,
            municipality: self.entry.municipality,
        });
    }

    /// 転入 (§5.3): recorded at the new municipality, which tells the former one (N9); the My
    /// Number card's continued use is confirmed if it is presented, falls due within 90 days
    /// otherwise, and lapses if the move-in after a card-based move-out was late (§10).
    pub(crate) fn move_in(
        &mut self,
        municipality: &Municipality,
        address: &Address,
        moved_on: NaiveDate,
        present_my_number_card: bool,
        tokutei: bool,
    ) {
        let (entry, ctx, resident) = (self.entry, self.ctx, self.resident);
        let (today, roll) = (ctx.today(), ctx.policy.switches.deadline_roll);
        self.visit_at(municipality, Procedure::MoveIn);
        let from = entry.moving_out.as_ref().map(|_| entry.municipality);
        self.push(Event::MoveInRecorded {
            resident,
            municipality: *municipality,
            from,
            address: *address,
            moved_on,
            written_on: entry.cards_written(today),
        });
        self.address_notice_follow_ups(
            Procedure::MoveIn,
            tokutei,
            Duty::MoveInNotification,
            moved_on,
        );
        let rule = ctx.policy.switches.tokutei_continuity_rule;
        if !entry.continuity_applies(rule, today) {
            return;
        }
        let late_card_based = entry
            .moving_out
            .as_ref()
            .filter(|m| m.card_based)
            .and_then(|m| {
                rules::late_move_in_after_card_based_move_out(moved_on, m.planned_on, today, roll)
            });
        if let Some(deadline) = late_card_based {
            self.push(Duty::MoveInAfterCardBasedMoveOut.missed(resident, deadline));
        } else if present_my_number_card {
            self.push(Event::MyNumberContinuityConfirmed {
                resident,
                municipality: *municipality,
            });
        } else {
            let deadline = Duty::MyNumberContinuity.deadline(today, roll);
            self.push(Event::MyNumberContinuityDue { resident, deadline });
            self.timer(
                start_of_day(deadline.succ_opt().unwrap_or(deadline)),
                Command::CheckContinuityDeadline { resident, deadline },
            );
        }
    }

    /// What follows an address notification at the window (§5.2, §5.3): a Tokutei application
    /// made with it goes to the bureau (N7, §4), and a notification after the duty's deadline
    /// (14 days from the move) is accepted with the missed deadline flagged (§10).
    fn address_notice_follow_ups(
        &mut self,
        procedure: Procedure,
        tokutei: bool,
        duty: Duty,
        moved_on: NaiveDate,
    ) {
        let (resident, today) = (self.resident, self.ctx.today());
        if tokutei {
            self.push(Event::ApplicationForwarded {
                resident,
                procedure,
                tokutei: true,
                filed_on: today,
            });
        }
        let roll = self.ctx.policy.switches.deadline_roll;
        if let Some(late) = duty.late_filing(resident, moved_on, today, roll) {
            self.push(late);
        }
    }
}
