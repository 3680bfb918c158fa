//! Teaching reports: every scenario in `scenarios/teaching/` is explained in all three formats.
//!
//! The narratives (English and Japanese) and the Mermaid diagrams are snapshotted with insta
//! (review changes with `cargo insta review`). The HTML report is checked as text (self-contained,
//! one arrow per message) and, where Chromium is installed, in headless Chromium through the
//! DevTools protocol: no console errors, no request leaves the file, one drawn arrow per message,
//! and "next" (or the arrow key) reveals the next event. Without Chromium that test prints a
//! notice and passes, unless `ZAIRYU_REQUIRE_BROWSER=1` (as in `.ci/run`) makes it fail.

mod cdp;

use std::path::Path;
use std::time::Instant;

use event_store::{EventStore, IndexMode};
use model::policy::Regime;
use report::story::{MessageKind, Trigger};
use report::{Lang, Person, Run, Story};
use simulator::run_scenario;

fn run(s: &scenario::Scenario) -> Run {
    let out = run_scenario(s, None, None).unwrap_or_else(|e| panic!("{}: {e}", s.source));
    let mut run = Run::from_scenario(s, out.log);
    // Snapshots name the file as `zairyu explain scenarios/…` would, on any machine.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(|p| p.canonicalize().ok());
    let source = Path::new(&run.source).canonicalize().ok();
    if let (Some(root), Some(source)) = (root, source)
        && let Ok(relative) = source.strip_prefix(&root)
    {
        run.source = relative.display().to_string();
    }
    run
}

fn story(path: &Path) -> Story {
    let s = scenario::load(path).unwrap_or_else(|e| panic!("{e}"));
    Story::build(&run(&s), None).unwrap()
}

/// Both regimes of a scenario, legacy first.
fn both(path: &Path) -> Vec<Story> {
    let s = scenario::load(path).unwrap_or_else(|e| panic!("{e}"));
    [Regime::Legacy, Regime::Integrated]
        .into_iter()
        .map(|r| Story::build(&run(&s.clone().with_regime(r)), None).unwrap())
        .collect()
}

#[test]
fn text_en() {
    insta::glob!("../../scenarios/teaching", "*.yaml", |path| {
        insta::assert_snapshot!(report::explain::render(&[story(path)], Lang::En));
    });
}

#[test]
fn text_ja() {
    insta::glob!("../../scenarios/teaching", "*.yaml", |path| {
        insta::assert_snapshot!(report::explain::render(&[story(path)], Lang::Ja));
    });
}

#[test]
fn mermaid() {
    insta::glob!("../../scenarios/teaching", "*.yaml", |path| {
        insta::assert_snapshot!(report::mermaid::render(&[story(path)], Lang::En));
    });
}

#[test]
fn compare_regimes_text() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/teaching/extension_integrated.yaml");
    insta::assert_snapshot!(report::explain::render(&both(&path), Lang::En));
}

/// Every file of `scenarios/teaching/`.
fn teaching_scenarios() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/teaching");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    files
}

