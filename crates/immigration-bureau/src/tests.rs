//! Given/when/then tests of the bureau's decisions (docs/domain.md §3, §4, §5.4, §6, §8, §14).
//!
//! `given` folds events into a fresh state with `apply` only; `when` runs `decide` with an
//! injected context; `then` compares the exact events and timers decided.

use super::*;
use chrono::NaiveDate;
use model::card::Certificates;
use model::card::{CardKind, ResidenceCard};
use model::card_number::ResidenceCardNumber;
use model::command::Decision as Outcome;
use model::command::{FiledApplication, ResidentProfile};
use model::ids::{Address, Municipality};
use model::machine::testing::{self, SEED, When, cmd, notice, then, then_with_timers};
use model::mynumber::MyNumber;
use model::policy::DispositionAt;
use model::policy::{Policy, Regime};
use model::procedure::{ChangedItem, ReissueReason};
use model::rules::{Consequence, Duty};
use model::service::Channel;
use model::status::Status;
use model::time::{SimTime, opening_time};

const R: ResidentId = ResidentId(0);

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 10:00 on the given day: counters are open.
fn at(y: i32, m: u32, day: u32) -> SimTime {
    opening_time(d(y, m, day)) + chrono::Duration::hours(1)
}

fn integrated() -> Policy {
    Policy::default()
}

fn legacy() -> Policy {
    Policy::with_regime(Regime::Legacy)
}

fn decided_at_decision() -> Policy {
    let mut p = Policy::default();
    p.switches.disposition_at = DispositionAt::Decision;
    p
}

// ---- given / when / then ----

fn given(events: &[Event]) -> ImmigrationBureau {
    testing::given(events)
}

// ---- fixtures ----

fn old_number() -> ResidenceCardNumber {
    ResidenceCardNumber::generate(SEED, R.0, 1)
}

fn old_card() -> ResidenceCard {
    ResidenceCard {
        kind: CardKind::ResidenceCard,
        number: old_number(),
        issued_on: d(2023, 9, 20),
        valid_through: d(2026, 9, 30),
    }
}

fn profile(status: Status, period_expiry: Option<NaiveDate>) -> ResidentProfile {
    ResidentProfile {
        name: "mei".into(),
        born_on: d(1990, 4, 1),
        status,
        period_expiry,
        municipality: "shinjuku".into(),
        address: "1-2-3 Nishi-Shinjuku".into(),
        registered: true,
        my_number: MyNumber::generate(SEED, 0),
        residence_card: Some(old_card()),
        my_number_card: None,
        certificates: Certificates::default(),
        cards_issued: 1,
        pending: None,
    }
}

/// An engineer whose period of stay ends on 2026-09-30.
fn opened() -> Event {
    opened_as(
        Status::EngineerSpecialistHumanities,
        Some(d(2026, 9, 30)),
        true,
    )
}

fn opened_as(status: Status, period_expiry: Option<NaiveDate>, registered: bool) -> Event {
    Event::ImmigrationRecordOpened {
        resident: R,
        born_on: d(1990, 4, 1),
        status,
        period_expiry,
        card: Some(old_card()),
        municipality: "shinjuku".into(),
        address: "1-2-3 Nishi-Shinjuku".into(),
        registered,
        cards_issued: 1,
    }
}

fn applied(channel: Channel, filed_on: NaiveDate) -> Event {
    Event::ExtensionApplied {
        resident: R,
        channel,
        filed_on,
        expiry_at_filing: Some(d(2026, 9, 30)),
    }
}

fn tokutei_accepted() -> Event {
    Event::TokuteiApplicationAccepted {
        resident: R,
        attached_to: Procedure::Extension,
    }
}

fn granted(new_expiry: NaiveDate) -> Event {
    Event::ExtensionGranted {
        resident: R,
        new_expiry,
    }
}

fn ready(kind: CardKind) -> Event {
    Event::CardReadyForCollection {
        resident: R,
        kind,
        at: Office::ImmigrationBureau,
    }
}

fn file(channel: Channel, tokutei: bool) -> Input {
    cmd(Command::FileExtension {
        resident: R,
        channel,
        tokutei,
    })
}

fn grant(new_expiry: NaiveDate) -> Input {
    cmd(Command::DecideExtension {
        resident: R,
        decision: Outcome::Grant { new_expiry },
        decided_on: None,
    })
}

fn collect() -> Input {
    cmd(Command::CollectCard { resident: R })
}

fn visit_for(procedure: Procedure) -> Event {
    Event::CounterVisited {
        resident: R,
        office: Office::ImmigrationBureau,
        municipality: None,
        procedure,
    }
}

fn tokutei_refused(rule: RefusalRule) -> Event {
    Event::TokuteiApplicationRefused {
        resident: R,
        attached_to: Procedure::Extension,
        rule,
    }
}

fn refused_by(procedure: Procedure, rule: RefusalRule) -> Event {
    Event::ProcedureRefused {
        resident: R,
        procedure,
        rule,
    }
}

fn nothing_pending(procedure: Procedure) -> Event {
    Event::ProcedureRefused {
        resident: R,
        procedure,
        rule: RefusalRule::NothingPending,
    }
}

// ---- enrolment ----

#[test]
fn given_no_record_when_resident_enrolled_then_immigration_record_opened_with_profile() {
    let input = cmd(Command::EnrolResident {
        resident: R,
        profile: std::sync::Arc::new(profile(
            Status::EngineerSpecialistHumanities,
            Some(d(2026, 9, 30)),
        )),
    });
    let mut bureau = given(&[]);
    let decision = bureau.handle(
        &input,
        &Context {
            now: at(2026, 7, 1),
            policy: &integrated(),
            seed: SEED,
        },
    );
    then(&decision, &[opened()]);
    let rec = bureau.record(R).expect("record opened");
    assert_eq!(rec.period_expiry, Some(d(2026, 9, 30)));
    assert_eq!(rec.card, Some(old_card()));
    assert_eq!(rec.pending, None);
}

