//! Checks on what the Rust sources say: only `cli` prints, only `event-store` speaks SQL, no
//! wall clock, unseeded randomness or hash-ordered collection in production code (outside an
//! explicit allow-list), and every module opens with a `//!` paragraph.

use super::source::{Kind, Source, find_token};

/// Writing to the terminal. Tests, examples and `build.rs` (which talks to cargo by printing)
/// may; production code outside `cli` may not: libraries return values and typed errors.
const TERMINAL: [&str; 8] = [
    "println!",
    "print!",
    "eprintln!",
    "eprint!",
    "dbg!",
    "stdout",
    "stderr",
    "Stdout",
];

/// Every place where production code outside `cli` writes to the terminal.
pub fn terminal_output(sources: &[Source]) -> Vec<String> {
    let mut out = Vec::new();
    for s in sources.iter().filter(|s| s.package != "zairyu") {
        for needle in TERMINAL {
            for i in s.find_code(needle).filter(|&i| s.is_production(i)) {
                out.push(format!(
                    "{}: `{needle}` in `{}`: only `cli` writes to the terminal; return the \
                     text or a typed error instead",
                    s.at(i),
                    s.package
                ));
            }
        }
    }
    out.sort();
    out
}

/// SQL statements as they appear in string literals (upper case, as `event-store` writes them).
const SQL: [&str; 9] = [
    "SELECT ",
    "INSERT INTO",
    "UPDATE ",
    "DELETE FROM",
    "CREATE TABLE",
    "CREATE INDEX",
    "CREATE UNIQUE INDEX",
    "PRAGMA ",
    "BEGIN IMMEDIATE",
];

/// The tidy checks themselves, which spell out the SQL they look for.
const TIDY: &str = "tests/tests/tidy/";

/// Every place outside `event-store` (tests included) that names `rusqlite` or holds SQL in a
/// string literal.
pub fn sql(sources: &[Source]) -> Vec<String> {
    let mut out = Vec::new();
    for s in sources.iter().filter(|s| s.package != "event-store") {
        for i in s.find_code("rusqlite") {
            out.push(format!(
                "{}: `rusqlite` in `{}`: only `event-store` uses SQL; go through its API",
                s.at(i),
                s.package
            ));
        }
        let strings = if s.path.starts_with(TIDY) {
            &[][..]
        } else {
            &s.strings[..]
        };
        for (at, text) in strings {
            for kw in SQL {
                if find_token(text, kw.trim_end()).any(|k| text[k..].starts_with(kw)) {
                    out.push(format!(
                        "{}: SQL (`{}`) in a string in `{}`: only `event-store` uses SQL",
                        s.at(*at),
                        kw.trim_end(),
                        s.package
                    ));
                    break;
                }
            }
        }
    }
    out.sort();
    out
}

/// What would make a run depend on something other than its scenario, policy and seed: the
/// wall clock, randomness not drawn from the seed, and collections whose iteration order
/// depends on a per-process random hash key.
const NONDETERMINISTIC: [(&str, &str); 14] = [
    ("SystemTime", "the wall clock"),
    ("UNIX_EPOCH", "the wall clock"),
    ("Instant", "the wall clock"),
    ("Utc::now", "the wall clock"),
    ("Local::now", "the wall clock"),
    ("chrono::Local", "the wall clock"),
    ("thread_rng", "unseeded randomness"),
    ("rand::rng", "unseeded randomness"),
    ("rand::random", "unseeded randomness"),
    ("OsRng", "unseeded randomness"),
    ("from_entropy", "unseeded randomness"),
    ("from_os_rng", "unseeded randomness"),
    (
        "HashMap",
        "hash-map iteration order (use a Vec indexed by id or a BTreeMap)",
    ),
    ("HashSet", "hash-set iteration order (use a BTreeSet)"),
];

/// A production file that may use one of [`NONDETERMINISTIC`], and why.
pub struct Allowed {
    pub path: &'static str,
    pub token: &'static str,
    pub reason: &'static str,
}

/// The allow-list of the determinism check. Each entry must still be needed.
pub const ALLOWED: [Allowed; 4] = [
    Allowed {
        path: "crates/cli/src/bench.rs",
        token: "Instant",
        reason: "the benchmark measures wall time around a run; no simulation input reads it",
    },
    Allowed {
        path: "crates/event-store/src/baseline.rs",
        token: "Instant",
        reason: "the benchmark's yardstick times raw SQLite appends",
    },
    Allowed {
        path: "crates/event-store/src/ids.rs",
        token: "HashMap",
        reason: "a format-1 reader's set of event ids is only looked up, never iterated, so its \
                 order cannot reach the log",
    },
    Allowed {
        path: "crates/model/src/ids.rs",
        token: "HashMap",
        reason: "the interner's text-to-handle map is only looked up, never iterated, and its \
                 hasher has fixed keys; handles order by their text",
    },
];

