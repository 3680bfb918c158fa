//! Mermaid sequence diagrams of a run, one per resident, in a Markdown document that GitHub
//! renders: the resident, the immigration bureau, a city hall per municipality the resident
//! deals with (the same lifelines as the HTML report's, from `lanes`) and J-LIS (the police and
//! the call centre when the resident goes there). Mermaid draws every arrow level, so each arrow's
//! label carries its times and latency; the HTML report draws them to scale.

use std::fmt::Write;

use crate::labels::{self, Lang, ui};
use crate::lanes::{Lane, event_lane, lanes as lanes_of, message_lanes};
use crate::phrases::{
    channel_label, cited, day_heading, hm, party_short, regimes, resident_title, run_line,
    shown_in_heading, transitions,
};
use crate::story::{DayFlags, Fate, Message, MessageKind, Party, ResidentStory, Story, Trigger};

/// The Mermaid participant id of a lane: a letter code per party; the city hall's lanes are
/// `CH`, or `CH1`, `CH2`, … in the order the resident meets them when there are several (a move
/// between municipalities is two offices talking, as in the HTML report).
fn lane_id(lanes: &[Lane], lane: &Lane) -> String {
    let code = match lane.party {
        Party::Resident => "R",
        Party::Police => "PO",
        Party::CallCentre => "CC",
        Party::ImmigrationBureau => "IB",
        Party::CityHall => "CH",
        Party::CardIssuer => "JL",
    };
    let same: Vec<&Lane> = lanes.iter().filter(|l| l.party == lane.party).collect();
    match same.iter().position(|l| *l == lane) {
        Some(k) if same.len() > 1 => format!("{code}{}", k + 1),
        _ => code.to_owned(),
    }
}

/// Text safe inside a Mermaid message or note: `;` ends a statement and `#` starts an entity,
/// and `<` `>` would be read as HTML, so they are written as entities.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text from a scenario (its name, description, a resident's name) safe in the Markdown
/// around the diagrams: `<` `>` `&` as entities, so a name like `</script><script>` stays text
/// wherever the document is rendered; the marks that open emphasis, code, links or tables
/// backslash-escaped; line breaks as spaces, so a heading stays one line.
fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A scenario's description in the document: its Markdown is kept (authors write `code` and
/// [links] in it), but `<` `>` `&` become entities, so it cannot carry HTML.
fn without_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A Markdown code span holding `s` as it is: fenced by one backtick more than the longest run
/// inside it (CommonMark), on one line. Nothing in a code span is read as HTML.
fn code(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let longest = one_line
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{one_line}{fence}")
    } else {
        format!("{fence} {one_line} {fence}")
    }
}

fn arrow(m: &Message) -> &'static str {
    match m.kind {
        MessageKind::Action => "->>",
        // A lost notice ends in a cross where it would have arrived (issue 8).
        MessageKind::Notice if m.fate == Fate::Lost => "--x",
        MessageKind::Notice => "--)",
        MessageKind::HandOver => "-->>",
    }
}

/// What a notice's label says of its fate: nothing when it simply arrived.
pub(crate) fn fate_suffix(fate: Fate, lang: Lang) -> String {
    let u = ui(lang);
    let word = match fate {
        Fate::Delivered => return String::new(),
        Fate::Lost => u.notices_lost,
        Fate::Redelivered => u.notices_redelivered,
        Fate::Duplicate => u.notices_duplicated,
    };
    format!(" — {word}")
}

/// A message as a Mermaid arrow statement, between the lanes the HTML report draws it between.
fn arrow_line(out: &mut String, r: &ResidentStory, lanes: &[Lane], m: &Message, lang: Lang) {
    let (from, to) = message_lanes(r, m);
    let _ = writeln!(
        out,
        "    {}{}{}: {}",
        lane_id(lanes, &from),
        arrow(m),
        lane_id(lanes, &to),
        text(&message_label(m, lang))
    );
}

fn message_label(m: &Message, lang: Lang) -> String {
    let u = ui(lang);
    match m.kind {
        MessageKind::Action => {
            let (procedure, channel) = m.procedure.expect("an action has a procedure");
            let office = match m.to {
                Party::CallCentre => model::service::Office::CallCentre,
                _ => model::service::Office::ImmigrationBureau,
            };
            format!(
                "{} {} ({})",
                hm(m.sent),
                labels::procedure(procedure).get(lang),
                channel_label(office, procedure, channel, lang)
            )
        }
        MessageKind::Notice => {
            let arrives = if m.delivered.date() == m.sent.date() {
                hm(m.delivered)
            } else {
                m.delivered.format("%m-%d %H:%M").to_string()
            };
            format!(
                "{} {} → {arrives} ({} {}){}",
                m.code.unwrap_or("—"),
                hm(m.sent),
                u.latency,
                labels::duration(m.latency, lang),
                fate_suffix(m.fate, lang)
            )
        }
        MessageKind::HandOver => format!(
            "{} {}",
            hm(m.sent),
            m.card.map(|k| labels::card_kind(k).get(lang)).unwrap_or("")
        ),
    }
}

