//! A synthetic population of foreign residents and a year of their procedures, for the policy
//! what-if runs (`zairyu compare`) and the benchmark.
//!
//! Its default size is the national one (docs/domain.md §15, mid-2025: 3,956,619 residents), with
//! a mix of statuses, ages, periods of stay, municipalities and My Number card holding, and a
//! year of procedures drawn from national yearly counts ([`AT_EXPIRY`], [`DURING_YEAR`]).
//! docs/what-if.md lists every rate with its source, or says it is an assumption.
//!
//! The population holds the residents and their procedures and nothing a policy decides: it is
//! identical under a baseline and a reform. Whether a resident attaches a Tokutei application to
//! a procedure, and whether and when a legacy card holder asks for the My Number validity change
//! after a new card, are resident behaviour, decided at run time by the simulator's agent from
//! the policy; the steps it may decide say so ([`PopulationStep::policy_decides_tokutei`]).
//!
//! Everything derives from the seed. Resident `i` draws from its own ChaCha8 stream (stream = `i`,
//! the *global* index), and each procedure of the tables from its own block range of that stream,
//! so resident `i` is the same whatever the population size or shard, and adding a row to a table
//! does not change what the other rows drew. Sampling uses integer arithmetic rather than `rand`'s
//! distributions, whose algorithms may change between releases.
//!
//! At national size memory matters: residents and steps are kept as small fixed-size records
//! (about 30 and 24 bytes), and profiles and commands are built from them only when the simulator
//! asks for them.
//!
//! The rooms: `tables` (the national figures), `draw` (the sampler), `generate` (one resident
//! and its procedures); this file holds the population, its shards, digests and the steps as
//! the simulator consumes them.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use model::command::{Command, Decision, ResidentProfile};
use model::ids::ResidentId;
use model::procedure::ReissueReason;
use model::service::Channel;
use model::shard::Shard;
use model::status::Status;
use model::time::{SimTime, start_of_day};
use model::validity::{CardLaw, ValiditySwitches};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use model::profile::{CardInput, ProfileInput, build_profile};

mod draw;
mod generate;
mod tables;

pub use tables::{
    AT_EXPIRY, BIRTHS, DURING_YEAR, ProcedureKind, REMAINDER_BUCKETS, Rate, municipalities,
};

use draw::{Draw, address, days, municipality};
use generate::{
    ARRIVAL_PROCEDURE, AT_EXPIRY_PROCEDURE, BIRTH_PROCEDURE, CARD_RENEWAL_PROCEDURE, CHANGED_ITEMS,
    CompactStep, Ctx, Resident, StepKind, arrival_steps, at_expiry_choice, birth_steps,
    end_at_departure, generate_procedure, resident, resident_digest, serde_plain,
};
use tables::{ARRIVAL_PORTS, BIRTH_STATUSES, STATUS_CHANGE_TARGETS, expiring_per_year};

/// Foreign residents of Japan in mid-2025 (§15 [B]): 3,686,327 mid-to-long-term
/// residents and 270,292 special permanent residents.
pub const NATIONAL_RESIDENTS: usize = 3_956_619;

/// A year of procedures starts on the day the amended law operates (§3).
pub const DEFAULT_START: NaiveDate = NaiveDate::from_ymd_opt(2026, 6, 14).expect("valid date");

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationSpec {
    /// Residents in the whole population (before sharding).
    pub residents: usize,
    pub seed: u64,
    /// The first simulated day; the year runs through `start` + 365 days.
    pub start: NaiveDate,
    pub shard: Shard,
}

impl PopulationSpec {
    /// The whole population of `residents` from `DEFAULT_START`.
    pub fn new(residents: usize, seed: u64) -> PopulationSpec {
        PopulationSpec {
            residents,
            seed,
            start: DEFAULT_START,
            shard: Shard::WHOLE,
        }
    }
}

/// A step as the simulator consumes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationStep {
    pub at: SimTime,
    /// The resident's id in this (possibly sharded) population.
    pub resident: ResidentId,
    /// The resident's index in the whole population: what every per-resident draw is keyed by,
    /// so that a shard decides exactly as the whole run does.
    pub global: u32,
    /// Which of the resident's procedures the step belongs to (a table row): the agent's draws
    /// for the procedure are keyed by it.
    pub procedure: u8,
    /// The `tokutei` flag of `command` is left to the policy (the simulator's resident agent).
    pub policy_decides_tokutei: bool,
    pub command: Command,
}

