//! Checks on what the packages declare: the crate graph points one way, only `event-store`
//! links SQLite, only `cli` takes the terminal program's crates, and every declared dependency
//! is used by the code that its kind serves.

use std::collections::BTreeSet;

use super::source::{Kind, Source};
use super::tree::{DepKind, Package};

const OFFICES: [&str; 4] = ["immigration-bureau", "city-hall", "card-issuer", "police"];

/// The intended crate graph of docs/ARCHITECTURE.md: each workspace crate and the workspace
/// crates it may depend on (in any section). `*` is "any": the binary and the integration
/// tests sit on top. Offices never depend on each other; `report` reads projections, never the
/// simulator's runtime.
pub fn allowed(krate: &str) -> Option<Vec<&'static str>> {
    let foundation = ["model"];
    Some(match krate {
        "model" => vec![],
        k if OFFICES.contains(&k) => foundation.to_vec(),
        "event-store" | "scenario" | "population" | "projection" => foundation.to_vec(),
        "simulator" => [&foundation[..], &OFFICES[..]]
            .concat()
            .into_iter()
            .chain(["event-store", "scenario", "population", "projection"])
            .collect(),
        "report" => vec!["model", "projection", "scenario"],
        "zairyu" | "zairyu-tests" => vec!["*"],
        _ => return None,
    })
}

/// Every dependency between workspace crates that the intended graph does not allow, and every
/// workspace crate the graph does not place.
pub fn directions(packages: &[Package]) -> Vec<String> {
    let members: BTreeSet<&str> = packages.iter().map(|p| p.name.as_str()).collect();
    let mut out = Vec::new();
    for p in packages {
        let Some(allowed) = allowed(&p.name) else {
            out.push(format!(
                "{}: crate `{}` has no place in the intended crate graph: add it to `allowed` in \
                 tests/tests/tidy/deps.rs and to docs/ARCHITECTURE.md",
                p.manifest_path(),
                p.name
            ));
            continue;
        };
        for d in &p.deps {
            let inside = members.contains(d.name.as_str());
            if inside && !allowed.contains(&"*") && !allowed.contains(&d.name.as_str()) {
                out.push(format!(
                    "{}: `{}` depends on `{}` ({}), against the intended crate graph; `{}` may \
                     depend on: {} (docs/ARCHITECTURE.md, Crates)",
                    p.declaration(d),
                    p.name,
                    d.name,
                    d.kind.section(),
                    p.name,
                    if allowed.is_empty() {
                        "no workspace crate".to_string()
                    } else {
                        allowed.join(", ")
                    }
                ));
            }
        }
    }
    out
}

/// Crates that speak SQL. Only `event-store` may declare one.
const SQL_CRATES: [&str; 4] = ["rusqlite", "libsqlite3-sys", "sqlx", "diesel"];

/// Every package other than `event-store` that declares an SQL crate.
pub fn sql_dependencies(packages: &[Package]) -> Vec<String> {
    packages
        .iter()
        .filter(|p| p.name != "event-store")
        .flat_map(|p| {
            p.deps
                .iter()
                .filter(|d| SQL_CRATES.contains(&d.name.as_str()))
                .map(move |d| {
                    format!(
                        "{}: `{}` declares `{}`, but only `event-store` may use SQL",
                        p.declaration(d),
                        p.name,
                        d.name
                    )
                })
        })
        .collect()
}

/// Crates for a terminal program: catch-all errors and their rendering, argument parsing,
/// progress bars, the tracing subscriber. Library crates return typed errors (`thiserror`) and
/// leave the terminal to `cli`.
const CLI_CRATES: [&str; 5] = [
    "anyhow",
    "miette",
    "clap",
    "indicatif",
    "tracing-subscriber",
];

