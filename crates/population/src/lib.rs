//! A synthetic population of foreign residents and a year of their procedures, for the policy
//! what-if runs (`zairyu compare`) and the benchmark.
//!
//! Its default size is the national one (domain-rules §15, mid-2025: 3,956,619 residents), with
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

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use model::calendar::add_years_clamped;
use model::command::{Command, Decision, ResidentProfile};
use model::ids::{Address, Municipality, ResidentId};
use model::service::Channel;
use model::shard::Shard;
use model::status::Status;
use model::time::{SimTime, start_of_day};
use model::validity::{CardLaw, ValiditySwitches};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use model::profile::{CardInput, ProfileInput, build_profile};

/// Foreign residents of Japan in mid-2025 (domain-rules §15 [B]): 3,686,327 mid-to-long-term
/// residents and 270,292 special permanent residents.
pub const NATIONAL_RESIDENTS: usize = 3_956_619;

/// A year of procedures starts on the day the amended law operates (domain-rules §3).
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

/// A row of the procedure tables: a procedure and how many happen in a year nationally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub kind: ProcedureKind,
    /// Procedures per year, nationally.
    pub per_year: u32,
    /// Where the figure comes from (docs/what-if.md repeats it).
    pub source: &'static str,
}

/// The procedures the tables know. Those the simulator cannot run yet are drawn (so the others'
/// shares stay right) but generate no step; giving one a generator is the only change needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProcedureKind {
    Extension,
    ChangeOfStatus,
    MoveWithinMunicipality,
    MoveBetweenMunicipalities,
    PermanentResidence,
    Arrival,
}

impl ProcedureKind {
    pub fn label(self) -> &'static str {
        match self {
            ProcedureKind::Extension => "period-of-stay extension (§5.4)",
            ProcedureKind::ChangeOfStatus => "change of status (§5.5)",
            ProcedureKind::MoveWithinMunicipality => "address change within a municipality (§5.2)",
            ProcedureKind::MoveBetweenMunicipalities => "move between municipalities (§5.3)",
            ProcedureKind::PermanentResidence => "permanent residence application (§5.6)",
            ProcedureKind::Arrival => "arrival: landing and first residence notification (§5.1)",
        }
    }

    /// Whether the generator emits steps for it today.
    pub fn simulated(self) -> bool {
        !matches!(self, ProcedureKind::Arrival)
    }
}

/// What a resident whose period of stay ends during the year does about it. The rest (about a
/// fifth) leave Japan or let the period lapse: they file nothing.
pub const AT_EXPIRY: &[Rate] = &[
    Rate {
        kind: ProcedureKind::Extension,
        per_year: 1_100_000,
        source: "design.md (Scale)",
    },
    Rate {
        kind: ProcedureKind::ChangeOfStatus,
        per_year: 350_000,
        source: "design.md (Scale)",
    },
];

/// Procedures any resident may do once during the year, independently of each other.
pub const DURING_YEAR: &[Rate] = &[
    Rate {
        kind: ProcedureKind::MoveWithinMunicipality,
        per_year: 600_000,
        source: "design.md (Scale): 1.1 M moves; the 600 k / 500 k split is an assumption",
    },
    Rate {
        kind: ProcedureKind::MoveBetweenMunicipalities,
        per_year: 500_000,
        source: "design.md (Scale): 1.1 M moves; the 600 k / 500 k split is an assumption",
    },
    Rate {
        kind: ProcedureKind::PermanentResidence,
        per_year: 120_000,
        source: "design.md (Scale)",
    },
    Rate {
        kind: ProcedureKind::Arrival,
        per_year: 500_000,
        source: "design.md (Scale); needs new residents, not only a table row",
    },
];

/// A status and how many residents hold it nationally, with its age profile and the lengths of
/// the periods of stay granted.
struct StatusRow {
    status: Status,
    residents: u32,
    /// (youngest, oldest, weight): ages in whole years.
    ages: &'static [(u8, u8, u32)],
    /// (years, weight); empty for statuses without a period of stay.
    periods: &'static [(u8, u32)],
}

