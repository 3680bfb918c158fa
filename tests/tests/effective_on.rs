//! What was known vs what was legally true: `replay --as-of D` folds the events recorded by the
//! end of `D` (what each office knew), `replay --effective-on D` the events in force on `D` as
//! known by the end of the log (a move counts from the day of the move, not the day it was
//! notified). The teaching scenario of a move between municipalities notified five days late
//! shows the difference; both records are snapshotted.

use std::path::Path;

use chrono::NaiveDate;
use projection::Projections;
use report::Lang;

#[test]
fn a_move_notified_five_days_late_is_legally_in_force_before_the_city_hall_records_it() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/teaching/move_between_integrated.yaml");
    let s = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let out = simulator::run_scenario(&s, None, None).expect("the scenario runs");
    let switch = s.policy.switches.validity.special_period_my_number;
    let record = |p: &Projections, day: NaiveDate, lang: Lang| {
        report::card_record(&p.records[0], "ana", day, switch, lang)
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
        record(&legal, day, Lang::En)
    );
    insta::assert_snapshot!(
        "move_notified_late_effective_on_2026_10_05_ja",
        record(&legal, day, Lang::Ja)
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
