//! A synthetic population of foreign residents and a year of their procedures, for the benchmark
//! and the policy what-if runs.
//!
//! The mix is simple but plausible (domain-rules §15): about a quarter permanent residents, 7 %
//! special permanent residents, the rest with a period of stay expiring during the year; half
//! hold a separate My Number card; extensions, moves and the legacy My Number validity change
//! happen at rates given below. Everything derives from the seed: each resident draws from its own
//! ChaCha8 stream (stream = resident index), so resident `i` is the same whatever `n` is, and a
//! shard can generate its slice alone. Sampling is done here with integer arithmetic rather than
//! `rand`'s distributions, whose algorithms may change between releases and silently change
//! every generated population.
//!
//! The population is the same under every policy (a reform is compared on the baseline's inputs):
//! the cards held at the start are all issued before the amended law, so their kind and validity
//! do not depend on the regime; a Tokutei application is attached to some extensions either way
//! and simply refused under the legacy regime.

use chrono::{Duration, NaiveDate};
use model::calendar::add_years_clamped;
use model::command::{Command, Decision, ResidentProfile};
use model::ids::{Address, Municipality, ResidentId};
use model::service::Channel;
use model::status::Status;
use model::validity::{CardLaw, ValiditySwitches};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

use crate::Step;
use crate::profile::{CardInput, ProfileInput, build_profile};

/// A generated population: starting profiles (`ResidentId(i)` is `residents[i]`) and a year of
/// steps sorted by time (ties in generation order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Population {
    pub residents: Vec<ResidentProfile>,
    pub steps: Vec<Step>,
    /// The last simulated day: `start` + 365 days.
    pub until: NaiveDate,
}

/// Municipalities with many foreign residents and a rough weight (thousands of foreign residents,
/// order of magnitude only).
pub const MUNICIPALITIES: &[(&str, u32)] = &[
    ("shinjuku", 43),
    ("edogawa", 45),
    ("kawaguchi", 43),
    ("adachi", 38),
    ("koto", 35),
    ("toshima", 32),
    ("itabashi", 30),
    ("hamamatsu", 30),
    ("kita", 28),
    ("ota", 28),
    ("ikuno", 27),
    ("setagaya", 25),
    ("nerima", 24),
    ("nagoya-naka", 20),
    ("toyota", 20),
    ("yokohama-naka", 18),
    ("fukuoka-hakata", 17),
    ("kobe-chuo", 15),
    ("kyoto-sakyo", 10),
    ("sapporo-chuo", 8),
];

/// Statuses with a period of stay and their weights (per mille of those residents).
const PERIOD_STATUSES: &[(Status, u32)] = &[
    (Status::EngineerSpecialistHumanities, 250),
    (Status::Student, 140),
    (Status::TechnicalIntern, 120),
    (Status::SpecifiedSkilledWorker, 110),
    (Status::Dependent, 110),
    (Status::SpouseOfJapanese, 70),
    (Status::LongTermResident, 90),
    (Status::SpouseOfPermanentResident, 30),
    (Status::BusinessManager, 20),
    (Status::HighlySkilledProfessional1, 20),
    (Status::OtherMidToLongTerm, 40),
];

/// The first day bureau counters take Tokutei applications (policy default, domain-rules §3).
const TOKUTEI_FROM: NaiveDate = NaiveDate::from_ymd_opt(2026, 6, 15).expect("valid date");

/// A small uniform sampler over one resident's stream.
struct Draw(ChaCha8Rng);

impl Draw {
    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-32 for our small `n`).
    fn below(&mut self, n: u32) -> u32 {
        ((u64::from(self.0.next_u32()) * u64::from(n)) >> 32) as u32
    }

    /// Uniform in `lo..=hi` (days, minutes …).
    fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `pct` %.
    fn percent(&mut self, pct: u32) -> bool {
        self.below(100) < pct
    }

    /// An index into `weights`, chosen in proportion.
    fn weighted<T>(&mut self, weights: &[(T, u32)]) -> usize {
        let total: u32 = weights.iter().map(|w| w.1).sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if x < w.1 {
                return i;
            }
            x -= w.1;
        }
        weights.len() - 1
    }

    /// A time during office hours (09:00–16:59) on `day`.
    fn office_time(&mut self, day: NaiveDate) -> chrono::NaiveDateTime {
        model::time::opening_time(day) + Duration::minutes(i64::from(self.below(8 * 60)))
    }

    fn address(&mut self) -> Address {
        Address(format!(
            "{}-{}-{}",
            self.between(1, 9),
            self.between(1, 30),
            self.between(1, 20)
        ))
    }
}

fn days(n: u32) -> Duration {
    Duration::days(i64::from(n))
}

