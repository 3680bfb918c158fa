//! The simulation tester (issue 8): random residents and procedures run under random faults,
//! with the system's invariants checked after every event the offices record and at the end.
//!
//! A case is a scenario document generated from a seed — a few residents, their procedures
//! (extensions, changes of status, permanent residence, moves, item changes, reissues, losses,
//! My Number validity changes, PIN resets, each optionally with a Tokutei application) and the
//! policy's faults of one [`Profile`] — so a failing case is already a scenario file that
//! `zairyu run` replays, and shrinking it is removing steps, residents and faults while it
//! still fails. Everything is a pure function of the seed: the same seed is the same case.
//!
//! The invariants checked are listed in [`Invariant`] and in docs/reliability.md.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use model::envelope::Envelope;
use model::event::Event;
use model::hashing::mix64;
use model::ids::ResidentId;
use model::service::Service;
use projection::Projections;
use serde_json::{Value, json};

use crate::{RunOutput, run_scenario};

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

/// A counter-based generator: draw k is `mix64` of the state after k steps.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }

    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n.max(1))) >> 64) as u64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const STATUSES: &[&str] = &[
    "engineer_specialist_humanities",
    "student",
    "dependent",
    "spouse_of_japanese",
    "specified_skilled_worker",
    "permanent_resident",
];
const PLACES: &[&str] = &["shinjuku", "shibuya", "setagaya", "toshima"];
const CODES: &[&str] = &["N1", "N3", "N4", "N5", "N7", "N8", "N9"];

fn day(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).expect("in range")
}

fn business(d: NaiveDate) -> NaiveDate {
    model::calendar::next_business_day(d)
}

