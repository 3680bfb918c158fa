//! The page: the document head with the style sheet, the run's header, the step controls, one
//! panel per regime with an article per resident (legend, sequence diagram, event list,
//! timeline, the resident's measures), and the footer with the run's measures and every rule
//! cited. The style sheet, the script and the SVG markers are files beside this one, included
//! at build time, so that they are edited as CSS, JavaScript and SVG.

use std::fmt::Write;

use chrono::NaiveDate;
use projection::Totals;

use super::events::event_list;
use super::sequence::{Axis, sequence_svg};
use super::timeline::{Span, timeline_svg};
use super::{Panel, Steps, esc};
use crate::labels::{self, Lang, ui};
use crate::lanes::{Lane, lanes as lanes_of, merge_order};
use crate::phrases::{
    cited, measure_rows, regimes, resident_measures, resident_title, run_line, section_order,
};
use crate::story::{DayFlags, Story};

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("report.js");
/// Markers and patterns shared by every diagram of the page.
const DEFS: &str = include_str!("defs.svg");

/// The self-contained HTML report of one run, or of both regimes side by side.
pub fn render(stories: &[Story], lang: Lang) -> String {
    let mut out = String::new();
    let Some(first) = stories.first() else {
        return out;
    };
    let compare = stories.len() > 1;
    let steps = Steps::new(stories);
    head(&mut out, stories, &steps, lang);
    let _ = writeln!(
        out,
        r#"<main class="{}">"#,
        if compare { "n2" } else { "n1" }
    );
    let shared = SharedAxes::of(stories);
    for (p, story) in stories.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<section class="panel" data-regime="{}"><h2>{}</h2>"#,
            story.regime().as_str(),
            esc(labels::regime(story.regime()).get(lang))
        );
        for (ri, r) in story.residents.iter().enumerate() {
            let panel = Panel {
                story,
                r,
                steps: &steps.index[p][ri],
                lanes: &shared.lanes[ri],
                axis: &shared.axes[ri],
                span: &shared.spans[ri],
                lang,
                compare,
            };
            article(&mut out, &panel);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n<footer>");
    footer(&mut out, stories, lang);
    let _ = writeln!(
        out,
        "<p>{} {}</p></footer>",
        esc(ui(lang).generated),
        esc(&first.source)
    );
    let _ = writeln!(out, "<script>\n{JS}</script>\n</body>\n</html>");
    out
}

