//! The resident agent: what simulated residents do that no office decides and no scenario step
//! says — resident behaviour, taken from the policy.
//!
//! Every resident collects a card as soon as it is ready (after `collect_card_after`; decision
//! 5) — a residence card at the bureau's counter (or the municipality's), a new separate My
//! Number card at the municipality's — unless the scenario has a `collect_card` (or
//! `collect_my_number_card`) step for them at or after that moment: then the step says when; a
//! resident who has left Japan for good (docs/domain.md §5.14) collects nothing. Residents of a
//! synthetic population also leave these choices to the policy, because they are the behaviour
//! a what-if analysis varies and must not be baked into the population:
//!
//! - **Tokutei uptake.** When a population step may carry a Tokutei application, the agent
//!   attaches one if the resident is among the `tokutei_uptake` share and the application can be
//!   made: the integrated regime, the counter open (the bureau's from `bureau_counters_from`, a
//!   municipality's per `municipal_adoption`), in person. At an address notification it is
//!   attached only by residents who do not hold a Tokutei card yet; at a procedure that issues a
//!   new card, every time (else the new card would be a standard one).
//! - **The legacy validity change.** After a new standard residence card, a holder of a
//!   separate, still valid My Number card goes to the city hall for the validity change
//!   (docs/domain.md §5.4) unless among the `never` share, `delay` days later at the same time of
//!   day. A resident who comes before the bureau's notice (N3) has reached the city hall is
//!   turned away (§6: the municipality works from the notice) and does not retry: slow links
//!   cost outage days, which is what the analysis should see.
//! - **The notice of a move abroad.** A resident who leaves Japan for good skips the 国外転出届
//!   at the city hall if among the `departure.no_notice` share (docs/domain.md §5.14); after
//!   the departure the resident makes no step and collects nothing.
//! - **A newborn's status acquisition.** The parents of a child born during the year (docs/
//!   domain.md §5.15) never apply for its status if among the `birth.no_status_acquisition`
//!   share (0 by default); the bureau then has nothing to decide.
//! - **Steps with nothing left to do** are not made: a population's PIN reset when no PIN is
//!   locked, a My Number card's update when the resident holds no separate card any more, a
//!   card renewal when the card held is not due or a new one is coming ([`worth_making`]).
//!
//! Scenario steps are scripted: the agent changes nothing in them and, run under the regime they
//! were written for, schedules no validity change for their residents. Run under another regime
//! (`Residents::follow_ups`), it supplies the validity changes that regime requires and the
//! script lacks, as a resident who does what the regime asks: never among the `never` share, and
//! before the separate card lapses (docs/what-if.md, "A scenario under another regime"). It only
//! shows what the resident holds when a step says "present
//! your card": at the residence notification after a change of status (19条の8, docs/domain.md
//! §5.5) the resident presents the new card, whose number, status and period the window
//! registers — which only the run knows, not the file ([`present`]).
//!
//! Every draw is a SplitMix64 hash of the seed, the resident's index in the *whole* population
//! and what is drawn, never a position in a shard or a run order, so a shard decides exactly as
//! the unsharded run does, and the same residents opt in under every policy with the same uptake
//! (with a higher uptake, a superset of them). The uptake draw is per resident (a resident who
//! wants the card asks for it whenever possible); the validity-change draws are per resident and
//! new card (the first, second … new card of the run).

use chrono::{Duration, NaiveDate};
use model::card::CardKind;
use model::command::Command;
use model::event::Event;
use model::ids::{Municipality, ResidentId};
use model::policy::Policy;
use model::procedure::{Procedure, ReissueReason};
use model::rules::{self, RefusalRule, TokuteiApplication};
use model::service::Channel;
use model::service::Office;
use model::time::SimTime;
use model::validity::RefusalReason;
use population::PopulationStep;

use model::hashing::mix64;
use projection::{Projections, UseState};

/// A step as the scheduler takes it: a dated command, and whether a policy-driven resident (a
/// population's) performs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepInput {
    pub at: SimTime,
    pub command: Command,
    /// `None` for scripted steps (scenario files).
    pub agent: Option<AgentTag>,
}

/// What the agent needs to know about a population step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentTag {
    /// The resident's index in the whole population (the key of every draw).
    pub global: u32,
    /// The step's `tokutei` flag is the agent's to set.
    pub decides_tokutei: bool,
}