fn generate(g: &mut Gen, seed: u64, profile: Profile) -> Value {
    let start = business(day(
        NaiveDate::from_ymd_opt(2025, 10, 1).expect("date"),
        g.below(400),
    ));
    // Every resident's last step is at most 330 days in; the run goes on 120 days more, so
    // delayed and redelivered notices arrive within it.
    let until = day(start, 450);
    let regime = if g.chance(50) { "legacy" } else { "integrated" };
    let mut residents = Vec::new();
    let mut steps: Vec<(NaiveDate, usize, Value)> = Vec::new();
    for i in 0..1 + g.below(3) as usize {
        let id = format!("r{i}");
        let status = *g.pick(STATUSES);
        let born = day(
            NaiveDate::from_ymd_opt(1960, 1, 1).expect("date"),
            g.below(16_000),
        );
        let mut expiry = (status != "permanent_resident").then(|| day(start, 20 + g.below(300)));
        let mut place = *g.pick(PLACES);
        let mut r = json!({
            "id": id,
            "born_on": born.to_string(),
            "status": status,
            "municipality": place,
            "address": format!("{i}-1-1 Sakura"),
            "residence_card": { "issued_on": day(start, 0).checked_sub_days(Days::new(200 + g.below(400))).expect("date").to_string() },
        });
        if let Some(e) = expiry {
            r["period_expiry"] = json!(e.to_string());
        }
        if g.chance(60) {
            let issued = start
                .checked_sub_days(Days::new(30 + g.below(600)))
                .expect("date");
            r["my_number_card"] = json!({ "issued_on": issued.to_string() });
        }
        residents.push(r);
        let mut on = business(day(start, g.below(60)));
        for _ in 0..1 + g.below(4) {
            if on > day(start, 330) {
                break;
            }
            let tokutei = g.chance(40);
            let mut push = |d: NaiveDate, v: Value| steps.push((d, i, v));
            let step = |what: &str| json!({ "resident": id, "do": what });
            match g.below(10) {
                0 | 1 if expiry.is_some() => {
                    let mut s = step("file_extension");
                    s["tokutei"] = json!(tokutei);
                    push(on, s);
                    let decide = business(day(on, 5 + g.below(15)));
                    let mut d = step("decide_extension");
                    if g.chance(80) {
                        let base = expiry.unwrap_or(decide).max(decide);
                        let grant = day(base, 365 + g.below(730));
                        d["grant"] = json!(grant.to_string());
                        expiry = Some(grant);
                    } else {
                        d["refuse"] = json!(true);
                    }
                    push(decide, d);
                }
                2 if expiry.is_some() => {
                    let mut s = step("file_status_change");
                    s["to"] = json!(*g.pick(&STATUSES[..5]));
                    s["tokutei"] = json!(tokutei);
                    push(on, s);
                    let decide = business(day(on, 5 + g.below(15)));
                    let grant = day(expiry.unwrap_or(decide).max(decide), 365);
                    let mut d = step("decide_status_change");
                    d["grant"] = json!(grant.to_string());
                    expiry = Some(grant);
                    push(decide, d);
                }
                3 => {
                    let mut s = step("file_permanent_residence");
                    s["tokutei"] = json!(tokutei);
                    push(on, s);
                    let decide = business(day(on, 5 + g.below(15)));
                    let mut d = step("decide_permanent_residence");
                    if g.chance(50) {
                        d["grant"] = json!(true);
                    } else {
                        d["refuse"] = json!(true);
                    }
                    push(decide, d);
                }
                4 => {
                    let mut s = step("move_within");
                    s["address"] = json!(format!("{}-2-2 Sakura", g.below(9)));
                    s["moved_on"] = json!(
                        on.checked_sub_days(Days::new(g.below(5)))
                            .expect("date")
                            .to_string()
                    );
                    push(on, s);
                }
                5 => {
                    let to = *g.pick(PLACES);
                    if to != place {
                        let mut s = step("move_out");
                        s["to"] = json!(to);
                        push(on, s);
                        let arrive = business(day(on, 2 + g.below(5)));
                        let mut m = step("move_in");
                        m["municipality"] = json!(to);
                        m["address"] = json!("5-5-5 Sakura");
                        m["present_my_number_card"] = json!(g.chance(70));
                        m["tokutei"] = json!(tokutei);
                        push(arrive, m);
                        place = to;
                    }
                }
                6 => {
                    let mut s = step("notify_item_change");
                    s["item"] = json!("name");
                    s["tokutei"] = json!(tokutei);
                    push(on, s);
                }
                7 => {
                    if g.chance(50) {
                        push(on, step("report_loss"));
                        let mut s = step("request_reissue");
                        s["reason"] = json!("lost");
                        s["tokutei"] = json!(tokutei);
                        push(business(day(on, 1)), s);
                    } else {
                        let mut s = step("request_reissue");
                        s["reason"] = json!("damaged");
                        s["tokutei"] = json!(tokutei);
                        push(on, s);
                    }
                }
                8 => push(on, step("request_my_number_validity_change")),
                _ => {
                    push(on, step("lock_pin"));
                    push(business(day(on, 2)), step("reset_pin"));
                }
            }
            // At least a month between a resident's procedures: the faults' delays (at most a
            // few days) settle in between, so comparing with perfect links is fair.
            on = business(day(on, 35 + g.below(60)));
        }
    }
    // Steps in time order; the same day keeps the order they were made in.
    steps.sort_by_key(|(d, i, _)| (*d, *i));
    let steps: Vec<Value> = steps
        .into_iter()
        .map(|(d, _, mut v)| {
            v["on"] = json!(d.to_string());
            v
        })
        .collect();
    let mut policy = json!({ "regime": regime });
    let faults = faults(g, profile, start);
    if !faults.is_null() {
        policy["faults"] = faults;
    }
    json!({
        "name": format!("simtest seed {seed} ({})", profile.as_str()),
        "seed": seed,
        "start": start.to_string(),
        "until": until.to_string(),
        "policy": policy,
        "residents": residents,
        "steps": steps,
    })
}

