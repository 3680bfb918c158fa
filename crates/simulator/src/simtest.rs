//! The simulation tester (issue 8): random residents and procedures run under random faults,
//! with the system's invariants checked after every event the offices record and at the end.
//!
//! A case is a scenario document generated from a seed — a few residents, their procedures
//! (extensions, changes of status, permanent residence, moves, item changes, reissues, losses
//! and suspensions, My Number validity changes, PIN resets, each optionally with a Tokutei
//! application) and the policy's faults of one [`Profile`] — so a failing case is already a
//! scenario file that `zairyu run` replays, and shrinking it is removing steps, residents and
//! faults while it still fails. Everything is a pure function of the seed: the same seed is the
//! same case.
//!
//! The invariants checked are listed in [`Invariant`] and in docs/reliability.md.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use model::envelope::Envelope;
use model::event::Event;
use model::hashing::mix64;
use model::ids::ResidentId;
use model::service::Service;
use projection::Projections;
use serde_json::{Value, json};

use crate::{RunOutput, run_scenario};

mod cards;
mod generate;

use cards::{Cards, check_cards, my_number_of};
use generate::{Gen, day, generate};

/// Which faults a case runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Profile {
    /// Each seed draws one of the others.
    Mixed,
    /// No fault: perfect links (the invariants that need no comparison still hold).
    None,
    /// Delays, batches, duplicates and reordering; nothing lost.
    Reorder,
    /// Loss with redelivery, plus duplicates.
    Redelivery,
    /// Loss without redelivery: notices lost for good.
    Loss,
    /// An office out of service for days, crashing or not.
    Outage,
}

impl Profile {
    pub const ALL: [Profile; 6] = [
        Profile::Mixed,
        Profile::None,
        Profile::Reorder,
        Profile::Redelivery,
        Profile::Loss,
        Profile::Outage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Mixed => "mixed",
            Profile::None => "none",
            Profile::Reorder => "reorder",
            Profile::Redelivery => "redelivery",
            Profile::Loss => "loss",
            Profile::Outage => "outage",
        }
    }

    pub fn parse(s: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// The invariants, numbered as in issue 8 and docs/reliability.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Invariant {
    /// 1. Every application gets at most one terminal outcome, and at the end at most one is
    ///    still waiting for its decision.
    OneOutcome,
    /// 2. Card numbers are unique, and J-LIS starts at most one production per request.
    OneCard,
    /// 3. A resident's My Number never changes and is never shared.
    MyNumber,
    /// 4. My Number functions are never usable on an invalidated, suspended or lapsed card.
    FunctionsOnDeadCard,
    /// 5. No card is valid past its legal validity or the special period.
    CardPastValidity,
    /// 6. `global_seq` and every stream's versions are gap-free and increasing.
    Sequence,
    /// 7. Replaying the log gives the live state.
    Replay,
    /// 8. The same seed twice gives the same log hash.
    SameSeed,
    /// 9. Without loss or outages, the final card records equal the fault-free run's.
    NoLossSameRecords,
    /// 10. With loss and redelivery, when nothing was lost for good, the offices converge to
    ///     the fault-free run's records within the run.
    Converges,
    /// 11. No panic, and the run ends.
    NoPanic,
    /// 12. When no notice was lost for good, the bureau and the register agree at the end: a
    ///     late or reordered notice never moved a record backwards.
    NeverBackwards,
}

impl Invariant {
    pub fn number(self) -> u8 {
        match self {
            Invariant::OneOutcome => 1,
            Invariant::OneCard => 2,
            Invariant::MyNumber => 3,
            Invariant::FunctionsOnDeadCard => 4,
            Invariant::CardPastValidity => 5,
            Invariant::Sequence => 6,
            Invariant::Replay => 7,
            Invariant::SameSeed => 8,
            Invariant::NoLossSameRecords => 9,
            Invariant::Converges => 10,
            Invariant::NoPanic => 11,
            Invariant::NeverBackwards => 12,
        }
    }
}

/// A broken invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub invariant: Invariant,
    /// What was seen, in words.
    pub detail: String,
}

/// One generated case: the seed, the profile it ran under, and the scenario document.
#[derive(Debug, Clone)]
pub struct Case {
    pub seed: u64,
    pub profile: Profile,
    pub doc: Value,
}

impl Case {
    /// The case of `seed` under `profile` (a mixed profile draws its own from the seed).
    pub fn generate(seed: u64, profile: Profile) -> Case {
        let mut g = Gen(mix64(seed ^ 0x0073_696d_7465_7374));
        let profile = match profile {
            Profile::Mixed => Profile::ALL[1 + g.below(5) as usize],
            p => p,
        };
        let doc = generate(&mut g, seed, profile);
        Case { seed, profile, doc }
    }

