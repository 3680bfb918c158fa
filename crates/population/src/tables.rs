//! The national tables the population is drawn from: residents by status with their ages and
//! periods of stay, the yearly procedure counts, My Number card holding, and the
//! municipalities. docs/what-if.md lists every figure with its source, or says it is an
//! assumption.

use std::sync::OnceLock;

use model::ids::Municipality;
use model::status::Status;

use crate::NATIONAL_RESIDENTS;

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
    CardLoss,
    /// A residence card's validity renewal (§5.7) or an SPR certificate's renewal (§5.8):
    /// not a rate but every card of the population that falls due within the year.
    CardRenewal,
    DamageReissue,
    ItemChange,
    LockedPin,
    /// Leaving Japan for good (§5.14).
    Departure,
    /// A foreign child born in Japan (§5.15): a new resident of its own, not a procedure of a
    /// resident present at the start ([`BIRTHS`]).
    Birth,
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
            ProcedureKind::CardLoss => {
                "loss or theft of the residence card or SPR certificate, and its reissue (§5.11)"
            }
            ProcedureKind::CardRenewal => {
                "card validity renewal (§5.7) or SPR certificate renewal (§5.8)"
            }
            ProcedureKind::DamageReissue => "reissue for damage (§5.10)",
            ProcedureKind::ItemChange => {
                "non-address item change (§5.9), and the My Number card's update (券面事項変更)"
            }
            ProcedureKind::LockedPin => "a locked My Number PIN, reset at the city hall (§5.12)",
            ProcedureKind::Departure => {
                "departure for good: notice of a move abroad, card returned at the port (§5.14)"
            }
            ProcedureKind::Birth => {
                "birth of a foreign child: birth notification and status acquisition (§5.15)"
            }
        }
    }

    /// Whether the generator emits steps for it as a procedure of a resident present at the
    /// start (arrivals and newborns are new residents of their own, `Population::arrivals`,
    /// `Population::births`).
    pub fn simulated(self) -> bool {
        !matches!(self, ProcedureKind::Arrival | ProcedureKind::Birth)
    }
}

/// What a resident whose period of stay ends during the year does about it. The rest (about a
/// fifth) leave Japan or let the period lapse: they file nothing.
pub const AT_EXPIRY: &[Rate] = &[
    Rate {
        kind: ProcedureKind::Extension,
        per_year: 1_100_000,
        source: "docs/domain.md §15, planning figure [C]",
    },
    Rate {
        kind: ProcedureKind::ChangeOfStatus,
        per_year: 350_000,
        source: "docs/domain.md §15, planning figure [C]",
    },
];

/// Procedures any resident may do once during the year, independently of each other.
pub const DURING_YEAR: &[Rate] = &[
    Rate {
        kind: ProcedureKind::MoveWithinMunicipality,
        per_year: 600_000,
        source: "docs/domain.md §15: 1.1 M moves [C]; the 600 k / 500 k split is an assumption",
    },
    Rate {
        kind: ProcedureKind::MoveBetweenMunicipalities,
        per_year: 500_000,
        source: "docs/domain.md §15: 1.1 M moves [C]; the 600 k / 500 k split is an assumption",
    },
    Rate {
        kind: ProcedureKind::PermanentResidence,
        per_year: 120_000,
        source: "docs/domain.md §15, planning figure [C]",
    },
    Rate {
        kind: ProcedureKind::Arrival,
        per_year: 500_000,
        source: "docs/domain.md §15, planning figure [C]; new residents of their own (this row's draw for a resident present at the start generates nothing)",
    },
    Rate {
        kind: ProcedureKind::CardLoss,
        per_year: 40_000,
        source: "assumption: about 1 % of residents a year (no published count of lost or stolen residence cards found)",
    },
    Rate {
        kind: ProcedureKind::DamageReissue,
        per_year: 20_000,
        source: "assumption: about 0.5 % of residents a year (no published count of reissues for damage found)",
    },
    Rate {
        kind: ProcedureKind::ItemChange,
        per_year: 30_000,
        source: "assumption: about 0.75 % of residents a year, four in five a change of name (marriage), the rest of nationality (no published count found)",
    },
    Rate {
        kind: ProcedureKind::LockedPin,
        per_year: 60_000,
        source: "assumption: drawn for 1.5 % of residents a year; only those holding a separate My Number card at the start lock one (59 %, so about 35,000)",
    },
    Rate {
        kind: ProcedureKind::Departure,
        per_year: 150_000,
        source: "assumption from docs/domain.md §15: 0.5 M arrivals a year [C] less the growth of the resident count (end-2023 3,410,992 to end-2024 3,768,977: +358 k [A*/B]) leaves ≈ 0.14 M departures; rounded to 150,000 (deaths and naturalisations not told apart; ISA's departure tables were not retrieved)",
    },
];

/// Births of foreign children in Japan in a year (§5.15): not a row of [`DURING_YEAR`] (nobody
/// present at the start draws for it) but new residents of their own, `Population::births`.
pub const BIRTHS: Rate = Rate {
    kind: ProcedureKind::Birth,
    per_year: 22_878,
    source: "人口動態統計 (Vital Statistics), 2024: 22,878 births in Japan of foreign children (both parents foreign, or an unmarried foreign mother), as reported from the survey [B]; new residents of their own",
};