/// Generates `n` residents enrolled on `start` and their procedures through `start` + 365 days.
pub fn generate(n: usize, seed: u64, start: NaiveDate) -> Population {
    let until = start + days(365);
    // Cards held at the start predate both the run and the amended law (see the module doc).
    let cutoff = start.min(CardLaw::AMENDED_FROM) - days(1);
    let base = ChaCha8Rng::seed_from_u64(seed);
    let mut residents = Vec::with_capacity(n);
    // About 2.2 steps per resident on average; reserving avoids regrowing a large vector.
    let mut steps = Vec::with_capacity(n * 9 / 4);
    for index in 0..n {
        let mut rng = base.clone();
        rng.set_stream(index as u64);
        let mut draw = Draw(rng);
        let id = ResidentId(u32::try_from(index).expect("fewer than 2^32 residents"));
        let (profile, plan) = resident(&mut draw, seed, id, start, cutoff);
        procedures(&mut draw, id, &profile, plan, start, until, &mut steps);
        residents.push(profile);
    }
    // Equal times keep generation order, so the output depends on the seed alone. `line` holds
    // the generation sequence meanwhile: with it the key is unique, so the in-place unstable sort
    // gives the stable order without the stable sort's buffer of n/2 steps.
    for (seq, step) in steps.iter_mut().enumerate() {
        step.line = seq;
    }
    steps.sort_unstable_by_key(|s| (s.at, s.line));
    for step in &mut steps {
        step.line = 0;
    }
    Population {
        residents,
        steps,
        until,
    }
}

/// What `resident` decided that `procedures` needs beyond the profile.
struct Plan {
    municipality_index: usize,
}

fn resident(
    draw: &mut Draw,
    seed: u64,
    id: ResidentId,
    start: NaiveDate,
    cutoff: NaiveDate,
) -> (ResidentProfile, Plan) {
    let age = draw.below(81) as i32;
    let born_on = (add_years_clamped(start, -age) - days(draw.below(365))).min(cutoff);
    let roll = draw.below(1000);
    let mut status = if roll < 250 {
        Status::PermanentResident
    } else if roll < 320 {
        Status::SpecialPermanentResident
    } else {
        PERIOD_STATUSES[draw.weighted(PERIOD_STATUSES)].0
    };
    // Children come as dependants, whatever the draw said for a working-age adult.
    if age < 18 && status.has_period_of_stay() {
        status = Status::Dependent;
    }
    let period_expiry = status
        .has_period_of_stay()
        .then(|| start + days(draw.between(1, 365)));
    let card_issued = match period_expiry {
        // Issued at the last grant, for a period of 1, 3 or 5 years.
        Some(expiry) => {
            let years = [1, 3, 5][draw.below(3) as usize];
            add_years_clamped(expiry, -years)
        }
        // PR and SPR cards run about 7 years under the old law: issued within those years.
        None => start - days(draw.below(7 * 365 - 30)),
    }
    .clamp(born_on, cutoff);
    let my_number_card = draw.percent(50).then(|| CardInput {
        // Issued within the last four years, so that few have lapsed before the run.
        issued_on: (cutoff - days(draw.below(4 * 365))).max(born_on),
        valid_through: None,
        tokutei: false,
    });
    let municipality_index = draw.weighted(MUNICIPALITIES);
    let input = ProfileInput {
        name: format!("Resident {}", id.0),
        born_on,
        status,
        period_expiry,
        municipality: Municipality(MUNICIPALITIES[municipality_index].0.to_owned()),
        address: draw.address(),
        registered: true,
        card: Some(CardInput {
            issued_on: card_issued,
            valid_through: None,
            tokutei: false,
        }),
        my_number_card,
    };
    let profile = build_profile(
        &input,
        seed,
        id.0,
        |_| CardLaw::Old,
        ValiditySwitches::default(),
    );
    (profile, Plan { municipality_index })
}

