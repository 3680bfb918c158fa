//! Rust sources as the tidy checks read them.
//!
//! A check must not fire on a word in a comment or a sentence in a string, and must know test
//! code from production code, so each file is read once into three views: the text itself; a
//! *code* view of the same length in which comments and literals are blanked (newlines kept, so
//! offsets and line numbers agree); and the string literals with their offsets. Test code is a
//! whole file under `tests/`, `examples/` or `benches/`, a module file declared by
//! `#[cfg(test)] mod name;`, or the item that follows a `#[cfg(test)]` attribute.

use std::ops::Range;

/// What a file is compiled as, from where it sits in its package.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Library or binary sources under `src/` (test regions inside are marked separately).
    Production,
    /// Integration tests (`tests/`), and module files declared `#[cfg(test)] mod name;`.
    Test,
    /// `examples/`: run by hand, may print and time themselves.
    Example,
    /// `benches/`.
    Bench,
    /// `build.rs`: talks to cargo by printing `cargo:` lines.
    Build,
}

impl Kind {
    /// The kind of a file at `rel`, a path relative to its package's directory.
    pub fn of(rel: &str) -> Kind {
        if rel == "build.rs" {
            Kind::Build
        } else if rel.starts_with("tests/") {
            Kind::Test
        } else if rel.starts_with("examples/") {
            Kind::Example
        } else if rel.starts_with("benches/") {
            Kind::Bench
        } else {
            Kind::Production
        }
    }
}

/// One `.rs` file.
pub struct Source {
    /// Path relative to the repository root, with `/` separators.
    pub path: String,
    /// The package the file belongs to.
    pub package: String,
    pub kind: Kind,
    pub text: String,
    /// The text with comments, string, byte-string and char literals replaced by spaces.
    pub code: String,
    /// Every string literal: the offset of its first byte (prefix or quote) and its contents.
    pub strings: Vec<(usize, String)>,
    /// Byte ranges of `#[cfg(test)]` items.
    tests: Vec<Range<usize>>,
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(path: &str, package: &str, kind: Kind, text: &str) -> Source {
        let (code, strings) = blank(text);
        let tests = test_items(&code);
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            path: path.to_string(),
            package: package.to_string(),
            kind,
            text: text.to_string(),
            code,
            strings,
            tests,
            line_starts,
        }
    }

    /// 1-based line and column (in bytes) of an offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        (line, offset - self.line_starts[line - 1] + 1)
    }

    /// `path:line:col`, for messages.
    pub fn at(&self, offset: usize) -> String {
        let (line, col) = self.line_col(offset);
        format!("{}:{line}:{col}", self.path)
    }

    /// Whether the byte at `offset` is production code (not in a test file or test item).
    pub fn is_production(&self, offset: usize) -> bool {
        self.kind == Kind::Production && !self.tests.iter().any(|r| r.contains(&offset))
    }

    /// Offsets where `needle` occurs in the code view as a whole token: not preceded or
    /// followed by an identifier character where the needle itself starts or ends with one.
    pub fn find_code<'a>(&'a self, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
        find_token(&self.code, needle)
    }

    /// Names of the modules declared `#[cfg(test)] mod name;` (their files are test code).
    pub fn test_module_files(&self) -> Vec<String> {
        self.tests
            .iter()
            .filter_map(|r| {
                let item = self.code[r.clone()].trim_end();
                let rest = item.strip_suffix(';')?.trim_end();
                let name = rest.rsplit(|c: char| c.is_whitespace()).next()?;
                let before = rest[..rest.len() - name.len()].trim_end();
                before.ends_with("mod").then(|| name.to_string())
            })
            .collect()
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Offsets of `needle` in `hay` as a whole token (see [`Source::find_code`]).
pub fn find_token<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    hay.match_indices(needle).map(|(i, _)| i).filter(move |&i| {
        let before_ok = !is_ident(n[0]) || i == 0 || !is_ident(h[i - 1]);
        let end = i + n.len();
        let after_ok = !is_ident(n[n.len() - 1]) || end == h.len() || !is_ident(h[end]);
        before_ok && after_ok
    })
}

