//! What is wrong with a scenario or policy file, as data: each kind of problem the reader finds,
//! with the values it is about, so that a caller can say it in its own words (the CLI says it in
//! English or Japanese from `report::labels`). [`Problem`]'s `Display` is the English sentence,
//! the one the library's errors carry ([`crate::ScenarioError`]'s message).
//!
//! Options, keys, file names, dates and values typed by the author are identifiers and stay as
//! they are in either language; the sentence around them is the caller's.
//!
//! The file is long (about 900 lines besides its tests) because it is a catalogue: one variant
//! per problem with its data, and beside it the English sentence of each, so that a reader
//! checks a problem's data and its wording in one place. The Japanese sentences are in
//! `report::labels::scenario_errors`, in the same order. The seam, if it grows further, is the
//! `Display` impl (the English words) into a module of its own — or, better, into the labels,
//! so that both languages stand in one place (the closing note of 2026-11-30 names this).

use std::fmt;

use chrono::NaiveDate;

/// A problem found in a file (or a `--set`/`--grid` assignment), without its place.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A value the reader has no words for (a check of another library, in English).
    Custom(String),
    /// The YAML itself does not parse (the YAML reader's words, in English).
    Syntax(String),
    /// The file breaks one of the reader's size limits.
    TooLarge(Limit),
    /// A key repeated in one mapping.
    DuplicateKey(Option<String>),
    /// A second YAML document (`---`).
    MultipleDocuments,
    /// A value of the wrong type (`found`: as serde says it, in English).
    InvalidType {
        found: Found,
        found_en: String,
        expected: String,
    },
    /// A value of the right type that is not allowed.
    InvalidValue {
        found: Found,
        found_en: String,
        expected: String,
    },
    /// A list of the wrong length.
    InvalidLength {
        len: usize,
        expected: String,
    },
    /// A name not among a closed list (`status: studnet`).
    UnknownVariant {
        variant: String,
        expected: Vec<&'static str>,
    },
    /// A key a mapping does not take.
    UnknownField {
        field: String,
        expected: Vec<&'static str>,
    },
    /// A key a step of kind `kind` does not take (every step also takes its common keys).
    UnknownStepField {
        field: String,
        expected: Vec<&'static str>,
        kind: &'static str,
    },
    /// A required key left out.
    MissingField(&'static str),
    /// A key given twice.
    DuplicateField(&'static str),
    /// A mapping or a list expected, something else found.
    Expected {
        shape: Shape,
        found: Found,
    },
    /// A plain string written as a mapping (`key: value` where only `key` is allowed).
    TakesNoValue {
        key: String,
    },

    /// An input that is not a regular file.
    NotARegularFile {
        what: FileKind,
        found: NodeKind,
    },
    /// An input longer than the reader reads.
    TooLong {
        what: FileKind,
        mib: u64,
    },
    /// An input that is not UTF-8.
    NotUtf8,

    /// The document is not a mapping.
    NotAScenario,
    NotAPolicy,
    /// `until` before `start`.
    UntilBeforeStart {
        until: NaiveDate,
        start: NaiveDate,
    },
    NoResidents,
    TooManyResidents,
    EmptyResidentId,
    DuplicateResidentId {
        key: String,
        line: usize,
    },
    /// A name not among those of its kind (`what`), with the nearest if one is close, else all.
    UnknownName {
        what: NameKind,
        found: String,
        nearest: Option<String>,
        choices: Vec<String>,
    },
    /// A step or an expectation names a resident the file does not have.
    UnknownResident {
        of: Referrer,
        found: String,
        nearest: Option<String>,
        choices: Vec<String>,
    },
    /// A date of a step or an expectation outside the run.
    DateBeforeStart {
        of: Referrer,
        date: NaiveDate,
        start: NaiveDate,
    },
    DateAfterUntil {
        of: Referrer,
        date: NaiveDate,
        until: NaiveDate,
    },
    /// `city_hall_visits` names a municipality the resident never has in the file.
    NotTheirMunicipality {
        municipality: String,
        resident: String,
        nearest: Option<String>,
        theirs: Vec<String>,
    },
    /// An expectation asks an office's record for a key it does not keep.
    RecordKeepsNo {
        office: &'static str,
        key: &'static str,
        keeps: Vec<&'static str>,
    },
    /// A decision dated before its application was filed.
    DecidedBeforeFiled {
        decided: NaiveDate,
        filed: NaiveDate,
    },
    /// A step on a day its counter (or the bureau) is closed.
    Closed {
        place: ClosedPlace,
        date: NaiveDate,
        why: ClosedWhy,
        next: NaiveDate,
        hint: ClosedHint,
    },
    /// A date of a reporting step after the step itself.
    AfterStepDate {
        field: &'static str,
        date: NaiveDate,
        on: NaiveDate,
        kind: &'static str,
    },
    GrantAndRefuse,
    RefuseFalse,
    /// A decision step with neither `grant` nor `refuse`.
    NeedsGrantOrRefuse {
        kind: &'static str,
    },
    GrantNotAfterDecision {
        grant: NaiveDate,
        on: NaiveDate,
    },
    GrantDoesNotExtend {
        grant: NaiveDate,
        current: NaiveDate,
    },
    PermanentNeedsOne,
    /// `learned_on`/`reported_on` on a reissue that is not for a loss (`both`: both given).
    LossDatesOnly {
        both: bool,
    },
    NotAStep,
    /// A step without `do` (`kinds`: the procedures there are).
    MissingDo {
        kinds: Vec<&'static str>,
    },

    BornAfterStart {
        born_on: NaiveDate,
        start: NaiveDate,
    },
    /// A resident of a status that holds no cards given one.
    NoCardForStatus {
        status: String,
        card: CardWord,
    },
    /// An arriving resident given a card (`card`: the key written).
    ArrivingHoldsNo {
        card: &'static str,
    },
    TokuteiHasMyNumber,
    ArrivingPending,
    PendingFromStart {
        start: NaiveDate,
        filed_on: NaiveDate,
    },
    FiledBeforeBirth {
        filed_on: NaiveDate,
        born_on: NaiveDate,
    },
    PermanentForPermanent,
    NoPeriodToExtend {
        status: String,
    },
    FiledAfterExpiry {
        filed_on: NaiveDate,
        expiry: NaiveDate,
    },
    StatusChangeNeedsTo,
    PermanentIsItsOwn,
    ToOnlyForChange,
    ApplicationAtPort,
    PeriodRequired {
        status: String,
    },
    NoPeriodForStatus {
        status: String,
    },
    ExpiryNotAfterBirth {
        expiry: NaiveDate,
        born_on: NaiveDate,
    },
    IssuedAfterStart {
        card: &'static str,
        issued_on: NaiveDate,
        start: NaiveDate,
    },
    IssuedBeforeBirth {
        card: &'static str,
        issued_on: NaiveDate,
        born_on: NaiveDate,
    },
    ValidBeforeIssued {
        card: &'static str,
        valid_through: NaiveDate,
        issued_on: NaiveDate,
    },
    TokuteiNotHere {
        card: &'static str,
    },
    TokuteiNeedsIntegrated,
    TokuteiTooEarly {
        from: NaiveDate,
        issued_on: NaiveDate,
    },
    TokuteiNeedsRegister,
    /// A move-in at another municipality than the move-out named (`line`: the move-out's).
    MoveInElsewhere {
        at: String,
        line: usize,
        to: String,
        nearest: Option<String>,
    },
    /// A municipality a typo away from one zairyu knows.
    UnknownMunicipality {
        name: String,
        key: String,
    },
    TimeOfDay {
        found: String,
    },
    CountTooLarge(u64),
    NegativeCount(i64),
    NotACount {
        found: String,
    },
    /// A date that is not one.
    Date(model::date_text::DateError),
    /// A date that is not one, where `none` is allowed too.
    DateOrNone(model::date_text::DateError),

    /// `base:` files that name each other (or a chain too deep).
    BaseCycle {
        max: usize,
        file: String,
    },
    /// A `base:` file that cannot be read (`detail`: the system's words).
    BaseUnreadable {
        file: String,
        kind: std::io::ErrorKind,
        code: Option<i32>,
        detail: String,
    },
    /// The policy after every `base:` does not make a policy.
    MergedPolicyInvalid(Box<Problem>),
    /// `--set` without `=`.
    SetNotAssignment,
    /// `--set` of a key the policy does not have (`known`: the keys at that level).
    SetNoSuchKey {
        key: String,
        known: Vec<String>,
    },
    /// `--set`'s value does not parse as YAML.
    SetValue(Box<Problem>),
    /// `--set`'s value is not one the key takes.
    SetBadValue {
        key: String,
        problem: Box<Problem>,
    },
    /// `--grid` without `=`.
    GridNotAssignment,
    /// `--grid` of a key already swept.
    SweptTwice {
        key: String,
    },
    /// `--grid` with an empty value.
    EmptyGridValue,
}

/// What a value was, for a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Empty,
    Bool(bool),
    Number(String),
    Text(String),
    Seq,
    Map,
    Other,
}