fn procedures(
    draw: &mut Draw,
    resident: ResidentId,
    profile: &ResidentProfile,
    plan: Plan,
    start: NaiveDate,
    until: NaiveDate,
    steps: &mut Vec<Step>,
) {
    let mut push = |draw: &mut Draw, day: NaiveDate, command: Command| {
        if day <= until {
            steps.push(Step {
                at: draw.office_time(day),
                resident,
                command,
                line: 0,
            });
        }
    };

    if let Some(expiry) = profile.period_expiry {
        // Filed about 60 days ahead, never before the run nor after the expiry.
        let aim = expiry - days(60) + days(draw.below(29)) - days(14);
        let filed = if aim < start {
            start + days(draw.below((expiry - start).num_days() as u32 + 1))
        } else {
            aim.min(expiry)
        };
        let tokutei = filed >= TOKUTEI_FROM && draw.percent(30);
        push(
            draw,
            filed,
            Command::FileExtension {
                resident,
                channel: Channel::Counter,
                tokutei,
            },
        );
        let decided = filed + days(draw.between(20, 40));
        let years = [1, 3, 5][draw.below(3) as usize];
        push(
            draw,
            decided,
            Command::DecideExtension {
                resident,
                decision: Decision::Grant {
                    new_expiry: add_years_clamped(expiry, years),
                },
            },
        );
        // A legacy My Number card keeps the old expiry until its holder asks (domain-rules §5.4).
        if profile.my_number_card.is_some() && !tokutei && draw.percent(70) {
            let on = decided + days(draw.between(1, 30));
            push(
                draw,
                on,
                Command::RequestMyNumberValidityChange { resident },
            );
        }
    }

    // Moves inside the municipality in the first half of the year, between municipalities in
    // the second, so one resident's moves never overlap.
    if draw.percent(25) {
        let moved_on = start + days(draw.below(170));
        let address = draw.address();
        let notified_on = moved_on + days(draw.below(15));
        push(
            draw,
            notified_on,
            Command::NotifyMoveWithinMunicipality {
                resident,
                address,
                moved_on,
            },
        );
    }
    if draw.percent(10) {
        let out_on = start + days(draw.between(180, 340));
        let planned_on = out_on + days(draw.below(8));
        let mut to = draw.weighted(MUNICIPALITIES);
        if to == plan.municipality_index {
            to = (to + 1) % MUNICIPALITIES.len();
        }
        let to = Municipality(MUNICIPALITIES[to].0.to_owned());
        push(
            draw,
            out_on,
            Command::NotifyMoveOut {
                resident,
                to: to.clone(),
                planned_on,
                card_based: false,
            },
        );
        let in_on = out_on + days(draw.between(3, 10));
        let address = draw.address();
        let present_my_number_card = draw.percent(90);
        push(
            draw,
            in_on,
            Command::NotifyMoveIn {
                resident,
                municipality: to,
                address,
                moved_on: planned_on.min(in_on),
                present_my_number_card,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn same_seed_same_population_other_seed_other_population() {
        let a = generate(500, 7, d(2026, 4, 1));
        let b = generate(500, 7, d(2026, 4, 1));
        let c = generate(500, 8, d(2026, 4, 1));
        assert_eq!(a, b);
        assert_ne!(a.residents, c.residents);
        assert_ne!(a.steps, c.steps);
    }

    #[test]
    fn a_resident_does_not_depend_on_the_population_size() {
        let small = generate(10, 3, d(2026, 4, 1));
        let large = generate(100, 3, d(2026, 4, 1));
        assert_eq!(small.residents[..], large.residents[..10]);
    }

    #[test]
    fn steps_are_sorted_inside_the_horizon() {
        let start = d(2026, 4, 1);
        let p = generate(2000, 1, start);
        assert_eq!(p.until, d(2027, 4, 1));
        assert!(p.steps.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(
            p.steps
                .iter()
                .all(|s| s.at.date() >= start && s.at.date() <= p.until)
        );
    }

    #[test]
    fn proportions_are_plausible() {
        let n = 20_000;
        let p = generate(n, 42, d(2026, 4, 1));
        let share = |k: usize| k as f64 / n as f64;
        let count =
            |f: &dyn Fn(&ResidentProfile) -> bool| p.residents.iter().filter(|r| f(r)).count();
        let pr = share(count(&|r| r.status == Status::PermanentResident));
        let spr = share(count(&|r| r.status == Status::SpecialPermanentResident));
        let mn = share(count(&|r| r.my_number_card.is_some()));
        let expiring = count(&|r| r.period_expiry.is_some());
        assert!((0.23..0.27).contains(&pr), "PR {pr}");
        assert!((0.06..0.08).contains(&spr), "SPR {spr}");
        assert!((0.48..0.52).contains(&mn), "My Number {mn}");
        assert!(p.residents.iter().all(|r| {
            r.residence_card
                .as_ref()
                .is_some_and(|c| c.issued_on < d(2026, 4, 1))
        }));
        let kinds = |f: &dyn Fn(&Command) -> bool| p.steps.iter().filter(|s| f(&s.command)).count();
        let filed = kinds(&|c| matches!(c, Command::FileExtension { .. }));
        assert_eq!(filed, expiring, "everyone with an expiry files once");
        let tokutei = kinds(&|c| matches!(c, Command::FileExtension { tokutei: true, .. }));
        assert!(tokutei > 0 && share(tokutei) < 0.3 * share(filed) + 0.02);
        let within = share(kinds(&|c| {
            matches!(c, Command::NotifyMoveWithinMunicipality { .. })
        }));
        let out = share(kinds(&|c| matches!(c, Command::NotifyMoveOut { .. })));
        assert!((0.23..0.27).contains(&within), "moves within {within}");
        assert!((0.085..0.115).contains(&out), "moves out {out}");
        let changes = kinds(&|c| matches!(c, Command::RequestMyNumberValidityChange { .. }));
        assert!(changes > 0 && changes < expiring);
    }
}
