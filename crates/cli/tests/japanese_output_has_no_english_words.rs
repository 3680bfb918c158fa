//! `--lang ja` output has no English words (issue 12): `run`'s transcript and measures,
//! `explain`'s narrative (one regime and `--compare-regimes`), `replay` and `explain` of each
//! run's log (with its transcript and its verification lines, and `--policy` under another
//! policy; the title and description the log keeps) and of a synthetic population's, `check` (and
//! `check -v`, every check listed) and `validate` of the bundled folders, `table` and `compare`
//! are run with `--lang ja` over the bundled teaching and rules scenarios (`compare` and
//! `replay --policy` over the teaching ones), and `replay`'s warnings are read as they are
//! printed; any ASCII word in them that is not an identifier, a number or text quoted from the
//! input files fails the test, with the command and the word in context.
//!
//! What may stay in ASCII, and why (the whole allow-list):
//! - **a word with a digit in it**: numbers, dates and times, card numbers (`JI90958672CU`), the
//!   notification codes (`N1`–`N9`), hashes in hex, versions — identifiers and numbers are the
//!   same in both languages (`--help`: "Identifiers, dates and numbers are the same in both");
//! - **a path**: a word holding `/` or ending in a file extension (`scenarios/…/x.yaml`,
//!   `docs/domain.md#…`): it names a file the reader can open;
//! - **text quoted from the input files**: the residents' ids, names and addresses, and the
//!   policy files' names — written by the scenario's author in whatever language they chose, and
//!   shown as written. Not the scenario's title and description: every bundled scenario has a
//!   Japanese one (`ja:`), which `--lang ja` shows, so an English title or description in the
//!   output is a leak;
//! - **a command-line option** (`--expect-hash`), typed as it is whatever the language;
//! - **the names an expectation lists**: an event type (`CardIssued`) or a refusal rule tag
//!   (`tokutei_online`) that a scenario's `events:`, `refusals:` or `absent:` names, which
//!   `check -v` shows after a Japanese word (出来事 CardIssued) as the author wrote it;
//! - **two names**: `zairyu` (the program, and `zairyu compare` as the command one types) and
//!   `J-LIS` (the card issuer's own abbreviation, which Japanese text uses too:
//!   地方公共団体情報システム機構（J-LIS）);
//! - **the policy as canonical JSON** in `compare`'s manifest (`{"regime":"legacy",…}`): it is
//!   the machine-readable record of what was compared, keys and values are identifiers;
//! - **`bench`'s units**: `MiB` and `CPU` (CPU 時間, CPU 1 秒あたり), the abbreviations
//!   Japanese technical text writes as they are, like the format names below;
//! - **a word with an underscore**: a key or field of a file (`period_expiry`, `card_records`), a
//!   switch (`disposition_at`), an environment variable (`SLURM_ARRAY_TASK_ID`, `NO_COLOR`) —
//!   snake case is never an English word of prose;
//! - **the names of formats and programs** that Japanese technical text writes as they are
//!   ([`NAMES`]: JSON, CSV, YAML, SQLite, Parquet …), and the shapes of a date and a time
//!   (`YYYY-MM-DD`, `HH:MM`).
//!
//! `bench` (a tiny population, its text figures and `--what-if`'s) is scanned too. The errors and
//! the help are scanned too: a bad scenario file, policy file, `--set` and
//! `--grid`, a log that is not one or is of another run, each command's bad input, and the
//! `--help` and `-h` of every command (the names of the commands, their choices and defaults are
//! what one types).

mod support;

use std::process::Command;

use support::root;

/// The bundled scenarios the scan runs over, relative to the repository's root.
fn scenarios() -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["scenarios/teaching", "scenarios/rules"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".yaml") {
                out.push(format!("{dir}/{name}"));
            }
        }
    }
    out.sort();
    assert!(
        out.len() > 30,
        "the bundled scenarios were not found: {out:?}"
    );
    out
}