/// The shape a value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Mapping,
    Sequence,
}

/// What kind of file an input is meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Scenario,
    Policy,
    ShardResult,
    Input,
}

/// What a path that is not a regular file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Directory,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Other,
}

/// The kinds of closed-list names a file writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    NotificationCode,
    EventType,
    RefusalRule,
    Happening,
}

/// What names a resident or a date: a step or an expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Referrer {
    Step,
    Expectation,
}

/// A card a resident may be given, in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardWord {
    ResidenceCard,
    MyNumberCard,
}

/// Which of the reader's size limits a file breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Values,
    Aliases,
    Depth(usize),
    LongText,
    Documents,
    Other,
}

/// What is closed on the day a step is dated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedPlace {
    /// The bureau does not decide (a decision step).
    BureauDecides,
    CityHall,
    CardCounter,
    BureauCounter,
}

/// Why a day is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClosedWhy {
    Saturday,
    Sunday,
    /// A national holiday, by its (Japanese) name.
    Holiday(String),
    YearEnd,
    Closed,
}

/// The switch that would open the counter on such a day, if one would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedHint {
    None,
    /// `switches: { offices_work: every_day }`.
    EveryDay,
    /// `switches: { sunday_counters: city_hall }`.
    SundayCityHall,
    /// `switches: { sunday_counters: bureau_and_city_hall }`.
    SundayBureau,
}

