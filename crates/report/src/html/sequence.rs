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
use crate::lanes::{Lane, event_lane, message_lanes};
use crate::phrases::{date_hm, day_heading, hm, party_name, party_short};
use crate::story::{Fate, Message, MessageKind, ResidentStory};

/// Vertical room above and below each drawn stretch, the height of a cut, and the target
/// height of all stretches together.
const PAD: f64 = 32.0;
const CUT: f64 = 36.0;
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

const LEFT: f64 = 132.0;
const COL: f64 = 184.0;
const HEAD: f64 = 54.0;
/// The size of every text in the diagram, in pixels: the diagram is never drawn smaller than
/// its own size (it scrolls instead), so this is the size on the screen, and 14 px is the
/// least a projected report may use.
const FONT: f64 = 14.0;
/// The height of a label's box.
const LINE: f64 = 19.0;

fn column(lanes: &[Lane], lane: &Lane) -> f64 {
    let k = lanes.iter().position(|x| x == lane).unwrap_or(0);
    LEFT + COL * k as f64 + COL / 2.0
}

/// How wide a text is drawn, in pixels, estimated on the safe side: the diagram places labels
/// before any font is at hand (the browser test measures the real boxes).
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| match unicode_width::UnicodeWidthChar::width(c) {
            Some(2) => FONT,
            _ if c.is_ascii_uppercase() => FONT * 0.72,
            _ => FONT * 0.62,
        })
        .sum::<f64>()
        + 6.0
}

/// A label's box: centre x, baseline y, width.
#[derive(Clone, Copy)]
struct LabelBox {
    x: f64,
    y: f64,
    w: f64,
}

impl LabelBox {
    fn overlaps(&self, o: &LabelBox) -> bool {
        (self.x - o.x).abs() * 2.0 < self.w + o.w && (self.y - o.y).abs() < LINE
    }
}