/// Runs `zairyu --lang ja ARGS` and returns its standard output; it must succeed.
fn zairyu_ja(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_zairyu"))
        .arg("--lang")
        .arg("ja")
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    assert!(
        o.status.success(),
        "zairyu --lang ja {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

/// The strings of `files` (scenario or policy files) that outputs quote as written: the values
/// of `name:`, `id:` and `address:` lines, except a scenario's own title.
fn quoted(files: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        let scenario_file = !file.ends_with(".policy.yaml");
        for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
            // A scenario's own English title is not quoted: `--lang ja` shows its `ja:` title.
            if scenario_file && line.starts_with("name:") {
                continue;
            }
            // `key: value` on its own line or inside a flow mapping `{ key: value, … }`.
            for part in line.split([',', '{', '}']) {
                let part = part.trim().trim_start_matches("- ");
                for key in ["name:", "id:", "address:"] {
                    if let Some(value) = part.strip_prefix(key) {
                        out.push(value.trim().trim_matches('"').to_string());
                    }
                }
            }
        }
        if scenario_file {
            let s = scenario::load(&root().join(file)).unwrap();
            assert!(
                s.ja.is_some(),
                "{file} has no Japanese title and description (`ja:`)"
            );
        }
    }
    // Command lines as one types them: the program's name is allowed on its own below.
    out.push("zairyu compare".into());
    out.push("zairyu replay --policy".into());
    let mut out: Vec<String> = out
        .into_iter()
        .map(|q| normalize(&q))
        .filter(|q| !q.is_empty())
        .collect();
    // The longest first, so that a name inside a description does not split it.
    out.sort_by_key(|q| std::cmp::Reverse(q.len()));
    out
}

/// Whitespace collapsed to single spaces: the narrative wraps quoted text at its own width.
fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The JSON objects in `text` (compare's manifest prints each policy as one).
fn without_json(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' && (depth > 0 || chars.peek() == Some(&'"')) {
            depth += 1;
        } else if c == '}' && depth > 0 {
            depth -= 1;
            if depth == 0 {
                out.push(' ');
            }
        } else if depth == 0 {
            out.push(c);
        }
    }
    out
}

/// The names of formats and programs Japanese text writes as they are, and the shapes of a date
/// and a time.
const NAMES: &[&str] = &[
    "JSON",
    "CSV",
    "YAML",
    "SQLite",
    "HTML",
    "Parquet",
    "JUnit",
    "XML",
    "CI",
    "Mermaid",
    "pandas",
    "DuckDB",
    "roff",
    "MiB",
    "CPU",
    "FIFO",
    "YYYY-MM-DD",
    "HH:MM",
];

/// Whether `word` (a run of ASCII letters, digits and `-_./#§:'`) may stay in ASCII.
fn allowed(word: &str) -> bool {
    // A command-line option (`--expect-hash`) is typed as it is, in any language.
    if word.starts_with("--") && word.len() > 2 {
        return true;
    }
    // A file name or its extension (`x.yaml`, `.csv`) names a file.
    if [".yaml", ".md", ".db", ".json", ".csv", ".parquet"]
        .iter()
        .any(|ext| word.contains(ext))
    {
        return true;
    }
    let word = word.trim_matches(|c: char| matches!(c, '.' | ':' | '\'' | '-'));
    !word.chars().any(|c| c.is_ascii_alphabetic())
        || word.chars().any(|c| c.is_ascii_digit())
        || word.contains('/')
        || [".yaml", ".md", ".db", ".json"]
            .iter()
            .any(|ext| word.contains(ext))
        || word.contains('_')
        || NAMES.contains(&word)
        || matches!(word, "zairyu" | "J-LIS")
        || model::event::Event::TYPE_NAMES.contains(&word)
        || model::rules::RefusalRule::TAGS.contains(&word)
}