/// A generated population (or one shard of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Population {
    pub spec: PopulationSpec,
    /// The last simulated day: `start` + 365 days.
    pub until: NaiveDate,
    residents: Vec<Resident>,
    /// Sorted by (time, resident, generation order).
    steps: Vec<CompactStep>,
    /// Sum (mod 2^128) of each resident's SHA-256 prefix: shards' digests add up to the whole's.
    digest: u128,
}

impl Population {
    /// Generates the population of `spec` (only the residents of its shard).
    pub fn generate(spec: PopulationSpec) -> Population {
        Population::generate_part(spec, 0..usize::MAX)
    }

    /// How many residents the shard of `spec` holds (arrivals and newborns included).
    pub fn shard_len(spec: &PopulationSpec) -> usize {
        spec.shard
            .globals(Population::records(spec.residents))
            .len()
    }

    /// How many residents arrive during the year in a population of `residents` at the start:
    /// the national arrivals (§15 planning figure, the [`DURING_YEAR`] arrival row) in
    /// proportion, rounded.
    pub fn arrivals(residents: usize) -> usize {
        let per_year = DURING_YEAR
            .iter()
            .find(|r| r.kind == ProcedureKind::Arrival)
            .map_or(0, |r| u64::from(r.per_year));
        let n = residents as u64;
        let national = NATIONAL_RESIDENTS as u64;
        ((n * per_year + national / 2) / national) as usize
    }

    /// How many foreign children are born during the year in a population of `residents` at
    /// the start: the national births ([`BIRTHS`], 人口動態統計 2024 [B]) in proportion, rounded
    /// (docs/domain.md §5.15).
    pub fn births(residents: usize) -> usize {
        let n = residents as u64;
        let national = NATIONAL_RESIDENTS as u64;
        ((n * u64::from(BIRTHS.per_year) + national / 2) / national) as usize
    }

    /// Every resident of a population of `residents` at the start: those, then the arrivals,
    /// then the children born during the year, whose global indices follow theirs.
    pub fn records(residents: usize) -> usize {
        residents + Population::arrivals(residents) + Population::births(residents)
    }

