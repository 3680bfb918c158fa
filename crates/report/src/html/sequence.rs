//! The sequence diagram of one panel, as SVG: the parties' lifelines left to right, simulated
//! time downwards, an arrow per message from (sender, sending time) to (receiver, delivery
//! time), so that a notice slopes with its latency, and a dot per event on the lifeline of the
//! office that recorded it. Idle stretches are cut out of the time axis ([`Axis`]); inside a
//! stretch one scale holds for every arrow.

use std::fmt::Write;

use chrono::Duration;
use model::time::{SimTime, start_of_day};

use super::{Panel, esc, iso, party_class};
use crate::describe::describe;
use crate::labels::{self, Lang, ui};
use crate::phrases::{date_hm, day_heading, hm, party_name, party_short};
use crate::story::{Message, MessageKind, Party, ResidentStory};

/// Vertical room above and below each drawn stretch, the height of a cut, and the target
/// height of all stretches together.
const PAD: f64 = 24.0;
const CUT: f64 = 34.0;
const TARGET: f64 = 760.0;
/// Bounds of the scale, in pixels per minute: 12 px per hour at most, so a short latency
/// is visibly sloped without a day-long one growing huge; at least 0.5 px per hour.
const MAX_SCALE: f64 = 12.0 / 60.0;
const MIN_SCALE: f64 = 0.5 / 60.0;
/// Moments closer than this are drawn in one stretch, to scale.
const JOIN_MINUTES: i64 = 6 * 60;

#[derive(Debug, Clone, Copy)]
struct Stretch {
    start: SimTime,
    end: SimTime,
    /// The y of `start`.
    y0: f64,
}

#[derive(Debug, Clone)]
pub(super) struct Axis {
    stretches: Vec<Stretch>,
    /// Pixels per minute.
    scale: f64,
    pub(super) bottom: f64,
}

impl Axis {
    /// An axis covering every moment in `spans` (events as empty spans, messages from sending
    /// to delivery), starting below the parties' heads.
    pub(super) fn new(mut spans: Vec<(SimTime, SimTime)>) -> Axis {
        let top = HEAD + 8.0;
        spans.sort();
        let mut merged: Vec<(SimTime, SimTime)> = Vec::new();
        for (a, b) in spans {
            match merged.last_mut() {
                Some(last) if a <= last.1 + Duration::minutes(JOIN_MINUTES) => {
                    last.1 = last.1.max(b)
                }
                _ => merged.push((a, b)),
            }
        }
        let minutes: i64 = merged.iter().map(|(a, b)| (*b - *a).num_minutes()).sum();
        let scale = if minutes == 0 {
            MAX_SCALE
        } else {
            (TARGET / minutes as f64).clamp(MIN_SCALE, MAX_SCALE)
        };
        let mut y = top;
        let mut stretches = Vec::new();
        for (k, (a, b)) in merged.iter().enumerate() {
            if k > 0 {
                y += CUT;
            }
            y += PAD;
            stretches.push(Stretch {
                start: *a,
                end: *b,
                y0: y,
            });
            y += (*b - *a).num_minutes() as f64 * scale + PAD;
        }
        Axis {
            stretches,
            scale,
            bottom: y,
        }
    }

