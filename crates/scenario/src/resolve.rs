//! From the raw file structs to a [`Scenario`]: defaults that need context, the checks a type
//! cannot express (ids, date ranges, fields that depend on the status), and the `model` values.
//!
//! Each check fails with the position of the value it is about, so the message can say "this
//! line, this column" for a semantic error just as serde does for a type error.
//!
//! At about 940 lines before its tests the file is over the project's size limit. Its seam is
//! clear: everything from `resident_input` down (a resident's starting state: the card held,
//! the period of stay, a pending application, read through `CardReader`) is one module,
//! `resolve/resident.rs`, and the municipality checks (`municipalities_of`, `check_moves`,
//! `known_municipality`) another. It was not split yet because three engineers added to it in
//! the same round (pending applications, office-record checks, misspelt municipalities) up to
//! the last landing; moving it then would have left the final tree untested on a clean clone.
//! Splitting along that seam is the next change to make here.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use model::calendar::add_years_clamped;
use model::card::CardKind;
use model::card_number::ResidenceCardNumber;
use model::command::{Command, Decision, FiledApplication, ResidentProfile};
use model::ids::{Municipality, ResidentId};
use model::policy::{Policy, Regime};
use model::procedure::Procedure;
use model::rules::card_law;
use model::service::Channel;
use model::status::Status;
use serde::Deserialize;

use crate::format::{
    CardFile, ExpectFile, OfficeRecordFile, PendingFile, PendingProcedure, RecordOffice,
    ResidentFile, ScenarioFile,
};
use crate::node::{DeError, Doc, Located, Pos};
use crate::steps::{RawStep, StepNode};
use crate::{
    Checks, Expectation, Overrides, RecordChecks, ResidentSpec, Scenario, ScenarioError, Step,
    suggest,
};
use model::profile::{CardInput, ProfileInput, build_profile};

/// The profile of resident `id` under `policy` and `seed`.
pub(crate) fn profile(
    input: &ProfileInput,
    seed: u64,
    id: ResidentId,
    policy: &Policy,
) -> ResidentProfile {
    build_profile(
        input,
        seed,
        id.0,
        |issued_on| card_law(policy, issued_on),
        policy.switches.validity,
    )
}

pub(crate) fn scenario(
    label: &str,
    text: &str,
    hash: String,
    overrides: Overrides,
) -> Result<Scenario, ScenarioError> {
    let located = |e: DeError| {
        let pos = e.pos.unwrap_or(Pos::START);
        ScenarioError::Invalid {
            file: label.to_owned(),
            line: pos.line,
            column: pos.column,
            message: e.message,
        }
    };
    let doc = Doc::parse(text).map_err(|e| ScenarioError::Invalid {
        file: label.to_owned(),
        line: e.pos.line,
        column: e.pos.column,
        message: e.message,
    })?;
    if doc.entries(doc.root()).is_none() {
        return Err(located(DeError::at(
            "expected a scenario: a mapping with `name`, `start`, `until`, `residents` …",
            doc.node(doc.root()).pos,
        )));
    }
    let file = ScenarioFile::deserialize(doc.de(doc.root())).map_err(located)?;
    build(&doc, file, text, overrides)
        .map_err(located)
        .map(|mut s| {
            s.source = label.to_owned();
            s.hash = hash;
            s
        })
}