impl FileKind {
    /// The kind with its article, as the English messages say it.
    fn en(self) -> &'static str {
        match self {
            FileKind::Scenario => "a scenario",
            FileKind::Policy => "a policy",
            FileKind::ShardResult => "a shard result",
            FileKind::Input => "an input",
        }
    }
}

impl NodeKind {
    /// What a path is, from its metadata.
    pub fn of(meta: &std::fs::Metadata) -> NodeKind {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_dir() {
            NodeKind::Directory
        } else if t.is_fifo() {
            NodeKind::Fifo
        } else if t.is_char_device() {
            NodeKind::CharDevice
        } else if t.is_block_device() {
            NodeKind::BlockDevice
        } else if t.is_socket() {
            NodeKind::Socket
        } else {
            NodeKind::Other
        }
    }

    fn en(self) -> &'static str {
        match self {
            NodeKind::Directory => "a directory",
            NodeKind::Fifo => "a FIFO (named pipe)",
            NodeKind::CharDevice => "a character device",
            NodeKind::BlockDevice => "a block device",
            NodeKind::Socket => "a socket",
            NodeKind::Other => "not a regular file",
        }
    }
}

impl NameKind {
    /// The kind as the English messages say it.
    pub fn en(self) -> &'static str {
        match self {
            NameKind::NotificationCode => "notification code",
            NameKind::EventType => "event type",
            NameKind::RefusalRule => "refusal rule",
            NameKind::Happening => "event type, notification code or refusal rule",
        }
    }
}

impl Referrer {
    fn en(self) -> &'static str {
        match self {
            Referrer::Step => "step",
            Referrer::Expectation => "expectation",
        }
    }
}

