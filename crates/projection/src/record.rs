//! The card record of one resident, rebuilt from the log: the cards held (numbers, validity,
//! state), the My Number functions and certificates, each office's view of status, expiry, card
//! and address, a pending application, counter visits and the day measures. Whether the resident
//! is lawfully resident or can use My Number functions on a day is asked of `model` with the
//! record's facts.
//!
//! Day measures are evaluated at the end of each day: before applying an event on day `d`, a
//! resident's record is "advanced" through `d - 1` with the state it had.
//!
//! The record's dates are serialized through `model::fast_text` (chrono's text, without chrono's
//! formatter): the state hash writes every record's JSON, and a date through chrono's `Display`
//! cost several hundred instructions.

use chrono::NaiveDate;
use model::card::{CardKind, Certificates, MyNumberCard, ResidenceCard};
use model::card_number::ResidenceCardNumber;
use model::ids::{Address, Municipality};
use model::procedure::Procedure;
use model::rules::InvalidationReason;
use model::service::Office;
use model::status::Status;
use model::validity::{self, MyNumberFunctionsHeld, SpecialPeriod, SpecialPeriodMyNumber};
use serde::Serialize;

/// What one office believes about a resident.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct View {
    pub status: Option<Status>,
    #[serde(serialize_with = "model::fast_text::option_date::serialize")]
    pub period_expiry: Option<NaiveDate>,
    pub card_number: Option<ResidenceCardNumber>,
    pub municipality: Option<Municipality>,
    pub address: Option<Address>,
}

/// Whether a card (or its My Number functions) can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum UseState {
    Active,
    Expired {
        #[serde(serialize_with = "model::fast_text::date::serialize")]
        on: NaiveDate,
    },
    Invalidated {
        #[serde(serialize_with = "model::fast_text::date::serialize")]
        on: NaiveDate,
        reason: InvalidationReason,
    },
    /// Suspended through the call centre after a loss (§5.11).
    Suspended {
        #[serde(serialize_with = "model::fast_text::date::serialize")]
        on: NaiveDate,
    },
}

/// A separate My Number card as J-LIS records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HeldMyNumberCard {
    pub card: MyNumberCard,
    pub state: UseState,
}

/// My Number functions on a Tokutei card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Functions {
    pub card_number: ResidenceCardNumber,
    #[serde(serialize_with = "model::fast_text::date::serialize")]
    pub valid_through: NaiveDate,
    pub state: UseState,
}

/// A pending extension or change of status, as far as the special period is concerned (§9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PendingApplication {
    #[serde(serialize_with = "model::fast_text::date::serialize")]
    pub filed_on: NaiveDate,
    #[serde(serialize_with = "model::fast_text::option_date::serialize")]
    pub expiry_at_filing: Option<NaiveDate>,
    /// The day it was refused: the disposition day is the special period's last (§9).
    #[serde(serialize_with = "model::fast_text::option_date::serialize")]
    pub decided_on: Option<NaiveDate>,
    /// What was applied for, and whether it was granted: what
    /// `model::rules::pending_application_end` needs. Left out of the state hash, which predates
    /// them (they follow from events the log already holds).
    #[serde(skip)]
    pub procedure: Procedure,
    #[serde(skip)]
    pub granted: bool,
}

/// Day counts accumulated per resident.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DayMeasures {
    /// Lawfully resident, had My Number functions, and they were unusable.
    pub outage_days: u64,
    /// The bureau's and the city hall's views disagreed.
    pub inconsistency_days: u64,
    /// Lawfully resident only by virtue of the special period.
    pub special_period_days: u64,
}