    /// Generates a part of the population of `spec`: the residents at positions `part` of its
    /// shard (its residents in order, from 0), numbered from 0. A resident is the same in a part
    /// as in the whole, and the digests of disjoint parts add up to the digest of the whole, so a
    /// what-if can run a national population a part at a time in bounded memory.
    pub fn generate_part(spec: PopulationSpec, part: std::ops::Range<usize>) -> Population {
        let start = spec.start;
        let until = start + days(365);
        // Cards held at the start predate both the run and the amended law, so their kind and
        // validity do not depend on the regime.
        let cutoff = start.min(CardLaw::AMENDED_FROM) - days(1);
        let base = ChaCha8Rng::seed_from_u64(spec.seed);
        let expiring = expiring_per_year();
        let at_expiry: Vec<f64> = AT_EXPIRY
            .iter()
            .map(|r| f64::from(r.per_year) / expiring)
            .collect();
        let size = spec.residents;
        let arrivals = Population::arrivals(size);
        let globals = spec
            .shard
            .globals(Population::records(size))
            .skip(part.start)
            .take(part.len());
        let len = globals.len();
        let mut residents = Vec::with_capacity(len);
        // About 1.2 steps per resident.
        let mut steps = Vec::with_capacity(len * 5 / 4 + 16);
        let mut digest = 0u128;
        for global in globals {
            let local = u32::try_from(residents.len()).expect("fewer than 2^32 residents");
            // An arrival draws from a stream of its own, numbered by its rank among the
            // arrivals (above 2^32, where no resident present at the start draws), so that it
            // is the same whatever the population's size; only its global index moves. A
            // newborn likewise, numbered by its rank among the births (above 2^33).
            let rank = (global as usize).checked_sub(size);
            let arrival = rank.filter(|r| *r < arrivals);
            let birth = rank.and_then(|r| r.checked_sub(arrivals));
            let stream = |part: u32| {
                let mut rng = base.clone();
                rng.set_stream(match (arrival, birth) {
                    (Some(rank), _) => (1u64 << 32) | rank as u64,
                    (_, Some(rank)) => (2u64 << 32) | rank as u64,
                    _ => u64::from(global),
                });
                // Each part (the profile, each table row) reads its own range of the stream.
                rng.set_word_pos(u128::from(part) << 32);
                Draw(rng)
            };
            let resident = match (arrival, birth) {
                (Some(_), _) => generate::arrival(&mut stream(0), global, start),
                (_, Some(_)) => generate::birth(&mut stream(0), global, start),
                _ => resident(&mut stream(0), global, start, cutoff),
            };
            let first = steps.len();
            let ctx = Ctx {
                resident: &resident,
                local,
                start,
                until,
            };
            if birth.is_some() {
                let mut draw = stream(u32::from(BIRTH_PROCEDURE) + 1);
                birth_steps(&mut draw, &ctx, BIRTH_PROCEDURE, &mut steps);
                digest = digest.wrapping_add(resident_digest(&resident, &steps[first..]));
                residents.push(resident);
                continue;
            }
            if arrival.is_some() {
                let mut draw = stream(u32::from(ARRIVAL_PROCEDURE) + 1);
                arrival_steps(&mut draw, &ctx, ARRIVAL_PROCEDURE, &mut steps);
                digest = digest.wrapping_add(resident_digest(&resident, &steps[first..]));
                residents.push(resident);
                continue;
            }
            let mut draw = stream(u32::from(AT_EXPIRY_PROCEDURE) + 1);
            if let Some(kind) = at_expiry_choice(&mut draw, &ctx, &at_expiry) {
                generate_procedure(kind, &mut draw, &ctx, AT_EXPIRY_PROCEDURE, &mut steps);
            }
            for (row, rate) in DURING_YEAR.iter().enumerate() {
                let procedure = u8::try_from(row + 1).expect("few table rows");
                let mut draw = stream(u32::from(procedure) + 1);
                let p = f64::from(rate.per_year) / NATIONAL_RESIDENTS as f64;
                if draw.chance(p) {
                    generate_procedure(rate.kind, &mut draw, &ctx, procedure, &mut steps);
                }
            }
            let mut draw = stream(u32::from(CARD_RENEWAL_PROCEDURE) + 1);
            generate_procedure(
                ProcedureKind::CardRenewal,
                &mut draw,
                &ctx,
                CARD_RENEWAL_PROCEDURE,
                &mut steps,
            );
            end_at_departure(&mut steps, first);
            digest = digest.wrapping_add(resident_digest(&resident, &steps[first..]));
            residents.push(resident);
        }
        // The key is unique (a resident's steps are generated in order), so the unstable sort
        // gives a stable order without the stable sort's buffer.
        steps.sort_unstable_by_key(|s| (s.minute, s.local, s.procedure, s.kind as u8));
        Population {
            spec,
            until,
            residents,
            steps,
            digest,
        }
    }

    /// Residents in this population (or shard).
    pub fn len(&self) -> usize {
        self.residents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.residents.is_empty()
    }

    /// Number of steps.
    pub fn step_count(&self) -> usize {
        self.steps.len()
    }

    /// The global index of the resident with local id `resident`.
    pub fn global(&self, resident: ResidentId) -> u32 {
        self.residents[resident.index()].global
    }

    /// A content digest of the residents and their procedures, hex. It is a sum over residents,
    /// so the digests of the shards of a population add up (see [`add_digests`]) to the digest
    /// of the whole.
    pub fn digest(&self) -> String {
        format!("{:032x}", self.digest)
    }

