//! The policy: every setting a run depends on besides its inputs and seed.
//!
//! A policy is data. A what-if analysis applies a reform policy to the same scenario (or
//! population) and seed as its baseline. Every rule that docs/domain.md grades C, or lists as
//! disputed in §16, is a switch here with a documented default, so no guess is hard-coded.
//! docs/domain.md lists them all.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::calendar::DeadlineRoll;
use crate::faults::Faults;
use crate::ids::Municipality;
use crate::service::{Link, Service};
use crate::time::Latency;
use crate::validity::ValiditySwitches;

/// Which legal world the run simulates.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// The two-card regime as before the amendment (令和6年法律第59号 not in force): residence card
    /// plus a separate My Number card; old validity rules throughout.
    Legacy,
    /// The amended law from `start_date`: new-format cards and validity rules, and the optional
    /// Tokutei card. Before `start_date` the old law applies.
    #[default]
    Integrated,
}

impl Regime {
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::Legacy => "legacy",
            Regime::Integrated => "integrated",
        }
    }
}

/// Latency of every link between services (§6). Defaults are assumptions [C]:
/// the published sources say the records are updated "by notice" but not how fast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Latencies {
    /// N3: bureau → municipality (status, period, card number changes).
    pub bureau_to_city_hall: Latency,
    /// N1/N2: municipality → bureau (residence notifications).
    pub city_hall_to_bureau: Latency,
    /// N4: bureau → J-LIS (Tokutei card request).
    pub bureau_to_card_issuer: Latency,
    /// N5: J-LIS → bureau (card produced).
    pub card_issuer_to_bureau: Latency,
    /// N8: municipality → J-LIS (validity change, certificates, suspension).
    pub city_hall_to_card_issuer: Latency,
    /// N8: J-LIS → municipality.
    pub card_issuer_to_city_hall: Latency,
    /// N9: new municipality → former municipality (転入通知).
    pub city_hall_to_city_hall: Latency,
    /// Within one service (a service's events delivered back to itself, e.g. timers).
    pub within_service: Latency,
}

impl Default for Latencies {
    fn default() -> Self {
        Latencies {
            bureau_to_city_hall: Latency::days(1),
            city_hall_to_bureau: Latency::days(1),
            bureau_to_card_issuer: Latency::hours(2),
            card_issuer_to_bureau: Latency::hours(2),
            city_hall_to_card_issuer: Latency::minutes(10),
            card_issuer_to_city_hall: Latency::minutes(10),
            city_hall_to_city_hall: Latency::days(1),
            within_service: Latency::ZERO,
        }
    }
}

impl Latencies {
    /// The latency of a link.
    pub fn of(&self, link: Link) -> Latency {
        use Service::*;
        match (link.from, link.to) {
            (ImmigrationBureau, CityHall) => self.bureau_to_city_hall,
            (CityHall, ImmigrationBureau) => self.city_hall_to_bureau,
            (ImmigrationBureau, CardIssuer) => self.bureau_to_card_issuer,
            (CardIssuer, ImmigrationBureau) => self.card_issuer_to_bureau,
            (CityHall, CardIssuer) => self.city_hall_to_card_issuer,
            (CardIssuer, CityHall) => self.card_issuer_to_city_hall,
            (CityHall, CityHall) => self.city_hall_to_city_hall,
            _ => self.within_service,
        }
    }
}

/// When an extension (or change of status) takes legal effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DispositionAt {
    /// Permission is effected by issuing the new card (§1, §5.4 [A* MOJ 2010]); a
    /// Tokutei card's ~10-day production therefore keeps the resident in the special period
    /// until collection (§9 nuance [C]).
    #[default]
    CardIssuance,
    /// Permission takes effect on the decision date, whatever the card.
    Decision,
}

/// What happens to an existing separate My Number card when a Tokutei card is issued
/// (§16.6 [C]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExistingMyNumberCardOnTokutei {
    /// One card per person: the separate card is invalidated when the Tokutei card is issued.
    #[default]
    Invalidated,
    /// The separate card stays valid until its own expiry.
    Kept,
}

