//! From the raw file structs to a [`Scenario`]: defaults that need context, the checks a type
//! cannot express (ids, date ranges, fields that depend on the status), and the `model` values.
//!
//! Each check fails with the position of the value it is about, so the message can say "this
//! line, this column" for a semantic error just as serde does for a type error. A resident's
//! starting state is read in [`resident`], the municipalities a file names are checked in
//! [`municipality`]; this module puts the scenario together from them and the steps.

mod municipality;
mod resident;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use model::card::CardKind;
use model::card_number::ResidenceCardNumber;
use model::command::{Command, Decision, ResidentProfile};
use model::ids::{Municipality, ResidentId};
use model::policy::Policy;
use model::rules::card_law;
use serde::Deserialize;

use crate::format::{ExpectFile, OfficeRecordFile, RecordOffice, ResidentFile, ScenarioFile};
use crate::node::{DeError, Doc, Located, Pos};
use crate::problem::{ClosedHint, ClosedPlace, ClosedWhy, Problem, Referrer};
use crate::steps::{RawStep, StepNode};
use crate::{
    Checks, Expectation, Overrides, RecordChecks, ResidentSpec, Scenario, ScenarioError, Step,
    suggest,
};
use model::profile::{ProfileInput, build_profile};
use municipality::{check_moves, known_municipality, municipalities_of, named_municipality};
use resident::resident_input;

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
    let located =
        |e: DeError| ScenarioError::invalid(label, e.pos.unwrap_or(Pos::START), e.problem);
    let doc = Doc::parse(text).map_err(|e| ScenarioError::invalid(label, e.pos, e.problem))?;
    if doc.entries(doc.root()).is_none() {
        return Err(located(DeError::at(
            Problem::NotAScenario,
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
            Problem::UntilBeforeStart { until, start },
            file.until.pos,
        ));
    }
    let seed = overrides.seed.or(file.seed).unwrap_or(1);
    let mut policy = file.policy.unwrap_or_default();
    let written_for = policy.regime;
    if let Some(regime) = overrides.regime {
        policy.regime = regime;
    }
    if file.residents.is_empty() {
        return Err(DeError::at(Problem::NoResidents, key_pos(doc, "residents")));
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
        ja: file.ja.map(|j| crate::Japanese {
            name: j.name,
            description: j.description.unwrap_or_default().trim_end().to_owned(),
        }),
        source: String::new(),
        hash: String::new(),
        seed,
        start,
        until,
        policy,
        written_for,
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
    fn lookup(&self, who: &Located<String>, of: Referrer) -> Result<ResidentId, DeError> {
        match self.ids.get(&who.value) {
            Some((id, _)) => Ok(*id),
            None => {
                let choices: Vec<&str> = self.ids.keys().map(String::as_str).collect();
                Err(DeError::at(
                    Problem::UnknownResident {
                        of,
                        found: who.value.clone(),
                        nearest: suggest::nearest(&who.value, &choices).map(str::to_owned),
                        choices: choices.into_iter().map(str::to_owned).collect(),
                    },
                    who.pos,
                ))
            }
        }
    }

    /// A date of a step or an expectation must fall within `start..=until`.
    fn in_range(&self, on: &Located<NaiveDate>, of: Referrer) -> Result<(), DeError> {
        let (date, start, until) = (on.value, self.start, self.until);
        if date < start {
            Err(DeError::at(
                Problem::DateBeforeStart { of, date, start },
                on.pos,
            ))
        } else if date > until {
            Err(DeError::at(
                Problem::DateAfterUntil { of, date, until },
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
            let id = ResidentId(
                u32::try_from(index)
                    .map_err(|_| DeError::at(Problem::TooManyResidents, entry.pos))?,
            );
            let key = entry.value.id.value.clone();
            if key.trim().is_empty() {
                return Err(DeError::at(Problem::EmptyResidentId, entry.value.id.pos));
            }
            if let Some((_, first)) = self.ids.get(&key) {
                return Err(DeError::at(
                    Problem::DuplicateResidentId {
                        key,
                        line: first.line,
                    },
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
            let resident = self.lookup(&raw.resident, Referrer::Step)?;
            self.in_range(&raw.on, Referrer::Step)?;
            raws.push((raw, resident));
        }
        raws.sort_by_key(|(raw, _)| raw.at);
        let mut expiries: Vec<Option<NaiveDate>> =
            residents.iter().map(|r| r.profile.period_expiry).collect();
        let mut steps = Vec::with_capacity(raws.len());
        let mut municipality_at = Vec::with_capacity(raws.len());
        let mut decided_at = Vec::with_capacity(raws.len());
        for (raw, resident) in raws {
            let (at, line, on_pos) = (raw.at, raw.pos.line, raw.on.pos);
            municipality_at.push(raw.municipality_pos().unwrap_or(raw.pos));
            let decided_pos = raw.decided_on_pos().unwrap_or(on_pos);
            decided_at.push(decided_pos);
            let profile = &residents[resident.index()].profile;
            let command = raw.command(resident, profile, expiries[resident.index()])?;
            if !model::rules::can_be_done_on(policy, &command, at.date()) {
                return Err(DeError::at(closed(&command, at.date()), on_pos));
            }
            // A decision communicated later was made on a day the bureau decides, too.
            if let Some(decided) = command.decided_on()
                && !model::rules::can_be_done_on(policy, &command, decided)
            {
                return Err(DeError::at(closed(&command, decided), decided_pos));
            }
            if let Command::DecideExtension {
                decision: Decision::Grant { new_expiry },
                ..
            }
            | Command::DecideStatusChange {
                decision: Decision::Grant { new_expiry },
                ..
            }
            | Command::DecideStatusAcquisition {
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
        check_decision_days(&steps, &decided_at, residents)?;
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
            fees_paid_yen,
            signature_certificate,
            user_authentication_certificate,
        } = entry.value;
        let id = self.lookup(&resident, Referrer::Expectation)?;
        let on = Located {
            pos: on.pos,
            value: on.value.0,
        };
        self.in_range(&on, Referrer::Expectation)?;
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
                    Problem::NotTheirMunicipality {
                        municipality: m.as_str().to_owned(),
                        resident: resident.value.clone(),
                        nearest: suggest::nearest(m.as_str(), &names).map(str::to_owned),
                        theirs: names.into_iter().map(str::to_owned).collect(),
                    },
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
                fees_paid_yen,
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
                Problem::RecordKeepsNo {
                    office: office.as_str(),
                    key,
                    keeps: keeps.to_vec(),
                },
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

/// A decision dated before the application it decides was filed is refused at its
/// `decided_on` (`decided_at[i]` is where step `i` says it): the filing is the resident's
/// latest step filing that procedure, or the application pending at the start.
fn check_decision_days(
    steps: &[Step],
    decided_at: &[Pos],
    residents: &[ResidentSpec],
) -> Result<(), DeError> {
    let mut filed: BTreeMap<(ResidentId, model::procedure::Procedure), NaiveDate> = residents
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let p = r.profile.pending?;
            Some(((ResidentId(i as u32), p.procedure), p.filed_on))
        })
        .collect();
    for (st, pos) in steps.iter().zip(decided_at) {
        let Some(procedure) = st.command.procedure() else {
            continue;
        };
        match &st.command {
            Command::FileExtension { .. }
            | Command::FileStatusChange { .. }
            | Command::FilePermanentResidence { .. } => {
                filed.insert((st.resident, procedure), st.at.date());
            }
            command => {
                if let Some(decided) = command.decided_on()
                    && let Some(&on) = filed.get(&(st.resident, procedure))
                    && decided < on
                {
                    return Err(DeError::at(
                        Problem::DecidedBeforeFiled { decided, filed: on },
                        *pos,
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Why a step cannot be done on `date`: its counter (or, for a decision, the bureau) is closed
/// on an administrative holiday (docs/domain.md §5), and what to do about it.
fn closed(command: &Command, date: NaiveDate) -> Problem {
    use model::calendar::{ClosedDay, closed_day, next_business_day};
    use model::command::Place;
    use model::service::Office;
    let why = match closed_day(date) {
        Some(ClosedDay::Saturday) => ClosedWhy::Saturday,
        Some(ClosedDay::Sunday) => ClosedWhy::Sunday,
        Some(ClosedDay::NationalHoliday(name)) => ClosedWhy::Holiday(name.to_owned()),
        Some(ClosedDay::YearEnd) => ClosedWhy::YearEnd,
        None => ClosedWhy::Closed,
    };
    let sunday = why == ClosedWhy::Sunday;
    let (place, hint) = match command.place() {
        Place::BureauDesk => (ClosedPlace::BureauDecides, ClosedHint::EveryDay),
        Place::Counter(Office::CityHall) => (ClosedPlace::CityHall, ClosedHint::None),
        Place::CardCounter => (ClosedPlace::CardCounter, ClosedHint::None),
        _ => (ClosedPlace::BureauCounter, ClosedHint::None),
    };
    let hint = match command.place() {
        Place::Counter(Office::CityHall) | Place::CardCounter if sunday => {
            ClosedHint::SundayCityHall
        }
        Place::Counter(Office::ImmigrationBureau) if sunday => ClosedHint::SundayBureau,
        _ => hint,
    };
    Problem::Closed {
        place,
        date,
        why,
        next: next_business_day(date),
        hint,
    }
}

/// The position of a top-level key, or the start of the file.
fn key_pos(doc: &Doc<'_>, key: &str) -> Pos {
    doc.entries(doc.root())
        .and_then(|es| es.iter().find(|e| e.key == key))
        .map_or(Pos::START, |e| e.key_pos)
}
