//! Golden logs: event logs written by earlier versions of zairyu must still replay.
//!
//! `tests/golden/v<N>/` holds logs exactly as the code of log format `N` wrote them (copied from
//! `zairyu run … --db`, never edited), each with `<name>.json`: the projections that log replayed
//! to when it was captured and the log hash its run recorded. Every later change of the stored
//! format must keep these replaying — through an upcaster for an old payload shape, through the
//! hasher of the format the log was written in — to the same card records and measures, and (from
//! format 2) with every hash recorded at a commit reproduced. See
//! `tests/golden/README.md` for the rules (a golden log is captured once and never regenerated).

use std::path::{Path, PathBuf};

use event_store::{EventStore, LogFormat};
use serde_json::Value;
use simulator::replay::replay;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden")
}

/// Every `*.db` under `tests/golden/`, sorted.
fn golden_logs() -> Vec<PathBuf> {
    let mut logs = Vec::new();
    for version in std::fs::read_dir(golden_dir()).unwrap() {
        let version = version.unwrap().path();
        if !version.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&version).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "db") {
                logs.push(file);
            }
        }
    }
    logs.sort();
    logs
}

/// `expected` is contained in `actual`: every object key of `expected` is present with a
/// contained value; arrays and scalars are equal. New fields in later versions are allowed;
/// a changed or missing value is not.
fn contains(actual: &Value, expected: &Value, path: &str, diffs: &mut Vec<String>) {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => contains(av, ev, &p, diffs),
                    None => diffs.push(format!("{p}: missing (expected {ev})")),
                }
            }
        }
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                contains(av, ev, &format!("{path}[{i}]"), diffs);
            }
        }
        _ if actual == expected => {}
        _ => diffs.push(format!("{path}: expected {expected}, got {actual}")),
    }
}

/// What replaying one golden log gave.
struct GoldenReplay {
    projections: Value,
    /// Today's state hash of the replayed projections.
    state_hash: String,
    /// The log hash recomputed in the log's own format.
    log_hash: String,
    /// The log hash its run recorded.
    recorded_hash: Option<String>,
    /// Format 2 on: a failure of the hashes recorded at the commits, if any.
    commits_failure: Option<String>,
}

/// Replays one golden log from a copy (so the fixture is never touched).
fn replay_golden(db: &Path) -> GoldenReplay {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("golden.db");
    std::fs::copy(db, &copy).unwrap();
    let store = EventStore::open_read_only(&copy).unwrap();
    let meta = store
        .read_run_meta()
        .unwrap()
        .expect("a golden log has its run metadata");
    assert!(
        meta.finished,
        "{}: a golden log is a finished run",
        db.display()
    );
    let policy: model::policy::Policy = serde_json::from_str(&meta.policy).unwrap();
    let switch = policy.switches.validity.special_period_my_number;
    let replayed = replay(&store, meta.start, meta.until, None, switch, false)
        .unwrap_or_else(|e| panic!("{}: does not replay: {e}", db.display()));
    let commits = &replayed.commits;
    let commits_failure = match replayed.format {
        // Format 1 recorded no commit hashes.
        LogFormat::V1 => None,
        _ if commits.checked == 0 => Some("no commit hash recorded".to_owned()),
        _ if commits.mismatch.is_some() || commits.beyond_log.is_some() => {
            Some(format!("the commit hashes do not match: {commits:?}"))
        }
        _ if commits.through != replayed.events => Some(format!(
            "the commit hashes vouch for events up to {}, of {}",
            commits.through, replayed.events
        )),
        _ => None,
    };
    GoldenReplay {
        state_hash: replayed.projections.state_hash(),
        projections: serde_json::to_value(&replayed.projections).unwrap(),
        log_hash: replayed.log_hash,
        recorded_hash: meta.log_hash,
        commits_failure,
    }
}

