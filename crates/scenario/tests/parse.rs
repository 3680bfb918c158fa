//! Scenario files end to end: a full valid file becomes the expected profiles, steps and
//! expectations; each class of mistake is reported at its line and column with a message that
//! names what was expected; the schema and the overrides work.

use chrono::{NaiveDate, NaiveTime};
use model::card::CardKind;
use model::command::{Command, Decision, FiledApplication};
use model::ids::ResidentId;
use model::mynumber::MyNumber;
use model::policy::Regime;
use model::procedure::Procedure;
use model::service::{Channel, Office};
use model::status::Status;
use model::time::Latency;
use scenario::{
    Change, NotificationCount, Overrides, RecordOffice, ScenarioError, parse, parse_with,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const VALID: &str = r#"# Integrated regime: an extension with a Tokutei application attached.
# Shows: one bureau visit to file, one to collect.

name: Extension under the integrated regime
seed: 7
start: 2026-09-15
until: 2026-12-31
policy:
  regime: integrated
  card_production_lead_time: 12d
residents:
  - id: mei
    name: Li Mei
    born_on: 1995-04-12
    status: engineer_specialist_humanities
    period_expiry: 2026-10-31
    municipality: shinjuku
    address: 1-2-3 Nishi-Shinjuku
    residence_card:
      issued_on: 2023-07-25
    my_number_card:
      issued_on: 2023-09-01
  - id: ken
    born_on: 1975-11-03
    status: permanent_resident
    municipality: "13104"
    address: 007
    residence_card: { issued_on: 2026-06-22 }
  - id: sun
    born_on: 1956-10-05
    status: special_permanent_resident
    municipality: ikuno
    address: 2-2
    residence_card: { issued_on: 2026-09-10 }
  - id: kid
    born_on: 2015-01-01
    status: dependent
    period_expiry: 2027-03-31
    municipality: shinjuku
    address: 1-2-3 Nishi-Shinjuku
    my_number_card: { issued_on: 2024-01-01 }
  - id: tourist
    born_on: 1990-01-01
    status: temporary_visitor
    period_expiry: 2026-10-01
    municipality: shinjuku
    address: hotel
    registered: false
steps:
  - on: 2026-10-01
    resident: mei
    do: file_extension
    tokutei: true
  - on: 2026-10-20
    resident: mei
    do: decide_extension
    grant: 2029-10-31
  - { on: 2026-10-01, at: "08:30", resident: ken, do: move_within, address: 4-5-6, moved_on: 2026-09-25 }
  - { on: 2026-10-01, resident: ken, do: collect_card }
  - { on: 2026-11-01, resident: sun, do: move_out, to: setagaya, planned_on: 2026-11-05, card_based: true }
  - { on: 2026-11-06, resident: sun, do: move_in, municipality: setagaya, address: 7-8 Sangenjaya, present_my_number_card: true }
  - { on: 2026-11-09, resident: sun, do: confirm_my_number_continuity }
  - { on: 2026-11-10, resident: mei, do: request_my_number_validity_change }
  - { on: 2026-11-09, resident: mei, do: decide_extension, refuse: true }
  - { on: 2026-11-10, resident: mei, do: file_extension, channel: online }
expect:
  - on: 2026-11-15
    resident: mei
    cards: [tokutei_residence_card, tokutei_residence_card]
    valid_through: { tokutei_residence_card: 2029-10-31 }
    my_number_usable: true
    lawfully_resident: true
    visits: { immigration_bureau: 2, city_hall: 0 }
    notifications: { N3: 2, N4: at_least_once, N2: 0 }
    events: [PeriodOfStayExtended]
    refusals: [tokutei_online]
    absent: [DeadlineMissed, N7, nothing_pending]
    outage_days: 0
    inconsistency_days: 3
  - { on: 2026-12-31, resident: ken, cards: [] }
  - on: 2026-12-31
    resident: sun
    city_hall_visits: { ikuno: 1, setagaya: 2 }
    records:
      city_hall: { municipality: setagaya, address: 7-8 Sangenjaya, my_number: unchanged }
      immigration_bureau: { status: special_permanent_resident, period_expiry: none, name: unchanged }
      card_issuer: { card_number: changed }
"#;

#[test]
fn a_full_scenario_becomes_profiles_steps_and_expectations() {
    let s = parse("valid.yaml", VALID).unwrap();
    assert_eq!(s.name, "Extension under the integrated regime");
    assert_eq!(
        s.description,
        "Integrated regime: an extension with a Tokutei application attached.\nShows: one bureau visit to file, one to collect."
    );
    assert_eq!(s.source, "valid.yaml");
    assert_eq!(s.hash.len(), 64);
    assert_eq!(
        (s.seed, s.start, s.until),
        (7, d(2026, 9, 15), d(2026, 12, 31))
    );
    assert_eq!(s.policy.regime, Regime::Integrated);
    assert_eq!(s.policy.card_production_lead_time, Latency::days(12));
    // Fields not overlaid keep the default policy's values.
    assert_eq!(s.policy.start_date, d(2026, 6, 14));

    let keys: Vec<&str> = s.residents.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["mei", "ken", "sun", "kid", "tourist"]);
    assert!(
        s.residents
            .iter()
            .enumerate()
            .all(|(i, r)| r.id == ResidentId(i as u32))
    );

    // mei: first-generation card issued under the old law, valid to the period expiry
    // (§8.1 "others 16+"); the My Number card is capped at the expiry too (§8.4).
    let mei = &s.resident("mei").unwrap().profile;
    assert_eq!(mei.name, "Li Mei");
    assert_eq!(mei.my_number, MyNumber::generate(7, 0));
    let card = mei.residence_card.as_ref().unwrap();
    assert_eq!(card.kind, CardKind::ResidenceCard);
    assert_eq!(card.valid_through, d(2026, 10, 31));
    assert_eq!(
        card.number,
        model::card_number::ResidenceCardNumber::generate(7, 0, 1)
    );
    assert_eq!(mei.cards_issued, 1);
    let mn = mei.my_number_card.unwrap();
    assert_eq!(
        (mn.issued_on, mn.valid_through),
        (d(2023, 9, 1), d(2026, 10, 31))
    );
    assert_eq!(mei.certificates.signature_through, Some(d(2026, 10, 31)));
    assert_eq!(mei.certificates.user_auth_through, Some(d(2026, 10, 31)));

    // ken: §8.2 example — PR born 1975-11-03, new-format card issued 2026-06-22 → 2035-11-03.
    let ken = &s.resident("ken").unwrap().profile;
    let card = ken.residence_card.as_ref().unwrap();
    assert_eq!(card.kind, CardKind::NewFormatResidenceCard);
    assert_eq!(card.valid_through, d(2035, 11, 3));
    assert_eq!(ken.name, "ken");
    assert_eq!(ken.municipality.as_str(), "13104");
    assert_eq!(
        ken.address.as_str(),
        "007",
        "scalars keep the text as written"
    );
    assert!(ken.my_number_card.is_none());
    assert_eq!(ken.certificates.user_auth_through, None);

    // sun: §8.3 example — SPR born 1956-10-05, certificate issued 2026-09-10 → 2035-10-05.
    let sun = &s.resident("sun").unwrap().profile;
    let card = sun.residence_card.as_ref().unwrap();
    assert_eq!(card.kind, CardKind::NewFormatSprCertificate);
    assert_eq!(card.valid_through, d(2035, 10, 5));

    // kid: default card issued a year before start; no signature certificate under 15 (§8.5).
    let kid = &s.resident("kid").unwrap().profile;
    assert_eq!(
        kid.residence_card.as_ref().unwrap().issued_on,
        d(2025, 9, 15)
    );
    assert_eq!(kid.certificates.signature_through, None);
    assert!(kid.certificates.user_auth_through.is_some());

    // tourist: not a mid-to-long-term resident, so no card at all.
    let tourist = &s.resident("tourist").unwrap().profile;
    assert!(tourist.residence_card.is_none());
    assert_eq!(tourist.cards_issued, 0);
    assert!(!tourist.registered);
    assert_eq!(tourist.status, Status::TemporaryVisitor);

    // Steps are sorted by time; equal times keep file order; `at` defaults to 09:00.
    let at = |y, m, day, h, min| d(y, m, day).and_time(NaiveTime::from_hms_opt(h, min, 0).unwrap());
    let line = |needle| pos_of(VALID, needle).0;
    let first: Vec<_> = s
        .steps
        .iter()
        .take(3)
        .map(|st| (st.at, st.resident, st.line))
        .collect();
    assert_eq!(
        first,
        [
            (at(2026, 10, 1, 8, 30), ResidentId(1), line("at: \"08:30\"")),
            (
                at(2026, 10, 1, 9, 0),
                ResidentId(0),
                line("tokutei: true") - 3
            ),
            (
                at(2026, 10, 1, 9, 0),
                ResidentId(1),
                line("do: collect_card")
            ),
        ]
    );
    assert!(s.steps.windows(2).all(|w| w[0].at <= w[1].at));
    let commands: Vec<&Command> = s.steps.iter().map(|st| &st.command).collect();
    assert_eq!(
        commands[0],
        &Command::NotifyMoveWithinMunicipality {
            resident: ResidentId(1),
            address: "4-5-6".into(),
            moved_on: d(2026, 9, 25),
            tokutei: false
        }
    );
    assert_eq!(
        commands[1],
        &Command::FileExtension {
            resident: ResidentId(0),
            channel: Channel::Counter,
            tokutei: true
        }
    );
    assert!(commands.contains(&&Command::DecideExtension {
        resident: ResidentId(0),
        decision: Decision::Grant {
            new_expiry: d(2029, 10, 31)
        },
        decided_on: None,
    }));
    assert!(commands.contains(&&Command::DecideExtension {
        resident: ResidentId(0),
        decision: Decision::Refuse,
        decided_on: None,
    }));
    assert!(commands.contains(&&Command::NotifyMoveOut {
        resident: ResidentId(2),
        to: "setagaya".into(),
        planned_on: d(2026, 11, 5),
        card_based: true
    }));
    assert!(commands.contains(&&Command::NotifyMoveIn {
        resident: ResidentId(2),
        municipality: "setagaya".into(),
        address: "7-8 Sangenjaya".into(),
        moved_on: d(2026, 11, 6),
        present_my_number_card: true,
        tokutei: false
    }));
    assert!(commands.contains(&&Command::FileExtension {
        resident: ResidentId(0),
        channel: Channel::Online,
        tokutei: false
    }));

    assert_eq!(s.expectations.len(), 3);
    let e = &s.expectations[0];
    assert_eq!(
        (e.on, e.resident, e.resident_key.as_str()),
        (d(2026, 11, 15), ResidentId(0), "mei")
    );
    let c = &e.checks;
    assert_eq!(
        c.cards.as_deref(),
        Some(&[CardKind::TokuteiResidenceCard][..])
    );
    assert_eq!(
        c.valid_through[&CardKind::TokuteiResidenceCard],
        d(2029, 10, 31)
    );
    assert_eq!(
        (c.my_number_usable, c.lawfully_resident),
        (Some(true), Some(true))
    );
    assert_eq!(c.visits[&Office::ImmigrationBureau], 2);
    assert_eq!(c.visits[&Office::CityHall], 0);
    assert_eq!(c.notifications["N3"], NotificationCount::Exactly(2));
    assert_eq!(c.notifications["N4"], NotificationCount::AtLeastOnce);
    assert_eq!(c.notifications["N2"], NotificationCount::Exactly(0));
    assert_eq!(c.events, ["PeriodOfStayExtended"]);
    assert_eq!(c.refusals, ["tokutei_online"]);
    assert_eq!(c.absent, ["DeadlineMissed", "N7", "nothing_pending"]);
    assert_eq!((c.outage_days, c.inconsistency_days), (Some(0), Some(3)));
    assert_eq!(s.expectations[1].checks.cards.as_deref(), Some(&[][..]));
    assert_eq!(s.expectations[1].line, line("{ on: 2026-12-31"));
    assert_eq!(s.residents[1].line, line("id: ken"));
}

