//! Reading an input file (a scenario, a policy file and its `base:` files) without trusting it:
//! only a regular file is opened, so a FIFO cannot hang the reader and `/dev/zero` cannot feed
//! it forever; at most a fixed number of bytes is read; the text must be UTF-8. Each refusal is
//! a located error like any other in the file, so a script sees `file:line:column` whatever
//! went wrong.

use std::io::Read;
use std::path::Path;

use crate::problem::{FileKind, NodeKind, Problem};
use crate::{Pos, ScenarioError};

/// The largest scenario file read: 8 MiB. The YAML reader stops at 250,000 values (about
/// 22,700 residents, some 5 MB written out) anyway; this bound comes first and keeps memory
/// flat whatever the file is.
pub const MAX_SCENARIO_BYTES: u64 = 8 << 20;

/// The largest policy file read (each `base:` file counts on its own): 1 MiB. A complete
/// policy written out is about 3 KB.
pub const MAX_POLICY_BYTES: u64 = 1 << 20;

/// Line and column (1-based, in characters) just after `before`, the bytes preceding a place
/// in the file.
fn position_after(before: &[u8]) -> (usize, usize) {
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Reads the text of the file at `path`: a regular file of at most `limit` bytes, in UTF-8.
/// `what` is the kind of file, for messages ("a scenario").
pub fn read_text(path: &Path, limit: u64, what: FileKind) -> Result<String, ScenarioError> {
    let label = path.display().to_string();
    let io = |source| ScenarioError::Io {
        file: label.clone(),
        source,
    };
    let invalid = |(line, column): (usize, usize), problem: Problem| {
        ScenarioError::invalid(label.clone(), Pos { line, column }, problem)
    };
    // `metadata` follows symbolic links, so a link to a regular file is read and a link to a
    // FIFO is refused, before anything is opened.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(invalid(
            (1, 1),
            Problem::NotARegularFile {
                what,
                found: NodeKind::of(&meta),
            },
        ));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(limit)).unwrap_or(0));
    // One byte past the limit tells a file at the limit from one beyond it, even if the file
    // grew after `metadata`.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        let at = usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        return Err(invalid(
            position_after(&bytes[..at]),
            Problem::TooLong {
                what,
                mib: limit >> 20,
            },
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        invalid(position_after(before), Problem::NotUtf8)
    })
}

/// The description of a file: the comment block at its top, `#` and one following space
/// removed. Blank lines inside the block are kept; the block ends at the first line that is
/// neither (a `---` marker or `%` directive is skipped). An editor's modeline
/// (`# yaml-language-server: $schema=…`) is not part of it.
pub(crate) fn description(text: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for line in text.trim_start_matches('\u{feff}').lines() {
        let t = line.trim();
        if t.is_empty() {
            lines.push("");
        } else if t == "---" || t.starts_with('%') {
            // A document marker or directive is not a key: the block may go on after it.
            continue;
        } else if let Some(c) = t.strip_prefix('#') {
            let c = c.strip_prefix(' ').unwrap_or(c).trim_end();
            if !c.starts_with("yaml-language-server:") {
                lines.push(c);
            }
        } else {
            break;
        }
    }
    lines.join("\n").trim_matches('\n').to_owned()
}

#[cfg(test)]
mod tests {
    use super::{description, position_after};

    #[test]
    fn positions_count_lines_and_characters() {
        assert_eq!(position_after(b""), (1, 1));
        assert_eq!(position_after(b"ab\ncd"), (2, 3));
        assert_eq!(position_after("a\n\u{e9}\u{e9}".as_bytes()), (2, 3));
    }

    #[test]
    fn description_is_the_leading_comment_block_without_the_modeline() {
        let text =
            "\n# First line.\n#   indented\n\n# After a blank.\nname: x # not this\n# nor this\n";
        assert_eq!(
            description(text),
            "First line.\n  indented\n\nAfter a blank."
        );
        assert_eq!(description("name: x\n"), "");
        let headed = "# yaml-language-server: $schema=../../schemas/scenario.schema.json\n\n# Shows X.\nname: x\n";
        assert_eq!(description(headed), "Shows X.");
    }
}