#[test]
fn given_no_record_when_resident_enrolled_with_a_pending_extension_then_the_application_is_on_record()
 {
    let mut p = profile(Status::EngineerSpecialistHumanities, Some(d(2026, 9, 30)));
    p.pending = Some(FiledApplication {
        procedure: Procedure::Extension,
        to: None,
        channel: Channel::Online,
        filed_on: d(2026, 9, 1),
    });
    let input = cmd(Command::EnrolResident {
        resident: R,
        profile: std::sync::Arc::new(p),
    });
    let mut bureau = given(&[]);
    let context = Context {
        now: at(2026, 10, 5),
        policy: &legacy(),
        seed: SEED,
    };
    let decision = bureau.handle(&input, &context);
    // Filed before the run: no visit, the filing day as written, the period at filing.
    then(
        &decision,
        &[opened(), applied(Channel::Online, d(2026, 9, 1))],
    );
    let rec = bureau.record(R).expect("record opened");
    assert_eq!(
        rec.pending.as_ref().map(|p| (p.procedure, p.filed_on)),
        Some((Procedure::Extension, d(2026, 9, 1)))
    );
    // The decision needs no step that filed it.
    let decision = bureau.when(&legacy(), at(2026, 10, 6), grant(d(2029, 9, 30)));
    assert!(
        decision
            .events
            .iter()
            .any(|e| matches!(e, Event::ExtensionGranted { .. })),
        "{decision:?}"
    );
}

// ---- filing an extension (§5.4) ----

#[test]
fn given_record_when_extension_filed_at_counter_then_counter_visited_and_extension_applied() {
    let decision =
        given(&[opened()]).when(&legacy(), at(2026, 7, 1), file(Channel::Counter, false));
    then(
        &decision,
        &[
            visit_for(Procedure::Extension),
            Event::ExtensionApplied {
                resident: R,
                channel: Channel::Counter,
                filed_on: d(2026, 7, 1),
                expiry_at_filing: Some(d(2026, 9, 30)),
            },
        ],
    );
}

#[test]
fn given_record_when_extension_filed_online_then_no_counter_visit() {
    let decision = given(&[opened()]).when(&legacy(), at(2026, 7, 1), file(Channel::Online, false));
    then(&decision, &[applied(Channel::Online, d(2026, 7, 1))]);
}

#[test]
fn given_integrated_regime_after_counters_open_when_tokutei_attached_at_counter_then_accepted() {
    let decision =
        given(&[opened()]).when(&integrated(), at(2026, 6, 15), file(Channel::Counter, true));
    then(
        &decision,
        &[
            visit_for(Procedure::Extension),
            applied(Channel::Counter, d(2026, 6, 15)),
            tokutei_accepted(),
        ],
    );
}

#[test]
fn given_integrated_regime_when_tokutei_attached_online_then_tokutei_refused_but_extension_applied()
{
    let decision =
        given(&[opened()]).when(&integrated(), at(2026, 7, 1), file(Channel::Online, true));
    then(
        &decision,
        &[
            applied(Channel::Online, d(2026, 7, 1)),
            tokutei_refused(RefusalRule::TokuteiOnline),
        ],
    );
}

#[test]
fn given_tokutei_refused_online_when_extension_granted_then_standard_card_not_tokutei() {
    // The attached procedure goes on without the Tokutei application (§4, §11).
    let bureau = given(&[
        opened(),
        applied(Channel::Online, d(2026, 7, 1)),
        tokutei_refused(RefusalRule::TokuteiOnline),
    ]);
    let decision = bureau.when(&integrated(), at(2026, 7, 15), grant(d(2029, 9, 30)));
    // Applied online, the standard card is mailed (§5 "Card by post").
    then_with_timers(
        &decision,
        &[
            granted(d(2029, 9, 30)),
            mailed(CardKind::NewFormatResidenceCard, d(2026, 7, 19)),
        ],
        &[(at(2026, 7, 19), deliver())],
    );
}

#[test]
fn given_legacy_regime_when_tokutei_attached_then_refused_not_in_regime() {
    let decision = given(&[opened()]).when(&legacy(), at(2026, 7, 1), file(Channel::Counter, true));
    then(
        &decision,
        &[
            visit_for(Procedure::Extension),
            applied(Channel::Counter, d(2026, 7, 1)),
            tokutei_refused(RefusalRule::TokuteiNotInRegime),
        ],
    );
}

#[test]
fn given_integrated_regime_before_start_date_when_tokutei_attached_then_refused_before_start() {
    let decision =
        given(&[opened()]).when(&integrated(), at(2026, 6, 1), file(Channel::Counter, true));
    then(
        &decision,
        &[
            visit_for(Procedure::Extension),
            applied(Channel::Counter, d(2026, 6, 1)),
            tokutei_refused(RefusalRule::TokuteiBeforeStartDate {
                start_date: d(2026, 6, 14),
            }),
        ],
    );
}

#[test]
fn given_start_day_is_sunday_when_tokutei_attached_at_bureau_then_counter_not_open() {
    let decision =
        given(&[opened()]).when(&integrated(), at(2026, 6, 14), file(Channel::Counter, true));
    assert_eq!(
        decision.events.last(),
        Some(&tokutei_refused(RefusalRule::TokuteiCounterNotOpen {
            opens_on: d(2026, 6, 15),
        }))
    );
}

#[test]
fn given_resident_not_in_register_when_tokutei_attached_then_refused_not_in_register() {
    let unregistered = opened_as(
        Status::EngineerSpecialistHumanities,
        Some(d(2026, 9, 30)),
        false,
    );
    let decision =
        given(&[unregistered]).when(&integrated(), at(2026, 7, 1), file(Channel::Counter, true));
    assert_eq!(
        decision.events.last(),
        Some(&tokutei_refused(RefusalRule::TokuteiNotInResidentRegister))
    );
}

#[test]
fn given_permanent_resident_without_period_of_stay_when_extension_filed_then_refused() {
    let pr = opened_as(Status::PermanentResident, None, true);
    let decision = given(&[pr]).when(&integrated(), at(2026, 7, 1), file(Channel::Counter, true));
    then(
        &decision,
        &[
            visit_for(Procedure::Extension),
            refused_by(Procedure::Extension, RefusalRule::NoPeriodOfStay),
        ],
    );
}

#[test]
fn given_pending_extension_when_filed_again_then_refused() {
    let bureau = given(&[opened(), applied(Channel::Counter, d(2026, 7, 1))]);
    let decision = bureau.when(&legacy(), at(2026, 7, 2), file(Channel::Counter, false));
    then(
        &decision,
        &[
            visit_for(Procedure::Extension),
            refused_by(Procedure::Extension, RefusalRule::AlreadyPending),
        ],
    );
}

// ---- deciding an extension ----