fn build(
    doc: &Doc<'_>,
    file: ScenarioFile,
    text: &str,
    overrides: Overrides,
) -> Result<Scenario, DeError> {
    let start = file.start.value.0;
    let until = file.until.value.0;
    if until < start {
        return Err(DeError::at(
            format!("`until` {until} is before `start` {start}"),
            file.until.pos,
        ));
    }
    let seed = overrides.seed.or(file.seed).unwrap_or(1);
    let mut policy = file.policy.unwrap_or_default();
    if let Some(regime) = overrides.regime {
        policy.regime = regime;
    }
    if file.residents.is_empty() {
        return Err(DeError::at(
            "a scenario needs at least one resident under `residents`",
            key_pos(doc, "residents"),
        ));
    }
    let mut frame = Frame {
        start,
        until,
        ids: BTreeMap::new(),
    };
    let (residents, inputs) = frame.residents(file.residents, seed, &policy)?;
    let mut steps = frame.steps(doc, file.steps, &residents, &policy)?;
    present_landings(&mut steps, &residents, &policy, seed);
    // Stable: steps at the same time keep file order.
    steps.sort_by_key(|s| s.at);
    let expectations = file
        .expect
        .into_iter()
        .map(|entry| frame.expectation(entry, &residents, &steps))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Scenario {
        name: file.name,
        description: crate::input::description(text),
        source: String::new(),
        hash: String::new(),
        seed,
        start,
        until,
        policy,
        residents,
        steps,
        expectations,
        inputs,
    })
}

/// What every part of a scenario is checked against: its dates and its residents' ids.
struct Frame {
    start: NaiveDate,
    until: NaiveDate,
    /// Resident keys, with their ids and where each was declared.
    ids: BTreeMap<String, (ResidentId, Pos)>,
}

impl Frame {
    /// The resident a step or an expectation names.
    fn lookup(&self, who: &Located<String>, what: &str) -> Result<ResidentId, DeError> {
        match self.ids.get(&who.value) {
            Some((id, _)) => Ok(*id),
            None => Err(DeError::at(
                format!(
                    "{what} refers to {}",
                    suggest::unknown("resident", &who.value, self.ids.keys().map(String::as_str))
                ),
                who.pos,
            )),
        }
    }

    /// A date of a step or an expectation must fall within `start..=until`.
    fn in_range(&self, on: &Located<NaiveDate>, what: &str) -> Result<(), DeError> {
        let (d, start, until) = (on.value, self.start, self.until);
        if d < start {
            Err(DeError::at(
                format!("{what} date {d} is before `start` {start}"),
                on.pos,
            ))
        } else if d > until {
            Err(DeError::at(
                format!("{what} date {d} is after `until` {until}"),
                on.pos,
            ))
        } else {
            Ok(())
        }
    }

    /// Reads the residents in file order (the order gives their ids), with their profiles and
    /// the facts the file gave.
    fn residents(
        &mut self,
        entries: Vec<Located<ResidentFile>>,
        seed: u64,
        policy: &Policy,
    ) -> Result<(Vec<ResidentSpec>, Vec<ProfileInput>), DeError> {
        let mut residents = Vec::with_capacity(entries.len());
        let mut inputs = Vec::with_capacity(entries.len());
        for (index, entry) in entries.into_iter().enumerate() {
            let id =
                ResidentId(u32::try_from(index).map_err(|_| {
                    DeError::at("too many residents for one scenario file", entry.pos)
                })?);
            let key = entry.value.id.value.clone();
            if key.trim().is_empty() {
                return Err(DeError::at(
                    "a resident id must not be empty",
                    entry.value.id.pos,
                ));
            }
            if let Some((_, first)) = self.ids.get(&key) {
                return Err(DeError::at(
                    format!(
                        "duplicate resident id `{key}` (first declared on line {})",
                        first.line
                    ),
                    entry.value.id.pos,
                ));
            }
            self.ids.insert(key.clone(), (id, entry.value.id.pos));
            let line = entry.pos.line;
            let input = resident_input(entry.value, self.start, policy)?;
            residents.push(ResidentSpec {
                key,
                id,
                profile: profile(&input, seed, id, policy),
                line,
            });
            inputs.push(input);
        }
        Ok((residents, inputs))
    }