#[test]
fn visits_per_municipality_and_office_records_are_read() {
    let s = parse("valid.yaml", VALID).unwrap();
    let c = &s.expectations[2].checks;
    let visits: Vec<(&str, u32)> = c
        .city_hall_visits
        .iter()
        .map(|(m, n)| (m.as_str(), *n))
        .collect();
    assert_eq!(visits, [("ikuno", 1), ("setagaya", 2)]);
    let city = &c.records[&RecordOffice::CityHall];
    assert_eq!(city.municipality.map(|m| m.as_str()), Some("setagaya"));
    assert_eq!(city.address.map(|a| a.as_str()), Some("7-8 Sangenjaya"));
    assert_eq!(city.my_number, Some(Change::Unchanged));
    assert_eq!((city.status, city.card_number), (None, None));
    let bureau = &c.records[&RecordOffice::ImmigrationBureau];
    assert_eq!(bureau.status, Some(Status::SpecialPermanentResident));
    assert_eq!(bureau.period_expiry, Some(None));
    assert_eq!(bureau.name, Some(Change::Unchanged));
    let jlis = &c.records[&RecordOffice::CardIssuer];
    assert_eq!(jlis.card_number, Some(Change::Changed));
}

#[test]
fn a_municipality_or_record_the_file_cannot_check_is_a_located_error() {
    // A city the resident never lives in or moves to: a check that could never pass.
    let (text, pos, msg) = error_after("{ ikuno: 1,", "{ ikunoo: 1,");
    assert_eq!(pos, pos_of(&text, "1, setagaya: 2"));
    assert_eq!(
        msg,
        "`ikunoo` is not a municipality of resident `sun` in this file; did you mean `ikuno`?"
    );
    // J-LIS keeps no address in this model.
    let (text, pos, msg) = error_after(
        "card_issuer: { card_number: changed }",
        "card_issuer: { address: 7-8 Sangenjaya }",
    );
    assert_eq!(pos, pos_of(&text, "7-8 Sangenjaya }"));
    assert_eq!(
        msg,
        "the card_issuer record keeps no `address` in this model; it can be asked about: \
         card_number"
    );
    // The bureau keeps no My Number.
    let (text, pos, msg) = error_after("name: unchanged }", "my_number: unchanged }");
    assert_eq!(pos, pos_of(&text, "unchanged }\n      card_issuer"));
    assert!(
        msg.starts_with("the immigration_bureau record keeps no `my_number`"),
        "{msg}"
    );
    // The police keep no record of this kind; a value that is not a change is named.
    let (text, pos, msg) = error_after("      card_issuer:", "      police:");
    assert_eq!(pos, pos_of(&text, "police:"));
    assert!(msg.starts_with("unknown variant `police`"), "{msg}");
    let (text, pos, msg) = error_after("{ card_number: changed }", "{ card_number: new }");
    assert_eq!(pos, pos_of(&text, "new }"));
    assert!(msg.starts_with("unknown variant `new`, expected"), "{msg}");
}