/// Whether the 90-day My Number continuity rule after a move (§5.3) applies to Tokutei cards
/// (undocumented [C]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokuteiContinuityRule {
    /// The Tokutei card is a My Number card under the Number Use Act (§2 [A SHUGIIN]), so the
    /// same rule applies.
    #[default]
    Applies,
    /// Tokutei cards are exempt.
    Exempt,
}

/// What replaces a lost Tokutei card (§16.1, §5.11 [B/C]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LostTokuteiReplacement {
    /// The guide's claim (AKIYAMA, MNAKAMURA): a standard new-format card; My Number functions
    /// return only through a later Tokutei application or a separate My Number card.
    #[default]
    StandardCard,
    /// SIAN's generic list: a reissue after loss can carry a Tokutei application.
    TokuteiCard,
}

/// Where a Tokutei card applied for at the municipal window is handed over (§16.7, unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MunicipalTokuteiPickup {
    /// At the bureau, which issues the card (§1 [A SHUGIIN]).
    #[default]
    BureauCounter,
    /// At the municipal window where the application was made.
    MunicipalCounter,
}

/// How the new residence card reaches a resident who applied online (docs/domain.md §5 "Card
/// by post" [B]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnlineCardDelivery {
    /// By post (郵送): the resident sends the old card, the fee stamp and a return envelope, and
    /// the bureau mails the new card back — no counter visit [B: scriveners' pages on the
    /// online residence application system].
    #[default]
    Post,
    /// At the bureau's counter, as for an application made there.
    Counter,
}

impl OnlineCardDelivery {
    fn is_post(&self) -> bool {
        *self == OnlineCardDelivery::Post
    }
}

/// Where a Tokutei card holder resets a locked PIN (§5.12, §16.5, unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokuteiPinReset {
    /// Only at the municipal window, as for a separate My Number card.
    #[default]
    MunicipalWindow,
    /// Also at the bureau (the amendment also amends the J-LIS certification act, §16.5).
    BureauOrMunicipalWindow,
}

/// Which counters open on Sundays (docs/domain.md §5: counters close on administrative
/// holidays [C recollection of 行政機関の休日に関する法律 art. 1]; some municipalities open their
/// windows on a Sunday a month, 休日開庁 [C]; a bureau opening on a Sunday is a what-if, no
/// source describes one [C]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SundayCounters {
    /// No counter opens on a Sunday.
    #[default]
    None,
    /// The municipal windows open on Sundays (not on national holidays or 12/29–1/3).
    CityHall,
    /// The bureau's counters open on Sundays too, beside the municipal windows (not on
    /// national holidays or 12/29–1/3).
    BureauAndCityHall,
}

impl SundayCounters {
    /// Whether the counters of `office` open on a Sunday under this value. The police box and
    /// the call centre never close, so this is asked only of the bureau and the city hall.
    pub fn opens(self, office: crate::service::Office) -> bool {
        use crate::service::Office;
        match (self, office) {
            (SundayCounters::None, _) => false,
            (SundayCounters::CityHall, Office::CityHall) => true,
            (SundayCounters::CityHall, _) => false,
            (SundayCounters::BureauAndCityHall, _) => true,
        }
    }
}

/// On which days the bureau and the municipalities process what reaches them: notices from
/// other offices and their own decisions (docs/domain.md §5, §6 [C]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfficeDays {
    /// Business days only: a notice arriving on an administrative holiday is processed at
    /// 09:00 on the next business day, and the bureau decides on business days.
    #[default]
    BusinessDays,
    /// Every day, as soon as a notice arrives.
    EveryDay,
}

/// What the window takes as the new period of stay when a legacy My Number card's validity is
/// changed (docs/domain.md §5.4, §5.13, §6 N3 [C]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValidityChangeEvidence {
    /// The register only: the new period is known once the bureau's notice (N3) has arrived
    /// [A Matsudo: a validity change is "impossible on holidays because of the notice from the
    /// MoJ"].
    #[default]
    Register,
    /// The new residence card presented at the window is enough: its period is used even before
    /// the notice has arrived.
    CardPresented,
}

impl ValidityChangeEvidence {
    fn is_register(&self) -> bool {
        *self == ValidityChangeEvidence::Register
    }
}