    pub(super) fn y(&self, t: SimTime) -> f64 {
        let mut best = self.stretches.first();
        for s in &self.stretches {
            if t >= s.start {
                best = Some(s);
            }
        }
        match best {
            Some(s) => s.y0 + (t - s.start).num_minutes() as f64 * self.scale,
            None => self.bottom,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The diagram.

const LEFT: f64 = 104.0;
const COL: f64 = 160.0;
const HEAD: f64 = 44.0;

fn column(parties: &[Party], p: Party) -> f64 {
    let k = parties.iter().position(|x| *x == p).unwrap_or(0);
    LEFT + COL * k as f64 + COL / 2.0
}

/// How far (in pixels, sideways) the k-th of several arrows with the same ends bulges.
fn bulge(k: usize) -> f64 {
    let n = k.div_ceil(2) as f64 * 16.0;
    if k % 2 == 1 { -n } else { n }
}

fn message_short(m: &Message, lang: Lang) -> String {
    match m.kind {
        MessageKind::Action => m
            .procedure
            .map(|(p, _)| labels::procedure(p).get(lang).to_owned())
            .unwrap_or_default(),
        MessageKind::Notice => format!(
            "{} · {}",
            m.code.unwrap_or("—"),
            labels::duration(m.latency, lang)
        ),
        MessageKind::HandOver => m
            .card
            .map(|k| labels::card_kind(k).get(lang).to_owned())
            .unwrap_or_default(),
    }
}

fn message_title(r: &ResidentStory, m: &Message, lang: Lang) -> String {
    let u = ui(lang);
    let who = r.person.display();
    let head = format!(
        "{} → {}",
        party_name(m.from, who, lang),
        party_name(m.to, who, lang)
    );
    match m.kind {
        MessageKind::Action => format!("{head}: {} · {}", message_short(m, lang), date_hm(m.sent)),
        MessageKind::Notice => format!(
            "{head}: {} {} — {} {} → {} {} ({} {})",
            m.code.unwrap_or("—"),
            labels::event_type(&r.events[m.event].event).get(lang),
            u.sent,
            date_hm(m.sent),
            u.arrives,
            date_hm(m.delivered),
            u.latency,
            labels::duration(m.latency, lang)
        ),
        MessageKind::HandOver => {
            format!("{head}: {} · {}", message_short(m, lang), date_hm(m.sent))
        }
    }
}

/// The sequence diagram of a panel.
pub(super) fn sequence_svg(out: &mut String, panel: &Panel) {
    let &Panel {
        r,
        parties,
        axis,
        lang,
        ..
    } = panel;
    let u = ui(lang);
    let width = LEFT + COL * parties.len() as f64 + 12.0;
    let height = axis.bottom + 16.0;
    let _ = writeln!(
        out,
        r#"<svg class="seq" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" aria-label="{}">"#,
        esc(u.sequence)
    );
    // Cuts, midnights and times on the left.
    out.push_str(r#"<g class="axis">"#);
    for (k, s) in axis.stretches.iter().enumerate() {
        if k > 0 {
            let prev = axis.stretches[k - 1];
            let top = axis.y(prev.end) + PAD;
            let gap = s.start - prev.end;
            let text = if gap >= Duration::days(1) {
                let n = gap.num_days();
                format!("⋯ {n} {} {}", if n == 1 { u.day } else { u.days }, u.later)
            } else {
                format!("⋯ {} h {}", gap.num_hours(), u.later)
            };
            let _ = write!(
                out,
                r#"<rect class="cut" x="0" y="{top:.1}" width="{width:.0}" height="{CUT:.0}"/><text class="cut" x="8" y="{:.1}">{}</text>"#,
                top + CUT / 2.0 + 4.0,
                esc(&text)
            );
        }
        let _ = write!(
            out,
            r#"<text class="date" x="6" y="{:.1}">{}</text>"#,
            s.y0 - 8.0,
            esc(&day_heading(s.start.date(), lang))
        );
        let mut day = s.start.date();
        while let Some(next) = day.succ_opt() {
            let midnight = start_of_day(next);
            if midnight > s.end {
                break;
            }
            let y = axis.y(midnight);
            let _ = write!(
                out,
                r#"<line class="midnight" x1="0" x2="{width:.0}" y1="{y:.1}" y2="{y:.1}"/><text class="date" x="6" y="{:.1}">{}</text>"#,
                y - 3.0,
                esc(&day_heading(next, lang))
            );
            day = next;
        }
    }
    // Times of the events, skipping labels that would overlap.
    let mut last_y = f64::NEG_INFINITY;
    let mut times: Vec<SimTime> = r.events.iter().map(|e| e.occurred_at).collect();
    times.extend(r.messages.iter().map(|m| m.delivered));
    times.sort();
    times.dedup();
    for t in times {
        let y = axis.y(t);
        if y - last_y >= 12.0 {
            let _ = write!(
                out,
                r#"<text class="time" x="{:.0}" y="{:.1}">{}</text>"#,
                LEFT - 8.0,
                y + 4.0,
                hm(t)
            );
            last_y = y;
        }
    }
    out.push_str("</g>\n");
    // Participants and lifelines.
    let who = r.person.display();
    for party in parties {
        let x = column(parties, *party);
        let _ = write!(
            out,
            r#"<g class="party {}"><line class="life" x1="{x:.1}" x2="{x:.1}" y1="{HEAD:.0}" y2="{:.1}"/><rect x="{:.1}" y="6" width="{:.0}" height="{:.0}" rx="5"/><text class="head" x="{x:.1}" y="30">{}</text></g>"#,
            party_class(*party),
            axis.bottom,
            x - COL / 2.0 + 8.0,
            COL - 16.0,
            HEAD - 12.0,
            esc(&party_short(*party, who, lang))
        );
    }
    out.push('\n');
    // Events as dots on the lifeline of the office that recorded them.
    let mut seen: Vec<(Party, SimTime, usize)> = Vec::new();
    for (i, env) in r.events.iter().enumerate() {
        let party = Party::of_service(env.service);
        let k = match seen
            .iter_mut()
            .find(|(q, t, _)| *q == party && *t == env.occurred_at)
        {
            Some(entry) => {
                entry.2 += 1;
                entry.2
            }
            None => {
                seen.push((party, env.occurred_at, 0));
                0
            }
        };
        let x = column(parties, party) + 6.0 * k.min(6) as f64;
        let y = axis.y(env.occurred_at);
        let text = describe(&env.event, lang);
        let _ = writeln!(
            out,
            r#"<circle class="ev {}" data-step="{}" cx="{x:.1}" cy="{y:.1}" r="4.5"><title>{} · {}</title></circle>"#,
            party_class(party),
            panel.step(i),
            esc(&date_hm(env.occurred_at)),
            esc(&text)
        );
    }
    // Messages.
    let mut same: Vec<((Party, Party, SimTime, SimTime), usize)> = Vec::new();
    for m in &r.messages {
        let (a, b) = if m.from <= m.to {
            (m.from, m.to)
        } else {
            (m.to, m.from)
        };
        let key = (a, b, m.sent, m.delivered);
        let k = match same.iter_mut().find(|(x, _)| *x == key) {
            Some(entry) => {
                entry.1 += 1;
                entry.1
            }
            None => {
                same.push((key, 0));
                0
            }
        };
        let (x1, y1) = (column(parties, m.from), axis.y(m.sent));
        let (x2, y2) = (column(parties, m.to), axis.y(m.delivered));
        let (d, lx, ly) = if m.from == m.to {
            let w = 56.0 + 16.0 * k as f64;
            (
                format!(
                    "M{x1:.1} {y1:.1} C{:.1} {y1:.1} {:.1} {y2:.1} {x2:.1} {y2:.1}",
                    x1 + w,
                    x2 + w
                ),
                x1 + w * 0.75 + 4.0,
                (y1 + y2) / 2.0,
            )
        } else {
            let off = bulge(k);
            let (dx, dy) = (x2 - x1, y2 - y1);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            // The normal, turned so that a positive bulge goes up the page.
            let (nx, ny) = (dy / len, -dx / len);
            let (nx, ny) = if ny > 0.0 || (ny == 0.0 && nx < 0.0) {
                (-nx, -ny)
            } else {
                (nx, ny)
            };
            let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
            if off == 0.0 {
                (format!("M{x1:.1} {y1:.1} L{x2:.1} {y2:.1}"), mx, my - 5.0)
            } else {
                let (cx, cy) = (mx + nx * 2.0 * off, my + ny * 2.0 * off);
                // The label sits on the curve, moved along it so that the labels of
                // neighbouring curves do not overlap.
                let t = 0.5 + if off < 0.0 { -0.13 } else { 0.13 } * (k.div_ceil(2) as f64);
                let t = t.clamp(0.15, 0.85);
                let q = |a: f64, c: f64, b: f64| {
                    (1.0 - t) * (1.0 - t) * a + 2.0 * (1.0 - t) * t * c + t * t * b
                };
                (
                    format!("M{x1:.1} {y1:.1} Q{cx:.1} {cy:.1} {x2:.1} {y2:.1}"),
                    q(x1, cx, x2),
                    q(y1, cy, y2) - 5.0,
                )
            }
        };
        let _ = writeln!(
            out,
            r#"<g class="msg m-{kind}" data-seq="{}" data-step="{}" data-kind="{kind}" data-from="{}" data-to="{}" data-sent="{}" data-delivered="{}" data-latency-minutes="{}"{}><title>{}</title><path d="{d}" marker-end="url(#ah-{kind})"/><text x="{lx:.1}" y="{ly:.1}">{}</text></g>"#,
            m.seq,
            panel.step(m.event),
            party_class(m.from),
            party_class(m.to),
            iso(m.sent),
            iso(m.delivered),
            m.latency.as_minutes(),
            m.code
                .map(|c| format!(r#" data-code="{c}""#))
                .unwrap_or_default(),
            esc(&message_title(r, m, lang)),
            esc(&message_short(m, lang)),
            kind = m.kind.as_str(),
        );
    }
    let _ = writeln!(
        out,
        r#"<line class="now now-y" x1="0" x2="{width:.0}" y1="0" y2="0"/></svg>"#
    );
}
