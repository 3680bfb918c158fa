//! Inputs that cannot happen are refused when the file is read, at the value that makes them
//! impossible: a grant that ends on or before the decision day, an extension that ends before
//! the period it extends, a `period_expiry` before the resident was born, a move, change, loss
//! or decision reported before it happened.

mod common;

use scenario::parse;

const BASE: &str = "name: impossible
start: 2026-06-20
until: 2026-12-31
residents:
  - id: mei
    born_on: 1995-04-12
    status: engineer_specialist_humanities
    period_expiry: 2026-07-31
    municipality: shinjuku
    address: 1-2-3 Nishi-Shinjuku
steps:
  - { on: 2026-07-10, resident: mei, do: file_extension }
  - { on: 2026-07-15, resident: mei, do: decide_extension, grant: 2029-07-31 }
  - { on: 2026-08-10, resident: mei, do: move_within, address: 4-5-6, moved_on: 2026-08-05 }
";

fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn error(from: &str, to: &str) -> ((usize, usize), String) {
    common::refused(BASE, from, to)
}

#[test]
fn the_base_scenario_is_possible() {
    parse("impossible.yaml", BASE).unwrap();
}

#[test]
fn an_extension_that_would_shorten_the_period_of_stay_is_refused_at_the_grant() {
    let (pos, msg) = error("grant: 2029-07-31", "grant: 2026-07-20");
    assert_eq!(pos, (13, 67));
    assert_eq!(
        msg,
        "grant 2026-07-20 does not extend the period of stay, which ends on 2026-07-31: an \
         extension must end after the current expiry"
    );
}

#[test]
fn a_grant_ending_before_the_decision_day_is_refused() {
    let (pos, msg) = error("grant: 2029-07-31", "grant: 2020-01-01");
    assert_eq!(pos, (13, 67));
    assert!(
        msg.starts_with("grant 2020-01-01 is not after the decision day 2026-07-15"),
        "{msg}"
    );
}

#[test]
fn a_second_extension_is_checked_against_the_first_grant() {
    let two = BASE.replacen(
        "  - { on: 2026-08-10",
        "  - { on: 2026-09-01, resident: mei, do: file_extension }\n  - { on: 2026-09-05, resident: mei, do: decide_extension, grant: 2028-01-01 }\n  - { on: 2026-08-10",
        1,
    );
    let err = parse("two.yaml", &two).unwrap_err();
    assert!(
        err.to_string().contains(
            "grant 2028-01-01 does not extend the period of stay, which ends on 2029-07-31"
        ),
        "{err}"
    );
}

#[test]
fn a_change_of_status_may_end_before_the_old_period() {
    let change = BASE
        .replacen(
            "do: file_extension }",
            "do: file_status_change, to: student }",
            1,
        )
        .replacen(
            "do: decide_extension, grant: 2029-07-31",
            "do: decide_status_change, grant: 2026-07-30",
            1,
        );
    parse("change.yaml", &change).unwrap();
}

#[test]
fn a_period_expiry_before_birth_is_refused() {
    let (pos, msg) = error("period_expiry: 2026-07-31", "period_expiry: 1990-01-01");
    assert_eq!(pos, (8, 20));
    assert_eq!(
        msg,
        "period_expiry 1990-01-01 is not after born_on 1995-04-12"
    );
}

#[test]
fn a_move_reported_before_it_happened_is_refused() {
    let (pos, msg) = error("moved_on: 2026-08-05", "moved_on: 2026-08-20");
    assert_eq!(pos, (14, 81));
    assert_eq!(
        msg,
        "moved_on 2026-08-20 is after the step's date 2026-08-10: a `move_within` step reports \
         what has already happened"
    );
}

#[test]
fn a_decision_dated_after_it_was_communicated_is_refused() {
    let (pos, msg) = error(
        "grant: 2029-07-31 }",
        "grant: 2029-07-31, decided_on: 2026-07-16 }",
    );
    assert_eq!(pos, (13, 91));
    assert_eq!(
        msg,
        "decided_on 2026-07-16 is after the step's date 2026-07-15: a `decide_extension` step \
         reports what has already happened"
    );
}

#[test]
fn a_decision_communicated_days_later_keeps_the_day_it_was_made() {
    use model::command::{Command, Decision};
    let later = BASE.replacen(
        "{ on: 2026-07-15, resident: mei, do: decide_extension, grant: 2029-07-31 }",
        "{ on: 2026-07-22, resident: mei, do: decide_extension, grant: 2029-07-31, decided_on: 2026-07-15 }",
        1,
    );
    let s = parse("later.yaml", &later).unwrap();
    let decide = s
        .steps
        .iter()
        .find(|st| matches!(st.command, Command::DecideExtension { .. }))
        .expect("the decision");
    assert_eq!(decide.at.date(), d(2026, 7, 22));
    assert_eq!(
        decide.command,
        Command::DecideExtension {
            resident: decide.resident,
            decision: Decision::Grant {
                new_expiry: d(2029, 7, 31)
            },
            decided_on: Some(d(2026, 7, 15)),
        }
    );
    // Decided on the day it is communicated: the same as saying nothing.
    let same = BASE.replacen(
        "grant: 2029-07-31 }",
        "grant: 2029-07-31, decided_on: 2026-07-15 }",
        1,
    );
    let s = parse("same.yaml", &same).unwrap();
    assert!(s.steps.iter().any(|st| st.command.decided_on().is_none()
        && matches!(st.command, Command::DecideExtension { .. })));
}

#[test]
fn a_decision_made_on_a_closed_day_is_refused_at_its_date() {
    // 2026-07-12 is a Sunday: the bureau does not decide then, even if it communicates later.
    let (pos, msg) = error(
        "grant: 2029-07-31 }",
        "grant: 2029-07-31, decided_on: 2026-07-12 }",
    );
    assert_eq!(pos, (13, 91));
    assert!(
        msg.starts_with(
            "the immigration bureau does not decide on 2026-07-12, a Sunday: counters are closed"
        ),
        "{msg}"
    );
}

#[test]
fn a_decision_made_before_the_application_was_filed_is_refused() {
    let (pos, msg) = error(
        "grant: 2029-07-31 }",
        "grant: 2029-07-31, decided_on: 2026-07-09 }",
    );
    assert_eq!(pos, (13, 91));
    assert_eq!(
        msg,
        "decided_on 2026-07-09 is before the application was filed on 2026-07-10: the bureau \
         decides an application it has"
    );
}
