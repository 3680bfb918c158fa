//! Reads the section headings of docs/domain.md (`## §5.4 …`), when the file exists, so that
//! teaching reports link to the anchors GitHub gives them (see src/sections.rs). Without the
//! file the table is empty and the anchors are derived from the domain-rules titles.

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
    if let Ok(text) = std::fs::read_to_string(&doc) {
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
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("domain_anchors.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
