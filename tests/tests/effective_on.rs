//! What was known vs what was legally true: `replay --as-of D` folds the events recorded by the
//! end of `D` (what each office knew), `replay --effective-on D` the events in force on `D` as
//! known by the end of the log (a move counts from the day of the move, not the day it was
//! notified; a decision from the day it was made, not the day it was communicated). Two teaching
//! scenarios show the difference — a move between municipalities notified five days late, and
//! an extension decided a week before it was communicated —; their records are snapshotted.

use std::path::Path;

use chrono::NaiveDate;
use projection::Projections;
use report::Lang;

/// The teaching scenario `name`, run in memory.
fn teaching(name: &str) -> (scenario::Scenario, simulator::RunOutput) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/teaching")
        .join(format!("{name}.yaml"));
    let s = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let out = simulator::run_scenario(&s, None, None).expect("the scenario runs");
    (s, out)
}

#[test]
fn a_move_notified_five_days_late_is_legally_in_force_before_the_city_hall_records_it() {
    let (s, out) = teaching("move_between_integrated");
    let switch = s.policy.switches.validity.special_period_my_number;
    let record = |p: &Projections, day: NaiveDate, lang: Lang| {
        report::card_record(&p.records[0], "ana", day, switch, lang)
    };
    let legal_record = |p: &Projections, day: NaiveDate, lang: Lang| {
        report::legal_card_record(&p.records[0], "ana", day, switch, lang)
    };
    // Ana moved on 2026-10-03 and notified the move-in on 2026-10-08.
    let day = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
    let known = Projections::known_at_end_of(&out.log, s.start, switch, day);
    let legal = Projections::legally_on(&out.log, s.start, switch, day);
    let city_hall = |p: &Projections| p.records[0].city_hall.address.map(|a| a.to_string());
    assert_eq!(city_hall(&known).as_deref(), Some("2-14-7 Kitazawa"));
    assert_eq!(city_hall(&legal).as_deref(), Some("3-1 Yamashita-cho"));
    insta::assert_snapshot!(
        "move_notified_late_as_of_2026_10_05",
        record(&known, day, Lang::En)
    );
    insta::assert_snapshot!(
        "move_notified_late_effective_on_2026_10_05",
        legal_record(&legal, day, Lang::En)
    );
    insta::assert_snapshot!(
        "move_notified_late_effective_on_2026_10_05_ja",
        legal_record(&legal, day, Lang::Ja)
    );
    // Before the move both say Setagaya; once it is notified, both say Yokohama.
    for (day, address) in [
        ((2026, 10, 2), "2-14-7 Kitazawa"),
        ((2026, 10, 8), "3-1 Yamashita-cho"),
    ] {
        let day = NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap();
        let known = Projections::known_at_end_of(&out.log, s.start, switch, day);
        let legal = Projections::legally_on(&out.log, s.start, switch, day);
        assert_eq!(city_hall(&known).as_deref(), Some(address), "{day}");
        assert_eq!(
            known.records[0].city_hall, legal.records[0].city_hall,
            "{day}"
        );
    }
}

#[test]
fn a_decision_communicated_a_week_later_is_legally_in_force_from_the_day_it_was_made() {
    let (s, out) = teaching("decision_communicated_days_later");
    let switch = s.policy.switches.validity.special_period_my_number;
    let record = |p: &Projections, day: NaiveDate, lang: Lang| {
        report::card_record(&p.records[0], "lan", day, switch, lang)
    };
    let legal_record = |p: &Projections, day: NaiveDate, lang: Lang| {
        report::legal_card_record(&p.records[0], "lan", day, switch, lang)
    };
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    // The bureau decided on 2026-08-27; the decision was communicated and recorded on
    // 2026-09-03, after the old period ended on 2026-08-31.
    let granted = out
        .log
        .iter()
        .find(|e| e.event.type_name() == "ExtensionGranted")
        .expect("a grant");
    assert_eq!(granted.occurred_at.date(), d(9, 3));
    assert_eq!(granted.effective_on, Some(d(8, 27)));
    let day = d(9, 1);
    let known = Projections::known_at_end_of(&out.log, s.start, switch, day);
    let legal = Projections::legally_on(&out.log, s.start, switch, day);
    let period = |p: &Projections| p.records[0].bureau.period_expiry;
    // What the bureau's record showed: the old period, the resident lawful only through the
    // special period; what was legally true: the period already extended.
    assert_eq!(period(&known), Some(d(8, 31)));
    assert!(known.records[0].special_period_on(day).is_some());
    assert!(known.records[0].lawfully_resident(day));
    // Legally the period ran on: lawful by it, not by the special period.
    assert_eq!(legal.records[0].special_period_on(day), None);
    assert!(legal.records[0].lawfully_resident(day));
    assert_eq!(
        period(&legal),
        Some(NaiveDate::from_ymd_opt(2029, 8, 31).unwrap())
    );
    for lang in [Lang::En, Lang::Ja] {
        let suffix = match lang {
            Lang::En => "",
            Lang::Ja => "_ja",
        };
        insta::assert_snapshot!(
            format!("decision_communicated_later_as_of_2026_09_01{suffix}"),
            record(&known, day, lang)
        );
        insta::assert_snapshot!(
            format!("decision_communicated_later_effective_on_2026_09_01{suffix}"),
            legal_record(&legal, day, lang)
        );
    }
    // Before the decision, and once it is communicated, both views agree.
    for day in [d(8, 26), d(9, 3)] {
        let known = Projections::known_at_end_of(&out.log, s.start, switch, day);
        let legal = Projections::legally_on(&out.log, s.start, switch, day);
        assert_eq!(known.records[0].bureau, legal.records[0].bureau, "{day}");
    }
}
