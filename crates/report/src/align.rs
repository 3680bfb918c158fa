//! Columns that line up in a terminal whatever the script. Japanese text is mostly
//! double-width (a kanji takes two terminal columns), so padding by characters or bytes
//! misaligns it; every aligned column of the text reports pads by display width, measured
//! with `unicode-width`.

use unicode_width::UnicodeWidthStr;

/// The number of terminal columns `s` takes.
pub fn width(s: &str) -> usize {
    s.width()
}

/// `s` followed by spaces up to `columns` terminal columns (nothing added if it is wider).
pub fn pad(s: &str, columns: usize) -> String {
    let mut out = s.to_owned();
    out.extend(std::iter::repeat_n(' ', columns.saturating_sub(width(s))));
    out
}

/// Spaces up to `columns` terminal columns, then `s`: a right-aligned cell.
pub fn pad_left(s: &str, columns: usize) -> String {
    let mut out: String = std::iter::repeat_n(' ', columns.saturating_sub(width(s))).collect();
    out.push_str(s);
    out
}

/// The widest of `cells`, in terminal columns.
pub fn max_width<'a>(cells: impl IntoIterator<Item = &'a str>) -> usize {
    cells.into_iter().map(width).max().unwrap_or(0)
}

/// Labelled lines, the values starting in one column: `indent`, the label padded to the widest
/// label, `gap` spaces, the value.
pub fn labelled<K: AsRef<str>, V: AsRef<str>>(
    rows: &[(K, V)],
    indent: usize,
    gap: usize,
) -> String {
    let w = max_width(rows.iter().map(|(k, _)| k.as_ref()));
    let mut out = String::new();
    for (k, v) in rows {
        let line = format!(
            "{}{}{}{}",
            " ".repeat(indent),
            pad(k.as_ref(), w),
            " ".repeat(gap),
            v.as_ref()
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kanji_take_two_columns() {
        assert_eq!(width("市区町村"), 8);
        assert_eq!(width("city hall"), 9);
        assert_eq!(pad("入管", 6), "入管  ");
        assert_eq!(pad("J-LIS", 6), "J-LIS ");
        assert_eq!(pad_left("12", 4), "  12");
        assert_eq!(pad("too wide", 3), "too wide");
    }

    #[test]
    fn labelled_values_start_in_one_column() {
        let text = labelled(&[("在留", "適法"), ("カード", "在留カード")], 2, 1);
        let columns: Vec<usize> = text
            .lines()
            .map(|l| {
                let value = l.rfind(' ').unwrap() + 1;
                width(&l[..value])
            })
            .collect();
        assert_eq!(columns, [9, 9]);
    }
}
