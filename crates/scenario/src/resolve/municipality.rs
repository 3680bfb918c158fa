//! The municipalities a scenario names: each must be one zairyu knows or a name of the
//! scenario's own that is no near miss of a known one, and a move-in must be where the
//! move-out said. A misspelt municipality would otherwise run as a third municipality without a
//! word, so every check here fails at the position where the name is written.

use std::collections::BTreeMap;

use model::command::Command;
use model::ids::{Municipality, ResidentId};

use crate::node::{DeError, Located, Pos};
use crate::problem::Problem;
use crate::{ResidentSpec, Step, suggest};

/// The municipalities the file gives resident `id`: where they live at the start and every
/// municipality their steps name (a move-out's `to`, a move-in's or residence notification's
/// `municipality`), in which a city-hall visit can be counted.
pub(super) fn municipalities_of(
    id: ResidentId,
    residents: &[ResidentSpec],
    steps: &[Step],
) -> Vec<Municipality> {
    let mut known = vec![residents[id.index()].profile.municipality];
    for st in steps.iter().filter(|st| st.resident == id) {
        match &st.command {
            Command::NotifyMoveOut { to, .. } => known.push(*to),
            Command::NotifyMoveIn { municipality, .. }
            | Command::NotifyResidence { municipality, .. }
            | Command::NotifyBirth { municipality, .. } => known.push(*municipality),
            _ => {}
        }
    }
    known.sort();
    known.dedup();
    known
}

/// A move-in must be at the municipality the resident's move-out named: a move-in elsewhere is
/// almost always a misspelling (`shibuyaa` after a move-out `to: shibuya`), which would
/// otherwise run as a move to a third municipality without a word. `steps` are in time order;
/// `municipality_at[i]` is where step `i` writes its municipality.
pub(super) fn check_moves(steps: &[Step], municipality_at: &[Pos]) -> Result<(), DeError> {
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
                    return Err(DeError::at(
                        Problem::MoveInElsewhere {
                            at: municipality.as_str().to_owned(),
                            line,
                            to: to.as_str().to_owned(),
                            nearest: suggest::nearest(municipality.as_str(), &[to.as_str()])
                                .map(str::to_owned),
                        },
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
pub(super) fn named_municipality(command: &Command) -> Option<&Municipality> {
    match command {
        Command::NotifyMoveOut { to, .. } => Some(to),
        Command::NotifyMoveIn { municipality, .. }
        | Command::NotifyResidence { municipality, .. }
        | Command::NotifyBirth { municipality, .. } => Some(municipality),
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
pub(super) fn known_municipality(m: Located<Municipality>) -> Result<Municipality, DeError> {
    use model::municipality::{NAMED, is_named};
    let name = m.value.as_str();
    if is_named(&m.value) || name.starts_with("other-") {
        return Ok(m.value);
    }
    let keys: Vec<&str> = NAMED.iter().map(|(key, _)| *key).collect();
    let limit = (name.chars().count() / 4).max(1);
    match suggest::nearest_within(name, &keys, limit) {
        Some(key) => Err(DeError::at(
            Problem::UnknownMunicipality {
                name: name.to_owned(),
                key: key.to_owned(),
            },
            m.pos,
        )),
        None => Ok(m.value),
    }
}