fn faults(g: &mut Gen, profile: Profile, start: NaiveDate) -> Value {
    let share = |g: &mut Gen, max: u64| json!(g.below(max + 1) as f64 / 100.0);
    let link = |g: &mut Gen| {
        let mut l = json!({});
        if g.chance(70) {
            l["notice"] = json!(*g.pick(CODES));
        }
        l
    };
    let mut links = Vec::new();
    let mut outages = Vec::new();
    match profile {
        Profile::Mixed | Profile::None => return Value::Null,
        Profile::Reorder => {
            for _ in 0..1 + g.below(3) {
                let mut l = link(g);
                match g.below(4) {
                    0 => {
                        l["delay"] = json!({ "uniform": { "min": "0", "max": format!("{}h", 1 + g.below(48)) } })
                    }
                    1 => {
                        l["delay"] = json!({ "lognormal": { "median": format!("{}h", 1 + g.below(12)), "sigma": 0.5 } })
                    }
                    2 => l["batch"] = json!({ "at": "18:00:00" }),
                    _ => {}
                }
                l["duplicate"] = share(g, 50);
                l["reorder_window"] = json!(format!("{}h", g.below(12)));
                links.push(l);
            }
        }
        Profile::Redelivery | Profile::Loss => {
            for _ in 0..1 + g.below(2) {
                let mut l = link(g);
                l["loss"] = share(g, 50);
                if profile == Profile::Redelivery {
                    l["redelivery"] = json!({ "after": format!("{}h", 1 + g.below(24)), "attempts": 1 + g.below(3) });
                    l["duplicate"] = share(g, 30);
                }
                links.push(l);
            }
        }
        Profile::Outage => {
            let office = *g.pick(&["card-issuer", "city-hall", "immigration-bureau"]);
            let from = day(start, g.below(300));
            outages.push(json!({
                "office": office,
                "from": from.to_string(),
                "through": day(from, g.below(10)).to_string(),
                "crash": g.chance(50),
            }));
        }
    }
    json!({ "links": links, "outages": outages })
}

