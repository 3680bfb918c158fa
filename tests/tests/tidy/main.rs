//! The tidy test: the architecture invariants of `docs/ARCHITECTURE.md`, checked over the
//! repository itself, in the spirit of rust-analyzer's `xtask/src/tidy.rs`.
//!
//! Each check is a function of plain values (packages from `cargo metadata`, sources, Markdown
//! files), run here on the real tree; the modules under `tidy/` also run each one on a small
//! planted violation, to show that it fails when it should. A failure names the file, the line
//! and what to do.

mod code;
mod deps;
mod invariants;
mod links;
mod outputs;
mod source;
mod tree;

use std::sync::OnceLock;

use tree::Tree;

fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(Tree::load)
}

#[track_caller]
fn assert_tidy(check: &str, violations: Vec<String>) {
    assert!(
        violations.is_empty(),
        "{check}: {} violation(s)\n  {}\n",
        violations.len(),
        violations.join("\n  ")
    );
}

#[test]
fn crate_dependencies_point_one_way() {
    assert_tidy("crate graph", deps::directions(&tree().packages));
}

#[test]
fn only_the_event_store_uses_sql() {
    let t = tree();
    let mut v = deps::sql_dependencies(&t.packages);
    v.extend(code::sql(&t.sources));
    assert_tidy("SQL outside event-store", v);
}

#[test]
fn only_the_cli_takes_terminal_and_catch_all_error_crates() {
    assert_tidy(
        "terminal crates outside cli",
        deps::cli_dependencies(&tree().packages),
    );
}

#[test]
fn only_the_cli_prints() {
    assert_tidy("terminal output", code::terminal_output(&tree().sources));
}

#[test]
fn runs_depend_only_on_scenario_policy_and_seed() {
    assert_tidy(
        "determinism",
        code::determinism(&tree().sources, &code::ALLOWED),
    );
}

#[test]
fn every_module_opens_with_a_paragraph() {
    assert_tidy("module docs", code::module_docs(&tree().sources));
}

#[test]
fn docs_have_no_dead_links() {
    let t = tree();
    assert_tidy("links", links::dead_links(&t.markdown, &t.paths));
}

#[test]
fn nothing_cites_a_document_outside_the_repository() {
    assert_tidy(
        "outside references",
        links::outside_references(&tree().texts),
    );
}

#[test]
fn no_recorded_output_shows_a_my_number_in_full() {
    assert_tidy(
        "My Numbers in outputs",
        outputs::full_my_numbers(&tree().texts),
    );
}

#[test]
fn every_invariant_names_a_test_that_exists() {
    let t = tree();
    let doc = "docs/ARCHITECTURE.md";
    assert_tidy(
        "invariants",
        invariants::unchecked(doc, &t.markdown[doc], &t.texts),
    );
}

#[test]
fn every_declared_dependency_is_used() {
    let t = tree();
    assert_tidy("dependencies", deps::unused(&t.packages, &t.sources));
}

#[test]
fn the_tree_is_read_whole() {
    // The checks above would pass vacuously on an empty tree.
    let t = tree();
    for krate in ["model", "event-store", "simulator", "report", "zairyu"] {
        assert!(
            t.packages.iter().any(|p| p.name == krate),
            "{krate} missing"
        );
    }
    assert!(t.sources.len() > 50, "{} sources", t.sources.len());
    assert!(t.markdown.contains_key("README.md"));
    assert!(t.markdown.contains_key("docs/ARCHITECTURE.md"));
    let snapshots = t.texts.keys().filter(|p| p.ends_with(".snap")).count();
    assert!(snapshots > 50, "{snapshots} snapshots");
}