/// The switches for rules graded C or disputed (§16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Switches {
    /// Validity rules with unknown details (§8.2 child cap, §8.3 SPR anchor, §9 special period).
    #[serde(flatten)]
    pub validity: ValiditySwitches,
    /// When an extension takes legal effect (§9 nuance).
    pub disposition_at: DispositionAt,
    /// Whether a deadline ending on a closed day moves to the next business day (§5 [C]).
    pub deadline_roll: DeadlineRoll,
    /// Which counters open on Sundays (§5 [C]).
    pub sunday_counters: SundayCounters,
    /// On which days the bureau and the municipalities process notices and decide (§5, §6 [C]).
    pub offices_work: OfficeDays,
    /// Fate of a separate My Number card when a Tokutei card is issued (§16.6).
    pub existing_my_number_card_on_tokutei: ExistingMyNumberCardOnTokutei,
    /// Whether the 90-day continuity rule applies to Tokutei cards (§5.3).
    pub tokutei_continuity_rule: TokuteiContinuityRule,
    /// What replaces a lost Tokutei card (§16.1).
    pub lost_tokutei_replacement: LostTokuteiReplacement,
    /// Where a Tokutei card applied for at the municipal window is handed over (§16.7).
    pub municipal_tokutei_pickup: MunicipalTokuteiPickup,
    /// Where a Tokutei holder's locked PIN can be reset (§16.5).
    pub tokutei_pin_reset: TokuteiPinReset,
    /// N3: whether the bureau notifies the municipality of status, period and card changes
    /// (§6 N3 [C]; §16.8 questions the statute). When false the register is never updated by
    /// notice, only by the resident's visits.
    pub bureau_notifies_municipality: bool,
    /// Whether the My Number call centre also suspends a Tokutei card's functions (§1 [C]).
    pub call_centre_suspends_tokutei: bool,
    /// Whether a Tokutei application at the port of entry is refused (§4, §11 [C]).
    pub refuse_tokutei_at_port: bool,
    /// Whether a Tokutei application through the online system is refused (§4, §11 [B; Q5-2
    /// answer unreadable]).
    pub refuse_tokutei_online: bool,
    /// Whether a card reissued (§5.10, §5.11) or replaced after an item change (§5.9) keeps the
    /// old card's validity rather than starting a new one. The sources are silent [C]; a
    /// reissue that renewed the validity would be a free renewal.
    pub reissue_keeps_validity: bool,
    /// Whether the new card presented at the window is enough evidence of the new period for a
    /// legacy My Number validity change before the bureau's notice arrives (§5.4, §6 N3 [C]).
    /// Left out of the stored policy when it has its default, so that a policy that does not
    /// use it is stored (and hashed) as before the switch existed.
    #[serde(skip_serializing_if = "ValidityChangeEvidence::is_register")]
    pub validity_change_evidence: ValidityChangeEvidence,
    /// How the new card reaches a resident who applied online: by post (default) or at the
    /// counter (§5 "Card by post" [B]). Left out of the stored policy at its default.
    #[serde(skip_serializing_if = "OnlineCardDelivery::is_post")]
    pub online_card_delivery: OnlineCardDelivery,
    /// Whether a municipality deletes the register entry of a resident who left Japan for good
    /// without a notice of the move abroad, on the bureau's notice of the departure (§5.14, §6
    /// N3 [C]). Left out of the stored policy at its default (true).
    #[serde(skip_serializing_if = "is_true")]
    pub departure_notice_deletes_entry: bool,
    /// Whether a Tokutei application may ride on a newborn's application for a status of
    /// residence (在留資格取得許可申請, §5.15 [C]: the child becomes a mid-to-long-term resident
    /// by the grant). Left out of the stored policy at its default (true).
    #[serde(skip_serializing_if = "is_true")]
    pub tokutei_with_status_acquisition: bool,
}

/// Whether a switch is `true` (its default, for the switches left out of the stored policy
/// then).
fn is_true(value: &bool) -> bool {
    *value
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            validity: ValiditySwitches::default(),
            disposition_at: DispositionAt::default(),
            deadline_roll: DeadlineRoll::default(),
            sunday_counters: SundayCounters::default(),
            offices_work: OfficeDays::default(),
            existing_my_number_card_on_tokutei: ExistingMyNumberCardOnTokutei::default(),
            tokutei_continuity_rule: TokuteiContinuityRule::default(),
            lost_tokutei_replacement: LostTokuteiReplacement::default(),
            municipal_tokutei_pickup: MunicipalTokuteiPickup::default(),
            tokutei_pin_reset: TokuteiPinReset::default(),
            bureau_notifies_municipality: true,
            call_centre_suspends_tokutei: true,
            refuse_tokutei_at_port: true,
            refuse_tokutei_online: true,
            reissue_keeps_validity: true,
            validity_change_evidence: ValidityChangeEvidence::Register,
            online_card_delivery: OnlineCardDelivery::Post,
            departure_notice_deletes_entry: true,
            tokutei_with_status_acquisition: true,
        }
    }
}