const WORKER: &[(u8, u8, u32)] = &[
    (18, 24, 25),
    (25, 29, 30),
    (30, 39, 30),
    (40, 49, 10),
    (50, 64, 5),
];
const INTERN: &[(u8, u8, u32)] = &[(18, 24, 45), (25, 29, 30), (30, 39, 22), (40, 49, 3)];
const STUDENT: &[(u8, u8, u32)] = &[(18, 22, 50), (23, 29, 45), (30, 39, 5)];
const DEPENDENT: &[(u8, u8, u32)] = &[
    (0, 5, 25),
    (6, 14, 30),
    (15, 17, 10),
    (18, 29, 15),
    (30, 49, 20),
];
const SPOUSE: &[(u8, u8, u32)] = &[(20, 29, 20), (30, 39, 35), (40, 49, 25), (50, 69, 20)];
const SETTLED: &[(u8, u8, u32)] = &[(0, 14, 12), (15, 29, 23), (30, 49, 40), (50, 79, 25)];
const PERMANENT: &[(u8, u8, u32)] = &[
    (0, 14, 8),
    (15, 29, 12),
    (30, 49, 40),
    (50, 69, 30),
    (70, 89, 10),
];
const SPECIAL: &[(u8, u8, u32)] = &[
    (0, 14, 5),
    (15, 39, 20),
    (40, 59, 25),
    (60, 79, 35),
    (80, 99, 15),
];
const MANAGER: &[(u8, u8, u32)] = &[(25, 39, 40), (40, 59, 50), (60, 74, 10)];
const EXPERT: &[(u8, u8, u32)] = &[(25, 34, 40), (35, 49, 50), (50, 64, 10)];

const MIXED: &[(u8, u32)] = &[(1, 35), (3, 40), (5, 25)];

/// National residents per status. PR and SPR are domain-rules §15 [B]; the other counts are
/// assumptions of the right order (ISA's tables by status were not retrieved), and "other"
/// takes the rest so that the mid-to-long-term total is §15's 3,686,327.
const STATUSES: &[StatusRow] = &[
    StatusRow {
        status: Status::SpecialPermanentResident,
        residents: 270_292,
        ages: SPECIAL,
        periods: &[],
    },
    StatusRow {
        status: Status::PermanentResident,
        residents: 932_090,
        ages: PERMANENT,
        periods: &[],
    },
    StatusRow {
        status: Status::TechnicalIntern,
        residents: 450_000,
        ages: INTERN,
        periods: &[(1, 100)],
    },
    StatusRow {
        status: Status::EngineerSpecialistHumanities,
        residents: 420_000,
        ages: WORKER,
        periods: &[(1, 25), (3, 40), (5, 35)],
    },
    StatusRow {
        status: Status::Student,
        residents: 400_000,
        ages: STUDENT,
        periods: &[(1, 40), (2, 40), (4, 20)],
    },
    StatusRow {
        status: Status::SpecifiedSkilledWorker,
        residents: 330_000,
        ages: WORKER,
        periods: &[(1, 60), (3, 40)],
    },
    StatusRow {
        status: Status::Dependent,
        residents: 300_000,
        ages: DEPENDENT,
        periods: &[(1, 30), (3, 40), (5, 30)],
    },
    StatusRow {
        status: Status::LongTermResident,
        residents: 230_000,
        ages: SETTLED,
        periods: MIXED,
    },
    StatusRow {
        status: Status::SpouseOfJapanese,
        residents: 150_000,
        ages: SPOUSE,
        periods: MIXED,
    },
    StatusRow {
        status: Status::SpouseOfPermanentResident,
        residents: 50_000,
        ages: SPOUSE,
        periods: MIXED,
    },
    StatusRow {
        status: Status::BusinessManager,
        residents: 45_000,
        ages: MANAGER,
        periods: &[(1, 50), (3, 30), (5, 20)],
    },
    StatusRow {
        status: Status::HighlySkilledProfessional1,
        residents: 20_000,
        ages: EXPERT,
        periods: &[(5, 100)],
    },
    StatusRow {
        status: Status::HighlySkilledProfessional2,
        residents: 5_000,
        ages: EXPERT,
        periods: &[],
    },
    StatusRow {
        status: Status::OtherMidToLongTerm,
        residents: 354_237,
        ages: WORKER,
        periods: &[(1, 50), (3, 35), (5, 15)],
    },
];

