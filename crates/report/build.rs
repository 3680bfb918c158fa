//! Reads the section headings of docs/domain.md (`## §5.4 …`), when the file exists, so that
//! teaching reports link to the anchors GitHub gives them (see src/sections.rs). Without the
//! file the table is empty and the anchors are derived from the section titles in src/sections.rs.

use std::fmt::Write;
use std::path::Path;

#[path = "src/slug.rs"]
mod slug;

use slug::slug;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = root.join("docs/domain.md");
    // The directory, not the file: a file that does not exist yet would rerun this every build.
    println!("cargo:rerun-if-changed={}", root.join("docs").display());
    let mut pairs = Vec::new();
    let mut rules: Vec<(String, String)> = Vec::new();
    if let Ok(text) = std::fs::read_to_string(&doc) {
        rules = rule_paragraphs(&text);
        for line in text.lines() {
            let Some(rest) = line.strip_prefix('#') else {
                continue;
            };
            let heading = rest.trim_start_matches('#').trim();
            let Some(after) = heading.strip_prefix('§') else {
                continue;
            };
            let id: String = after
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let id = id.trim_end_matches('.').to_owned();
            if !id.is_empty() && !pairs.iter().any(|(i, _): &(String, String)| *i == id) {
                pairs.push((id, slug(heading)));
            }
        }
    }
    let mut out = String::from("/// (section, anchor) pairs of docs/domain.md's headings.\n");
    out.push_str("const DOMAIN_ANCHORS: &[(&str, &str)] = &[\n");
    for (id, anchor) in &pairs {
        let _ = writeln!(out, "    ({id:?}, {anchor:?}),");
    }
    out.push_str("];\n");
    out.push_str(
        "/// (section, rule text) pairs of docs/domain.md: each section's rule paragraph.\n",
    );
    out.push_str("const DOMAIN_RULES: &[(&str, &str)] = &[\n");
    for (id, rule) in &rules {
        let _ = writeln!(out, "    ({id:?}, {rule:?}),");
    }
    out.push_str("];\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("domain_anchors.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// The section id of a `## §5.4 …` heading line.
fn section_id(line: &str) -> Option<String> {
    let heading = line.strip_prefix('#')?.trim_start_matches('#').trim();
    let after = heading.strip_prefix('§')?;
    let id: String = after
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let id = id.trim_end_matches('.').to_owned();
    (!id.is_empty()).then_some(id)
}

/// Each section's rule as plain text: its paragraph that starts with `**Rule`, else its first
/// paragraph, without Markdown marks.
fn rule_paragraphs(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, Vec<Vec<String>>)> = None;
    let finish = |cur: Option<(String, Vec<Vec<String>>)>, out: &mut Vec<(String, String)>| {
        if let Some((id, paragraphs)) = cur {
            let pick = paragraphs
                .iter()
                .find(|p| p.first().is_some_and(|l| l.starts_with("**Rule")))
                .or_else(|| paragraphs.first());
            if let Some(p) = pick
                && !out.iter().any(|(i, _)| *i == id)
            {
                out.push((id, plain(&p.join(" "))));
            }
        }
    };
    for line in text.lines() {
        if line.starts_with('#') {
            finish(current.take(), &mut out);
            current = section_id(line).map(|id| (id, vec![Vec::new()]));
            continue;
        }
        let Some((_, paragraphs)) = current.as_mut() else {
            continue;
        };
        if line.trim().is_empty() {
            if paragraphs.last().is_some_and(|p| !p.is_empty()) {
                paragraphs.push(Vec::new());
            }
        } else if let Some(p) = paragraphs.last_mut() {
            p.push(line.trim().to_owned());
        }
    }
    finish(current.take(), &mut out);
    out
}

/// Markdown to plain text: `**Rule.**` and emphasis marks, `\*` escapes, backticks and link
/// targets go; link texts stay.
fn plain(md: &str) -> String {
    let md = md.replace("\\*", "\u{1}");
    let mut out = String::new();
    let mut chars = md.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' | '`' => {}
            // A link keeps its text: its `[` goes, and `](target)`.
            ']' if chars.peek() == Some(&'(') => {
                if let Some(open) = out.rfind('[') {
                    out.remove(open);
                }
                for d in chars.by_ref() {
                    if d == ')' {
                        break;
                    }
                }
            }
            c => out.push(c),
        }
    }
    let out = out.replace('\u{1}', "*");
    let out = out.strip_prefix("Rule.").unwrap_or(&out).trim().to_owned();
    out.strip_prefix("Rule").unwrap_or(&out).trim().to_owned()
}
