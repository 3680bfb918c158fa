//! The list of one panel's events, day by day and group by group: what each office did, the
//! rule behind it linked to its section of docs/domain.md, the notices it sent, and the card
//! record after it (shown for the current step). Each item carries the step, the caption and
//! the positions the script needs to mark the current moment in the drawings.

use std::fmt::Write;

use super::{Panel, esc, iso, party_class};
use crate::describe::describe;
use crate::labels::{self, Lang, ui};
use crate::phrases::{date_hm, day_heading, group_heading, hm, message_note, record_summary};
use crate::sections::citations;
use crate::story::{MessageKind, Party, Trigger};

fn rule_links(rule: &str, lang: Lang) -> String {
    // Each `§5.4`-like token becomes a link to its section (`§16.6` to §16, which has the
    // heading); the rest of the text (`N4`, commas) stays as it is.
    let mut out = String::new();
    let mut rest = rule;
    while let Some(at) = rest.find('§') {
        out.push_str(&esc(&rest[..at]));
        let after = &rest[at + '§'.len_utf8()..];
        let len = after
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(after.len());
        let token = after[..len].trim_end_matches('.');
        let mark = format!("§{token}");
        match citations(&mark).into_iter().next() {
            Some(c) => {
                let _ = write!(
                    out,
                    r##"<a href="#{}" title="{}">{}</a>"##,
                    c.note_id(),
                    esc(&format!(
                        "{} {}{}{}",
                        c.mark(),
                        c.title(lang),
                        ui(lang).colon,
                        c.rule_text(lang)
                    )),
                    esc(&mark)
                );
            }
            None => out.push_str(&esc(&mark)),
        }
        rest = &after[token.len()..];
    }
    out.push_str(&esc(rest));
    out
}

/// The list of a panel's events.
pub(super) fn event_list(out: &mut String, panel: &Panel) {
    let &Panel {
        story,
        r,
        axis,
        span,
        lang,
        compare,
        ..
    } = panel;
    let u = ui(lang);
    let switch = story.policy.switches.validity.special_period_my_number;
    let _ = writeln!(out, r#"<ol class="events">"#);
    let mut last_day = None;
    for g in &r.groups {
        let first_step = panel.step(g.events.start);
        let day = g.at.date();
        if last_day != Some(day) {
            last_day = Some(day);
            let heading = if g.trigger == Trigger::Start {
                format!("{} — {}", day_heading(day, lang), u.starting_state)
            } else {
                day_heading(day, lang)
            };
            let _ = writeln!(
                out,
                r#"<li class="day" data-step="{first_step}">{}</li>"#,
                esc(&heading)
            );
        }
        let time = if g.trigger == Trigger::Start {
            String::new()
        } else {
            format!(r#"<span class="t">{}</span> "#, hm(g.at))
        };
        let _ = writeln!(
            out,
            r#"<li class="grp {}" data-step="{first_step}">{time}{}</li>"#,
            party_class(Party::of_service(g.service)),
            esc(&group_heading(r, g, lang))
        );
        for i in g.events.clone() {
            let env = &r.events[i];
            let text = describe(&env.event, lang);
            let office = labels::service(env.service).get(lang);
            let caption = format!(
                "{}{} · {} · {}",
                if compare {
                    format!("{} · ", labels::regime_short(story.regime()).get(lang))
                } else {
                    String::new()
                },
                date_hm(env.occurred_at),
                office,
                text
            );
            let _ = write!(
                out,
                r#"<li class="event {}" data-step="{}" data-seq="{}" data-t="{}" data-y="{:.1}" data-x="{:.1}" data-caption="{}"><span class="s">{}</span>"#,
                party_class(Party::of_service(env.service)),
                panel.step(i),
                env.global_seq,
                iso(env.occurred_at),
                axis.y(env.occurred_at),
                span.x(env.occurred_at),
                esc(&caption),
                esc(&text)
            );
            if let Some(rule) = env.event.section() {
                let _ = write!(
                    out,
                    r#" <span class="rule">[{}]</span>"#,
                    rule_links(rule, lang)
                );
            }
            let notes: Vec<String> = r
                .messages
                .iter()
                .filter(|m| m.event == i && m.kind != MessageKind::Action)
                .map(|m| format!("<li>{}</li>", esc(&message_note(r, m, lang))))
                .collect();
            if !notes.is_empty() {
                let _ = write!(out, r#"<ul class="notes">{}</ul>"#, notes.concat());
            }
            out.push_str(r#"<table class="after">"#);
            for (k, v) in record_summary(&r.after[i], env.occurred_at.date(), switch, lang) {
                let _ = write!(out, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(&v));
            }
            out.push_str("</table></li>\n");
        }
    }
    out.push_str("</ol>\n");
}