/// Per mille of residents holding a separate My Number card: "just under 60 %" (domain-rules
/// §15 [B]).
const MY_NUMBER_CARD_PER_MILLE: u32 = 590;

/// Per mille of movers between municipalities who present their My Number card at the move-in
/// (assumption).
const PRESENT_CARD_AT_MOVE_IN_PER_MILLE: u32 = 900;

/// The larger municipalities (wards in designated cities) by foreign residents, in thousands.
/// Orders of magnitude only (an assumption, not a retrieved table); the rest of the country is
/// [`REMAINDER_BUCKETS`] equal synthetic municipalities.
const NAMED_MUNICIPALITIES: &[(&str, u32)] = &[
    ("shinjuku", 45),
    ("edogawa", 43),
    ("kawaguchi", 43),
    ("adachi", 40),
    ("koto", 37),
    ("toshima", 33),
    ("itabashi", 32),
    ("ota", 30),
    ("hamamatsu", 30),
    ("kita", 29),
    ("osaka-ikuno", 28),
    ("katsushika", 28),
    ("nerima", 26),
    ("setagaya", 26),
    ("arakawa", 24),
    ("toyota", 22),
    ("minato", 21),
    ("nakano", 21),
    ("funabashi", 20),
    ("taito", 20),
    ("toyohashi", 20),
    ("suginami", 20),
    ("sumida", 18),
    ("yokohama-naka", 18),
    ("shinagawa", 17),
    ("yokohama-tsurumi", 17),
    ("matsudo", 16),
    ("osaka-chuo", 15),
    ("isesaki", 15),
    ("kawasaki-kawasaki", 15),
    ("kobe-chuo", 14),
    ("bunkyo", 14),
    ("soka", 14),
    ("nagoya-naka", 12),
    ("fukuoka-hakata", 12),
    ("tsukuba", 12),
    ("kawagoe", 12),
    ("okazaki", 12),
    ("yokkaichi", 12),
    ("kyoto-sakyo", 10),
    ("fukuoka-higashi", 10),
    ("shibuya", 11),
    ("sendai-aoba", 8),
    ("sapporo-chuo", 6),
];

/// How many synthetic municipalities share the rest of the population.
pub const REMAINDER_BUCKETS: usize = 300;

/// The municipalities and their weights (foreign residents, nationally): the named ones, then
/// `other-001` … `other-300` sharing the rest of [`NATIONAL_RESIDENTS`] equally.
pub fn municipalities() -> &'static [(Municipality, u32)] {
    static TABLE: OnceLock<Vec<(Municipality, u32)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<(Municipality, u32)> = NAMED_MUNICIPALITIES
            .iter()
            .map(|(name, k)| (Municipality((*name).to_owned()), k * 1000))
            .collect();
        let named: u32 = table.iter().map(|m| m.1).sum();
        let rest = NATIONAL_RESIDENTS as u32 - named;
        let each = rest / REMAINDER_BUCKETS as u32;
        for b in 0..REMAINDER_BUCKETS {
            table.push((Municipality(format!("other-{:03}", b + 1)), each));
        }
        table
    })
}

/// Cumulative municipality weights, for a binary search instead of a scan per draw.
fn municipality_cumulative() -> &'static [u32] {
    static CUM: OnceLock<Vec<u32>> = OnceLock::new();
    CUM.get_or_init(|| {
        let mut total = 0;
        municipalities()
            .iter()
            .map(|(_, w)| {
                total += w;
                total
            })
            .collect()
    })
}

/// A small uniform sampler over one resident's stream.
struct Draw(ChaCha8Rng);