#[test]
fn a_pending_application_at_the_start_is_read_and_checked() {
    let kid = "    my_number_card: { issued_on: 2024-01-01 }\n";
    let with = |pending: &str| format!("{kid}    pending: {pending}\n");
    let text = VALID.replacen(
        kid,
        &with("{ procedure: status_change, to: student, filed_on: 2026-09-01, channel: online }"),
        1,
    );
    let s = parse("valid.yaml", &text).unwrap();
    assert_eq!(
        s.resident("kid").unwrap().profile.pending,
        Some(FiledApplication {
            procedure: Procedure::StatusChange,
            to: Some(Status::Student),
            channel: Channel::Online,
            filed_on: d(2026, 9, 1),
        })
    );
    assert_eq!(s.resident("mei").unwrap().profile.pending, None);

    let (text, pos, msg) = error_after(
        kid,
        &with("{ procedure: status_change, filed_on: 2026-09-01 }"),
    );
    assert_eq!(pos, pos_of(&text, "status_change, filed_on"));
    assert!(msg.contains("needs `to:`"), "{msg}");
    let (text, pos, msg) =
        error_after(kid, &with("{ procedure: extension, filed_on: 2026-09-15 }"));
    assert_eq!(pos, pos_of(&text, "2026-09-15 }"));
    assert!(
        msg.starts_with("a pending application is filed before `start` 2026-09-15"),
        "{msg}"
    );
    let (text, pos, msg) = error_after(
        kid,
        &with("{ procedure: extension, to: student, filed_on: 2026-09-01 }"),
    );
    assert_eq!(pos, pos_of(&text, "student, filed_on"));
    assert!(msg.contains("change of status only"), "{msg}");
    // A permanent resident has no period of stay to extend.
    let pr = "    residence_card: { issued_on: 2026-06-22 }\n";
    let (text, pos, msg) = error_after(
        pr,
        &format!("{pr}    pending: {{ procedure: extension, filed_on: 2026-09-01 }}\n"),
    );
    assert_eq!(pos, pos_of(&text, "extension, filed_on"));
    assert!(
        msg.starts_with("status permanent_resident has no period of stay"),
        "{msg}"
    );
}

