//! The difference between two event logs, as plain data: where they first differ (with the
//! events around it), and, for every resident, which kinds of event one log holds and the other
//! does not. `zairyu diff A.db B.db` computes it from two stored logs; `report::log_diff` says
//! it in English or Japanese, as text or JSON.
//!
//! Two events are the same fact when they happened at the same time, at the same office, and
//! say the same thing ([`same_fact`]); their ids, sequence numbers and stream versions are the
//! bookkeeping of one log and are never compared, so two runs of the same inputs are identical
//! even when their logs were written in different formats.

use std::collections::BTreeMap;

use model::envelope::Envelope;
use model::event::Event;
use model::ids::ResidentId;
use serde::Serialize;

/// Whether two events record the same fact: the same time, office and event (payload). The
/// bookkeeping of a log (event ids, `global_seq`, stream versions, causation ids) is ignored.
pub fn same_fact(a: &Envelope, b: &Envelope) -> bool {
    a.occurred_at == b.occurred_at && a.service == b.service && a.event == b.event
}

/// Where two logs first differ, with the events around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FirstDifference {
    /// The position (0-based) of the first differing event in the compared sequences.
    pub index: usize,
    /// The events both logs share just before it (at most the context asked for), oldest first.
    pub before: Vec<Envelope>,
    /// The events of log A from the first difference on (at most the context asked for).
    pub a: Vec<Envelope>,
    /// The events of log B from the first difference on.
    pub b: Vec<Envelope>,
}

/// How the logs differ in one kind of event for one resident: the events of that kind in one
/// log that have no identical fact in the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindDifference {
    /// The event type's stable name (`PeriodOfStayExtended`).
    pub event_type: &'static str,
    /// One of the differing events, for the report to name the kind in either language.
    #[serde(skip)]
    pub example: Event,
    pub only_in_a: u64,
    pub only_in_b: u64,
}

/// How one resident's events differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResidentDifference {
    pub resident: ResidentId,
    /// When the resident's own events first differ (the earlier of the two sides' events
    /// there).
    pub first_at: chrono::NaiveDateTime,
    /// By event kind, in the order the kinds first appear in the differences.
    pub kinds: Vec<KindDifference>,
}

/// The difference between two logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogDiff {
    /// Events compared on each side (after the selection of a resident, if any).
    pub compared: [usize; 2],
    /// `None`: the logs record the same facts in the same order.
    pub first: Option<FirstDifference>,
    /// Every resident whose events differ, by resident id.
    pub residents: Vec<ResidentDifference>,
    /// Residents compared: those with an event in either log.
    pub residents_compared: usize,
}

impl LogDiff {
    /// Whether the two logs record the same facts in the same order.
    pub fn identical(&self) -> bool {
        self.first.is_none()
    }

    /// Events only in A, and only in B, over every resident and kind.
    pub fn only(&self) -> [u64; 2] {
        self.residents
            .iter()
            .flat_map(|r| &r.kinds)
            .fold([0, 0], |[a, b], k| [a + k.only_in_a, b + k.only_in_b])
    }
}

/// Compares two logs: the first position at which they differ, with up to `context` events
/// before it and after it on each side, and the differences of every resident by event kind.
pub fn diff_logs(a: &[Envelope], b: &[Envelope], context: usize) -> LogDiff {
    let index = a
        .iter()
        .zip(b)
        .position(|(x, y)| !same_fact(x, y))
        .unwrap_or(a.len().min(b.len()));
    let first = (index < a.len().max(b.len())).then(|| FirstDifference {
        index,
        before: a[index.saturating_sub(context)..index].to_vec(),
        a: a.iter().skip(index).take(context.max(1)).cloned().collect(),
        b: b.iter().skip(index).take(context.max(1)).cloned().collect(),
    });
    let (ra, rb) = (by_resident(a), by_resident(b));
    let mut ids: Vec<ResidentId> = ra.keys().chain(rb.keys()).copied().collect();
    ids.sort();
    ids.dedup();
    let residents_compared = ids.len();
    let residents = ids
        .into_iter()
        .filter_map(|r| {
            let empty = Vec::new();
            resident_difference(
                r,
                ra.get(&r).unwrap_or(&empty),
                rb.get(&r).unwrap_or(&empty),
            )
        })
        .collect();
    LogDiff {
        compared: [a.len(), b.len()],
        first,
        residents,
        residents_compared,
    }
}

/// Each resident's events, in log order.
fn by_resident(log: &[Envelope]) -> BTreeMap<ResidentId, Vec<&Envelope>> {
    let mut m: BTreeMap<ResidentId, Vec<&Envelope>> = BTreeMap::new();
    for e in log {
        m.entry(e.event.resident()).or_default().push(e);
    }
    m
}