impl From<(SimTime, Command)> for StepInput {
    fn from((at, command): (SimTime, Command)) -> StepInput {
        StepInput {
            at,
            command,
            agent: None,
        }
    }
}

impl From<PopulationStep> for StepInput {
    fn from(s: PopulationStep) -> StepInput {
        StepInput {
            at: s.at,
            command: s.command,
            agent: Some(AgentTag {
                global: s.global,
                decides_tokutei: s.policy_decides_tokutei,
            }),
        }
    }
}

/// What is drawn, mixed into the key so that the draws are independent.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
enum Purpose {
    TokuteiUptake = 1,
    NeverChangesValidity = 2,
    ValidityChangeDelay = 3,
    LeavesWithoutNotice = 4,
    NeverAppliesForStatus = 5,
}

/// A uniform 64-bit draw for (seed, resident, what, which occurrence).
fn draw(seed: u64, global: u32, purpose: Purpose, occurrence: u32) -> u64 {
    let k = mix64(seed ^ (purpose as u64).rotate_right(8));
    mix64(mix64(k ^ u64::from(global)) ^ u64::from(occurrence))
}

/// The agent's memory of one resident (12 bytes, one per resident).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// The index in the whole population; valid when `driven`.
    global: u32,
    /// New residence cards received so far in the run (the occurrence of the validity draws).
    cards: u16,
    /// The resident belongs to a population: the policy decides for it.
    driven: bool,
    /// Turned away from a validity change since the last new card, and came back once.
    came_back: bool,
    /// A scripted resident whose validity change since the last new card the agent supplied
    /// (steps written for another regime): it comes back once like a driven one.
    followed_up: bool,
    /// A Tokutei card has been ordered from J-LIS and not issued yet: the resident has a new
    /// card coming and renews nothing meanwhile.
    card_coming: bool,
    /// Left Japan for good (§5.14): the agent does nothing more for the resident.
    gone: bool,
}

/// Where a Tokutei application attached to a command would be made.
enum Venue {
    Bureau,
    Municipality(Municipality),
}

/// A command's Tokutei flag, where the application would be made, and whether the procedure
/// issues a new card anyway. One line per procedure a population generates.
fn tokutei_opportunity<'c>(
    command: &'c mut Command,
    projections: &Projections,
) -> Option<(&'c mut bool, Venue, bool)> {
    let current = |r: ResidentId| {
        projections
            .record(r)
            .and_then(|rec| rec.city_hall.municipality)
    };
    match command {
        Command::FileExtension {
            tokutei,
            channel: Channel::Counter,
            ..
        }
        | Command::FileStatusChange {
            tokutei,
            channel: Channel::Counter,
            ..
        }
        | Command::FilePermanentResidence {
            tokutei,
            channel: Channel::Counter,
            ..
        } => Some((tokutei, Venue::Bureau, true)),
        Command::NotifyMoveWithinMunicipality {
            resident, tokutei, ..
        } => {
            let here = current(*resident)?;
            Some((tokutei, Venue::Municipality(here), false))
        }
        Command::NotifyMoveIn {
            municipality,
            tokutei,
            ..
        } => Some((tokutei, Venue::Municipality(*municipality), false)),
        // The first residence notification after landing (§5.1): the card, if any, was handed
        // over at the port; a Tokutei card would replace it.
        Command::NotifyResidence {
            municipality,
            tokutei,
            after_status_change: false,
            ..
        } => Some((tokutei, Venue::Municipality(*municipality), false)),
        Command::FileCardRenewal { tokutei, .. } => Some((tokutei, Venue::Bureau, true)),
        // A newborn's first status and card (§5.15).
        Command::FileStatusAcquisition { tokutei, .. } => Some((tokutei, Venue::Bureau, true)),
        Command::RenewSprCertificate { resident, tokutei } => {
            let here = current(*resident)?;
            Some((tokutei, Venue::Municipality(here), true))
        }
        // A loss reissue takes no Tokutei application by default (§5.11): the population
        // leaves it to no one.
        Command::RequestReissue {
            resident,
            reason: ReissueReason::Damaged | ReissueReason::OnRequest,
            tokutei,
            at_city_hall,
        }
        | Command::NotifyItemChange {
            resident,
            tokutei,
            at_city_hall,
            ..
        } => {
            let venue = if *at_city_hall {
                Venue::Municipality(current(*resident)?)
            } else {
                Venue::Bureau
            };
            Some((tokutei, venue, true))
        }
        _ => None,
    }
}