impl Draw {
    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-32 for our small `n`).
    fn below(&mut self, n: u32) -> u32 {
        ((u64::from(self.0.next_u32()) * u64::from(n)) >> 32) as u32
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `per_mille` / 1000.
    fn per_mille(&mut self, per_mille: u32) -> bool {
        self.below(1000) < per_mille
    }

    /// True with probability `p` (a 32-bit threshold: exact enough for rates per resident).
    fn chance(&mut self, p: f64) -> bool {
        let threshold = (p.clamp(0.0, 1.0) * 4_294_967_296.0) as u64;
        u64::from(self.0.next_u32()) < threshold
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

    fn municipality(&mut self) -> u16 {
        let cum = municipality_cumulative();
        let x = self.below(*cum.last().expect("municipalities"));
        cum.partition_point(|&c| c <= x) as u16
    }

    /// An address `a-b-c` packed into 16 bits (see [`address`]).
    fn address(&mut self) -> u16 {
        (self.below(9) * 600 + self.below(30) * 20 + self.below(20)) as u16
    }

    /// Minutes into the office day (09:00–16:59).
    fn office_minute(&mut self) -> u32 {
        self.below(8 * 60)
    }
}

/// The address packed by [`Draw::address`].
fn address(code: u16) -> Address {
    let c = u32::from(code);
    Address(format!(
        "{}-{}-{}",
        c / 600 + 1,
        c / 20 % 30 + 1,
        c % 20 + 1
    ))
}

fn municipality(index: u16) -> Municipality {
    municipalities()[usize::from(index)].0.clone()
}

fn days(n: u32) -> Duration {
    Duration::days(i64::from(n))
}

/// A resident's facts, compactly; the profile is built from them on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Resident {
    global: u32,
    born_on: NaiveDate,
    status: Status,
    period_expiry: Option<NaiveDate>,
    card_issued: NaiveDate,
    my_number_card_issued: Option<NaiveDate>,
    municipality: u16,
    address: u16,
}

/// What a step does, with its arguments packed into [`CompactStep`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
enum StepKind {
    /// `FileExtension`; the agent decides the Tokutei application.
    FileExtension,
    /// `DecideExtension`, granted to `start + day`.
    GrantExtension,
    /// `NotifyMoveWithinMunicipality` to address `a`, moved on `start + day`.
    MoveWithin,
    /// `NotifyMoveOut` to municipality `a`, planned for `start + day`.
    MoveOut,
    /// `NotifyMoveIn` at municipality `a`, address `b`, moved on `start + day`; `flag` = presents
    /// the My Number card.
    MoveIn,
    /// `FileStatusChange` to `STATUS_CHANGE_TARGETS[a]`; the agent decides the Tokutei application.
    FileStatusChange,
    /// `DecideStatusChange`, granted to `start + day`.
    GrantStatusChange,
    /// `FilePermanentResidence`; the agent decides the Tokutei application.
    FilePermanentResidence,
    /// `DecidePermanentResidence`, granted.
    GrantPermanentResidence,
}

/// The statuses a change of status leads to (§5.5): a student to work, a technical intern to
/// specified skilled work, others to work, family or long-term status. An assumption: the
/// published statistics by transition were not retrieved (domain-rules §15).
const STATUS_CHANGE_TARGETS: [Status; 4] = [
    Status::EngineerSpecialistHumanities,
    Status::SpecifiedSkilledWorker,
    Status::SpouseOfJapanese,
    Status::LongTermResident,
];

/// One step in 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CompactStep {
    /// Minutes after 00:00 on the start day.
    minute: u32,
    /// Position of the resident in this population (its `ResidentId`).
    local: u32,
    kind: StepKind,
    /// Which table row (procedure) of the resident the step belongs to.
    procedure: u8,
    flag: bool,
    /// Days after the start day.
    day: u16,
    a: u16,
    b: u16,
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

/// The procedure row numbers: 0 is the at-expiry choice, then one per [`DURING_YEAR`] row.
const AT_EXPIRY_PROCEDURE: u8 = 0;

/// Expected residents (nationally) whose period of stay ends within a year, from the status
/// table: a period of `L` years ends within the year with probability `min(1, 1/L)`, because the
/// expiry falls uniformly within the period.
fn expiring_per_year() -> f64 {
    STATUSES
        .iter()
        .filter(|row| !row.periods.is_empty())
        .map(|row| {
            let total: u32 = row.periods.iter().map(|p| p.1).sum();
            let share: f64 = row
                .periods
                .iter()
                .map(|&(years, w)| f64::from(w) / f64::from(total) / f64::from(years).max(1.0))
                .sum();
            f64::from(row.residents) * share
        })
        .sum()
}