    /// The starting profile of resident `resident` (local id).
    pub fn profile(&self, resident: ResidentId) -> ResidentProfile {
        let r = &self.residents[resident.index()];
        // An arrival holds nothing before landing: the landing issues the card, the residence
        // notification registers them (§5.1). A newborn holds no card and is registered by its
        // birth notification (§5.15).
        let present = r.lands_on.is_none() && r.status != Status::TransitionalStayer;
        let input = ProfileInput {
            name: format!("Resident {}", r.global),
            born_on: r.born_on,
            status: r.status,
            period_expiry: r.period_expiry,
            municipality: municipality(r.municipality),
            address: address(r.address),
            registered: present,
            card: present.then_some(CardInput {
                issued_on: r.card_issued,
                valid_through: None,
                tokutei: false,
            }),
            my_number_card: r.my_number_card_issued.map(|issued_on| CardInput {
                issued_on,
                valid_through: None,
                tokutei: false,
            }),
            pending: None,
        };
        build_profile(
            &input,
            self.spec.seed,
            r.global,
            |_| CardLaw::Old,
            ValiditySwitches::default(),
        )
    }

    /// Every starting profile, in id order.
    pub fn profiles(&self) -> Vec<ResidentProfile> {
        (0..self.residents.len())
            .map(|i| self.profile(ResidentId(i as u32)))
            .collect()
    }