/// Whether a population step is worth making when it comes: a PIN reset only with a locked
/// PIN, a My Number card's update only with a separate card still in use (a resident whose
/// functions moved to a Tokutei card, or whose card lapsed, has nothing to update), a card's
/// renewal only while the card held is in its renewal window (a card issued meanwhile — a
/// Tokutei card applied for at a move, say — is not due) and no new card is coming
/// (`Slot::card_coming`, checked by the caller). Each depends on what the run did before, which
/// the population cannot know.
fn worth_making(command: &Command, today: NaiveDate, projections: &Projections) -> bool {
    let record = projections.record(command.resident());
    match command {
        Command::FileCardRenewal { .. } | Command::RenewSprCertificate { .. } => record
            .and_then(|r| Some((r.born_on?, r.residence_card.as_ref()?)))
            .is_some_and(|(born_on, card)| {
                let tied = rules::tied_to_sixteenth_birthday(born_on, card.valid_through);
                today >= rules::renewal_window_opens(card.valid_through, tied)
            }),
        Command::ResetPin { .. } => record.is_some_and(|r| r.pin_locked),
        Command::UpdateMyNumberCardItems { .. } => record
            .and_then(|r| r.my_number_card)
            .is_some_and(|c| c.state == UseState::Active),
        _ => true,
    }
}

/// What a resident presents at a window, from what they hold when the step happens: at a
/// validity change the residence card and the period it shows (§5.4); at the residence
/// notification after a change of status (19条の8, docs/domain.md §5.5) the card the
/// change of status issued, with the status and period it shows, and the day it was issued —
/// the permission (§5.4 [A* MOJ 2010]), from which the 14 days run. A resident who holds no card
/// yet presents nothing more than the step's file gave (the status they started with).
pub(crate) fn present(command: &mut Command, projections: &Projections) {
    // At a validity change the resident shows the residence card in hand, with the period of
    // stay it carries (§5.4); whether the window may rely on it is the policy's.
    if let Command::RequestMyNumberValidityChange {
        resident,
        presented_expiry,
    } = command
    {
        *presented_expiry = self::presented_expiry(projections, *resident);
        return;
    }
    if let Command::NotifyResidence {
        resident,
        after_status_change: true,
        status,
        period_expiry,
        card,
        due_from,
        ..
    } = command
        && let Some(record) = projections.record(*resident)
        && let Some(held) = &record.residence_card
        && let Some(shown) = record.bureau.status
    {
        *status = shown;
        *period_expiry = record.bureau.period_expiry;
        *card = Some((held.kind, held.number));
        *due_from = Some(held.issued_on);
    }
}

/// At a population's first residence notification (§5.1) the resident presents the card
/// handed over at the port, if any, whose kind and number go into the register (§5.1 [A
/// JLT-ORDER]); which card that is — its kind depends on the regime — only the run knows.
fn present_port_card(command: &mut Command, projections: &Projections) {
    if let Command::NotifyResidence {
        resident,
        after_status_change: false,
        card: card @ None,
        ..
    } = command
        && let Some(held) = projections
            .record(*resident)
            .and_then(|r| r.residence_card.as_ref())
    {
        *card = Some((held.kind, held.number));
    }
}

/// The period of stay on the residence card a resident holds, as the card shows it.
fn presented_expiry(projections: &Projections, resident: ResidentId) -> Option<NaiveDate> {
    projections
        .record(resident)
        .filter(|r| r.residence_card.is_some())
        .and_then(|r| r.bureau.period_expiry)
}

/// A scenario's own collection step: the resident, when, and whether the card collected is the
/// separate My Number card (`collect_my_number_card`) rather than a residence card
/// (`collect_card`).
pub(crate) type ScriptedCollection = (ResidentId, SimTime, bool);

/// The resident agent of one shard.
pub(crate) struct Agent {
    seed: u64,
    /// The id of the first slot (the shard's first resident).
    base: u32,
    slots: Vec<Slot>,
    /// The scenario's own collection steps: a card ready before one of them (for a card of the
    /// same family) waits for it.
    scripted_collections: Vec<ScriptedCollection>,
    /// `Some` when scripted steps run under another regime than the one they were written for:
    /// the agent supplies the validity changes the run's regime requires, except where the
    /// scenario's own validity-change steps (who, when) say when.
    follow_ups: Option<Vec<(ResidentId, SimTime)>>,
}