impl Population {
    /// Generates the population of `spec` (only the residents of its shard).
    pub fn generate(spec: PopulationSpec) -> Population {
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
        let mut residents = Vec::with_capacity(size / spec.shard.count as usize + 1);
        // About 1.2 steps per resident.
        let mut steps = Vec::with_capacity(size / spec.shard.count as usize * 5 / 4 + 16);
        let mut digest = 0u128;
        for global in spec.shard.globals(size) {
            let local = u32::try_from(residents.len()).expect("fewer than 2^32 residents");
            let stream = |part: u32| {
                let mut rng = base.clone();
                rng.set_stream(u64::from(global));
                // Each part (the profile, each table row) reads its own range of the stream.
                rng.set_word_pos(u128::from(part) << 32);
                Draw(rng)
            };
            let resident = resident(&mut stream(0), global, start, cutoff);
            let first = steps.len();
            let ctx = Ctx {
                resident: &resident,
                local,
                start,
                until,
            };
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
        let input = ProfileInput {
            name: format!("Resident {}", r.global),
            born_on: r.born_on,
            status: r.status,
            period_expiry: r.period_expiry,
            municipality: municipality(r.municipality),
            address: address(r.address),
            registered: true,
            card: Some(CardInput {
                issued_on: r.card_issued,
                valid_through: None,
                tokutei: false,
            }),
            my_number_card: r.my_number_card_issued.map(|issued_on| CardInput {
                issued_on,
                valid_through: None,
                tokutei: false,
            }),
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
            },
            StepKind::FilePermanentResidence => Command::FilePermanentResidence {
                resident,
                channel: Channel::Counter,
                tokutei: false,
            },
            StepKind::GrantPermanentResidence => Command::DecidePermanentResidence {
                resident,
                grant: true,
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

fn serde_plain(status: Status) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A resident's SHA-256 over its facts and steps, as a 128-bit number.
fn resident_digest(r: &Resident, steps: &[CompactStep]) -> u128 {
    let mut h = Sha256::new();
    let date = |d: NaiveDate| d.to_string();
    h.update(r.global.to_le_bytes());
    h.update(date(r.born_on));
    h.update(serde_plain(r.status));
    h.update(r.period_expiry.map(date).unwrap_or_default());
    h.update(date(r.card_issued));
    h.update(r.my_number_card_issued.map(date).unwrap_or_default());
    h.update(r.municipality.to_le_bytes());
    h.update(r.address.to_le_bytes());
    for s in steps {
        h.update(s.minute.to_le_bytes());
        h.update([s.kind as u8, s.procedure, u8::from(s.flag)]);
        h.update(s.day.to_le_bytes());
        h.update(s.a.to_le_bytes());
        h.update(s.b.to_le_bytes());
    }
    let bytes = h.finalize();
    u128::from_le_bytes(bytes[..16].try_into().expect("16 bytes"))
}

fn resident(draw: &mut Draw, global: u32, start: NaiveDate, cutoff: NaiveDate) -> Resident {
    let weights: Vec<(Status, u32)> = STATUSES.iter().map(|r| (r.status, r.residents)).collect();
    let row = &STATUSES[draw.weighted(&weights)];
    let band = row.ages[draw.weighted(
        &row.ages
            .iter()
            .map(|&(lo, hi, w)| ((lo, hi), w))
            .collect::<Vec<_>>(),
    )];
    let age = draw.between(u32::from(band.0), u32::from(band.1)) as i32;
    let born_on = (add_years_clamped(start, -age) - days(draw.below(365))).min(cutoff);
    let status = row.status;
    let period = (!row.periods.is_empty()).then(|| {
        let years = u32::from(row.periods[draw.weighted(row.periods)].0);
        // The expiry falls uniformly within the period granted last time.
        let expiry = start + days(draw.between(1, years * 365));
        (years, expiry)
    });
    let card_issued = match period {
        // Issued at the last grant.
        Some((years, expiry)) => add_years_clamped(expiry, -(years as i32)),
        // PR and SPR cards run about 7 years under the old law: issued within those years.
        None => start - days(draw.below(7 * 365 - 30)),
    }
    .clamp(born_on, cutoff);
    // Issued within the last four years, so that few have lapsed before the run.
    let my_number_card_issued = draw
        .per_mille(MY_NUMBER_CARD_PER_MILLE)
        .then(|| (cutoff - days(draw.below(4 * 365))).max(born_on));
    Resident {
        global,
        born_on,
        status,
        period_expiry: period.map(|p| p.1),
        card_issued,
        my_number_card_issued,
        municipality: draw.municipality(),
        address: draw.address(),
    }
}

/// What the procedure generators need to know.
struct Ctx<'a> {
    resident: &'a Resident,
    local: u32,
    start: NaiveDate,
    until: NaiveDate,
}

impl Ctx<'_> {
    /// Pushes a step on `day` at an office time, if it falls inside the horizon.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &self,
        draw: &mut Draw,
        steps: &mut Vec<CompactStep>,
        procedure: u8,
        kind: StepKind,
        on: NaiveDate,
        arg_day: NaiveDate,
        a: u16,
        b: u16,
        flag: bool,
    ) {
        let minute = draw.office_minute();
        if on > self.until || on < self.start {
            return;
        }
        let day_of = |d: NaiveDate| u16::try_from((d - self.start).num_days()).unwrap_or(u16::MAX);
        steps.push(CompactStep {
            minute: (day_of(on) as u32) * 24 * 60 + 9 * 60 + minute,
            local: self.local,
            kind,
            procedure,
            flag,
            day: day_of(arg_day),
            a,
            b,
        });
    }
}

/// The periods of stay of the resident's status, for a new grant.
fn periods_of(status: Status) -> &'static [(u8, u32)] {
    STATUSES
        .iter()
        .find(|r| r.status == status)
        .map_or(MIXED, |r| {
            if r.periods.is_empty() {
                MIXED
            } else {
                r.periods
            }
        })
}

