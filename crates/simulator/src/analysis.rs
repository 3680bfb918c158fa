//! The analysis tables of a stored run: residents, their card records (at the end of the run,
//! and on request at other dates), their measures, and the notices the offices sent each other —
//! one row per fact, with text ids and plain columns, so that an analyst asks SQLite, pandas or
//! DuckDB a question instead of replaying forty event types.
//!
//! They are rebuilt from the log alone (a replay), never from the live run, so a table always
//! says what the log says, and `zairyu export` can rebuild them from any log, also one that has
//! none. The store keeps them beside the events ([`event_store::derived`]); the log hash does not
//! cover them. `docs/analysis.md` documents every column (a test checks it names each one).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use event_store::EventStore;
use event_store::derived::{Cell, Column, ColumnType, TableSpec};
use model::envelope::Envelope;
use model::policy::Policy;
use model::rules;
use model::validity::SpecialPeriodMyNumber;
use projection::Projections;
use projection::rows::{MeasuresRow, RecordRow};
use serde::Serialize;
use serde_json::Value;

use crate::log::from_record;
use crate::replay::{ReplayError, replay, replay_each};

const fn col(name: &'static str, kind: ColumnType, doc: &'static str) -> Column {
    Column { name, kind, doc }
}

use ColumnType::{Boolean, Integer, Text};

/// One row per resident.
pub const RESIDENTS: TableSpec = TableSpec {
    name: "residents",
    doc: "one row per resident of the run",
    columns: &[
        col(
            "resident",
            Text,
            "the resident's text id (the scenario's id, or R<index>)",
        ),
        col(
            "resident_index",
            Integer,
            "the resident's index in the log (0-based)",
        ),
        col("born_on", Text, "date of birth, when the log records it"),
        col(
            "status",
            Text,
            "status of residence at the end, as the bureau records it",
        ),
        col(
            "municipality",
            Text,
            "municipality at the end, as the city hall records it",
        ),
        col("events", Integer, "number of events about the resident"),
        col(
            "first_event_at",
            Text,
            "time of the first event (YYYY-MM-DDTHH:MM)",
        ),
        col(
            "last_event_at",
            Text,
            "time of the last event (YYYY-MM-DDTHH:MM)",
        ),
    ],
};

/// The columns of one office's view, after `prefix`.
macro_rules! view_columns {
    ($prefix:literal, $who:literal) => {
        [
            col(
                concat!($prefix, "status"),
                Text,
                concat!("status of residence in ", $who),
            ),
            col(
                concat!($prefix, "period_expiry"),
                Text,
                concat!("end of the period of stay in ", $who),
            ),
            col(
                concat!($prefix, "card_number"),
                Text,
                concat!("residence card number in ", $who),
            ),
            col(
                concat!($prefix, "municipality"),
                Text,
                concat!("municipality in ", $who),
            ),
            col(
                concat!($prefix, "address"),
                Text,
                concat!("address in ", $who),
            ),
        ]
    };
}

const BUREAU: [Column; 5] = view_columns!("bureau_", "the bureau's record");
const CITY_HALL: [Column; 5] = view_columns!("city_hall_", "the city hall's register");