/// Places a label of width `w` near the point `at(t)` of its arrow: the middle first, then
/// further along the arrow, then above and below, at the first place where it overlaps no
/// label already placed. Messages that share a minute would otherwise write over each other.
fn place_label(placed: &mut Vec<LabelBox>, w: f64, at: impl Fn(f64) -> (f64, f64)) -> (f64, f64) {
    let along = [0.5, 0.34, 0.66, 0.22, 0.78];
    let mut fallback = None;
    for step in 0..12 {
        let dy = -5.0 - LINE * f64::from(step / 2) * if step % 2 == 0 { 1.0 } else { -1.0 };
        for t in along {
            let (x, y) = at(t);
            let b = LabelBox { x, y: y + dy, w };
            fallback.get_or_insert(b);
            if !placed.iter().any(|p| p.overlaps(&b)) {
                placed.push(b);
                return (b.x, b.y);
            }
        }
    }
    let b = fallback.unwrap_or(LabelBox { x: 0.0, y: 0.0, w });
    placed.push(b);
    (b.x, b.y)
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
            "{} · {}{}",
            m.code.unwrap_or("—"),
            labels::duration(m.latency, lang),
            crate::mermaid::fate_suffix(m.fate, lang)
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
        lanes,
        axis,
        lang,
        ..
    } = panel;
    let u = ui(lang);
    let width = LEFT + COL * lanes.len() as f64 + 12.0;
    let height = axis.bottom + 16.0;
    let _ = writeln!(
        out,
        r#"<svg class="seq" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" aria-label="{}">"#,
        esc(u.sequence)
    );
    // Cuts, midnights and times on the left.
    out.push_str(r#"<g class="axis">"#);
    // Where the midnights' dates are written: an event's time on one of those lines (an
    // office's timer at the start of a day) is left to the date.
    let mut midnights: Vec<f64> = Vec::new();
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
            s.y0 - 16.0,
            esc(&day_heading(s.start.date(), lang))
        );
        let mut day = s.start.date();
        while let Some(next) = day.succ_opt() {
            let midnight = start_of_day(next);
            if midnight > s.end {
                break;
            }
            let y = axis.y(midnight);
            midnights.push(y);
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
        let on_a_date = midnights.iter().any(|m| (y - m).abs() < LINE);
        if y - last_y >= LINE && !on_a_date {
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
    // Participants and lifelines; a city hall's head names its municipality.
    let who = r.person.display();
    for lane in lanes {
        let x = column(lanes, lane);
        let name = party_short(lane.party, who, lang);
        let text = match &lane.municipality {
            Some(m) => format!(
                r#"<text class="head" x="{x:.1}" y="27">{}</text><text class="head" x="{x:.1}" y="46">{}</text>"#,
                esc(&name),
                esc(&labels::municipality(m, lang))
            ),
            None => format!(
                r#"<text class="head" x="{x:.1}" y="36">{}</text>"#,
                esc(&name)
            ),
        };
        let _ = write!(
            out,
            r#"<g class="party {}"><line class="life" x1="{x:.1}" x2="{x:.1}" y1="{HEAD:.0}" y2="{:.1}"/><rect x="{:.1}" y="4" width="{:.0}" height="{:.0}" rx="5"/>{text}</g>"#,
            party_class(lane.party),
            axis.bottom,
            x - COL / 2.0 + 8.0,
            COL - 16.0,
            HEAD - 8.0,
        );
    }
    out.push('\n');
    // Events as dots on the lifeline of the office that recorded them.
    let mut seen: Vec<(Lane, SimTime, usize)> = Vec::new();
    for (i, env) in r.events.iter().enumerate() {
        let lane = event_lane(r, i);
        let k = match seen
            .iter_mut()
            .find(|(q, t, _)| *q == lane && *t == env.occurred_at)
        {
            Some(entry) => {
                entry.2 += 1;
                entry.2
            }
            None => {
                seen.push((lane.clone(), env.occurred_at, 0));
                0
            }
        };
        let x = column(lanes, &lane) + 6.0 * k.min(6) as f64;
        let y = axis.y(env.occurred_at);
        let text = describe(&env.event, lang);
        let _ = writeln!(
            out,
            r#"<circle class="ev {}" data-step="{}" cx="{x:.1}" cy="{y:.1}" r="4.5"><title>{} · {}</title></circle>"#,
            party_class(lane.party),
            panel.step(i),
            esc(&date_hm(env.occurred_at)),
            esc(&text)
        );
    }
    // Messages, their labels placed clear of each other.
    let mut same: Vec<((usize, usize, SimTime, SimTime), usize)> = Vec::new();
    let mut placed: Vec<LabelBox> = Vec::new();
    for m in &r.messages {
        let (from, to) = message_lanes(r, m);
        let (cf, ct) = (
            lanes.iter().position(|l| *l == from).unwrap_or(0),
            lanes.iter().position(|l| *l == to).unwrap_or(0),
        );
        let key = (cf.min(ct), cf.max(ct), m.sent, m.delivered);
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
        let (x1, y1) = (column(lanes, &from), axis.y(m.sent));
        let (x2, y2) = (column(lanes, &to), axis.y(m.delivered));
        let label = message_short(m, lang);
        let w = text_width(&label);
        let (d, (lx, ly)) = if from == to {
            let bow = 56.0 + 16.0 * k as f64;
            let (c1, c2) = (x1 + bow, x2 + bow);
            let at = |t: f64| {
                let u = 1.0 - t;
                (
                    u * u * u * x1 + 3.0 * u * u * t * c1 + 3.0 * u * t * t * c2 + t * t * t * x2,
                    u * u * u * y1 + 3.0 * u * u * t * y1 + 3.0 * u * t * t * y2 + t * t * t * y2,
                )
            };
            (
                format!("M{x1:.1} {y1:.1} C{c1:.1} {y1:.1} {c2:.1} {y2:.1} {x2:.1} {y2:.1}"),
                place_label(&mut placed, w, |t| {
                    let (x, y) = at(t);
                    (x + w / 2.0, y + 5.0)
                }),
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
            let (cx, cy) = (mx + nx * 2.0 * off, my + ny * 2.0 * off);
            let at = |t: f64| {
                let q = |a: f64, c: f64, b: f64| {
                    (1.0 - t) * (1.0 - t) * a + 2.0 * (1.0 - t) * t * c + t * t * b
                };
                (q(x1, cx, x2), q(y1, cy, y2))
            };
            let d = if off == 0.0 {
                format!("M{x1:.1} {y1:.1} L{x2:.1} {y2:.1}")
            } else {
                format!("M{x1:.1} {y1:.1} Q{cx:.1} {cy:.1} {x2:.1} {y2:.1}")
            };
            (d, place_label(&mut placed, w, at))
        };
        let _ = writeln!(
            out,
            r#"<g class="msg m-{kind} fate-{fate}" data-seq="{}" data-step="{}" data-kind="{kind}" data-from="{}" data-to="{}" data-sent="{}" data-delivered="{}" data-latency-minutes="{}"{}><title>{}</title><path d="{d}" marker-end="url(#ah-{marker})"/><text x="{lx:.1}" y="{ly:.1}">{}</text></g>"#,
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
            esc(&label),
            kind = m.kind.as_str(),
            fate = m.fate.as_str(),
            marker = if m.fate == Fate::Lost {
                "lost"
            } else {
                m.kind.as_str()
            },
        );
    }
    let _ = writeln!(
        out,
        r#"<line class="now now-y" x1="0" x2="{width:.0}" y1="0" y2="0"/></svg>"#
    );
}