/// The status a newborn applies for (weights, per cent), following its parents' (§5.15): a
/// worker's or student's child `dependent`, a permanent resident's `spouse_of_permanent_resident`
/// (or permanent residence itself, 22条の2④), a long-term resident's `long_term_resident`, others
/// (designated activities and the like) `other_mid_to_long_term` [assumption: no breakdown of
/// the parents' statuses was found].
pub(crate) const BIRTH_STATUSES: &[(Status, u32)] = &[
    (Status::Dependent, 50),
    (Status::SpouseOfPermanentResident, 22),
    (Status::PermanentResident, 3),
    (Status::LongTermResident, 15),
    (Status::OtherMidToLongTerm, 10),
];

/// Per mille of births notified after the 14 days (§5.15, §10) [assumption].
pub(crate) const LATE_BIRTH_NOTIFICATION_PER_MILLE: u32 = 50;

/// Per mille of newborns whose status is applied for after the 30 days, within the 60 (§5.15,
/// §10) [assumption].
pub(crate) const LATE_STATUS_ACQUISITION_PER_MILLE: u32 = 50;

/// A status and how many residents hold it nationally, with its age profile and the lengths of
/// the periods of stay granted.
pub(crate) struct StatusRow {
    pub(crate) status: Status,
    pub(crate) residents: u32,
    /// (youngest, oldest, weight): ages in whole years.
    pub(crate) ages: &'static [(u8, u8, u32)],
    /// (years, weight); empty for statuses without a period of stay.
    pub(crate) periods: &'static [(u8, u32)],
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

/// National residents per status. PR and SPR are §15 [B]; the other counts are
/// assumptions of the right order (ISA's tables by status were not retrieved), and "other"
/// takes the rest so that the mid-to-long-term total is §15's 3,686,327.
pub(crate) const STATUSES: &[StatusRow] = &[
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

/// The statuses of new arrivals (weights, per cent): mostly technical interns, students and
/// workers [assumption: ISA's tables of new entrants by status were not retrieved].
pub(crate) const ARRIVAL_STATUSES: &[(Status, u32)] = &[
    (Status::TechnicalIntern, 30),
    (Status::Student, 25),
    (Status::SpecifiedSkilledWorker, 15),
    (Status::EngineerSpecialistHumanities, 12),
    (Status::Dependent, 10),
    (Status::SpouseOfJapanese, 3),
    (Status::OtherMidToLongTerm, 5),
];

/// Ports of entry of new arrivals (weights, per cent): the seven airports that hand the card
/// over at landing (docs/domain.md §5.1), then ports that do not [assumption: shares of the
/// order of the airports' international traffic].
pub(crate) const ARRIVAL_PORTS: &[(&str, u32)] = &[
    ("narita", 30),
    ("haneda", 22),
    ("kansai", 20),
    ("chubu", 7),
    ("fukuoka", 6),
    ("new_chitose", 4),
    ("hiroshima", 1),
    ("naha", 5),
    ("sendai", 3),
    ("kagoshima", 2),
];

/// Per mille of arrivals who notify their residence late, 15–30 days after landing (§5.1, §10)
/// [assumption].
pub(crate) const LATE_RESIDENCE_NOTIFICATION_PER_MILLE: u32 = 50;

/// Per mille of residents holding a separate My Number card: "just under 60 %" (§15
/// [B]).
pub(crate) const MY_NUMBER_CARD_PER_MILLE: u32 = 590;

/// Per mille of movers between municipalities who present their My Number card at the move-in
/// (assumption).
pub(crate) const PRESENT_CARD_AT_MOVE_IN_PER_MILLE: u32 = 900;

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
            .map(|(name, k)| (Municipality::new(name), k * 1000))
            .collect();
        let named: u32 = table.iter().map(|m| m.1).sum();
        let rest = NATIONAL_RESIDENTS as u32 - named;
        let each = rest / REMAINDER_BUCKETS as u32;
        for b in 0..REMAINDER_BUCKETS {
            table.push((Municipality::new(&format!("other-{:03}", b + 1)), each));
        }
        table
    })
}

/// Cumulative municipality weights, for a binary search instead of a scan per draw.
pub(crate) fn municipality_cumulative() -> &'static [u32] {
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

/// The statuses a change of status leads to (§5.5): a student to work, a technical intern to
/// specified skilled work, others to work, family or long-term status. An assumption: the
/// published statistics by transition were not retrieved (§15).
pub(crate) const STATUS_CHANGE_TARGETS: [Status; 4] = [
    Status::EngineerSpecialistHumanities,
    Status::SpecifiedSkilledWorker,
    Status::SpouseOfJapanese,
    Status::LongTermResident,
];

/// Expected residents (nationally) whose period of stay ends within a year, from the status
/// table: a period of `L` years ends within the year with probability `min(1, 1/L)`, because the
/// expiry falls uniformly within the period.
pub(crate) fn expiring_per_year() -> f64 {
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

/// The periods of stay of the resident's status, for a new grant.
pub(crate) fn periods_of(status: Status) -> &'static [(u8, u32)] {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_municipality_has_its_official_name_in_the_model() {
        for (name, _) in NAMED_MUNICIPALITIES {
            assert!(
                model::municipality::is_named(&Municipality::new(name)),
                "{name} is not in model::municipality::NAMED"
            );
        }
    }
}
