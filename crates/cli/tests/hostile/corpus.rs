//! The hostile-input corpus: malformed and hostile scenario and policy files, generated from one
//! valid file of each kind by seeded mutations, plus files that are not files at all. Every
//! case is a pure function of the mutation list and the seed, so a failure names a case that
//! reproduces.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// A valid scenario exercising every part of the format the mutations aim at.
pub const SCENARIO: &str = "# Hostile-input base: valid, small, every section present.
name: Hostile base
seed: 7
start: 2026-06-20
until: 2026-12-31
policy:
  regime: integrated
  start_date: 2026-06-14
  card_production_lead_time: 10d
  latency: { bureau_to_city_hall: 1d }
residents:
  - id: mei
    name: Li Mei
    born_on: 1995-04-12
    status: engineer_specialist_humanities
    period_expiry: 2026-07-31
    municipality: shinjuku
    address: 1-2-3 Nishi-Shinjuku
    residence_card:
      issued_on: 2023-07-25
    my_number_card: { issued_on: 2023-09-01 }
  - id: ken
    born_on: 1975-11-03
    status: permanent_resident
    municipality: setagaya
    address: 4-5-6 Sangenjaya
steps:
  - on: 2026-07-10
    resident: mei
    do: file_extension
    tokutei: true
  - { on: 2026-07-15, resident: mei, do: decide_extension, grant: 2029-07-31 }
  - { on: 2026-08-10, resident: ken, do: move_within, address: 7-8 Sangenjaya, moved_on: 2026-08-05 }
expect:
  - on: 2026-08-15
    resident: mei
    cards: [tokutei_residence_card]
    visits: { immigration_bureau: 2, city_hall: 0 }
  - { on: 2026-12-31, resident: ken, my_number_usable: false }
";

/// A valid policy file with every kind of value a policy holds.
pub const POLICY: &str = "# Hostile-input base policy.
name: Hostile base policy
policy:
  regime: integrated
  start_date: 2026-06-14
  bureau_counters_from: 2026-06-15
  card_production_lead_time: 12d
  latency:
    bureau_to_city_hall: 2d
    card_issuer_to_bureau: 3h
  resident:
    tokutei_uptake: 0.4
    validity_change: { never: 0.2, delay: { uniform: { min: 1, max: 30 } } }
  municipal_adoption:
    day_one: { share: 0.5 }
    others_from: 2027-01-04
  switches:
    disposition_at: decision
    refuse_tokutei_online: false
";

/// Which reader a case is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scenario,
    Policy,
}

/// What the input path is.
#[derive(Debug, Clone)]
pub enum Content {
    /// A regular file with these bytes.
    Bytes(Vec<u8>),
    /// A named pipe nobody writes to (reading it would block forever).
    Fifo,
    /// A symbolic link to this path (`/dev/zero`, `/dev/null`, a FIFO made beside it).
    Link(&'static str),
    /// A directory.
    Directory,
    /// A policy file whose `base:` names a hostile file (the inner content).
    BaseOf(Box<Content>),
}

/// One generated input.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub kind: Kind,
    pub content: Content,
}

fn case(kind: Kind, name: impl Into<String>, content: Content) -> Case {
    Case {
        name: name.into(),
        kind,
        content,
    }
}

fn text(kind: Kind, name: impl Into<String>, t: String) -> Case {
    case(kind, name, Content::Bytes(t.into_bytes()))
}

fn base(kind: Kind) -> &'static str {
    match kind {
        Kind::Scenario => SCENARIO,
        Kind::Policy => POLICY,
    }
}

/// `key: value` lines of the base (block or flow entries), as (line index, byte range of the
/// value within the line).
fn values(src: &str) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        // Every `key: value` on the line, up to a `,` or `}` that closes a flow value.
        let mut at = 0;
        while let Some(colon) = line[at..].find(": ") {
            let start = at + colon + 2;
            let rest = &line[start..];
            if rest.starts_with('{') || rest.starts_with('[') || rest.is_empty() {
                at = start;
                continue;
            }
            let len = rest.find([',', '}', ']']).unwrap_or(rest.len());
            out.push((i, start..start + len.max(1).min(rest.len())));
            at = start + len;
            if at >= line.len() {
                break;
            }
        }
    }
    out
}

