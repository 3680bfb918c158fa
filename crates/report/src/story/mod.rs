//! A run seen as a lesson: who did what where, which office told which, when each message
//! arrived, and what the card record said after each step. The narrative, the Mermaid diagrams
//! and the HTML report are all drawn from a [`Story`].
//!
//! Everything is derived from the event log and the run's policy, exactly as the scheduler
//! routed it, without re-running anything: the events one office recorded in answer to one
//! delivery share their time, office, causation and correlation ids, so the log splits into
//! [`Group`]s, and each group's trigger (a resident at a counter, an office decision given as
//! input, a notice, a timer) follows from its cause. A notice's delivery time comes from
//! `model::rules::notice_delivery`, the function the scheduler delivers by. The card record
//! after each event and the day measures come from the same fold as the live run (the
//! `projection` crate). The types are here; `tell` reads one resident's events into them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use model::card::CardKind;
use model::envelope::Envelope;
use model::ids::ResidentId;
use model::policy::{Policy, Regime};
use model::procedure::Procedure;
use model::service::{Channel, Office, Service};
use model::time::{Latency, SimTime};
use projection::{CardRecord, Projections, Totals};
mod tell;

use tell::tell;

use crate::labels::Lang;

/// Why a story could not be told.
#[derive(Debug, thiserror::Error)]
pub enum StoryError {
    #[error("no resident `{key}` in this run (residents: {known})")]
    UnknownResident { key: String, known: String },
}

/// A resident's names: the scenario id and, when the scenario gives one, a display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub key: String,
    pub name: Option<String>,
}

impl Person {
    /// `Li Mei` (or the key when there is no other name).
    pub fn display(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }
}

/// Text a scenario's author wrote (its title, its description), in English and, when the file
/// gives it (`ja:`), in Japanese.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Authored {
    pub en: String,
    pub ja: Option<String>,
}

impl Authored {
    /// Text with no Japanese version (a run's label, a log of schema version 3 or older).
    pub fn english(en: String) -> Authored {
        Authored { en, ja: None }
    }

    /// Text in English and Japanese, as a stored log keeps them: an empty `ja` is none.
    pub fn stored(en: String, ja: String) -> Authored {
        Authored {
            en,
            ja: (!ja.is_empty()).then_some(ja),
        }
    }

    /// The scenario's title (`name:`, and `ja: name:`).
    pub fn title_of(s: &scenario::Scenario) -> Authored {
        Authored {
            en: s.name.clone(),
            ja: s.ja.as_ref().map(|j| j.name.clone()),
        }
    }

    /// The scenario's description (its top comment, and `ja: description:`).
    pub fn description_of(s: &scenario::Scenario) -> Authored {
        Authored {
            en: s.description.clone(),
            ja: s.ja.as_ref().map(|j| j.description.clone()),
        }
    }

    /// The text in `lang`: the Japanese one under `--lang ja` when there is one, else the
    /// English.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, self.ja.as_deref()) {
            (Lang::Ja, Some(ja)) if !ja.is_empty() => ja,
            _ => &self.en,
        }
    }
}

/// One run to explain: its log and what is needed to read it.
#[derive(Debug, Clone)]
pub struct Run {
    /// The scenario's name (or the run's label).
    pub title: Authored,
    /// What the scenario demonstrates (its top comment); may be empty.
    pub description: Authored,
    /// The scenario file or the stored log the run came from.
    pub source: String,
    pub seed: u64,
    pub policy: Policy,
    pub start: NaiveDate,
    pub until: NaiveDate,
    /// The residents, by resident id.
    pub residents: Vec<Person>,
    /// Every event of the run, in log order.
    pub log: Vec<Envelope>,
    /// The visits (resident, time) that are in no step of the scenario because its steps were
    /// written for another regime: the resident agent supplied them (the legacy validity change,
    /// docs/what-if.md). Empty for a run of the regime the steps were written for.
    pub follow_ups: Vec<(ResidentId, SimTime)>,
}

impl Run {
    /// A run of `scenario` whose log is `log`.
    pub fn from_scenario(scenario: &scenario::Scenario, log: Vec<Envelope>) -> Run {
        Run {
            title: Authored::title_of(scenario),
            description: Authored::description_of(scenario),
            source: scenario.source.clone(),
            seed: scenario.seed,
            policy: scenario.policy.clone(),
            start: scenario.start,
            until: scenario.until,
            residents: scenario
                .residents
                .iter()
                .map(|r| Person {
                    key: r.key.clone(),
                    name: (r.profile.name != r.key).then(|| r.profile.name.clone()),
                })
                .collect(),
            follow_ups: follow_ups(scenario, &log),
            log,
        }
    }
}