#[test]
fn given_legacy_regime_when_extension_granted_then_standard_card_ready_same_day() {
    let bureau = given(&[opened(), applied(Channel::Counter, d(2026, 7, 1))]);
    let decision = bureau.when(&legacy(), at(2026, 7, 15), grant(d(2029, 9, 30)));
    then(
        &decision,
        &[granted(d(2029, 9, 30)), ready(CardKind::ResidenceCard)],
    );
}

#[test]
fn given_integrated_regime_after_start_when_extension_granted_then_new_format_card_ready() {
    let bureau = given(&[opened(), applied(Channel::Counter, d(2026, 7, 1))]);
    let decision = bureau.when(&integrated(), at(2026, 7, 15), grant(d(2029, 9, 30)));
    then(
        &decision,
        &[
            granted(d(2029, 9, 30)),
            ready(CardKind::NewFormatResidenceCard),
        ],
    );
}

#[test]
fn given_integrated_regime_before_start_when_extension_granted_then_old_format_card_ready() {
    let bureau = given(&[opened(), applied(Channel::Counter, d(2026, 5, 20))]);
    let decision = bureau.when(&integrated(), at(2026, 6, 10), grant(d(2029, 9, 30)));
    then(
        &decision,
        &[granted(d(2029, 9, 30)), ready(CardKind::ResidenceCard)],
    );
}

#[test]
fn given_tokutei_accepted_when_extension_granted_then_tokutei_card_requested_through_new_expiry() {
    let bureau = given(&[
        opened(),
        applied(Channel::Counter, d(2026, 7, 1)),
        tokutei_accepted(),
    ]);
    let decision = bureau.when(&integrated(), at(2026, 7, 15), grant(d(2029, 9, 30)));
    then(
        &decision,
        &[
            granted(d(2029, 9, 30)),
            Event::TokuteiCardRequested {
                resident: R,
                kind: CardKind::TokuteiResidenceCard,
                valid_through: d(2029, 9, 30),
                collect_at: Office::ImmigrationBureau,
            },
        ],
    );
}

#[test]
fn given_nothing_pending_when_extension_decided_then_refused_nothing_pending() {
    let decision = given(&[opened()]).when(&integrated(), at(2026, 7, 15), grant(d(2029, 9, 30)));
    then(&decision, &[nothing_pending(Procedure::Extension)]);
}

#[test]
fn given_extension_already_granted_when_decided_again_then_refused_nothing_pending() {
    let bureau = given(&[
        opened(),
        applied(Channel::Counter, d(2026, 7, 1)),
        granted(d(2029, 9, 30)),
    ]);
    let decision = bureau.when(&integrated(), at(2026, 7, 16), grant(d(2030, 9, 30)));
    then(&decision, &[nothing_pending(Procedure::Extension)]);
}

#[test]
fn given_pending_extension_when_refused_then_extension_refused_and_application_closed() {
    let mut bureau = given(&[opened(), applied(Channel::Counter, d(2026, 7, 1))]);
    let refuse = cmd(Command::DecideExtension {
        resident: R,
        decision: Outcome::Refuse,
        decided_on: None,
    });
    let policy = integrated();
    let ctx = Context {
        now: at(2026, 7, 15),
        policy: &policy,
        seed: SEED,
    };
    let decision = bureau.handle(&refuse, &ctx);
    then(
        &decision,
        &[Event::ExtensionRefused {
            resident: R,
            expiry: Some(d(2026, 9, 30)),
        }],
    );
    // Nothing is pending any more, so a second decision is refused.
    let again = bureau.when(&policy, at(2026, 7, 16), grant(d(2029, 9, 30)));
    then(&again, &[nothing_pending(Procedure::Extension)]);
}

// ---- collecting the card (§5.4, §14) ----

#[test]
fn given_standard_card_ready_when_collected_then_period_extended_and_new_card_issued() {
    let bureau = given(&[
        opened(),
        applied(Channel::Counter, d(2026, 7, 1)),
        granted(d(2029, 9, 30)),
        ready(CardKind::NewFormatResidenceCard),
    ]);
    let decision = bureau.when(&integrated(), at(2026, 7, 15), collect());
    let new_number = ResidenceCardNumber::generate(SEED, R.0, 2);
    then(
        &decision,
        &[
            visit_for(Procedure::CardCollection),
            Event::PeriodOfStayExtended {
                resident: R,
                previous_expiry: Some(d(2026, 9, 30)),
                new_expiry: d(2029, 9, 30),
            },
            Event::ResidenceCardIssued {
                resident: R,
                card: ResidenceCard {
                    kind: CardKind::NewFormatResidenceCard,
                    number: new_number,
                    issued_on: d(2026, 7, 15),
                    valid_through: d(2029, 9, 30),
                },
                replaces: Some(old_number()),
            },
        ],
    );
    assert_ne!(
        new_number,
        old_number(),
        "every issuance gets a new number (§14)"
    );
}

#[test]
fn given_disposition_at_decision_when_extension_granted_then_period_extended_at_decision() {
    let bureau = given(&[opened(), applied(Channel::Counter, d(2026, 7, 1))]);
    let decision = bureau.when(
        &decided_at_decision(),
        at(2026, 7, 15),
        grant(d(2029, 9, 30)),
    );
    then(
        &decision,
        &[
            granted(d(2029, 9, 30)),
            Event::PeriodOfStayExtended {
                resident: R,
                previous_expiry: Some(d(2026, 9, 30)),
                new_expiry: d(2029, 9, 30),
            },
            ready(CardKind::NewFormatResidenceCard),
        ],
    );
}

#[test]
fn given_disposition_at_decision_when_card_collected_then_no_second_extension_event() {
    let bureau = given(&[
        opened(),
        applied(Channel::Counter, d(2026, 7, 1)),
        granted(d(2029, 9, 30)),
        Event::PeriodOfStayExtended {
            resident: R,
            previous_expiry: Some(d(2026, 9, 30)),
            new_expiry: d(2029, 9, 30),
        },
        ready(CardKind::NewFormatResidenceCard),
    ]);
    let decision = bureau.when(&decided_at_decision(), at(2026, 7, 16), collect());
    then(
        &decision,
        &[
            visit_for(Procedure::CardCollection),
            Event::ResidenceCardIssued {
                resident: R,
                card: ResidenceCard {
                    kind: CardKind::NewFormatResidenceCard,
                    number: ResidenceCardNumber::generate(SEED, R.0, 2),
                    issued_on: d(2026, 7, 16),
                    valid_through: d(2029, 9, 30),
                },
                replaces: Some(old_number()),
            },
        ],
    );
}

