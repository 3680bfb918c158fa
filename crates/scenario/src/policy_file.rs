//! Policy files: a policy as data, for `zairyu compare`. A file may name a `base:` file and
//! override only some of its fields, so a reform reads as "the baseline, except …".
//!
//! ```yaml
//! # Half the municipalities take Tokutei applications from day one.
//! name: Integrated, 30 % uptake, half the municipalities from day one
//! base: integrated.policy.yaml          # relative to this file; optional
//! policy:                               # an overlay: only what differs from the base
//!   resident: { tokutei_uptake: 0.3 }
//!   municipal_adoption: { day_one: { share: 0.5 }, others_from: 2027-01-04 }
//! ```
//!
//! Layers apply in order: the starting policy (the defaults for a population, the scenario's own
//! policy for a scenario), then the innermost `base:`, …, then the file itself. A section (a
//! mapping of named fields: `resident`, `capacity`, `latency` …) merges key by key, so a partial
//! section overrides only the keys it names (`capacity: { block: 50000 }` keeps the rates the
//! base set); anything else (a number, a date, a list) replaces what was there; so does, where
//! the policy takes one of several forms, a single-key mapping whose key the base lacks, which is
//! how an enum changes variant (`delay: { uniform: … }` → `delay: { table: … }`). Which is which
//! is read from the policy's JSON Schema. Each layer is also read on its own as a
//! full policy, so a misspelt field or a bad value is reported with its file, line and column,
//! exactly as in scenario files.

use std::path::{Path, PathBuf};

use model::policy::Policy;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value as Json};

use crate::ScenarioError;
use crate::input::{MAX_POLICY_BYTES, read_text};
use crate::node::{DeError, Doc, Located, NodeId, Pos, Value};
use crate::problem::{FileKind, Problem};

/// A resolved policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    /// The policy after every layer.
    pub policy: Policy,
    /// The file's `name:`, or its file name.
    pub name: String,
    /// The comment block at the top of the file.
    pub description: String,
    /// The files read, the file itself first, then its base, its base's base …
    pub files: Vec<PathBuf>,
}

/// How deep `base:` chains may go (a cycle is reported before this).
const MAX_DEPTH: usize = 16;

/// Reads the policy file at `path` and applies it, with its bases, on top of `start`.
pub fn load_policy(path: &Path, start: &Policy) -> Result<PolicyFile, ScenarioError> {
    let mut layers = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    // The next file to read, and where the file before it named it (`base:`), so that a
    // base that cannot be read is reported at the line that names it.
    let mut next: Option<(PathBuf, Option<Pos>)> = Some((path.to_path_buf(), None));
    let mut first: Option<(Option<String>, String)> = None;
    while let Some((file, named_at)) = next.take() {
        let label = file.display().to_string();
        let at_base = |problem: Problem| {
            let referrer = files.last().map(|f: &PathBuf| f.display().to_string());
            let pos = named_at.unwrap_or(Pos::START);
            ScenarioError::invalid(referrer.unwrap_or_else(|| label.clone()), pos, problem)
        };
        let key = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
        if files
            .iter()
            .any(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()) == key)
            || files.len() >= MAX_DEPTH
        {
            return Err(at_base(Problem::BaseCycle {
                max: MAX_DEPTH,
                file: label.clone(),
            }));
        }
        let text = match read_text(&file, MAX_POLICY_BYTES, FileKind::Policy) {
            Err(ScenarioError::Io { source, .. }) if named_at.is_some() => {
                return Err(at_base(Problem::BaseUnreadable {
                    file: label.clone(),
                    kind: source.kind(),
                    code: source.raw_os_error(),
                    detail: source.to_string(),
                }));
            }
            other => other?,
        };
        let layer = read_layer(&text).map_err(|e| {
            ScenarioError::invalid(label.clone(), e.pos.unwrap_or(Pos::START), e.problem)
        })?;
        if first.is_none() {
            first = Some((layer.name.clone(), crate::input::description(&text)));
        }
        next = layer.base.as_ref().map(|b| {
            let dir = file.parent().unwrap_or(Path::new(""));
            (dir.join(&b.value), Some(b.pos))
        });
        files.push(file);
        layers.push(layer.overlay);
    }
    let mut merged = serde_json::to_value(start).expect("policies serialize");
    for overlay in layers.into_iter().rev() {
        merge(&mut merged, overlay);
    }
    let policy = policy_of(&merged).map_err(|e| {
        ScenarioError::invalid(
            path.display().to_string(),
            Pos::START,
            Problem::MergedPolicyInvalid(e.problem),
        )
    })?;
    let (name, description) = first.unwrap_or_default();
    Ok(PolicyFile {
        policy,
        name: name.unwrap_or_else(|| {
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        }),
        description,
        files,
    })
}