fn replace_value(src: &str, (line, range): &(usize, std::ops::Range<usize>), new: &str) -> String {
    src.lines()
        .enumerate()
        .map(|(i, l)| {
            if i == *line {
                format!("{}{new}{}", &l[..range.start], &l[range.end..])
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Every case, in a fixed order.
pub fn all() -> Vec<Case> {
    let mut cases = Vec::new();
    for kind in [Kind::Scenario, Kind::Policy] {
        cases.extend(mutations(kind));
    }
    cases.extend(not_files());
    cases.extend(huge());
    cases
}

/// Mutations of a base file: truncations, wrong types and shapes, impossible dates, unknown
/// names, duplicate keys, garbage, invalid UTF-8, byte-order marks, tabs, long lines, nesting
/// and alias bombs.
fn mutations(kind: Kind) -> Vec<Case> {
    let src = base(kind);
    let k = match kind {
        Kind::Scenario => "scenario",
        Kind::Policy => "policy",
    };
    let mut out = Vec::new();

    // Truncations at 30 evenly spread points (most leave a broken or incomplete file).
    for i in 1..=30 {
        let cut = src.len() * i / 31;
        let cut = (0..=cut)
            .rev()
            .find(|&c| src.is_char_boundary(c))
            .unwrap_or(0);
        out.push(text(
            kind,
            format!("{k}-truncated-at-{cut}"),
            src[..cut].to_owned(),
        ));
    }
    // Every value replaced by a value of another shape or type.
    let shapes = [
        ("list", "[a, b]"),
        ("mapping", "{ x: 1 }"),
        ("negative", "-1"),
        ("null", "~"),
        ("garbage", "\"@@@\""),
    ];
    for (n, v) in values(src).iter().enumerate() {
        for (what, new) in shapes {
            out.push(text(
                kind,
                format!("{k}-value-{n}-as-{what}"),
                replace_value(src, v, new),
            ));
        }
    }
    // Impossible and malformed dates wherever a date is written.
    let dates = [
        "2026-02-30",
        "2026-13-01",
        "0000-00-00",
        "2026-2-3",
        "99999-01-01",
    ];
    for (n, v) in values(src).iter().enumerate() {
        let (line, range) = v;
        let value = &src.lines().nth(*line).unwrap_or("")[range.clone()];
        if value.len() == 10 && value.as_bytes()[4] == b'-' {
            for d in dates {
                out.push(text(
                    kind,
                    format!("{k}-date-{n}-{d}"),
                    replace_value(src, v, d),
                ));
            }
        }
    }
    // Unknown names where the format has a closed list.
    let unknown = match kind {
        Kind::Scenario => vec![
            ("resident: mei", "resident: nobody"),
            (
                "status: engineer_specialist_humanities",
                "status: astronaut",
            ),
            ("do: file_extension", "do: fly_to_the_moon"),
            ("cards: [tokutei_residence_card]", "cards: [passport]"),
            ("regime: integrated", "regime: anarchy"),
            ("immigration_bureau: 2", "post_office: 2"),
            ("name: Hostile base", "nmae: Hostile base"),
            ("tokutei: true", "tokutei: maybe"),
            (
                "card_production_lead_time: 10d",
                "card_production_lead_time: 10 fortnights",
            ),
        ],
        Kind::Policy => vec![
            ("regime: integrated", "regime: anarchy"),
            ("disposition_at: decision", "disposition_at: whenever"),
            ("tokutei_uptake: 0.4", "tokutei_uptake: 1.4"),
            ("tokutei_uptake: 0.4", "tokutei_uptake: .nan"),
            ("bureau_to_city_hall: 2d", "bureau_to_city_hall: soon"),
            ("uniform: { min: 1, max: 30 }", "gaussian: { mean: 3 }"),
            ("name: Hostile base policy", "base: missing.policy.yaml"),
            (
                "refuse_tokutei_online: false",
                "refuse_tokutei_offline: false",
            ),
            ("policy:", "polcy:"),
        ],
    };
    for (n, (from, to)) in unknown.into_iter().enumerate() {
        out.push(text(
            kind,
            format!("{k}-unknown-{n}"),
            src.replacen(from, to, 1),
        ));
    }
    // Duplicate keys: a line repeated right after itself.
    for (n, line) in src.lines().enumerate().filter(|(_, l)| l.contains(": ")) {
        if n % 3 != 0 {
            continue;
        }
        let dup: Vec<&str> = src
            .lines()
            .enumerate()
            .flat_map(|(i, l)| if i == n { vec![l, l] } else { vec![l] })
            .collect();
        out.push(text(
            kind,
            format!("{k}-duplicate-line-{n}"),
            dup.join("\n") + "\n",
        ));
        let _ = line;
    }
    // Shapes of the whole document.
    for (what, doc) in [
        ("empty", String::new()),
        ("only-a-comment", "# nothing\n".to_owned()),
        ("a-list", "- a\n- b\n".to_owned()),
        ("a-scalar", "hello\n".to_owned()),
        ("two-documents", format!("{src}---\n{src}")),
        ("null", "~\n".to_owned()),
    ] {
        // An empty policy changes nothing and is valid; the runner filters the valid ones.
        out.push(text(kind, format!("{k}-document-{what}"), doc));
    }
    // Binary garbage, seeded.
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed_0010 + kind as u64);
    for (n, len) in [1usize, 7, 64, 512, 4096, 65_536].into_iter().enumerate() {
        let mut bytes = vec![0u8; len];
        rng.fill_bytes(&mut bytes);
        out.push(case(
            kind,
            format!("{k}-garbage-{n}-{len}-bytes"),
            Content::Bytes(bytes),
        ));
        let mut tail = src.as_bytes().to_vec();
        let mut junk = vec![0u8; len.min(256)];
        rng.fill_bytes(&mut junk);
        tail.extend(junk);
        out.push(case(
            kind,
            format!("{k}-garbage-tail-{n}"),
            Content::Bytes(tail),
        ));
    }
    // Invalid UTF-8 at several places.
    for (n, bad) in [
        &[0xFFu8][..],
        &[0xC3, 0x28],
        &[0x80],
        &[0xED, 0xA0, 0x80],
        &[0xF8, 0x88, 0x80, 0x80, 0x80],
    ]
    .into_iter()
    .enumerate()
    {
        for at in [0, src.len() / 3, src.len() / 2, src.len() - 1] {
            let at = (0..=at)
                .rev()
                .find(|&c| src.is_char_boundary(c))
                .unwrap_or(0);
            let mut bytes = src.as_bytes()[..at].to_vec();
            bytes.extend_from_slice(bad);
            bytes.extend_from_slice(&src.as_bytes()[at..]);
            out.push(case(
                kind,
                format!("{k}-utf8-{n}-at-{at}"),
                Content::Bytes(bytes),
            ));
        }
    }
    // Byte-order marks: UTF-8 at the start (fine) and in the middle, UTF-16 and UTF-32.
    out.push(text(
        kind,
        format!("{k}-bom-utf8-start"),
        format!("\u{feff}{src}"),
    ));
    out.push(text(
        kind,
        format!("{k}-bom-utf8-middle"),
        src.replacen("\nname:", "\n\u{feff}name:", 1),
    ));
    let utf16: Vec<u8> = [0xFEu8, 0xFF]
        .into_iter()
        .chain(src.encode_utf16().flat_map(|u| u.to_be_bytes()))
        .collect();
    out.push(case(kind, format!("{k}-utf16-be"), Content::Bytes(utf16)));
    let utf16le: Vec<u8> = [0xFFu8, 0xFE]
        .into_iter()
        .chain(src.encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    out.push(case(kind, format!("{k}-utf16-le"), Content::Bytes(utf16le)));
    // Tabs as indentation, and a tab inside a key.
    out.push(text(
        kind,
        format!("{k}-tab-indent"),
        src.replace("\n  ", "\n\t"),
    ));
    out.push(text(
        kind,
        format!("{k}-tab-in-key"),
        src.replacen("name:", "na\tme:", 1),
    ));
    // 1 MB lines: a value, a key, a comment, a flow list.
    let mb = "x".repeat(1 << 20);
    out.push(text(
        kind,
        format!("{k}-1mb-value"),
        src.replacen("regime: integrated", &format!("regime: {mb}"), 1),
    ));
    out.push(text(
        kind,
        format!("{k}-1mb-key"),
        src.replacen("name:", &format!("{mb}:"), 1),
    ));
    out.push(text(
        kind,
        format!("{k}-1mb-garbage-line"),
        format!("{src}{mb}\n"),
    ));
    out.push(text(
        kind,
        format!("{k}-1mb-flow-list"),
        format!("{src}extra: [{}]\n", "1,".repeat(1 << 19)),
    ));
    // An error located past column 65,535 (the error renderer's limit), on a long line.
    let far = " ".repeat(70_000);
    let (from, to) = match kind {
        Kind::Scenario => (
            "my_number_card: { issued_on: 2023-09-01 }",
            format!("my_number_card: {{ issued_on: 2023-09-01,{far} bogus: 1 }}"),
        ),
        Kind::Policy => (
            "validity_change: { never: 0.2,",
            format!("validity_change: {{ never: 0.2,{far} bogus: 1,"),
        ),
    };
    out.push(text(
        kind,
        format!("{k}-error-past-column-65535"),
        src.replacen(from, &to, 1),
    ));
    // Deep nesting, flow and block.
    for depth in [100usize, 10_000, 200_000] {
        out.push(text(
            kind,
            format!("{k}-flow-nesting-{depth}"),
            format!("{}{}\n", "[".repeat(depth), "]".repeat(depth)),
        ));
        out.push(text(
            kind,
            format!("{k}-flow-map-nesting-{depth}"),
            format!("{}{}\n", "{a: ".repeat(depth), "}".repeat(depth)),
        ));
    }
    let block: String = (0..200).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
    out.push(text(kind, format!("{k}-block-nesting-200"), block));
    // Alias bombs ("billion laughs") and alias cycles.
    let mut bomb = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 10].join(", ")
        ));
    }
    out.push(text(kind, format!("{k}-alias-bomb"), bomb.clone()));
    out.push(text(
        kind,
        format!("{k}-alias-bomb-in-a-field"),
        src.replacen(
            "name:",
            &format!("{}\nname:", bomb.replace('\n', "\nx_")),
            1,
        ),
    ));
    out.push(text(
        kind,
        format!("{k}-alias-unknown"),
        src.replacen("regime: integrated", "regime: *nowhere", 1),
    ));
    out.push(text(
        kind,
        format!("{k}-anchor-self"),
        "a: &a [*a]\n".to_owned(),
    ));
    out
}