    /// Reads the steps and builds their commands in time order (stable: steps at the same time
    /// keep file order), so that each decision is checked against the expiry the earlier grants
    /// left. Every step is read first, so that a step's resident and date are checked before
    /// any command is built.
    fn steps(
        &self,
        doc: &Doc<'_>,
        nodes: Vec<StepNode>,
        residents: &[ResidentSpec],
        policy: &Policy,
    ) -> Result<Vec<Step>, DeError> {
        let mut raws = Vec::with_capacity(nodes.len());
        for node in nodes {
            let raw = RawStep::read(doc, node.0)?;
            let resident = self.lookup(&raw.resident, "step")?;
            self.in_range(&raw.on, "step")?;
            raws.push((raw, resident));
        }
        raws.sort_by_key(|(raw, _)| raw.at);
        let mut expiries: Vec<Option<NaiveDate>> =
            residents.iter().map(|r| r.profile.period_expiry).collect();
        let mut steps = Vec::with_capacity(raws.len());
        let mut municipality_at = Vec::with_capacity(raws.len());
        for (raw, resident) in raws {
            let (at, line, on_pos) = (raw.at, raw.pos.line, raw.on.pos);
            municipality_at.push(raw.municipality_pos().unwrap_or(raw.pos));
            let profile = &residents[resident.index()].profile;
            let command = raw.command(resident, profile, expiries[resident.index()])?;
            if !model::rules::can_be_done_on(policy, &command, at.date()) {
                return Err(DeError::at(closed_message(&command, at.date()), on_pos));
            }
            if let Command::DecideExtension {
                decision: Decision::Grant { new_expiry },
                ..
            }
            | Command::DecideStatusChange {
                decision: Decision::Grant { new_expiry },
                ..
            } = &command
            {
                expiries[resident.index()] = Some(*new_expiry);
            }
            steps.push(Step {
                at,
                resident,
                command,
                line,
            });
        }
        check_moves(&steps, &municipality_at)?;
        for (st, at) in steps.iter().zip(municipality_at) {
            if let Some(m) = named_municipality(&st.command) {
                known_municipality(Located { pos: at, value: *m })?;
            }
        }
        Ok(steps)
    }

    /// Reads one expectation: its resident and date checked, its lists normalised.
    fn expectation(
        &self,
        entry: Located<ExpectFile>,
        residents: &[ResidentSpec],
        steps: &[Step],
    ) -> Result<Expectation, DeError> {
        let ExpectFile {
            on,
            resident,
            cards,
            valid_through,
            my_number_usable,
            lawfully_resident,
            visits,
            city_hall_visits,
            records,
            notifications,
            events,
            refusals,
            absent,
            outage_days,
            inconsistency_days,
            signature_certificate,
            user_authentication_certificate,
        } = entry.value;
        let id = self.lookup(&resident, "expectation")?;
        let on = Located {
            pos: on.pos,
            value: on.value.0,
        };
        self.in_range(&on, "expectation")?;
        let cards = cards.map(|mut c| {
            c.sort();
            c.dedup();
            c
        });
        let known = municipalities_of(id, residents, steps);
        let city_hall_visits = city_hall_visits
            .into_iter()
            .map(|(m, n)| {
                if known.contains(&m) {
                    return Ok((m, n.value));
                }
                let names: Vec<&str> = known.iter().map(Municipality::as_str).collect();
                Err(DeError::at(
                    format!(
                        "`{}` is not a municipality of resident `{}` in this file{}",
                        m.as_str(),
                        resident.value,
                        match suggest::nearest(m.as_str(), &names) {
                            Some(near) => format!("; did you mean `{near}`?"),
                            None => format!(" (theirs: {})", names.join(", ")),
                        }
                    ),
                    n.pos,
                ))
            })
            .collect::<Result<BTreeMap<_, _>, _>>()?;
        let records = records
            .into_iter()
            .map(|(office, r)| Ok((office, record_checks(office, r)?)))
            .collect::<Result<BTreeMap<_, _>, DeError>>()?;
        Ok(Expectation {
            on: on.value,
            resident: id,
            resident_key: resident.value,
            line: entry.pos.line,
            checks: Checks {
                cards,
                valid_through: valid_through.into_iter().map(|(k, d)| (k, d.0)).collect(),
                my_number_usable,
                lawfully_resident,
                visits,
                city_hall_visits,
                records,
                notifications: notifications.into_iter().map(|(k, n)| (k.0, n)).collect(),
                events: events.into_iter().map(|e| e.0).collect(),
                refusals: refusals.into_iter().map(|r| r.0).collect(),
                absent: absent.into_iter().map(|a| a.0).collect(),
                outage_days,
                inconsistency_days,
                signature_certificate: signature_certificate.map(|d| d.0),
                user_authentication_certificate: user_authentication_certificate.map(|d| d.0),
            },
        })
    }
}