/// Which [`AT_EXPIRY`] row a resident whose period ends within the year follows, if any: the
/// share left over (about a fifth) leaves Japan or lets the period lapse and files nothing.
fn at_expiry_choice(draw: &mut Draw, ctx: &Ctx<'_>, shares: &[f64]) -> Option<ProcedureKind> {
    ctx.resident.period_expiry.filter(|e| *e <= ctx.until)?;
    let x = f64::from(draw.0.next_u32()) / 4_294_967_296.0;
    let mut acc = 0.0;
    for (rate, share) in AT_EXPIRY.iter().zip(shares) {
        acc += share;
        if x < acc {
            return Some(rate.kind);
        }
    }
    None
}

/// The steps of one procedure of the tables. A procedure the simulator cannot run yet generates
/// nothing: giving it steps here is all that adding it takes.
fn generate_procedure(
    kind: ProcedureKind,
    draw: &mut Draw,
    ctx: &Ctx<'_>,
    p: u8,
    steps: &mut Vec<CompactStep>,
) {
    match kind {
        ProcedureKind::Extension => {
            if let Some(expiry) = ctx.resident.period_expiry {
                extension(draw, ctx, p, expiry, steps);
            }
        }
        // Moves inside the municipality fall in the first half of the year and moves between
        // municipalities in the second, so one resident's moves never overlap.
        ProcedureKind::MoveWithinMunicipality => {
            let moved_on = ctx.start + days(draw.below(170));
            let address = draw.address();
            let notified_on = moved_on + days(draw.below(15));
            let kind = StepKind::MoveWithin;
            ctx.push(
                draw,
                steps,
                p,
                kind,
                notified_on,
                moved_on,
                address,
                0,
                false,
            );
        }
        ProcedureKind::MoveBetweenMunicipalities => {
            let out_on = ctx.start + days(draw.between(180, 340));
            let planned_on = out_on + days(draw.below(8));
            let mut to = draw.municipality();
            if to == ctx.resident.municipality {
                to = ((usize::from(to) + 1) % municipalities().len()) as u16;
            }
            ctx.push(
                draw,
                steps,
                p,
                StepKind::MoveOut,
                out_on,
                planned_on,
                to,
                0,
                false,
            );
            let in_on = out_on + days(draw.between(3, 10));
            let address = draw.address();
            let present = draw.per_mille(PRESENT_CARD_AT_MOVE_IN_PER_MILLE);
            let moved_on = planned_on.min(in_on);
            let kind = StepKind::MoveIn;
            ctx.push(draw, steps, p, kind, in_on, moved_on, to, address, present);
        }
        ProcedureKind::ChangeOfStatus => {
            if let Some(expiry) = ctx.resident.period_expiry {
                status_change(draw, ctx, p, expiry, steps);
            }
        }
        ProcedureKind::PermanentResidence => {
            if ctx.resident.status.has_period_of_stay() {
                permanent_residence(draw, ctx, p, steps);
            }
        }
        // Not simulated yet: arrivals need new residents, not only steps.
        ProcedureKind::Arrival => {}
    }
}