#[test]
fn overrides_recompute_the_profiles() {
    let base = parse("valid.yaml", VALID).unwrap();
    // Under the legacy regime the amendment never operates: ken's card is first generation
    // with the old 7-year rule (§8.2 example: legacy 2033-06-21).
    let legacy = base.clone().with_regime(Regime::Legacy);
    assert_eq!(legacy.policy.regime, Regime::Legacy);
    let card = legacy
        .resident("ken")
        .unwrap()
        .profile
        .residence_card
        .clone()
        .unwrap();
    assert_eq!(
        (card.kind, card.valid_through),
        (CardKind::ResidenceCard, d(2033, 6, 21))
    );
    let via_parse = parse_with(
        "valid.yaml",
        VALID,
        Overrides {
            seed: None,
            regime: Some(Regime::Legacy),
        },
    )
    .unwrap();
    assert_eq!(via_parse, legacy);

    let reseeded = base.clone().with_seed(99);
    assert_eq!(reseeded.seed, 99);
    assert_eq!(
        reseeded.resident("mei").unwrap().profile.my_number,
        MyNumber::generate(99, 0)
    );
    let via_parse = parse_with(
        "valid.yaml",
        VALID,
        Overrides {
            seed: Some(99),
            regime: None,
        },
    )
    .unwrap();
    assert_eq!(via_parse, reseeded);
    assert_eq!(base.clone().with_overrides(Overrides::default()), base);
}