#[test]
fn given_no_card_ready_when_collecting_then_refused_nothing_pending() {
    let bureau = given(&[
        opened(),
        applied(Channel::Counter, d(2026, 7, 1)),
        tokutei_accepted(),
        granted(d(2029, 9, 30)),
    ]);
    let decision = bureau.when(&integrated(), at(2026, 7, 16), collect());
    // The resident came to the counter for nothing: the visit counts.
    then(
        &decision,
        &[
            visit_for(Procedure::CardCollection),
            nothing_pending(Procedure::CardCollection),
        ],
    );
}

#[test]
fn given_two_collections_when_cards_issued_then_each_has_a_new_number() {
    let policy = legacy();
    let mut bureau = given(&[opened()]);
    let mut numbers = vec![old_number()];
    for (year, day) in [(2026, 1), (2029, 2)] {
        let ctx = Context {
            now: at(year, 7, day),
            policy: &policy,
            seed: SEED,
        };
        bureau.handle(&file(Channel::Counter, false), &ctx);
        bureau.handle(&grant(d(year + 3, 9, 30)), &ctx);
        let decision = bureau.handle(&collect(), &ctx);
        let Some(Event::ResidenceCardIssued { card, replaces, .. }) = decision.events.last() else {
            panic!("no card issued: {decision:?}");
        };
        assert_eq!(replaces.as_ref(), numbers.last());
        assert_eq!(card.valid_through, d(year + 3, 9, 30));
        numbers.push(card.number);
    }
    assert_eq!(bureau.record(R).unwrap().cards_issued, 3);
    let mut distinct = numbers.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), numbers.len(), "numbers reused: {numbers:?}");
}

// ---- notices (N1, N5) ----

#[test]
fn given_tokutei_in_production_when_card_issuer_reports_it_produced_then_card_ready() {
    let bureau = given(&[
        opened(),
        applied(Channel::Counter, d(2026, 7, 1)),
        tokutei_accepted(),
        granted(d(2029, 9, 30)),
    ]);
    let produced = Event::TokuteiCardProduced {
        resident: R,
        kind: CardKind::TokuteiResidenceCard,
    };
    let decision = bureau.when(
        &integrated(),
        at(2026, 7, 25),
        notice(Service::CardIssuer, produced),
    );
    then(&decision, &[ready(CardKind::TokuteiResidenceCard)]);
}

#[test]
fn given_record_when_move_within_municipality_notified_then_address_recorded() {
    let moved = Event::MovedWithinMunicipality {
        resident: R,
        municipality: "shinjuku".into(),
        address: "4-5-6 Okubo".into(),
        moved_on: d(2026, 7, 1),
        written_on: vec![CardKind::ResidenceCard],
    };
    let decision = given(&[opened()]).when(
        &integrated(),
        at(2026, 7, 3),
        notice(Service::CityHall, moved),
    );
    then(
        &decision,
        &[Event::AddressRecorded {
            resident: R,
            municipality: "shinjuku".into(),
            address: "4-5-6 Okubo".into(),
        }],
    );
}

#[test]
fn given_record_when_move_in_notified_then_new_municipality_and_address_recorded() {
    let moved_in = Event::MoveInRecorded {
        resident: R,
        municipality: "setagaya".into(),
        from: Some("shinjuku".into()),
        address: "7-8-9 Sangenjaya".into(),
        moved_on: d(2026, 7, 1),
        written_on: vec![CardKind::ResidenceCard],
    };
    let mut bureau = given(&[opened()]);
    let policy = integrated();
    let ctx = Context {
        now: at(2026, 7, 3),
        policy: &policy,
        seed: SEED,
    };
    let decision = bureau.handle(&notice(Service::CityHall, moved_in), &ctx);
    then(
        &decision,
        &[Event::AddressRecorded {
            resident: R,
            municipality: "setagaya".into(),
            address: "7-8-9 Sangenjaya".into(),
        }],
    );
    let rec = bureau.record(R).unwrap();
    assert_eq!(rec.municipality, Municipality::from("setagaya"));
    assert_eq!(rec.address, Address::from("7-8-9 Sangenjaya"));
}

#[test]
fn given_a_later_address_taken_up_when_an_older_move_notice_arrives_then_it_is_ignored() {
    // Two moves whose N1 notices cross (issue 8): the move into Setagaya (the resident's event
    // 20) was taken up first; the earlier move within Shinjuku (event 12) arrives late, and the
    // bureau keeps Setagaya, naming both addresses.
    let later = Event::AddressRecorded {
        resident: R,
        municipality: "setagaya".into(),
        address: "7-8-9 Sangenjaya".into(),
    };
    let older = Event::MovedWithinMunicipality {
        resident: R,
        municipality: "shinjuku".into(),
        address: "4-5-6 Okubo".into(),
        moved_on: d(2026, 7, 1),
        written_on: vec![CardKind::ResidenceCard],
    };
    let late = |order| Input::Notice {
        from: Service::CityHall,
        event: older.clone(),
        number: 12,
        order,
    };
    let taken =
        model::machine::NoticeOrder::default().taken_up(&[model::rules::RecordItem::Address], 20);
    let decision = given(&[opened(), later]).when(&integrated(), at(2026, 7, 9), late(taken));
    then(
        &decision,
        &[Event::OlderAddressNoticeIgnored {
            resident: R,
            notified_municipality: "shinjuku".into(),
            notified_address: "4-5-6 Okubo".into(),
            kept_municipality: "setagaya".into(),
            kept_address: "7-8-9 Sangenjaya".into(),
        }],
    );
    // In order (the move within came first), the same notice is recorded.
    let decision = given(&[opened()]).when(&integrated(), at(2026, 7, 9), late(Default::default()));
    then(
        &decision,
        &[Event::AddressRecorded {
            resident: R,
            municipality: "shinjuku".into(),
            address: "4-5-6 Okubo".into(),
        }],
    );
}

#[test]
fn given_no_record_when_notice_arrives_then_nothing_decided() {
    let produced = Event::TokuteiCardProduced {
        resident: R,
        kind: CardKind::TokuteiResidenceCard,
    };
    let decision = given(&[]).when(
        &integrated(),
        at(2026, 7, 25),
        notice(Service::CardIssuer, produced),
    );
    then(&decision, &[]);
}