    /// The steps in time order, each built when it is reached.
    pub fn steps(&self) -> impl Iterator<Item = PopulationStep> + '_ {
        let t0 = start_of_day(self.spec.start);
        self.steps.iter().map(move |s| self.materialize(s, t0))
    }

    /// The steps of the residents with local ids in `residents`, in time order, each built when
    /// it is reached (a shard of a run asks for its own).
    pub fn steps_of(
        &self,
        residents: std::ops::Range<u32>,
    ) -> impl Iterator<Item = PopulationStep> + Send + '_ {
        let t0 = start_of_day(self.spec.start);
        self.steps
            .iter()
            .filter(move |s| residents.contains(&s.local))
            .map(move |s| self.materialize(s, t0))
    }

    fn materialize(&self, s: &CompactStep, t0: NaiveDateTime) -> PopulationStep {
        let resident = ResidentId(s.local);
        let on = self.spec.start + days(u32::from(s.day));
        let command = match s.kind {
            StepKind::FileExtension => Command::FileExtension {
                resident,
                channel: Channel::Counter,
                tokutei: false,
            },
            StepKind::GrantExtension => Command::DecideExtension {
                resident,
                decision: Decision::Grant { new_expiry: on },
                decided_on: None,
            },
            StepKind::MoveWithin => Command::NotifyMoveWithinMunicipality {
                resident,
                address: address(s.a),
                moved_on: on,
                tokutei: false,
            },
            StepKind::MoveOut => Command::NotifyMoveOut {
                resident,
                to: municipality(s.a),
                planned_on: on,
                card_based: false,
            },
            StepKind::MoveIn => Command::NotifyMoveIn {
                resident,
                municipality: municipality(s.a),
                address: address(s.b),
                moved_on: on,
                present_my_number_card: s.flag,
                tokutei: false,
            },
            StepKind::FileStatusChange => Command::FileStatusChange {
                resident,
                to: STATUS_CHANGE_TARGETS[usize::from(s.a) % STATUS_CHANGE_TARGETS.len()],
                channel: Channel::Counter,
                tokutei: false,
            },
            StepKind::GrantStatusChange => Command::DecideStatusChange {
                resident,
                decision: Decision::Grant { new_expiry: on },
                decided_on: None,
            },
            StepKind::FilePermanentResidence => Command::FilePermanentResidence {
                resident,
                channel: Channel::Counter,
                tokutei: false,
            },
            StepKind::GrantPermanentResidence => Command::DecidePermanentResidence {
                resident,
                grant: true,
                decided_on: None,
            },
            StepKind::ReportLoss => Command::ReportLoss {
                resident,
                lost_on: on,
            },
            StepKind::ReissueAfterLoss => Command::RequestReissue {
                resident,
                reason: ReissueReason::Lost {
                    learned_on: on,
                    reported_on: Some(on + days(u32::from(s.a))),
                },
                tokutei: false,
                at_city_hall: s.flag,
            },
            StepKind::FileCardRenewal => Command::FileCardRenewal {
                resident,
                tokutei: false,
            },
            StepKind::RenewSprCertificate => Command::RenewSprCertificate {
                resident,
                tokutei: false,
            },
            StepKind::ReissueDamaged => Command::RequestReissue {
                resident,
                reason: ReissueReason::Damaged,
                tokutei: false,
                at_city_hall: s.flag,
            },
            StepKind::ItemChange => Command::NotifyItemChange {
                resident,
                item: CHANGED_ITEMS[usize::from(s.a) % CHANGED_ITEMS.len()],
                changed_on: on,
                tokutei: false,
                at_city_hall: s.flag,
            },
            StepKind::UpdateMyNumberCard => Command::UpdateMyNumberCardItems { resident },
            StepKind::LockPin => Command::LockPin { resident },
            StepKind::ResetPin => Command::ResetPin {
                resident,
                at_bureau: false,
            },
            StepKind::Land => Command::Land {
                resident,
                port: ARRIVAL_PORTS[usize::from(s.a) % ARRIVAL_PORTS.len()]
                    .0
                    .to_owned(),
                tokutei: false,
            },
            StepKind::NotifyResidence => {
                let r = &self.residents[s.local as usize];
                Command::NotifyResidence {
                    resident,
                    municipality: municipality(r.municipality),
                    address: address(r.address),
                    born_on: r.born_on,
                    status: r.status,
                    period_expiry: r.period_expiry,
                    due_from: Some(on),
                    after_status_change: false,
                    // The card handed over at the port, if any: the agent presents what the
                    // resident holds.
                    card: None,
                    tokutei: false,
                }
            }
            StepKind::NotifyDeparture => Command::NotifyDeparture {
                resident,
                leaves_on: on,
            },
            StepKind::Depart => Command::Depart {
                resident,
                port: ARRIVAL_PORTS[usize::from(s.a) % ARRIVAL_PORTS.len()]
                    .0
                    .to_owned(),
            },
            StepKind::NotifyBirth => {
                let r = &self.residents[s.local as usize];
                Command::NotifyBirth {
                    resident,
                    municipality: municipality(r.municipality),
                    address: address(r.address),
                    born_on: on,
                }
            }
            StepKind::FileStatusAcquisition => Command::FileStatusAcquisition {
                resident,
                to: BIRTH_STATUSES[usize::from(s.a) % BIRTH_STATUSES.len()].0,
                tokutei: false,
            },
            StepKind::GrantStatusAcquisition => Command::DecideStatusAcquisition {
                resident,
                decision: Decision::Grant { new_expiry: on },
                decided_on: None,
            },
        };
        PopulationStep {
            at: t0 + Duration::minutes(i64::from(s.minute)),
            resident,
            global: self.residents[s.local as usize].global,
            procedure: s.procedure,
            policy_decides_tokutei: matches!(
                s.kind,
                StepKind::FileExtension
                    | StepKind::FileStatusChange
                    | StepKind::FilePermanentResidence
                    | StepKind::MoveWithin
                    | StepKind::MoveIn
                    | StepKind::FileCardRenewal
                    | StepKind::RenewSprCertificate
                    | StepKind::ReissueDamaged
                    | StepKind::ItemChange
                    | StepKind::NotifyResidence
                    | StepKind::FileStatusAcquisition
            ),
            command,
        }
    }

    /// Counts for docs and tests: residents by status, My Number card holders, steps by kind.
    pub fn census(&self) -> BTreeMap<String, u64> {
        let mut c: BTreeMap<String, u64> = BTreeMap::new();
        let mut add = |k: String| *c.entry(k).or_insert(0) += 1;
        for r in &self.residents {
            add(format!("status.{}", serde_plain(r.status)));
            if r.my_number_card_issued.is_some() {
                add("my_number_card".into());
            }
            if r.lands_on.is_some() {
                add("arrivals".into());
            }
            if r.status == Status::TransitionalStayer {
                add("births".into());
            }
            if r.period_expiry.is_some_and(|e| e <= self.until) {
                add("period_ends_in_year".into());
            }
        }
        for s in &self.steps {
            add(format!("step.{:?}", s.kind));
        }
        c.insert("residents".into(), self.residents.len() as u64);
        c
    }
}