/// Line and column (1-based) of the first occurrence of `needle` in `text`.
fn pos_of(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

/// Replaces `from` by `to` in the valid scenario and returns the error.
fn error_after(from: &str, to: &str) -> (String, (usize, usize), String) {
    assert!(VALID.contains(from), "{from:?} not in VALID");
    let text = VALID.replacen(from, to, 1);
    match parse("bad.yaml", &text) {
        Ok(_) => panic!("{to:?} was accepted"),
        Err(ScenarioError::Invalid {
            file,
            line,
            column,
            problem,
        }) => {
            assert_eq!(file, "bad.yaml");
            (text, (line, column), problem.to_string())
        }
        Err(e) => panic!("unexpected {e}"),
    }
}

#[test]
fn a_japanese_title_and_description_are_read_and_checked() {
    assert_eq!(parse("valid.yaml", VALID).unwrap().ja, None);
    let text = VALID.replacen(
        "seed: 7",
        "ja:\n  name: 一体化制度での在留期間更新\n  description: |-\n    一行目。\n    二行目。\nseed: 7",
        1,
    );
    let s = parse("ja.yaml", &text).unwrap();
    assert_eq!(
        s.ja,
        Some(scenario::Japanese {
            name: "一体化制度での在留期間更新".into(),
            description: "一行目。\n二行目。".into(),
        })
    );
    // The English stays what it was.
    assert_eq!(s.name, "Extension under the integrated regime");
    // A title alone is enough.
    let text = VALID.replacen("seed: 7", "ja: { name: 更新 }\nseed: 7", 1);
    let ja = parse("ja.yaml", &text).unwrap().ja.unwrap();
    assert_eq!((ja.name.as_str(), ja.description.as_str()), ("更新", ""));
    // A misspelt key inside `ja:` is a located error naming the keys it takes.
    let (text, pos, msg) = error_after("seed: 7", "ja:\n  name: 更新\n  title: 更新\nseed: 7");
    assert_eq!(pos, pos_of(&text, "title: 更新"));
    assert!(
        msg.starts_with("unknown field `title`, expected `name` or `description`"),
        "{msg}"
    );
    // The title is required.
    let (_, _, msg) = error_after("seed: 7", "ja:\n  description: 説明\nseed: 7");
    assert!(msg.contains("missing field `name`"), "{msg}");
}

#[test]
fn a_bad_date_names_the_format() {
    let (text, pos, msg) = error_after("start: 2026-09-15", "start: 2026-13-01");
    assert_eq!(pos, pos_of(&text, "2026-13-01"));
    assert_eq!(msg, "no such date `2026-13-01`: there is no month 13");
}

#[test]
fn an_unknown_field_in_a_step_is_reported_at_the_key() {
    let (text, pos, msg) = error_after("    tokutei: true", "    tokuteii: true");
    assert_eq!(pos, pos_of(&text, "tokuteii"));
    assert!(
        msg.starts_with(
            "unknown field `tokuteii`, expected `tokutei` or `channel` for a `file_extension` step"
        ),
        "{msg}"
    );
    let (text, pos, msg) = error_after(
        "do: confirm_my_number_continuity }",
        "do: confirm_my_number_continuity, extra: 1 }",
    );
    assert_eq!(pos, pos_of(&text, "extra"));
    assert!(
        msg.contains("takes only `on`, `at`, `resident` and `do`"),
        "{msg}"
    );
}

#[test]
fn an_unknown_top_level_or_resident_field_is_reported_at_the_key() {
    let (text, pos, msg) = error_after("seed: 7", "sed: 7");
    assert_eq!(pos, pos_of(&text, "sed"));
    assert!(
        msg.starts_with("unknown field `sed`, expected one of"),
        "{msg}"
    );
    let (text, pos, msg) = error_after("    registered: false", "    registred: false");
    assert_eq!(pos, pos_of(&text, "registred"));
    assert!(msg.starts_with("unknown field `registred`"), "{msg}");
}

#[test]
fn an_unknown_step_kind_lists_the_kinds() {
    let (text, pos, msg) = error_after("do: file_extension\n", "do: file_extensionx\n");
    assert_eq!(pos, pos_of(&text, "file_extensionx"));
    assert!(
        msg.starts_with("unknown variant `file_extensionx`, expected one of `file_extension`, `decide_extension`"),
        "{msg}"
    );
}

#[test]
fn a_missing_do_names_the_step() {
    let (text, pos, msg) = error_after("do: collect_card }", "at: \"10:00\" }");
    assert_eq!(pos, pos_of(&text, "{ on: 2026-10-01, resident: ken, at"));
    assert!(msg.starts_with("missing field `do`"), "{msg}");
}

#[test]
fn a_misspelt_municipality_anywhere_is_a_located_error_with_the_known_spelling() {
    // Where a resident lives at the start.
    let (text, pos, msg) = error_after("    municipality: ikuno\n", "    municipality: shinjuk\n");
    assert_eq!(pos, pos_of(&text, "shinjuk\n"));
    assert_eq!(
        msg,
        "unknown municipality `shinjuk`; did you mean `shinjuku`?"
    );
    // Where a move-out goes (the move-in that follows names it too).
    let text = VALID
        .replacen("to: setagaya,", "to: setagayaa,", 1)
        .replacen("municipality: setagaya,", "municipality: setagayaa,", 1);
    match parse("bad.yaml", &text) {
        Err(ScenarioError::Invalid {
            line,
            column,
            problem,
            ..
        }) => {
            assert_eq!((line, column), pos_of(&text, "setagayaa,"));
            assert_eq!(
                problem.to_string(),
                "unknown municipality `setagayaa`; did you mean `setagaya`?"
            );
        }
        other => panic!("{other:?}"),
    }
    // A municipality of the scenario's own, or a real one zairyu does not list, is no typo.
    for own in ["springfield", "toda"] {
        let text = VALID.replace("ikuno", own);
        assert!(parse("own.yaml", &text).is_ok(), "{own} was refused");
    }
}

#[test]
fn a_move_in_elsewhere_than_the_move_out_said_is_a_located_error_with_a_suggestion() {
    let (text, pos, msg) = error_after(
        "do: move_in, municipality: setagaya,",
        "do: move_in, municipality: setagayaa,",
    );
    assert_eq!(pos, pos_of(&text, "setagayaa"));
    let move_out_line = pos_of(&text, "do: move_out").0;
    assert_eq!(
        msg,
        format!(
            "move-in at `setagayaa`, but the move-out on line {move_out_line} was to `setagaya`; \
             did you mean `setagaya`?"
        )
    );
    // Not a near miss: the message says what to change.
    let (_, _, msg) = error_after(
        "do: move_in, municipality: setagaya,",
        "do: move_in, municipality: shinjuku,",
    );
    assert!(
        msg.ends_with("file the move-in at `setagaya`, or change the move-out's `to:`"),
        "{msg}"
    );
}

#[test]
fn an_unknown_resident_suggests_the_nearest() {
    let (text, pos, msg) = error_after(
        "    resident: mei\n    do: file_extension",
        "    resident: meii\n    do: file_extension",
    );
    assert_eq!(pos, pos_of(&text, "meii"));
    assert_eq!(
        msg,
        "step refers to unknown resident `meii`; did you mean `mei`?"
    );
    let (text, pos, msg) = error_after(
        "{ on: 2026-12-31, resident: ken,",
        "{ on: 2026-12-31, resident: nobody,",
    );
    assert_eq!(pos, pos_of(&text, "nobody"));
    assert!(
        msg.starts_with("expectation refers to unknown resident `nobody`, expected one of `ken`"),
        "{msg}"
    );
}

#[test]
fn a_step_outside_the_run_is_rejected() {
    let (text, pos, msg) = error_after("on: 2026-11-09", "on: 2027-01-05");
    assert_eq!(pos, pos_of(&text, "2027-01-05"));
    assert_eq!(msg, "step date 2027-01-05 is after `until` 2026-12-31");
    let (text, pos, msg) = error_after("on: 2026-11-09", "on: 2026-09-01");
    assert_eq!(pos, pos_of(&text, "2026-09-01"));
    assert_eq!(msg, "step date 2026-09-01 is before `start` 2026-09-15");
    let (text, pos, msg) = error_after("until: 2026-12-31", "until: 2026-01-01");
    assert_eq!(pos, pos_of(&text, "2026-01-01"));
    assert_eq!(msg, "`until` 2026-01-01 is before `start` 2026-09-15");
}

#[test]
fn a_missing_period_expiry_is_reported_at_the_status() {
    let (text, pos, msg) = error_after(
        "    status: engineer_specialist_humanities\n    period_expiry: 2026-10-31\n",
        "    status: student\n",
    );
    assert_eq!(pos, pos_of(&text, "student"));
    assert_eq!(msg, "period_expiry is required for status student");
    let (text, pos, msg) = error_after(
        "    status: permanent_resident\n",
        "    status: permanent_resident\n    period_expiry: 2027-01-01\n",
    );
    assert_eq!(pos, pos_of(&text, "2027-01-01"));
    assert!(msg.contains("has no period of stay"), "{msg}");
}

#[test]
fn a_duplicate_resident_id_points_at_the_second() {
    let (text, pos, msg) = error_after("  - id: kid", "  - id: ken");
    let second = text.match_indices("id: ken").nth(1).unwrap().0;
    let line = text[..second].matches('\n').count() + 1;
    assert_eq!(pos, (line, 9));
    assert_eq!(
        msg,
        "duplicate resident id `ken` (first declared on line 23)"
    );
}

#[test]
fn step_field_combinations_and_types_are_checked() {
    let (text, pos, msg) = error_after(
        "    grant: 2029-10-31",
        "    grant: 2029-10-31\n    refuse: true",
    );
    assert_eq!(pos, pos_of(&text, "true\n  - {"));
    assert!(msg.contains("not both"), "{msg}");
    let (text, pos, msg) = error_after("    grant: 2029-10-31", "    grant: soon");
    assert_eq!(pos, pos_of(&text, "soon"));
    assert_eq!(msg, "expected a date YYYY-MM-DD, found `soon`");
    let (text, pos, msg) = error_after("at: \"08:30\"", "at: \"25:30\"");
    assert_eq!(pos, pos_of(&text, "\"25:30\""));
    assert!(msg.starts_with("expected a time of day HH:MM"), "{msg}");
    let (text, pos, msg) = error_after("channel: online", "channel: fax");
    assert_eq!(pos, pos_of(&text, "fax"));
    assert!(
        msg.starts_with("unknown variant `fax`, expected one of `counter`, `online`, `airport`"),
        "{msg}"
    );
    let (text, pos, msg) = error_after("    tokutei: true", "    tokutei: maybe");
    assert_eq!(pos, pos_of(&text, "maybe"));
    assert!(msg.contains("expected a boolean"), "{msg}");
}

#[test]
fn a_counter_step_on_a_closed_day_is_located_and_names_the_next_business_day() {
    // A Sunday at the city hall.
    let (text, pos, msg) = error_after(
        "{ on: 2026-11-09, resident: sun, do: confirm",
        "{ on: 2026-11-08, resident: sun, do: confirm",
    );
    assert_eq!(pos, pos_of(&text, "2026-11-08, resident: sun"));
    assert!(
        msg.starts_with("the city hall's window is closed on 2026-11-08, a Sunday")
            && msg.contains("the next business day is 2026-11-09")
            && msg.contains("sunday_counters: city_hall"),
        "{msg}"
    );
    // A national holiday, for a bureau decision.
    let (text, pos, msg) = error_after("  - on: 2026-10-20\n", "  - on: 2026-11-03\n");
    assert_eq!(pos, pos_of(&text, "2026-11-03"));
    assert!(
        msg.starts_with(
            "the immigration bureau does not decide on 2026-11-03, a national holiday (文化の日)"
        ) && msg.contains("the next business day is 2026-11-04"),
        "{msg}"
    );
    // The year-end closure, at the bureau's counter.
    let (_, _, msg) = error_after(
        "on: 2026-11-10, resident: mei, do: file_extension, channel: online",
        "on: 2026-12-30, resident: mei, do: file_extension, channel: counter",
    );
    assert!(
        msg.starts_with(
            "the immigration bureau's counter is closed on 2026-12-30, in the year-end closure"
        ) && msg.contains("the next business day is 2027-01-04"),
        "{msg}"
    );
    // Online, the same day is allowed; so is a Sunday at a city hall that opens on Sundays.
    let online = VALID.replacen(
        "on: 2026-11-10, resident: mei, do: file_extension",
        "on: 2026-12-30, resident: mei, do: file_extension",
        1,
    );
    assert!(parse("ok.yaml", &online).is_ok());
    let sunday = VALID
        .replacen(
            "{ on: 2026-11-09, resident: sun, do: confirm",
            "{ on: 2026-11-08, resident: sun, do: confirm",
            1,
        )
        .replacen(
            "  regime: integrated\n",
            "  regime: integrated\n  switches: { sunday_counters: city_hall }\n",
            1,
        );
    assert!(parse("ok.yaml", &sunday).is_ok());
}

#[test]
fn a_bureau_step_on_a_sunday_is_an_error_unless_the_policy_opens_the_bureau_on_sundays() {
    let on_sunday = |switch: &str| {
        let text = VALID.replacen(
            "on: 2026-11-10, resident: mei, do: file_extension, channel: online",
            "on: 2026-11-08, resident: mei, do: file_extension, channel: counter",
            1,
        );
        if switch.is_empty() {
            text
        } else {
            text.replacen(
                "  regime: integrated\n",
                &format!("  regime: integrated\n  switches: {{ sunday_counters: {switch} }}\n"),
                1,
            )
        }
    };
    // Closed by default, and when only the municipal windows open: the error names the switch.
    for switch in ["", "city_hall"] {
        let err = parse("sunday.yaml", &on_sunday(switch)).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("the immigration bureau's counter is closed on 2026-11-08, a Sunday")
                && msg.contains("sunday_counters: bureau_and_city_hall"),
            "{switch}: {msg}"
        );
    }
    assert!(parse("sunday.yaml", &on_sunday("bureau_and_city_hall")).is_ok());
}

