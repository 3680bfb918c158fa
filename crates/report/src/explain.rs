//! The narrative of a run, day by day, for a class: who filed what where, what each office
//! decided and whom it told (with the §6 notification code and when the notice arrived), what
//! the card record said at the end of each day, and the rule behind each step as a section of
//! docs/domain.md. In English or Japanese. The phrases it shares with the Mermaid and HTML
//! renderers (party names, the card-record summary, the measures) are in `phrases`.

use std::fmt::Write;

use projection::Totals;

use crate::align::{labelled, max_width, pad};
use crate::describe::describe;
use crate::labels::{self, Lang, ui};
use crate::phrases::{
    cited, day_heading, group_heading, hm, measure_rows, message_note, record_summary,
    resident_measures, resident_title, run_line, shown_in_heading, transitions,
};
use crate::story::{DayFlags, Group, MessageKind, ResidentStory, Story, Trigger};

/// The title block of a report.
fn header(out: &mut String, story: &Story, lang: Lang, compare: bool) {
    let u = ui(lang);
    let _ = writeln!(out, "{}", story.title.get(lang));
    let regime = if compare {
        u.compare.to_owned()
    } else {
        labels::regime(story.regime()).get(lang).to_owned()
    };
    let _ = writeln!(out, "{}", run_line(story, &regime, &story.source, lang));
    for line in story.description.get(lang).lines() {
        let _ = writeln!(out, "  {line}");
    }
}

/// The narrative of one resident in one run.
fn narrate(out: &mut String, story: &Story, r: &ResidentStory, lang: Lang) {
    let u = ui(lang);
    let switch = story.policy.switches.validity.special_period_my_number;
    let title = format!(
        "{} — {}",
        resident_title(r),
        labels::regime_short(story.regime()).get(lang)
    );
    let _ = writeln!(out, "\n══ {title} ══");
    let mut prev_flags = DayFlags::default();
    let mut last_summary = None;
    let mut g = 0;
    for flags in &r.days {
        let Some(day) = flags.day else { continue };
        let first = g;
        while g < r.groups.len() && r.groups[g].at.date() <= day {
            g += 1;
        }
        let groups = &r.groups[first..g];
        let notes = transitions(&prev_flags, flags, lang);
        prev_flags = *flags;
        if groups.is_empty() && notes.is_empty() {
            continue;
        }
        if groups.iter().all(|x| x.trigger == Trigger::Start) && !groups.is_empty() {
            let _ = writeln!(out, "\n{} {}", u.starting_state, day_heading(day, lang));
        } else {
            let _ = writeln!(out, "\n{}", day_heading(day, lang));
        }
        if groups.is_empty() {
            let _ = writeln!(out, "  ({})", u.no_events);
        }
        for group in groups {
            narrate_group(out, r, group, lang);
        }
        for note in &notes {
            let _ = writeln!(out, "  ⚑ {note}");
        }
        if let Some(last) = groups.last() {
            // The record at the end of the day: the state after the day's last event.
            let rec = &r.after[last.events.end - 1];
            let summary = record_summary(rec, day, switch, lang);
            if last_summary.as_ref() == Some(&summary) {
                let _ = writeln!(out, "  {}{}{}", u.end_of_day, u.colon, u.unchanged);
            } else {
                let _ = writeln!(out, "  {}{}", u.end_of_day, u.colon.trim_end());
                out.push_str(&labelled(&summary, 4, 1));
            }
            last_summary = Some(summary);
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        match lang {
            Lang::En => format!(
                "Measures for {} (through {})",
                r.person.display(),
                story.until
            ),
            Lang::Ja => format!("{} の指標（{} まで）", r.person.display(), story.until),
        }
    );
    out.push_str(&labelled(&resident_measures(r, lang), 2, 1));
    let cited = cited(r);
    if !cited.is_empty() {
        let _ = writeln!(out, "{}", u.rules_cited);
        let rows: Vec<(String, String)> = cited
            .iter()
            .map(|c| (c.mark(), format!("{} — {}", c.title(lang), c.link())))
            .collect();
        out.push_str(&labelled(&rows, 2, 1));
    }
}

/// The width of the office column of the starting state: the widest office name.
fn start_width(lang: Lang) -> usize {
    use model::service::Service;
    max_width(
        [
            Service::ImmigrationBureau,
            Service::CityHall,
            Service::CardIssuer,
            Service::Police,
        ]
        .map(|s| labels::service(s).get(lang)),
    )
}

fn narrate_group(out: &mut String, r: &ResidentStory, g: &Group, lang: Lang) {
    if g.trigger == Trigger::Start {
        // The starting state: one line per record, the office in front.
        for i in g.events.clone() {
            let text = describe(&r.events[i].event, lang);
            let office = group_heading(r, g, lang);
            let _ = writeln!(out, "  {}  {text}", pad(&office, start_width(lang)));
        }
        return;
    }
    let _ = writeln!(out, "  {}  {}", hm(g.at), group_heading(r, g, lang));
    for i in g.events.clone() {
        // The heading already says who came where for what.
        if shown_in_heading(g, &r.events[i].event) {
            continue;
        }
        let event = &r.events[i].event;
        let text = describe(event, lang);
        let rule = event
            .section()
            .map(|x| format!("  [{x}]"))
            .unwrap_or_default();
        let _ = writeln!(out, "           {text}{rule}");
        for m in r
            .messages
            .iter()
            .filter(|m| m.event == i && m.kind != MessageKind::Action)
        {
            let _ = writeln!(out, "             {}", message_note(r, m, lang));
        }
    }
}

/// The day-by-day narrative of one run, or of both regimes one after the other followed by
/// their measures side by side.
pub fn render(stories: &[Story], lang: Lang) -> String {
    let mut out = String::new();
    let Some(first) = stories.first() else {
        return out;
    };
    let compare = stories.len() > 1;
    header(&mut out, first, lang, compare);
    for story in stories {
        for r in &story.residents {
            narrate(&mut out, story, r, lang);
        }
    }
    let u = ui(lang);
    let totals: Vec<&Totals> = stories.iter().map(|s| &s.totals).collect();
    let _ = writeln!(
        out,
        "\n{}{}{} – {}{}",
        u.measures, u.lp, first.start, first.until, u.rp
    );
    let mut rows: Vec<(String, String)> = Vec::new();
    if compare {
        let heads: Vec<&str> = stories
            .iter()
            .map(|s| labels::regime_short(s.regime()).get(lang))
            .collect();
        rows.push((String::new(), heads.join(" | ")));
    }
    for (name, values) in measure_rows(&totals, lang) {
        rows.push((name, values.join(" | ")));
    }
    out.push_str(&labelled(&rows, 2, 1));
    out
}