const RECORD_COLUMNS: [Column; 28] = {
    let head = [
        col("resident", Text, "the resident's text id"),
        col("as_of", Text, "the day the record stands at the end of"),
        col(
            "card_kind",
            Text,
            "the residence card or SPR certificate held (machine name)",
        ),
        col("card_number", Text, "its number"),
        col("card_valid_through", Text, "its last valid day"),
        col(
            "card_valid",
            Boolean,
            "whether it is valid on as_of (special period included)",
        ),
        col(
            "my_number_card_valid_through",
            Text,
            "the separate My Number card's last day",
        ),
        col(
            "my_number_card_state",
            Text,
            "active, expired, invalidated or suspended",
        ),
        col(
            "tokutei_functions_valid_through",
            Text,
            "the Tokutei card's My Number functions' last day",
        ),
        col(
            "tokutei_functions_state",
            Text,
            "active, expired, invalidated or suspended",
        ),
        col(
            "has_my_number_functions",
            Boolean,
            "whether a card with My Number functions was ever held",
        ),
        col(
            "my_number_usable",
            Boolean,
            "whether My Number functions can be used on as_of",
        ),
        col(
            "lawfully_resident",
            Boolean,
            "whether the resident is lawfully resident on as_of",
        ),
        col(
            "special_period_until",
            Text,
            "last day of the special period running on as_of",
        ),
        col(
            "signature_certificate_through",
            Text,
            "last day of the signature certificate",
        ),
        col(
            "user_auth_certificate_through",
            Text,
            "last day of the user-authentication certificate",
        ),
        col("pin_locked", Boolean, "whether the card's PIN is locked"),
    ];
    let tail = col(
        "offices_disagree",
        Boolean,
        "whether the bureau's and the city hall's views differ",
    );
    let mut all = [tail; 28];
    let mut i = 0;
    while i < head.len() {
        all[i] = head[i];
        i += 1;
    }
    let mut j = 0;
    while j < 5 {
        all[head.len() + j] = BUREAU[j];
        all[head.len() + 5 + j] = CITY_HALL[j];
        j += 1;
    }
    all
};

/// One row per resident and day asked for: the card record at the end of that day.
pub const CARD_RECORDS: TableSpec = TableSpec {
    name: "card_records",
    doc: "one row per resident and day: the card record at the end of that day (the run's last \
          day, and any day asked for with --as-of)",
    columns: &RECORD_COLUMNS,
};

/// One row per resident: the measures over the whole run.
pub const MEASURES: TableSpec = TableSpec {
    name: "measures",
    doc: "one row per resident: what the run cost them, through its last day",
    columns: &[
        col("resident", Text, "the resident's text id"),
        col("through", Text, "the last day counted"),
        col(
            "visits_immigration_bureau",
            Integer,
            "visits to the immigration bureau",
        ),
        col("visits_city_hall", Integer, "visits to a city hall"),
        col("visits_police", Integer, "visits to the police"),
        col(
            "visits_call_centre",
            Integer,
            "calls to the card issuer's call centre",
        ),
        col(
            "my_number_outage_days",
            Integer,
            "days My Number functions could not be used",
        ),
        col(
            "inconsistency_days",
            Integer,
            "days the bureau's and city hall's views differed",
        ),
        col("special_period_days", Integer, "days in a special period"),
        col("deadline_misses", Integer, "notification deadlines missed"),
        col("refusals", Integer, "procedures refused"),
        col(
            "fees_paid_yen",
            Integer,
            "fees paid, in yen (a new My Number card)",
        ),
    ],
};

/// One row per notice one office sent another (domain.md §6, N1–N9).
pub const NOTIFICATIONS: TableSpec = TableSpec {
    name: "notifications",
    doc: "one row per notice an office sent another about an event (docs/domain.md §6)",
    columns: &[
        col(
            "global_seq",
            Integer,
            "the event's position in the log (events.global_seq)",
        ),
        col(
            "event_id",
            Text,
            "the event's id (a UUID, as in events_readable)",
        ),
        col(
            "sent_at",
            Text,
            "when the event was recorded (YYYY-MM-DDTHH:MM)",
        ),
        col(
            "delivered_at",
            Text,
            "when the notice reaches the other office (the policy's latency)",
        ),
        col("resident", Text, "the resident's text id"),
        col("event_type", Text, "the event (e.g. MoveInRecorded)"),
        col("from_office", Text, "the office that recorded the event"),
        col("to_office", Text, "the office told of it"),
        col(
            "code",
            Text,
            "the notification's number in docs/domain.md §6 (N1 … N9)",
        ),
    ],
};