fn diagram(out: &mut String, r: &ResidentStory, lang: Lang) {
    let u = ui(lang);
    let who = r.person.display();
    let lanes = lanes_of(r);
    let (Some(first), Some(last)) = (lanes.first(), lanes.last()) else {
        return;
    };
    let span = format!("{},{}", lane_id(&lanes, first), lane_id(&lanes, last));
    out.push_str("```mermaid\nsequenceDiagram\n");
    for lane in &lanes {
        // A city hall's head names its municipality on a second line, as in the HTML report.
        let mut name = text(&party_short(lane.party, who, lang));
        if let Some(m) = &lane.municipality {
            name = format!("{name}<br/>{}", text(&labels::municipality(m, lang)));
        }
        let _ = writeln!(out, "    participant {} as {name}", lane_id(&lanes, lane));
    }
    let mut prev_flags = DayFlags::default();
    let mut g = 0;
    for flags in &r.days {
        let Some(day) = flags.day else { continue };
        let from = g;
        while g < r.groups.len() && r.groups[g].at.date() <= day {
            g += 1;
        }
        let groups = &r.groups[from..g];
        let notes = transitions(&prev_flags, flags, lang);
        prev_flags = *flags;
        if groups.is_empty() && notes.is_empty() {
            continue;
        }
        let mut heading = day_heading(day, lang);
        if !groups.is_empty() && groups.iter().all(|x| x.trigger == Trigger::Start) {
            heading = format!("{heading} — {}", u.starting_state);
        }
        let _ = writeln!(out, "    Note over {span}: {}", text(&heading));
        for group in groups {
            let office = lane_id(&lanes, &event_lane(r, group.events.start));
            if let Trigger::Resident { .. } = group.trigger
                && let Some(m) = r
                    .messages
                    .iter()
                    .find(|m| m.kind == MessageKind::Action && m.event == group.events.start)
            {
                arrow_line(out, r, &lanes, m, lang);
            }
            let lines: Vec<String> = group
                .events
                .clone()
                .filter(|i| !shown_in_heading(group, &r.events[*i].event))
                .map(|i| {
                    let e = &r.events[i].event;
                    let rule = e.section().map(|x| format!(" [{x}]")).unwrap_or_default();
                    text(&format!("{}{rule}", labels::event_type(e).get(lang)))
                })
                .collect();
            let time = if group.trigger == Trigger::Start {
                String::new()
            } else {
                format!("{} ", hm(group.at))
            };
            if !lines.is_empty() {
                let _ = writeln!(out, "    Note over {office}: {time}{}", lines.join("<br/>"));
            }
            for i in group.events.clone() {
                for m in r
                    .messages
                    .iter()
                    .filter(|m| m.event == i && m.kind != MessageKind::Action)
                {
                    arrow_line(out, r, &lanes, m, lang);
                }
            }
        }
        for note in notes {
            let _ = writeln!(out, "    Note over R: ⚑ {}", text(note));
        }
    }
    out.push_str("```\n");
}

/// The Markdown document: a heading and a diagram per resident (per regime when comparing),
/// and the rules each diagram cites, linked to docs/domain.md.
pub fn render(stories: &[Story], lang: Lang) -> String {
    let mut out = String::new();
    let Some(first) = stories.first() else {
        return out;
    };
    let u = ui(lang);
    let _ = writeln!(out, "# {}\n", markdown(first.title.get(lang)));
    let source = code(&first.source);
    let _ = writeln!(
        out,
        "{}\n",
        run_line(first, &regimes(stories, lang), &source, lang)
    );
    let description = first.description.get(lang);
    if !description.is_empty() {
        for line in description.lines() {
            let _ = writeln!(out, "> {}", without_html(line));
        }
        out.push('\n');
    }
    for story in stories {
        for r in &story.residents {
            let _ = writeln!(
                out,
                "## {} — {}\n",
                markdown(&resident_title(r)),
                labels::regime_short(story.regime()).get(lang)
            );
            diagram(&mut out, r, lang);
            let cited = cited(r);
            if !cited.is_empty() {
                let links: Vec<String> = cited
                    .iter()
                    .map(|c| format!("[{} {}]({})", c.mark(), c.title(lang), c.link()))
                    .collect();
                let _ = writeln!(out, "\n{}: {}\n", u.rules_cited, links.join(" · "));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{code, markdown, without_html};

    #[test]
    fn scenario_text_cannot_become_html_or_markdown() {
        assert_eq!(
            markdown("</script><script>alert(1)</script>"),
            "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(markdown("[x](y) `z`\n*h*"), "\\[x\\](y) \\`z\\` \\*h\\*");
        assert_eq!(markdown("Li Mei 李 — 1.5"), "Li Mei 李 — 1.5");
        assert_eq!(code("runs/x.db"), "`runs/x.db`");
        assert_eq!(without_html("`a` <b>&"), "`a` &lt;b&gt;&amp;");
        assert_eq!(code("a`b``c\nd"), "``` a`b``c d ```");
    }
}
