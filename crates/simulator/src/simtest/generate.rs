//! Generating a simulation-test case from a seed: a counter-based generator, the residents and
//! their procedures, and the fault profile's links and outages, as a scenario document. Split
//! from `simtest.rs` so that the tester's flow and invariants read apart from the generator.

use chrono::{Days, NaiveDate};
use model::hashing::mix64;
use serde_json::{Value, json};

use super::Profile;

/// A counter-based generator: draw k is `mix64` of the state after k steps.
pub(super) struct Gen(pub(super) u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
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

pub(super) fn day(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).expect("in range")
}

fn business(d: NaiveDate) -> NaiveDate {
    model::calendar::next_business_day(d)
}

pub(super) fn generate(g: &mut Gen, seed: u64, profile: Profile) -> Value {
    let start = business(day(
        NaiveDate::from_ymd_opt(2025, 10, 1).expect("date"),
        g.below(400),
    ));
    // Every resident's last step is at most 330 days in; the run goes on 120 days more, so
    // delayed and redelivered notices arrive within it.
    let until = day(start, 450);
    let regime = if g.chance(50) { "legacy" } else { "integrated" };
    // A third of the `reorder` cases make notices cross: procedures a few days to three weeks
    // apart, and the notices that set the offices' records (N1, N3) held up to weeks, so that
    // an older address, status, period or card arrives after a newer one (invariant 12).
    let crossing = profile == Profile::Reorder && g.chance(35);
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
                        // Most who lose a card call the My Number call centre the same day to
                        // suspend its functions (§5.11); the others only report the loss.
                        if g.chance(75) {
                            push(on, step("suspend_my_number_functions"));
                        }
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
            // Otherwise at least a month between a resident's procedures: the faults' delays (at
            // most a few days) settle in between, so comparing with perfect links is fair.
            let gap = if crossing {
                5 + g.below(20)
            } else {
                35 + g.below(60)
            };
            // After the procedure's last step (its decision, the move-in): the generator's own
            // record of the period of stay follows the procedures in order.
            let last = steps
                .iter()
                .filter(|(_, r, _)| *r == i)
                .map(|(d, _, _)| *d)
                .max()
                .unwrap_or(on);
            on = business(day(on.max(last), gap));
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
    let faults = faults(g, profile, start, crossing);
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

fn faults(g: &mut Gen, profile: Profile, start: NaiveDate, crossing: bool) -> Value {
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
            if crossing {
                for notice in ["N1", "N3"] {
                    links.push(json!({
                        "notice": notice,
                        "reorder_window": format!("{}d", 30 + g.below(60)),
                    }));
                }
            }
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