#[test]
fn messages_follow_the_notification_rules_and_latencies() {
    for path in teaching_scenarios() {
        let story = story(&path);
        let policy = &story.policy;
        for r in &story.residents {
            let mut notices = 0u64;
            for m in &r.messages {
                match m.kind {
                    MessageKind::Notice => {
                        notices += 1;
                        assert_eq!(
                            m.delivered - m.sent,
                            m.latency.as_duration(),
                            "{}: notice {} does not take its latency",
                            path.display(),
                            m.seq
                        );
                        assert!(m.code.is_some(), "a notice has a §6 code");
                        let link = model::service::Link {
                            from: r.events[m.event].service,
                            to: match m.to {
                                report::story::Party::ImmigrationBureau => {
                                    model::service::Service::ImmigrationBureau
                                }
                                report::story::Party::CityHall => model::service::Service::CityHall,
                                report::story::Party::CardIssuer => {
                                    model::service::Service::CardIssuer
                                }
                                report::story::Party::Police => model::service::Service::Police,
                                other => panic!("a notice to {other:?}"),
                            },
                        };
                        assert_eq!(m.latency, policy.latency.of(link));
                    }
                    MessageKind::Action | MessageKind::HandOver => {
                        assert_eq!(m.sent, m.delivered, "resident arrows take no time")
                    }
                }
            }
            // The notices are exactly the deliveries the measures count.
            let counted: u64 = story.totals.notifications.values().sum();
            assert_eq!(notices, counted, "{}", path.display());
            // Every office's answer to a notice was recorded when the notice arrived.
            for g in &r.groups {
                if let Trigger::Notice { message } = g.trigger {
                    assert_eq!(r.messages[message].delivered, g.at);
                    assert_eq!(r.messages[message].kind, MessageKind::Notice);
                }
            }
            // Every counter visit is one resident arrow.
            let visits: u32 = model::service::Office::ALL
                .iter()
                .map(|o| r.last.visits_to(*o))
                .sum();
            let actions = r
                .messages
                .iter()
                .filter(|m| m.kind == MessageKind::Action)
                .count();
            assert!(actions as u32 >= visits, "{}", path.display());
        }
    }
}

#[test]
fn a_stored_log_tells_the_same_story() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios/teaching/extension_integrated.yaml");
    let s = scenario::load(&path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("run.db");
    let store = EventStore::create(&db, IndexMode::Live).unwrap();
    let mut live = simulator::run_scenario_stored(&s, store, "test", None).unwrap();
    drop(live.store.take());

    // What `zairyu explain run.db` reads: the log and the run metadata only.
    let store = EventStore::open_read_only(&db).unwrap();
    let meta = store.read_run_meta().unwrap().unwrap();
    let policy: model::policy::Policy = serde_json::from_str(&meta.policy).unwrap();
    let switch = policy.switches.validity.special_period_my_number;
    let replayed =
        simulator::replay::replay(&store, meta.start, meta.until, None, switch, true).unwrap();
    let stored = Run {
        title: s.name.clone(),
        description: s.description.clone(),
        source: s.source.clone(),
        seed: meta.seed,
        policy,
        start: meta.start,
        until: meta.until,
        residents: meta
            .resident_names
            .iter()
            .map(|k| Person {
                key: k.clone(),
                name: s.resident(k).map(|r| r.profile.name.clone()),
            })
            .collect(),
        log: replayed.log,
    };
    let from_yaml = Story::build(&Run::from_scenario(&s, live.log), None).unwrap();
    let from_db = Story::build(&stored, None).unwrap();
    for lang in [Lang::En, Lang::Ja] {
        assert_eq!(
            report::explain::render(std::slice::from_ref(&from_yaml), lang),
            report::explain::render(std::slice::from_ref(&from_db), lang)
        );
        assert_eq!(
            report::html::render(std::slice::from_ref(&from_yaml), lang),
            report::html::render(std::slice::from_ref(&from_db), lang)
        );
    }
    // And a resident can be picked out; an unknown one is a typed error.
    assert_eq!(
        Story::build(&stored, Some("mei")).unwrap().residents.len(),
        1
    );
    assert!(Story::build(&stored, Some("nobody")).is_err());
}