impl fmt::Display for Found {
    /// As the scenario reader says it ("found a sequence").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Empty => f.write_str("an empty value"),
            Found::Bool(b) => write!(f, "the boolean `{b}`"),
            Found::Number(n) => write!(f, "the number `{n}`"),
            Found::Text(s) => write!(f, "the string `{s}`"),
            Found::Seq => f.write_str("a sequence"),
            Found::Map => f.write_str("a mapping"),
            Found::Other => f.write_str("another value"),
        }
    }
}

/// `a`, `b`, `c` — the list of a message.
pub fn backquoted<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|c| format!("`{}`", c.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// serde's own list of expected names: "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
fn one_of(names: &[&str]) -> String {
    match names {
        [one] => format!("`{one}`"),
        [a, b] => format!("`{a}` or `{b}`"),
        _ => format!("one of {}", backquoted(names)),
    }
}

/// serde's sentence for an unknown variant or field (`what`: "variant", "field").
fn unknown(what: &str, found: &str, expected: &[&str]) -> String {
    if expected.is_empty() {
        format!("unknown {what} `{found}`, there are no {what}s")
    } else {
        format!("unknown {what} `{found}`, expected {}", one_of(expected))
    }
}

/// "unknown X `y`; did you mean `z`?" or "… expected one of …".
fn unknown_name(what: &str, found: &str, nearest: Option<&String>, choices: &[String]) -> String {
    match nearest {
        Some(best) => format!("unknown {what} `{found}`; did you mean `{best}`?"),
        None => format!(
            "unknown {what} `{found}`, expected one of {}",
            backquoted(choices)
        ),
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Problem as P;
        let too_big = |what: &str| format!("the file is too large or too complex to read: {what}");
        let text = match self {
            P::Custom(s) | P::Syntax(s) => s.clone(),
            P::TooLarge(limit) => too_big(&match limit {
                Limit::Values => "it holds more than 250,000 YAML values, counting each `*alias` \
                                  as a copy (a scenario holds at most about 22,700 residents; for \
                                  a large population use `zairyu compare --population`)"
                    .to_owned(),
                Limit::Aliases => "it repeats `*alias` references too many times".to_owned(),
                Limit::Depth(max) => {
                    format!("mappings and lists are nested more than {max} deep")
                }
                Limit::LongText => "its text values are too long".to_owned(),
                Limit::Documents => "it holds too many `---` documents".to_owned(),
                Limit::Other => "it breaks one of the YAML reader's size limits".to_owned(),
            }),
            P::DuplicateKey(Some(k)) => {
                format!("duplicate key `{k}`: each key may appear only once in a mapping")
            }
            P::DuplicateKey(None) => {
                "duplicate key: each key may appear only once in a mapping".to_owned()
            }
            P::MultipleDocuments => {
                "expected one YAML document, found a second one (`---`)".to_owned()
            }
            P::InvalidType {
                found_en, expected, ..
            } => format!("invalid type: {found_en}, expected {expected}"),
            P::InvalidValue {
                found_en, expected, ..
            } => format!("invalid value: {found_en}, expected {expected}"),
            P::InvalidLength { len, expected } => {
                format!("invalid length {len}, expected {expected}")
            }
            P::UnknownVariant { variant, expected } => unknown("variant", variant, expected),
            P::UnknownField { field, expected } => unknown("field", field, expected),
            P::UnknownStepField {
                field,
                expected,
                kind,
            } => match expected.is_empty() {
                true => format!(
                    "unknown field `{field}`: a `{kind}` step takes only `on`, `at`, `resident` \
                     and `do`"
                ),
                false => format!(
                    "{} for a `{kind}` step (every step also takes `on`, `at`, `resident`, `do`)",
                    unknown("field", field, expected)
                ),
            },
            P::MissingField(field) => format!("missing field `{field}`"),
            P::DuplicateField(field) => format!("duplicate field `{field}`"),
            P::Expected { shape, found } => format!(
                "expected {}, found {found}",
                match shape {
                    Shape::Mapping => "a mapping",
                    Shape::Sequence => "a sequence",
                }
            ),
            P::TakesNoValue { key } => {
                format!("`{key}` takes no value: write it as a plain string")
            }
            P::NotARegularFile { what, found } => format!(
                "expected {} file, found {}; only regular files are read",
                what.en(),
                found.en()
            ),
            P::TooLong { what, mib } => format!(
                "{} file may be at most {mib} MiB; this one is longer (reading stopped here)",
                what.en()
            ),
            P::NotUtf8 => "expected UTF-8 text; the file has an invalid byte here".to_owned(),
            P::NotAScenario => {
                "expected a scenario: a mapping with `name`, `start`, `until`, `residents` …"
                    .to_owned()
            }
            P::NotAPolicy => {
                "expected a policy file: a mapping with `name`, `base` and `policy`".to_owned()
            }
            P::UntilBeforeStart { until, start } => {
                format!("`until` {until} is before `start` {start}")
            }
            P::NoResidents => "a scenario needs at least one resident under `residents`".to_owned(),
            P::TooManyResidents => "too many residents for one scenario file".to_owned(),
            P::EmptyResidentId => "a resident id must not be empty".to_owned(),
            P::DuplicateResidentId { key, line } => {
                format!("duplicate resident id `{key}` (first declared on line {line})")
            }
            P::UnknownName {
                what,
                found,
                nearest,
                choices,
            } => unknown_name(what.en(), found, nearest.as_ref(), choices),
            P::UnknownResident {
                of,
                found,
                nearest,
                choices,
            } => format!(
                "{} refers to {}",
                of.en(),
                unknown_name("resident", found, nearest.as_ref(), choices)
            ),
            P::DateBeforeStart { of, date, start } => {
                format!("{} date {date} is before `start` {start}", of.en())
            }
            P::DateAfterUntil { of, date, until } => {
                format!("{} date {date} is after `until` {until}", of.en())
            }
            P::NotTheirMunicipality {
                municipality,
                resident,
                nearest,
                theirs,
            } => format!(
                "`{municipality}` is not a municipality of resident `{resident}` in this file{}",
                match nearest {
                    Some(near) => format!("; did you mean `{near}`?"),
                    None => format!(" (theirs: {})", theirs.join(", ")),
                }
            ),
            P::RecordKeepsNo { office, key, keeps } => format!(
                "the {office} record keeps no `{key}` in this model; it can be asked about: {}",
                keeps.join(", ")
            ),
            P::DecidedBeforeFiled { decided, filed } => format!(
                "decided_on {decided} is before the application was filed on {filed}: the \
                 bureau decides an application it has"
            ),
            P::Closed {
                place,
                date,
                why,
                next,
                hint,
            } => {
                let what = match place {
                    ClosedPlace::BureauDecides => "the immigration bureau does not decide",
                    ClosedPlace::CityHall => "the city hall's window is closed",
                    ClosedPlace::CardCounter => "no counter is open to collect a card",
                    ClosedPlace::BureauCounter => "the immigration bureau's counter is closed",
                };
                let why = match why {
                    ClosedWhy::Saturday => "a Saturday".to_owned(),
                    ClosedWhy::Sunday => "a Sunday".to_owned(),
                    ClosedWhy::Holiday(name) => format!("a national holiday ({name})"),
                    ClosedWhy::YearEnd => "in the year-end closure (12/29–1/3)".to_owned(),
                    ClosedWhy::Closed => "a closed day".to_owned(),
                };
                let hint = match hint {
                    ClosedHint::None => "",
                    ClosedHint::EveryDay => {
                        "; or let the offices work every day with `policy: { switches: { \
                         offices_work: every_day } }`"
                    }
                    ClosedHint::SundayCityHall => {
                        "; or open the municipal windows on Sundays with `policy: { switches: { \
                         sunday_counters: city_hall } }`"
                    }
                    ClosedHint::SundayBureau => {
                        "; or open the bureau's counters on Sundays too with `policy: { \
                         switches: { sunday_counters: bureau_and_city_hall } }`"
                    }
                };
                format!(
                    "{what} on {date}, {why}: counters are closed on Saturdays, Sundays, national \
                     holidays and 12/29–1/3 (docs/domain.md §5); the next business day is \
                     {next}{hint}"
                )
            }
            P::AfterStepDate {
                field,
                date,
                on,
                kind,
            } => format!(
                "{field} {date} is after the step's date {on}: a `{kind}` step reports what has \
                 already happened"
            ),
            P::GrantAndRefuse => {
                "give either `grant: <new expiry>` or `refuse: true`, not both".to_owned()
            }
            P::RefuseFalse => {
                "`refuse: false` decides nothing: give `grant: <new expiry>` or `refuse: true`"
                    .to_owned()
            }
            P::NeedsGrantOrRefuse { kind } => {
                format!("a {kind} step needs `grant: <new expiry date>` or `refuse: true`")
            }
            P::GrantNotAfterDecision { grant, on } => format!(
                "grant {grant} is not after the decision day {on}: a period of stay granted that \
                 day must end later"
            ),
            P::GrantDoesNotExtend { grant, current } => format!(
                "grant {grant} does not extend the period of stay, which ends on {current}: an \
                 extension must end after the current expiry"
            ),
            P::PermanentNeedsOne => "a decide_permanent_residence step needs exactly one of \
                                     `grant: true` or `refuse: true`"
                .to_owned(),
            P::LossDatesOnly { both: true } => {
                "`learned_on` and `reported_on` belong to `reason: lost`".to_owned()
            }
            P::LossDatesOnly { both: false } => {
                "`reported_on` belongs to `reason: lost`".to_owned()
            }
            P::NotAStep => "expected a step: a mapping with `on`, `resident` and `do`".to_owned(),
            P::MissingDo { kinds } => format!(
                "missing field `do` (the procedure: one of {})",
                backquoted(kinds)
            ),
            P::BornAfterStart { born_on, start } => {
                format!("born_on {born_on} is after `start` {start}")
            }
            P::NoCardForStatus { status, card } => format!(
                "a {status} resident is not a mid-to-long-term resident and holds no {} \
                 (docs/domain.md §3): remove it",
                match card {
                    CardWord::ResidenceCard => "residence card",
                    CardWord::MyNumberCard => "My Number card",
                }
            ),
            P::ArrivingHoldsNo { card } => format!(
                "an arriving resident holds no {card} yet: remove it (the card comes with the \
                 `land` step)"
            ),
            P::TokuteiHasMyNumber => {
                "a Tokutei card carries the My Number functions: this resident holds no separate \
                 my_number_card (docs/domain.md §16.6)"
                    .to_owned()
            }
            P::ArrivingPending => {
                "an arriving resident has filed nothing with the bureau yet: remove `pending`"
                    .to_owned()
            }
            P::PendingFromStart { start, filed_on } => format!(
                "a pending application is filed before `start` {start}, not on {filed_on}: a \
                 filing from `start` on is a step"
            ),
            P::FiledBeforeBirth { filed_on, born_on } => {
                format!("filed_on {filed_on} is before born_on {born_on}")
            }
            P::PermanentForPermanent => {
                "a permanent resident has no permanent residence to apply for".to_owned()
            }
            P::NoPeriodToExtend { status } => format!(
                "status {status} has no period of stay to extend or change (docs/domain.md §5.4, \
                 §5.5)"
            ),
            P::FiledAfterExpiry { filed_on, expiry } => format!(
                "filed on {filed_on}, after the period of stay ended on {expiry}: an extension \
                 or change of status is filed by the expiry (docs/domain.md §9)"
            ),
            P::StatusChangeNeedsTo => {
                "a pending status_change needs `to:`, the status applied for".to_owned()
            }
            P::PermanentIsItsOwn => "permanent residence is its own application: `procedure: \
                                     permanent_residence` (docs/domain.md §5.6)"
                .to_owned(),
            P::ToOnlyForChange => {
                "`to:` is the status applied for in a change of status only".to_owned()
            }
            P::ApplicationAtPort => {
                "a residence application is filed at the counter or online, not at a port"
                    .to_owned()
            }
            P::PeriodRequired { status } => {
                format!("period_expiry is required for status {status}")
            }
            P::NoPeriodForStatus { status } => {
                format!("status {status} has no period of stay: remove period_expiry")
            }
            P::ExpiryNotAfterBirth { expiry, born_on } => {
                format!("period_expiry {expiry} is not after born_on {born_on}")
            }
            P::IssuedAfterStart {
                card,
                issued_on,
                start,
            } => format!("{card}.issued_on {issued_on} is after `start` {start}"),
            P::IssuedBeforeBirth {
                card,
                issued_on,
                born_on,
            } => format!("{card}.issued_on {issued_on} is before born_on {born_on}"),
            P::ValidBeforeIssued {
                card,
                valid_through,
                issued_on,
            } => {
                format!("{card}.valid_through {valid_through} is before its issued_on {issued_on}")
            }
            P::TokuteiNotHere { card } => {
                format!("`tokutei` belongs on residence_card, not on {card}")
            }
            P::TokuteiNeedsIntegrated => {
                "a Tokutei card exists only under the integrated regime (docs/domain.md §3); set \
                 `policy: { regime: integrated }` or remove `tokutei`"
                    .to_owned()
            }
            P::TokuteiTooEarly { from, issued_on } => format!(
                "a Tokutei card cannot have been issued before {from} (docs/domain.md §3); \
                 residence_card.issued_on is {issued_on}"
            ),
            P::TokuteiNeedsRegister => {
                "a Tokutei card holder must be recorded in the Basic Resident Register \
                 (docs/domain.md §3): remove `registered: false` or `tokutei`"
                    .to_owned()
            }
            P::MoveInElsewhere {
                at,
                line,
                to,
                nearest,
            } => format!(
                "move-in at `{at}`, but the move-out on line {line} was to `{to}`{}",
                match nearest {
                    Some(m) => format!("; did you mean `{m}`?"),
                    None => format!("; file the move-in at `{to}`, or change the move-out's `to:`"),
                }
            ),
            P::UnknownMunicipality { name, key } => {
                format!("unknown municipality `{name}`; did you mean `{key}`?")
            }
            P::TimeOfDay { found } => {
                format!("expected a time of day HH:MM (24-hour), found `{found}`")
            }
            P::CountTooLarge(n) => format!("count {n} is too large"),
            P::NegativeCount(n) => format!("a count cannot be negative ({n})"),
            P::NotACount { found } => {
                format!("expected a count (0, 1, 2 …) or `at_least_once`, found `{found}`")
            }
            P::Date(e) => e.to_string(),
            P::DateOrNone(e) => format!("{e} (or `none`)"),
            P::BaseCycle { max, file } => {
                format!("`base:` files form a cycle (or a chain deeper than {max}) at {file}")
            }
            P::BaseUnreadable { file, detail, .. } => {
                format!("cannot read the `base:` file {file}: {detail}")
            }
            P::MergedPolicyInvalid(inner) => {
                format!("the policy after applying every `base:` is invalid: {inner}")
            }
            P::SetNotAssignment => "expected KEY=VALUE, e.g. disposition_at=decision".to_owned(),
            P::SetNoSuchKey { key, known } => format!(
                "the policy has no `{key}`{}",
                if known.is_empty() {
                    String::new()
                } else {
                    format!(" (expected one of: {})", known.join(", "))
                }
            ),
            P::SetValue(inner) => format!("the value: {inner}"),
            P::SetBadValue { key, problem } => format!("`{key}`: {problem}"),
            P::GridNotAssignment => {
                "expected KEY=V1,V2,…, e.g. resident.tokutei_uptake=0.1,0.5,0.9".to_owned()
            }
            P::SweptTwice { key } => format!("`{key}` is swept twice"),
            P::EmptyGridValue => "an empty value".to_owned(),
        };
        f.write_str(&text)
    }
}

impl From<model::date_text::DateError> for Problem {
    fn from(e: model::date_text::DateError) -> Problem {
        Problem::Date(e)
    }
}