    /// The case as a scenario file: block-style YAML, keys in the order a person writes them
    /// (name, seed, dates, policy, residents, steps; a step's day, resident and procedure first).
    pub fn text(&self) -> String {
        // YAML 1.2, as the scenario reader reads it: dates and `on` need no quotes.
        let options = serde_saphyr::ser_options! {
            yaml_12: true,
            no_lang_directive: true,
            compact_list_indent: false,
        };
        serde_saphyr::to_string_with_options(&Ordered(&self.doc), options)
            .expect("a scenario document serializes")
    }

    /// Runs the case and checks every invariant; the first broken one.
    pub fn check(&self) -> Result<(), Failure> {
        let text = self.text();
        let outcome = std::panic::catch_unwind(|| check_text(&text, self.profile));
        match outcome {
            Ok(r) => r,
            Err(panic) => Err(Failure {
                invariant: Invariant::NoPanic,
                detail: panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "a panic".to_owned()),
            }),
        }
    }

    /// The smallest case found that still breaks the same invariant.
    pub fn shrink(&self, failure: &Failure) -> Case {
        self.shrink_while(|c| matches!(c.check(), Err(f) if f.invariant == failure.invariant))
    }

    /// The smallest case found for which `still` holds: steps, then residents without steps,
    /// then faults removed one at a time; then values made simpler one at a time — a fault's
    /// delay, batch, reordering, duplicates, loss and redelivery removed or halved, fewer
    /// redelivery attempts after an hour, an outage a day long and without a crash, each step
    /// on the day of the one before, the run ending a month after the last step — until no
    /// removal and no simplification keeps `still`.
    pub fn shrink_while(&self, still: impl Fn(&Case) -> bool) -> Case {
        let mut best = self.clone();
        loop {
            let mut smaller = false;
            for (list, key) in [
                ("steps", None),
                ("residents", Some("residents")),
                ("links", Some("faults")),
                ("outages", Some("faults")),
            ] {
                let mut i = len_of(&best.doc, list, key);
                while i > 0 {
                    i -= 1;
                    let mut c = best.clone();
                    if !remove_at(&mut c.doc, list, key, i) {
                        continue;
                    }
                    if still(&c) {
                        best = c;
                        smaller = true;
                    }
                }
            }
            for (pointer, value) in simpler_values(&best.doc) {
                let mut c = best.clone();
                if set_value(&mut c.doc, &pointer, value) && still(&c) {
                    best = c;
                    smaller = true;
                }
            }
            if !smaller {
                return best;
            }
        }
    }
}

/// A scenario document serialized with its keys in the order of [`KEY_ORDER`] (then by name):
/// JSON objects themselves keep no order.
struct Ordered<'a>(&'a Value);

/// The order keys are written in, as the bundled scenarios write them.
const KEY_ORDER: &[&str] = &[
    "name",
    "seed",
    "start",
    "until",
    "policy",
    "regime",
    "faults",
    "links",
    "outages",
    "notice",
    "office",
    "from",
    "through",
    "id",
    "on",
    "resident",
    "do",
    "born_on",
    "status",
    "to",
    "municipality",
    "address",
];

impl serde::Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Object(map) => {
                let rank = |k: &str| KEY_ORDER.iter().position(|o| *o == k).unwrap_or(usize::MAX);
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_by_key(|k| (rank(k), k.as_str()));
                let mut m = s.serialize_map(Some(keys.len()))?;
                for k in keys {
                    m.serialize_entry(k, &Ordered(&map[k]))?;
                }
                m.end()
            }
            Value::Array(items) => {
                let mut q = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    q.serialize_element(&Ordered(v))?;
                }
                q.end()
            }
            other => other.serialize(s),
        }
    }
}