/// What a resident presents at the first residence notification comes from their landing, wherever
/// that stands in the file: its date (for the 14-day deadline) and, at the ports that hand
/// cards over, that card — the first card issued to them (§5.1, §14).
fn present_landings(steps: &mut [Step], residents: &[ResidentSpec], policy: &Policy, seed: u64) {
    let landings: BTreeMap<ResidentId, (NaiveDate, Option<(CardKind, ResidenceCardNumber)>)> =
        steps
            .iter()
            .filter_map(|st| match &st.command {
                Command::Land { port, .. } => {
                    let profile = &residents[st.resident.index()].profile;
                    let on = st.at.date();
                    let card = model::rules::card_at_landing(policy, port, profile.status, on).map(
                        |kind| {
                            let serial = profile.cards_issued + 1;
                            let number = ResidenceCardNumber::generate(seed, st.resident.0, serial);
                            (kind, number)
                        },
                    );
                    Some((st.resident, (on, card)))
                }
                _ => None,
            })
            .collect();
    for st in steps {
        if let Command::NotifyResidence {
            due_from,
            card,
            after_status_change: false,
            ..
        } = &mut st.command
            && let Some((on, from_port)) = landings.get(&st.resident)
        {
            *due_from = Some(*on);
            *card = *from_port;
        }
    }
}

/// The municipalities the file gives resident `id`: where they live at the start and every
/// municipality their steps name (a move-out's `to`, a move-in's or residence notification's
/// `municipality`), in which a city-hall visit can be counted.
fn municipalities_of(
    id: ResidentId,
    residents: &[ResidentSpec],
    steps: &[Step],
) -> Vec<Municipality> {
    let mut known = vec![residents[id.index()].profile.municipality];
    for st in steps.iter().filter(|st| st.resident == id) {
        match &st.command {
            Command::NotifyMoveOut { to, .. } => known.push(*to),
            Command::NotifyMoveIn { municipality, .. }
            | Command::NotifyResidence { municipality, .. } => known.push(*municipality),
            _ => {}
        }
    }
    known.sort();
    known.dedup();
    known
}

/// The checks of one office's record, refusing a key the office does not keep: J-LIS holds no
/// address, status or period, and the My Number is the register's (in this model the bureau
/// and J-LIS keep none).
fn record_checks(
    office: RecordOffice,
    entry: Located<OfficeRecordFile>,
) -> Result<RecordChecks, DeError> {
    let OfficeRecordFile {
        municipality,
        address,
        status,
        period_expiry,
        card_number,
        name,
        my_number,
    } = entry.value;
    // The register keeps every key; the bureau all but the My Number.
    const ALL: [&str; 7] = [
        "municipality",
        "address",
        "status",
        "period_expiry",
        "card_number",
        "name",
        "my_number",
    ];
    let keeps: &[&str] = match office {
        RecordOffice::ImmigrationBureau => &ALL[..6],
        RecordOffice::CityHall => &ALL,
        RecordOffice::CardIssuer => &["card_number"],
    };
    let asked = [
        ("municipality", municipality.as_ref().map(|l| l.pos)),
        ("address", address.as_ref().map(|l| l.pos)),
        ("status", status.as_ref().map(|l| l.pos)),
        ("period_expiry", period_expiry.as_ref().map(|l| l.pos)),
        ("card_number", card_number.as_ref().map(|l| l.pos)),
        ("name", name.as_ref().map(|l| l.pos)),
        ("my_number", my_number.as_ref().map(|l| l.pos)),
    ];
    for (key, pos) in asked {
        if let Some(pos) = pos
            && !keeps.contains(&key)
        {
            return Err(DeError::at(
                format!(
                    "the {} record keeps no `{key}` in this model; it can be asked about: {}",
                    office.as_str(),
                    keeps.join(", ")
                ),
                pos,
            ));
        }
    }
    Ok(RecordChecks {
        municipality: municipality.map(|l| l.value),
        address: address.map(|l| l.value),
        status: status.map(|l| l.value),
        period_expiry: period_expiry.map(|l| l.value.0),
        card_number: card_number.map(|l| l.value),
        name: name.map(|l| l.value),
        my_number: my_number.map(|l| l.value),
    })
}

