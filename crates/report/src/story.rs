//! A run seen as a lesson: who did what where, which office told which, when each message
//! arrived, and what the card record said after each step. The narrative, the Mermaid diagrams
//! and the HTML report are all drawn from a [`Story`].
//!
//! Everything is derived from the event log and the run's policy, exactly as the scheduler
//! routed it, without re-running anything: the events one office recorded in answer to one
//! delivery share their time, office, causation and correlation ids, so the log splits into
//! [`Group`]s, and each group's trigger (a resident at a counter, an office decision given as
//! input, a notice, a timer) follows from its cause. A notice's delivery time comes from
//! `model::rules::notice_delivery`, the function the scheduler delivers by. The card record after each event and the day measures come
//! from the same fold as the live run (the `projection` crate).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use model::card::CardKind;
use model::envelope::Envelope;
use model::event::Event;
use model::ids::ResidentId;
use model::policy::{Policy, Regime};
use model::procedure::Procedure;
use model::rules;
use model::service::{Channel, Office, Service};
use model::time::{Latency, SimTime};
use projection::{CardRecord, DayMeasures, Projections, Totals};
use uuid::Uuid;

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

/// One run to explain: its log and what is needed to read it.
#[derive(Debug, Clone)]
pub struct Run {
    /// The scenario's name (or the run's label).
    pub title: String,
    /// What the scenario demonstrates (its top comment); may be empty.
    pub description: String,
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
}

impl Run {
    /// A run of `scenario` whose log is `log`.
    pub fn from_scenario(scenario: &scenario::Scenario, log: Vec<Envelope>) -> Run {
        Run {
            title: scenario.name.clone(),
            description: scenario.description.clone(),
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
            log,
        }
    }
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

/// What an event means for the diagrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Part of an office's record at the start of the run.
    Start,
    /// The resident at a counter (or a police box, or on the phone to the call centre).
    Visit(Office, Procedure),
    /// An application the resident made without a counter visit (online, at the port).
    Filing(Procedure, Channel),
    /// The office hands the resident a card.
    HandOver(CardKind),
    /// Anything else an office records.
    Record,
}

/// The role of an event. An exhaustive match, so that a new event type is placed consciously.
pub fn role(event: &Event) -> Role {
    match event {
        Event::ImmigrationRecordOpened { .. }
        | Event::ResidentRegistered { .. }
        | Event::CardIssuerRecordOpened { .. } => Role::Start,
        Event::CounterVisited {
            office, procedure, ..
        } => Role::Visit(*office, *procedure),
        Event::ExtensionApplied { channel, .. } => Role::Filing(Procedure::Extension, *channel),
        Event::StatusChangeApplied { channel, .. } => {
            Role::Filing(Procedure::StatusChange, *channel)
        }
        Event::PermanentResidenceApplied { channel, .. } => {
            Role::Filing(Procedure::PermanentResidence, *channel)
        }
        Event::MoveOutRecorded {
            card_based: true, ..
        } => Role::Filing(Procedure::MoveOut, Channel::Online),
        Event::Landed { .. } => Role::Filing(Procedure::Landing, Channel::Airport),
        Event::ResidenceCardIssued { card, .. } => Role::HandOver(card.kind),
        Event::ProcedureRefused { .. }
        | Event::DeadlineMissed { .. }
        | Event::TokuteiApplicationAccepted { .. }
        | Event::TokuteiApplicationRefused { .. }
        | Event::ExtensionGranted { .. }
        | Event::ExtensionRefused { .. }
        | Event::TokuteiCardRequested { .. }
        | Event::CardReadyForCollection { .. }
        | Event::PeriodOfStayExtended { .. }
        | Event::AddressRecorded { .. }
        | Event::StatusChangeGranted { .. }
        | Event::PermanentResidenceGranted { .. }
        | Event::ApplicationRefused { .. }
        | Event::ApplicationSuperseded { .. }
        | Event::StatusChanged { .. }
        | Event::CardApplicationReceived { .. }
        | Event::ItemChangeNotified { .. }
        | Event::TokuteiCardReturned { .. }
        | Event::MovedWithinMunicipality { .. }
        | Event::MoveOutRecorded { .. }
        | Event::MoveInRecorded { .. }
        | Event::RegisterEntryClosed { .. }
        | Event::ImmigrationDataUpdated { .. }
        | Event::MyNumberCardValidityChanged { .. }
        | Event::ResidenceNotified { .. }
        | Event::ApplicationForwarded { .. }
        | Event::MyNumberCardSpecialPeriodExtended { .. }
        | Event::RegisterItemUpdated { .. }
        | Event::PinResetAtCounter { .. }
        | Event::MyNumberContinuityDue { .. }
        | Event::MyNumberContinuityConfirmed { .. }
        | Event::MyNumberCardWithdrawn { .. }
        | Event::MyNumberCardValidityRecorded { .. }
        | Event::CertificatesIssued { .. }
        | Event::SignatureCertificateRevoked { .. }
        | Event::MyNumberCardExpired { .. }
        | Event::MyNumberCardInvalidated { .. }
        | Event::TokuteiProductionStarted { .. }
        | Event::TokuteiCardProduced { .. }
        | Event::MyNumberFunctionsActivated { .. }
        | Event::MyNumberFunctionsExpired { .. }
        | Event::MyNumberFunctionsSuspended { .. }
        | Event::PinLocked { .. }
        | Event::PinUnlocked { .. }
        | Event::LossReported { .. } => Role::Record,
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
}

/// The kind of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MessageKind {
    /// A resident's action arriving at an office.
    Action,
    /// A notice one office sends another (domain-rules §6), delivered after the link's latency.
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
    pub title: String,
    pub description: String,
    pub source: String,
    pub seed: u64,
    pub policy: Policy,
    pub start: NaiveDate,
    pub until: NaiveDate,
    pub residents: Vec<ResidentStory>,
    /// Measures over the residents told.
    pub totals: Totals,
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
            totals: totals.totals(),
        })
    }
}