impl Agent {
    /// The agent of the residents with ids in `residents`.
    pub(crate) fn new(
        seed: u64,
        residents: std::ops::Range<u32>,
        scripted_collections: Vec<ScriptedCollection>,
        follow_ups: Option<Vec<(ResidentId, SimTime)>>,
    ) -> Agent {
        Agent {
            seed,
            base: residents.start,
            slots: vec![Slot::default(); residents.len()],
            scripted_collections,
            follow_ups,
        }
    }

    /// Whether the agent supplies the validity change of scripted `resident` after a new card
    /// issued at `now`: the steps were written for another regime, and none of the resident's
    /// own validity-change steps comes at or after `now`.
    fn supplies_follow_up(&self, resident: ResidentId, now: SimTime) -> bool {
        self.follow_ups.as_ref().is_some_and(|scripted| {
            !scripted
                .iter()
                .any(|(r, when)| *r == resident && *when >= now)
        })
    }

    fn slot(&mut self, resident: ResidentId) -> &mut Slot {
        let i = resident
            .0
            .checked_sub(self.base)
            .unwrap_or_else(|| panic!("{resident} is not in this shard's range"))
            as usize;
        if self.slots.len() <= i {
            self.slots.resize(i + 1, Slot::default());
        }
        &mut self.slots[i]
    }

    /// A step is about to be delivered: decide what the policy leaves to the resident, and
    /// whether the resident makes the step at all (false: a population step with nothing left
    /// to do, [`worth_making`]; scripted steps are always made).
    pub(crate) fn on_step(
        &mut self,
        step: &mut StepInput,
        policy: &Policy,
        projections: &Projections,
    ) -> bool {
        let Some(tag) = step.agent else {
            return true;
        };
        let resident = step.command.resident();
        let seed = self.seed;
        let slot = self.slot(resident);
        slot.global = tag.global;
        slot.driven = true;
        if slot.gone {
            return false;
        }
        // The notice of a move abroad is behaviour: some leave without it (§5.14), and the
        // municipality deletes their entry when the bureau tells it of the departure.
        if matches!(step.command, Command::NotifyDeparture { .. })
            && policy.resident.departure.no_notice.admits(draw(
                seed,
                tag.global,
                Purpose::LeavesWithoutNotice,
                0,
            ))
        {
            return false;
        }
        // So is a newborn's application for a status (§5.15): the parents of the
        // `birth.no_status_acquisition` share never file it, and there is nothing to decide.
        if matches!(
            step.command,
            Command::FileStatusAcquisition { .. } | Command::DecideStatusAcquisition { .. }
        ) && policy.resident.birth.no_status_acquisition.admits(draw(
            seed,
            tag.global,
            Purpose::NeverAppliesForStatus,
            0,
        )) {
            return false;
        }
        let renewal = matches!(
            step.command,
            Command::FileCardRenewal { .. } | Command::RenewSprCertificate { .. }
        );
        if (renewal && slot.card_coming)
            || !worth_making(&step.command, step.at.date(), projections)
        {
            return false;
        }
        present_port_card(&mut step.command, projections);
        if !tag.decides_tokutei {
            return true;
        }
        let wants = policy.resident.tokutei_uptake.admits(draw(
            self.seed,
            tag.global,
            Purpose::TokuteiUptake,
            0,
        ));
        let record = projections.record(resident);
        let holds_tokutei = record
            .and_then(|r| r.residence_card.as_ref())
            .is_some_and(|c| c.kind.is_tokutei());
        let status = record.and_then(|r| r.bureau.status);
        // The first residence notification registers the resident it is made by (§5.1).
        let registered = record.is_some_and(|r| r.city_hall.municipality.is_some())
            || matches!(step.command, Command::NotifyResidence { .. });
        let today = step.at.date();
        let procedure = step.command.procedure();
        let Some((flag, venue, new_card)) = tokutei_opportunity(&mut step.command, projections)
        else {
            return true;
        };
        // A resident who wants the card asks when the rules would accept the application: the
        // one eligibility rule decides (model::rules::tokutei_refusal, §3, §4).
        let allowed = status.is_some_and(|status| {
            let venue = match &venue {
                Venue::Bureau => rules::Venue::Bureau,
                Venue::Municipality(m) => rules::Venue::Municipality(m),
            };
            let app = TokuteiApplication {
                date: today,
                venue,
                channel: Channel::Counter,
                attached_to: procedure,
                status,
                registered,
            };
            rules::tokutei_refusal(policy, &app).is_none()
        });
        *flag = wants && allowed && (new_card || !holds_tokutei);
        true
    }