/// Runs the scenario `text` and checks the invariants.
fn check_text(text: &str, profile: Profile) -> Result<(), Failure> {
    let scenario = scenario::parse("simtest", text).map_err(|e| Failure {
        invariant: Invariant::NoPanic,
        detail: format!("the generated scenario is not valid: {e}"),
    })?;
    let faulty = run_case(&scenario, scenario.policy.clone())?;
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
    // 8: the same seed again.
    let again = run_case(&scenario, scenario.policy.clone())?;
    if again.log_hash != faulty.log_hash {
        return Err(Failure {
            invariant: Invariant::SameSeed,
            detail: format!("log hash {} then {}", faulty.log_hash, again.log_hash),
        });
    }
    // 9 and 10: the same case on perfect links.
    let compare = match profile {
        Profile::Reorder => Some(Invariant::NoLossSameRecords),
        Profile::Redelivery if faulty.faults.total().lost == 0 => Some(Invariant::Converges),
        _ => None,
    };
    if let Some(invariant) = compare {
        let mut perfect_policy = scenario.policy.clone();
        perfect_policy.faults = model::faults::Faults::default();
        let perfect = run_case(&scenario, perfect_policy)?;
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

fn run_case(s: &scenario::Scenario, policy: model::policy::Policy) -> Result<RunOutput, Failure> {
    let mut scenario = s.clone();
    scenario.policy = policy;
    run_scenario(&scenario, None, None).map_err(|e| Failure {
        invariant: Invariant::NoPanic,
        detail: format!("the run failed: {e}"),
    })
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
            | Event::PermanentResidenceApplied { .. } => *apps += 1,
            Event::ExtensionGranted { .. }
            | Event::ExtensionRefused { .. }
            | Event::StatusChangeGranted { .. }
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

/// The My Number an event records (the register's entry, a first registration).
fn my_number_of(event: &Event) -> Option<model::mynumber::MyNumber> {
    match event {
        Event::ResidentRegistered { my_number, .. }
        | Event::ResidenceNotified { my_number, .. } => Some(*my_number),
        _ => None,
    }
}

/// What the log says of one resident's cards, tracked from the events alone — an independent
/// statement of invariants 4 and 5, not the projections' rule functions: the period of stay the
/// bureau last granted, the card in hand, the pending application that may open a special
/// period, and which cards carrying My Number functions J-LIS has activated and not since
/// invalidated, suspended or let lapse.
#[derive(Debug, Clone, Default)]
struct Cards {
    /// The bureau's period of stay: `None` without one (permanent residents); the latest of
    /// every period the bureau opened, granted or extended.
    period: Option<NaiveDate>,
    /// The residence card or Tokutei card in hand.
    card: Option<model::card::ResidenceCard>,
    /// An extension or change of status filed (the day, and the expiry then), and the day of
    /// its disposition, if it came.
    application: Option<(NaiveDate, NaiveDate, Option<NaiveDate>)>,
    /// The separate My Number card J-LIS keeps in use, and its last valid day.
    separate: Option<NaiveDate>,
    /// The Tokutei card's functions J-LIS keeps in use, and their last valid day.
    functions: Option<NaiveDate>,
    /// The user-authentication PIN is locked.
    pin_locked: bool,
}

impl Cards {
    fn observe(&mut self, event: &Event, day: NaiveDate) {
        // The disposition ends a special period: a refusal, the application superseded, or a
        // grant taking effect (the period extended or the status changed, the new card issued).
        if matches!(
            event,
            Event::ExtensionRefused { .. }
                | Event::ApplicationRefused { .. }
                | Event::ApplicationSuperseded { .. }
                | Event::PeriodOfStayExtended { .. }
                | Event::StatusChanged { .. }
                | Event::ResidenceCardIssued { .. }
        ) && let Some((_, _, decided)) = &mut self.application
        {
            decided.get_or_insert(day);
        }
        match event {
            Event::ImmigrationRecordOpened {
                period_expiry,
                card,
                ..
            } => {
                self.period = *period_expiry;
                self.card = card.clone();
            }
            Event::ExtensionGranted { new_expiry, .. }
            | Event::StatusChangeGranted { new_expiry, .. }
            | Event::PeriodOfStayExtended { new_expiry, .. } => {
                self.period = self.period.max(Some(*new_expiry));
            }
            Event::StatusChanged { new_expiry, .. } => {
                self.period = new_expiry.map(|e| self.period.map_or(e, |p| p.max(e)));
            }
            Event::ResidenceCardIssued { card, .. } => self.card = Some(card.clone()),
            Event::ExtensionApplied {
                filed_on,
                expiry_at_filing: Some(e),
                ..
            }
            | Event::StatusChangeApplied {
                filed_on,
                expiry_at_filing: Some(e),
                ..
            } => self.application = Some((*filed_on, *e, None)),
            Event::CardIssuerRecordOpened { my_number_card, .. } => {
                self.separate = my_number_card.map(|c| c.valid_through);
            }
            Event::MyNumberCardActivated { card, .. } => {
                self.separate = Some(card.valid_through);
                self.pin_locked = false;
            }
            Event::MyNumberCardValidityRecorded { valid_through, .. }
            | Event::MyNumberCardValidityChanged { valid_through, .. }
            | Event::MyNumberCardSpecialPeriodExtended { valid_through, .. } => {
                if let Some(s) = &mut self.separate {
                    *s = *valid_through;
                }
            }
            Event::MyNumberCardExpired { .. } | Event::MyNumberCardWithdrawn { .. } => {
                self.separate = None;
            }
            Event::MyNumberFunctionsActivated { valid_through, .. } => {
                self.functions = Some(*valid_through);
            }
            Event::MyNumberFunctionsExpired { .. } => self.functions = None,
            Event::MyNumberCardInvalidated { tokutei_card, .. }
            | Event::MyNumberFunctionsSuspended { tokutei_card, .. } => {
                if tokutei_card.is_some() {
                    self.functions = None;
                } else {
                    self.separate = None;
                }
            }
            Event::PinLocked { .. } => self.pin_locked = true,
            Event::PinUnlocked { .. } | Event::PinResetAtCounter { .. } => self.pin_locked = false,
            _ => {}
        }
    }

    /// Whether `day` may be in a special period (入管法20条6項, 21条4項): an extension or
    /// change of status filed by the expiry, no disposition before `day`, and `day` at most two
    /// months past that expiry — the outer bound, whatever the decision.
    fn special_period_may_run(&self, day: NaiveDate) -> bool {
        self.application.is_some_and(|(filed, expiry, decided)| {
            filed <= expiry
                && decided.is_none_or(|d| day <= d)
                && expiry
                    .checked_add_months(chrono::Months::new(2))
                    .is_some_and(|end| day <= end)
        })
    }

    /// The latest day a residence card issued on `issued_on` may be valid through: the period
    /// of stay when there is one (earlier for a child's card), else the longest scheme for a
    /// permanent resident's card (the 10th birthday after issuance, so within 11 years).
    fn legal_limit(&self, issued_on: NaiveDate) -> Option<NaiveDate> {
        match self.period {
            Some(p) => Some(p),
            None => issued_on.checked_add_months(chrono::Months::new(11 * 12)),
        }
    }
}

/// Invariants 4 and 5 for every resident on `day`, on the records folded so far.
fn check_cards(
    cards: &[Cards],
    records: &Projections,
    day: NaiveDate,
    switch: model::validity::SpecialPeriodMyNumber,
    at: &str,
) -> Result<(), Failure> {
    for (i, c) in cards.iter().enumerate() {
        let resident = ResidentId(i as u32);
        let Some(rec) = records.record(resident) else {
            continue;
        };
        // 4: usable only on a card J-LIS activated and has not invalidated, suspended or let
        // lapse since, with the PIN not locked.
        if rec.my_number_usable(day, switch) {
            let separate = c.separate.is_some_and(|t| day <= t);
            let functions = c
                .functions
                .is_some_and(|t| day <= t || c.special_period_may_run(day));
            if c.pin_locked || !(separate || functions) {
                return Err(Failure {
                    invariant: Invariant::FunctionsOnDeadCard,
                    detail: format!(
                        "{at}: {resident}'s My Number functions are usable on {day} with {}",
                        if c.pin_locked {
                            "the PIN locked".to_owned()
                        } else {
                            format!(
                                "no card in use (separate card through {:?}, Tokutei functions through {:?})",
                                c.separate, c.functions
                            )
                        }
                    ),
                });
            }
        }
        // 5: a card in hand is valid on `day` only through its own validity (or a special
        // period), and its validity is within the law's.
        for (kind, through) in rec.cards_valid_on(day) {
            let ok = if kind == model::card::CardKind::MyNumberCard {
                c.separate.is_some_and(|t| day <= t && through <= t)
            } else {
                let issued = c.card.as_ref().filter(|card| card.kind == kind);
                issued.is_some_and(|card| {
                    card.valid_through == through
                        && (day <= through || c.special_period_may_run(day))
                        && c.legal_limit(card.issued_on).is_none_or(|l| through <= l)
                })
            };
            if !ok {
                return Err(Failure {
                    invariant: Invariant::CardPastValidity,
                    detail: format!(
                        "{at}: {resident}'s {kind:?} valid through {through} is held valid on {day} \
                         (the log: card {:?}, period of stay {:?}, application {:?}, separate card through {:?})",
                        c.card, c.period, c.application, c.separate
                    ),
                });
            }
        }
    }
    Ok(())
}