/// The English words in `output` (with a little context each), after taking out what `quoted`
/// lists.
fn english_words(output: &str, quoted: &[String]) -> Vec<String> {
    let is_word_char = |c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '#' | '§' | ':' | '\'')
    };
    let mut text = normalize(&without_json(output));
    for q in quoted {
        // Only where the quoted text stands as whole words: a resident id `ali` is not taken out
        // of `validity`.
        let mut kept = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find(q.as_str()) {
            let end = at + q.len();
            // `_` joins words too: a resident `online` is not taken out of `tokutei_online`; and a
            // path's parts: a command `sweep` is not taken out of `docs/sweep.md`.
            let joins =
                |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '.' | '-' | '*');
            let bounded = !rest[..at].chars().next_back().is_some_and(joins)
                && !rest[end..].chars().next().is_some_and(joins);
            kept.push_str(&rest[..at]);
            kept.push_str(if bounded { " " } else { &rest[at..end] });
            rest = &rest[end..];
        }
        kept.push_str(rest);
        text = kept;
    }
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (start, is_word_char(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let word = &text[s..i];
                if !allowed(word) {
                    let from = (0..=s.saturating_sub(30))
                        .rev()
                        .find(|&k| text.is_char_boundary(k))
                        .unwrap_or(0);
                    let to = ((i + 30).min(text.len())..=text.len())
                        .find(|&k| text.is_char_boundary(k))
                        .unwrap_or(text.len());
                    out.push(format!("{word:?} in «{}»", &text[from..to]));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Scans `zairyu --lang ja ARGS` and adds what it finds to `leaks`.
fn scan(args: &[&str], inputs: &[&str], leaks: &mut Vec<String>) {
    let output = zairyu_ja(args);
    assert!(!output.trim().is_empty(), "{args:?} printed nothing");
    for w in english_words(&output, &quoted(inputs)) {
        leaks.push(format!("zairyu --lang ja {}: {w}", args.join(" ")));
    }
}

fn assert_clean(leaks: Vec<String>) {
    assert!(
        leaks.is_empty(),
        "{} English words in --lang ja output:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

#[test]
fn the_scan_finds_english_and_passes_identifiers() {
    let quoted = vec![normalize("Ana Souza")];
    let leaks = english_words(
        "Ana Souza → 市区町村：転出届 JI90958672CU §5.3 N1 2026-10-09 09:00 1日 \
         scenarios/teaching/x.yaml docs/domain.md#53-x zairyu 0.1.0 J-LIS 709652ca81e1 \
         {\"regime\":\"legacy\",\"latency\":{\"a\":\"1d\"}}\ncommits 4 hashes match",
        &quoted,
    );
    let words: Vec<&str> = leaks.iter().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(
        words,
        ["\"commits\"", "\"hashes\"", "\"match\""],
        "{leaks:#?}"
    );
}

/// Every bundled scenario, in every folder, has a Japanese title and description.
#[test]
fn every_bundled_scenario_has_a_japanese_title_and_description() {
    let mut missing = Vec::new();
    let mut dirs = vec![root().join("scenarios")];
    let mut seen = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.to_string_lossy().into_owned();
            if path.is_dir() {
                dirs.push(path);
            } else if name.ends_with(".yaml") && !name.ends_with(".policy.yaml") {
                seen += 1;
                let s = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
                match &s.ja {
                    Some(ja) if !ja.name.is_empty() && !ja.description.is_empty() => {}
                    _ => missing.push(name),
                }
            }
        }
    }
    assert!(seen > 50, "the bundled scenarios were not found");
    missing.sort();
    assert!(
        missing.is_empty(),
        "scenarios without a Japanese title and description (`ja:`, docs/scenario-format.md):\n{}",
        missing.join("\n")
    );
}

#[test]
fn run_and_explain_in_japanese_have_no_english_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut leaks = Vec::new();
    for (i, s) in scenarios().iter().enumerate() {
        let db = dir.path().join(format!("{i}.db"));
        let db = db.to_str().unwrap();
        scan(&["run", s, "--db", db], &[s], &mut leaks);
        scan(&["explain", s], &[s], &mut leaks);
        scan(&["explain", s, "--compare-regimes"], &[s], &mut leaks);
    }
    assert_clean(leaks);
}

/// Runs scenario `s` into the log `dir/i.db` and returns its path.
fn stored_run(dir: &std::path::Path, i: usize, s: &str) -> String {
    let db = dir.join(format!("{i}.db"));
    let db = db.to_str().unwrap().to_owned();
    let o = support::zairyu(&["run", s, "--db", &db, "--quiet"], &root());
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        support::stderr(&o)
    );
    db
}

#[test]
fn replay_check_and_validate_in_japanese_have_no_english_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut leaks = Vec::new();
    for (i, s) in scenarios().iter().enumerate() {
        let db = stored_run(dir.path(), i, s);
        let db = db.as_str();
        scan(&["replay", db, "--transcript"], &[s], &mut leaks);
        // The log alone: its title and description are the Japanese ones it keeps.
        scan(&["explain", db], &[s], &mut leaks);
    }
    // A synthetic population's log has no scenario: its label is worded by the labels.
    let population = dir.path().join("population.db");
    let population = population.to_str().unwrap();
    let o = support::zairyu(
        &["run", "--population", "20", "--db", population, "--quiet"],
        &root(),
    );
    assert!(o.status.success(), "{}", support::stderr(&o));
    scan(&["replay", population], &[], &mut leaks);
    scan(&["explain", population], &[], &mut leaks);
    for dir in ["scenarios/teaching", "scenarios/rules"] {
        scan(&["check", dir], &[], &mut leaks);
        // Every check listed, with what it compared and the value found; the residents' ids and
        // addresses are quoted from the files.
        let files: Vec<String> = scenarios()
            .into_iter()
            .filter(|s| s.starts_with(dir))
            .collect();
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        scan(&["check", "-v", dir], &files, &mut leaks);
        scan(&["validate", dir], &[], &mut leaks);
    }
    // `replay`'s warnings (standard error) about a log it cannot verify or that does not match.
    for problem in [
        report::labels::ReplayProblem::NoMetadata,
        report::labels::ReplayProblem::Mismatch,
        report::labels::ReplayProblem::Unfinished,
    ] {
        let warning = report::labels::replay_warning(problem, "runs/x.db", report::Lang::Ja);
        for w in english_words(&warning, &[]) {
            leaks.push(format!("replay's warning {problem:?}: {w}"));
        }
    }
    assert_clean(leaks);
}