/// The validity-change visits of `log` that no step of `scenario` asked for, when the scenario
/// runs under another regime than the one its steps were written for.
fn follow_ups(scenario: &scenario::Scenario, log: &[Envelope]) -> Vec<(ResidentId, SimTime)> {
    if scenario.policy.regime == scenario.written_for {
        return Vec::new();
    }
    let scripted = |resident: ResidentId, at: SimTime| {
        scenario.steps.iter().any(|s| {
            s.at == at
                && matches!(
                    s.command,
                    model::command::Command::RequestMyNumberValidityChange { .. }
                )
                && s.command.resident() == resident
        })
    };
    log.iter()
        .filter(|e| {
            matches!(
                e.event,
                model::event::Event::CounterVisited {
                    procedure: Procedure::MyNumberValidityChange,
                    ..
                }
            )
        })
        .map(|e| (e.event.resident(), e.occurred_at))
        .filter(|(r, at)| !scripted(*r, *at))
        .collect()
}

/// Who sends or receives a message in a diagram: the resident, or an office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Party {
    Resident,
    Police,
    CallCentre,
    ImmigrationBureau,
    CityHall,
    CardIssuer,
}

impl Party {
    /// Every party, in diagram order (left to right).
    pub const ALL: [Party; 6] = [
        Party::Resident,
        Party::Police,
        Party::CallCentre,
        Party::ImmigrationBureau,
        Party::CityHall,
        Party::CardIssuer,
    ];

    pub fn of_service(s: Service) -> Party {
        match s {
            Service::ImmigrationBureau => Party::ImmigrationBureau,
            Service::CityHall => Party::CityHall,
            Service::CardIssuer => Party::CardIssuer,
            Service::Police => Party::Police,
        }
    }

    /// The service a party is, if it is one (the resident and the call centre are not).
    pub fn service(self) -> Option<Service> {
        match self {
            Party::ImmigrationBureau => Some(Service::ImmigrationBureau),
            Party::CityHall => Some(Service::CityHall),
            Party::CardIssuer => Some(Service::CardIssuer),
            Party::Police => Some(Service::Police),
            Party::Resident | Party::CallCentre => None,
        }
    }

    pub fn of_office(o: Office) -> Party {
        match o {
            Office::ImmigrationBureau => Party::ImmigrationBureau,
            Office::CityHall => Party::CityHall,
            Office::Police => Party::Police,
            Office::CallCentre => Party::CallCentre,
        }
    }

    /// Whether the diagrams always show this party (the police and the call centre appear
    /// only when a resident goes there).
    pub fn always_shown(self) -> bool {
        !matches!(self, Party::Police | Party::CallCentre)
    }
}

/// What made an office record a group of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The office's record at the start of the run.
    Start,
    /// The resident came (or filed online, or landed).
    Resident {
        office: Office,
        procedure: Procedure,
        channel: Channel,
    },
    /// An office decision given as scenario input (the bureau decides an application).
    Decision,
    /// A notice from another office (or another municipality): `messages[message]`.
    Notice { message: usize },
    /// A date the office set itself came (a card lapses, production finishes, a deadline).
    Timer,
}

/// The events one office recorded in answer to one delivery.
#[derive(Debug, Clone)]
pub struct Group {
    pub service: Service,
    pub at: SimTime,
    pub trigger: Trigger,
    /// Indices into [`ResidentStory::events`].
    pub events: std::ops::Range<usize>,
    /// The resident's visit is the resident agent's, not a step of the scenario
    /// ([`Run::follow_ups`]).
    pub follow_up: bool,
}

/// The kind of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MessageKind {
    /// A resident's action arriving at an office.
    Action,
    /// A notice one office sends another (§6), delivered after the link's latency.
    Notice,
    /// An office hands the resident a card.
    HandOver,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Action => "action",
            MessageKind::Notice => "notice",
            MessageKind::HandOver => "handover",
        }
    }
}

/// What the link did to a notice (issue 8): drawn distinctly in the sequence diagrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fate {
    /// Arrived (every action and hand-over, and a notice on a perfect link).
    Delivered,
    /// Lost for good: drawn to where it would have arrived, ending in a cross.
    Lost,
    /// Lost, then delivered by a redelivery.
    Redelivered,
    /// The second copy of a duplicated notice (the office recognised it and did nothing).
    Duplicate,
}

impl Fate {
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Delivered => "delivered",
            Fate::Lost => "lost",
            Fate::Redelivered => "redelivered",
            Fate::Duplicate => "duplicate",
        }
    }
}

/// One arrow of a sequence diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Position in [`ResidentStory::messages`].
    pub seq: usize,
    pub kind: MessageKind,
    pub from: Party,
    pub to: Party,
    pub sent: SimTime,
    pub delivered: SimTime,
    pub latency: Latency,
    /// The §6 notification code of a notice (`N3`).
    pub code: Option<&'static str>,
    /// The event the message stands for (an action's first event, the notice's event, the
    /// issued card): an index into [`ResidentStory::events`].
    pub event: usize,
    /// An action's procedure and channel.
    pub procedure: Option<(Procedure, Channel)>,
    /// The card handed over.
    pub card: Option<CardKind>,
    /// What the link did to a notice.
    pub fate: Fate,
}

/// Which office's view of the resident changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Row {
    Bureau,
    CityHall,
    /// J-LIS: the separate My Number card, a Tokutei card's functions, the certificates.
    Chip,
}

