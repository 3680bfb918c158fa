//! The card-state timeline of one panel, as SVG: a row per office's view (the bureau, the
//! city hall, J-LIS's chip) over the days of the run, a dot where a view changed, the
//! stretches where the bureau and the city hall disagreed shaded to the minute, and the
//! special-period and outage days. Days on which something happens are drawn wide ([`Span`]).

use std::fmt::Write;

use chrono::{Duration, NaiveDate};
use model::time::{SimTime, start_of_day};

use super::{Panel, esc};
use crate::labels::{self, ui};
use crate::phrases::{change_text, date_hm};
use crate::story::{DayFlags, ResidentStory, Row};

const TL_LEFT: f64 = 160.0;
const TL_WIDTH: f64 = 760.0;
const TL_ROW: f64 = 32.0;
const TL_TOP: f64 = 32.0;

/// The horizontal axis of a timeline: whole days, left to right. Days on which something
/// happens (an event, or a measure starting or stopping) are drawn wide, the others narrow, so
/// that a day-long disagreement stays visible in a half-year run; within a day, time is linear.
#[derive(Debug, Clone)]
pub(super) struct Span {
    start: NaiveDate,
    /// Left edge of each day, and the right edge of the last.
    edges: Vec<f64>,
}

impl Span {
    pub(super) fn new(start: NaiveDate, until: NaiveDate, active: &[NaiveDate]) -> Span {
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

    pub(super) fn x(&self, t: SimTime) -> f64 {
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
fn day_runs(r: &ResidentStory, flag: impl Fn(&DayFlags) -> bool) -> Vec<(NaiveDate, NaiveDate)> {
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

/// The card-state timeline of a panel.
pub(super) fn timeline_svg(out: &mut String, panel: &Panel) {
    let &Panel {
        story,
        r,
        span,
        lang,
        ..
    } = panel;
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
        if (day.day() == 1 || day == story.start || wide) && x - last_label >= 50.0 {
            last_label = x;
            let _ = write!(
                out,
                r#"<line class="tick" x1="{x:.1}" x2="{x:.1}" y1="{:.0}" y2="{:.0}"/><text class="tick" x="{:.1}" y="{:.0}">{}</text>"#,
                TL_TOP - 6.0,
                TL_TOP + TL_ROW * 3.0,
                x + 2.0,
                TL_TOP - 12.0,
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
                panel.step_at(from),
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
            panel.step(d.event),
            row_y(Row::Bureau) + 1.0,
            (span.x(d.to) - x).max(1.5),
            TL_ROW * 2.0 - 2.0,
            esc(u.legend_disagree),
            esc(&date_hm(d.from)),
            esc(&date_hm(d.to))
        );
    }
    // Each change of a view, on the day it was recorded; a change whose fact took legal effect
    // on another day (`effective_on`: a move notified late) is drawn a second time on that
    // day, shown instead when the page's legal-dates toggle is on (`legal_dates`).
    for c in &r.changes {
        let env = &r.events[c.event];
        let x = span.x(env.occurred_at);
        let legal = legal_date(env);
        let _ = writeln!(
            out,
            r#"<circle class="chg{}" data-step="{}" cx="{x:.1}" cy="{:.1}" r="4"><title>{} · {}: {}</title></circle>"#,
            if legal.is_some() { " recorded" } else { "" },
            panel.step(c.event),
            row_y(c.row) + TL_ROW / 2.0,
            esc(&date_hm(env.occurred_at)),
            esc(labels::event_type(&env.event).get(lang)),
            esc(&change_text(r, c.row, c.event, lang))
        );
        if let Some(day) = legal {
            let _ = writeln!(
                out,
                r#"<circle class="chg legal" data-step="{}" cx="{:.1}" cy="{:.1}" r="4"><title>{} {day} · {}: {}</title></circle>"#,
                panel.step(c.event),
                span.x(start_of_day(day)),
                row_y(c.row) + TL_ROW / 2.0,
                esc(labels::history(lang).legally_from),
                esc(labels::event_type(&env.event).get(lang)),
                esc(&change_text(r, c.row, c.event, lang))
            );
        }
    }
    let _ = writeln!(
        out,
        r#"<line class="now now-x" x1="0" x2="0" y1="{:.0}" y2="{:.0}"/></svg>"#,
        TL_TOP - 4.0,
        TL_TOP + TL_ROW * 3.0
    );
}

/// The day `env`'s fact took legal effect, when it is not the day it was recorded.
pub(super) fn legal_date(env: &model::envelope::Envelope) -> Option<NaiveDate> {
    env.effective_on.filter(|d| *d != env.occurred_at.date())
}
