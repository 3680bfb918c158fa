//! The JSON Schemas in `schemas/` are the ones the code generates (regenerate them with
//! `zairyu schema > schemas/scenario.schema.json` and `zairyu schema policy >
//! schemas/policy.schema.json`), and every bundled scenario and policy file points an editor at
//! the right one with a `# yaml-language-server: $schema=…` header that resolves.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The schema as `zairyu schema` prints it: pretty JSON and a newline.
fn printed(schema: &serde_json::Value) -> String {
    format!("{}\n", serde_json::to_string_pretty(schema).unwrap())
}

fn assert_in_sync(file: &str, schema: &serde_json::Value, command: &str) {
    let path = root().join("schemas").join(file);
    let stored =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        stored == printed(schema),
        "schemas/{file} is out of date: run `{command} > schemas/{file}`"
    );
}

#[test]
fn the_schemas_in_the_repository_are_the_generated_ones() {
    assert_in_sync(
        "scenario.schema.json",
        &scenario::json_schema(),
        "zairyu schema",
    );
    assert_in_sync(
        "policy.schema.json",
        &scenario::policy_file::json_schema(),
        "zairyu schema policy",
    );
}

#[test]
fn the_schemas_name_no_command_that_does_not_exist() {
    for schema in [
        scenario::json_schema(),
        scenario::policy_file::json_schema(),
    ] {
        // There is `zairyu schema policy`, but no `zairyu policy` command.
        let text = schema.to_string();
        assert!(!text.contains("`zairyu policy"), "{text}");
    }
    // The policy schema describes the policy file's own keys and the policy's fields.
    let policy = scenario::policy_file::json_schema();
    assert_eq!(policy["title"], "zairyu policy file");
    for key in ["name", "base", "policy"] {
        assert!(policy["properties"].get(key).is_some(), "no `{key}`");
    }
    assert!(policy["$defs"]["Policy"]["properties"]["resident"].is_object());
}

/// Every `*.yaml` file under `dir`, sorted.
fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
    out.sort();
}

#[test]
fn every_bundled_file_names_its_schema_for_editors() {
    let mut files = Vec::new();
    yaml_files(&root().join("scenarios"), &mut files);
    assert!(files.len() > 40, "{} files", files.len());
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let first = text.lines().next().unwrap_or("");
        let want = if scenario::is_policy_file(file) {
            "policy.schema.json"
        } else {
            "scenario.schema.json"
        };
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| {
                panic!(
                    "{}: the first line should be `# yaml-language-server: $schema=…/schemas/{want}`",
                    file.display()
                )
            });
        assert!(
            target.ends_with(&format!("schemas/{want}")),
            "{}: {target}",
            file.display()
        );
        let resolved = file.parent().unwrap().join(target);
        assert!(
            resolved.is_file(),
            "{}: {target} does not resolve",
            file.display()
        );
        // And the file satisfies the schema it names, as an editor would check it.
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&resolved).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
        let doc: serde_json::Value =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{} does not satisfy {target}:\n  {}",
            file.display(),
            errors.join("\n  ")
        );
    }
}