/// What a stored log is called under `--lang ja`: the scenario's Japanese title and
/// description, kept in the log (schema version 4) and shown by every command that reads it; a
/// log of schema version 3 keeps the English only, which is shown as it is, and reading it
/// changes no byte of it.
#[test]
fn a_log_keeps_its_japanese_title_and_an_older_log_shows_its_english_one() {
    let dir = tempfile::tempdir().unwrap();
    let s = "scenarios/teaching/decision_communicated_days_later.yaml";
    let ja = scenario::load(&root().join(s)).unwrap().ja.unwrap();
    let db = stored_run(dir.path(), 0, s);
    // Moved away from the scenario: the log alone says what it is called.
    let moved = dir.path().join("moved.db");
    std::fs::rename(&db, &moved).unwrap();
    let moved = moved.to_str().unwrap();
    let explained = zairyu_ja(&["explain", moved]);
    assert!(explained.starts_with(&ja.name), "{explained}");
    let first_line = ja.description.lines().next().unwrap();
    assert!(explained.contains(first_line), "{explained}");
    let html = zairyu_ja(&["explain", moved, "--format", "html"]);
    assert!(html.contains(&ja.name), "the HTML report's title");
    let mermaid = zairyu_ja(&["explain", moved, "--format", "mermaid"]);
    assert!(mermaid.starts_with(&format!("# {}", ja.name)), "{mermaid}");
    // In English the same log shows the English title.
    let english = support::stdout(&support::zairyu(&["explain", moved], &root()));
    assert!(
        english.starts_with("A decision communicated days later"),
        "{english}"
    );
    // A log of schema version 3 (a golden log) has no Japanese title: its English one shows.
    let old = dir.path().join("old.db");
    std::fs::copy(root().join("tests/golden/v2/extension_integrated.db"), &old).unwrap();
    let before = std::fs::read(&old).unwrap();
    let old = old.to_str().unwrap();
    let explained = zairyu_ja(&["explain", old]);
    assert!(
        explained.starts_with("Extension under the integrated regime"),
        "{explained}"
    );
    let why = zairyu_ja(&[
        "why",
        old,
        "--resident",
        "mei",
        "--field",
        "bureau.period_expiry",
    ]);
    assert!(!why.is_empty());
    assert_eq!(std::fs::read(old).unwrap(), before, "a reader never writes");
}

#[test]
fn replay_under_another_policy_in_japanese_has_no_english_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut leaks = Vec::new();
    let (reform, base) = (
        "scenarios/what-if/integrated.policy.yaml",
        "scenarios/what-if/assumptions.policy.yaml",
    );
    for (i, s) in scenarios()
        .iter()
        .filter(|s| s.contains("teaching"))
        .enumerate()
    {
        let db = stored_run(dir.path(), i, s);
        let db = db.as_str();
        scan(
            &["replay", db, "--policy", reform],
            &[s, reform, base],
            &mut leaks,
        );
    }
    assert_clean(leaks);
}

#[test]
fn table_and_compare_in_japanese_have_no_english_words() {
    let mut leaks = Vec::new();
    scan(&["table"], &[], &mut leaks);
    let (base, reform) = (
        "scenarios/what-if/legacy.policy.yaml",
        "scenarios/what-if/integrated.policy.yaml",
    );
    for s in scenarios().iter().filter(|s| s.contains("teaching")) {
        scan(
            &["compare", "--baseline", base, "--reform", reform, s],
            &[s, base, reform],
            &mut leaks,
        );
    }
    assert_clean(leaks);
}