#[test]
fn golden_logs_of_every_earlier_format_still_replay_to_their_recorded_projections() {
    let logs = golden_logs();
    assert!(
        !logs.is_empty(),
        "no golden logs under {}",
        golden_dir().display()
    );
    let capture = std::env::var_os("ZAIRYU_CAPTURE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for db in &logs {
        let GoldenReplay {
            projections,
            log_hash,
            recorded_hash,
            commits_failure,
            ..
        } = replay_golden(db);
        let json = db.with_extension("json");
        if capture && !json.exists() {
            let golden = serde_json::json!({
                "log_hash": log_hash,
                "projections": projections,
            });
            std::fs::write(&json, serde_json::to_string_pretty(&golden).unwrap() + "\n").unwrap();
            continue;
        }
        let golden: Value = serde_json::from_str(
            &std::fs::read_to_string(&json)
                .unwrap_or_else(|e| panic!("{}: {e} (capture it once)", json.display())),
        )
        .unwrap();
        let name = db.display();
        if let Some(failure) = commits_failure {
            failures.push(format!("{name}: {failure}"));
        }
        if recorded_hash.as_deref() != Some(log_hash.as_str()) {
            failures.push(format!(
                "{name}: the log hash recomputed on replay ({log_hash}) is not the one its run \
                 recorded ({recorded_hash:?})"
            ));
        }
        if golden["log_hash"] != Value::String(log_hash.clone()) {
            failures.push(format!(
                "{name}: log hash {log_hash}, golden {}",
                golden["log_hash"]
            ));
        }
        let mut diffs = Vec::new();
        contains(
            &projections,
            &golden["projections"],
            "projections",
            &mut diffs,
        );
        for d in diffs {
            failures.push(format!("{name}: {d}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Today's state hashes of the golden logs, as one digest, pinned with the version of the rules
/// that derive them. The golden logs' events never change, so when this digest changes, the
/// rules that fold events into the state changed: a log's recorded state hash is no longer
/// comparable with what this build derives from the same events. Bump
/// `projection::STATE_HASH_VERSION` and pin the new digest beside it, so that `replay` says
/// "not compared" for logs finished under the old rules instead of calling them altered.
const STATE_HASHES_OF_THE_GOLDEN_LOGS: (u32, &str) = (
    2,
    "8fa9acd1fb2ba0f70e35b302958339adf36f3cb609f193e814a37bc53c631cb1",
);

#[test]
fn state_hash_version_is_bumped_when_the_state_hash_changes() {
    let lines: String = golden_logs()
        .iter()
        .map(|db| {
            let name = db.strip_prefix(golden_dir()).unwrap().display().to_string();
            format!("{name} {}\n", replay_golden(db).state_hash)
        })
        .collect();
    let digest = model::hashing::sha256_hex(lines.as_bytes());
    assert_eq!(
        (projection::STATE_HASH_VERSION, digest.as_str()),
        STATE_HASHES_OF_THE_GOLDEN_LOGS,
        "the state the golden logs fold to changed (or the version moved alone):\n{lines}\n\
         bump projection::STATE_HASH_VERSION and pin this digest with it — or, if the state \
         should not have changed, find what changed the fold"
    );
}

#[test]
fn the_containment_check_sees_a_changed_value() {
    let golden = serde_json::json!({"a": {"b": [1, 2]}, "c": "x"});
    let mut diffs = Vec::new();
    contains(
        &serde_json::json!({"a": {"b": [1, 3]}, "c": "x", "new": 1}),
        &golden,
        "p",
        &mut diffs,
    );
    assert_eq!(diffs, vec!["p.a.b[1]: expected 2, got 3".to_owned()]);
    diffs.clear();
    contains(
        &serde_json::json!({"a": {"b": [1, 2]}}),
        &golden,
        "p",
        &mut diffs,
    );
    assert_eq!(diffs.len(), 1, "a missing key is a difference");
}

/// The fictitious shape change the upcaster test makes: before it, `ImmigrationRecordOpened`
/// called the resident's date of birth `birth_date`; from payload version 2 on it is `born_on`
/// (today's name). Every golden log of format 1 opens an immigration record. (A required field:
/// renaming an optional one would decode without the upcaster, silently as `None`.)
const OLD_FIELD: &str = "birth_date";
const NEW_FIELD: &str = "born_on";

fn rename_field(from: &str, to: &str, payload: &mut Value) -> Result<(), String> {
    let fields = payload
        .as_object_mut()
        .ok_or("the payload is not an object")?;
    let value = fields.remove(from).ok_or(format!("no field {from}"))?;
    fields.insert(to.to_owned(), value);
    Ok(())
}

/// The test-only upcaster of the shape change: version 1's `birth_date` becomes `born_on`.
const TEST_UPCASTERS: &[simulator::upcast::Upcaster] = &[simulator::upcast::Upcaster {
    event_type: "ImmigrationRecordOpened",
    from: 1,
    apply: |payload| rename_field(OLD_FIELD, NEW_FIELD, payload),
}];

/// The records of a golden log as a build from before the shape change would have stored them:
/// the same log, with every `ImmigrationRecordOpened` payload in the old shape. Rewritten in
/// memory: the fixture is never touched. Returns the records and how many were rewritten.
fn in_the_old_shape(db: &Path) -> (Vec<model::envelope::EventRecord>, usize) {
    let store = EventStore::open_read_only(db).unwrap();
    let mut records = store.read_all().unwrap();
    let mut rewritten = 0;
    for rec in &mut records {
        if rec.event_type != "ImmigrationRecordOpened" {
            continue;
        }
        assert_eq!(
            rec.schema_version,
            1,
            "{}: a format-1 payload",
            db.display()
        );
        let mut payload: Value = serde_json::from_slice(&rec.payload).unwrap();
        rename_field(NEW_FIELD, OLD_FIELD, &mut payload).unwrap();
        rec.payload = serde_json::to_vec(&payload).unwrap();
        rewritten += 1;
    }
    (records, rewritten)
}

#[test]
fn golden_logs_in_an_older_event_shape_replay_to_their_recorded_projections_through_an_upcaster() {
    use simulator::log::{DecodeError, from_record, from_record_with};
    use simulator::upcast::Upcasters;

    let logs: Vec<PathBuf> = golden_logs()
        .into_iter()
        .filter(|db| db.parent().is_some_and(|d| d.ends_with("v1")))
        .collect();
    assert!(!logs.is_empty(), "no golden logs of format 1");
    for db in &logs {
        let name = db.display();
        let (records, rewritten) = in_the_old_shape(db);
        assert!(
            rewritten > 0,
            "{name}: no ImmigrationRecordOpened to rewrite"
        );

        // Without the upcaster, today's build cannot read the old shape, and says where.
        let first_old = records
            .iter()
            .find(|r| r.event_type == "ImmigrationRecordOpened")
            .unwrap();
        match from_record(first_old) {
            Err(DecodeError::Json {
                global_seq,
                event_type,
                ..
            }) => {
                assert_eq!(global_seq, first_old.global_seq, "{name}");
                assert_eq!(event_type, "ImmigrationRecordOpened", "{name}");
            }
            Err(other) => panic!("{name}: an unexpected error: {other}"),
            Ok(_) => panic!("{name}: the old shape decoded without its upcaster"),
        }

        // Through the upcaster, the log replays to the projections recorded at its capture.
        let store = EventStore::open_read_only(db).unwrap();
        let meta = store.read_run_meta().unwrap().unwrap();
        let policy: model::policy::Policy = serde_json::from_str(&meta.policy).unwrap();
        let switch = policy.switches.validity.special_period_my_number;
        let mut projections = projection::Projections::new(meta.start, switch, 0);
        for rec in &records {
            let env = from_record_with(rec, Upcasters::with(TEST_UPCASTERS))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            projections.apply(&env);
        }
        projections.finish(meta.until);
        let golden: Value =
            serde_json::from_str(&std::fs::read_to_string(db.with_extension("json")).unwrap())
                .unwrap();
        let mut diffs = Vec::new();
        contains(
            &serde_json::to_value(&projections).unwrap(),
            &golden["projections"],
            "projections",
            &mut diffs,
        );
        assert!(diffs.is_empty(), "{name}:\n{}", diffs.join("\n"));
    }
}