// ---- whole flows: handle = decide + apply, and apply alone rebuilds the state ----

#[test]
fn given_integrated_regime_when_tokutei_extension_runs_end_to_end_then_tokutei_card_issued_at_collection()
 {
    let policy = integrated();
    let ctx = |now| Context {
        now,
        policy: &policy,
        seed: SEED,
    };
    let mut bureau = given(&[opened()]);
    let mut log = vec![opened()];
    let mut step = |bureau: &mut ImmigrationBureau, input: Input, now: SimTime| {
        let decision = bureau.handle(&input, &ctx(now));
        log.extend(decision.events.iter().cloned());
        decision
    };
    step(&mut bureau, file(Channel::Counter, true), at(2026, 7, 1));
    let decided = step(&mut bureau, grant(d(2029, 9, 30)), at(2026, 7, 15));
    assert!(
        !decided
            .events
            .iter()
            .any(|e| matches!(e, Event::PeriodOfStayExtended { .. })),
        "by default the extension takes effect at card issuance"
    );
    let produced = Event::TokuteiCardProduced {
        resident: R,
        kind: CardKind::TokuteiResidenceCard,
    };
    step(
        &mut bureau,
        notice(Service::CardIssuer, produced),
        at(2026, 7, 25),
    );
    let collected = step(&mut bureau, collect(), at(2026, 7, 27));
    assert_eq!(
        collected.events,
        vec![
            visit_for(Procedure::CardCollection),
            Event::PeriodOfStayExtended {
                resident: R,
                previous_expiry: Some(d(2026, 9, 30)),
                new_expiry: d(2029, 9, 30),
            },
            Event::ResidenceCardIssued {
                resident: R,
                card: ResidenceCard {
                    kind: CardKind::TokuteiResidenceCard,
                    number: ResidenceCardNumber::generate(SEED, R.0, 2),
                    issued_on: d(2026, 7, 27),
                    valid_through: d(2029, 9, 30),
                },
                replaces: Some(old_number()),
            },
        ]
    );
    let rec = bureau.record(R).unwrap();
    assert_eq!(rec.period_expiry, Some(d(2029, 9, 30)));
    assert_eq!(rec.pending, None);
    assert_eq!(rec.ready, None);
    // Replaying the log with `apply` alone gives the same record.
    assert_eq!(given(&log).record(R), Some(rec));
}

// ---- a special permanent resident's filings forwarded by the municipality (§5.8) ----

fn spr_opened() -> Event {
    opened_as(Status::SpecialPermanentResident, None, true)
}

fn spr_forwarded(
    procedure: Procedure,
    reissue: Option<ReissueReason>,
    item_change: Option<(ChangedItem, NaiveDate)>,
    tokutei: bool,
) -> Input {
    notice(
        Service::CityHall,
        Event::SprApplicationForwarded {
            resident: R,
            procedure,
            reissue,
            item_change,
            tokutei,
            filed_on: d(2026, 9, 7),
        },
    )
}

#[test]
fn given_an_spr_when_an_item_change_is_forwarded_then_recorded_and_the_certificate_waits_at_the_city_hall()
 {
    let decision = given(&[spr_opened()]).when(
        &legacy(),
        at(2026, 9, 8),
        spr_forwarded(
            Procedure::ItemChange,
            None,
            Some((ChangedItem::Name, d(2026, 9, 1))),
            false,
        ),
    );
    then(
        &decision,
        &[
            Event::ItemChangeNotified {
                resident: R,
                item: ChangedItem::Name,
                changed_on: d(2026, 9, 1),
            },
            Event::CardApplicationReceived {
                resident: R,
                procedure: Procedure::ItemChange,
                reissue: None,
            },
            Event::CardReadyForCollection {
                resident: R,
                kind: CardKind::SprCertificate,
                at: Office::CityHall,
            },
        ],
    );
}

#[test]
fn given_an_spr_when_an_item_change_filed_late_at_the_window_is_forwarded_then_lateness_counts_from_the_window_day()
 {
    // Changed on 08-01, filed at the window on 09-07 (the forwarded `filed_on`): late (§10),
    // however soon the notice reaches the bureau.
    let decision = given(&[spr_opened()]).when(
        &legacy(),
        at(2026, 9, 8),
        spr_forwarded(
            Procedure::ItemChange,
            None,
            Some((ChangedItem::Name, d(2026, 8, 1))),
            false,
        ),
    );
    assert!(
        decision
            .events
            .iter()
            .any(|e| matches!(e, Event::DeadlineMissed { .. })),
        "{:?}",
        decision.events
    );
}

#[test]
fn given_an_spr_when_a_loss_reissue_without_police_report_is_forwarded_then_refused() {
    let lost = ReissueReason::Lost {
        learned_on: d(2026, 9, 1),
        reported_on: None,
    };
    let decision = given(&[spr_opened()]).when(
        &legacy(),
        at(2026, 9, 8),
        spr_forwarded(Procedure::LossReissue, Some(lost), None, false),
    );
    then(
        &decision,
        &[refused_by(
            Procedure::LossReissue,
            RefusalRule::PoliceReportMissing,
        )],
    );
}

#[test]
fn given_an_spr_when_a_reissue_with_tokutei_is_forwarded_then_a_tokutei_spr_certificate_is_produced_for_the_city_hall()
 {
    let decision = given(&[spr_opened()]).when(
        &integrated(),
        at(2026, 9, 8),
        spr_forwarded(Procedure::Reissue, Some(ReissueReason::Damaged), None, true),
    );
    let requested = decision.events.iter().find_map(|e| match e {
        Event::TokuteiCardRequested {
            kind, collect_at, ..
        } => Some((*kind, *collect_at)),
        _ => None,
    });
    assert_eq!(
        requested,
        Some((CardKind::TokuteiSprCertificate, Office::CityHall)),
        "{:?}",
        decision.events
    );
}