/// Every analysis table, in the order they are written and exported.
pub const TABLES: [&TableSpec; 4] = [&RESIDENTS, &CARD_RECORDS, &MEASURES, &NOTIFICATIONS];

/// The run a log holds, as far as the tables need it (from its `run_meta`).
pub struct Run<'a> {
    pub start: NaiveDate,
    pub until: NaiveDate,
    pub policy: &'a Policy,
    /// The residents' text ids, by index.
    pub names: &'a [String],
}

/// The rows of every analysis table, in [`TABLES`] order.
pub struct Tables {
    pub rows: Vec<(&'static TableSpec, Vec<Vec<Cell>>)>,
}

/// A serialisable row as cells in `spec`'s column order: nested objects are flattened with
/// their field's name as a prefix (`bureau` → `bureau_status`), booleans become 0/1.
fn cells<T: Serialize>(row: &T, spec: &TableSpec) -> Vec<Cell> {
    let mut flat = BTreeMap::new();
    flatten(
        "",
        serde_json::to_value(row).unwrap_or(Value::Null),
        &mut flat,
    );
    spec.columns
        .iter()
        .map(|c| flat.remove(c.name).unwrap_or(Cell::Null))
        .collect()
}

fn flatten(prefix: &str, value: Value, out: &mut BTreeMap<String, Cell>) {
    let cell = match value {
        Value::Object(fields) => {
            for (k, v) in fields {
                flatten(&format!("{prefix}{k}_"), v, out);
            }
            return;
        }
        Value::Null | Value::Array(_) => Cell::Null,
        Value::Bool(b) => Cell::Int(i64::from(b)),
        Value::Number(n) => n.as_i64().map_or(Cell::Text(n.to_string()), Cell::Int),
        Value::String(s) => Cell::Text(s),
    };
    out.insert(prefix.trim_end_matches('_').to_owned(), cell);
}

fn minute(t: NaiveDateTime) -> Cell {
    Cell::Text(t.format("%Y-%m-%dT%H:%M").to_string())
}

fn text(s: Option<String>) -> Cell {
    s.map_or(Cell::Null, Cell::Text)
}

/// What a resident did in the log: how many events, and when the first and last were.
#[derive(Debug, Clone, Copy, Default)]
struct Activity {
    events: u64,
    first: Option<NaiveDateTime>,
    last: Option<NaiveDateTime>,
}

/// A log folded for its tables: every resident's record at the end of the run and on each
/// other day asked for, and their activity. It grows with the residents (and the days), never
/// with the events.
struct Folded {
    end: Projections,
    /// The other days of `as_of`, each with the records at its end.
    days: Vec<(NaiveDate, Projections)>,
    activity: Vec<Activity>,
}

impl Run<'_> {
    fn switch(&self) -> SpecialPeriodMyNumber {
        self.policy.switches.validity.special_period_my_number
    }

    /// Resident `i`'s text id: the run's name for them, or `R<index>`.
    fn name(&self, i: usize) -> String {
        self.names
            .get(i)
            .cloned()
            .unwrap_or_else(|| model::ids::ResidentId(i as u32).to_string())
    }

    /// Replays the log to the run's last day (handing every event to `on_event`) and to each
    /// other day of `as_of`.
    fn fold(
        &self,
        store: &EventStore,
        as_of: &[NaiveDate],
        mut on_event: impl FnMut(&Envelope),
    ) -> Result<Folded, ReplayError> {
        let mut activity: Vec<Activity> = Vec::new();
        let full = replay_each(store, self.start, self.until, None, self.switch(), |env| {
            let i = env.resident().index();
            if activity.len() <= i {
                activity.resize(i + 1, Activity::default());
            }
            let a = &mut activity[i];
            a.events += 1;
            a.first = a.first.or(Some(env.occurred_at));
            a.last = Some(env.occurred_at);
            on_event(&env);
        })?;
        let mut days = Vec::new();
        for &day in as_of.iter().filter(|&&d| d != self.until) {
            let at = replay(
                store,
                self.start,
                self.until,
                Some(day),
                self.switch(),
                false,
            )?;
            days.push((day, at.projections));
        }
        Ok(Folded {
            end: full.projections,
            days,
            activity,
        })
    }