#[test]
fn expectation_names_are_checked_against_the_model() {
    let (text, pos, msg) = error_after("[PeriodOfStayExtended]", "[PeriodOfStayExtend]");
    assert_eq!(pos, pos_of(&text, "PeriodOfStayExtend]"));
    assert_eq!(
        msg,
        "unknown event type `PeriodOfStayExtend`; did you mean `PeriodOfStayExtended`?"
    );
    let (text, pos, msg) = error_after("N4: at_least_once", "N10: 2");
    assert_eq!(pos, pos_of(&text, "N10"));
    assert!(msg.starts_with("unknown notification code `N10`"), "{msg}");
    let (text, pos, msg) = error_after("N4: at_least_once", "N4: at_least_twice");
    assert_eq!(pos, pos_of(&text, "at_least_twice"));
    assert!(
        msg.contains("a count (0, 1, 2 …) or `at_least_once`"),
        "{msg}"
    );
    let (text, pos, msg) = error_after("[DeadlineMissed, N7", "[DeadlineMised, N7");
    assert_eq!(pos, pos_of(&text, "DeadlineMised"));
    assert!(
        msg.starts_with("unknown event type, notification code or refusal rule `DeadlineMised`")
            && msg.contains("did you mean `DeadlineMissed`"),
        "{msg}"
    );
    let (text, pos, msg) = error_after("[tokutei_online]", "[tokutei_onlin]");
    assert_eq!(pos, pos_of(&text, "tokutei_onlin]"));
    assert!(msg.contains("did you mean `tokutei_online`"), "{msg}");
    let (text, pos, msg) = error_after("tokutei_residence_card: 2029", "tokutei_card: 2029");
    assert_eq!(pos, pos_of(&text, "tokutei_card"));
    assert!(msg.starts_with("unknown variant `tokutei_card`"), "{msg}");
    let (text, pos, msg) = error_after("immigration_bureau: 2", "bureau: 2");
    assert_eq!(pos, pos_of(&text, "bureau: 2"));
    assert!(msg.starts_with("unknown variant `bureau`"), "{msg}");
}