#[test]
fn given_an_spr_when_a_tokutei_application_made_with_a_move_is_forwarded_then_collected_at_the_city_hall_whatever_the_pickup_switch()
 {
    // §16.7's switch decides only for other residents: an SPR's certificate is handed over at
    // the municipality, as for the SPR's other procedures.
    let mut p = integrated();
    p.switches.municipal_tokutei_pickup = model::policy::MunicipalTokuteiPickup::BureauCounter;
    let decision = given(&[spr_opened()]).when(
        &p,
        at(2026, 9, 8),
        notice(
            Service::CityHall,
            Event::ApplicationForwarded {
                resident: R,
                procedure: Procedure::MoveWithinMunicipality,
                tokutei: true,
                filed_on: d(2026, 9, 7),
            },
        ),
    );
    assert!(
        decision.events.iter().any(|e| matches!(
            e,
            Event::TokuteiCardRequested {
                collect_at: Office::CityHall,
                ..
            }
        )),
        "{:?}",
        decision.events
    );
}

// ---- the card by post (§5 "Card by post") ----

fn mailed(kind: CardKind, arrives_on: NaiveDate) -> Event {
    Event::CardMailed {
        resident: R,
        kind,
        arrives_on,
    }
}

fn deliver() -> Command {
    Command::DeliverMailedCard { resident: R }
}

#[test]
fn given_an_online_extension_when_granted_then_the_card_is_mailed_unless_the_switch_says_counter() {
    let bureau = given(&[opened(), applied(Channel::Online, d(2026, 7, 1))]);
    let decision = bureau.when(&legacy(), at(2026, 7, 15), grant(d(2029, 9, 30)));
    then_with_timers(
        &decision,
        &[
            granted(d(2029, 9, 30)),
            mailed(CardKind::ResidenceCard, d(2026, 7, 19)),
        ],
        &[(at(2026, 7, 19), deliver())],
    );
    let mut counter = legacy();
    counter.switches.online_card_delivery = model::policy::OnlineCardDelivery::Counter;
    let decision = bureau.when(&counter, at(2026, 7, 15), grant(d(2029, 9, 30)));
    then(
        &decision,
        &[granted(d(2029, 9, 30)), ready(CardKind::ResidenceCard)],
    );
    // An application made at the counter is collected there whatever the switch.
    let bureau = given(&[opened(), applied(Channel::Counter, d(2026, 7, 1))]);
    let decision = bureau.when(&legacy(), at(2026, 7, 15), grant(d(2029, 9, 30)));
    then(
        &decision,
        &[granted(d(2029, 9, 30)), ready(CardKind::ResidenceCard)],
    );
}

#[test]
fn given_a_mailed_card_when_it_arrives_then_issued_without_a_visit_and_the_grant_takes_effect() {
    let bureau = given(&[
        opened(),
        applied(Channel::Online, d(2026, 7, 1)),
        granted(d(2029, 9, 30)),
        mailed(CardKind::ResidenceCard, d(2026, 7, 19)),
    ]);
    let decision = bureau.when(&legacy(), at(2026, 7, 19), cmd(deliver()));
    then(
        &decision,
        &[
            Event::MailedCardDelivered {
                resident: R,
                kind: CardKind::ResidenceCard,
            },
            Event::PeriodOfStayExtended {
                resident: R,
                previous_expiry: Some(d(2026, 9, 30)),
                new_expiry: d(2029, 9, 30),
            },
            Event::ResidenceCardIssued {
                resident: R,
                card: ResidenceCard {
                    kind: CardKind::ResidenceCard,
                    number: ResidenceCardNumber::generate(SEED, R.0, 2),
                    issued_on: d(2026, 7, 19),
                    valid_through: d(2029, 9, 30),
                },
                replaces: Some(old_number()),
            },
        ],
    );
    // While it is in the post there is nothing to collect at the counter.
    let decision = bureau.when(&legacy(), at(2026, 7, 17), collect());
    then(
        &decision,
        &[
            visit_for(Procedure::CardCollection),
            nothing_pending(Procedure::CardCollection),
        ],
    );
}

// ---- N2: a register entry deleted ex officio (職権消除, §6 N2) ----

#[test]
fn given_n2_deletion_when_tokutei_attached_later_then_recorded_and_refused_not_in_register() {
    let deleted = Event::RegisterEntryDeleted {
        resident: R,
        municipality: "shinjuku".into(),
    };
    let decision = given(&[opened()]).when(
        &integrated(),
        at(2026, 9, 2),
        notice(Service::CityHall, deleted),
    );
    let recorded = Event::RegisterDeletionRecorded {
        resident: R,
        municipality: "shinjuku".into(),
    };
    then(&decision, std::slice::from_ref(&recorded));
    // No longer in a register: a Tokutei application is refused (§3), the extension goes on.
    let decision = given(&[opened(), recorded]).when(
        &integrated(),
        at(2026, 9, 10),
        file(Channel::Counter, true),
    );
    assert_eq!(
        decision.events.last(),
        Some(&tokutei_refused(RefusalRule::TokuteiNotInResidentRegister)),
        "{:?}",
        decision.events
    );
    assert!(
        decision
            .events
            .iter()
            .any(|e| matches!(e, Event::ExtensionApplied { .. })),
        "{:?}",
        decision.events
    );
}

// ---- capacity (decision 17) ----

/// The bureau's counters take in one resident a working day: two residents at 500 per 1,000.
fn one_a_day() -> Policy {
    Policy {
        capacity: Some(model::capacity::Capacity {
            immigration_bureau: model::capacity::PerThousand::new(500.0),
            ..Default::default()
        }),
        ..Policy::default()
    }
}

/// The bureau with residents 0 and 1 enrolled under `policy`, as a run keeps it (`handle`, so
/// that its queues count the residents they serve).
fn enrolled_two(policy: &Policy) -> ImmigrationBureau {
    let mut bureau = given(&[]);
    for r in [R, ResidentId(1)] {
        let ctx = Context {
            now: opening_time(d(2026, 7, 1)),
            policy,
            seed: SEED,
        };
        bureau.handle(
            &cmd(Command::EnrolResident {
                resident: r,
                profile: std::sync::Arc::new(profile(
                    Status::EngineerSpecialistHumanities,
                    Some(d(2026, 9, 30)),
                )),
            }),
            &ctx,
        );
    }
    bureau
}

fn file_for(resident: ResidentId) -> Command {
    Command::FileExtension {
        resident,
        channel: Channel::Counter,
        tokutei: false,
    }
}

#[test]
fn given_a_place_left_today_when_a_resident_files_then_they_are_taken_in() {
    let policy = one_a_day();
    let bureau = enrolled_two(&policy);
    // Friday 2026-07-10, nobody taken in yet.
    let decision = bureau.when(&policy, at(2026, 7, 10), cmd(file_for(R)));
    then(
        &decision,
        &[
            visit_for(Procedure::Extension),
            applied(Channel::Counter, d(2026, 7, 10)),
        ],
    );
}