    /// The rows of `notifications` for one event (none unless it is notified, §6).
    fn notification_rows(&self, env: &Envelope, rows: &mut Vec<Vec<Cell>>) {
        for n in rules::notified(&env.event) {
            let (_, delivered) =
                rules::notice_delivery(self.policy, env.service, n.to, env.occurred_at);
            rows.push(vec![
                Cell::Int(env.global_seq as i64),
                Cell::Text(env.event_id.to_string()),
                minute(env.occurred_at),
                minute(delivered),
                Cell::Text(self.name(env.resident().index())),
                Cell::Text(env.event.type_name().to_owned()),
                Cell::Text(env.service.as_str().to_owned()),
                Cell::Text(n.to.as_str().to_owned()),
                Cell::Text(n.code.to_owned()),
            ]);
        }
    }
}

impl Folded {
    fn residents<'a>(&'a self, run: &'a Run<'_>) -> impl Iterator<Item = Vec<Cell>> + 'a {
        self.end.records.iter().enumerate().map(move |(i, rec)| {
            let who = run.name(i);
            let row = RecordRow::of(rec, &who, run.until, run.switch());
            let a = self.activity.get(i).copied().unwrap_or_default();
            vec![
                Cell::Text(who),
                Cell::Int(i as i64),
                text(rec.born_on.map(|d| d.to_string())),
                text(row.bureau.status),
                text(row.city_hall.municipality),
                Cell::Int(a.events as i64),
                a.first.map_or(Cell::Null, minute),
                a.last.map_or(Cell::Null, minute),
            ]
        })
    }

    /// The records at the end of the run, then those of each other day.
    fn card_records<'a>(&'a self, run: &'a Run<'_>) -> impl Iterator<Item = Vec<Cell>> + 'a {
        std::iter::once((run.until, &self.end))
            .chain(self.days.iter().map(|(day, p)| (*day, p)))
            .flat_map(move |(day, p)| {
                p.records.iter().enumerate().map(move |(i, rec)| {
                    cells(
                        &RecordRow::of(rec, &run.name(i), day, run.switch()),
                        &CARD_RECORDS,
                    )
                })
            })
    }

    fn measures<'a>(&'a self, run: &'a Run<'_>) -> impl Iterator<Item = Vec<Cell>> + 'a {
        self.end
            .records
            .iter()
            .enumerate()
            .map(move |(i, rec)| cells(&MeasuresRow::of(rec, &run.name(i), run.until), &MEASURES))
    }
}

/// How many rows each analysis table got, in [`TABLES`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub rows: [u64; 4],
}

/// Writes every analysis table into the log in `store` (its writer), rebuilt from its events
/// like [`Tables::build`] but in memory that grows with the residents, never with the events:
/// the residents, card records and measures come from the replayed records, and the
/// notifications are made from the events as they are read back, in the transaction that
/// writes them. This is how a run stores its tables, a synthetic population's as a
/// scenario's. Each table replaces the one before whole.
pub fn write_tables(
    store: &mut EventStore,
    run: &Run<'_>,
    as_of: &[NaiveDate],
) -> Result<Written, ReplayError> {
    let _span = tracing::info_span!("analysis_tables", days = 1 + as_of.len()).entered();
    let folded = run.fold(store, as_of, |_| {})?;
    let residents = store.write_derived(&RESIDENTS, folded.residents(run))?;
    let card_records = store.write_derived(&CARD_RECORDS, folded.card_records(run))?;
    let measures = store.write_derived(&MEASURES, folded.measures(run))?;
    drop(folded);
    let notifications = store.write_derived_from_events(&NOTIFICATIONS, |rec, rows| {
        let env = from_record(&rec)?;
        // As the replay folds them: the events up to the end of the run's last day.
        if env.occurred_at.date() <= run.until {
            run.notification_rows(&env, rows);
        }
        Ok::<(), ReplayError>(())
    })?;
    tracing::info!(
        residents,
        card_records,
        notifications,
        "analysis tables written"
    );
    Ok(Written {
        rows: [residents, card_records, measures, notifications],
    })
}