/// The code view and the string literals of a Rust text.
///
/// A small lexer, enough for this codebase: line and nested block comments, strings with
/// escapes, raw strings with any number of `#`, char literals told from lifetimes.
fn blank(text: &str) -> (String, Vec<(usize, String)>) {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut strings = Vec::new();
    let blank_range = |out: &mut Vec<u8>, r: Range<usize>| {
        for i in r {
            if out[i] != b'\n' {
                out[i] = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |e| i + e);
                blank_range(&mut out, i..end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let (mut depth, mut j) = (1, i + 2);
                while j < b.len() && depth > 0 {
                    if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                        depth += 1;
                        j += 2;
                    } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                        depth -= 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                blank_range(&mut out, i..j);
                i = j;
            }
            b'r' if raw_string_start(b, i) => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                let body = i + 1 + hashes + 1;
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let end = b[body..]
                    .windows(close.len())
                    .position(|w| w == close.as_slice())
                    .map_or(b.len(), |p| body + p);
                strings.push((i, text[body..end].to_string()));
                let stop = (end + close.len()).min(b.len());
                blank_range(&mut out, i..stop);
                i = stop;
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let end = j.min(b.len());
                strings.push((i, text[i + 1..end].to_string()));
                let stop = (end + 1).min(b.len());
                blank_range(&mut out, i..stop);
                i = stop;
            }
            b'\'' => {
                // A char literal is 'x' or '\…'; anything else is a lifetime or a label.
                let len = text[i + 1..].chars().next().map_or(0, char::len_utf8);
                let end = if b.get(i + 1) == Some(&b'\\') {
                    let mut j = i + 2;
                    while j < b.len() && b[j] != b'\'' {
                        j += 1;
                    }
                    Some(j)
                } else if len > 0 && b.get(i + 1 + len) == Some(&b'\'') {
                    Some(i + 1 + len)
                } else {
                    None
                };
                match end {
                    Some(end) => {
                        let stop = (end + 1).min(b.len());
                        blank_range(&mut out, i..stop);
                        i = stop;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    let code = String::from_utf8(out).expect("only whole literals and comments are blanked");
    (code, strings)
}

/// `r"…"`, `r#"…"#`, `br"…"` …: an `r` that starts a token, then `#`s, then a quote.
fn raw_string_start(b: &[u8], i: usize) -> bool {
    let starts_token = i == 0
        || !is_ident(b[i - 1])
        || (matches!(b[i - 1], b'b' | b'c') && (i == 1 || !is_ident(b[i - 2])));
    let after = b[i + 1..].iter().find(|&&c| c != b'#');
    starts_token && after == Some(&b'"')
}

/// Byte ranges of the items that follow `#[cfg(test)]` in a code view: up to the matching
/// closing brace, or to the `;` of a declaration such as `mod tests;`.
fn test_items(code: &str) -> Vec<Range<usize>> {
    let b = code.as_bytes();
    let mut items = Vec::new();
    for start in find_token(code, "#[cfg(test)]") {
        let mut depth = 0usize;
        let mut end = b.len();
        for (j, &c) in b.iter().enumerate().skip(start + "#[cfg(test)]".len()) {
            match c {
                b'{' => depth += 1,
                b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                b';' if depth == 0 => {
                    end = j + 1;
                    break;
                }
                _ => {}
            }
        }
        items.push(start..end);
    }
    items
}

#[test]
fn comments_and_literals_are_blanked_and_offsets_kept() {
    let text = "fn f<'a>(x: &'a str) -> char { // HashMap\n    let s = \"println!\"; /* a /* b */ c */\n    let r = r#\"say \"SELECT\"\"#; 'x' }\n";
    let s = Source::new("crates/x/src/lib.rs", "x", Kind::Production, text);
    assert_eq!(s.code.len(), text.len());
    assert!(!s.code.contains("HashMap"));
    assert!(!s.code.contains("println"));
    assert!(!s.code.contains("SELECT"));
    assert!(!s.code.contains("'x'"));
    assert!(
        s.code.contains("fn f<'a>(x: &'a str)"),
        "lifetimes are code: {}",
        s.code
    );
    assert!(s.code.contains("let r ="));
    let strings: Vec<&str> = s.strings.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(strings, ["println!", "say \"SELECT\""]);
    assert_eq!(s.line_col(s.strings[1].0), (3, 13));
}

#[test]
fn cfg_test_items_and_module_files_are_test_code() {
    let text = "//! m\nfn a() {}\n#[cfg(test)]\nmod tests;\n#[cfg(test)]\nmod inline {\n    fn b() { if true { } }\n}\nfn c() {}\n";
    let s = Source::new("crates/x/src/lib.rs", "x", Kind::Production, text);
    let at = |needle: &str| s.text.find(needle).unwrap();
    assert!(s.is_production(at("fn a")));
    assert!(!s.is_production(at("fn b")));
    assert!(s.is_production(at("fn c")));
    assert_eq!(s.test_module_files(), ["tests"]);
    let t = Source::new("crates/x/tests/t.rs", "x", Kind::of("tests/t.rs"), text);
    assert!(!t.is_production(0));
}

#[test]
fn tokens_respect_identifier_boundaries() {
    let hits: Vec<usize> =
        find_token("MyHashMap HashMap HashMapX eprintln! println!", "HashMap").collect();
    assert_eq!(hits, [10]);
    let hits: Vec<usize> = find_token("eprintln!(x) println!(y)", "println!").collect();
    assert_eq!(hits, [13]);
}