impl Row {
    pub const ALL: [Row; 3] = [Row::Bureau, Row::CityHall, Row::Chip];
}

/// A change of one office's view, at one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewChange {
    pub row: Row,
    /// Index into [`ResidentStory::events`]; the view before is `after[event - 1]`.
    pub event: usize,
}

/// What the day measures counted for one day (evaluated at its end, as the measures are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayFlags {
    pub day: Option<NaiveDate>,
    pub outage: bool,
    pub inconsistent: bool,
    pub special_period: bool,
}

/// A stretch of time, from an event to a later one (or to the end of the run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stretch {
    pub from: SimTime,
    pub to: SimTime,
    /// The event that began it (index into [`ResidentStory::events`]).
    pub event: usize,
}

/// One resident's part of a run.
#[derive(Debug, Clone)]
pub struct ResidentStory {
    pub id: ResidentId,
    pub person: Person,
    /// The resident's events, in log order.
    pub events: Vec<Envelope>,
    /// The card record after each event.
    pub after: Vec<CardRecord>,
    /// The group each event belongs to.
    pub group_of: Vec<usize>,
    pub groups: Vec<Group>,
    /// Every arrow: actions, notices, hand-overs; ordered by sending time.
    pub messages: Vec<Message>,
    pub changes: Vec<ViewChange>,
    /// Times the bureau's and the city hall's views disagreed, to the minute.
    pub disagreements: Vec<Stretch>,
    /// One entry per day of the run.
    pub days: Vec<DayFlags>,
    /// The record at the end of the run (day measures through `until`).
    pub last: CardRecord,
}

impl ResidentStory {
    /// The parties this resident's diagram shows, in order.
    pub fn parties(&self) -> Vec<Party> {
        Party::ALL
            .into_iter()
            .filter(|p| {
                p.always_shown()
                    || self.messages.iter().any(|m| m.from == *p || m.to == *p)
                    || self
                        .events
                        .iter()
                        .any(|e| Party::of_service(e.service) == *p)
            })
            .collect()
    }

    /// The card record as it stood before event `i`.
    pub fn before(&self, i: usize) -> Option<&CardRecord> {
        i.checked_sub(1).and_then(|j| self.after.get(j))
    }
}

/// A run, told resident by resident.
#[derive(Debug, Clone)]
pub struct Story {
    pub title: Authored,
    pub description: Authored,
    pub source: String,
    pub seed: u64,
    pub policy: Policy,
    pub start: NaiveDate,
    pub until: NaiveDate,
    pub residents: Vec<ResidentStory>,
    /// Measures over the residents told.
    pub totals: Totals,
    /// Time to consistency over the residents told (issue 8).
    pub sync: projection::SyncMeasures,
}

impl Story {
    pub fn regime(&self) -> Regime {
        self.policy.regime
    }

    /// Every message of every resident.
    pub fn message_count(&self) -> usize {
        self.residents.iter().map(|r| r.messages.len()).sum()
    }

    /// Every event of every resident.
    pub fn event_count(&self) -> usize {
        self.residents.iter().map(|r| r.events.len()).sum()
    }

    /// Tells `run`, for every resident or only the one whose key is `resident`.
    pub fn build(run: &Run, resident: Option<&str>) -> Result<Story, StoryError> {
        let selected: Vec<usize> = match resident {
            Some(key) => {
                vec![
                    run.residents
                        .iter()
                        .position(|p| p.key == key)
                        .ok_or_else(|| StoryError::UnknownResident {
                            key: key.to_owned(),
                            known: run
                                .residents
                                .iter()
                                .map(|p| p.key.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                        })?,
                ]
            }
            None => (0..run.residents.len()).collect(),
        };
        let switch = run.policy.switches.validity.special_period_my_number;
        // Each resident's events, in log order; a log may hold residents the metadata does not
        // name (a synthetic population), which are told only when nobody is selected.
        let mut by_resident: BTreeMap<u32, Vec<Envelope>> = BTreeMap::new();
        for env in &run.log {
            let r = env.event.resident();
            if resident.is_none() || selected.contains(&r.index()) {
                by_resident.entry(r.0).or_default().push(env.clone());
            }
        }
        if resident.is_none() {
            for i in 0..run.residents.len() {
                by_resident.entry(i as u32).or_default();
            }
        }
        let mut totals = Projections::new(run.start, switch, by_resident.len());
        let residents = by_resident
            .into_iter()
            .map(|(id, events)| {
                for env in &events {
                    totals.apply(env);
                }
                let person = run.residents.get(id as usize).cloned().unwrap_or(Person {
                    key: ResidentId(id).to_string(),
                    name: None,
                });
                tell(run, ResidentId(id), person, events)
            })
            .collect();
        totals.finish(run.until);
        Ok(Story {
            title: run.title.clone(),
            description: run.description.clone(),
            source: run.source.clone(),
            seed: run.seed,
            policy: run.policy.clone(),
            start: run.start,
            until: run.until,
            residents,
            sync: totals.sync.measures(),
            totals: totals.totals(),
        })
    }
}