/// One file: its `name:`, `base:` and the `policy:` overlay as written.
struct Layer {
    name: Option<String>,
    base: Option<Located<String>>,
    overlay: Json,
}

// The typed reading of a file, for its located errors: the same located tree and reader as a
// scenario's, so a policy file's mistakes are reported exactly like a scenario's. Its doc
// comments are the policy file's JSON Schema (`zairyu schema policy`, schemas/).
/// A policy file for `zairyu compare`: a name, an optional `base:` file it builds on, and the
/// policy fields that differ from that base (every field is optional; see docs/what-if.md).
#[derive(Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "zairyu policy file")]
struct TypedLayer {
    /// A short title, shown in the comparison's manifest. Default: the file name.
    #[serde(default)]
    name: Option<String>,
    /// A policy file this one builds on, relative to this file (e.g. `baseline.policy.yaml`).
    #[serde(default)]
    base: Option<Located<String>>,
    /// The policy fields to set, on top of the base (or of the defaults for a population, or
    /// of the scenario's own policy). Mappings merge key by key; anything else replaces.
    // Read only to check it: the overlay merged is the text as written.
    #[serde(default)]
    #[expect(dead_code, reason = "deserialized only to check it")]
    policy: Option<Policy>,
}

/// The JSON Schema (draft 2020-12) of policy files, for editors and `zairyu schema policy`.
pub fn json_schema() -> serde_json::Value {
    schemars::schema_for!(TypedLayer).to_value()
}

/// The policy a merged JSON value makes, read by the reader's deserializer so that what is wrong
/// with it is a typed problem.
fn policy_of(merged: &Json) -> Result<Policy, DeError> {
    let doc = Doc::from_json(merged);
    Policy::deserialize(doc.de(doc.root()))
}

fn read_layer(text: &str) -> Result<Layer, DeError> {
    let doc = Doc::parse(text).map_err(|e| DeError::at(*e.problem, e.pos))?;
    let root = doc.node(doc.root());
    // An empty file is a policy that changes nothing.
    let typed = match root.value {
        Value::Null => TypedLayer::default(),
        Value::Map(_) => TypedLayer::deserialize(doc.de(doc.root()))?,
        _ => {
            return Err(DeError::at(Problem::NotAPolicy, root.pos));
        }
    };
    // The overlay as written: only the keys the file sets.
    let overlay = doc
        .entries(doc.root())
        .and_then(|es| es.iter().find(|e| e.key == "policy"))
        .map(|e| to_json(&doc, e.value))
        .filter(|v| !v.is_null())
        .unwrap_or_else(|| Json::Object(Map::new()));
    Ok(Layer {
        name: typed.name,
        base: typed.base,
        overlay,
    })
}

fn to_json(doc: &Doc<'_>, id: NodeId) -> Json {
    match &doc.node(id).value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::UInt(u) => Json::from(*u),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Str(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(|i| to_json(doc, *i)).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), to_json(doc, e.value)))
                .collect(),
        ),
    }
}

/// Applies `overlay` to `base`, a policy's JSON (see the module doc for the rules).
fn merge(base: &mut Json, overlay: Json) {
    let schema = policy_schema();
    merge_at(
        base,
        overlay,
        Some(&schema["$defs"]["Policy"]),
        &schema["$defs"],
    );
}

/// The JSON Schema of a policy (its `$defs` hold every section's), made once.
fn policy_schema() -> &'static Json {
    static SCHEMA: std::sync::OnceLock<Json> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(json_schema)
}