/// An error message without what it quotes as written: the lines of the file it shows under
/// the message (`│ until: 2026-02-30`), and the words in backquotes, which are keys, values and
/// names as one writes them in a file (`residents`, `student`, `base:`).
fn without_quotes(said: &str) -> String {
    let message: Vec<&str> = said
        .lines()
        .filter(|l| !l.contains(['│', '╭', '╰', '·']))
        .collect();
    message
        .join("\n")
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, part)| part)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs each of `cases` under `--lang ja` (from the repository's root): it must fail with its
/// exit code and a message on standard error that starts with the Japanese word for an error;
/// the English words in the message, but for `names`, the arguments as typed and what it quotes
/// ([`without_quotes`]), go to `leaks`.
fn scan_errors(cases: &[(&[&str], i32)], names: &[String], leaks: &mut Vec<String>) {
    for (args, code) in cases {
        let mut all = vec!["--lang", "ja"];
        all.extend_from_slice(args);
        let o = support::zairyu(&all, &root());
        let said = support::stderr(&o);
        assert_eq!(o.status.code(), Some(*code), "{args:?}: {said}");
        assert!(said.starts_with("エラー："), "{args:?}: {said}");
        let said = without_quotes(&said);
        let mut typed = names.to_vec();
        typed.extend(args.iter().map(|a| a.to_string()));
        typed.sort_by_key(|q| std::cmp::Reverse(q.len()));
        for w in english_words(&said, &typed) {
            leaks.push(format!("zairyu --lang ja {}: {w}", args.join(" ")));
        }
    }
}

/// The errors of the commands that read stored logs, of `run` about its log, and of the
/// argument parser, each provoked under `--lang ja`: every one fails as it should (exit 2 for
/// bad input) and says so in Japanese, options, paths and ids aside.
#[test]
fn errors_of_the_commands_that_read_logs_in_japanese_have_no_english_words() {
    let dir = tempfile::tempdir().unwrap();
    let s = "scenarios/teaching/decision_communicated_days_later.yaml";
    let db = stored_run(dir.path(), 0, s);
    let db = db.as_str();
    let other = "scenarios/teaching/extension_legacy.yaml";
    let policy = "scenarios/what-if/integrated.policy.yaml";
    let missing = dir.path().join("missing.db");
    let missing = missing.to_str().unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let empty = empty.to_str().unwrap();
    let in_a_file = format!("{db}/report.html");
    let dir_path = dir.path().to_str().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a log\n").unwrap();
    let notes = notes.to_str().unwrap();
    let field = "bureau.period_expiry";
    let cases: &[(&[&str], i32)] = &[
        (&["replay", db, "--as-of", "2000-01-01"], 2),
        (&["replay", db, "--effective-on", "2100-01-01"], 2),
        (&["replay", db, "--resident", "nobody"], 2),
        (&["replay", missing], 2),
        (&["replay", s], 2),
        (&["replay", empty], 2),
        (&["replay", db, "--policy", policy, "--scenario", other], 2),
        (&["explain", db, "--compare-regimes"], 2),
        (&["explain", db, "--resident", "nobody"], 2),
        (&["explain", db, "--out", &in_a_file], 2),
        (&["explain", missing], 2),
        (&["why", missing, "--resident", "lan", "--field", field], 2),
        (&["why", db, "--resident", "nobody", "--field", field], 2),
        (&["why", db, "--resident", "lan", "--field", "nonsense"], 2),
        (
            &[
                "why",
                db,
                "--resident",
                "lan",
                "--field",
                field,
                "--on",
                "2000-01-01",
            ],
            2,
        ),
        (&["export", db, "--format", "parquet"], 2),
        (&["export", db], 2),
        (&["export", db, "--table", "nope"], 2),
        (
            &[
                "export",
                db,
                "--table",
                "residents",
                "--as-of",
                "2000-01-01",
            ],
            2,
        ),
        (&["export", missing, "--table", "residents"], 2),
        (&["diff", db, db, "--resident", "nobody"], 2),
        (&["diff", db, missing], 2),
        (&["run", s, "--as-of", "2000-01-01"], 2),
        (&["run", "--population", "10", "--as-of", "2000-01-01"], 2),
        (&["run", "--population", "0"], 2),
        (&["run", "--population", "10", "--threads", "0"], 2),
        (&["run", s, "--db", db], 2),
        (&["run", s, "--db", dir_path], 2),
        (&["run", s, "--db", notes], 2),
        (&["run", s, "--db", missing, "--resume"], 2),
        // The argument parser's own refusals.
        (&["replay", db, "--as-of", "notadate"], 2),
        (&["replay", db, "--bogus"], 2),
        (&["nosuch"], 2),
        (&["why", db, "--resident", "lan"], 2),
        (&["run", "--population", "5", s], 2),
    ];
    // The identifiers an error names: what was typed, the residents' ids (quoted from the
    // scenario), the values of the card record `why` knows, the analysis tables, the two logs
    // of `diff` (A and B, as its Japanese report calls them too).
    let mut names: Vec<String> = quoted(&[s]);
    names.extend(
        projection::why::Field::PATHS
            .iter()
            .map(|(p, _)| p.to_string()),
    );
    names.extend(
        simulator::analysis::TABLES
            .iter()
            .map(|t| t.name.to_string()),
    );
    names.extend(["A", "B"].map(String::from));
    // The positional arguments, named as `--help` names them (`[SCENARIO]`, `<DB>`).
    names.extend(["SCENARIO", "DB"].map(String::from));
    let mut leaks = Vec::new();
    scan_errors(cases, &names, &mut leaks);
    // `--force` says what it replaces, and `--resume` what it kept.
    for extra in ["--force", "--resume"] {
        let o = support::zairyu(&["--lang", "ja", "run", s, "--db", db, extra], &root());
        let said = support::stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{extra}: {said}");
        assert!(!said.is_empty(), "{extra} says nothing");
        for w in english_words(&said, &names) {
            leaks.push(format!("zairyu --lang ja run {s} --db {db} {extra}: {w}"));
        }
    }
    assert_clean(leaks);
}

/// A scenario file written into `dir` from a bundled one with one edit.
fn edited(dir: &std::path::Path, name: &str, base: &str, from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(root().join(base)).unwrap();
    assert!(text.contains(from), "{from:?} not in {base}");
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path.to_str().unwrap().to_owned()
}

/// A bad scenario file, a bad policy file, a bad `--set` or `--grid`, a log that is not one or
/// is of another run, and each command's bad input, under `--lang ja`: each fails as it should
/// (exit 2 for bad input) and says why in Japanese — the place in the file (`file:line:column`)
/// and the values written there aside.
#[test]
fn errors_of_files_settings_and_every_command_in_japanese_have_no_english_words() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = "scenarios/teaching/move_between_integrated.yaml";
    let text = std::fs::read_to_string(root().join(base)).unwrap();
    let status = text
        .lines()
        .find_map(|l| l.split("status: ").nth(1))
        .and_then(|rest| rest.split([',', ' ', '}']).next())
        .expect("a resident with a status")
        .to_owned();
    let start = text
        .lines()
        .find_map(|l| l.strip_prefix("start: "))
        .expect("a start")
        .to_owned();
    let until = text
        .lines()
        .find_map(|l| l.strip_prefix("until: "))
        .expect("an until")
        .to_owned();
    let bad_date = edited(d, "bad_date.yaml", base, &until, "2026-02-30");
    let bad_status = edited(
        d,
        "bad_status.yaml",
        base,
        &format!("status: {status}"),
        "status: studnet",
    );
    let bad_key = edited(d, "bad_key.yaml", base, "residents:", "residentz:");
    let syntax = edited(d, "syntax.yaml", base, "residents:", "residents: [\n");
    let until_first = edited(d, "until_first.yaml", base, &until, &start);
    // A move-in elsewhere than the move-out said, and a typo of a municipality zairyu knows.
    let elsewhere = edited(
        d,
        "elsewhere.yaml",
        base,
        "municipality: yokohama-naka",
        "municipality: kawasaki-ku",
    );
    let typo = edited(
        d,
        "typo.yaml",
        base,
        "municipality: setagaya",
        "municipality: setagayaa",
    );
    let not_a_mapping = d.join("list.yaml");
    std::fs::write(&not_a_mapping, "- 1\n- 2\n").unwrap();
    let not_a_mapping = not_a_mapping.to_str().unwrap();
    let policy = d.join("bad.policy.yaml");
    std::fs::write(&policy, "policy:\n  regime: legasy\n").unwrap();
    let policy = policy.to_str().unwrap();
    let unknown_key = d.join("key.policy.yaml");
    std::fs::write(&unknown_key, "policy:\n  regimes: legacy\n").unwrap();
    let unknown_key = unknown_key.to_str().unwrap();
    let cycle = d.join("cycle.policy.yaml");
    std::fs::write(&cycle, "base: cycle.policy.yaml\n").unwrap();
    let cycle = cycle.to_str().unwrap();
    let no_base = d.join("no_base.policy.yaml");
    std::fs::write(&no_base, "base: nowhere.policy.yaml\n").unwrap();
    let no_base = no_base.to_str().unwrap();
    let good = "scenarios/what-if/integrated.policy.yaml";
    let s = "scenarios/teaching/decision_communicated_days_later.yaml";
    let db = stored_run(d, 0, s);
    let db = db.as_str();
    let other = "scenarios/teaching/extension_legacy.yaml";
    let empty_dir = d.join("empty");
    std::fs::create_dir(&empty_dir).unwrap();
    let empty_dir = empty_dir.to_str().unwrap();
    let notes = d.join("notes.txt");
    std::fs::write(&notes, "not JSON\n").unwrap();
    let notes = notes.to_str().unwrap();
    let not_a_shard = d.join("shard.json");
    std::fs::write(&not_a_shard, "{\"manifest\": {\"format\": \"nothing\"}}\n").unwrap();
    let not_a_shard = not_a_shard.to_str().unwrap();
    let man_in_a_file = format!("{notes}/man");
    // A log cut in half: the database is damaged.
    let cut = d.join("cut.db");
    let whole = std::fs::read(db).unwrap();
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let cut = cut.to_str().unwrap();
    let cases: &[(&[&str], i32)] = &[
        // Scenario files.
        (&["validate", &bad_date], 2),
        (&["validate", &bad_status], 2),
        (&["validate", &bad_key], 2),
        (&["validate", &syntax], 2),
        (&["validate", &until_first], 2),
        (&["validate", &elsewhere], 2),
        (&["validate", &typo], 2),
        (&["validate", not_a_mapping], 2),
        (&["validate", empty_dir], 2),
        (&["validate", "nowhere.yaml"], 2),
        (&["check", empty_dir], 2),
        (&["run", &bad_date], 2),
        (&["explain", &bad_status], 2),
        (&["run", &bad_key, "--step"], 2),
        // Policy files, `--set` and `--grid`.
        (&["compare", "--baseline", policy, "--reform", good, s], 2),
        (
            &["compare", "--baseline", good, "--reform", unknown_key, s],
            2,
        ),
        (&["compare", "--baseline", cycle, "--reform", good, s], 2),
        (&["compare", "--baseline", no_base, "--reform", good, s], 2),
        (&["replay", db, "--set", "nosuch=1"], 2),
        (&["replay", db, "--set", "disposition_at=someday"], 2),
        (&["replay", db, "--set", "disposition_at"], 2),
        (&["replay", db, "--set", "disposition_at=[x"], 2),
        (&["sweep", "--population", "10", "--grid", "nosuch=1"], 2),
        (
            &[
                "sweep",
                "--population",
                "10",
                "--grid",
                "resident.tokutei_uptake",
            ],
            2,
        ),
        (
            &[
                "sweep",
                "--population",
                "10",
                "--grid",
                "resident.tokutei_uptake=x",
            ],
            2,
        ),
        (
            &[
                "sweep",
                "--population",
                "10",
                "--grid",
                "resident.tokutei_uptake=0.1,",
            ],
            2,
        ),
        // A log of another run, one that is not a log.
        (&["run", other, "--db", db, "--resume"], 2),
        (&["replay", notes], 2),
        (&["replay", cut], 1),
        (&["run", s, "--db", notes], 2),
        // Each command's bad input.
        (
            &[
                "compare",
                "--baseline",
                good,
                "--reform",
                good,
                s,
                "--seeds",
                "0",
            ],
            2,
        ),
        (
            &[
                "compare",
                "--baseline",
                good,
                "--reform",
                good,
                s,
                "--shard",
                "0/2",
            ],
            2,
        ),
        (&["compare", "--baseline", good, "--reform", good], 2),
        (
            &[
                "compare",
                "--baseline",
                good,
                "--reform",
                good,
                "--population",
                "0",
            ],
            2,
        ),
        (
            &[
                "compare",
                "--baseline",
                good,
                "--reform",
                good,
                s,
                "--threads",
                "0",
            ],
            2,
        ),
        (
            &[
                "compare",
                "--baseline",
                good,
                "--reform",
                good,
                "--population",
                "10",
                "--shards",
                "2",
            ],
            2,
        ),
        (&["sweep", "--population", "10", "--seeds", "0"], 2),
        (&["sweep", "--population", "10", "--format", "parquet"], 2),
        (&["sweep", "--population", "10", "--threads", "0"], 2),
        (
            &[
                "sweep",
                "--population",
                "10",
                "--shard",
                "0/2",
                "--format",
                "csv",
            ],
            2,
        ),
        (&["merge", notes], 2),
        (&["merge", not_a_shard], 2),
        (&["merge", "nowhere.json"], 2),
        (&["bench", "--what-if", "--residents", "0"], 2),
        (&["man", "--dir", &man_in_a_file], 2),
        (&["completions", "nosh"], 2),
        (&["simtest", "--seeds", "0"], 2),
    ];
    let mut names = quoted(&[base, s, other]);
    names.extend(
        [
            "studnet",
            "residentz",
            "legasy",
            "regimes",
            "setagayaa",
            "setagaya",
            "kawasaki-ku",
            "yokohama-naka",
            "nosh",
            "nosuch",
            "someday",
            "nothing",
            "*.yaml",
            "--lang en",
        ]
        .map(String::from),
    );
    names.push(status);
    let mut leaks = Vec::new();
    scan_errors(cases, &names, &mut leaks);
    assert_clean(leaks);
}

