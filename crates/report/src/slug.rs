//! GitHub's heading anchors, shared by the build script (which reads docs/domain.md's
//! headings) and `sections` (which links a cited section to its heading), so that the two
//! always agree. Standalone on purpose: build.rs includes this file with `#[path]`.

/// GitHub's heading anchor (github-slugger): lower case, punctuation and symbols dropped,
/// spaces to hyphens; letters of any script (Japanese included) and digits kept.
pub fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}
