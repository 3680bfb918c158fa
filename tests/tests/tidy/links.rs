//! Checks that the docs work in a clone, on their own: every relative Markdown link points at a
//! file or directory of the repository (never outside it), every `#anchor` into a Markdown file
//! at one of its headings, and no file (code comments and messages included) cites a document
//! that is not in the repository.

use std::collections::{BTreeMap, BTreeSet};

/// One link: the 1-based line and column of its target, and the target as written.
struct Link {
    line: usize,
    col: usize,
    target: String,
}

/// The links of a Markdown text: inline `[text](target)` and `![alt](target)`, and reference
/// definitions `[label]: target`. Fenced code blocks and inline code spans are skipped.
fn links(text: &str) -> Vec<Link> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            continue;
        }
        let line = without_code_spans(line);
        if let Some((_, def)) = t.strip_prefix('[').and_then(|rest| rest.split_once("]:")) {
            let target = def.split_whitespace().next().unwrap_or("");
            let col = line.find(target).unwrap_or(0) + 1;
            out.push(Link {
                line: n + 1,
                col,
                target: target.to_string(),
            });
            continue;
        }
        let mut from = 0;
        while let Some(k) = line[from..].find("](") {
            let start = from + k + 2;
            let Some(len) = line[start..].find(')') else {
                break;
            };
            let inner = line[start..start + len].trim();
            // `(target "title")` and `(<target>)`.
            let target = inner.split_whitespace().next().unwrap_or("");
            let target = target.trim_start_matches('<').trim_end_matches('>');
            out.push(Link {
                line: n + 1,
                col: start + 1,
                target: target.to_string(),
            });
            from = start + len;
        }
    }
    out
}