/// Applies `overlay` to `base`, where `schema` (if known) describes the value at this place.
///
/// A mapping the schema says is a section (a struct: it lists its `properties`) merges key by
/// key, whatever keys the base holds: a section's serialized form leaves out fields at their
/// default (`capacity`'s rates, `resident.departure`, `faults`), so a key the base lacks is no
/// sign of another variant there. Elsewhere — an enum (`delay: { uniform: … }`) — a
/// single-key mapping whose key the base lacks is another variant and replaces the value.
fn merge_at(base: &mut Json, overlay: Json, schema: Option<&Json>, defs: &Json) {
    let schema = schema.map(|s| resolve(s, defs));
    let fields = schema.and_then(|s| s.get("properties"));
    match (base, overlay) {
        (Json::Object(b), Json::Object(o)) => {
            let switches_variant =
                fields.is_none() && o.len() == 1 && o.keys().all(|k| !b.contains_key(k));
            if switches_variant {
                *b = o;
                return;
            }
            for (k, v) in o {
                let field = fields.and_then(|f| f.get(&k));
                match b.get_mut(&k) {
                    Some(slot) => merge_at(slot, v, field, defs),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// The schema `schema` stands for: through a `$ref` into `defs`, and through an optional
/// value's `anyOf` [the value, null] to the value's.
fn resolve<'a>(mut schema: &'a Json, defs: &'a Json) -> &'a Json {
    // A reference chain is as deep as the policy's types (a few); the bound only guards a loop.
    for _ in 0..16 {
        if let Some(name) = schema
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            && let Some(def) = defs.get(name)
        {
            schema = def;
            continue;
        }
        let not_null: Vec<&Json> = schema
            .get("anyOf")
            .and_then(Json::as_array)
            .map(|alts| {
                alts.iter()
                    .filter(|a| a.get("type").and_then(Json::as_str) != Some("null"))
                    .collect()
            })
            .unwrap_or_default();
        match not_null[..] {
            [only] => schema = only,
            _ => return schema,
        }
    }
    schema
}

/// Sets one field of `start` from the command line (`zairyu replay DB --set KEY=VALUE`): `KEY`
/// is a dotted path into the policy as policy files write it (`resident.tokutei_uptake`,
/// `latency.bureau_to_city_hall`), or the bare name of a switch (`disposition_at` for
/// `switches.disposition_at`); `VALUE` is read as YAML, as in a policy file (`0.5`, `true`,
/// `decision`, `{ uniform: { min: 1, max: 5 } }`) and merged the same way. A path the
/// policy does not have, or a value its field does not take, is refused with what was
/// expected.
pub fn set_policy_value(start: &Policy, assignment: &str) -> Result<Policy, ScenarioError> {
    let invalid = |problem: Problem| {
        ScenarioError::invalid(format!("--set {assignment}"), Pos::START, problem)
    };
    let (key, value) = assignment
        .split_once('=')
        .ok_or_else(|| invalid(Problem::SetNotAssignment))?;
    let key = key.trim();
    let mut merged = serde_json::to_value(start).expect("policies serialize");
    let path: Vec<&str> = if merged.get(key).is_none() && merged["switches"].get(key).is_some() {
        vec!["switches", key]
    } else {
        key.split('.').collect()
    };
    let mut at = &merged;
    for (depth, part) in path.iter().enumerate() {
        at = match at.get(part) {
            Some(next) => next,
            None => {
                let known: Vec<&str> = at
                    .as_object()
                    .map(|o| o.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                return Err(invalid(Problem::SetNoSuchKey {
                    key: path[..=depth].join("."),
                    known: known.into_iter().map(str::to_owned).collect(),
                }));
            }
        };
    }
    let doc = Doc::parse(value).map_err(|e| invalid(Problem::SetValue(e.problem)))?;
    let mut overlay = to_json(&doc, doc.root());
    for part in path.iter().rev() {
        let mut level = Map::new();
        level.insert((*part).to_owned(), overlay);
        overlay = Json::Object(level);
    }
    merge(&mut merged, overlay);
    policy_of(&merged).map_err(|e| {
        invalid(Problem::SetBadValue {
            key: path.join("."),
            problem: e.problem,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::policy::{DelayDays, MunicipalitySet, Regime, Share};

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn a_reform_overrides_only_what_it_names() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "base.policy.yaml",
            "# The baseline.\nname: Legacy\npolicy:\n  regime: legacy\n  resident:\n    tokutei_uptake: 0.3\n    validity_change: { never: 0.2, delay: { uniform: { min: 1, max: 30 } } }\n",
        );
        let reform = write(
            dir.path(),
            "reform.policy.yaml",
            "base: base.policy.yaml\npolicy:\n  regime: integrated\n  resident:\n    validity_change: { delay: { table: [ { days: 7, weight: 1 } ] } }\n  municipal_adoption: { day_one: { share: 0.5 } }\n",
        );
        let p = load_policy(&reform, &Policy::default()).unwrap();
        assert_eq!(p.policy.regime, Regime::Integrated);
        assert_eq!(p.policy.resident.tokutei_uptake, Share::new(0.3).unwrap());
        assert_eq!(
            p.policy.resident.validity_change.never,
            Share::new(0.2).unwrap()
        );
        assert!(matches!(
            p.policy.resident.validity_change.delay,
            DelayDays::Table(_)
        ));
        assert_eq!(
            p.policy.municipal_adoption.day_one,
            MunicipalitySet::Share(Share::new(0.5).unwrap())
        );
        assert_eq!(p.files.len(), 2);
        assert_eq!(p.name, "reform.policy.yaml");
        let base = load_policy(&dir.path().join("base.policy.yaml"), &Policy::default()).unwrap();
        assert_eq!(
            (base.name.as_str(), base.description.as_str()),
            ("Legacy", "The baseline.")
        );
    }

    #[test]
    fn a_reform_that_only_adds_faults_keeps_everything_its_base_sets() {
        // `faults` is absent from a policy's serialized form when empty: setting it must merge
        // into the base, not replace the whole policy with defaults.
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "base.policy.yaml",
            "policy:\n  regime: legacy\n  resident: { tokutei_uptake: 0.5 }\n",
        );
        let reform = write(
            dir.path(),
            "reform.policy.yaml",
            "base: base.policy.yaml\npolicy:\n  faults:\n    links: [ { notice: N3, loss: 0.01 } ]\n",
        );
        let p = load_policy(&reform, &Policy::default()).unwrap();
        assert_eq!(p.policy.regime, Regime::Legacy);
        assert_eq!(p.policy.resident.tokutei_uptake, Share::new(0.5).unwrap());
        assert_eq!(p.policy.faults.links.len(), 1);
        assert_eq!(p.policy.faults.links[0].loss, Share::new(0.01).unwrap());
    }

    /// A section's serialized form leaves out the fields at their default (capacity's rates,
    /// `resident.departure`), so a key the base lacks is no sign of another variant: a partial
    /// section overrides only what it names.
    #[test]
    fn a_partial_section_overrides_only_the_keys_it_names() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "base.policy.yaml",
            "policy:\n  resident: { tokutei_uptake: 0.3 }\n  capacity: { immigration_bureau: 5, block: 50000 }\n",
        );
        let city_hall = write(
            dir.path(),
            "city_hall.policy.yaml",
            "base: base.policy.yaml\npolicy:\n  capacity: { city_hall: 3 }\n",
        );
        let p = load_policy(&city_hall, &Policy::default()).unwrap().policy;
        let capacity = p.capacity.expect("capacity kept");
        let rate = |r: Option<model::capacity::PerThousand>| r.map(|r| r.get());
        assert_eq!(rate(capacity.immigration_bureau), Some(5.0));
        assert_eq!(rate(capacity.city_hall), Some(3.0));
        assert_eq!(capacity.block, 50000);
        let block = write(
            dir.path(),
            "block.policy.yaml",
            "base: base.policy.yaml\npolicy:\n  capacity: { block: 5000 }\n",
        );
        let capacity = load_policy(&block, &Policy::default())
            .unwrap()
            .policy
            .capacity
            .expect("capacity kept");
        assert_eq!(rate(capacity.immigration_bureau), Some(5.0));
        assert_eq!(capacity.block, 5000);
        let departure = write(
            dir.path(),
            "departure.policy.yaml",
            "base: base.policy.yaml\npolicy:\n  resident: { departure: { no_notice: 0.2 } }\n",
        );
        let p = load_policy(&departure, &Policy::default()).unwrap().policy;
        assert_eq!(p.resident.tokutei_uptake, Share::new(0.3).unwrap());
        assert_eq!(p.resident.departure.no_notice, Share::new(0.2).unwrap());
        // An enum still changes variant with a single key the base lacks.
        let delay = write(
            dir.path(),
            "delay.policy.yaml",
            "base: base.policy.yaml\npolicy:\n  resident: { validity_change: { delay: { table: [ { days: 7, weight: 1 } ] } } }\n",
        );
        let p = load_policy(&delay, &Policy::default()).unwrap().policy;
        assert!(matches!(
            p.resident.validity_change.delay,
            DelayDays::Table(_)
        ));
        assert_eq!(p.resident.tokutei_uptake, Share::new(0.3).unwrap());
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let bad = write(
            dir.path(),
            "bad.policy.yaml",
            "policy:\n  resident:\n    tokutei_uptake: 1.5\n",
        );
        let e = load_policy(&bad, &Policy::default()).unwrap_err();
        assert_eq!(e.position(), Some((3, 21)), "{e}");
        let typo = write(
            dir.path(),
            "typo.policy.yaml",
            "policy:\n  regimee: legacy\n",
        );
        let e = load_policy(&typo, &Policy::default()).unwrap_err();
        assert!(e.to_string().contains("regimee"), "{e}");
        assert_eq!(e.position().map(|p| p.0), Some(2));
        let cyc = write(
            dir.path(),
            "a.policy.yaml",
            "base: a.policy.yaml\npolicy: {}\n",
        );
        assert!(load_policy(&cyc, &Policy::default()).is_err());
        let key = write(dir.path(), "k.policy.yaml", "polic: {}\n");
        assert!(
            load_policy(&key, &Policy::default())
                .unwrap_err()
                .to_string()
                .contains("policy")
        );
    }

    #[test]
    fn given_a_switch_or_a_path_when_set_then_only_that_field_changes() {
        let start = Policy::default();
        let switched = set_policy_value(&start, "disposition_at=decision").unwrap();
        let mut expected = start.clone();
        expected.switches.disposition_at = model::policy::DispositionAt::Decision;
        assert_eq!(switched, expected);
        let uptake = set_policy_value(&start, "resident.tokutei_uptake=0.5").unwrap();
        assert_eq!(uptake.resident.tokutei_uptake.get(), 0.5);
        assert_eq!(uptake.switches, start.switches);
    }

    #[test]
    fn given_a_misspelt_key_or_a_bad_value_when_set_then_refused_saying_what_was_expected() {
        let start = Policy::default();
        let typo = set_policy_value(&start, "resident.tokutei_uptak=0.5").unwrap_err();
        let text = typo.to_string();
        assert!(text.contains("no `resident.tokutei_uptak`"), "{text}");
        assert!(text.contains("tokutei_uptake"), "{text}");
        let bad = set_policy_value(&start, "disposition_at=someday").unwrap_err();
        assert!(bad.to_string().contains("switches.disposition_at"), "{bad}");
        let no_value = set_policy_value(&start, "disposition_at").unwrap_err();
        assert!(no_value.to_string().contains("KEY=VALUE"), "{no_value}");
    }

    /// What is wrong with a value set is said by the same typed problems as a file's, so that
    /// it can be said in Japanese too; the English is serde's sentence as before.
    #[test]
    fn given_a_value_the_key_does_not_take_when_set_then_the_problem_is_typed() {
        let bad = set_policy_value(&Policy::default(), "disposition_at=someday").unwrap_err();
        let ScenarioError::Invalid { problem, .. } = &bad else {
            panic!("{bad}");
        };
        let Problem::SetBadValue { key, problem } = problem.as_ref() else {
            panic!("{problem:?}");
        };
        assert_eq!(key, "switches.disposition_at");
        assert!(
            matches!(problem.as_ref(), Problem::UnknownVariant { variant, .. } if variant == "someday"),
            "{problem:?}"
        );
        assert!(
            bad.to_string()
                .ends_with("unknown variant `someday`, expected `card_issuance` or `decision`"),
            "{bad}"
        );
    }
}