/// Adds shard digests (hex, as [`Population::digest`] prints them).
pub fn add_digests<'a>(digests: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut sum = 0u128;
    for d in digests {
        sum = sum.wrapping_add(u128::from_str_radix(d, 16).ok()?);
    }
    Some(format!("{sum:032x}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tables::STATUSES;

    fn spec(n: usize, seed: u64) -> PopulationSpec {
        PopulationSpec::new(n, seed)
    }

    #[test]
    fn the_status_table_adds_up_to_the_national_figures() {
        let total: u32 = STATUSES.iter().map(|r| r.residents).sum();
        assert_eq!(total as usize, NATIONAL_RESIDENTS);
        let spr: u32 = STATUSES
            .iter()
            .filter(|r| r.status == Status::SpecialPermanentResident)
            .map(|r| r.residents)
            .sum();
        assert_eq!(total - spr, 3_686_327);
        let weights: u32 = municipalities().iter().map(|m| m.1).sum();
        assert!(weights as usize <= NATIONAL_RESIDENTS);
        // The at-expiry rows must fit in the residents whose period ends.
        let rows: u32 = AT_EXPIRY.iter().map(|r| r.per_year).sum();
        assert!(f64::from(rows) < expiring_per_year());
    }

    #[test]
    fn same_seed_same_population_other_seed_other_population() {
        let a = Population::generate(spec(500, 7));
        let b = Population::generate(spec(500, 7));
        let c = Population::generate(spec(500, 8));
        assert_eq!(a, b);
        assert_ne!(a.residents, c.residents);
        assert_ne!(a.digest(), c.digest());
    }

    #[test]
    fn a_resident_does_not_depend_on_the_population_size() {
        let small = Population::generate(spec(10, 3));
        let large = Population::generate(spec(100, 3));
        // The first ten of both are the residents present at the start; arrivals follow.
        assert_eq!(small.residents[..10], large.residents[..10]);
        assert_eq!(small.profile(ResidentId(4)), large.profile(ResidentId(4)));
    }

    #[test]
    fn shards_partition_the_population_and_their_digests_add_up() {
        let whole = Population::generate(spec(1000, 5));
        let shards: Vec<Population> = (0..4)
            .map(|k| {
                Population::generate(PopulationSpec {
                    shard: Shard { index: k, count: 4 },
                    ..spec(1000, 5)
                })
            })
            .collect();
        assert_eq!(
            shards.iter().map(Population::len).sum::<usize>(),
            Population::records(1000)
        );
        assert_eq!(
            shards.iter().map(Population::step_count).sum::<usize>(),
            whole.step_count()
        );
        let digests: Vec<String> = shards.iter().map(Population::digest).collect();
        assert_eq!(
            add_digests(digests.iter().map(String::as_str)).unwrap(),
            whole.digest()
        );
        // Resident 6 is local 1 of shard 2/4, and identical there.
        let r = &shards[2];
        assert_eq!(r.global(ResidentId(1)), 6);
        let mut a = r.profile(ResidentId(1));
        let b = whole.profile(ResidentId(6));
        a.name.clone_from(&b.name);
        assert_eq!(a, b);
    }

    #[test]
    fn parts_partition_a_shard_and_their_digests_add_up() {
        let spec = PopulationSpec {
            shard: Shard { index: 1, count: 3 },
            ..spec(1000, 9)
        };
        let whole = Population::generate(spec);
        assert_eq!(Population::shard_len(&spec), whole.len());
        let parts: Vec<Population> = [0..100, 100..250, 250..usize::MAX]
            .into_iter()
            .map(|r| Population::generate_part(spec, r))
            .collect();
        assert_eq!(
            parts.iter().map(Population::len).sum::<usize>(),
            whole.len()
        );
        assert_eq!(
            parts.iter().map(Population::step_count).sum::<usize>(),
            whole.step_count()
        );
        let digests: Vec<String> = parts.iter().map(Population::digest).collect();
        assert_eq!(
            add_digests(digests.iter().map(String::as_str)).unwrap(),
            whole.digest()
        );
        // The second part's first resident is the shard's 101st.
        assert_eq!(
            parts[1].global(ResidentId(0)),
            whole.global(ResidentId(100))
        );
        assert_eq!(parts[1].residents[0], whole.residents[100]);
    }

    #[test]
    fn arrivals_follow_the_residents_present_at_the_start_and_hold_nothing_before_landing() {
        let n = 4_000;
        let p = Population::generate(spec(n, 2));
        let arrivals = Population::arrivals(n);
        // 500,000 a year nationally, in proportion: 505 for 4,000 residents.
        assert_eq!(arrivals, 505);
        assert_eq!(p.len(), n + arrivals + Population::births(n));
        assert_eq!(p.census()["arrivals"], arrivals as u64);
        let first = p.profile(ResidentId(n as u32));
        assert!(!first.registered);
        assert!(first.residence_card.is_none() && first.my_number_card.is_none());
        assert!(p.profile(ResidentId(0)).registered);
        // Each arrival lands once and notifies its residence after landing.
        let steps: Vec<PopulationStep> = p.steps().collect();
        let mut landed = BTreeMap::new();
        for s in &steps {
            match &s.command {
                Command::Land { resident, .. } => {
                    assert!(resident.index() >= n, "{resident} was here at the start");
                    assert!(landed.insert(*resident, s.at).is_none());
                }
                Command::NotifyResidence {
                    resident, due_from, ..
                } => {
                    let at = landed[resident];
                    assert!(at.date() < s.at.date());
                    assert_eq!(*due_from, Some(at.date()));
                }
                _ => assert!(s.resident.index() < n || s.global as usize >= n),
            }
        }
        assert_eq!(landed.len(), arrivals);
        // An arrival is the same whatever the population's size: only its index moves.
        let larger = Population::generate(spec(2 * n, 2));
        let mut a = larger.residents[2 * n];
        let b = p.residents[n];
        assert_ne!(a.global, b.global);
        a.global = b.global;
        assert_eq!(a, b);
    }

    #[test]
    fn a_departure_is_its_resident_s_last_step_after_the_notice_of_a_move_abroad() {
        let n = 4_000;
        let p = Population::generate(spec(n, 2));
        let steps: Vec<PopulationStep> = p.steps().collect();
        let mut departs = BTreeMap::new();
        let mut notices = BTreeMap::new();
        for s in &steps {
            match &s.command {
                Command::Depart { resident, .. } => {
                    assert!(
                        departs.insert(*resident, s.at).is_none(),
                        "{resident} twice"
                    );
                }
                Command::NotifyDeparture {
                    resident,
                    leaves_on,
                } => {
                    assert!(s.at.date() < *leaves_on, "the notice comes before leaving");
                    notices.insert(*resident, (s.at, *leaves_on));
                }
                _ => {}
            }
        }
        // 150,000 a year nationally: about 150 for 4,000 residents (no SPR, no arrival).
        assert!((100..=200).contains(&departs.len()), "{}", departs.len());
        for (r, at) in &departs {
            assert!(r.index() < n, "an arrival leaves");
            let status = p.profile(*r).status;
            assert_ne!(status, Status::SpecialPermanentResident);
            if let Some((notice_at, leaves_on)) = notices.get(r) {
                assert_eq!(at.date(), *leaves_on);
                // Nothing between the notice and the departure, nothing after it.
                let cut = *notice_at;
                assert!(
                    steps
                        .iter()
                        .filter(|s| s.resident == *r && s.at > cut)
                        .all(|s| matches!(s.command, Command::Depart { .. })),
                    "{r} acts after the notice"
                );
            }
            assert!(steps.iter().all(|s| s.resident != *r || s.at <= *at));
        }
        assert!(notices.keys().all(|r| departs.contains_key(r)));
        assert!(notices.len() * 10 >= departs.len() * 9);
    }

    #[test]
    fn newborns_follow_the_arrivals_and_are_registered_before_they_apply_for_a_status() {
        let n = 4_000;
        let p = Population::generate(spec(n, 2));
        let (arrivals, births) = (Population::arrivals(n), Population::births(n));
        // 22,878 a year nationally, in proportion: 23 for 4,000 residents.
        assert_eq!(births, 23);
        assert_eq!(p.len(), n + arrivals + births);
        assert_eq!(p.census()["births"], births as u64);
        let first = p.profile(ResidentId((n + arrivals) as u32));
        assert_eq!(first.status, Status::TransitionalStayer);
        assert!(!first.registered && first.residence_card.is_none());
        assert_eq!(
            p.profile(ResidentId(n as u32)).status,
            p.residents[n].status
        );
        // The notification follows the birth, the application the notification by two days at
        // least (the municipality's notice reaches the bureau meanwhile), the grant the
        // application; the application comes within the 60 days of stay without a status.
        let mut notified = BTreeMap::new();
        let mut filed = BTreeMap::new();
        let mut decided = 0;
        for s in p.steps() {
            match &s.command {
                Command::NotifyBirth {
                    resident, born_on, ..
                } => {
                    assert!(resident.index() >= n + arrivals, "{resident} is no newborn");
                    assert_eq!(*born_on, p.profile(*resident).born_on);
                    assert!(s.at.date() > *born_on);
                    assert!(notified.insert(*resident, s.at.date()).is_none());
                }
                Command::FileStatusAcquisition { resident, .. } => {
                    assert!(notified[resident] + days(2) <= s.at.date());
                    let born_on = p.profile(*resident).born_on;
                    assert!(s.at.date() <= model::rules::stay_without_status_ends(born_on));
                    filed.insert(*resident, s.at);
                }
                Command::DecideStatusAcquisition { resident, .. } => {
                    assert!(filed[resident] < s.at);
                    decided += 1;
                }
                _ => assert!(s.resident.index() < n + arrivals),
            }
        }
        // A child born in the year's last weeks is notified or decided after it ends.
        assert!(notified.len() * 10 >= births * 8, "{notified:?}");
        assert!(filed.len() * 10 >= births * 7 && decided > 0, "{filed:?}");
        // A newborn is the same whatever the population's size: only its index moves.
        let larger = Population::generate(spec(2 * n, 2));
        let mut a = larger.residents[2 * n + Population::arrivals(2 * n)];
        let b = p.residents[n + arrivals];
        a.global = b.global;
        assert_eq!(a, b);
    }

    #[test]
    fn steps_are_sorted_inside_the_horizon() {
        let p = Population::generate(spec(2000, 1));
        let steps: Vec<PopulationStep> = p.steps().collect();
        assert!(steps.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(
            steps
                .iter()
                .all(|s| s.at.date() >= p.spec.start && s.at.date() <= p.until)
        );
    }

    #[test]
    fn every_step_falls_on_a_business_day_and_a_move_in_after_its_move_out() {
        let p = Population::generate(spec(2000, 1));
        let steps: Vec<PopulationStep> = p.steps().collect();
        for s in &steps {
            let day = s.at.date();
            assert_eq!(
                model::calendar::closed_day(day),
                None,
                "{:?} on {day}",
                s.command
            );
        }
        let mut out_on = std::collections::BTreeMap::new();
        for s in &steps {
            match &s.command {
                Command::NotifyMoveOut { resident, .. } => {
                    out_on.insert(*resident, s.at.date());
                }
                Command::NotifyMoveIn { resident, .. } => {
                    assert!(out_on.get(resident).is_none_or(|d| *d < s.at.date()));
                }
                _ => {}
            }
        }
    }

    #[test]
    fn proportions_follow_the_tables() {
        let n = 40_000;
        let p = Population::generate(spec(n, 42));
        let c = p.census();
        let share = |k: &str| *c.get(k).unwrap_or(&0) as f64 / n as f64;
        let national = |k: u32| f64::from(k) / NATIONAL_RESIDENTS as f64;
        let near = |got: f64, want: f64, what: &str| {
            assert!(
                (got - want).abs() < 0.1 * want + 0.003,
                "{what}: {got} vs {want}"
            );
        };
        near(share("status.permanent_resident"), national(932_090), "PR");
        near(
            share("status.special_permanent_resident"),
            national(270_292),
            "SPR",
        );
        near(share("my_number_card"), 0.59, "My Number card");
        near(
            share("step.FileExtension"),
            national(1_100_000),
            "extensions",
        );
        near(share("step.MoveWithin"), national(600_000), "moves within");
        near(share("step.MoveOut"), national(500_000), "moves out");
        // Every filed extension is decided, unless the decision falls after the horizon.
        assert!(c["step.GrantExtension"] <= c["step.FileExtension"]);
    }
}