/// The single card record of one resident, rebuilt from the log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CardRecord {
    #[serde(serialize_with = "model::fast_text::option_date::serialize")]
    pub born_on: Option<NaiveDate>,
    /// The residence card or SPR certificate in the resident's hands (Tokutei or not).
    pub residence_card: Option<ResidenceCard>,
    pub my_number_card: Option<HeldMyNumberCard>,
    pub tokutei_functions: Option<Functions>,
    pub certificates: Certificates,
    pub bureau: View,
    pub city_hall: View,
    pub pending: Option<PendingApplication>,
    pub card_ready: Option<CardKind>,
    /// Counter visits per office (distinct office-days), in `Office::ALL` order.
    pub visits: [u32; 4],
    #[serde(skip)]
    pub(crate) last_visit: [Option<NaiveDate>; 4],
    /// Day measures through `evaluated_through`.
    pub days: DayMeasures,
    #[serde(serialize_with = "model::fast_text::option_date::serialize")]
    pub evaluated_through: Option<NaiveDate>,
    pub deadline_misses: u32,
    pub refusals: u32,
    /// Fees the resident paid, in yen (a new My Number card, §5.11, §8.4).
    pub fees_paid_yen: u64,
    /// The user-authentication PIN is locked (§5.12): the functions cannot be used.
    pub pin_locked: bool,
    /// Calendar days the resident waited beyond an office's capacity (decision 17), in
    /// [`WAITS`] order: for a place at the bureau's counters, at a city hall's window, and for
    /// the start of J-LIS's production of their card. Left out of the serialized record while
    /// nobody waited, so records of runs without a capacity read as before.
    #[serde(skip_serializing_if = "never_waited")]
    pub waiting_days: [u32; 3],
}

/// The queues a resident can wait in, in the order of [`CardRecord::waiting_days`], by the
/// stable names of the measures (`waiting_days.immigration_bureau`).
pub const WAITS: [&str; 3] = ["immigration_bureau", "city_hall", "jlis_production"];

fn never_waited(days: &[u32; 3]) -> bool {
    *days == [0; 3]
}

/// What the day measures read of a record besides its plain fields, worked out once for a
/// record that does not change: its special period and the cards carrying My Number functions.
#[derive(Clone, Copy)]
struct Facts {
    special: Option<SpecialPeriod>,
    held: MyNumberFunctionsHeld,
}

impl CardRecord {
    /// The special period running (or possible) given the pending application (§9).
    pub fn special_period(&self) -> Option<SpecialPeriod> {
        let pending = self.pending?;
        let expiry = pending.expiry_at_filing?;
        validity::special_period(expiry, pending.filed_on, pending.decided_on)
    }

    /// The special period on `day` when it is what keeps the resident lawful: running, and
    /// past the period of stay the bureau's record holds (not once a grant in force on its
    /// decision, with the card still to come, has extended it). The day counts as a
    /// special-period day (the measure) exactly then.
    pub fn special_period_on(&self, day: NaiveDate) -> Option<SpecialPeriod> {
        let past_expiry = self.bureau.period_expiry.is_none_or(|expiry| day > expiry);
        self.special_period()
            .filter(|sp| past_expiry && sp.contains(day))
    }

    /// Lawfully resident on `day` (end of day), by the bureau's record: the rule is
    /// [`validity::lawfully_resident`]; a person the bureau has no record of is not.
    pub fn lawfully_resident(&self, day: NaiveDate) -> bool {
        self.lawfully_resident_in(day, self.special_period())
    }

    /// [`CardRecord::lawfully_resident`], given the record's special period.
    fn lawfully_resident_in(&self, day: NaiveDate, special: Option<SpecialPeriod>) -> bool {
        self.bureau.status.is_some_and(|status| {
            validity::lawfully_resident(status, self.bureau.period_expiry, special, day)
        })
    }

    /// Whether the resident has ever held a card with My Number functions.
    pub fn has_my_number_card(&self) -> bool {
        self.my_number_card.is_some() || self.tokutei_functions.is_some()
    }

    /// The cards carrying My Number functions that are in use, for the usability rule.
    fn functions_held(&self) -> MyNumberFunctionsHeld {
        MyNumberFunctionsHeld {
            separate_card_through: self
                .my_number_card
                .filter(|c| c.state == UseState::Active)
                .map(|c| c.card.valid_through),
            tokutei_functions_through: self
                .tokutei_functions
                .filter(|f| f.state == UseState::Active)
                .map(|f| f.valid_through),
            pin_locked: self.pin_locked,
        }
    }

    /// Whether My Number functions can be used on `day`: the rule is
    /// [`MyNumberFunctionsHeld::usable_on`], with the bureau's period expiry and special period.
    pub fn my_number_usable(&self, day: NaiveDate, switch: SpecialPeriodMyNumber) -> bool {
        self.functions_held().usable_on(
            day,
            self.bureau.period_expiry,
            self.special_period(),
            switch,
        )
    }

