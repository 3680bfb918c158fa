//! The state hash is the SHA-256 of the projections' JSON whatever the number of threads that
//! write the records' part of it: on one, two or three threads, with fewer records than one
//! part, exactly one part, and several parts with a remainder, it is the hash of the JSON
//! serde writes for the whole projections on one thread.

use chrono::NaiveDate;
use model::hashing::HashWriter;
use model::validity::SpecialPeriodMyNumber;
use projection::{CardRecord, Projections};

/// The hash of the projections' JSON written in one piece.
fn whole(p: &Projections) -> String {
    let mut h = HashWriter::new();
    h.update(&serde_json::to_vec(p).expect("projections serialize"));
    h.finish()
}

/// Projections of `n` residents whose records all differ.
fn projections(n: usize) -> Projections {
    let start = NaiveDate::from_ymd_opt(2026, 6, 14).expect("date");
    let mut p = Projections::new(start, SpecialPeriodMyNumber::default(), n);
    p.records = (0..n)
        .map(|i| {
            let mut r = CardRecord::default();
            r.evaluated_through = start.checked_add_days(chrono::Days::new(i as u64 % 400));
            r.born_on = NaiveDate::from_ymd_opt(1950 + (i % 60) as i32, 1 + (i % 12) as u32, 1);
            r.refusals = i as u32;
            r.visits = [i as u32 % 3, 0, 1, i as u32 % 5];
            r
        })
        .collect();
    p.notifications.insert("N-1 \"quoted\" 転入".into(), 7);
    p.events = 12_345;
    p.cards_produced = n as u64;
    p
}

#[test]
fn given_projections_of_any_size_when_hashed_on_several_threads_then_the_hash_is_the_whole_jsons() {
    for n in [0, 1, 4095, 4096, 4097, 9_000] {
        let p = projections(n);
        assert_eq!(p.records.len(), n);
        let expected = whole(&p);
        for threads in 1..=3 {
            assert_eq!(
                p.state_hash_on(threads),
                expected,
                "{n} records, {threads} threads"
            );
        }
        assert_eq!(p.state_hash(), expected, "{n} records");
    }
}