/// Simpler values to try, each at a JSON pointer (`None`: remove the key).
fn simpler_values(doc: &Value) -> Vec<(String, Option<Value>)> {
    let mut out = Vec::new();
    let links = doc
        .pointer("/policy/faults/links")
        .and_then(Value::as_array);
    for (i, link) in links.into_iter().flatten().enumerate() {
        let at = |k: &str| format!("/policy/faults/links/{i}/{k}");
        for key in [
            "delay",
            "batch",
            "reorder_window",
            "duplicate",
            "loss",
            "redelivery",
        ] {
            if link.get(key).is_some() {
                out.push((at(key), None));
            }
        }
        for key in ["duplicate", "loss"] {
            if let Some(x) = link.get(key).and_then(Value::as_f64)
                && x > 0.01
            {
                out.push((at(key), Some(json!((x * 50.0).floor() / 100.0))));
            }
        }
        if let Some(r) = link.get("redelivery") {
            if r["attempts"].as_u64().is_some_and(|n| n > 1) {
                out.push((at("redelivery/attempts"), Some(json!(1))));
            }
            if r["after"] != json!("1h") {
                out.push((at("redelivery/after"), Some(json!("1h"))));
            }
        }
    }
    let outages = doc
        .pointer("/policy/faults/outages")
        .and_then(Value::as_array);
    for (i, o) in outages.into_iter().flatten().enumerate() {
        if o["crash"] == json!(true) {
            out.push((
                format!("/policy/faults/outages/{i}/crash"),
                Some(json!(false)),
            ));
        }
        if o["through"] != o["from"] {
            out.push((
                format!("/policy/faults/outages/{i}/through"),
                Some(o["from"].clone()),
            ));
        }
    }
    // No faults left: no `faults:` at all.
    let empty = |k: &str| {
        doc.pointer(&format!("/policy/faults/{k}"))
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
    };
    if doc.pointer("/policy/faults").is_some() && empty("links") && empty("outages") {
        out.push(("/policy/faults".to_owned(), None));
    }
    // Dates toward the start: each step on the day of the step before it (the first on the
    // first day), which keeps the steps in time order.
    let steps = doc["steps"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut before = doc["start"].clone();
    for (k, step) in steps.iter().enumerate() {
        if step["on"] != before {
            out.push((format!("/steps/{k}/on"), Some(before.clone())));
        }
        before = step["on"].clone();
    }
    let last = steps
        .last()
        .and_then(|s| s["on"].as_str())
        .or(doc["start"].as_str())
        .and_then(|d| d.parse::<NaiveDate>().ok());
    if let Some(until) = last.map(|d| day(d, 30).to_string())
        && doc["until"].as_str().is_some_and(|u| until.as_str() < u)
    {
        out.push(("/until".to_owned(), Some(json!(until))));
    }
    out
}

/// Sets (or, with `None`, removes) the value at `pointer`; false when there is nothing there.
fn set_value(doc: &mut Value, pointer: &str, value: Option<Value>) -> bool {
    match value {
        Some(v) => doc.pointer_mut(pointer).map(|slot| *slot = v).is_some(),
        None => {
            let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
            doc.pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .and_then(|m| m.remove(key))
                .is_some()
        }
    }
}

fn list_mut<'a>(doc: &'a mut Value, list: &str, key: Option<&str>) -> Option<&'a mut Vec<Value>> {
    let v = match (list, key) {
        (_, Some("faults")) => doc.pointer_mut(&format!("/policy/faults/{list}")),
        _ => doc.get_mut(list),
    };
    v.and_then(Value::as_array_mut)
}

fn len_of(doc: &Value, list: &str, key: Option<&str>) -> usize {
    let mut d = doc.clone();
    list_mut(&mut d, list, key).map_or(0, |l| l.len())
}

/// Removes item `i` of a list; a resident only when no step names it.
fn remove_at(doc: &mut Value, list: &str, key: Option<&str>, i: usize) -> bool {
    if list == "residents" {
        let id = doc["residents"][i]["id"].clone();
        let used = doc["steps"]
            .as_array()
            .is_some_and(|s| s.iter().any(|st| st["resident"] == id));
        if used || doc["residents"].as_array().is_none_or(|r| r.len() <= 1) {
            return false;
        }
    }
    match list_mut(doc, list, key) {
        Some(l) if i < l.len() => {
            l.remove(i);
            true
        }
        _ => false,
    }
}

