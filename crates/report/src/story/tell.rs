//! How one resident's events are read into a [`ResidentStory`]: the card record after each
//! event and the day flags (the measures' own fold), the groups of events one office recorded
//! in answer to one delivery, the arrows (notices by the notification table and the policy's
//! latencies, the resident's actions, the cards handed over), what triggered each group, and
//! where each office's view changed and the bureau and the city hall disagreed.

use std::collections::BTreeMap;

use model::card::CardKind;
use model::envelope::Envelope;
use model::event::Event;
use model::faults::{NoticeKey, notice_plan};
use model::ids::ResidentId;
use model::policy::Policy;
use model::procedure::Procedure;
use model::rules;
use model::service::{Channel, Office, Service};
use model::time::{Latency, SimTime};
use projection::{CardRecord, DayMeasures, Projections};
use uuid::Uuid;

use super::{
    DayFlags, Fate, Group, Message, MessageKind, Party, Person, ResidentStory, Row, Run, Stretch,
    Trigger, ViewChange,
};

/// What an event means for the diagrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
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
fn role(event: &Event) -> Role {
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
        Event::Departed { .. } => Role::Filing(Procedure::Departure, Channel::Airport),
        Event::ResidenceCardIssued { card, .. } => Role::HandOver(card.kind),
        Event::MyNumberCardIssued { .. } => Role::HandOver(CardKind::MyNumberCard),
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
        | Event::RegisterDeletionRecorded { .. }
        | Event::RegisterEntryDeleted { .. }
        | Event::DepartureNotified { .. }
        | Event::MoveAbroadRecorded { .. }
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
        | Event::OlderPeriodNoticeIgnored { .. }
        | Event::OlderStatusNoticeIgnored { .. }
        | Event::OlderCardNoticeIgnored { .. }
        | Event::OlderAddressNoticeIgnored { .. }
        | Event::MyNumberCardValidityChanged { .. }
        | Event::ResidenceNotified { .. }
        | Event::BirthRegistered { .. }
        | Event::StatusAcquisitionApplied { .. }
        | Event::StatusAcquisitionGranted { .. }
        | Event::ApplicationForwarded { .. }
        | Event::SprApplicationForwarded { .. }
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
        | Event::LossReported { .. }
        | Event::MyNumberCardReissueApplied { .. }
        | Event::MyNumberCardItemsUpdated { .. }
        | Event::MyNumberCardProductionStarted { .. }
        | Event::MyNumberCardProduced { .. }
        | Event::MyNumberCardActivated { .. }
        | Event::CardMailed { .. }
        | Event::MailedCardDelivered { .. }
        | Event::CounterCapacityReached { .. }
        | Event::ProductionQueued { .. } => Role::Record,
    }
}

/// One resident's part of `run`: `events` are theirs, in log order.
pub(super) fn tell(
    run: &Run,
    id: ResidentId,
    person: Person,
    events: Vec<Envelope>,
) -> ResidentStory {
    let (after, days, last) = fold(run, id, &events);
    let (mut groups, group_of) = group(&events);
    let mut messages = notices(&run.policy, run.seed, &events);
    let index_of: BTreeMap<Uuid, usize> = events
        .iter()
        .enumerate()
        .map(|(i, e)| (e.event_id, i))
        .collect();
    for g in &mut groups {
        read_group(g, &events, &index_of, &mut messages);
        g.follow_up =
            matches!(g.trigger, Trigger::Resident { .. }) && run.follow_ups.contains(&(id, g.at));
    }
    let messages = in_sending_order(messages, &mut groups);
    let changes = changes(&after);
    let disagreements = disagreements(&after, &events, run.until);
    ResidentStory {
        id,
        person,
        events,
        after,
        group_of,
        groups,
        messages,
        changes,
        disagreements,
        days,
        last,
    }
}

/// The card record after each event, the day flags of every day of the run, and the record at
/// the end (day measures through `until`), from the measures' own fold.
fn fold(
    run: &Run,
    id: ResidentId,
    events: &[Envelope],
) -> (Vec<CardRecord>, Vec<DayFlags>, CardRecord) {
    let switch = run.policy.switches.validity.special_period_my_number;
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
    (after, days, last)
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

/// The groups of consecutive events with one key (their triggers still to be read), and the
/// group of each event.
fn group(events: &[Envelope]) -> (Vec<Group>, Vec<usize>) {
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
                follow_up: false,
            });
        }
        let g = groups.len() - 1;
        groups[g].events.end = i + 1;
        group_of.push(g);
    }
    (groups, group_of)
}