/// A move-in must be at the municipality the resident's move-out named: a move-in elsewhere is
/// almost always a misspelling (`shibuyaa` after a move-out `to: shibuya`), which would
/// otherwise run as a move to a third municipality without a word. `steps` are in time order;
/// `municipality_at[i]` is where step `i` writes its municipality.
fn check_moves(steps: &[Step], municipality_at: &[Pos]) -> Result<(), DeError> {
    let mut leaving: BTreeMap<ResidentId, (&Municipality, usize)> = BTreeMap::new();
    for (st, at) in steps.iter().zip(municipality_at) {
        match &st.command {
            Command::NotifyMoveOut { to, .. } => {
                leaving.insert(st.resident, (to, st.line));
            }
            Command::NotifyMoveIn { municipality, .. } => {
                if let Some((to, line)) = leaving.remove(&st.resident)
                    && to != municipality
                {
                    let hint = match suggest::nearest(municipality.as_str(), &[to.as_str()]) {
                        Some(m) => format!("; did you mean `{m}`?"),
                        None => format!(
                            "; file the move-in at `{}`, or change the move-out's `to:`",
                            to.as_str()
                        ),
                    };
                    return Err(DeError::at(
                        format!(
                            "move-in at `{}`, but the move-out on line {line} was to `{}`{hint}",
                            municipality.as_str(),
                            to.as_str()
                        ),
                        *at,
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The municipality a step's command names (where it is filed, or where a move-out goes).
fn named_municipality(command: &Command) -> Option<&Municipality> {
    match command {
        Command::NotifyMoveOut { to, .. } => Some(to),
        Command::NotifyMoveIn { municipality, .. }
        | Command::NotifyResidence { municipality, .. } => Some(municipality),
        _ => None,
    }
}

/// A municipality a scenario names, unless it is a misspelling of one zairyu knows
/// (`model::municipality::NAMED`): a name outside that table but a typo away from one of its
/// keys (`shinjuk`, `setagayaa`) is refused where it is written, with the intended spelling, so a
/// misspelt name never runs as a municipality of its own without a word. A name no key is close
/// to is the scenario's own municipality (or the population's `other-NNN`) and is kept: a report
/// shows its key. Close means one edit, or one per four letters in a longer name, so that a
/// short real name zairyu does not list (`toda`, two edits from `soka`) is not taken for a typo.
fn known_municipality(m: Located<Municipality>) -> Result<Municipality, DeError> {
    use model::municipality::{NAMED, is_named};
    let name = m.value.as_str();
    if is_named(&m.value) || name.starts_with("other-") {
        return Ok(m.value);
    }
    let keys: Vec<&str> = NAMED.iter().map(|(key, _)| *key).collect();
    let limit = (name.chars().count() / 4).max(1);
    match suggest::nearest_within(name, &keys, limit) {
        Some(key) => Err(DeError::at(
            format!("unknown municipality `{name}`; did you mean `{key}`?"),
            m.pos,
        )),
        None => Ok(m.value),
    }
}

/// Why a step cannot be done on `date`: its counter (or, for a decision, the bureau) is closed
/// on an administrative holiday (docs/domain.md §5), and what to do about it.
fn closed_message(command: &Command, date: NaiveDate) -> String {
    use model::calendar::{ClosedDay, closed_day, next_business_day};
    use model::command::Place;
    use model::service::Office;
    let why = match closed_day(date) {
        Some(ClosedDay::Saturday) => "a Saturday".to_owned(),
        Some(ClosedDay::Sunday) => "a Sunday".to_owned(),
        Some(ClosedDay::NationalHoliday(name)) => format!("a national holiday ({name})"),
        Some(ClosedDay::YearEnd) => "in the year-end closure (12/29–1/3)".to_owned(),
        None => "a closed day".to_owned(),
    };
    let sunday = closed_day(date) == Some(ClosedDay::Sunday);
    let (what, hint) = match command.place() {
        Place::BureauDesk => (
            "the immigration bureau does not decide",
            "; or let the offices work every day with `policy: { switches: { offices_work: \
             every_day } }`",
        ),
        Place::Counter(Office::CityHall) => ("the city hall's window is closed", ""),
        Place::CardCounter => ("no counter is open to collect a card", ""),
        _ => ("the immigration bureau's counter is closed", ""),
    };
    let hint = match command.place() {
        Place::Counter(Office::CityHall) | Place::CardCounter if sunday => {
            "; or open the municipal windows on Sundays with `policy: { switches: { \
             sunday_counters: city_hall } }`"
        }
        _ => hint,
    };
    format!(
        "{what} on {date}, {why}: counters are closed on Saturdays, Sundays, national holidays \
         and 12/29–1/3 (docs/domain.md §5); the next business day is {}{hint}",
        next_business_day(date)
    )
}

/// The position of a top-level key, or the start of the file.
fn key_pos(doc: &Doc<'_>, key: &str) -> Pos {
    doc.entries(doc.root())
        .and_then(|es| es.iter().find(|e| e.key == key))
        .map_or(Pos::START, |e| e.key_pos)
}

/// The status as written in files (`student`).
fn status_name(status: Status) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{status:?}"))
}

/// Checks a resident entry and fills the defaults that depend on `start`.
fn resident_input(
    r: ResidentFile,
    start: NaiveDate,
    policy: &Policy,
) -> Result<ProfileInput, DeError> {
    let born_on = r.born_on.value.0;
    if born_on > start {
        return Err(DeError::at(
            format!("born_on {born_on} is after `start` {start}"),
            r.born_on.pos,
        ));
    }
    let status = r.status.value;
    let period_expiry = period_expiry(&r, born_on)?;
    let cards = CardReader {
        start,
        born_on,
        // A card issued a year before the run is the neutral default: old enough to be an
        // ordinary card, recent enough to be valid.
        default_issue: add_years_clamped(start, -1).max(born_on),
        policy,
        registered: r.registered,
    };
    let no_card = |what: &str, pos: Pos| {
        DeError::at(
            format!(
                "a {} resident is not a mid-to-long-term resident and holds no {what} (docs/domain.md §3): remove it",
                status_name(status)
            ),
            pos,
        )
    };
    // An arriving resident has nothing yet: the landing issues the card, the residence
    // notification registers them (§5.1).
    let arriving = r.arriving.as_ref().is_some_and(|a| a.value);
    if arriving {
        let extra = r
            .residence_card
            .as_ref()
            .map(|c| (c.pos, "residence_card"))
            .or(r.my_number_card.as_ref().map(|c| (c.pos, "my_number_card")));
        if let Some((pos, what)) = extra {
            return Err(DeError::at(
                format!(
                    "an arriving resident holds no {what} yet: remove it (the card comes with the `land` step)"
                ),
                pos,
            ));
        }
    }
    let card = match (status.is_card_holding(), r.residence_card) {
        _ if arriving => None,
        (true, Some(c)) => Some(cards.read(c, "residence_card")?),
        (true, None) => Some(CardInput {
            issued_on: cards.default_issue,
            valid_through: None,
            tokutei: false,
        }),
        (false, Some(c)) => return Err(no_card("residence card", c.pos)),
        (false, None) => None,
    };
    let my_number_card = match r.my_number_card {
        _ if arriving => None,
        Some(c) if !status.is_card_holding() => return Err(no_card("My Number card", c.pos)),
        Some(c) if card.is_some_and(|c| c.tokutei) => {
            return Err(DeError::at(
                "a Tokutei card carries the My Number functions: this resident holds no separate my_number_card (docs/domain.md §16.6)",
                c.pos,
            ));
        }
        Some(c) => Some(cards.read(c, "my_number_card")?),
        None => None,
    };
    let pending = match r.pending {
        Some(p) if arriving => {
            return Err(DeError::at(
                "an arriving resident has filed nothing with the bureau yet: remove `pending`",
                p.pos,
            ));
        }
        Some(p) => Some(pending_application(
            p.value,
            status,
            period_expiry,
            born_on,
            start,
        )?),
        None => None,
    };
    Ok(ProfileInput {
        name: r.name.unwrap_or_else(|| r.id.value.clone()),
        born_on,
        status,
        period_expiry,
        municipality: known_municipality(r.municipality)?,
        address: r.address,
        registered: r.registered && !arriving,
        card,
        my_number_card,
        pending,
    })
}

/// A resident's `pending:` application, checked against what the bureau would have accepted
/// when it was filed (`Case::file_application`): filed before the run and after the birth; an
/// extension or change of status only with a period of stay, filed by its expiry (no special
/// period otherwise, §9); a change of status names its new status, which is not permanent
/// residence (§5.6 is its own application); permanent residence not by a permanent resident.
fn pending_application(
    p: PendingFile,
    status: Status,
    period_expiry: Option<NaiveDate>,
    born_on: NaiveDate,
    start: NaiveDate,
) -> Result<FiledApplication, DeError> {
    let filed_on = p.filed_on.value.0;
    let at_filed = |message: String| Err(DeError::at(message, p.filed_on.pos));
    if filed_on >= start {
        return at_filed(format!(
            "a pending application is filed before `start` {start}, not on {filed_on}: a filing              from `start` on is a step"
        ));
    }
    if filed_on < born_on {
        return at_filed(format!("filed_on {filed_on} is before born_on {born_on}"));
    }
    let procedure = match p.procedure.value {
        PendingProcedure::Extension => Procedure::Extension,
        PendingProcedure::StatusChange => Procedure::StatusChange,
        PendingProcedure::PermanentResidence => Procedure::PermanentResidence,
    };
    let at_procedure = |message: String| Err(DeError::at(message, p.procedure.pos));
    match (procedure, period_expiry) {
        (Procedure::PermanentResidence, _) if status == Status::PermanentResident => {
            return at_procedure(
                "a permanent resident has no permanent residence to apply for".into(),
            );
        }
        (Procedure::PermanentResidence, _) => {}
        (_, None) => {
            return at_procedure(format!(
                "status {} has no period of stay to extend or change (docs/domain.md §5.4, §5.5)",
                status_name(status)
            ));
        }
        (_, Some(expiry)) if filed_on > expiry => {
            return at_filed(format!(
                "filed on {filed_on}, after the period of stay ended on {expiry}: an extension or                  change of status is filed by the expiry (docs/domain.md §9)"
            ));
        }
        _ => {}
    }
    let to = match (procedure, p.to) {
        (Procedure::StatusChange, None) => {
            return at_procedure(
                "a pending status_change needs `to:`, the status applied for".into(),
            );
        }
        (Procedure::StatusChange, Some(to)) if to.value == Status::PermanentResident => {
            return Err(DeError::at(
                "permanent residence is its own application: `procedure: permanent_residence`                  (docs/domain.md §5.6)",
                to.pos,
            ));
        }
        (Procedure::StatusChange, Some(to)) => Some(to.value),
        (_, Some(to)) => {
            return Err(DeError::at(
                "`to:` is the status applied for in a change of status only",
                to.pos,
            ));
        }
        (_, None) => None,
    };
    let channel = match p.channel {
        Some(c) if c.value == Channel::Airport => {
            return Err(DeError::at(
                "a residence application is filed at the counter or online, not at a port",
                c.pos,
            ));
        }
        Some(c) => c.value,
        None => Channel::Counter,
    };
    Ok(FiledApplication {
        procedure,
        to,
        channel,
        filed_on,
    })
}

/// The period of stay's expiry: required exactly for the statuses that have one, and after the
/// birth.
fn period_expiry(r: &ResidentFile, born_on: NaiveDate) -> Result<Option<NaiveDate>, DeError> {
    let status = r.status.value;
    let expiry = match (status.has_period_of_stay(), &r.period_expiry) {
        (true, Some(e)) => e,
        (true, None) => {
            return Err(DeError::at(
                format!(
                    "period_expiry is required for status {}",
                    status_name(status)
                ),
                r.status.pos,
            ));
        }
        (false, Some(e)) => {
            return Err(DeError::at(
                format!(
                    "status {} has no period of stay: remove period_expiry",
                    status_name(status)
                ),
                e.pos,
            ));
        }
        (false, None) => return Ok(None),
    };
    if expiry.value.0 <= born_on {
        return Err(DeError::at(
            format!(
                "period_expiry {} is not after born_on {born_on}",
                expiry.value.0
            ),
            expiry.pos,
        ));
    }
    Ok(Some(expiry.value.0))
}

/// Reads the cards a resident holds at the start, against the scenario's start, the
/// resident's birth and the policy.
struct CardReader<'a> {
    start: NaiveDate,
    born_on: NaiveDate,
    default_issue: NaiveDate,
    policy: &'a Policy,
    registered: bool,
}

impl CardReader<'_> {
    /// One card (`what` names its key): issued between the birth and the start (by default a
    /// year before the start), valid from its issue, Tokutei only where the rules allow one.
    fn read(&self, card: Located<CardFile>, what: &str) -> Result<CardInput, DeError> {
        let (start, born_on, policy) = (self.start, self.born_on, self.policy);
        let issued_on = match card.value.issued_on {
            Some(d) => {
                let v = d.value.0;
                if v > start {
                    return Err(DeError::at(
                        format!("{what}.issued_on {v} is after `start` {start}"),
                        d.pos,
                    ));
                }
                if v < born_on {
                    return Err(DeError::at(
                        format!("{what}.issued_on {v} is before born_on {born_on}"),
                        d.pos,
                    ));
                }
                v
            }
            None => self.default_issue,
        };
        let valid_through = match card.value.valid_through {
            Some(d) if d.value.0 < issued_on => {
                return Err(DeError::at(
                    format!(
                        "{what}.valid_through {} is before its issued_on {issued_on}",
                        d.value.0
                    ),
                    d.pos,
                ));
            }
            Some(d) => Some(d.value.0),
            None => None,
        };
        let tokutei = match card.value.tokutei {
            Some(t) if t.value && what != "residence_card" => {
                return Err(DeError::at(
                    format!("`tokutei` belongs on residence_card, not on {what}"),
                    t.pos,
                ));
            }
            Some(t) if t.value && policy.regime != Regime::Integrated => {
                return Err(DeError::at(
                    "a Tokutei card exists only under the integrated regime (docs/domain.md §3); set `policy: { regime: integrated }` or remove `tokutei`",
                    t.pos,
                ));
            }
            Some(t) if t.value && issued_on < policy.bureau_counters_from => {
                return Err(DeError::at(
                    format!(
                        "a Tokutei card cannot have been issued before {} (docs/domain.md §3); residence_card.issued_on is {issued_on}",
                        policy.bureau_counters_from
                    ),
                    t.pos,
                ));
            }
            Some(t) if t.value && !self.registered => {
                return Err(DeError::at(
                    "a Tokutei card holder must be recorded in the Basic Resident Register (docs/domain.md §3): remove `registered: false` or `tokutei`",
                    t.pos,
                ));
            }
            Some(t) => t.value,
            None => false,
        };
        Ok(CardInput {
            issued_on,
            valid_through,
            tokutei,
        })
    }
}