/// Every use of [`NONDETERMINISTIC`] in production code that `allowed` does not cover, and
/// every entry of `allowed` that no longer matches anything.
pub fn determinism(sources: &[Source], allowed: &[Allowed]) -> Vec<String> {
    let mut out = Vec::new();
    let mut used = vec![false; allowed.len()];
    for s in sources {
        for (token, what) in NONDETERMINISTIC {
            for i in s.find_code(token).filter(|&i| s.is_production(i)) {
                match allowed
                    .iter()
                    .position(|a| a.path == s.path && a.token == token)
                {
                    Some(k) => used[k] = true,
                    None => out.push(format!(
                        "{}: `{token}` in `{}` brings in {what}; runs must depend only on \
                         scenario, policy and seed (or add the file to `ALLOWED` in \
                         tests/tests/tidy/code.rs with the reason)",
                        s.at(i),
                        s.package
                    )),
                }
            }
        }
    }
    for (a, used) in allowed.iter().zip(used) {
        if !used {
            out.push(format!(
                "{}: allowed to use `{}` ({}), but no longer does: remove the entry from \
                 `ALLOWED` in tests/tests/tidy/code.rs",
                a.path, a.token, a.reason
            ));
        }
    }
    out.sort();
    out
}

/// Every `.rs` file whose first non-blank line is not a `//!` line with text: each module
/// says what it is for before anything else.
pub fn module_docs(sources: &[Source]) -> Vec<String> {
    sources
        .iter()
        .filter_map(|s| {
            let (n, first) = s
                .text
                .lines()
                .enumerate()
                .find(|(_, l)| !l.trim().is_empty())
                .unwrap_or((0, ""));
            let opens = first
                .strip_prefix("//!")
                .is_some_and(|rest| !rest.trim().is_empty());
            (!opens).then(|| {
                format!(
                    "{}:{}: the module does not open with a `//!` paragraph saying what it is \
                     for (found `{}`)",
                    s.path,
                    n + 1,
                    first.chars().take(60).collect::<String>()
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod planted {
    use super::*;

    fn lib(package: &str, text: &str) -> Source {
        let path = format!("crates/{package}/src/lib.rs");
        Source::new(&path, package, Kind::Production, text)
    }

    #[test]
    fn printing_from_a_library_is_refused() {
        let text = "//! m\nfn f() {\n    // println! in a comment is fine\n    let _ = \"print!\";\n    eprintln!(\"x\");\n    std::io::stdout();\n}\n#[cfg(test)]\nmod tests { fn t() { println!(\"ok in tests\"); } }\n";
        assert_eq!(
            terminal_output(&[lib("projection", text), lib("zairyu", text)]),
            [
                "crates/projection/src/lib.rs:5:5: `eprintln!` in `projection`: only `cli` writes to the terminal; return the text or a typed error instead",
                "crates/projection/src/lib.rs:6:14: `stdout` in `projection`: only `cli` writes to the terminal; return the text or a typed error instead",
            ]
        );
        let example = Source::new(
            "crates/scenario/examples/e.rs",
            "scenario",
            Kind::of("examples/e.rs"),
            text,
        );
        assert!(terminal_output(&[example]).is_empty());
    }

    #[test]
    fn sql_outside_the_event_store_is_refused() {
        // The statement is split so that this file does not itself hold SQL in one literal.
        let text = concat!(
            "//! m\nuse rusqlite::Connection;\nconst Q: &str = \"SEL",
            "ECT * FROM events\";\nconst P: &str = \"select a card from the list\";\n"
        );
        assert_eq!(
            sql(&[lib("report", text), lib("event-store", text)]),
            [
                "crates/report/src/lib.rs:2:5: `rusqlite` in `report`: only `event-store` uses SQL; go through its API",
                "crates/report/src/lib.rs:3:17: SQL (`SELECT`) in a string in `report`: only `event-store` uses SQL",
            ]
        );
    }

    #[test]
    fn wall_clock_randomness_and_hash_maps_are_refused_outside_the_allow_list() {
        let text = "//! m\nuse std::collections::HashMap;\nfn f() { let t = std::time::Instant::now(); let r = rand::thread_rng(); }\n#[cfg(test)]\nmod tests { use std::collections::HashSet; }\n";
        let allowed = [
            Allowed {
                path: "crates/cli/src/lib.rs",
                token: "Instant",
                reason: "bench",
            },
            Allowed {
                path: "crates/cli/src/lib.rs",
                token: "SystemTime",
                reason: "stale",
            },
        ];
        let v = determinism(&[lib("simulator", text), lib("cli", text)], &allowed);
        let short: Vec<String> = v
            .iter()
            .map(|m| m.split(" brings").next().unwrap().to_string())
            .collect();
        assert_eq!(
            short,
            [
                "crates/cli/src/lib.rs: allowed to use `SystemTime` (stale), but no longer does: remove the entry from `ALLOWED` in tests/tests/tidy/code.rs",
                "crates/cli/src/lib.rs:2:23: `HashMap` in `cli`",
                "crates/cli/src/lib.rs:3:59: `thread_rng` in `cli`",
                "crates/simulator/src/lib.rs:2:23: `HashMap` in `simulator`",
                "crates/simulator/src/lib.rs:3:29: `Instant` in `simulator`",
                "crates/simulator/src/lib.rs:3:59: `thread_rng` in `simulator`",
            ]
        );
    }

    #[test]
    fn a_module_without_its_opening_paragraph_is_refused() {
        let ok = lib("model", "\n//! What this is for.\nfn f() {}\n");
        let missing = lib("population", "use std::fmt;\n//! Too late.\n");
        let empty = lib("projection", "//!\n//! Text after an empty line.\n");
        let v = module_docs(&[ok, missing, empty]);
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(v[0].starts_with("crates/population/src/lib.rs:1: the module does not open"));
        assert!(v[1].starts_with("crates/projection/src/lib.rs:1: "));
    }
}
