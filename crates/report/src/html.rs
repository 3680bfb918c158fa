//! The HTML report: one self-contained offline file (inline CSS, JavaScript and SVG; nothing is
//! fetched, and a Content-Security-Policy forbids fetching) for a teacher to step through a run.
//!
//! It holds, per resident: a sequence diagram drawn as SVG whose vertical axis is simulated
//! time, so that a notice sent at t and delivered at t + latency is drawn from (sender, t) to
//! (receiver, t + latency) and slopes with its latency (Mermaid cannot do this); a card-state
//! timeline showing when each office's view changed, with the stretches where the bureau and the
//! city hall disagreed shaded; the list of events; and the measures. Step-forward / step-back
//! buttons (and the arrow keys) reveal the run one event at a time. With two runs (both regimes)
//! the panels stand side by side on one time scale, and stepping walks both in time order.
//!
//! Idle stretches of time are cut out of the vertical axis (and marked as cuts); inside each
//! stretch that is drawn, one scale (pixels per hour) holds for every arrow, so slopes compare.
//! Testable hooks: every arrow is a `<g class="msg" data-seq=…>`, every event a
//! `<li class="event" data-step=…>`, the controls are `#prev`, `#next`, `#first`, `#last`.

use std::fmt::Write;

use chrono::{Duration, NaiveDate};
use model::time::{SimTime, start_of_day};

use crate::describe::describe;
use crate::labels::{self, Lang, ui};
use crate::phrases::{
    change_text, cited, date_hm, day_heading, group_heading, hm, measure_rows, message_note,
    party_name, party_short, record_summary, resident_measures, resident_title, section_order,
};
use crate::sections::citations;
use crate::story::{Message, MessageKind, Party, ResidentStory, Row, Story, Trigger};

/// HTML-escapes text for element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn party_class(p: Party) -> &'static str {
    match p {
        Party::Resident => "p-res",
        Party::Police => "p-pol",
        Party::CallCentre => "p-cc",
        Party::ImmigrationBureau => "p-ib",
        Party::CityHall => "p-ch",
        Party::CardIssuer => "p-jl",
    }
}