/// Runs the scenario `text` and checks the invariants.
fn check_text(text: &str, profile: Profile) -> Result<(), Failure> {
    let scenario = scenario::parse("simtest", text).map_err(|e| Failure {
        invariant: Invariant::NoPanic,
        detail: format!("the generated scenario is not valid: {e}"),
    })?;
    let faulty = run_case(&scenario, scenario.policy.clone(), false)?;
    // 1–6 along the log, and 4 and 5 on the records folded from it so far; 7: the log folded
    // afresh gives the live state.
    let mut replayed = Projections::new(
        scenario.start,
        scenario.policy.switches.validity.special_period_my_number,
        scenario.residents.len(),
    );
    check_log(&faulty.log, &mut replayed, &scenario)?;
    replayed.finish(scenario.until);
    if replayed.state_hash() != faulty.state_hash {
        return Err(Failure {
            invariant: Invariant::Replay,
            detail: "the state folded from the log differs from the live state".into(),
        });
    }
    // 8: the same seed again — when an office crashes, with the log stored, so that the office
    // rebuilds from its events read back from the log instead of its journal (decision 21).
    let crashes = scenario.policy.faults.outages.iter().any(|o| o.crash);
    let again = run_case(&scenario, scenario.policy.clone(), crashes)?;
    if again.log_hash != faulty.log_hash {
        let how = if crashes {
            " (the second run stored its log and rebuilt the crashed office from it)"
        } else {
            ""
        };
        return Err(Failure {
            invariant: Invariant::SameSeed,
            detail: format!("log hash {} then {}{how}", faulty.log_hash, again.log_hash),
        });
    }
    // 12: nothing lost for good and nothing still on its way at the end, so every notice
    // arrived and each office's record holds the latest fact, whatever order they came in.
    if profile != Profile::Loss
        && faulty.faults.total().lost == 0
        && faulty.faults.undelivered.notices == 0
    {
        for (i, r) in scenario.residents.iter().enumerate() {
            let id = ResidentId(i as u32);
            if faulty
                .projections
                .record(id)
                .is_some_and(|c| c.inconsistent())
            {
                return Err(Failure {
                    invariant: Invariant::NeverBackwards,
                    detail: format!(
                        "resident {}: the offices disagree at the end: {}",
                        r.key,
                        final_record(&faulty.projections, id)
                    ),
                });
            }
        }
    }
    // 9 and 10: the same case on perfect links — for 9 only when the links' faults settle
    // between a resident's procedures (a month apart), since a notice held longer legitimately
    // changes what the resident meets at the next counter.
    let compare = match profile {
        Profile::Reorder if !crossing(&scenario.policy) => Some(Invariant::NoLossSameRecords),
        Profile::Redelivery if faulty.faults.total().lost == 0 => Some(Invariant::Converges),
        _ => None,
    };
    if let Some(invariant) = compare {
        let mut perfect_policy = scenario.policy.clone();
        perfect_policy.faults = model::faults::Faults::default();
        let perfect = run_case(&scenario, perfect_policy, false)?;
        for (i, r) in scenario.residents.iter().enumerate() {
            let id = ResidentId(i as u32);
            let a = final_record(&faulty.projections, id);
            let b = final_record(&perfect.projections, id);
            if a != b {
                return Err(Failure {
                    invariant,
                    detail: format!("resident {}: with faults {a}; on perfect links {b}", r.key),
                });
            }
        }
    }
    Ok(())
}

/// Whether a link holds notices long enough that those of a resident's successive procedures
/// cross (a reordering window of more than a week; the generator then also brings the
/// procedures closer): the case then checks invariant 12, not 9.
fn crossing(policy: &model::policy::Policy) -> bool {
    policy
        .faults
        .links
        .iter()
        .any(|l| l.reorder_window.as_duration() > chrono::Duration::days(7))
}

/// Runs the case under `policy`; with `stored`, appending its log to a store in memory (from
/// which a crashed office then rebuilds).
fn run_case(
    s: &scenario::Scenario,
    policy: model::policy::Policy,
    stored: bool,
) -> Result<RunOutput, Failure> {
    let mut scenario = s.clone();
    scenario.policy = policy;
    let failed = |e: &dyn std::fmt::Display| Failure {
        invariant: Invariant::NoPanic,
        detail: format!("the run failed: {e}"),
    };
    let store = if stored {
        Some(event_store::EventStore::open_in_memory().map_err(|e| failed(&e))?)
    } else {
        None
    };
    run_scenario(&scenario, store, None).map_err(|e| failed(&e))
}

/// What must agree at the end: the card in hand, the status and period at both offices, where
/// the resident lives by both, and which My Number card or functions they hold. Dates of issue
/// are left out: a delayed notice legitimately moves the day a card is handed over.
fn final_record(p: &Projections, id: ResidentId) -> String {
    let Some(r) = p.record(id) else {
        return "no record".into();
    };
    format!(
        "card {:?}; bureau {:?} {:?} {:?}; city hall {:?} {:?} {:?} {:?}; my number card {}; tokutei functions {}",
        r.residence_card.as_ref().map(|c| (c.kind, c.number)),
        r.bureau.status,
        r.bureau.period_expiry,
        r.bureau.card_number,
        r.city_hall.status,
        r.city_hall.period_expiry,
        r.city_hall.municipality,
        r.city_hall.address,
        r.my_number_card.is_some(),
        r.tokutei_functions.is_some(),
    )
}