#[test]
fn yaml_syntax_and_policy_errors_are_located() {
    let (_, pos, msg) = error_after("  regime: integrated\n", "  regime: [integrated\n");
    assert!(pos.0 >= 9, "{pos:?}");
    assert!(!msg.is_empty());
    let (text, pos, msg) = error_after("regime: integrated", "regime: integrated2");
    assert_eq!(pos, pos_of(&text, "integrated2"));
    assert!(
        msg.starts_with("unknown variant `integrated2`, expected `legacy` or `integrated`"),
        "{msg}"
    );
    let (text, pos, msg) = error_after(
        "card_production_lead_time: 12d",
        "card_production_lead_time: soon",
    );
    assert_eq!(pos, pos_of(&text, "soon"));
    assert!(msg.starts_with("expected a duration"), "{msg}");
    let (text, pos, msg) = error_after("seed: 7", "seed: 7\nname: again");
    assert_eq!(pos, pos_of(&text, "name: again"));
    assert!(msg.contains("duplicate"), "{msg}");
}

#[test]
fn cards_for_residents_who_cannot_hold_them_are_rejected() {
    let (text, pos, msg) = error_after(
        "    registered: false\n",
        "    registered: false\n    residence_card: { issued_on: 2025-01-01 }\n",
    );
    assert_eq!(pos, pos_of(&text, "{ issued_on: 2025-01-01 }"));
    assert!(msg.contains("holds no residence card"), "{msg}");
    let (text, pos, msg) = error_after("{ issued_on: 2026-06-22 }", "{ issued_on: 2026-10-22 }");
    assert_eq!(pos, pos_of(&text, "2026-10-22"));
    assert_eq!(
        msg,
        "residence_card.issued_on 2026-10-22 is after `start` 2026-09-15"
    );
}