/// The commands `zairyu --lang ja --help` lists.
fn commands() -> Vec<String> {
    let help = zairyu_ja(&["--help"]);
    let list = help
        .split("コマンド：")
        .nth(1)
        .expect("a list of commands")
        .split("\n\n")
        .next()
        .unwrap();
    let names: Vec<String> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    assert!(names.len() > 15, "{names:?}");
    names
}

/// The values an argument's Japanese help lists (its choices, its default), which are typed as
/// they are: `（値：text、json）`, `（既定：text）`.
fn values_in(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    for opening in ["（値：", "（既定："] {
        for part in help.split(opening).skip(1) {
            let inside = part.split('）').next().unwrap_or("");
            out.extend(inside.split(['、', ',']).map(|v| v.trim().to_owned()));
        }
    }
    out.retain(|v| !v.is_empty());
    out
}

/// `zairyu --lang ja --help`, and `--help`, `-h` and `help` of every command: every word
/// Japanese but the commands, the options and the values one types.
#[test]
fn help_of_every_command_in_japanese_has_no_english_words() {
    let commands = commands();
    let mut names: Vec<String> = commands.clone();
    names.extend(["-q", "-v", "-vv", "-vvv", "-h", "-V"].map(String::from));
    // The analysis tables, named as `export --table` takes them.
    names.extend(
        simulator::analysis::TABLES
            .iter()
            .map(|t| t.name.to_string()),
    );
    let mut leaks = Vec::new();
    let mut runs: Vec<Vec<&str>> = vec![vec!["--help"], vec!["-h"], vec!["help"]];
    // `help` is clap's command that shows another's help (`zairyu help run`).
    for c in commands.iter().filter(|c| *c != "help") {
        runs.push(vec![c.as_str(), "--help"]);
        runs.push(vec![c.as_str(), "-h"]);
        runs.push(vec!["help", c.as_str()]);
    }
    let helps: Vec<(Vec<&str>, String)> = runs
        .into_iter()
        .map(|args| {
            let help = zairyu_ja(&args);
            (args, help)
        })
        .collect();
    // The choices and defaults of every command: one command's help may name another's
    // (`zairyu completions bash` in the list of commands).
    for (_, help) in &helps {
        names.extend(values_in(help));
    }
    names.sort_by_key(|q| std::cmp::Reverse(q.len()));
    for (args, help) in helps {
        assert!(help.contains("使い方："), "{args:?}: {help}");
        for w in english_words(&without_quotes(&help), &names) {
            leaks.push(format!("zairyu --lang ja {}: {w}", args.join(" ")));
        }
    }
    assert_clean(leaks);
}