fn iso(t: SimTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

// ---------------------------------------------------------------------------------------------
// The time axis of a sequence diagram.

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
struct Axis {
    stretches: Vec<Stretch>,
    /// Pixels per minute.
    scale: f64,
    bottom: f64,
}

impl Axis {
    /// An axis covering every moment in `spans` (events as empty spans, messages from sending
    /// to delivery), starting at `top`.
    fn new(mut spans: Vec<(SimTime, SimTime)>, top: f64) -> Axis {
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

    fn y(&self, t: SimTime) -> f64 {
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
// Steps: every event of every panel, in time order.

struct Steps {
    /// `index[panel][resident][event]` is the event's step.
    index: Vec<Vec<Vec<usize>>>,
    count: usize,
    /// The step shown first: the last event of the starting state.
    initial: usize,
}

impl Steps {
    fn new(stories: &[Story]) -> Steps {
        let mut all = Vec::new();
        for (p, s) in stories.iter().enumerate() {
            for (r, rs) in s.residents.iter().enumerate() {
                for (i, e) in rs.events.iter().enumerate() {
                    all.push((e.occurred_at, p, e.global_seq, r, i));
                }
            }
        }
        all.sort();
        let mut index: Vec<Vec<Vec<usize>>> = stories
            .iter()
            .map(|s| {
                s.residents
                    .iter()
                    .map(|r| vec![0; r.events.len()])
                    .collect()
            })
            .collect();
        let mut initial = 0;
        let mut in_start = true;
        for (step, (_, p, _, r, i)) in all.iter().enumerate() {
            index[*p][*r][*i] = step;
            let rs = &stories[*p].residents[*r];
            let start = rs.groups[rs.group_of[*i]].trigger == Trigger::Start;
            if in_start && start {
                initial = step;
            } else {
                in_start = false;
            }
        }
        Steps {
            index,
            count: all.len(),
            initial,
        }
    }

    /// The last step of `r` at or before `t` (0 if none): when something that begins at `t`
    /// (a shaded day) becomes visible.
    fn at(&self, p: usize, ri: usize, r: &ResidentStory, t: SimTime) -> usize {
        r.events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.occurred_at <= t)
            .map(|(i, _)| self.index[p][ri][i])
            .max()
            .unwrap_or(0)
    }
}

// ---------------------------------------------------------------------------------------------
// Sequence diagram.

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
        MessageKind::Notice => format!("{} · {}", m.code.unwrap_or("—"), m.latency),
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
            m.latency
        ),
        MessageKind::HandOver => {
            format!("{head}: {} · {}", message_short(m, lang), date_hm(m.sent))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn sequence_svg(
    out: &mut String,
    steps: &Steps,
    p: usize,
    ri: usize,
    r: &ResidentStory,
    parties: &[Party],
    axis: &Axis,
    lang: Lang,
) {
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
            steps.index[p][ri][i],
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
            steps.index[p][ri][m.event],
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

// ---------------------------------------------------------------------------------------------
// Card-state timeline.

const TL_LEFT: f64 = 118.0;
const TL_WIDTH: f64 = 760.0;
const TL_ROW: f64 = 30.0;
const TL_TOP: f64 = 26.0;

/// The horizontal axis of a timeline: whole days, left to right. Days on which something
/// happens (an event, or a measure starting or stopping) are drawn wide, the others narrow, so
/// that a day-long disagreement stays visible in a half-year run; within a day, time is linear.
#[derive(Debug, Clone)]
struct Span {
    start: NaiveDate,
    /// Left edge of each day, and the right edge of the last.
    edges: Vec<f64>,
}

impl Span {
    fn new(start: NaiveDate, until: NaiveDate, active: &[NaiveDate]) -> Span {
        let n = (until - start).num_days().max(0) as usize + 1;
        let wide_days: Vec<bool> = (0..n)
            .map(|k| active.contains(&(start + Duration::days(k as i64))))
            .collect();
        let n_wide = wide_days.iter().filter(|w| **w).count() as f64;
        let n_narrow = n as f64 - n_wide;
        let narrow = if n_narrow > 0.0 {
            (TL_WIDTH * 0.45 / n_narrow).min(4.0)
        } else {
            0.0
        };
        let wide = if n_wide > 0.0 {
            ((TL_WIDTH - narrow * n_narrow) / n_wide).min(64.0)
        } else {
            0.0
        };
        // Whatever is left over spreads over every day, so the axis fills its width.
        let used = wide * n_wide + narrow * n_narrow;
        let extra = (TL_WIDTH - used).max(0.0) / n as f64;
        let mut edges = Vec::with_capacity(n + 1);
        let mut x = TL_LEFT;
        edges.push(x);
        for w in &wide_days {
            x += if *w { wide } else { narrow } + extra;
            edges.push(x);
        }
        Span { start, edges }
    }

    fn x(&self, t: SimTime) -> f64 {
        let k = (t.date() - self.start).num_days();
        if k < 0 {
            return self.edges[0];
        }
        let k = k as usize;
        if k + 1 >= self.edges.len() {
            return *self.edges.last().unwrap_or(&TL_LEFT);
        }
        let minutes = (t - start_of_day(t.date())).num_minutes() as f64;
        self.edges[k] + (self.edges[k + 1] - self.edges[k]) * minutes / 1440.0
    }
}

/// Runs of consecutive days on which `flag` held.
fn day_runs(
    r: &ResidentStory,
    flag: impl Fn(&crate::story::DayFlags) -> bool,
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for f in &r.days {
        let Some(day) = f.day else { continue };
        if !flag(f) {
            continue;
        }
        match runs.last_mut() {
            Some(last) if last.1.succ_opt() == Some(day) => last.1 = day,
            _ => runs.push((day, day)),
        }
    }
    runs
}

#[allow(clippy::too_many_arguments)]
fn timeline_svg(
    out: &mut String,
    story: &Story,
    steps: &Steps,
    p: usize,
    ri: usize,
    r: &ResidentStory,
    span: &Span,
    lang: Lang,
) {
    let u = ui(lang);
    let width = TL_LEFT + TL_WIDTH + 14.0;
    let height = TL_TOP + TL_ROW * 3.0 + 14.0;
    let row_y = |row: Row| {
        TL_TOP
            + TL_ROW
                * match row {
                    Row::Bureau => 0.0,
                    Row::CityHall => 1.0,
                    Row::Chip => 2.0,
                }
    };
    let _ = writeln!(
        out,
        r#"<svg class="timeline" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" aria-label="{}">"#,
        esc(u.timeline)
    );
    // Dates: the first of each month and the days drawn wide, where there is room.
    let mut day = story.start;
    let mut last_label = f64::NEG_INFINITY;
    loop {
        use chrono::Datelike;
        let x = span.x(start_of_day(day));
        let wide = span.x(start_of_day(day.succ_opt().unwrap_or(day))) - x > 8.0;
        if (day.day() == 1 || day == story.start || wide) && x - last_label >= 34.0 {
            last_label = x;
            let _ = write!(
                out,
                r#"<line class="tick" x1="{x:.1}" x2="{x:.1}" y1="{:.0}" y2="{:.0}"/><text class="tick" x="{:.1}" y="{:.0}">{}</text>"#,
                TL_TOP - 6.0,
                TL_TOP + TL_ROW * 3.0,
                x + 2.0,
                TL_TOP - 10.0,
                day.format("%m-%d")
            );
        }
        match day.succ_opt() {
            Some(d) if d <= story.until => day = d,
            _ => break,
        }
    }
    for row in Row::ALL {
        let label = match row {
            Row::Bureau => u.bureau_view,
            Row::CityHall => u.city_hall_view,
            Row::Chip => u.chip_view,
        };
        let y = row_y(row);
        let _ = write!(
            out,
            r#"<text class="row" x="4" y="{:.1}">{}</text><rect class="row" x="{TL_LEFT:.0}" y="{:.1}" width="{TL_WIDTH:.0}" height="{:.0}"/>"#,
            y + TL_ROW / 2.0 + 4.0,
            esc(label),
            y + 4.0,
            TL_ROW - 8.0
        );
    }
    out.push('\n');
    // Special-period days on the bureau row, outage days on the chip row.
    let shaded = [
        (
            Row::Bureau,
            "special",
            u.legend_special,
            day_runs(r, |f| f.special_period),
        ),
        (
            Row::Chip,
            "outage",
            u.legend_outage,
            day_runs(r, |f| f.outage),
        ),
    ];
    for (row, class, label, runs) in shaded {
        for (a, b) in runs {
            let from = start_of_day(a);
            let to = start_of_day(b.succ_opt().unwrap_or(b));
            let x = span.x(from);
            let days = (b - a).num_days() + 1;
            let _ = writeln!(
                out,
                r#"<rect class="{class}" data-step="{}" x="{x:.1}" y="{:.1}" width="{:.1}" height="{:.0}"><title>{} · {a} – {b} ({days} {})</title></rect>"#,
                steps.at(p, ri, r, from),
                row_y(row) + 4.0,
                (span.x(to) - x).max(1.5),
                TL_ROW - 8.0,
                esc(label),
                u.days
            );
        }
    }
    // Where the bureau and the city hall disagreed, to the minute.
    for d in &r.disagreements {
        let x = span.x(d.from);
        let _ = writeln!(
            out,
            r#"<rect class="disagree" data-step="{}" x="{x:.1}" y="{:.1}" width="{:.1}" height="{:.0}"><title>{} · {} – {}</title></rect>"#,
            steps.index[p][ri][d.event],
            row_y(Row::Bureau) + 1.0,
            (span.x(d.to) - x).max(1.5),
            TL_ROW * 2.0 - 2.0,
            esc(u.legend_disagree),
            esc(&date_hm(d.from)),
            esc(&date_hm(d.to))
        );
    }
    // Each change of a view.
    for c in &r.changes {
        let env = &r.events[c.event];
        let x = span.x(env.occurred_at);
        let _ = writeln!(
            out,
            r#"<circle class="chg" data-step="{}" cx="{x:.1}" cy="{:.1}" r="4"><title>{} · {}: {}</title></circle>"#,
            steps.index[p][ri][c.event],
            row_y(c.row) + TL_ROW / 2.0,
            esc(&date_hm(env.occurred_at)),
            esc(labels::event_type(&env.event).get(lang)),
            esc(&change_text(r, c.row, c.event, lang))
        );
    }
    let _ = writeln!(
        out,
        r#"<line class="now now-x" x1="0" x2="0" y1="{:.0}" y2="{:.0}"/></svg>"#,
        TL_TOP - 4.0,
        TL_TOP + TL_ROW * 3.0
    );
}

// ---------------------------------------------------------------------------------------------
// The event list.

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
                    r#"<a href="{}" title="{}">{}</a>"#,
                    esc(&c.link()),
                    esc(&format!("{} {}", c.mark(), c.title(lang))),
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

#[allow(clippy::too_many_arguments)]
fn event_list(
    out: &mut String,
    story: &Story,
    steps: &Steps,
    p: usize,
    ri: usize,
    r: &ResidentStory,
    axis: &Axis,
    span: &Span,
    lang: Lang,
    compare: bool,
) {
    let u = ui(lang);
    let switch = story.policy.switches.validity.special_period_my_number;
    let _ = writeln!(out, r#"<ol class="events">"#);
    let mut last_day = None;
    for g in &r.groups {
        let first_step = steps.index[p][ri][g.events.start];
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
                steps.index[p][ri][i],
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

// ---------------------------------------------------------------------------------------------
// The page.

const CSS: &str = r#"
:root { --ib: #1f5fa8; --ch: #1d7d4f; --jl: #8a4baf; --res: #b35c00; --pol: #555; --cc: #a0387a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic", sans-serif; color: #1b1b1b; background: #fafaf7; }
header { padding: 14px 22px 4px; background: #fff; }
#bar { padding: 4px 22px 6px; background: #fff; border-bottom: 1px solid #ddd; position: sticky; top: 0; z-index: 2; }
h1 { font-size: 20px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 12px 0 6px; }
h3 { font-size: 15px; margin: 10px 0 4px; }
.meta { color: #555; margin: 0; }
.desc { color: #333; margin: 6px 0 0; white-space: pre-line; max-width: 980px; }
nav#controls { margin-top: 2px; display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
nav button { font: inherit; padding: 3px 12px; border: 1px solid #888; border-radius: 4px; background: #f3f3ef; cursor: pointer; }
nav button:disabled { opacity: .4; cursor: default; }
#pos { font-variant-numeric: tabular-nums; min-width: 7em; text-align: center; }
#caption { margin: 4px 0 0; min-height: 1.4em; font-weight: 600; }
.hint { color: #777; font-size: 12px; }
main { padding: 8px 22px 30px; display: grid; gap: 22px; }
main.n2 { grid-template-columns: 1fr 1fr; }
section.panel { min-width: 0; }
article.resident { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 6px 12px 12px; margin-bottom: 14px; }
.cols { display: flex; gap: 16px; align-items: flex-start; }
main.n2 .cols { flex-direction: column; }
figure { margin: 0; }
figcaption { color: #555; font-size: 12px; margin: 2px 0 4px; }
svg { max-width: 100%; height: auto; font-family: inherit; }
svg text { font-size: 11px; fill: #222; }
svg text.head { font-size: 12px; font-weight: 600; text-anchor: middle; fill: #fff; }
svg text.time { text-anchor: end; fill: #666; font-variant-numeric: tabular-nums; }
svg text.date { font-weight: 600; fill: #333; }
svg text.cut { fill: #777; font-style: italic; }
svg rect.cut { fill: #f1f1ec; stroke: #ccc; stroke-dasharray: 4 3; }
svg line.midnight { stroke: #ccc; stroke-dasharray: 2 4; }
svg line.life { stroke: #bbb; stroke-width: 1.5; }
g.p-res rect { fill: var(--res); } g.p-ib rect { fill: var(--ib); } g.p-ch rect { fill: var(--ch); }
g.p-jl rect { fill: var(--jl); } g.p-pol rect { fill: var(--pol); } g.p-cc rect { fill: var(--cc); }
circle.ev { stroke: #fff; stroke-width: 1.5; }
circle.p-ib { fill: var(--ib); } circle.p-ch { fill: var(--ch); } circle.p-jl { fill: var(--jl); } circle.p-pol { fill: var(--pol); }
g.msg path { fill: none; stroke-width: 1.8; }
g.m-action path { stroke: var(--res); }
g.m-notice path { stroke: #333; stroke-dasharray: 6 3; }
g.m-handover path { stroke: #2a8a2a; }
g.msg text { text-anchor: middle; paint-order: stroke; stroke: #fff; stroke-width: 3px; font-size: 10.5px; }
g.msg.current path { stroke-width: 3.2; }
circle.ev.current { r: 6.5; stroke: #000; }
line.now { stroke: #d33; stroke-width: 1; stroke-dasharray: 3 2; }
svg.timeline rect.row { fill: #f4f4f0; stroke: #ddd; }
svg.timeline text.row { font-weight: 600; }
svg.timeline text.tick { fill: #777; font-size: 10px; }
svg.timeline line.tick { stroke: #ddd; }
rect.disagree { fill: rgba(214, 40, 40, .28); stroke: rgba(214, 40, 40, .7); }
rect.outage { fill: url(#hatch); stroke: rgba(190, 30, 30, .8); }
rect.special { fill: rgba(230, 160, 0, .45); }
circle.chg { fill: #222; stroke: #fff; stroke-width: 1.2; }
circle.chg.current { fill: #d33; r: 5.5; }
.future { display: none; }
ol.events { list-style: none; margin: 0; padding: 0 4px 0 0; max-height: 76vh; overflow: auto; position: relative; min-width: 300px; flex: 1; }
main.n2 ol.events { max-height: 40vh; width: 100%; }
ol.events li.day { font-weight: 700; margin: 10px 0 2px; border-bottom: 1px solid #ddd; }
ol.events li.grp { margin: 6px 0 0; font-weight: 600; color: #333; }
ol.events li.event { margin: 1px 0 1px 14px; padding: 2px 6px; border-left: 3px solid #ccc; }
li.event.p-ib { border-color: var(--ib); } li.event.p-ch { border-color: var(--ch); } li.event.p-jl { border-color: var(--jl); } li.event.p-pol { border-color: var(--pol); }
li.event.current { background: #fff6d8; }
.t { font-variant-numeric: tabular-nums; color: #555; }
.rule a { color: #1f5fa8; }
ul.notes { margin: 0; padding-left: 18px; color: #444; font-size: 13px; }
table.after { display: none; margin: 4px 0 2px; font-size: 12.5px; border-collapse: collapse; }
li.event.current table.after { display: table; }
table.after th { text-align: left; color: #555; padding-right: 10px; vertical-align: top; white-space: nowrap; }
table.measures { border-collapse: collapse; background: #fff; }
table.measures th, table.measures td { border: 1px solid #ddd; padding: 3px 10px; text-align: left; }
table.measures td { font-variant-numeric: tabular-nums; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12px; color: #444; margin: 2px 0 6px; }
.legend span::before { content: ""; display: inline-block; width: 18px; height: 10px; margin-right: 5px; vertical-align: middle; }
.legend .l-action::before { border-top: 2px solid var(--res); height: 0; }
.legend .l-notice::before { border-top: 2px dashed #333; height: 0; }
.legend .l-handover::before { border-top: 2px solid #2a8a2a; height: 0; }
.legend .l-disagree::before { background: rgba(214, 40, 40, .28); }
.legend .l-outage::before { background: repeating-linear-gradient(45deg, rgba(190,30,30,.8) 0 2px, transparent 2px 5px); }
.legend .l-special::before { background: rgba(230, 160, 0, .45); }
.legend .l-change::before { width: 8px; height: 8px; border-radius: 50%; background: #222; }
footer { padding: 0 22px 24px; color: #666; font-size: 12px; }
footer ul { margin: 4px 0; }
"#;

const JS: &str = r#"
(function () {
  "use strict";
  var body = document.body;
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-step]"));
  var stepOf = items.map(function (el) { return Number(el.getAttribute("data-step")); });
  var max = Number(body.getAttribute("data-steps")) - 1;
  var cur = Number(body.getAttribute("data-initial"));
  // A link may open the report at a given event: report.html#step=12.
  var wanted = /^#step=(\d+)$/.exec(window.location.hash);
  if (wanted) { cur = Number(wanted[1]); }
  var pos = document.getElementById("pos");
  var caption = document.getElementById("caption");
  var buttons = {
    first: document.getElementById("first"),
    prev: document.getElementById("prev"),
    next: document.getElementById("next"),
    last: document.getElementById("last")
  };
  function place(article, now) {
    // Panels of the same resident share their time axes, so the current event's moment is
    // marked in each of them; elsewhere the line stays at the last event shown.
    var shown = article.querySelectorAll("li.event:not(.future)");
    var last = shown.length ? shown[shown.length - 1] : null;
    if (now && now.closest("article").getAttribute("data-resident") === article.getAttribute("data-resident")) {
      last = now;
    }
    var ny = article.querySelector("line.now-y");
    var nx = article.querySelector("line.now-x");
    if (ny) {
      ny.style.display = last ? "" : "none";
      if (last) { ny.setAttribute("y1", last.getAttribute("data-y")); ny.setAttribute("y2", last.getAttribute("data-y")); }
    }
    if (nx) {
      nx.style.display = last ? "" : "none";
      if (last) { nx.setAttribute("x1", last.getAttribute("data-x")); nx.setAttribute("x2", last.getAttribute("data-x")); }
    }
  }
  function show(k) {
    if (max < 0) { pos.textContent = "0 / 0"; return; }
    cur = Math.max(0, Math.min(max, k));
    for (var i = 0; i < items.length; i++) {
      items[i].classList.toggle("future", stepOf[i] > cur);
      items[i].classList.toggle("current", stepOf[i] === cur);
    }
    var now = document.querySelector("li.event.current");
    var articles = document.querySelectorAll("article.resident");
    for (var a = 0; a < articles.length; a++) { place(articles[a], now); }
    pos.textContent = (cur + 1) + " / " + (max + 1);
    caption.textContent = now ? now.getAttribute("data-caption") : "";
    buttons.first.disabled = buttons.prev.disabled = cur <= 0;
    buttons.next.disabled = buttons.last.disabled = cur >= max;
    if (now) {
      var list = now.parentNode;
      var top = now.offsetTop - list.clientHeight / 2;
      list.scrollTop = top > 0 ? top : 0;
    }
    body.setAttribute("data-step", String(cur));
  }
  buttons.first.addEventListener("click", function () { show(0); });
  buttons.prev.addEventListener("click", function () { show(cur - 1); });
  buttons.next.addEventListener("click", function () { show(cur + 1); });
  buttons.last.addEventListener("click", function () { show(max); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (keys[e.key]) { show(cur + keys[e.key]); e.preventDefault(); }
    else if (e.key === "Home") { show(0); e.preventDefault(); }
    else if (e.key === "End") { show(max); e.preventDefault(); }
  });
  show(cur);
})();
"#;

/// Markers and patterns shared by every diagram of the page.
const DEFS: &str = r##"<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
<marker id="ah-action" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#b35c00"/></marker>
<marker id="ah-notice" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#333"/></marker>
<marker id="ah-handover" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#2a8a2a"/></marker>
<pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="rgba(214,40,40,.12)"/><line x1="0" y1="0" x2="0" y2="5" stroke="rgba(190,30,30,.8)" stroke-width="2"/></pattern>
</defs></svg>
"##;

/// The self-contained HTML report of one run, or of both regimes side by side.
pub fn render(stories: &[Story], lang: Lang) -> String {
    let u = ui(lang);
    let mut out = String::new();
    let Some(first) = stories.first() else {
        return out;
    };
    let compare = stories.len() > 1;
    let steps = Steps::new(stories);
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
<style>{CSS}</style>
</head>"#,
        lang.tag(),
        esc(&first.title)
    );
    let _ = writeln!(
        out,
        r#"<body data-steps="{}" data-initial="{}" data-messages="{}">"#,
        steps.count,
        steps.initial,
        stories.iter().map(Story::message_count).sum::<usize>()
    );
    out.push_str(DEFS);
    let regimes: Vec<&str> = stories
        .iter()
        .map(|s| labels::regime(s.regime()).get(lang))
        .collect();
    let _ = writeln!(
        out,
        r#"<header><h1>{}</h1><p class="meta">{} · {} · {} {} · {} – {}</p>"#,
        esc(&first.title),
        esc(&regimes.join(" / ")),
        esc(&first.source),
        u.seed,
        first.seed,
        first.start,
        first.until
    );
    if !first.description.is_empty() {
        let _ = writeln!(out, r#"<p class="desc">{}</p>"#, esc(&first.description));
    }
    let _ = writeln!(
        out,
        r#"</header><div id="bar"><nav id="controls"><button id="first" type="button">{}</button><button id="prev" type="button">{}</button><output id="pos"></output><button id="next" type="button">{}</button><button id="last" type="button">{}</button><span class="hint">{}</span></nav><p id="caption"></p></div>"#,
        esc(u.first),
        esc(u.prev),
        esc(u.next),
        esc(u.last),
        esc(u.keys_hint)
    );
    let _ = writeln!(
        out,
        r#"<main class="{}">"#,
        if compare { "n2" } else { "n1" }
    );
    // One axis and one set of columns per resident, shared by the panels so they line up.
    let residents = stories.iter().map(|s| s.residents.len()).max().unwrap_or(0);
    let mut axes = Vec::with_capacity(residents);
    let mut columns = Vec::with_capacity(residents);
    let mut timelines = Vec::with_capacity(residents);
    for ri in 0..residents {
        let mut spans = Vec::new();
        let mut parties: Vec<Party> = Vec::new();
        for s in stories {
            if let Some(r) = s.residents.get(ri) {
                spans.extend(r.events.iter().map(|e| (e.occurred_at, e.occurred_at)));
                spans.extend(r.messages.iter().map(|m| (m.sent, m.delivered)));
                for p in r.parties() {
                    if !parties.contains(&p) {
                        parties.push(p);
                    }
                }
            }
        }
        parties.sort();
        axes.push(Axis::new(spans, HEAD + 8.0));
        columns.push(parties);
        let mut active: Vec<NaiveDate> = Vec::new();
        for s in stories {
            if let Some(r) = s.residents.get(ri) {
                active.extend(r.events.iter().map(|e| e.occurred_at.date()));
                let mut prev = crate::story::DayFlags::default();
                for f in &r.days {
                    let changed = (f.outage, f.inconsistent, f.special_period)
                        != (prev.outage, prev.inconsistent, prev.special_period);
                    if let (true, Some(day)) = (changed, f.day) {
                        active.push(day);
                    }
                    prev = *f;
                }
            }
        }
        active.sort();
        active.dedup();
        timelines.push(Span::new(first.start, first.until, &active));
    }
    for (p, story) in stories.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<section class="panel" data-regime="{}"><h2>{}</h2>"#,
            story.regime().as_str(),
            esc(labels::regime(story.regime()).get(lang))
        );
        for (ri, r) in story.residents.iter().enumerate() {
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
            sequence_svg(&mut out, &steps, p, ri, r, &columns[ri], &axes[ri], lang);
            out.push_str("</figure>\n");
            event_list(
                &mut out,
                story,
                &steps,
                p,
                ri,
                r,
                &axes[ri],
                &timelines[ri],
                lang,
                compare,
            );
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
            timeline_svg(&mut out, story, &steps, p, ri, r, &timelines[ri], lang);
            out.push_str("</figure>\n");
            let _ = writeln!(
                out,
                r#"<table class="measures"><caption>{} {}</caption>"#,
                esc(u.measures_for),
                esc(r.person.display())
            );
            for (k, v) in resident_measures(r, lang) {
                let _ = writeln!(out, "<tr><th>{}</th><td>{}</td></tr>", esc(&k), esc(&v));
            }
            out.push_str("</table>\n</article>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n<footer>");
    // The run's measures, one column per regime.
    let totals: Vec<&projection::Totals> = stories.iter().map(|s| &s.totals).collect();
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
    for (name, values) in measure_rows(&totals, lang) {
        let _ = write!(out, "<tr><th>{}</th>", esc(&name));
        for v in values {
            let _ = write!(out, "<td>{}</td>", esc(&v));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    // The rules cited anywhere on the page.
    let mut all = Vec::new();
    for s in stories {
        for r in &s.residents {
            for c in cited(r) {
                if !all.contains(&c) {
                    all.push(c);
                }
            }
        }
    }
    all.sort_by_key(|c| section_order(&c.id));
    if !all.is_empty() {
        let _ = writeln!(out, "<h2>{}</h2><ul>", esc(u.rules_cited));
        for c in all {
            let _ = writeln!(
                out,
                r#"<li><a href="{}">{} {}</a></li>"#,
                esc(&c.link()),
                esc(&c.mark()),
                esc(c.title(lang))
            );
        }
        out.push_str("</ul>");
    }
    let _ = writeln!(
        out,
        "<p>{} {}</p></footer>",
        esc(u.generated),
        esc(&first.source)
    );
    let _ = writeln!(out, "<script>{JS}</script>\n</body>\n</html>");
    out
}