impl Tables {
    /// Rebuilds every table from the log in `store`, in memory: a replay to the run's last day,
    /// and one to each day of `as_of` for more card records.
    pub fn build(
        store: &EventStore,
        run: &Run<'_>,
        as_of: &[NaiveDate],
    ) -> Result<Tables, ReplayError> {
        let _span = tracing::info_span!("analysis_tables", days = 1 + as_of.len()).entered();
        let mut notifications = Vec::new();
        let folded = run.fold(store, as_of, |env| {
            run.notification_rows(env, &mut notifications)
        })?;
        let rows = vec![
            (&RESIDENTS, folded.residents(run).collect()),
            (&CARD_RECORDS, folded.card_records(run).collect()),
            (&MEASURES, folded.measures(run).collect()),
            (&NOTIFICATIONS, notifications),
        ];
        tracing::info!(
            residents = folded.end.records.len(),
            "analysis tables rebuilt"
        );
        Ok(Tables { rows })
    }

    /// Writes every table into the log's file, each replacing the one before whole.
    pub fn write(self, store: &mut EventStore) -> Result<(), event_store::StoreError> {
        for (spec, rows) in self.rows {
            store.write_derived(spec, rows)?;
        }
        Ok(())
    }

    /// Reads the tables stored in the log, if it has all of them (a log written before they
    /// existed, or by a run that stopped, has none).
    pub fn read(store: &EventStore) -> Result<Option<Tables>, event_store::StoreError> {
        let mut rows = Vec::with_capacity(TABLES.len());
        for spec in TABLES {
            if !store.has_derived(spec.name)? {
                return Ok(None);
            }
            let mut table = Vec::new();
            store.read_derived(spec, |row| {
                table.push(row);
                Ok::<(), event_store::StoreError>(())
            })?;
            rows.push((spec, table));
        }
        Ok(Some(Tables { rows }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use projection::CardRecord;

    #[test]
    fn the_record_and_measure_columns_are_exactly_the_rows_fields() {
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let rec = CardRecord::default();
        let switch = model::validity::SpecialPeriodMyNumber::default();
        let mut flat = BTreeMap::new();
        flatten(
            "",
            serde_json::to_value(RecordRow::of(&rec, "a", day, switch)).unwrap(),
            &mut flat,
        );
        let names: Vec<&str> = CARD_RECORDS.columns.iter().map(|c| c.name).collect();
        assert_eq!(
            flat.keys()
                .map(String::as_str)
                .collect::<std::collections::BTreeSet<_>>(),
            names.iter().copied().collect()
        );
        let mut flat = BTreeMap::new();
        flatten(
            "",
            serde_json::to_value(MeasuresRow::of(&rec, "a", day)).unwrap(),
            &mut flat,
        );
        let names: Vec<&str> = MEASURES.columns.iter().map(|c| c.name).collect();
        assert_eq!(
            flat.keys()
                .map(String::as_str)
                .collect::<std::collections::BTreeSet<_>>(),
            names.iter().copied().collect()
        );
        // A flattened row keeps its values: text, 0/1 and absent ones.
        let row = cells(&RecordRow::of(&rec, "a", day, switch), &CARD_RECORDS);
        assert_eq!(row[0], Cell::Text("a".into()));
        assert_eq!(row[1], Cell::Text("2026-07-01".into()));
        assert_eq!(row[2], Cell::Null);
        assert_eq!(row[5], Cell::Int(0));
    }
}