#[test]
fn html_is_one_self_contained_file_with_an_arrow_per_message() {
    for path in teaching_scenarios() {
        for (stories, lang) in [
            (vec![story(&path)], Lang::En),
            (vec![story(&path)], Lang::Ja),
            (both(&path), Lang::En),
        ] {
            let html = report::html::render(&stories, lang);
            let again = report::html::render(&stories, lang);
            assert_eq!(html, again, "the same run gives the same bytes");
            let arrows = html.matches(r#"<g class="msg "#).count();
            let messages: usize = stories.iter().map(Story::message_count).sum();
            assert_eq!(arrows, messages, "{}", path.display());
            let events = html.matches(r#"<li class="event "#).count();
            let expected: usize = stories.iter().map(Story::event_count).sum();
            assert_eq!(events, expected);
            // Nothing is loaded from anywhere: no external scripts, styles, images or fonts.
            for needle in [
                "http://", "https://", " src=", "@import", "url(http", "//cdn",
            ] {
                assert!(
                    !html.contains(needle),
                    "{}: the report must not refer to {needle}",
                    path.display()
                );
            }
            assert!(html.contains("Content-Security-Policy"));
            assert!(html.contains(r#"id="next""#) && html.contains(r#"id="prev""#));
        }
    }
}

/// Every section the reports cite has a heading in docs/domain.md, once that file exists.
#[test]
fn cited_sections_have_headings_in_domain_md() {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/domain.md");
    let Ok(text) = std::fs::read_to_string(&doc) else {
        eprintln!("note: docs/domain.md does not exist yet; section links are not checked");
        return;
    };
    let anchors: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| report::sections::slug(l.trim_start_matches('#')))
        .collect();
    let mut missing = Vec::new();
    for path in teaching_scenarios() {
        for r in &story(&path).residents {
            for c in report::phrases::cited(r) {
                if !anchors.contains(&c.anchor()) && !missing.contains(&c.mark()) {
                    missing.push(c.mark());
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/domain.md has no heading for {missing:?} (expected `## §5.4 …` headings)"
    );
}

// ---------------------------------------------------------------------------------------------
// The HTML report in a real browser.

struct Page {
    name: String,
    html: String,
    messages: usize,
    events: usize,
    compare: bool,
}

fn pages() -> Vec<Page> {
    let mut pages = Vec::new();
    for path in teaching_scenarios() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let one = vec![story(&path)];
        pages.push(Page {
            name: format!("{name}.en"),
            html: report::html::render(&one, Lang::En),
            messages: one[0].message_count(),
            events: one[0].event_count(),
            compare: false,
        });
        if name == "extension_integrated" || name == "move_between_legacy" {
            pages.push(Page {
                name: format!("{name}.ja"),
                html: report::html::render(&one, Lang::Ja),
                messages: one[0].message_count(),
                events: one[0].event_count(),
                compare: false,
            });
            let two = both(&path);
            pages.push(Page {
                name: format!("{name}.compare"),
                html: report::html::render(&two, Lang::En),
                messages: two.iter().map(Story::message_count).sum(),
                events: two.iter().map(Story::event_count).sum(),
                compare: true,
            });
        }
    }
    pages
}

fn number(v: serde_json::Value) -> i64 {
    v.as_i64()
        .unwrap_or_else(|| panic!("expected a number, got {v}"))
}

fn check_page(browser: &mut cdp::Browser, dir: &Path, page: &Page) -> Result<(), String> {
    let file = dir.join(format!("{}.html", page.name));
    std::fs::write(&file, &page.html).map_err(|e| e.to_string())?;
    let url = format!("file://{}", file.display());
    let session = browser.open_page()?;
    browser.navigate(&session, &url)?;
    let name = &page.name;

    // One drawn arrow per message, per resident and in all.
    let arrows = number(browser.eval(
        &session,
        "document.querySelectorAll('svg.seq g.msg').length",
    )?);
    assert_eq!(arrows as usize, page.messages, "{name}: arrows drawn");
    let per_article = browser.eval(
        &session,
        "Array.from(document.querySelectorAll('article.resident')).every(a => \
         a.querySelectorAll('g.msg').length === Number(a.dataset.messages))",
    )?;
    assert_eq!(per_article, serde_json::Value::Bool(true), "{name}");
    // Notices slope down by their latency; a resident's arrows are level.
    let slopes = browser.eval(
        &session,
        "Array.from(document.querySelectorAll('g.msg')).every(g => { \
           const p = g.querySelector('path'); const a = p.getPointAtLength(0); \
           const b = p.getPointAtLength(p.getTotalLength()); \
           const lat = Number(g.dataset.latencyMinutes); \
           return lat > 0 ? b.y - a.y > 0.5 : Math.abs(b.y - a.y) < 0.01; })",
    )?;
    assert_eq!(
        slopes,
        serde_json::Value::Bool(true),
        "{name}: arrow slopes"
    );

    // Stepping: the report opens on the starting state; "next" reveals exactly one more event.
    let visible = "document.querySelectorAll('li.event:not(.future)').length";
    let initial = number(browser.eval(&session, "Number(document.body.dataset.initial)")?);
    assert_eq!(
        number(browser.eval(&session, visible)?),
        initial + 1,
        "{name}"
    );
    browser.eval(&session, "document.getElementById('next').click()")?;
    assert_eq!(
        number(browser.eval(&session, visible)?),
        initial + 2,
        "{name}: next"
    );
    assert_eq!(
        number(browser.eval(
            &session,
            "Number(document.querySelector('li.event.current').dataset.step)"
        )?),
        initial + 1,
        "{name}: the revealed event is the next one"
    );
    let caption = browser.eval(&session, "document.getElementById('caption').textContent")?;
    assert!(
        caption.as_str().is_some_and(|c| !c.is_empty()),
        "{name}: caption"
    );
    // The keyboard does the same; "back" undoes it.
    browser.key(&session, "ArrowRight", 39)?;
    assert_eq!(
        number(browser.eval(&session, visible)?),
        initial + 3,
        "{name}: → key"
    );
    browser.key(&session, "ArrowLeft", 37)?;
    browser.eval(&session, "document.getElementById('prev').click()")?;
    assert_eq!(
        number(browser.eval(&session, visible)?),
        initial + 1,
        "{name}: back"
    );
    // "all" reveals every event and every arrow.
    browser.eval(&session, "document.getElementById('last').click()")?;
    assert_eq!(
        number(browser.eval(&session, visible)?) as usize,
        page.events,
        "{name}: all"
    );
    let shown_arrows = number(browser.eval(
        &session,
        "Array.from(document.querySelectorAll('g.msg')).filter(g => getComputedStyle(g).display !== 'none').length",
    )?);
    assert_eq!(
        shown_arrows as usize, page.messages,
        "{name}: all arrows shown"
    );
    if page.compare {
        let panels = number(browser.eval(
            &session,
            "document.querySelectorAll('section.panel').length",
        )?);
        assert_eq!(panels, 2, "{name}: both regimes side by side");
    }

    browser.settle(std::time::Duration::from_millis(100))?;
    let errors = browser.errors(&session);
    assert!(
        errors.is_empty(),
        "{name}: the page reported errors: {errors:#?}"
    );
    // Nothing but the file itself was requested.
    for request in browser.requests(&session) {
        assert!(
            request.starts_with("file://") || request.starts_with("data:"),
            "{name}: the page requested {request}"
        );
    }
    Ok(())
}

#[expect(
    clippy::disallowed_methods,
    reason = "reports how long the browser check took"
)]
#[test]
fn html_report_in_headless_chromium() {
    let required = std::env::var("ZAIRYU_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let Some(exe) = cdp::find_chromium() else {
        assert!(
            !required,
            "ZAIRYU_REQUIRE_BROWSER=1 but Chromium is not installed (apt-get install chromium)"
        );
        eprintln!(
            "notice: Chromium not found (/usr/bin/chromium or `chromium` on PATH): the HTML report \
             was not checked in a browser. Install the Debian package `chromium` to run this test; \
             set ZAIRYU_REQUIRE_BROWSER=1 to make its absence a failure."
        );
        return;
    };
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let pages = pages();
    let mut browser = cdp::Browser::launch(&exe).unwrap_or_else(|e| panic!("{e}"));
    for page in &pages {
        check_page(&mut browser, dir.path(), page).unwrap_or_else(|e| panic!("{}: {e}", page.name));
    }
    drop(browser);
    eprintln!(
        "checked {} HTML reports in headless Chromium in {:.1} s",
        pages.len(),
        started.elapsed().as_secs_f64()
    );
}