/// A share of residents (or municipalities), between 0 and 1 inclusive.
///
/// Written as a plain number (`0.3`). NaN and values outside `0..=1` are refused when read, so
/// shares compare as exact values and a policy stays `Eq`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize)]
#[serde(transparent)]
pub struct Share(f64);

impl Eq for Share {}

impl Share {
    pub const NONE: Share = Share(0.0);
    pub const ALL: Share = Share(1.0);

    /// `value` as a share, if it lies within `0..=1`.
    pub fn new(value: f64) -> Option<Share> {
        (0.0..=1.0).contains(&value).then_some(Share(value))
    }

    pub fn get(self) -> f64 {
        self.0
    }

    /// Whether a uniform 64-bit `draw` falls within the share: true for a fraction `share` of
    /// all draws, and for a larger share on a superset of them (so the residents who opt in at
    /// 30 % also opt in at 50 %).
    pub fn admits(self, draw: u64) -> bool {
        // 2^64 * share, exact for the shares people write; 1.0 admits every draw.
        let threshold = (self.0 * 18_446_744_073_709_551_616.0) as u128;
        u128::from(draw) < threshold
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Share, D::Error> {
        let v = f64::deserialize(d)?;
        Share::new(v).ok_or_else(|| {
            serde::de::Error::custom(format!("expected a share between 0 and 1, found {v}"))
        })
    }
}

impl JsonSchema for Share {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Share".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "number",
            "minimum": 0.0,
            "maximum": 1.0,
            "description": "A share between 0 and 1, e.g. 0.3 for 30 %."
        })
    }
}

/// A delay in whole days, drawn per resident and procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DelayDays {
    /// Every whole number of days from `min` to `max` (inclusive) equally likely.
    Uniform { min: u32, max: u32 },
    /// An empirical distribution: `days` with relative `weight`.
    Table(Vec<WeightedDays>),
}

/// One row of [`DelayDays::Table`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightedDays {
    pub days: u32,
    pub weight: u32,
}

impl DelayDays {
    /// The delay for a uniform 64-bit `draw` (integer arithmetic only, so every machine agrees).
    pub fn pick(&self, draw: u64) -> u32 {
        let scaled = |n: u64| ((u128::from(draw) * u128::from(n)) >> 64) as u64;
        match self {
            DelayDays::Uniform { min, max } => {
                let (lo, hi) = (*min.min(max), *min.max(max));
                lo + scaled(u64::from(hi - lo) + 1) as u32
            }
            DelayDays::Table(rows) => {
                let total: u64 = rows.iter().map(|r| u64::from(r.weight)).sum();
                let mut x = scaled(total);
                for r in rows {
                    if x < u64::from(r.weight) {
                        return r.days;
                    }
                    x -= u64::from(r.weight);
                }
                rows.last().map_or(0, |r| r.days)
            }
        }
    }
}

/// What a holder of a separate My Number card does after receiving a new residence card (legacy
/// regime, or integrated without a Tokutei card): the validity change at the city hall is not
/// automatic (§5.4), so whether and when they go is behaviour under study.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ValidityChangeBehaviour {
    /// The share who never go (assumption: 0.3).
    pub never: Share,
    /// For the others, days from the new card to the city-hall visit (assumption: 1–30 days,
    /// uniform). The visit is at the same time of day as the card was issued.
    pub delay: DelayDays,
}

impl Default for ValidityChangeBehaviour {
    fn default() -> Self {
        ValidityChangeBehaviour {
            never: Share(0.3),
            delay: DelayDays::Uniform { min: 1, max: 30 },
        }
    }
}

