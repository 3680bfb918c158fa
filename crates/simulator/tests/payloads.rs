//! Every event's canonical payload (`Event::encode_payload`, written by `model::msgpack`) is the
//! MessagePack `rmp_serde` writes for the event's own fields, and decodes back to the event: over
//! every event of a year of a seeded population under both regimes and of every bundled
//! scenario, so that the direct writer and serde's derived forms cannot drift apart.

use std::path::{Path, PathBuf};

use model::envelope::Envelope;
use model::event::Event;
use model::policy::{Policy, Regime};
use population::{Population, PopulationSpec};
use simulator::{RunInput, RunOptions, run};

/// The payload `rmp_serde` gives `event`: the event serializes (tagged by its type) as the array
/// `[type, resident, fields…]`, so its fields are what follows the type and the resident, under
/// the header of an array of the fields — or nil when there are none, as the empty tuple is.
fn rmp_serde_payload(event: &Event) -> Vec<u8> {
    let whole = rmp_serde::to_vec(event).expect("an event encodes");
    let (items, header) = match whole[0] {
        b @ 0x90..=0x9f => (usize::from(b & 0x0f), 1),
        0xdc => (usize::from(u16::from_be_bytes([whole[1], whole[2]])), 3),
        b => panic!("an event is an array, not marker {b:#x}"),
    };
    // The type's text and the resident's number, as the same serializer writes them.
    let lead = rmp_serde::to_vec(&(event.type_name(), event.resident())).expect("encodes");
    let fields = &whole[header + lead.len() - 1..];
    let count = items - 2;
    let mut payload = match count {
        0 => vec![0xc0],
        1..16 => vec![0x90 | count as u8],
        _ => vec![0xdc, (count >> 8) as u8, count as u8],
    };
    payload.extend_from_slice(fields);
    payload
}

/// Checks every event of `log`; returns how many there were of each type.
fn check(log: &[Envelope], seen: &mut [u64]) {
    let mut payload = Vec::new();
    for env in log {
        let event = &env.event;
        payload.clear();
        event.encode_payload(&mut payload);
        assert_eq!(payload, rmp_serde_payload(event), "{event:?}");
        let back = Event::decode_payload(event.type_name(), event.resident(), &payload)
            .unwrap_or_else(|e| panic!("{event:?}: {e}"));
        assert_eq!(&back, event);
        seen[event.index()] += 1;
    }
}

fn scenario_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a scenario directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            scenario_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            found.push(path);
        }
    }
}

#[test]
fn every_event_of_a_population_year_and_of_every_scenario_encodes_as_rmp_serde_does() {
    let mut seen = vec![0u64; Event::TYPE_NAMES.len()];
    let population = Population::generate(PopulationSpec::new(20_000, 1));
    for regime in [Regime::Legacy, Regime::Integrated] {
        let policy = Policy {
            regime,
            ..Policy::default()
        };
        let out = run(
            RunInput::of_population(&population, policy),
            RunOptions::default(),
        )
        .expect("the run");
        assert!(out.log.len() > 100_000, "a real year: {}", out.log.len());
        check(&out.log, &mut seen);
    }
    // The scenarios (the what-if directory holds policies, not scenarios).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut files = Vec::new();
    for dir in ["faults", "rules", "teaching"] {
        scenario_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 50, "the bundled scenarios: {}", files.len());
    for file in &files {
        let s = scenario::load(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let out = simulator::scenario_run::run_scenario(&s, None, None)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        check(&out.log, &mut seen);
    }
    let types = seen.iter().filter(|n| **n > 0).count();
    assert!(
        types * 10 >= Event::TYPE_NAMES.len() * 9,
        "most event types are covered: {types} of {}",
        Event::TYPE_NAMES.len()
    );
}