    /// Whether the offices' views disagree (only for residents in the register).
    pub fn inconsistent(&self) -> bool {
        self.city_hall.municipality.is_some() && self.bureau != self.city_hall
    }

    /// Whether J-LIS disagrees with the bureau about the card that carries the resident's My
    /// Number functions (only for residents in the register, §6 N4): the bureau issued a
    /// Tokutei card on which J-LIS has not activated the functions yet, or J-LIS keeps them
    /// active on a card that is no longer the bureau's card of record.
    pub fn card_issuer_disagrees(&self) -> bool {
        if self.city_hall.municipality.is_none() {
            return false;
        }
        let functions = self.tokutei_functions.as_ref();
        let not_activated = self
            .residence_card
            .as_ref()
            .filter(|c| c.kind.is_tokutei() && Some(c.number) == self.bureau.card_number)
            .is_some_and(|c| functions.is_none_or(|f| f.card_number != c.number));
        let stale = functions.is_some_and(|f| {
            f.state == UseState::Active && Some(f.card_number) != self.bureau.card_number
        });
        not_activated || stale
    }

    /// Whether the three offices — bureau, city hall and J-LIS — disagree about the resident
    /// (the synchronization measures, issue 8).
    pub fn out_of_sync(&self) -> bool {
        self.inconsistent() || self.card_issuer_disagrees()
    }

    /// The cards held and valid on `day`, with their validity.
    pub fn cards_valid_on(&self, day: NaiveDate) -> Vec<(CardKind, NaiveDate)> {
        let mut cards = Vec::new();
        if let Some(card) = &self.residence_card
            && validity::residence_card_valid_on(card.valid_through, self.special_period(), day)
        {
            cards.push((card.kind, card.valid_through));
        }
        if let Some(through) = self.functions_held().separate_card_through
            && day <= through
        {
            cards.push((CardKind::MyNumberCard, through));
        }
        cards
    }

    /// Sets the state of the Tokutei card's functions (`tokutei`) or of the separate card.
    pub(crate) fn set_use_state(&mut self, tokutei: bool, state: UseState) {
        if tokutei {
            if let Some(f) = self.tokutei_functions.as_mut() {
                f.state = state;
            }
        } else if let Some(c) = self.my_number_card.as_mut() {
            c.state = state;
        }
    }

    pub(crate) fn visit(&mut self, office: Office, day: NaiveDate) {
        let i = Office::ALL.iter().position(|o| *o == office).unwrap_or(0);
        if self.last_visit[i] != Some(day) {
            self.last_visit[i] = Some(day);
            self.visits[i] += 1;
        }
    }

    /// Waited `days` in the queue `which` ([`WAITS`] order).
    pub(crate) fn waited(&mut self, which: usize, days: i64) {
        self.waiting_days[which] += u32::try_from(days.max(0)).unwrap_or(u32::MAX);
    }

    /// Visits to one office so far.
    pub fn visits_to(&self, office: Office) -> u32 {
        let i = Office::ALL.iter().position(|o| *o == office).unwrap_or(0);
        self.visits[i]
    }

    /// Accumulates the day measures for every day from the last evaluated one through `through`.
    ///
    /// Between two events a record does not change, and each day measure depends on the day only
    /// through comparisons with the record's own dates ([`CardRecord::measure_breakpoints`]), so
    /// the days are counted a stretch at a time: one evaluation per stretch between breakpoints,
    /// not one per day (a national year is 4 M residents × 365 days per arm). A test checks it
    /// against the day-by-day count on random records.
    pub(crate) fn advance(&mut self, through: NaiveDate, switch: SpecialPeriodMyNumber) {
        // Most events find their resident already evaluated through the day before (another
        // event that day came first): that is settled before any date arithmetic.
        let Some(done) = self.evaluated_through.filter(|&d| d < through) else {
            return;
        };
        let Some(mut day) = done.succ_opt() else {
            return;
        };
        // The record does not change while it is advanced: its special period and the cards
        // carrying functions are worked out once, not once per rule that reads them.
        let facts = Facts {
            special: self.special_period(),
            held: self.functions_held(),
        };
        let breakpoints = self.measure_breakpoints(facts);
        loop {
            // The stretch runs to the first breakpoint on or after `day` (its last day with the
            // same answers), or to `through`.
            let last = breakpoints
                .iter()
                .flatten()
                .filter(|&&b| b >= day)
                .min()
                .map_or(through, |&b| b.min(through));
            let days = (last - day).num_days() as u64 + 1;
            let counted = self.day_measures(day, switch, facts);
            self.days.outage_days += days * counted.outage_days;
            self.days.inconsistency_days += days * counted.inconsistency_days;
            self.days.special_period_days += days * counted.special_period_days;
            self.evaluated_through = Some(last);
            match last.succ_opt() {
                Some(next) if last < through => day = next,
                _ => return,
            }
        }
    }