/// Every package other than `cli` (the package `zairyu`) that declares one of [`CLI_CRATES`]
/// (in any section).
pub fn cli_dependencies(packages: &[Package]) -> Vec<String> {
    packages
        .iter()
        .filter(|p| p.name != "zairyu")
        .flat_map(|p| {
            p.deps
                .iter()
                .filter(|d| CLI_CRATES.contains(&d.name.as_str()))
                .map(move |d| {
                    format!(
                        "{}: `{}` declares `{}`, which only `cli` may use: a library returns typed \
                         errors (thiserror) and leaves the terminal to the CLI",
                        p.declaration(d),
                        p.name,
                        d.name
                    )
                })
        })
        .collect()
}

/// Whether `code` names crate `name` as a path (`name::…`), in a `use name…` or an
/// `extern crate name`.
fn names_crate(s: &Source, name: &str, offset_ok: impl Fn(usize) -> bool) -> bool {
    s.find_code(name).filter(|&i| offset_ok(i)).any(|i| {
        let after = s.code[i + name.len()..].trim_start();
        let before = s.code[..i].trim_end();
        after.starts_with("::") || before.ends_with("use") || before.ends_with("crate")
    })
}

/// Every declared dependency that no source of its kind uses: a `[dependencies]` entry must be
/// used by library or binary code (if only tests use it, it belongs in `[dev-dependencies]`), a
/// `[dev-dependencies]` entry by tests, examples or benches, a `[build-dependencies]` entry by
/// `build.rs`.
pub fn unused(packages: &[Package], sources: &[Source]) -> Vec<String> {
    let mut out = Vec::new();
    for p in packages {
        let own: Vec<&Source> = sources.iter().filter(|s| s.package == p.name).collect();
        for d in &p.deps {
            let name = d.rust_name.as_str();
            let used = |pick: &dyn Fn(&Source, usize) -> bool| {
                own.iter().any(|s| names_crate(s, name, |i| pick(s, i)))
            };
            let problem = match d.kind {
                DepKind::Normal if used(&|s, i| s.is_production(i)) => None,
                DepKind::Normal if used(&|s, i| !s.is_production(i) && s.kind != Kind::Build) => {
                    Some("is used only by tests or examples: move it to [dev-dependencies]")
                }
                DepKind::Normal => {
                    Some("is declared but no library or binary code uses it: remove it")
                }
                DepKind::Dev if used(&|s, i| !s.is_production(i) && s.kind != Kind::Build) => None,
                DepKind::Dev => {
                    Some("is declared but no test, example or bench uses it: remove it")
                }
                DepKind::Build if used(&|s, _| s.kind == Kind::Build) => None,
                DepKind::Build => Some("is declared but build.rs does not use it: remove it"),
            };
            if let Some(problem) = problem {
                out.push(format!(
                    "{}: `{}` in {} of `{}` {problem}",
                    p.declaration(d),
                    d.key,
                    d.kind.section(),
                    p.name
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod planted {
    use super::super::tree::Dep;
    use super::*;

    fn package(name: &str, deps: &[(&str, DepKind)]) -> Package {
        let mut manifest = String::from("[package]\n");
        for kind in [DepKind::Normal, DepKind::Dev, DepKind::Build] {
            manifest.push_str(&format!("\n{}\n", kind.section()));
            for (d, k) in deps {
                if *k == kind {
                    manifest.push_str(&format!("{d}.workspace = true\n"));
                }
            }
        }
        Package {
            name: name.into(),
            dir: format!("crates/{name}"),
            manifest,
            deps: deps
                .iter()
                .map(|(d, kind)| Dep {
                    name: d.to_string(),
                    key: d.to_string(),
                    rust_name: d.replace('-', "_"),
                    kind: *kind,
                })
                .collect(),
        }
    }

    #[test]
    fn report_depending_on_the_simulator_is_refused() {
        let ps = [
            package("model", &[]),
            package("simulator", &[("model", DepKind::Normal)]),
            package(
                "report",
                &[("model", DepKind::Normal), ("simulator", DepKind::Normal)],
            ),
        ];
        assert_eq!(
            directions(&ps),
            [
                "crates/report/Cargo.toml:5: `report` depends on `simulator` ([dependencies]), \
              against the intended crate graph; `report` may depend on: model, projection, \
              scenario (docs/ARCHITECTURE.md, Crates)"
            ]
        );
    }

    #[test]
    fn an_office_depending_on_another_office_is_refused() {
        let ps = [
            package("model", &[]),
            package("police", &[("model", DepKind::Normal)]),
            package("city-hall", &[("police", DepKind::Dev)]),
        ];
        let v = directions(&ps);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].starts_with("crates/city-hall/Cargo.toml:6: `city-hall` depends on `police` ([dev-dependencies])"), "{v:?}");
    }

    #[test]
    fn an_unplaced_crate_is_reported() {
        let v = directions(&[package("xtask", &[])]);
        assert_eq!(v.len(), 1);
        assert!(v[0].contains("crate `xtask` has no place"), "{v:?}");
    }

    #[test]
    fn sqlite_outside_the_event_store_is_refused() {
        let ps = [
            package("event-store", &[("rusqlite", DepKind::Normal)]),
            package("cli", &[("rusqlite", DepKind::Normal)]),
        ];
        assert_eq!(
            sql_dependencies(&ps),
            [
                "crates/cli/Cargo.toml:4: `cli` declares `rusqlite`, but only `event-store` may use SQL"
            ]
        );
    }

    #[test]
    fn terminal_crates_outside_the_cli_are_refused() {
        let ps = [
            package(
                "zairyu",
                &[("anyhow", DepKind::Normal), ("clap", DepKind::Normal)],
            ),
            package("report", &[("miette", DepKind::Normal)]),
        ];
        let v = cli_dependencies(&ps);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(
            v[0].starts_with(
                "crates/report/Cargo.toml:4: `report` declares `miette`, which only `cli` may use"
            ),
            "{v:?}"
        );
    }

    fn src(path: &str, text: &str) -> Source {
        let rel = path.trim_start_matches("crates/cli/");
        Source::new(path, "cli", Kind::of(rel), text)
    }

    #[test]
    fn unused_and_misplaced_dependencies_are_reported() {
        let p = package(
            "cli",
            &[
                ("serde-saphyr", DepKind::Normal), // used as serde_saphyr::
                ("tokio", DepKind::Normal),        // only in a comment and a string
                ("chrono", DepKind::Normal),       // used only in a test module
                ("uuid", DepKind::Normal),         // `use uuid::Uuid`
                ("tempfile", DepKind::Dev),        // used by an integration test
                ("insta", DepKind::Dev),           // unused
                ("cc", DepKind::Build),            // build.rs
            ],
        );
        let sources = [
            src(
                "crates/cli/src/main.rs",
                "//! m\n// tokio::spawn\nuse uuid::Uuid;\nfn f() { let _ = \"tokio::x\"; serde_saphyr::from_str(\"\"); }\n#[cfg(test)]\nmod tests { use chrono::NaiveDate; }\n",
            ),
            src(
                "crates/cli/tests/t.rs",
                "//! t\nfn t() { tempfile::tempdir(); }\n",
            ),
            src(
                "crates/cli/build.rs",
                "//! b\nfn main() { cc::Build::new(); }\n",
            ),
        ];
        let v = unused(&[p], &sources);
        assert_eq!(
            v,
            [
                "crates/cli/Cargo.toml:5: `tokio` in [dependencies] of `cli` is declared but no library or binary code uses it: remove it",
                "crates/cli/Cargo.toml:6: `chrono` in [dependencies] of `cli` is used only by tests or examples: move it to [dev-dependencies]",
                "crates/cli/Cargo.toml:11: `insta` in [dev-dependencies] of `cli` is declared but no test, example or bench uses it: remove it",
            ]
        );
    }
}