    /// Whether the agent reacts to `event` (the scheduler routes it here).
    pub(crate) fn reacts_to(event: &Event) -> bool {
        matches!(
            event,
            Event::CardReadyForCollection { .. }
                | Event::ResidenceCardIssued { .. }
                | Event::TokuteiCardRequested { .. }
                | Event::Departed { .. }
                | Event::ProcedureRefused {
                    procedure: Procedure::MyNumberValidityChange,
                    ..
                }
        )
    }

    /// The resident's reaction to an event just recorded: the commands to schedule, and when.
    pub(crate) fn on_event(
        &mut self,
        event: &Event,
        now: SimTime,
        policy: &Policy,
        projections: &Projections,
    ) -> Option<(SimTime, Command)> {
        // A resident who left Japan for good collects nothing and visits no one.
        let slot = self.slot(event.resident());
        if let Event::Departed { .. } = event {
            slot.gone = true;
        }
        if slot.gone {
            return None;
        }
        match event {
            // Decision 5: every resident collects a ready card.
            // The counter must be open that day (docs/domain.md §5).
            Event::CardReadyForCollection { resident, at, kind } => {
                // A scenario that says when the resident collects ("collects the card on D")
                // overrides the agent's timing: the card waits for that step.
                let my_number_card = *kind == CardKind::MyNumberCard;
                if self
                    .scripted_collections
                    .iter()
                    .any(|(r, when, mn)| r == resident && *when >= now && *mn == my_number_card)
                {
                    return None;
                }
                let after = now + policy.resident.collect_card_after.as_duration();
                let at = rules::next_counter_time(policy, *at, after);
                let resident = *resident;
                Some((
                    at,
                    if my_number_card {
                        Command::CollectMyNumberCard { resident }
                    } else {
                        Command::CollectCard { resident }
                    },
                ))
            }
            Event::TokuteiCardRequested { resident, .. } => {
                self.slot(*resident).card_coming = true;
                None
            }
            Event::ResidenceCardIssued { resident, card, .. } => {
                let seed = self.seed;
                self.slot(*resident).card_coming = false;
                // A scripted resident whose steps were written for another regime is given the
                // visits this one requires, as a resident who does what the regime asks: never
                // among the `never` share, and before the separate card lapses.
                let supplied =
                    !self.slot(*resident).driven && self.supplies_follow_up(*resident, now);
                let slot = self.slot(*resident);
                if !slot.driven && !supplied {
                    return None;
                }
                if supplied {
                    slot.global = resident.0;
                }
                slot.cards = slot.cards.saturating_add(1);
                slot.came_back = false;
                slot.followed_up = false;
                let (global, nth) = (slot.global, u32::from(slot.cards));
                if card.kind.is_tokutei() {
                    return None;
                }
                // Only a separate card that is still valid can have its validity changed
                // (§5.4); applying for a new card after a lapse is not simulated.
                let today = now.date();
                // A card that keeps the period (a reissue after a loss, §5.11) leaves the
                // separate card's validity as it is: nothing to change.
                let record = projections.record(*resident);
                let valid_through = record
                    .and_then(|r| r.my_number_card)
                    .filter(|c| c.state == UseState::Active && today <= c.card.valid_through)
                    .filter(|c| !runs_to_its_birthday_cap(record, c.card, today))
                    .map(|c| c.card.valid_through)
                    .filter(|v| *v != card.valid_through);
                let behaviour = &policy.resident.validity_change;
                let valid_through = valid_through?;
                if !supplied
                    && behaviour.never.admits(draw(
                        seed,
                        global,
                        Purpose::NeverChangesValidity,
                        nth,
                    ))
                {
                    return None;
                }
                let delay =
                    behaviour
                        .delay
                        .pick(draw(seed, global, Purpose::ValidityChangeDelay, nth));
                let mut after = now + Duration::days(i64::from(delay));
                if supplied {
                    self.slot(*resident).followed_up = true;
                    after = before_lapse(policy, now, after, valid_through);
                }
                let at = rules::next_counter_time(policy, Office::CityHall, after);
                Some((
                    at,
                    Command::RequestMyNumberValidityChange {
                        resident: *resident,
                        presented_expiry: presented_expiry(projections, *resident),
                    },
                ))
            }
            // Turned away because the register does not know the new period yet (the bureau's
            // notice has not arrived, docs/domain.md §5.4): the resident comes back once, a
            // week later, at an open counter [assumption].
            Event::ProcedureRefused {
                resident,
                procedure: Procedure::MyNumberValidityChange,
                rule:
                    RefusalRule::NothingPending
                    | RefusalRule::Validity {
                        reason: RefusalReason::PeriodNotYetNotified,
                    },
            } => {
                let slot = self.slot(*resident);
                if !(slot.driven || slot.followed_up) || slot.came_back {
                    return None;
                }
                slot.came_back = true;
                let after = now + Duration::days(COME_BACK_AFTER_DAYS);
                let at = rules::next_counter_time(policy, Office::CityHall, after);
                Some((
                    at,
                    Command::RequestMyNumberValidityChange {
                        resident: *resident,
                        presented_expiry: presented_expiry(projections, *resident),
                    },
                ))
            }
            _ => None,
        }
    }
}

