//! Wrong shapes are refused where they are written: a YAML sequence where a mapping is expected
//! (or the reverse) is a located error that says what was expected and what was found, never
//! read field by field in declaration order.

mod common;

use scenario::parse;

const BASE: &str = "name: shapes
start: 2026-06-20
until: 2026-12-31
policy: { regime: integrated }
residents:
  - id: mei
    born_on: 1995-04-12
    status: engineer_specialist_humanities
    period_expiry: 2026-07-31
    municipality: shinjuku
    address: 1-2-3 Nishi-Shinjuku
    my_number_card: { issued_on: 2023-09-01 }
steps:
  - { on: 2026-07-10, resident: mei, do: file_extension, tokutei: true }
expect:
  - { on: 2026-12-31, resident: mei, my_number_usable: true }
";

fn error(from: &str, to: &str) -> (usize, usize, String) {
    let ((line, column), message) = common::refused(BASE, from, to);
    (line, column, message)
}

#[test]
fn the_base_scenario_is_valid() {
    parse("shape.yaml", BASE).unwrap();
}

#[test]
fn a_policy_written_as_a_list_is_refused_at_the_list() {
    let (line, column, msg) = error(
        "policy: { regime: integrated }",
        "policy: [integrated, 2030-01-01]",
    );
    assert_eq!((line, column), (4, 9));
    assert_eq!(msg, "expected a mapping, found a sequence");
}

#[test]
fn a_resident_written_as_a_list_is_refused_at_the_list() {
    let from = "  - id: mei
    born_on: 1995-04-12
    status: engineer_specialist_humanities
    period_expiry: 2026-07-31
    municipality: shinjuku
    address: 1-2-3 Nishi-Shinjuku
    my_number_card: { issued_on: 2023-09-01 }
";
    let to = "  - [mei, 1995-04-12, engineer_specialist_humanities, 2026-07-31, shinjuku, here]\n";
    let (line, column, msg) = error(from, to);
    assert_eq!((line, column), (6, 5));
    assert_eq!(msg, "expected a mapping, found a sequence");
}

#[test]
fn nested_mappings_and_expectations_refuse_lists_too() {
    let (line, column, msg) = error(
        "my_number_card: { issued_on: 2023-09-01 }",
        "my_number_card: [2023-09-01]",
    );
    assert_eq!((line, column), (12, 21));
    assert_eq!(msg, "expected a mapping, found a sequence");
    let (line, _, msg) = error(
        "  - { on: 2026-12-31, resident: mei, my_number_usable: true }",
        "  - [2026-12-31, mei]",
    );
    assert_eq!(line, 16);
    assert_eq!(msg, "expected a mapping, found a sequence");
    let (_, _, msg) = error(
        "policy: { regime: integrated }",
        "policy: { switches: [a, b] }",
    );
    assert_eq!(msg, "expected a mapping, found a sequence");
}

#[test]
fn a_scalar_where_a_mapping_or_a_list_is_expected_says_what_it_found() {
    let (_, _, msg) = error("policy: { regime: integrated }", "policy: integrated");
    assert_eq!(msg, "expected a mapping, found the string `integrated`");
    let (line, column, msg) = error(
        "residents:\n  - id: mei",
        "residents: { mei: 1 }\nunused:\n  - id: mei",
    );
    assert_eq!((line, column), (5, 12));
    assert_eq!(msg, "expected a sequence, found a mapping");
}