/// The invariants checked event by event along the log, and — on the records the log folds
/// into — after every instant's events (every delivery's decisions), and at the end.
fn check_log(
    log: &[Envelope],
    records: &mut Projections,
    scenario: &scenario::Scenario,
) -> Result<(), Failure> {
    let fail = |invariant, detail: String| Err(Failure { invariant, detail });
    let mut versions: BTreeMap<(Service, ResidentId), u32> = BTreeMap::new();
    let mut applied: BTreeMap<ResidentId, (u32, u32)> = BTreeMap::new();
    let mut requests: BTreeMap<ResidentId, (u32, u32)> = BTreeMap::new();
    let mut card_numbers = BTreeSet::new();
    let mut my_numbers: BTreeMap<ResidentId, model::mynumber::MyNumber> = BTreeMap::new();
    let mut owners: BTreeMap<model::mynumber::MyNumber, ResidentId> = BTreeMap::new();
    let mut cards = vec![Cards::default(); scenario.residents.len()];
    let switch = scenario.policy.switches.validity.special_period_my_number;
    for (k, env) in log.iter().enumerate() {
        records.apply(env);
        if let Some(c) = cards.get_mut(env.event.resident().0 as usize) {
            c.observe(&env.event, env.occurred_at.date());
        }
        // 4 and 5 after the instant's last event: within an instant an office's decision may
        // record a card before the period it follows from.
        if log
            .get(k + 1)
            .is_none_or(|n| n.occurred_at != env.occurred_at)
        {
            let at = format!("after {}", env.occurred_at);
            check_cards(&cards, records, env.occurred_at.date(), switch, &at)?;
        }
        let at = format!(
            "event {} ({} at {})",
            k + 1,
            env.event.type_name(),
            env.occurred_at
        );
        // 6.
        if env.global_seq != k as u64 + 1 {
            return fail(
                Invariant::Sequence,
                format!("{at}: global_seq {}", env.global_seq),
            );
        }
        let resident = env.event.resident();
        let v = versions.entry((env.service, resident)).or_insert(0);
        if env.stream_version != *v + 1 {
            return fail(
                Invariant::Sequence,
                format!("{at}: stream version {} after {}", env.stream_version, v),
            );
        }
        *v += 1;
        // 1.
        let (apps, outcomes) = applied.entry(resident).or_insert((0, 0));
        match &env.event {
            Event::ExtensionApplied { .. }
            | Event::StatusChangeApplied { .. }
            | Event::PermanentResidenceApplied { .. }
            | Event::StatusAcquisitionApplied { .. } => *apps += 1,
            Event::ExtensionGranted { .. }
            | Event::ExtensionRefused { .. }
            | Event::StatusChangeGranted { .. }
            | Event::StatusAcquisitionGranted { .. }
            | Event::PermanentResidenceGranted { .. }
            | Event::ApplicationRefused { .. }
            | Event::ApplicationSuperseded { .. } => *outcomes += 1,
            _ => {}
        }
        if outcomes > apps {
            return fail(
                Invariant::OneOutcome,
                format!("{at}: {outcomes} outcomes for {apps} applications of {resident}"),
            );
        }
        // 2.
        let (asked, started) = requests.entry(resident).or_insert((0, 0));
        match &env.event {
            Event::TokuteiCardRequested { .. } => *asked += 1,
            Event::TokuteiProductionStarted { .. } => *started += 1,
            Event::ResidenceCardIssued { card, .. } if !card_numbers.insert(card.number) => {
                return fail(
                    Invariant::OneCard,
                    format!("{at}: card number {} issued twice", card.number),
                );
            }
            _ => {}
        }
        if started > asked {
            return fail(
                Invariant::OneCard,
                format!("{at}: {started} Tokutei productions for {asked} requests of {resident}"),
            );
        }
        // 3.
        if let Some(n) = my_number_of(&env.event) {
            if let Some(old) = my_numbers.insert(resident, n)
                && old != n
            {
                return fail(
                    Invariant::MyNumber,
                    format!("{at}: {resident}'s My Number changed"),
                );
            }
            if let Some(other) = owners.insert(n, resident)
                && other != resident
            {
                return fail(
                    Invariant::MyNumber,
                    format!("{at}: {resident} and {other} share a My Number"),
                );
            }
        }
    }
    // 4 and 5 at the end: the last day of the run, with nothing more happening.
    check_cards(&cards, records, scenario.until, switch, "at the end")?;
    for (resident, (apps, outcomes)) in applied {
        if apps > outcomes + 1 {
            return fail(
                Invariant::OneOutcome,
                format!("{resident}: {} applications never decided", apps - outcomes),
            );
        }
    }
    Ok(())
}