/// The key that makes consecutive events one office's answer to one delivery.
fn group_key(env: &Envelope) -> (Service, SimTime, Option<Uuid>, Uuid) {
    (
        env.service,
        env.occurred_at,
        env.causation_id,
        env.correlation_id,
    )
}

fn tell(run: &Run, id: ResidentId, person: Person, events: Vec<Envelope>) -> ResidentStory {
    let policy = &run.policy;
    let switch = policy.switches.validity.special_period_my_number;

    // The card record after each event, and the day flags, from the measures' own fold.
    let mut p = Projections::new(run.start, switch, id.index() + 1);
    let mut after = Vec::with_capacity(events.len());
    let mut days = Vec::new();
    let mut next = 0;
    let mut day = run.start;
    let mut prev_days = DayMeasures::default();
    loop {
        while let Some(env) = events.get(next).filter(|e| e.occurred_at.date() <= day) {
            p.apply(env);
            after.push(p.record(id).cloned().unwrap_or_default());
            next += 1;
        }
        p.finish(day);
        let now = p.record(id).map(|r| r.days).unwrap_or_default();
        days.push(DayFlags {
            day: Some(day),
            outage: now.outage_days > prev_days.outage_days,
            inconsistent: now.inconsistency_days > prev_days.inconsistency_days,
            special_period: now.special_period_days > prev_days.special_period_days,
        });
        prev_days = now;
        match day.succ_opt() {
            Some(d) if d <= run.until => day = d,
            _ => break,
        }
    }
    // Events after `until` cannot exist (the scheduler stops), but a record is kept for each.
    for env in &events[next..] {
        p.apply(env);
        after.push(p.record(id).cloned().unwrap_or_default());
    }
    let last = p.record(id).cloned().unwrap_or_default();

    // Groups.
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of = Vec::with_capacity(events.len());
    for (i, env) in events.iter().enumerate() {
        let same = i > 0 && group_key(&events[i - 1]) == group_key(env);
        if !same {
            groups.push(Group {
                service: env.service,
                at: env.occurred_at,
                trigger: Trigger::Timer,
                events: i..i,
            });
        }
        let g = groups.len() - 1;
        groups[g].events.end = i + 1;
        group_of.push(g);
    }
    let index_of: BTreeMap<Uuid, usize> = events
        .iter()
        .enumerate()
        .map(|(i, e)| (e.event_id, i))
        .collect();

    // Messages: notices from the notification rules and the policy's latencies.
    let mut messages: Vec<Message> = Vec::new();
    for (i, env) in events.iter().enumerate() {
        for n in rules::notified(&env.event) {
            let (latency, delivered) =
                rules::notice_delivery(policy, env.service, n.to, env.occurred_at);
            messages.push(Message {
                seq: 0,
                kind: MessageKind::Notice,
                from: Party::of_service(env.service),
                to: Party::of_service(n.to),
                sent: env.occurred_at,
                delivered,
                latency,
                code: Some(n.code),
                event: i,
                procedure: None,
                card: None,
            });
        }
    }

    // Triggers, actions and hand-overs.
    for group in &mut groups {
        let range = group.events.clone();
        let first = &events[range.start];
        let roles: Vec<Role> = range.clone().map(|i| role(&events[i].event)).collect();
        let visit = roles.iter().find_map(|r| match r {
            Role::Visit(o, p) => Some((*o, *p)),
            _ => None,
        });
        let filing = roles.iter().find_map(|r| match r {
            Role::Filing(p, c) => Some((*p, *c)),
            _ => None,
        });
        let cause = first.causation_id.and_then(|c| index_of.get(&c).copied());
        let notice = cause.and_then(|c| {
            messages.iter().position(|m| {
                m.kind == MessageKind::Notice
                    && m.event == c
                    && m.to == Party::of_service(first.service)
                    && m.delivered == first.occurred_at
            })
        });
        let trigger = if roles.contains(&Role::Start) {
            Trigger::Start
        } else if let Some((office, procedure)) = visit {
            Trigger::Resident {
                office,
                procedure,
                channel: Channel::Counter,
            }
        } else if let Some(message) = notice {
            Trigger::Notice { message }
        } else if let (None, Some((procedure, channel))) = (first.causation_id, filing) {
            Trigger::Resident {
                office: office_of(first.service),
                procedure,
                channel,
            }
        } else if first.causation_id.is_none() {
            Trigger::Decision
        } else {
            Trigger::Timer
        };
        group.trigger = trigger;
        if let Trigger::Resident {
            office,
            procedure,
            channel,
        } = trigger
        {
            messages.push(Message {
                seq: 0,
                kind: MessageKind::Action,
                from: Party::Resident,
                to: Party::of_office(office),
                sent: group.at,
                delivered: group.at,
                latency: Latency::ZERO,
                code: None,
                event: range.start,
                procedure: Some((procedure, channel)),
                card: None,
            });
        }
        for (k, r) in roles.iter().enumerate() {
            if let Role::HandOver(card) = r {
                // The card is handed over where the resident stands, else by the issuer.
                let from = visit
                    .map(|(o, _)| Party::of_office(o))
                    .unwrap_or(Party::of_service(first.service));
                messages.push(Message {
                    seq: 0,
                    kind: MessageKind::HandOver,
                    from,
                    to: Party::Resident,
                    sent: group.at,
                    delivered: group.at,
                    latency: Latency::ZERO,
                    code: None,
                    event: range.start + k,
                    procedure: None,
                    card: Some(*card),
                });
            }
        }
    }
    // Order by sending time, then by the event they stand for; keep the notice indices the
    // triggers point at in step.
    let mut order: Vec<usize> = (0..messages.len()).collect();
    order.sort_by_key(|&i| {
        let m = &messages[i];
        (m.sent, m.event, m.kind, m.to, i)
    });
    let mut new_index = vec![0; messages.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut sorted: Vec<Message> = order.iter().map(|&i| messages[i].clone()).collect();
    for (k, m) in sorted.iter_mut().enumerate() {
        m.seq = k;
    }
    for g in &mut groups {
        if let Trigger::Notice { message } = &mut g.trigger {
            *message = new_index[*message];
        }
    }

    // View changes and disagreements, to the event.
    let mut changes = Vec::new();
    let mut disagreements: Vec<Stretch> = Vec::new();
    let mut open: Option<(SimTime, usize)> = None;
    let empty = CardRecord::default();
    for (i, rec) in after.iter().enumerate() {
        let before = if i == 0 { &empty } else { &after[i - 1] };
        if rec.bureau != before.bureau {
            changes.push(ViewChange {
                row: Row::Bureau,
                event: i,
            });
        }
        if rec.city_hall != before.city_hall {
            changes.push(ViewChange {
                row: Row::CityHall,
                event: i,
            });
        }
        if chip(rec) != chip(before) {
            changes.push(ViewChange {
                row: Row::Chip,
                event: i,
            });
        }
        let at = events[i].occurred_at;
        match (rec.inconsistent(), open) {
            (true, None) => open = Some((at, i)),
            (false, Some((from, event))) => {
                disagreements.push(Stretch {
                    from,
                    to: at,
                    event,
                });
                open = None;
            }
            _ => {}
        }
    }
    if let Some((from, event)) = open {
        let end = model::time::start_of_day(run.until.succ_opt().unwrap_or(run.until));
        disagreements.push(Stretch {
            from,
            to: end.max(from),
            event,
        });
    }

    ResidentStory {
        id,
        person,
        events,
        after,
        group_of,
        groups,
        messages: sorted,
        changes,
        disagreements,
        days,
        last,
    }
}

/// What J-LIS's chip records, for noticing a change.
fn chip(
    rec: &CardRecord,
) -> (
    Option<projection::HeldMyNumberCard>,
    Option<projection::Functions>,
    model::card::Certificates,
) {
    (rec.my_number_card, rec.tokutei_functions, rec.certificates)
}

/// The counter of a service, for a filing without a visit.
fn office_of(s: Service) -> Office {
    match s {
        Service::ImmigrationBureau => Office::ImmigrationBureau,
        Service::CityHall => Office::CityHall,
        Service::CardIssuer => Office::CallCentre,
        Service::Police => Office::Police,
    }
}