#[test]
fn given_the_day_full_when_another_resident_files_then_they_come_back_on_the_next_working_day() {
    let policy = one_a_day();
    let mut bureau = enrolled_two(&policy);
    let friday = Context {
        now: at(2026, 7, 10),
        policy: &policy,
        seed: SEED,
    };
    bureau.handle(&cmd(file_for(R)), &friday);
    let other = ResidentId(1);
    let decision = bureau.when(&policy, at(2026, 7, 10), cmd(file_for(other)));
    // Saturday and Sunday are closed: Monday 07-13, at opening time, with the same request.
    then_with_timers(
        &decision,
        &[Event::CounterCapacityReached {
            resident: other,
            office: Office::ImmigrationBureau,
            municipality: None,
            procedure: Procedure::Extension,
            waits_until: d(2026, 7, 13),
        }],
        &[(opening_time(d(2026, 7, 13)), file_for(other))],
    );
}

#[test]
fn given_a_place_given_for_today_when_the_resident_comes_back_then_they_are_taken_in_first() {
    let policy = one_a_day();
    let mut bureau = enrolled_two(&policy);
    let friday = Context {
        now: at(2026, 7, 10),
        policy: &policy,
        seed: SEED,
    };
    bureau.handle(&cmd(file_for(R)), &friday);
    let other = ResidentId(1);
    bureau.handle(&cmd(file_for(other)), &friday);
    // Monday's one place is theirs.
    let back = bureau.when(&policy, opening_time(d(2026, 7, 13)), cmd(file_for(other)));
    assert_eq!(
        back.events[0],
        Event::CounterVisited {
            resident: other,
            office: Office::ImmigrationBureau,
            municipality: None,
            procedure: Procedure::Extension,
        }
    );
    // Without a capacity the same filing is taken in on Friday.
    let unlimited = enrolled_two(&integrated());
    let decision = unlimited.when(&integrated(), at(2026, 7, 10), cmd(file_for(other)));
    assert!(matches!(decision.events[0], Event::CounterVisited { .. }));
}

// ---- departure for good (§5.14) ----

#[test]
fn given_a_resident_when_leaving_for_good_then_the_card_is_returned_and_a_second_departure_is_not_expected()
 {
    let depart = || {
        cmd(Command::Depart {
            resident: R,
            port: "narita".into(),
        })
    };
    let decision = given(&[opened()]).when(&integrated(), at(2026, 9, 29), depart());
    let departed = Event::Departed {
        resident: R,
        port: "narita".into(),
        card_returned: Some(old_card().number),
    };
    // No counter visit: the card goes back to the inspector at the port.
    then(&decision, std::slice::from_ref(&departed));
    let after = given(&[opened(), departed]);
    let rec = after.record(R).expect("the record stays");
    assert!(rec.departed && rec.card.is_none());
    let decision = after.when(&integrated(), at(2026, 9, 30), depart());
    then(
        &decision,
        &[Event::ProcedureRefused {
            resident: R,
            procedure: Procedure::Departure,
            rule: RefusalRule::NotExpectedHere,
        }],
    );
}

#[test]
fn given_a_move_abroad_recorded_by_the_municipality_when_its_n2_arrives_then_the_deletion_is_recorded()
 {
    let closed = Event::MoveAbroadRecorded {
        resident: R,
        municipality: "shinjuku".into(),
    };
    let decision = given(&[opened()]).when(
        &integrated(),
        at(2026, 9, 29),
        notice(Service::CityHall, closed),
    );
    then(
        &decision,
        &[Event::RegisterDeletionRecorded {
            resident: R,
            municipality: "shinjuku".into(),
        }],
    );
}

#[test]
fn given_a_resident_who_left_for_good_when_a_card_is_collected_then_refused_without_a_visit() {
    let departed = Event::Departed {
        resident: R,
        port: "narita".into(),
        card_returned: Some(old_card().number),
    };
    let decision = given(&[opened(), departed]).when(
        &integrated(),
        at(2026, 10, 1),
        cmd(Command::CollectCard { resident: R }),
    );
    then(
        &decision,
        &[Event::ProcedureRefused {
            resident: R,
            procedure: Procedure::CardCollection,
            rule: RefusalRule::NotExpectedHere,
        }],
    );
}

#[test]
fn given_the_bureau_rebuilt_from_its_events_after_a_crash_when_residents_come_then_its_queue_is_as_before()
 {
    // The run's own path: every decision handled, its events journalled (as the service keeps
    // them when its office may crash). Ten residents at 100 per 1,000: one place a working day —
    // a bureau that forgot its residents would count one, a tenth of a place a day.
    let policy = Policy {
        capacity: Some(model::capacity::Capacity {
            immigration_bureau: model::capacity::PerThousand::new(100.0),
            ..Default::default()
        }),
        ..Policy::default()
    };
    let mut journal: Vec<Event> = Vec::new();
    let mut bureau = given(&[]);
    let mut handle = |bureau: &mut ImmigrationBureau, now: SimTime, command: Command| {
        let ctx = Context {
            now,
            policy: &policy,
            seed: SEED,
        };
        let decision = bureau.handle(&cmd(command), &ctx);
        journal.extend(decision.events.iter().cloned());
        decision
    };
    for r in (0..10).map(ResidentId) {
        let enrol = Command::EnrolResident {
            resident: r,
            profile: std::sync::Arc::new(profile(
                Status::EngineerSpecialistHumanities,
                Some(d(2026, 9, 30)),
            )),
        };
        handle(&mut bureau, opening_time(d(2026, 7, 1)), enrol);
    }
    let other = ResidentId(1);
    handle(&mut bureau, at(2026, 7, 10), file_for(R));
    let sent = handle(&mut bureau, at(2026, 7, 10), file_for(other));
    assert!(matches!(
        sent.events[..],
        [Event::CounterCapacityReached { .. }]
    ));
    // The crash: a fresh bureau from the journal, `apply` alone.
    let mut rebuilt: ImmigrationBureau = given(&journal);
    let monday = opening_time(d(2026, 7, 13));
    let ctx = Context {
        now: monday,
        policy: &policy,
        seed: SEED,
    };
    // The resident given Monday's place is taken in first, as without the crash …
    let back = rebuilt.handle(&cmd(file_for(other)), &ctx);
    assert!(
        matches!(back.events[0], Event::CounterVisited { resident, .. } if resident == other),
        "{back:?}"
    );
    // … and Monday's one place is theirs: the bureau still counts its ten residents (a share
    // of one a day), so the next resident waits for Tuesday.
    let next = rebuilt.when(&policy, at(2026, 7, 13), cmd(file_for(R)));
    then_with_timers(
        &next,
        &[Event::CounterCapacityReached {
            resident: R,
            office: Office::ImmigrationBureau,
            municipality: None,
            procedure: Procedure::Extension,
            waits_until: d(2026, 7, 14),
        }],
        &[(opening_time(d(2026, 7, 14)), file_for(R))],
    );
}

