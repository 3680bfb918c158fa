//! Checks that the invariants of docs/ARCHITECTURE.md are held by tests that exist: every
//! paragraph that opens with "Architecture invariant:" says "Checked by:" and names at least one
//! Rust file of the repository; each name after a file (up to the next `;`) is a test that the
//! file defines. A renamed or deleted test then fails here instead of leaving the doc promising
//! a check that no longer runs.

use std::collections::BTreeMap;

const INVARIANT: &str = "Architecture invariant:";
const CHECKED_BY: &str = "Checked by:";

/// Every invariant paragraph of `doc` (the text of `doc_path`) that names no check, a file that
/// `files` (path → text) does not hold, or a test its file does not define.
pub fn unchecked(doc_path: &str, doc: &str, files: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (line, paragraph) in paragraphs(doc) {
        if !paragraph.starts_with(INVARIANT) {
            continue;
        }
        let at = format!("{doc_path}:{line}");
        let Some((_, checks)) = paragraph.split_once(CHECKED_BY) else {
            out.push(format!(
                "{at}: the invariant does not say `{CHECKED_BY}` and name the test that checks it"
            ));
            continue;
        };
        let mut named_files = 0;
        for clause in checks.split(';') {
            let mut file: Option<&str> = None;
            for span in code_spans(clause) {
                if span.ends_with(".rs") {
                    named_files += 1;
                    if files.contains_key(span) {
                        file = Some(span);
                    } else {
                        out.push(format!(
                            "{at}: names `{span}`, which is not in the repository"
                        ));
                        file = None;
                    }
                } else if let Some(f) = file
                    && is_test_name(span)
                    && !defines_test(&files[f], span)
                {
                    out.push(format!(
                        "{at}: names the test `{span}`, which {f} does not define (renamed or \
                         removed? name the test that checks the invariant now)"
                    ));
                }
            }
        }
        if named_files == 0 {
            out.push(format!(
                "{at}: the invariant names no test file after `{CHECKED_BY}`"
            ));
        }
    }
    out
}

/// The paragraphs of a Markdown text, each joined into one line, with the line it starts on.
fn paragraphs(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            open = false;
        } else if open {
            let last = out.last_mut().expect("an open paragraph");
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else {
            out.push((n + 1, line.trim().to_string()));
            open = true;
        }
    }
    out
}

/// The insides of the `code spans` of a text.
fn code_spans(text: &str) -> impl Iterator<Item = &str> {
    text.split('`').skip(1).step_by(2)
}

/// A test function's name: snake case with at least one underscore.
fn is_test_name(s: &str) -> bool {
    s.contains('_')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether `text` defines `fn name` under a `#[test]` (or `#[tokio::test]`) attribute: one of
/// the attribute and comment lines right above the function.
fn defines_test(text: &str, name: &str) -> bool {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    lines.iter().enumerate().any(|(i, l)| {
        let rest = ["fn ", "async fn ", "pub fn "]
            .iter()
            .find_map(|p| l.strip_prefix(p));
        rest.is_some_and(|r| r.starts_with(name) && r[name.len()..].starts_with('('))
            && lines[..i]
                .iter()
                .rev()
                .take_while(|a| a.starts_with("#[") || a.starts_with("//"))
                .any(|a| a.starts_with("#[") && a.contains("test]"))
    })
}

#[cfg(test)]
mod planted {
    use super::*;

    #[test]
    fn invariants_without_a_test_that_exists_are_refused() {
        let doc = "# Invariants\n\n\
                   Architecture invariant: held. Checked by: `crates/a/tests/t.rs`\n\
                   `it_holds`; clippy's `print_stdout`.\n\n\
                   Architecture invariant: promised only.\n\n\
                   Architecture invariant: gone. Checked by: `crates/a/tests/t.rs` `it_was_renamed`\n\
                   and `a_helper`; `crates/a/tests/gone.rs` `anything`.\n\n\
                   Architecture invariant: words. Checked by: review only.\n";
        let files = BTreeMap::from([(
            "crates/a/tests/t.rs".to_string(),
            "//! t\n#[test]\nfn it_holds() {}\n\nfn a_helper() {}\n".to_string(),
        )]);
        assert_eq!(
            unchecked("docs/ARCHITECTURE.md", doc, &files),
            [
                "docs/ARCHITECTURE.md:6: the invariant does not say `Checked by:` and name the \
                 test that checks it",
                "docs/ARCHITECTURE.md:8: names the test `it_was_renamed`, which \
                 crates/a/tests/t.rs does not define (renamed or removed? name the test that \
                 checks the invariant now)",
                "docs/ARCHITECTURE.md:8: names the test `a_helper`, which crates/a/tests/t.rs \
                 does not define (renamed or removed? name the test that checks the invariant \
                 now)",
                "docs/ARCHITECTURE.md:8: names `crates/a/tests/gone.rs`, which is not in the \
                 repository",
                "docs/ARCHITECTURE.md:11: the invariant names no test file after `Checked by:`",
            ]
        );
    }
}