/// What a resident of a synthetic population who leaves Japan for good does (§5.14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DepartureBehaviour {
    /// The share who leave without the notice of a move abroad at the city hall (国外転出届):
    /// their entry stays until the municipality deletes it (assumption: 0.1; no count found).
    pub no_notice: Share,
}

impl Default for DepartureBehaviour {
    fn default() -> Self {
        DepartureBehaviour {
            no_notice: Share(0.1),
        }
    }
}

impl DepartureBehaviour {
    fn is_default(&self) -> bool {
        *self == DepartureBehaviour::default()
    }
}

/// What the parents of a child born in Japan to a synthetic population do (§5.15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BirthBehaviour {
    /// The share of newborns whose status of residence is never applied for
    /// (在留資格取得許可申請): the child stays a transitional stayer without a card, and after
    /// the 60 days would be overstaying (not modelled further). Assumption: 0 — no count of
    /// children who leave or overstay within the 60 days was found.
    pub no_status_acquisition: Share,
}

impl Default for BirthBehaviour {
    fn default() -> Self {
        BirthBehaviour {
            no_status_acquisition: Share::NONE,
        }
    }
}

impl BirthBehaviour {
    fn is_default(&self) -> bool {
        *self == BirthBehaviour::default()
    }
}

/// How simulated residents behave where a scenario does not say.
///
/// Scenario steps say what their residents do; `tokutei_uptake` and `validity_change` drive
/// only the procedures a synthetic population leaves to the policy (the simulator's resident
/// agent applies them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ResidentBehaviour {
    /// How long after a card is ready the resident comes to collect it (0 = the same day).
    pub collect_card_after: Latency,
    /// The share of residents who attach a Tokutei application to a procedure whenever they
    /// can (integrated regime, counter open, not online). No source gives a figure: the default
    /// 0.3 is an assumption to vary.
    pub tokutei_uptake: Share,
    /// Legacy My Number card holders after a new residence card.
    pub validity_change: ValidityChangeBehaviour,
    /// Residents leaving Japan for good (§5.14). Left out of the stored policy at its default.
    #[serde(skip_serializing_if = "DepartureBehaviour::is_default")]
    pub departure: DepartureBehaviour,
    /// Newborns' parents (§5.15). Left out of the stored policy at its default.
    #[serde(skip_serializing_if = "BirthBehaviour::is_default")]
    pub birth: BirthBehaviour,
}

impl Default for ResidentBehaviour {
    fn default() -> Self {
        ResidentBehaviour {
            collect_card_after: Latency::ZERO,
            tokutei_uptake: Share(0.3),
            validity_change: ValidityChangeBehaviour::default(),
            departure: DepartureBehaviour::default(),
            birth: BirthBehaviour::default(),
        }
    }
}

/// A set of municipalities, by name or as a share of all of them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum MunicipalitySet {
    /// Every municipality.
    #[default]
    All,
    /// A share of the municipalities, chosen by a fixed hash of the name: the same in every run
    /// and for every seed, and a larger share is a superset of a smaller one.
    Share(Share),
    /// The municipalities named.
    Only(Vec<Municipality>),
}

impl MunicipalitySet {
    pub fn contains(&self, municipality: &Municipality) -> bool {
        match self {
            MunicipalitySet::All => true,
            MunicipalitySet::Share(share) => share.admits(name_hash(municipality.as_str())),
            MunicipalitySet::Only(names) => names.contains(municipality),
        }
    }
}

/// FNV-1a then SplitMix64: a stable 64-bit hash of a name, independent of the seed.
fn name_hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    crate::hashing::mix64(h)
}

/// Which municipal windows take Tokutei applications when (§3: "municipal start dates may
/// vary" [B]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MunicipalAdoption {
    /// The municipalities that accept from `municipal_counters_from` (default: all).
    pub day_one: MunicipalitySet,
    /// When the others start accepting; absent: not within the run.
    #[serde(deserialize_with = "crate::date_text::deserialize_option")]
    pub others_from: Option<NaiveDate>,
}