/// `simtest`'s line, and a stepped run's answers to commands it cannot read, under `--lang ja`.
#[test]
fn simtest_and_a_stepped_session_in_japanese_have_no_english_words() {
    use std::io::Write;
    let mut leaks = Vec::new();
    let names: Vec<String> = ["simtest", "mixed", "next", "until", "add", "quit", "help"]
        .map(String::from)
        .to_vec();
    let held = zairyu_ja(&["simtest", "--seeds", "2", "--quiet"]);
    assert!(held.contains("不変条件"), "{held}");
    for w in english_words(&held, &names) {
        leaks.push(format!("simtest: {w}"));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("step.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_zairyu"))
        .args([
            "--lang",
            "ja",
            "run",
            "scenarios/teaching/extension_legacy.yaml",
            "--step",
        ])
        .arg("--db")
        .arg(&db)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"next x\nuntil 1999-01-01\nadd\nquit\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let said = String::from_utf8(o.stdout).unwrap();
    let usages: Vec<&str> = said.lines().filter(|l| l.starts_with("使い方：")).collect();
    assert_eq!(usages.len(), 3, "{said}");
    for w in english_words(&without_quotes(&usages.join("\n")), &names) {
        leaks.push(format!("run --step: {w}"));
    }
    assert_clean(leaks);
}

/// `bench`'s figures (a tiny population: the simulation alone, with the store, the raw SQLite
/// baseline, the replay) and `bench --what-if`'s, under `--lang ja`.
#[test]
fn bench_in_japanese_has_no_english_words() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().to_str().unwrap();
    let mut leaks = Vec::new();
    let names = vec!["bench".to_owned()];
    for args in [
        &["bench", "--residents", "50", "--threads", "1", "--dir", dir][..],
        &["bench", "--what-if", "--residents", "50", "--threads", "1"][..],
    ] {
        let said = zairyu_ja(args);
        assert!(said.contains("イベント数"), "{said}");
        for w in english_words(&said, &names) {
            leaks.push(format!("zairyu --lang ja {}: {w}", args.join(" ")));
        }
    }
    assert_clean(leaks);
}