/// The document head, the run's header and the step controls.
fn head(out: &mut String, stories: &[Story], steps: &Steps, lang: Lang) {
    let u = ui(lang);
    let Some(first) = stories.first() else {
        return;
    };
    let _ = writeln!(
        out,
        r#"<!DOCTYPE html>
<html lang="{}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>{}</title>
<style>
{CSS}</style>
</head>"#,
        lang.tag(),
        esc(first.title.get(lang))
    );
    let _ = writeln!(
        out,
        r#"<body data-steps="{}" data-initial="{}" data-messages="{}">"#,
        steps.count,
        steps.initial,
        stories.iter().map(Story::message_count).sum::<usize>()
    );
    out.push_str(DEFS);
    let _ = writeln!(
        out,
        r#"<header><h1>{}</h1><p class="meta">{}</p>"#,
        esc(first.title.get(lang)),
        esc(&run_line(
            first,
            &regimes(stories, lang),
            &first.source,
            lang
        ))
    );
    let description = first.description.get(lang);
    if !description.is_empty() {
        let _ = writeln!(out, r#"<p class="desc">{}</p>"#, esc(description));
    }
    out.push_str("</header>\n");
    summary(out, stories, lang);
    // The toggle between the days facts were recorded and the days they took legal effect,
    // where the run has a fact of the second kind.
    let has_legal_dates = stories.iter().any(|s| {
        s.residents.iter().any(|r| {
            r.changes
                .iter()
                .any(|c| super::timeline::legal_date(&r.events[c.event]).is_some())
        })
    });
    let toggle = if has_legal_dates {
        format!(
            r#"<label class="hint"><input id="legal" type="checkbox"> {}</label>"#,
            esc(crate::labels::history(lang).legal_dates)
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        r#"<div id="bar"><nav id="controls"><button id="first" type="button">{}</button><button id="prev" type="button">{}</button><output id="pos"></output><button id="next" type="button">{}</button><button id="last" type="button">{}</button><span class="hint">{}</span>{toggle}</nav><p id="caption"></p></div>"#,
        esc(u.first),
        esc(u.prev),
        esc(u.next),
        esc(u.last),
        esc(u.keys_hint)
    );
}

/// The run's headline measures, large, at the top of the page: one tile per measure, one
/// value per regime.
fn summary(out: &mut String, stories: &[Story], lang: Lang) {
    let u = ui(lang);
    type Get = fn(&Totals) -> u64;
    let tiles: [(&str, Get, bool); 4] = [
        (u.visits, |t| t.visits.values().sum(), false),
        (u.outage_days, |t| t.outage_days, true),
        (u.inconsistency_days, |t| t.inconsistency_days, true),
        (u.special_period_days, |t| t.special_period_days, true),
    ];
    let _ = write!(
        out,
        r#"<section id="summary" aria-label="{}">"#,
        esc(u.measures)
    );
    for (what, get, alarming) in tiles {
        let bad = alarming && stories.iter().any(|s| get(&s.totals) > 0);
        let _ = write!(
            out,
            r#"<div class="tile{}"><div class="what">{}</div><div class="vals">"#,
            if bad { " bad" } else { "" },
            esc(what)
        );
        for s in stories {
            let regime = if stories.len() > 1 {
                format!(
                    "<small>{}</small>",
                    esc(labels::regime_short(s.regime()).get(lang))
                )
            } else {
                String::new()
            };
            let _ = write!(out, r#"<div class="v">{}{regime}</div>"#, get(&s.totals));
        }
        out.push_str("</div></div>");
    }
    out.push_str("</section>\n");
}

/// Per resident, the columns, time axis and day axis the panels of both regimes share, so
/// that they line up.
struct SharedAxes {
    lanes: Vec<Vec<Lane>>,
    axes: Vec<Axis>,
    spans: Vec<Span>,
}

impl SharedAxes {
    fn of(stories: &[Story]) -> SharedAxes {
        let residents = stories.iter().map(|s| s.residents.len()).max().unwrap_or(0);
        let mut shared = SharedAxes {
            lanes: Vec::with_capacity(residents),
            axes: Vec::with_capacity(residents),
            spans: Vec::with_capacity(residents),
        };
        let Some(first) = stories.first() else {
            return shared;
        };
        for ri in 0..residents {
            let mut spans = Vec::new();
            let mut lanes: Vec<Lane> = Vec::new();
            let mut active: Vec<NaiveDate> = Vec::new();
            for r in stories.iter().filter_map(|s| s.residents.get(ri)) {
                spans.extend(r.events.iter().map(|e| (e.occurred_at, e.occurred_at)));
                spans.extend(r.messages.iter().map(|m| (m.sent, m.delivered)));
                for lane in lanes_of(r) {
                    if !lanes.contains(&lane) {
                        lanes.push(lane);
                    }
                }
                // The days drawn wide: those with an event, and those on which a measure
                // starts or stops counting.
                active.extend(r.events.iter().map(|e| e.occurred_at.date()));
                let mut prev = DayFlags::default();
                for f in &r.days {
                    let changed = (f.outage, f.inconsistent, f.special_period)
                        != (prev.outage, prev.inconsistent, prev.special_period);
                    if let (true, Some(day)) = (changed, f.day) {
                        active.push(day);
                    }
                    prev = *f;
                }
            }
            let lanes = merge_order(lanes);
            active.sort();
            active.dedup();
            shared.lanes.push(lanes);
            shared.axes.push(Axis::new(spans));
            shared
                .spans
                .push(Span::new(first.start, first.until, &active));
        }
        shared
    }
}

/// One resident's article in a panel.
fn article(out: &mut String, panel: &Panel) {
    let r = panel.r;
    let u = ui(panel.lang);
    let _ = writeln!(
        out,
        r#"<article class="resident" data-resident="{}" data-messages="{}"><h3>{}</h3>"#,
        esc(&r.person.key),
        r.messages.len(),
        esc(&resident_title(r))
    );
    let _ = writeln!(
        out,
        r#"<div class="legend"><span class="l-action">{}</span><span class="l-notice">{}</span><span class="l-handover">{}</span></div>"#,
        esc(u.legend_action),
        esc(u.legend_notice),
        esc(u.legend_handover)
    );
    out.push_str(r#"<div class="cols"><figure>"#);
    let _ = writeln!(out, "<figcaption>{}</figcaption>", esc(u.sequence));
    sequence_svg(out, panel);
    out.push_str("</figure>\n");
    event_list(out, panel);
    out.push_str("</div>\n<figure>");
    let _ = writeln!(out, "<figcaption>{}</figcaption>", esc(u.timeline));
    let _ = writeln!(
        out,
        r#"<div class="legend"><span class="l-change">{}</span><span class="l-disagree">{}</span><span class="l-outage">{}</span><span class="l-special">{}</span></div>"#,
        esc(u.legend_change),
        esc(u.legend_disagree),
        esc(u.legend_outage),
        esc(u.legend_special)
    );
    timeline_svg(out, panel);
    out.push_str("</figure>\n");
    let _ = writeln!(
        out,
        r#"<table class="measures"><caption>{} {}</caption>"#,
        esc(u.measures_for),
        esc(r.person.display())
    );
    for (k, v) in resident_measures(r, panel.lang) {
        let _ = writeln!(out, "<tr><th>{}</th><td>{}</td></tr>", esc(&k), esc(&v));
    }
    out.push_str("</table>\n</article>\n");
}

/// The run's measures, one column per regime, and every rule cited on the page.
fn footer(out: &mut String, stories: &[Story], lang: Lang) {
    let u = ui(lang);
    let Some(first) = stories.first() else {
        return;
    };
    let totals: Vec<&Totals> = stories.iter().map(|s| &s.totals).collect();
    let _ = write!(
        out,
        r#"<h2>{} ({} – {})</h2><table class="measures" id="measures"><tr><th></th>"#,
        esc(u.measures),
        first.start,
        first.until
    );
    for s in stories {
        let _ = write!(
            out,
            "<th>{}</th>",
            esc(labels::regime_short(s.regime()).get(lang))
        );
    }
    out.push_str("</tr>\n");
    let mut rows = measure_rows(&totals, lang);
    // Under faults, how long the offices took to agree again (issue 8).
    if stories.iter().any(|s| !s.policy.faults.is_none()) {
        rows.push((
            u.time_to_consistency.to_owned(),
            stories
                .iter()
                .map(|s| crate::transcript::time_to_consistency(&s.sync, lang))
                .collect(),
        ));
        rows.push((
            u.still_inconsistent.to_owned(),
            stories
                .iter()
                .map(|s| s.sync.inconsistent_at_end.to_string())
                .collect(),
        ));
    }
    for (name, values) in rows {
        let _ = write!(out, "<tr><th>{}</th>", esc(&name));
        for v in values {
            let _ = write!(out, "<td>{}</td>", esc(&v));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    let mut all = Vec::new();
    for r in stories.iter().flat_map(|s| &s.residents) {
        for c in cited(r) {
            if !all.contains(&c) {
                all.push(c);
            }
        }
    }
    all.sort_by_key(|c| section_order(&c.id));
    if !all.is_empty() {
        // The rules are written out here, so that the file explains itself wherever it is
        // copied; the events link to these notes, never to a file beside the report.
        let _ = writeln!(
            out,
            r#"<h2>{}</h2><ol class="rules">"#,
            esc(u.rules_in_file)
        );
        for c in all {
            let _ = writeln!(
                out,
                r#"<li id="{}"><b>{} {}</b><br><span class="rt">{}</span></li>"#,
                c.note_id(),
                esc(&c.mark()),
                esc(c.title(lang)),
                esc(c.rule_text(lang))
            );
        }
        out.push_str("</ol>");
    }
}