/// The day an application is filed ahead of the period's expiry: 46–74 days before it (§5.4:
/// "usually from ~3 months before expiry"), never before the run nor after the expiry.
fn filed_ahead(draw: &mut Draw, ctx: &Ctx<'_>, expiry: NaiveDate) -> NaiveDate {
    let aim = expiry - days(60) + days(draw.below(29)) - days(14);
    if aim < ctx.start {
        ctx.start + days(draw.below((expiry - ctx.start).num_days().max(0) as u32 + 1))
    } else {
        aim.min(expiry)
    }
}

/// 在留資格変更: filed like an extension, ahead of the expiry (§5.5 "same mechanics as 5.4"),
/// decided 20–60 days later (assumption), granted for a period of the new status.
fn status_change(
    draw: &mut Draw,
    ctx: &Ctx<'_>,
    p: u8,
    expiry: NaiveDate,
    steps: &mut Vec<CompactStep>,
) {
    let filed = filed_ahead(draw, ctx, expiry);
    let target = match ctx.resident.status {
        Status::Student => 0,
        Status::TechnicalIntern => 1,
        _ => [0u16, 2, 3][draw.below(3) as usize],
    };
    let to = STATUS_CHANGE_TARGETS[usize::from(target)];
    let kind = StepKind::FileStatusChange;
    ctx.push(draw, steps, p, kind, filed, filed, target, 0, false);
    let decided = filed + days(draw.between(20, 60));
    let periods = periods_of(to);
    let years = periods[draw.weighted(periods)].0;
    let new_expiry = add_years_clamped(expiry, i32::from(years));
    let kind = StepKind::GrantStatusChange;
    ctx.push(draw, steps, p, kind, decided, new_expiry, 0, 0, false);
}

/// 永住許可申請: filed during the first months of the year and decided 120–330 days later
/// (§5.6 [B]: about 329 days on average); a decision after the horizon is not simulated.
fn permanent_residence(draw: &mut Draw, ctx: &Ctx<'_>, p: u8, steps: &mut Vec<CompactStep>) {
    let filed = ctx.start + days(draw.below(200));
    let kind = StepKind::FilePermanentResidence;
    ctx.push(draw, steps, p, kind, filed, filed, 0, 0, false);
    let decided = filed + days(draw.between(120, 330));
    let kind = StepKind::GrantPermanentResidence;
    ctx.push(draw, steps, p, kind, decided, decided, 0, 0, false);
}

/// 在留期間更新: filed about 60 days ahead (§5.4: "usually from ~3 months before expiry"), never
/// before the run nor after the expiry; decided 20–60 days later (an assumption; §15's Tokyo
/// backlog signal suggests weeks to months) and granted for a period of the status.
fn extension(
    draw: &mut Draw,
    ctx: &Ctx<'_>,
    p: u8,
    expiry: NaiveDate,
    steps: &mut Vec<CompactStep>,
) {
    let filed = filed_ahead(draw, ctx, expiry);
    ctx.push(
        draw,
        steps,
        p,
        StepKind::FileExtension,
        filed,
        filed,
        0,
        0,
        false,
    );
    let decided = filed + days(draw.between(20, 60));
    let periods = periods_of(ctx.resident.status);
    let years = periods[draw.weighted(periods)].0;
    let new_expiry = add_years_clamped(expiry, i32::from(years));
    ctx.push(
        draw,
        steps,
        p,
        StepKind::GrantExtension,
        decided,
        new_expiry,
        0,
        0,
        false,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(small.residents[..], large.residents[..10]);
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
        assert_eq!(shards.iter().map(Population::len).sum::<usize>(), 1000);
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
