//! The sequence diagrams draw what the links did to each notice (issue 8): a notice lost for good
//! is drawn to where it would have arrived and ends in a cross; the second copy of a duplicated
//! notice is drawn too, and says so; with perfect links every notice simply arrives. The fates are
//! drawn from the run's policy and seed exactly as the run drew them, so the diagram and the run's
//! tally agree.

use std::path::Path;

use report::story::{Fate, MessageKind};
use report::{Lang, Run, Story};

fn story(path: &str) -> (Story, simulator::RunOutput) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let s = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let out = simulator::run_scenario(&s, None, None).unwrap();
    let story = Story::build(&Run::from_scenario(&s, out.log.clone()), None).unwrap();
    (story, out)
}

fn fates(story: &Story, fate: Fate) -> Vec<&'static str> {
    story.residents[0]
        .messages
        .iter()
        .filter(|m| m.kind == MessageKind::Notice && m.fate == fate)
        .map(|m| m.code.unwrap_or("?"))
        .collect()
}

#[test]
fn a_lost_notice_ends_in_a_cross_where_it_would_have_arrived() {
    let (lost, out) = story("../scenarios/faults/lost_n3_legacy.yaml");
    assert_eq!(fates(&lost, Fate::Lost), ["N3", "N3"]);
    assert_eq!(out.faults.total().lost, 2, "the run lost the same two");
    let mermaid = report::mermaid::render(std::slice::from_ref(&lost), Lang::En);
    assert_eq!(mermaid.matches("--x").count(), 2, "{mermaid}");
    assert!(mermaid.contains("— lost"), "{mermaid}");
    let ja = report::mermaid::render(std::slice::from_ref(&lost), Lang::Ja);
    assert!(ja.contains("— 消失"), "{ja}");
    let html = report::html::render(std::slice::from_ref(&lost), Lang::En);
    assert_eq!(html.matches("m-notice fate-lost").count(), 2);
    assert!(html.contains("url(#ah-lost)"));
}

#[test]
fn a_duplicated_notice_is_drawn_twice_and_says_so() {
    let (dup, out) = story("../scenarios/faults/duplicated_n4_integrated.yaml");
    assert_eq!(fates(&dup, Fate::Duplicate), ["N4", "N4"]);
    assert_eq!(
        fates(&dup, Fate::Delivered)
            .iter()
            .filter(|c| **c == "N4")
            .count(),
        2
    );
    assert_eq!(out.faults.total().duplicated, 2);
    let mermaid = report::mermaid::render(std::slice::from_ref(&dup), Lang::En);
    assert_eq!(mermaid.matches("— duplicated").count(), 2, "{mermaid}");
    let html = report::html::render(std::slice::from_ref(&dup), Lang::En);
    assert_eq!(html.matches("m-notice fate-duplicate").count(), 2);
}

#[test]
fn on_perfect_links_every_notice_simply_arrives() {
    let (perfect, _) = story("../scenarios/teaching/extension_legacy.yaml");
    let notices = perfect.residents[0]
        .messages
        .iter()
        .filter(|m| m.kind == MessageKind::Notice)
        .count();
    assert!(notices > 0);
    assert_eq!(fates(&perfect, Fate::Delivered).len(), notices);
    let mermaid = report::mermaid::render(std::slice::from_ref(&perfect), Lang::En);
    assert!(!mermaid.contains("--x"), "{mermaid}");
    for word in ["— lost", "— duplicated", "— redelivered"] {
        assert!(!mermaid.contains(word), "{mermaid}");
    }
}