/// The line with the insides of `code spans` replaced by spaces (columns kept).
fn without_code_spans(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut inside = false;
    for c in line.chars() {
        if c == '`' {
            inside = !inside;
            out.push(c);
        } else if inside {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// The anchors GitHub gives a Markdown file's headings (`report::sections::slug`), with `-1`,
/// `-2` … after repeats. Explicit `<a id="…">`/`<a name="…">` anchors count too.
pub fn anchors(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut fence = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        for key in ["<a id=\"", "<a name=\""] {
            if let Some((id, _)) = t.split_once(key).and_then(|(_, rest)| rest.split_once('"')) {
                out.insert(id.to_string());
            }
        }
        let hashes = t.chars().take_while(|&c| c == '#').count();
        if hashes == 0 || hashes > 6 || !t[hashes..].starts_with(' ') {
            continue;
        }
        // The teaching reports link to the same anchors, with the same function.
        let slug = report::sections::slug(&strip_link_targets(t[hashes..].trim()));
        let n = seen.entry(slug.clone()).or_insert(0);
        out.insert(if *n == 0 {
            slug.clone()
        } else {
            format!("{slug}-{n}")
        });
        *n += 1;
    }
    out
}

/// A heading's text as rendered: `[text](target)` becomes `text`.
fn strip_link_targets(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(k) = rest.find("](") {
        out.push_str(&rest[..k]);
        rest = &rest[k + 2..];
        rest = rest.find(')').map_or("", |e| &rest[e + 1..]);
    }
    out.push_str(rest);
    out.replace('[', "")
}

/// `a/b/../c` → `a/c`; `None` if the path climbs out of the repository.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Every relative link in `markdown` (path → text) whose target is not in `paths` (files and
/// directories relative to the repository root), climbs out of the repository, or names an
/// anchor its Markdown target does not have.
pub fn dead_links(markdown: &BTreeMap<String, String>, paths: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    for (file, text) in markdown {
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        for l in links(text) {
            let at = format!("{file}:{}:{}", l.line, l.col);
            let external = l.target.contains("://") || l.target.starts_with("mailto:");
            if external || l.target.is_empty() {
                continue;
            }
            let (path, anchor) = match l.target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (l.target.as_str(), None),
            };
            let resolved = if path.is_empty() {
                Some(file.clone())
            } else if path.starts_with('/') {
                None
            } else {
                normalize(&format!("{dir}/{path}"))
            };
            let Some(resolved) = resolved else {
                out.push(format!(
                    "{at}: `{}` points outside the repository; the docs must stand alone in a \
                     clone (link the project's own docs, e.g. docs/domain.md)",
                    l.target
                ));
                continue;
            };
            if !paths.contains(&resolved) {
                out.push(format!(
                    "{at}: `{}` is a dead link: no {resolved} in the repository",
                    l.target
                ));
                continue;
            }
            if let (Some(anchor), Some(target)) = (anchor, markdown.get(&resolved))
                && !anchors(target).contains(anchor)
            {
                out.push(format!(
                    "{at}: `{}`: {resolved} has no heading with the anchor `#{anchor}`",
                    l.target
                ));
            }
        }
    }
    out
}

/// Names of documents that lived beside the repository while it was built, and of the machine
/// it was built on. Spelled in pieces so that this file does not contain them itself.
const OUTSIDE: [&str; 4] = [
    concat!("domain", "-rules"),
    concat!("design", ".md"),
    concat!("../", "shared"),
    concat!("/work", "/"),
];

/// Every line of `texts` (path → text: sources, docs, scenarios, manifests) that cites one of
/// [`OUTSIDE`], in any letter case (a sentence may start with the name, capitalised).
pub fn outside_references(texts: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in texts {
        for (n, line) in text.lines().enumerate() {
            // ASCII lower-casing keeps every byte offset, so `col` points into `line` too.
            let lower = line.to_ascii_lowercase();
            for name in OUTSIDE {
                if let Some(col) = lower.find(name) {
                    out.push(format!(
                        "{path}:{}:{}: `{name}` is not in the repository; cite the project's own \
                         docs (docs/domain.md §…, docs/ARCHITECTURE.md, docs/decisions/)",
                        n + 1,
                        line[..col].chars().count() + 1
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod planted {
    use super::*;

    #[test]
    fn citing_a_document_outside_the_repository_is_refused() {
        let rules = concat!("domain", "-rules");
        let texts = BTreeMap::from([
            (
                "crates/model/src/rules.rs".to_string(),
                format!("//! Rules.\n/// {rules} §6: the table.\nfn f() {{}}\n"),
            ),
            (
                "crates/model/src/envelope.rs".to_string(),
                format!("//! {} fixes these fields.\n", concat!("Design", ".md")),
            ),
            ("docs/domain.md".to_string(), "# Rules (§6)\n".to_string()),
        ]);
        let v = outside_references(&texts);
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(
            v[0].starts_with(&format!(
                "crates/model/src/envelope.rs:1:5: `{}` is not in the repository",
                concat!("design", ".md")
            )),
            "{v:?}"
        );
        assert!(
            v[1].starts_with(&format!(
                "crates/model/src/rules.rs:2:5: `{rules}` is not in the repository"
            )),
            "{v:?}"
        );
    }

    #[test]
    fn github_anchors() {
        let a = anchors(
            "# Top\n## 16. Open questions and their switches\n### `zairyu run` [link](x.md)\n## Top\n```\n# not a heading\n```\n## 在留カード §5.4\n<a id=\"custom\"></a>\n",
        );
        let want = [
            "16-open-questions-and-their-switches",
            "custom",
            "top",
            "top-1",
            "zairyu-run-link",
            "在留カード-54",
        ];
        assert_eq!(a.into_iter().collect::<Vec<_>>(), want);
    }

    #[test]
    fn dead_outside_and_anchorless_links_are_refused() {
        let shared = concat!("../", "shared/domain", "-rules.md");
        let readme = format!(
            "See [rules]({shared}) and [domain](docs/domain.md#16-open-questions) and \
             [ok](docs/domain.md#rules) and [gone](docs/gone.md).\n\
             `[not a link](nowhere.md)`\n```\n[nor this](nowhere.md)\n```\n\
             [def]: docs/img/missing.png\n![img](docs/img/report.png) [web](https://example.org/x)\n"
        );
        let markdown = BTreeMap::from([
            ("README.md".to_string(), readme),
            ("docs/domain.md".to_string(), "# Rules\n".to_string()),
        ]);
        let paths = [
            "README.md",
            "docs",
            "docs/domain.md",
            "docs/img",
            "docs/img/report.png",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        assert_eq!(
            dead_links(&markdown, &paths),
            [
                format!(
                    "README.md:1:13: `{shared}` points outside the repository; the docs must \
                     stand alone in a clone (link the project's own docs, e.g. docs/domain.md)"
                ),
                "README.md:1:53: `docs/domain.md#16-open-questions`: docs/domain.md has no \
                 heading with the anchor `#16-open-questions`"
                    .to_string(),
                "README.md:1:129: `docs/gone.md` is a dead link: no docs/gone.md in the repository"
                    .to_string(),
                "README.md:6:8: `docs/img/missing.png` is a dead link: no docs/img/missing.png \
                 in the repository"
                    .to_string(),
            ]
        );
    }
}
