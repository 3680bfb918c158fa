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
//!
//! The rooms: `page` lays out the page (header, controls, one panel per regime and resident,
//! the measures, the rules cited) around the style sheet `page.css`, the script `report.js`
//! and the shared SVG markers `defs.svg`, which are real files included at build time;
//! `sequence` draws the sequence diagram, `timeline` the card-state timeline and `events` the
//! list of events. This module holds what they share: escaping, the steps, and `Panel`.

use model::time::SimTime;

use crate::labels::Lang;
use crate::story::{Party, ResidentStory, Story, Trigger};

mod events;
mod page;
mod sequence;
mod timeline;

pub use page::render;

/// HTML-escapes text for element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
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

/// Every event of every panel, numbered in time order: the steps the controls walk through.
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
}

/// One resident's panel under one regime, and what its drawings share: the steps of the
/// resident's events, and the columns, time axis and day axis that it shares with the other
/// regime's panel of the same resident, so that the two line up.
#[derive(Clone, Copy)]
struct Panel<'a> {
    story: &'a Story,
    r: &'a ResidentStory,
    /// The step of each of the resident's events (`Steps::index[panel][resident]`).
    steps: &'a [usize],
    /// The columns of the sequence diagram, left to right.
    lanes: &'a [crate::lanes::Lane],
    axis: &'a sequence::Axis,
    span: &'a timeline::Span,
    lang: Lang,
    /// Whether two regimes stand side by side.
    compare: bool,
}

impl Panel<'_> {
    /// The step of the resident's event `i`.
    fn step(&self, i: usize) -> usize {
        self.steps[i]
    }

    /// The last step of the resident at or before `t` (0 if none): when something that begins
    /// at `t` (a shaded day) becomes visible.
    fn step_at(&self, t: SimTime) -> usize {
        self.r
            .events
            .iter()
            .zip(self.steps)
            .filter(|(e, _)| e.occurred_at <= t)
            .map(|(_, step)| *step)
            .max()
            .unwrap_or(0)
    }
}