// ---- a newborn's status acquisition (§5.15) ----

/// A child born on Friday 2026-07-03, on record without a status or card, in a register by the
/// municipality's notice (N1).
fn newborn_on_record() -> [Event; 2] {
    [
        Event::ImmigrationRecordOpened {
            resident: R,
            born_on: d(2026, 7, 3),
            status: Status::TransitionalStayer,
            period_expiry: None,
            card: None,
            municipality: "setagaya".into(),
            address: "2-14-7 Kitazawa".into(),
            registered: false,
            cards_issued: 0,
        },
        Event::AddressRecorded {
            resident: R,
            municipality: "setagaya".into(),
            address: "2-14-7 Kitazawa".into(),
        },
    ]
}

fn file_acquisition(tokutei: bool) -> Input {
    cmd(Command::FileStatusAcquisition {
        resident: R,
        to: Status::Dependent,
        tokutei,
    })
}

fn acquisition_applied(filed_on: NaiveDate) -> Event {
    Event::StatusAcquisitionApplied {
        resident: R,
        to: Status::Dependent,
        filed_on,
    }
}

#[test]
fn given_a_registered_newborn_when_applying_for_a_status_with_tokutei_then_both_are_received() {
    let decision =
        given(&newborn_on_record()).when(&integrated(), at(2026, 7, 21), file_acquisition(true));
    then(
        &decision,
        &[
            visit_for(Procedure::StatusAcquisition),
            acquisition_applied(d(2026, 7, 21)),
            Event::TokuteiApplicationAccepted {
                resident: R,
                attached_to: Procedure::StatusAcquisition,
            },
        ],
    );
    // With the switch off the child, a transitional stayer, is no mid-to-long-term resident yet.
    let mut off = integrated();
    off.switches.tokutei_with_status_acquisition = false;
    let decision = given(&newborn_on_record()).when(&off, at(2026, 7, 21), file_acquisition(true));
    assert_eq!(
        decision.events.last(),
        Some(&Event::TokuteiApplicationRefused {
            resident: R,
            attached_to: Procedure::StatusAcquisition,
            rule: RefusalRule::TokuteiNotMidToLongTerm {
                status: Status::TransitionalStayer,
            },
        })
    );
}

#[test]
fn given_a_newborn_when_applying_after_thirty_days_then_flagged_and_after_sixty_refused() {
    // 30 days from Friday 07-03 end on Sunday 08-02, rolled to Monday 08-03.
    let late = given(&newborn_on_record()).when(&legacy(), at(2026, 8, 4), file_acquisition(false));
    then(
        &late,
        &[
            visit_for(Procedure::StatusAcquisition),
            acquisition_applied(d(2026, 8, 4)),
            Event::DeadlineMissed {
                resident: R,
                duty: Duty::StatusAcquisitionApplication,
                deadline: d(2026, 8, 3),
                consequence: Consequence::ExplanationRequired,
            },
        ],
    );
    // The 60 days without a status end on 09-01: on 09-02 the application is refused.
    let last_day =
        given(&newborn_on_record()).when(&legacy(), at(2026, 9, 1), file_acquisition(false));
    assert!(
        last_day
            .events
            .contains(&acquisition_applied(d(2026, 9, 1)))
    );
    let too_late =
        given(&newborn_on_record()).when(&legacy(), at(2026, 9, 2), file_acquisition(false));
    then(
        &too_late,
        &[
            visit_for(Procedure::StatusAcquisition),
            refused_by(
                Procedure::StatusAcquisition,
                RefusalRule::StatusAcquisitionAfterSixtyDays {
                    born_on: d(2026, 7, 3),
                },
            ),
        ],
    );
}

#[test]
fn given_a_resident_with_a_status_when_applying_for_acquisition_then_not_expected_here() {
    let decision = given(&[opened()]).when(&legacy(), at(2026, 7, 21), file_acquisition(false));
    then(
        &decision,
        &[
            visit_for(Procedure::StatusAcquisition),
            refused_by(Procedure::StatusAcquisition, RefusalRule::NotExpectedHere),
        ],
    );
}

#[test]
fn given_an_acquisition_granted_when_the_card_is_collected_then_the_child_holds_the_status_and_an_under_sixteen_card()
 {
    let mut events = newborn_on_record().to_vec();
    events.push(acquisition_applied(d(2026, 7, 21)));
    let grant = cmd(Command::DecideStatusAcquisition {
        resident: R,
        decision: Outcome::Grant {
            new_expiry: d(2029, 6, 30),
        },
        decided_on: None,
    });
    let decision = given(&events).when(&legacy(), at(2026, 7, 28), grant);
    let granted = Event::StatusAcquisitionGranted {
        resident: R,
        to: Status::Dependent,
        new_expiry: Some(d(2029, 6, 30)),
    };
    then(
        &decision,
        &[granted.clone(), ready(CardKind::ResidenceCard)],
    );
    events.extend([granted, ready(CardKind::ResidenceCard)]);
    let decision = given(&events).when(&legacy(), at(2026, 7, 28), collect());
    assert!(decision.events.contains(&Event::StatusChanged {
        resident: R,
        from: Status::TransitionalStayer,
        to: Status::Dependent,
        new_expiry: Some(d(2029, 6, 30)),
    }));
    let card = decision
        .events
        .iter()
        .find_map(|e| match e {
            Event::ResidenceCardIssued { card, .. } => Some(card),
            _ => None,
        })
        .expect("a card issued");
    // Under 16: the earlier of the period's end and the day before the 16th birthday (§8.1).
    assert_eq!(
        (card.kind, card.valid_through),
        (CardKind::ResidenceCard, d(2029, 6, 30))
    );
}