/// One resident's differences: each event of A matched with an identical, not yet matched fact
/// of B (a multiset difference, so an event that merely moved within the log still counts as
/// shared), and the rest counted by kind.
fn resident_difference(
    resident: ResidentId,
    a: &[&Envelope],
    b: &[&Envelope],
) -> Option<ResidentDifference> {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| !same_fact(x, y))
        .unwrap_or(a.len().min(b.len()));
    let first_at = [a.get(at), b.get(at)]
        .into_iter()
        .flatten()
        .map(|e| e.occurred_at)
        .min()?;
    let mut matched = vec![false; b.len()];
    let mut only_a = Vec::new();
    for x in a {
        match (0..b.len()).find(|&j| !matched[j] && same_fact(x, b[j])) {
            Some(j) => matched[j] = true,
            None => only_a.push(*x),
        }
    }
    let only_b = b
        .iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
        .map(|(y, _)| *y);
    let mut kinds: Vec<KindDifference> = Vec::new();
    let mut count = |e: &Envelope, side: usize| {
        let name = e.event.type_name();
        let k = match kinds.iter().position(|k| k.event_type == name) {
            Some(i) => &mut kinds[i],
            None => {
                kinds.push(KindDifference {
                    event_type: name,
                    example: e.event.clone(),
                    only_in_a: 0,
                    only_in_b: 0,
                });
                kinds.last_mut().expect("just pushed")
            }
        };
        if side == 0 {
            k.only_in_a += 1;
        } else {
            k.only_in_b += 1;
        }
    };
    for e in only_a {
        count(e, 0);
    }
    for e in only_b {
        count(e, 1);
    }
    Some(ResidentDifference {
        resident,
        first_at,
        kinds,
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use model::service::Service;
    use uuid::Uuid;

    use super::*;

    /// An extension granted to `resident` through `year`, recorded on `day` of July 2026, with
    /// the bookkeeping of position `seq` in its log.
    fn granted(resident: u32, day: u32, year: i32, seq: u64) -> Envelope {
        Envelope {
            global_seq: seq,
            event_id: Uuid::from_u64_pair(seq, u64::from(resident)),
            service: Service::ImmigrationBureau,
            stream_version: seq as u32,
            occurred_at: NaiveDate::from_ymd_opt(2026, 7, day)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
            effective_on: None,
            correlation_id: Uuid::from_u64_pair(0, seq),
            causation_id: None,
            event: Event::ExtensionGranted {
                resident: ResidentId(resident),
                new_expiry: NaiveDate::from_ymd_opt(year, 7, 31).unwrap(),
            },
        }
    }

    #[test]
    fn the_same_facts_with_other_ids_are_identical() {
        let a = [granted(0, 1, 2029, 1), granted(1, 2, 2029, 2)];
        let mut b = a.clone();
        b[0].event_id = Uuid::nil();
        b[1].global_seq = 9;
        let d = diff_logs(&a, &b, 3);
        assert!(d.identical() && d.residents.is_empty(), "{d:?}");
        assert_eq!(d.residents_compared, 2);
    }

    #[test]
    fn the_first_difference_has_its_context_and_each_resident_its_kinds() {
        let a = [
            granted(0, 1, 2029, 1),
            granted(1, 2, 2029, 2),
            granted(0, 3, 2029, 3),
            granted(1, 4, 2029, 4),
        ];
        // Resident 1's second grant is for another year; resident 0's events only swap places
        // in the log (at the same times, so the log's order differs but not the facts).
        let b = [
            granted(0, 1, 2029, 1),
            granted(0, 3, 2029, 2),
            granted(1, 2, 2029, 3),
            granted(1, 4, 2030, 4),
        ];
        let d = diff_logs(&a, &b, 1);
        let first = d.first.as_ref().expect("they differ");
        assert_eq!(first.index, 1);
        assert_eq!(first.before, a[..1]);
        assert_eq!(
            (first.a.as_slice(), first.b.as_slice()),
            (&a[1..2], &b[1..2])
        );
        // Resident 0 has the same events; resident 1 one grant on each side alone.
        assert_eq!(d.residents.len(), 1, "{:?}", d.residents);
        let r = &d.residents[0];
        assert_eq!(r.resident, ResidentId(1));
        assert_eq!(r.first_at, a[3].occurred_at);
        assert_eq!(r.kinds.len(), 1);
        assert_eq!(
            (
                r.kinds[0].event_type,
                r.kinds[0].only_in_a,
                r.kinds[0].only_in_b
            ),
            ("ExtensionGranted", 1, 1)
        );
        assert_eq!(d.only(), [1, 1]);
    }

    #[test]
    fn a_log_that_stops_early_differs_where_it_stops() {
        let a = [granted(0, 1, 2029, 1), granted(0, 2, 2029, 2)];
        let d = diff_logs(&a, &a[..1], 3);
        let first = d.first.expect("they differ");
        assert_eq!((first.index, first.a.len(), first.b.len()), (1, 1, 0));
        assert_eq!(d.residents[0].kinds[0].only_in_a, 1);
    }
}