#[test]
fn errors_display_as_file_line_column_message() {
    let text = VALID.replacen("start: 2026-09-15", "start: 2026-13-01", 1);
    let err = parse("scenarios/x.yaml", &text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "scenarios/x.yaml:6:8: no such date `2026-13-01`: there is no month 13"
    );
    assert_eq!(err.position(), Some((6, 8)));
    let missing = scenario::load(std::path::Path::new("/nonexistent/zairyu.yaml")).unwrap_err();
    assert!(matches!(missing, ScenarioError::Io { .. }));
    assert!(
        missing
            .to_string()
            .starts_with("/nonexistent/zairyu.yaml: ")
    );
}

#[test]
fn the_schema_describes_the_top_level_keys_and_every_step_kind() {
    let schema = scenario::json_schema();
    let text = serde_json::to_string(&schema).unwrap();
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, schema);
    let props = schema["properties"].as_object().unwrap();
    for key in [
        "name",
        "seed",
        "start",
        "until",
        "policy",
        "residents",
        "steps",
        "expect",
    ] {
        assert!(props.contains_key(key), "schema lacks {key}");
    }
    assert_eq!(schema["additionalProperties"], false);
    for kind in scenario::StepKind::ALL {
        assert!(
            text.contains(&format!("\"const\":\"{}\"", kind.as_str())),
            "{kind:?}"
        );
    }
}

#[test]
fn load_and_discover_read_files_and_directories() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("teaching");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("b.yaml"), VALID).unwrap();
    std::fs::write(sub.join("a.yml"), VALID).unwrap();
    std::fs::write(sub.join("notes.txt"), "not a scenario").unwrap();
    let single = dir.path().join("single.scenario");
    std::fs::write(&single, VALID).unwrap();
    let found = scenario::discover(&[single.clone(), dir.path().to_path_buf()]).unwrap();
    assert_eq!(found, [single, sub.join("a.yml"), sub.join("b.yaml")]);
    let s = scenario::load(&found[1]).unwrap();
    assert_eq!(s.source, found[1].display().to_string());
    assert_eq!(s.hash, parse("x", VALID).unwrap().hash);
    std::fs::write(sub.join("bad.yaml"), b"name: x\n\xff\n").unwrap();
    let err = scenario::load(&sub.join("bad.yaml")).unwrap_err();
    assert_eq!(err.position(), Some((2, 1)));
}

#[test]
fn policy_switches_overlay_and_typos_are_caught() {
    let text = VALID.replacen(
        "  regime: integrated\n",
        "  regime: integrated\n  switches: { child_cap: no_cap, disposition_at: decision }\n  latency: { bureau_to_city_hall: 4h }\n",
        1,
    );
    let s = parse("p.yaml", &text).unwrap();
    assert_eq!(
        s.policy.switches.validity.child_cap,
        model::validity::ChildCapUnderAmendedLaw::NoCap
    );
    assert_eq!(
        s.policy.switches.disposition_at,
        model::policy::DispositionAt::Decision
    );
    assert_eq!(s.policy.latency.bureau_to_city_hall, Latency::hours(4));
    assert_eq!(
        s.policy.latency.city_hall_to_bureau,
        model::policy::Latencies::default().city_hall_to_bureau
    );
    let (text, pos, msg) = error_after(
        "  regime: integrated\n",
        "  regime: integrated\n  switches: { chld_cap: no_cap }\n",
    );
    assert_eq!(pos.0, pos_of(&text, "chld_cap").0);
    assert!(msg.contains("chld_cap"), "{msg}");
}

#[test]
fn given_tokutei_starting_card_under_integrated_regime_then_profile_holds_a_tokutei_card() {
    let text = r#"
name: t
start: 2026-08-01
until: 2026-12-31
policy: { regime: integrated }
residents:
  - id: mei
    born_on: 1995-04-12
    status: student
    period_expiry: 2027-03-31
    municipality: shinjuku
    address: a
    residence_card: { issued_on: 2026-07-01, tokutei: true }
steps: []
expect: []
"#;
    let s = scenario::parse("t.yaml", text).unwrap();
    let p = &s.residents[0].profile;
    let card = p.residence_card.as_ref().unwrap();
    assert_eq!(card.kind, model::card::CardKind::TokuteiResidenceCard);
    assert_eq!(card.valid_through.to_string(), "2027-03-31");
    // Certificates sit on the Tokutei card: capped by its validity (§8.5).
    assert_eq!(
        p.certificates
            .user_auth_through
            .map(|d| d.to_string())
            .as_deref(),
        Some("2027-03-31")
    );
    assert!(p.my_number_card.is_none());
}

#[test]
fn given_tokutei_starting_card_under_legacy_regime_then_located_error() {
    let text = "name: t\nstart: 2026-08-01\nuntil: 2026-12-31\npolicy: { regime: legacy }\nresidents:\n  - id: mei\n    born_on: 1995-04-12\n    status: student\n    period_expiry: 2027-03-31\n    municipality: shinjuku\n    address: a\n    residence_card: { issued_on: 2026-07-01, tokutei: true }\nsteps: []\nexpect: []\n";
    let err = scenario::parse("t.yaml", text).unwrap_err();
    assert_eq!(err.position(), Some((12, 55)), "{err}");
    assert!(err.to_string().contains("integrated regime"), "{err}");
}