/// Whether a separate My Number card already runs to the end a validity change would give it:
/// the birthday cap of a PR, HSP(ii) or SPR holder's card, which does not follow the residence
/// card (docs/domain.md §8.4). After such a holder's card renewal (§5.7, §5.8) there is nothing
/// to change; after a grant of permanent residence there still is (the card followed the old
/// period of stay).
fn runs_to_its_birthday_cap(
    record: Option<&projection::CardRecord>,
    card: model::card::MyNumberCard,
    today: NaiveDate,
) -> bool {
    let Some((status, born_on)) = record.and_then(|r| Some((r.bureau.status?, r.born_on?))) else {
        return false;
    };
    !status.has_period_of_stay()
        && model::validity::my_number_validity_change(
            status.card_category(),
            born_on,
            card.issued_on,
            card.valid_through,
            None,
            today,
        ) == Ok(card.valid_through)
}

/// Days after which a resident turned away from a validity change comes back (once).
const COME_BACK_AFTER_DAYS: i64 = 7;

/// When a resident who does what the regime asks goes for the validity change drawn for
/// `after`: then, unless the separate card would lapse first — then on the last day after
/// `now`'s, up to the card's last valid day, that the city hall's counter is open, at the same
/// time of day. The avoidable outage is avoided; a card that lapses before the city hall opens
/// again is not saved.
fn before_lapse(
    policy: &Policy,
    now: SimTime,
    after: SimTime,
    valid_through: NaiveDate,
) -> SimTime {
    let last_open = valid_through
        .iter_days()
        .rev()
        .take_while(|day| *day > now.date())
        .find(|day| rules::counter_open(policy, Office::CityHall, *day));
    match last_open {
        Some(day) if after.date() > day => day.and_time(now.time()),
        _ => after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::policy::{DelayDays, Share, WeightedDays};

    #[test]
    fn shares_admit_nested_sets_of_draws() {
        let draws: Vec<u64> = (0..10_000u32)
            .map(|g| draw(7, g, Purpose::TokuteiUptake, 0))
            .collect();
        let count = |s: f64| {
            draws
                .iter()
                .filter(|&&d| Share::new(s).unwrap().admits(d))
                .count()
        };
        assert_eq!(count(0.0), 0);
        assert_eq!(count(1.0), 10_000);
        let (a, b) = (count(0.3), count(0.5));
        assert!((2_800..3_200).contains(&a), "{a}");
        assert!((4_800..5_200).contains(&b), "{b}");
        let s30 = Share::new(0.3).unwrap();
        let s50 = Share::new(0.5).unwrap();
        assert!(draws.iter().all(|&d| !s30.admits(d) || s50.admits(d)));
    }

    #[test]
    fn delays_stay_within_their_distribution() {
        let uniform = DelayDays::Uniform { min: 1, max: 30 };
        let table = DelayDays::Table(vec![
            WeightedDays { days: 3, weight: 1 },
            WeightedDays {
                days: 60,
                weight: 3,
            },
        ]);
        let mut seen_max = 0;
        let mut sixty = 0;
        for g in 0..4000u32 {
            let d = draw(1, g, Purpose::ValidityChangeDelay, 1);
            let u = uniform.pick(d);
            assert!((1..=30).contains(&u));
            seen_max = seen_max.max(u);
            let t = table.pick(d);
            assert!(t == 3 || t == 60);
            sixty += usize::from(t == 60);
        }
        assert_eq!(seen_max, 30);
        assert!((2_800..3_200).contains(&sixty), "{sixty}");
        assert_eq!(uniform.pick(0), 1);
        assert_eq!(uniform.pick(u64::MAX), 30);
    }

    #[test]
    fn a_scripted_collection_replaces_the_agents_own() {
        let day = |d: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 7, d)
                .expect("a date")
                .and_hms_opt(9, 0, 0)
                .expect("a time")
        };
        let (ken, mei) = (ResidentId(0), ResidentId(1));
        let policy = Policy::default();
        let projections = Projections::new(day(1).date(), Default::default(), 2);
        let ready = |resident| Event::CardReadyForCollection {
            resident,
            kind: model::card::CardKind::ResidenceCard,
            at: Office::ImmigrationBureau,
        };
        // Ken's scenario collects on the 24th; Mei's collected on the 10th, before this card.
        let mut agent = Agent::new(
            7,
            0..2,
            vec![(ken, day(24), false), (mei, day(10), false)],
            None,
        );
        assert_eq!(
            agent.on_event(&ready(ken), day(15), &policy, &projections),
            None
        );
        assert_eq!(
            agent.on_event(&ready(mei), day(15), &policy, &projections),
            Some((day(15), Command::CollectCard { resident: mei }))
        );
        // The card ready on the day of the step, before it, waits for it too.
        assert_eq!(
            agent.on_event(&ready(ken), day(24), &policy, &projections),
            None
        );
        // A new My Number card waits at the city hall: Ken's scripted collection is for a
        // residence card, so the agent collects this one at the municipal window, unless a
        // `collect_my_number_card` step says when.
        let ready_my_number_card = |resident| Event::CardReadyForCollection {
            resident,
            kind: model::card::CardKind::MyNumberCard,
            at: Office::CityHall,
        };
        assert_eq!(
            agent.on_event(&ready_my_number_card(ken), day(15), &policy, &projections),
            Some((day(15), Command::CollectMyNumberCard { resident: ken }))
        );
        let mut agent = Agent::new(7, 0..2, vec![(ken, day(24), true)], None);
        assert_eq!(
            agent.on_event(&ready_my_number_card(ken), day(15), &policy, &projections),
            None
        );
        assert_eq!(
            agent.on_event(&ready(ken), day(15), &policy, &projections),
            Some((day(15), Command::CollectCard { resident: ken }))
        );
    }

    #[test]
    fn a_supplied_validity_change_comes_before_the_separate_card_lapses() {
        let at = |m: u32, d: u32, h: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, m, d)
                .expect("a date")
                .and_hms_opt(h, 0, 0)
                .expect("a time")
        };
        let policy = Policy::default();
        let now = at(7, 15, 9);
        // The card's last day is Sunday 08-02: the last open counter before it is Friday 07-31.
        let sunday = at(8, 2, 0).date();
        assert_eq!(
            before_lapse(&policy, now, at(8, 10, 14), sunday),
            at(7, 31, 9)
        );
        // A day drawn before the lapse stays.
        assert_eq!(
            before_lapse(&policy, now, at(7, 20, 9), sunday),
            at(7, 20, 9)
        );
        // A card that lapses before the city hall opens again is not saved: the draw stays.
        assert_eq!(
            before_lapse(&policy, now, at(8, 10, 9), now.date()),
            at(8, 10, 9)
        );
    }

    #[test]
    fn draws_depend_on_what_and_who() {
        let a = draw(1, 5, Purpose::TokuteiUptake, 0);
        assert_ne!(a, draw(2, 5, Purpose::TokuteiUptake, 0));
        assert_ne!(a, draw(1, 6, Purpose::TokuteiUptake, 0));
        assert_ne!(a, draw(1, 5, Purpose::NeverChangesValidity, 0));
        assert_ne!(a, draw(1, 5, Purpose::TokuteiUptake, 1));
        assert_eq!(a, draw(1, 5, Purpose::TokuteiUptake, 0));
    }
}