/// The notices the events send, by the notification table, delivered as the scheduler
/// delivers them — with the policy's faults, drawn for each notice exactly as the run drew them
/// (the resident's event counter of event `i` is `i + 1`): a lost notice is drawn to where it
/// would have arrived, a duplicated one twice.
fn notices(policy: &Policy, seed: u64, events: &[Envelope]) -> Vec<Message> {
    let mut messages = Vec::new();
    for (i, env) in events.iter().enumerate() {
        for n in rules::notified(&env.event) {
            let sent = env.occurred_at;
            let message = |delivered: SimTime, fate: Fate| {
                // An office out of service takes the notice up when it reopens.
                let reopened = policy.faults.reopened(n.to, delivered);
                let delivered = if reopened == delivered {
                    delivered
                } else {
                    rules::taken_up(policy, n.to, reopened)
                };
                let minutes = (delivered - sent).num_minutes().max(0);
                Message {
                    seq: 0,
                    kind: MessageKind::Notice,
                    from: Party::of_service(env.service),
                    to: Party::of_service(n.to),
                    sent,
                    delivered,
                    latency: Latency::minutes(u32::try_from(minutes).unwrap_or(u32::MAX)),
                    code: Some(n.code),
                    event: i,
                    procedure: None,
                    card: None,
                    fate,
                }
            };
            if policy.faults.is_none() {
                let (_, delivered) = rules::notice_delivery(policy, env.service, n.to, sent);
                messages.push(message(delivered, Fate::Delivered));
                continue;
            }
            let key = NoticeKey {
                seed,
                resident: env.event.resident().0,
                counter: u32::try_from(i + 1).unwrap_or(u32::MAX),
                to: n.to,
            };
            let plan = notice_plan(policy, key, n.code, env.service, sent);
            if plan.lost {
                let (_, would) = rules::notice_delivery(policy, env.service, n.to, sent);
                messages.push(message(would, Fate::Lost));
            }
            for (k, at) in plan.arrivals.into_iter().enumerate() {
                let fate = match k {
                    0 if plan.redelivered => Fate::Redelivered,
                    0 => Fate::Delivered,
                    _ => Fate::Duplicate,
                };
                messages.push(message(at, fate));
            }
        }
    }
    messages
}

/// Reads what triggered group `g` from its events' roles and its cause, and adds its arrows:
/// the resident's action, and each card handed over.
fn read_group(
    g: &mut Group,
    events: &[Envelope],
    index_of: &BTreeMap<Uuid, usize>,
    messages: &mut Vec<Message>,
) {
    let range = g.events.clone();
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
    g.trigger = trigger;
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
            sent: g.at,
            delivered: g.at,
            latency: Latency::ZERO,
            code: None,
            event: range.start,
            procedure: Some((procedure, channel)),
            card: None,
            fate: Fate::Delivered,
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
                sent: g.at,
                delivered: g.at,
                latency: Latency::ZERO,
                code: None,
                event: range.start + k,
                procedure: None,
                card: Some(*card),
                fate: Fate::Delivered,
            });
        }
    }
}

/// The messages in sending order (then by the event they stand for), numbered; the notice
/// indices the groups' triggers point at follow them.
fn in_sending_order(messages: Vec<Message>, groups: &mut [Group]) -> Vec<Message> {
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
    for g in groups.iter_mut() {
        if let Trigger::Notice { message } = &mut g.trigger {
            *message = new_index[*message];
        }
    }
    sorted
}

/// Where each office's view changed: the bureau's, the city hall's, J-LIS's chip.
fn changes(after: &[CardRecord]) -> Vec<ViewChange> {
    let mut changes = Vec::new();
    let empty = CardRecord::default();
    for (i, rec) in after.iter().enumerate() {
        let before = if i == 0 { &empty } else { &after[i - 1] };
        let rows = [
            (Row::Bureau, rec.bureau != before.bureau),
            (Row::CityHall, rec.city_hall != before.city_hall),
            (Row::Chip, chip(rec) != chip(before)),
        ];
        for (row, changed) in rows {
            if changed {
                changes.push(ViewChange { row, event: i });
            }
        }
    }
    changes
}

/// The stretches in which the bureau and the city hall disagreed, to the event; one still
/// open at the end runs to the end of the run.
fn disagreements(
    after: &[CardRecord],
    events: &[Envelope],
    until: chrono::NaiveDate,
) -> Vec<Stretch> {
    let mut disagreements: Vec<Stretch> = Vec::new();
    let mut open: Option<(SimTime, usize)> = None;
    for (i, rec) in after.iter().enumerate() {
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
        let end = model::time::start_of_day(until.succ_opt().unwrap_or(until));
        disagreements.push(Stretch {
            from,
            to: end.max(from),
            event,
        });
    }
    disagreements
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