    /// The day measures of one day (each 0 or 1) with the record as it is (`facts` are its
    /// own).
    fn day_measures(
        &self,
        day: NaiveDate,
        switch: SpecialPeriodMyNumber,
        facts: Facts,
    ) -> DayMeasures {
        let lawful = self.lawfully_resident_in(day, facts.special);
        let by_expiry = self.bureau.period_expiry.is_none_or(|e| day <= e);
        let usable = || {
            facts
                .held
                .usable_on(day, self.bureau.period_expiry, facts.special, switch)
        };
        DayMeasures {
            outage_days: u64::from(lawful && self.has_my_number_card() && !usable()),
            inconsistency_days: u64::from(self.inconsistent()),
            special_period_days: u64::from(lawful && !by_expiry),
        }
    }

    /// The days after which a day measure of this record may change: every date the rules behind
    /// [`CardRecord::day_measures`] compare the day with — the period expiry, the special
    /// period's expiry and end, the separate My Number card's validity and the Tokutei card's
    /// functions' validity (`validity::lawfully_resident`, `SpecialPeriod::contains`,
    /// `MyNumberFunctionsHeld::usable_on`; the functions' validity during a special period,
    /// `validity::my_number_functions_valid_through`, is always one of these). Listing one too
    /// many only costs an evaluation; the test against the day-by-day count guards against one
    /// too few.
    fn measure_breakpoints(&self, facts: Facts) -> [Option<NaiveDate>; 5] {
        let Facts { special, held } = facts;
        [
            self.bureau.period_expiry,
            special.map(|sp| sp.expiry),
            special.map(|sp| sp.until),
            held.separate_card_through,
            held.tokutei_functions_through,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::hashing::mix64;

    #[test]
    fn j_lis_agrees_when_it_keeps_the_functions_on_the_bureaus_card_of_record() {
        let number = |k| model::card_number::ResidenceCardNumber::generate(1, 0, k);
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let mut rec = CardRecord::default();
        rec.city_hall.municipality = Some("shinjuku".into());
        rec.bureau.municipality = Some("shinjuku".into());
        rec.bureau.card_number = Some(number(2));
        rec.city_hall.card_number = Some(number(2));
        rec.residence_card = Some(ResidenceCard {
            kind: CardKind::TokuteiResidenceCard,
            number: number(2),
            issued_on: day,
            valid_through: day,
        });
        // Issued by the bureau, not yet activated by J-LIS.
        assert!(!rec.inconsistent());
        assert!(rec.card_issuer_disagrees() && rec.out_of_sync());
        // J-LIS still keeps the functions on the card this one replaced.
        let functions = |k| Functions {
            card_number: number(k),
            valid_through: day,
            state: UseState::Active,
        };
        rec.tokutei_functions = Some(functions(1));
        assert!(rec.card_issuer_disagrees());
        // J-LIS activated them on the new card: the three agree.
        rec.tokutei_functions = Some(functions(2));
        assert!(!rec.card_issuer_disagrees() && !rec.out_of_sync());
        // Suspended after a loss, on the same card: still the same card of record.
        rec.tokutei_functions = Some(Functions {
            state: UseState::Suspended { on: day },
            ..functions(2)
        });
        assert!(!rec.card_issuer_disagrees());
        // A resident outside the register has no J-LIS record to compare.
        rec.city_hall.municipality = None;
        rec.tokutei_functions = None;
        assert!(!rec.card_issuer_disagrees());
    }

    /// The day measures counted one day at a time: the definition `advance` must agree with.
    fn advance_daily(rec: &mut CardRecord, through: NaiveDate, switch: SpecialPeriodMyNumber) {
        let Some(mut day) = rec.evaluated_through.and_then(|d| d.succ_opt()) else {
            return;
        };
        while day <= through {
            let facts = Facts {
                special: rec.special_period(),
                held: rec.functions_held(),
            };
            let m = rec.day_measures(day, switch, facts);
            rec.days.outage_days += m.outage_days;
            rec.days.inconsistency_days += m.inconsistency_days;
            rec.days.special_period_days += m.special_period_days;
            rec.evaluated_through = Some(day);
            day = day.succ_opt().expect("a date in range");
        }
    }

    /// A record with every date that matters drawn around a year, from `seed`.
    fn random_record(seed: u64) -> CardRecord {
        let mut k = 0;
        let mut next = || {
            k += 1;
            mix64(seed.wrapping_mul(31).wrapping_add(k))
        };
        let base = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date");
        let date = |r: u64| base + chrono::Duration::days((r % 500) as i64 - 60);
        let maybe = |r: u64, d: NaiveDate| (!r.is_multiple_of(4)).then_some(d);
        let statuses = [
            Status::EngineerSpecialistHumanities,
            Status::PermanentResident,
            Status::Student,
        ];
        let mut rec = CardRecord::default();
        rec.bureau.status = Some(statuses[(next() % 3) as usize]);
        let (a, b) = (next(), next());
        rec.bureau.period_expiry = maybe(a, date(b));
        if next() % 2 == 0 {
            let (a, b) = (next(), next());
            rec.pending = Some(PendingApplication {
                filed_on: date(a),
                // Usually the expiry on record; after a grant, not any more.
                expiry_at_filing: if next() % 3 == 0 {
                    Some(date(next()))
                } else {
                    rec.bureau.period_expiry
                },
                decided_on: maybe(b, date(next())),
                procedure: Procedure::Extension,
                granted: false,
            });
        }
        if next() % 2 == 0 {
            let (a, b) = (next(), next());
            rec.my_number_card = Some(HeldMyNumberCard {
                card: MyNumberCard {
                    issued_on: date(a),
                    valid_through: date(b),
                },
                state: if next() % 3 == 0 {
                    UseState::Expired { on: date(next()) }
                } else {
                    UseState::Active
                },
            });
        }
        if next() % 2 == 0 {
            rec.tokutei_functions = Some(Functions {
                card_number: ResidenceCardNumber::generate(seed, 0, 1),
                valid_through: date(next()),
                state: UseState::Active,
            });
        }
        rec.pin_locked = next() % 7 == 0;
        if next() % 3 == 0 {
            rec.city_hall.municipality = Some(Municipality::new("nakano"));
        }
        rec.evaluated_through = Some(base - chrono::Duration::days((next() % 30) as i64));
        rec
    }

    #[test]
    fn counting_by_stretches_agrees_with_counting_day_by_day() {
        let switches = [
            SpecialPeriodMyNumber::EndsAtOriginalExpiry,
            SpecialPeriodMyNumber::WhileCardValid,
        ];
        let through = NaiveDate::from_ymd_opt(2027, 6, 1).expect("a date");
        let mut moved = DayMeasures::default();
        for seed in 0..4000 {
            for switch in switches {
                let mut fast = random_record(seed);
                let mut slow = fast.clone();
                // In two steps, as events split a run.
                let mid = through - chrono::Duration::days((seed % 200) as i64);
                fast.advance(mid, switch);
                fast.advance(through, switch);
                advance_daily(&mut slow, mid, switch);
                advance_daily(&mut slow, through, switch);
                assert_eq!(fast.days, slow.days, "seed {seed}, {switch:?}: {slow:?}");
                assert_eq!(fast.evaluated_through, slow.evaluated_through);
                moved.outage_days += slow.days.outage_days;
                moved.inconsistency_days += slow.days.inconsistency_days;
                moved.special_period_days += slow.days.special_period_days;
            }
        }
        // The random records exercise every measure.
        assert!(moved.outage_days > 0 && moved.inconsistency_days > 0);
        assert!(moved.special_period_days > 0);
    }
}