/// Everything a run depends on besides its inputs and its seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Legacy two-card regime, or the amended law with the optional Tokutei card.
    pub regime: Regime,
    /// The day the amended law operates (§3 [A* ISA-PROC]: 2026-06-14).
    #[serde(deserialize_with = "crate::date_text::deserialize")]
    pub start_date: NaiveDate,
    /// The first day regional bureau counters accept Tokutei applications (§3 [B]: 2026-06-15,
    /// the Monday after the Sunday start).
    #[serde(deserialize_with = "crate::date_text::deserialize")]
    pub bureau_counters_from: NaiveDate,
    /// The first day municipal windows accept Tokutei applications (§3: "municipal start dates
    /// may vary" [B]); defaults to the bureau's date.
    #[serde(deserialize_with = "crate::date_text::deserialize")]
    pub municipal_counters_from: NaiveDate,
    /// Link latencies.
    pub latency: Latencies,
    /// Time from the bureau's request to J-LIS until the Tokutei card is ready (§5.4 [B
    /// AKIYAMA]: about 10 days).
    pub card_production_lead_time: Latency,
    /// Time from a municipality's application for a new separate My Number card until the card
    /// is at its window (§5.11, §8.4 [C]: municipal pages say "about a month"). Left out of the
    /// stored policy at its default, so that policies stored before it keep their hashes.
    #[serde(skip_serializing_if = "is_default_my_number_card_lead_time")]
    pub my_number_card_lead_time: Latency,
    /// Time from the grant of an online application until the new card, mailed, is in the
    /// resident's hands (§5 "Card by post" [C]: the resident's envelope with the old card to the
    /// bureau and the card back by simple registered post). Left out of the stored policy at its
    /// default.
    #[serde(skip_serializing_if = "is_default_card_post_time")]
    pub card_post_time: Latency,
    /// Resident behaviour defaults.
    pub resident: ResidentBehaviour,
    /// Which municipalities take Tokutei applications from `municipal_counters_from`, and
    /// when the others follow.
    pub municipal_adoption: MunicipalAdoption,
    /// Switches for C-graded and disputed rules.
    pub switches: Switches,
    /// Faults on the links and at the offices (issue 8); none by default. Left out of the
    /// policy's serialized form when empty, so runs without faults keep their log hashes.
    #[serde(skip_serializing_if = "Faults::is_none")]
    pub faults: Faults,
    /// Office capacity and queueing (issue 14, decision 17): absent, every office takes in
    /// everyone who comes. Left out of the stored policy when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<crate::capacity::Capacity>,
}

/// The default time J-LIS takes to produce a new separate My Number card (§5.11, §8.4 [C]:
/// "about a month" on municipal pages).
pub const MY_NUMBER_CARD_LEAD_TIME: Latency = Latency::days(30);

fn is_default_my_number_card_lead_time(lead_time: &Latency) -> bool {
    *lead_time == MY_NUMBER_CARD_LEAD_TIME
}

/// The default time a mailed card takes to reach the resident (§5 "Card by post" [C]).
pub const CARD_POST_TIME: Latency = Latency::days(4);

fn is_default_card_post_time(time: &Latency) -> bool {
    *time == CARD_POST_TIME
}

impl Default for Policy {
    fn default() -> Self {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("valid date");
        Policy {
            regime: Regime::Integrated,
            start_date: d(2026, 6, 14),
            bureau_counters_from: d(2026, 6, 15),
            municipal_counters_from: d(2026, 6, 15),
            latency: Latencies::default(),
            card_production_lead_time: Latency::days(10),
            my_number_card_lead_time: MY_NUMBER_CARD_LEAD_TIME,
            card_post_time: CARD_POST_TIME,
            resident: ResidentBehaviour::default(),
            municipal_adoption: MunicipalAdoption::default(),
            switches: Switches::default(),
            faults: Faults::default(),
            capacity: None,
        }
    }
}

impl Policy {
    /// The default policy under a given regime.
    pub fn with_regime(regime: Regime) -> Policy {
        Policy {
            regime,
            ..Policy::default()
        }
    }

    /// The first day `municipality`'s window accepts Tokutei applications, per the municipal
    /// adoption (`None`: not within the run).
    pub fn municipal_counters_open_from(&self, municipality: &Municipality) -> Option<NaiveDate> {
        let adoption = &self.municipal_adoption;
        if adoption.day_one.contains(municipality) {
            Some(self.municipal_counters_from)
        } else {
            adoption
                .others_from
                .map(|d| d.max(self.municipal_counters_from))
        }
    }
}