/// Inputs that are not regular files, for each reader.
fn not_files() -> Vec<Case> {
    let mut out = Vec::new();
    for kind in [Kind::Scenario, Kind::Policy] {
        let k = match kind {
            Kind::Scenario => "scenario",
            Kind::Policy => "policy",
        };
        out.push(case(kind, format!("{k}-fifo"), Content::Fifo));
        out.push(case(
            kind,
            format!("{k}-dev-zero"),
            Content::Link("/dev/zero"),
        ));
        out.push(case(
            kind,
            format!("{k}-dev-null"),
            Content::Link("/dev/null"),
        ));
        out.push(case(
            kind,
            format!("{k}-dev-urandom"),
            Content::Link("/dev/urandom"),
        ));
        out.push(case(kind, format!("{k}-directory"), Content::Directory));
    }
    for (what, inner) in [
        ("fifo", Content::Fifo),
        ("dev-zero", Content::Link("/dev/zero")),
        ("directory", Content::Directory),
        ("garbage", Content::Bytes(vec![0xFF; 100])),
        ("huge", Content::Bytes(huge_policy())),
    ] {
        out.push(case(
            Kind::Policy,
            format!("policy-base-is-{what}"),
            Content::BaseOf(Box::new(inner)),
        ));
    }
    out
}

/// A policy file over the 1 MiB limit (a valid start, then a long comment).
fn huge_policy() -> Vec<u8> {
    let mut bytes = POLICY.as_bytes().to_vec();
    bytes.extend(std::iter::repeat_n(b'#', (1 << 20) + 10));
    bytes
}

/// Files too large to read: over the size limit, and over the YAML reader's value budget.
fn huge() -> Vec<Case> {
    let mut big = SCENARIO.as_bytes().to_vec();
    big.extend(b"# ");
    big.extend(std::iter::repeat_n(b'z', 9 << 20));
    big.push(b'\n');
    let mut many = String::from("name: many\nstart: 2026-06-20\nuntil: 2026-12-31\nresidents:\n");
    for i in 0..26_000 {
        many.push_str(&format!(
            "  - {{id: r{i}, born_on: 1990-01-01, status: student, period_expiry: 2027-01-01, municipality: shinjuku, address: x}}\n"
        ));
    }
    vec![
        case(Kind::Scenario, "scenario-9-mib", Content::Bytes(big)),
        text(Kind::Scenario, "scenario-26000-residents", many),
        case(
            Kind::Policy,
            "policy-over-1-mib",
            Content::Bytes(huge_policy()),
        ),
    ]
}
