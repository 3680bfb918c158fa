//! The columns (lifelines) of a sequence diagram, shared by the HTML report and the Mermaid
//! diagrams so both draw the same ones. A party is one column, except the city hall: the city
//! hall service keeps every municipality's register, but a move between two municipalities is
//! two offices talking (the new one tells the former one, N9), so each municipality a
//! resident deals with gets a lifeline of its own.
//!
//! Which municipality an event or message belongs to is read from the log: a city-hall event
//! that names its municipality (a visit, a move, a register entry closed), otherwise the
//! municipality in the city hall's view of the resident at that moment; a notice to a city
//! hall goes where the office that answered it recorded its answer (the former municipality
//! for the N9 notice of a move-in).

use model::event::Event;
use model::ids::Municipality;

use crate::story::{Message, Party, ResidentStory, Trigger};

/// A column of the diagram: a party and, for a city hall, its municipality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lane {
    pub(crate) party: Party,
    pub(crate) municipality: Option<Municipality>,
}

impl Lane {
    fn of(party: Party) -> Lane {
        Lane {
            party,
            municipality: None,
        }
    }
}

/// The municipality a city-hall event names as its own, if it names one.
fn named_municipality(e: &Event) -> Option<&Municipality> {
    match e {
        Event::CounterVisited { municipality, .. } => municipality.as_ref(),
        Event::ResidentRegistered { municipality, .. }
        | Event::MovedWithinMunicipality { municipality, .. }
        | Event::MoveOutRecorded { municipality, .. }
        | Event::MoveInRecorded { municipality, .. }
        | Event::RegisterEntryClosed { municipality, .. }
        | Event::ResidenceNotified { municipality, .. }
        | Event::BirthRegistered { municipality, .. }
        | Event::MyNumberContinuityConfirmed { municipality, .. } => Some(municipality),
        _ => None,
    }
}

/// The municipality of the city hall that recorded event `i` (or that the resident visited).
fn event_municipality(r: &ResidentStory, i: usize) -> Option<Municipality> {
    named_municipality(&r.events[i].event)
        .cloned()
        .or_else(|| r.before(i).and_then(|b| b.city_hall.municipality))
        .or_else(|| r.after.get(i).and_then(|a| a.city_hall.municipality))
}

/// The lane of `party` for event `i`: a city hall gets the event's municipality.
fn lane_for(r: &ResidentStory, party: Party, i: usize) -> Lane {
    match party {
        Party::CityHall => Lane {
            party,
            municipality: event_municipality(r, i),
        },
        _ => Lane::of(party),
    }
}

/// The lane of the office that recorded event `i`.
pub(crate) fn event_lane(r: &ResidentStory, i: usize) -> Lane {
    lane_for(r, Party::of_service(r.events[i].service), i)
}

/// The lanes a message is drawn between.
pub(crate) fn message_lanes(r: &ResidentStory, m: &Message) -> (Lane, Lane) {
    let from = lane_for(r, m.from, m.event);
    let to = match m.to {
        Party::CityHall => {
            // Where the notice was answered; without an answer, where the resident is
            // registered when it is sent (the former municipality for an N9 notice).
            let answered = r
                .groups
                .iter()
                .find(|g| g.trigger == Trigger::Notice { message: m.seq })
                .map(|g| g.events.start);
            let municipality = match (answered, &r.events[m.event].event) {
                (Some(i), _) => event_municipality(r, i),
                (None, Event::MoveInRecorded { from: Some(f), .. }) => Some(*f),
                (None, _) => event_municipality(r, m.event),
            };
            Lane {
                party: m.to,
                municipality,
            }
        }
        _ if m.from == m.to => from.clone(),
        other => lane_for(r, other, m.event),
    };
    (from, to)
}

/// Every lane of a resident's diagram, in the order of [`Party::ALL`], the municipalities of
/// the city hall in the order the resident meets them.
pub(crate) fn lanes(r: &ResidentStory) -> Vec<Lane> {
    let mut all: Vec<Lane> = r
        .parties()
        .into_iter()
        .filter(|p| *p != Party::CityHall)
        .map(Lane::of)
        .collect();
    all.extend((0..r.events.len()).map(|i| event_lane(r, i)));
    for m in &r.messages {
        let (a, b) = message_lanes(r, m);
        all.extend([a, b]);
    }
    // A diagram always shows a city hall, even one the resident never deals with.
    if !all.iter().any(|l| l.party == Party::CityHall) {
        all.push(Lane::of(Party::CityHall));
    }
    let mut seen: Vec<Lane> = Vec::new();
    for lane in all {
        if !seen.contains(&lane) {
            seen.push(lane);
        }
    }
    merge_order(seen)
}

/// Sorts lanes by party, keeping the order of first appearance within a party.
pub(crate) fn merge_order(mut lanes: Vec<Lane>) -> Vec<Lane> {
    // A stable sort keeps the municipalities in the order they were met.
    lanes.sort_by_key(|l| l.party);
    lanes
}
