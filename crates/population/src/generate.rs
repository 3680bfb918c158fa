//! Generating one resident: its facts (status, age, period of stay, cards, municipality) and the
//! steps of the procedures it does during the year, each procedure from its own range of the
//! resident's stream, packed into compact records.

use chrono::NaiveDate;
use model::calendar::{add_years_clamped, closed_day, next_business_day};
use model::procedure::ChangedItem;
use model::profile::residence_document_valid_through;
use model::rules;
use model::status::Status;
use model::validity::{CardLaw, ValiditySwitches};
use sha2::{Digest, Sha256};

use crate::ProcedureKind;
use crate::draw::{Draw, days};
use crate::tables::{
    ARRIVAL_PORTS, ARRIVAL_STATUSES, AT_EXPIRY, BIRTH_STATUSES, LATE_BIRTH_NOTIFICATION_PER_MILLE,
    LATE_RESIDENCE_NOTIFICATION_PER_MILLE, LATE_STATUS_ACQUISITION_PER_MILLE,
    MY_NUMBER_CARD_PER_MILLE, PRESENT_CARD_AT_MOVE_IN_PER_MILLE, STATUS_CHANGE_TARGETS, STATUSES,
    municipalities, periods_of,
};

/// A resident's facts, compactly; the profile is built from them on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Resident {
    pub(crate) global: u32,
    pub(crate) born_on: NaiveDate,
    pub(crate) status: Status,
    pub(crate) period_expiry: Option<NaiveDate>,
    pub(crate) card_issued: NaiveDate,
    pub(crate) my_number_card_issued: Option<NaiveDate>,
    pub(crate) municipality: u16,
    pub(crate) address: u16,
    /// An arrival during the year: lands on this day, holding nothing before (§5.1).
    pub(crate) lands_on: Option<NaiveDate>,
}

/// What a step does, with its arguments packed into [`CompactStep`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub(crate) enum StepKind {
    /// `FileExtension`; the agent decides the Tokutei application.
    FileExtension,
    /// `DecideExtension`, granted to `start + day`.
    GrantExtension,
    /// `NotifyMoveWithinMunicipality` to address `a`, moved on `start + day`.
    MoveWithin,
    /// `NotifyMoveOut` to municipality `a`, planned for `start + day`.
    MoveOut,
    /// `NotifyMoveIn` at municipality `a`, address `b`, moved on `start + day`; `flag` = presents
    /// the My Number card.
    MoveIn,
    /// `FileStatusChange` to `STATUS_CHANGE_TARGETS[a]`; the agent decides the Tokutei application.
    FileStatusChange,
    /// `DecideStatusChange`, granted to `start + day`.
    GrantStatusChange,
    /// `FilePermanentResidence`; the agent decides the Tokutei application.
    FilePermanentResidence,
    /// `DecidePermanentResidence`, granted.
    GrantPermanentResidence,
    /// `ReportLoss` to the police, lost on `start + day`.
    ReportLoss,
    /// `RequestReissue` after a loss learned of on `start + day` and reported `a` days later;
    /// `flag` = an SPR certificate, reissued at the municipality.
    ReissueAfterLoss,
    /// `FileCardRenewal` at the bureau (§5.7); the agent decides the Tokutei application.
    FileCardRenewal,
    /// `RenewSprCertificate` at the municipality (§5.8); the agent decides the Tokutei
    /// application.
    RenewSprCertificate,
    /// `RequestReissue` for damage (§5.10); `flag` = an SPR certificate, at the municipality;
    /// the agent decides the Tokutei application.
    ReissueDamaged,
    /// `NotifyItemChange` of `CHANGED_ITEMS[a]`, changed on `start + day`; `flag` = an SPR, at
    /// the municipality; the agent decides the Tokutei application.
    ItemChange,
    /// `UpdateMyNumberCardItems` at the municipality; the agent skips it when the resident
    /// holds no separate My Number card by then.
    UpdateMyNumberCard,
    /// `LockPin`: the user-authentication PIN mistyped until it locks.
    LockPin,
    /// `ResetPin` at the municipality; the agent skips it when the PIN is not locked.
    ResetPin,
    /// `Land` at `ARRIVAL_PORTS[a]` (§5.1).
    Land,
    /// `NotifyResidence` after landing on `start + day`, at the resident's municipality and
    /// address (§5.1); the agent presents the card handed over at the port, if any, and decides
    /// the Tokutei application.
    NotifyResidence,
    /// `NotifyDeparture` at the resident's municipality, leaving on `start + day` (§5.14); the
    /// agent skips it for the residents who leave without the notice.
    NotifyDeparture,
    /// `Depart` at `ARRIVAL_PORTS[a]` (§5.14): the last step of the resident.
    Depart,
    /// `NotifyBirth` of a child born on `start + day`, at its municipality and address (§5.15).
    NotifyBirth,
    /// `FileStatusAcquisition` for `BIRTH_STATUSES[a]` (§5.15); the agent decides the Tokutei
    /// application.
    FileStatusAcquisition,
    /// `DecideStatusAcquisition`, granted to `start + day`.
    GrantStatusAcquisition,
}

/// One step in 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CompactStep {
    /// Minutes after 00:00 on the start day.
    pub(crate) minute: u32,
    /// Position of the resident in this population (its `ResidentId`).
    pub(crate) local: u32,
    pub(crate) kind: StepKind,
    /// Which table row (procedure) of the resident the step belongs to.
    pub(crate) procedure: u8,
    pub(crate) flag: bool,
    /// Days after the start day.
    pub(crate) day: u16,
    pub(crate) a: u16,
    pub(crate) b: u16,
}

/// The procedure row numbers: 0 is the at-expiry choice, then one per [`DURING_YEAR`] row.
pub(crate) const AT_EXPIRY_PROCEDURE: u8 = 0;

/// The procedure number of a card's renewal when it falls due (not a table row: every card
/// that falls due is renewed). Far above the rows, so that a new row never takes it.
pub(crate) const CARD_RENEWAL_PROCEDURE: u8 = 200;

/// The procedure number of an arrival's landing and first residence notification.
pub(crate) const ARRIVAL_PROCEDURE: u8 = 201;

/// The procedure number of a newborn's birth notification and status acquisition.
pub(crate) const BIRTH_PROCEDURE: u8 = 202;

/// A resident's SHA-256 over its facts and steps, as a 128-bit number.
///
/// The bytes are gathered in one buffer and hashed at once, the dates written by
/// `model::date_text::write_iso` (chrono's own text, without its formatter): the same bytes as
/// the digest always hashed, so the same digest, for a fraction of the instructions — this runs
/// for every resident of every part of a national what-if.
pub(crate) fn resident_digest(r: &Resident, steps: &[CompactStep]) -> u128 {
    let mut bytes = Vec::with_capacity(96 + steps.len() * 15);
    let date = |bytes: &mut Vec<u8>, d: NaiveDate| match model::date_text::write_iso(d) {
        Some(text) => bytes.extend_from_slice(&text),
        None => bytes.extend_from_slice(d.to_string().as_bytes()),
    };
    bytes.extend_from_slice(&r.global.to_le_bytes());
    date(&mut bytes, r.born_on);
    bytes.extend_from_slice(serde_plain(r.status).as_bytes());
    if let Some(d) = r.period_expiry {
        date(&mut bytes, d);
    }
    date(&mut bytes, r.card_issued);
    if let Some(d) = r.my_number_card_issued {
        date(&mut bytes, d);
    }
    bytes.extend_from_slice(&r.municipality.to_le_bytes());
    bytes.extend_from_slice(&r.address.to_le_bytes());
    if let Some(d) = r.lands_on {
        date(&mut bytes, d);
    }
    for s in steps {
        bytes.extend_from_slice(&s.minute.to_le_bytes());
        bytes.extend_from_slice(&[s.kind as u8, s.procedure, u8::from(s.flag)]);
        bytes.extend_from_slice(&s.day.to_le_bytes());
        bytes.extend_from_slice(&s.a.to_le_bytes());
        bytes.extend_from_slice(&s.b.to_le_bytes());
    }
    let digest = Sha256::digest(&bytes);
    u128::from_le_bytes(digest[..16].try_into().expect("16 bytes"))
}

pub(crate) fn resident(
    draw: &mut Draw,
    global: u32,
    start: NaiveDate,
    cutoff: NaiveDate,
) -> Resident {
    let weights: Vec<(Status, u32)> = STATUSES.iter().map(|r| (r.status, r.residents)).collect();
    let row = &STATUSES[draw.weighted(&weights)];
    let band = row.ages[draw.weighted(
        &row.ages
            .iter()
            .map(|&(lo, hi, w)| ((lo, hi), w))
            .collect::<Vec<_>>(),
    )];
    let age = draw.between(u32::from(band.0), u32::from(band.1)) as i32;
    let born_on = (add_years_clamped(start, -age) - days(draw.below(365))).min(cutoff);
    let status = row.status;
    let period = (!row.periods.is_empty()).then(|| {
        let years = u32::from(row.periods[draw.weighted(row.periods)].0);
        // The expiry falls uniformly within the period granted last time.
        let expiry = start + days(draw.between(1, years * 365));
        (years, expiry)
    });
    let card_issued = match period {
        // Issued at the last grant.
        Some((years, expiry)) => add_years_clamped(expiry, -(years as i32)),
        // PR and SPR cards run about 7 years under the old law: issued within those years.
        None => start - days(draw.below(7 * 365 - 30)),
    }
    .clamp(born_on, cutoff);
    // Issued within the last four years, so that few have lapsed before the run.
    let my_number_card_issued = draw
        .per_mille(MY_NUMBER_CARD_PER_MILLE)
        .then(|| (cutoff - days(draw.below(4 * 365))).max(born_on));
    Resident {
        global,
        born_on,
        status,
        period_expiry: period.map(|p| p.1),
        card_issued,
        my_number_card_issued,
        municipality: draw.municipality(),
        address: draw.address(),
        lands_on: None,
    }
}

/// A resident who arrives during the year (§5.1), from its own stream: a status of
/// [`ARRIVAL_STATUSES`], an age of that status's profile, a landing on a business day of the
/// first 350, a period of stay of the status counted from the landing, a municipality and an
/// address; no card and no My Number card before the landing.
pub(crate) fn arrival(draw: &mut Draw, global: u32, start: NaiveDate) -> Resident {
    let status = ARRIVAL_STATUSES[draw.weighted(ARRIVAL_STATUSES)].0;
    let row = STATUSES
        .iter()
        .find(|r| r.status == status)
        .expect("every arrival status is in the status table");
    let band = row.ages[draw.weighted(
        &row.ages
            .iter()
            .map(|&(lo, hi, w)| ((lo, hi), w))
            .collect::<Vec<_>>(),
    )];
    let age = draw.between(u32::from(band.0), u32::from(band.1)) as i32;
    let born_on = add_years_clamped(start, -age) - days(draw.below(365));
    let lands_on = next_business_day(start + days(draw.below(350)));
    let periods = periods_of(status);
    let years = periods[draw.weighted(periods)].0;
    Resident {
        global,
        born_on: born_on.min(lands_on),
        status,
        period_expiry: Some(add_years_clamped(lands_on, i32::from(years))),
        card_issued: lands_on,
        my_number_card_issued: None,
        municipality: draw.municipality(),
        address: draw.address(),
        lands_on: Some(lands_on),
    }
}

/// An arrival's steps: the landing at a port of [`ARRIVAL_PORTS`] (the card handed over there
/// at the seven airports, else mailed after the notification), and the first residence
/// notification at the municipality 1–13 days later — 15–30 days for
/// [`LATE_RESIDENCE_NOTIFICATION_PER_MILLE`] of them (`DeadlineMissed`, §10) — where a Tokutei
/// application may ride on it under the reform (§5.1) [assumption: timing].
pub(crate) fn arrival_steps(draw: &mut Draw, ctx: &Ctx<'_>, p: u8, steps: &mut Vec<CompactStep>) {
    let Some(lands_on) = ctx.resident.lands_on else {
        return;
    };
    let port = draw.weighted(ARRIVAL_PORTS) as u16;
    let step = Planned::new(StepKind::Land, lands_on, lands_on);
    ctx.push(draw, steps, p, step.with(port, 0, false));
    let after = if draw.per_mille(LATE_RESIDENCE_NOTIFICATION_PER_MILLE) {
        draw.between(15, 30)
    } else {
        draw.between(1, 13)
    };
    // Never the landing's day: the notification comes after the landing whatever its time.
    let on = next_business_day(lands_on + days(after)).max(lands_on + days(1));
    let step = Planned::new(StepKind::NotifyResidence, on, lands_on);
    ctx.push(draw, steps, p, step);
}

/// A child born in Japan during the year (§5.15), from its own stream: born on a day of the
/// first 350 (any day of the week), a transitional stayer with no status, card or My Number
/// card, unregistered until its birth notification, in a municipality and at an address drawn
/// as for any resident.
pub(crate) fn birth(draw: &mut Draw, global: u32, start: NaiveDate) -> Resident {
    let born_on = start + days(draw.below(350));
    Resident {
        global,
        born_on,
        status: Status::TransitionalStayer,
        period_expiry: None,
        card_issued: born_on,
        my_number_card_issued: None,
        municipality: draw.municipality(),
        address: draw.address(),
        lands_on: None,
    }
}

/// A newborn's steps (§5.15): the birth notification (出生届) 3–10 days after the birth — 15–25
/// days for [`LATE_BIRTH_NOTIFICATION_PER_MILLE`] of them, past the 14 days (`DeadlineMissed`,
/// §10) — then the application for a status of [`BIRTH_STATUSES`] at the bureau at least two
/// days after the notification (so that the municipality's notice N1 has reached the bureau)
/// and by the 28th day — 31–50 days for [`LATE_STATUS_ACQUISITION_PER_MILLE`] of them, past the
/// 30 days but within the 60 — and the grant 7–30 days after the filing, with a period of the
/// status's table counted from the grant [assumption: timing].
pub(crate) fn birth_steps(draw: &mut Draw, ctx: &Ctx<'_>, p: u8, steps: &mut Vec<CompactStep>) {
    let born_on = ctx.resident.born_on;
    let after = if draw.per_mille(LATE_BIRTH_NOTIFICATION_PER_MILLE) {
        draw.between(15, 25)
    } else {
        draw.between(3, 10)
    };
    let notified_on = next_business_day(born_on + days(after));
    let step = Planned::new(StepKind::NotifyBirth, notified_on, born_on);
    ctx.push(draw, steps, p, step);
    let target = draw.weighted(BIRTH_STATUSES);
    let earliest = notified_on + days(2);
    let filed_on = if draw.per_mille(LATE_STATUS_ACQUISITION_PER_MILLE) {
        born_on + days(draw.between(31, 50))
    } else {
        let from = u32::try_from((earliest - born_on).num_days()).unwrap_or(0);
        born_on + days(draw.between(from.min(28), 28))
    }
    .max(earliest);
    let step = Planned::new(StepKind::FileStatusAcquisition, filed_on, filed_on);
    ctx.push(draw, steps, p, step.with(target as u16, 0, false));
    let decided_on = next_business_day(filed_on) + days(draw.between(7, 30));
    let periods = periods_of(BIRTH_STATUSES[target].0);
    let years = periods[draw.weighted(periods)].0;
    let new_expiry = add_years_clamped(decided_on, i32::from(years));
    let step = Planned::new(StepKind::GrantStatusAcquisition, decided_on, new_expiry);
    ctx.push(draw, steps, p, step);
}

/// A departure for good (§5.14) on a business day of the first 350: the notice of a move abroad
/// (国外転出届) at the resident's municipality on one of the four business days before — none
/// when that falls before the run — and the departure at a port of [`ARRIVAL_PORTS`] on the
/// day [assumption: timing and ports]. [`crate::Population::generate_part`] drops the
/// resident's later steps: nobody files anything from abroad.
fn departure(draw: &mut Draw, ctx: &Ctx<'_>, p: u8, steps: &mut Vec<CompactStep>) {
    let leaves_on = next_business_day(ctx.start + days(draw.below(350)));
    let port = draw.weighted(ARRIVAL_PORTS) as u16;
    let mut notice_on = leaves_on - days(1 + draw.below(4));
    while closed_day(notice_on).is_some() {
        notice_on -= days(1);
    }
    let step = Planned::new(StepKind::NotifyDeparture, notice_on, leaves_on);
    ctx.push(draw, steps, p, step);
    let step = Planned::new(StepKind::Depart, leaves_on, leaves_on);
    ctx.push(draw, steps, p, step.with(port, 0, false));
}

/// Drops the steps of the resident whose steps start at `first` that come after their notice of
/// a move abroad, or their departure when they give none (§5.14): the departure is their last
/// step, and nothing is filed in between.
pub(crate) fn end_at_departure(steps: &mut Vec<CompactStep>, first: usize) {
    let leaving = |s: &CompactStep| matches!(s.kind, StepKind::NotifyDeparture | StepKind::Depart);
    let Some(cut) = steps[first..]
        .iter()
        .filter(|s| leaving(s))
        .map(|s| s.minute)
        .min()
    else {
        return;
    };
    let mut kept = first;
    for i in first..steps.len() {
        let s = steps[i];
        if s.minute < cut || leaving(&s) {
            steps[kept] = s;
            kept += 1;
        }
    }
    steps.truncate(kept);
}

/// What the procedure generators need to know.
pub(crate) struct Ctx<'a> {
    pub(crate) resident: &'a Resident,
    pub(crate) local: u32,
    pub(crate) start: NaiveDate,
    pub(crate) until: NaiveDate,
}

/// A step to generate: what it does, the day it happens, and its packed arguments (a day, two
/// codes and a flag; see [`StepKind`]).
struct Planned {
    kind: StepKind,
    on: NaiveDate,
    day: NaiveDate,
    a: u16,
    b: u16,
    flag: bool,
}

impl Planned {
    /// A step of `kind` on `on` whose day argument is `day` and whose codes are unused.
    fn new(kind: StepKind, on: NaiveDate, day: NaiveDate) -> Planned {
        Planned {
            kind,
            on,
            day,
            a: 0,
            b: 0,
            flag: false,
        }
    }

    fn with(self, a: u16, b: u16, flag: bool) -> Planned {
        Planned { a, b, flag, ..self }
    }
}

impl Ctx<'_> {
    /// A special permanent resident: their card procedures are filed at the municipality (§5.8).
    fn spr(&self) -> bool {
        self.resident.status == Status::SpecialPermanentResident
    }

    /// Pushes a step of procedure `procedure` at an office time on the first business day on
    /// or after its planned day (every generated step is at a bureau or municipal counter, or a
    /// bureau decision, and they are closed on administrative holidays: docs/domain.md §5), if
    /// it falls inside the horizon. The time is drawn either way, so the draws that follow do
    /// not depend on it; the population does not depend on the policy, so a policy that opens
    /// windows on Sundays does not move it.
    fn push(&self, draw: &mut Draw, steps: &mut Vec<CompactStep>, procedure: u8, step: Planned) {
        let minute = draw.office_minute();
        let step = Planned {
            on: next_business_day(step.on),
            ..step
        };
        if step.on > self.until || step.on < self.start {
            return;
        }
        let day_of = |d: NaiveDate| u16::try_from((d - self.start).num_days()).unwrap_or(u16::MAX);
        steps.push(CompactStep {
            minute: (day_of(step.on) as u32) * 24 * 60 + 9 * 60 + minute,
            local: self.local,
            kind: step.kind,
            procedure,
            flag: step.flag,
            day: day_of(step.day),
            a: step.a,
            b: step.b,
        });
    }
}

/// Which [`AT_EXPIRY`] row a resident whose period ends within the year follows, if any: the
/// share left over (about a fifth) leaves Japan or lets the period lapse and files nothing.
pub(crate) fn at_expiry_choice(
    draw: &mut Draw,
    ctx: &Ctx<'_>,
    shares: &[f64],
) -> Option<ProcedureKind> {
    ctx.resident.period_expiry.filter(|e| *e <= ctx.until)?;
    let x = draw.unit();
    let mut acc = 0.0;
    for (rate, share) in AT_EXPIRY.iter().zip(shares) {
        acc += share;
        if x < acc {
            return Some(rate.kind);
        }
    }
    None
}

/// The steps of one procedure of the tables. A procedure the simulator cannot run yet generates
/// nothing: giving it steps here is all that adding it takes.
pub(crate) fn generate_procedure(
    kind: ProcedureKind,
    draw: &mut Draw,
    ctx: &Ctx<'_>,
    p: u8,
    steps: &mut Vec<CompactStep>,
) {
    match kind {
        ProcedureKind::Extension => {
            if let Some(expiry) = ctx.resident.period_expiry {
                extension(draw, ctx, p, expiry, steps);
            }
        }
        // Moves inside the municipality fall in the first half of the year and moves between
        // municipalities in the second, so one resident's moves never overlap.
        ProcedureKind::MoveWithinMunicipality => {
            let moved_on = ctx.start + days(draw.below(170));
            let address = draw.address();
            let notified_on = moved_on + days(draw.below(15));
            let step = Planned::new(StepKind::MoveWithin, notified_on, moved_on);
            ctx.push(draw, steps, p, step.with(address, 0, false));
        }
        ProcedureKind::MoveBetweenMunicipalities => {
            let out_on = ctx.start + days(draw.between(180, 340));
            let planned_on = out_on + days(draw.below(8));
            let mut to = draw.municipality();
            if to == ctx.resident.municipality {
                to = ((usize::from(to) + 1) % municipalities().len()) as u16;
            }
            let step = Planned::new(StepKind::MoveOut, out_on, planned_on);
            ctx.push(draw, steps, p, step.with(to, 0, false));
            // After the move-out's business day, whatever closed days moved it (so the two
            // never share a day, where their drawn times could reverse them).
            let in_on =
                (out_on + days(draw.between(3, 10))).max(next_business_day(out_on) + days(1));
            let address = draw.address();
            let present = draw.per_mille(PRESENT_CARD_AT_MOVE_IN_PER_MILLE);
            let moved_on = planned_on.min(in_on);
            let step = Planned::new(StepKind::MoveIn, in_on, moved_on);
            ctx.push(draw, steps, p, step.with(to, address, present));
        }
        ProcedureKind::ChangeOfStatus => {
            if let Some(expiry) = ctx.resident.period_expiry {
                status_change(draw, ctx, p, expiry, steps);
            }
        }
        ProcedureKind::PermanentResidence => {
            if ctx.resident.status.has_period_of_stay() {
                permanent_residence(draw, ctx, p, steps);
            }
        }
        // Arrivals and newborns are new residents of their own (`arrival_steps`,
        // `birth_steps`), not a procedure of a resident present at the start.
        ProcedureKind::Arrival | ProcedureKind::Birth => {}
        // A special permanent resident's departure follows rules of its own (入管特例法), not
        // modelled (docs/domain.md §5.14).
        ProcedureKind::Departure => {
            if !ctx.spr() {
                departure(draw, ctx, p, steps);
            }
        }
        ProcedureKind::CardLoss => card_loss(draw, ctx, p, steps),
        ProcedureKind::CardRenewal => card_renewal(draw, ctx, p, steps),
        ProcedureKind::DamageReissue => {
            let on = ctx.start + days(draw.below(350));
            let step = Planned::new(StepKind::ReissueDamaged, on, on);
            ctx.push(draw, steps, p, step.with(0, 0, ctx.spr()));
        }
        ProcedureKind::ItemChange => item_change(draw, ctx, p, steps),
        ProcedureKind::LockedPin => {
            if ctx.resident.my_number_card_issued.is_some() {
                let locked_on = ctx.start + days(draw.below(340));
                let step = Planned::new(StepKind::LockPin, locked_on, locked_on);
                ctx.push(draw, steps, p, step);
                let reset_on = next_business_day(locked_on) + days(draw.between(1, 14));
                let step = Planned::new(StepKind::ResetPin, reset_on, reset_on);
                ctx.push(draw, steps, p, step);
            }
        }
    }
}

/// The items a non-address item change (§5.9) changes, by code: four in five a name (marriage,
/// divorce), the rest a nationality [assumption].
pub(crate) const CHANGED_ITEMS: [ChangedItem; 5] = [
    ChangedItem::Name,
    ChangedItem::Name,
    ChangedItem::Name,
    ChangedItem::Name,
    ChangedItem::Nationality,
];

/// 住居地以外の記載事項変更届出 (§5.9): an item changes on a day of the first 330, and is
/// notified 0–13 days later (within the 14 days of §10), at the bureau — or, for a special
/// permanent resident, at the municipality (§5.8). A holder of a separate My Number card at the
/// start goes to the city hall 7–20 days after the notification to bring the card up to date
/// (券面事項変更, after the bureau's notice N3 has reached the register) [assumption: timing].
fn item_change(draw: &mut Draw, ctx: &Ctx<'_>, p: u8, steps: &mut Vec<CompactStep>) {
    let changed_on = ctx.start + days(draw.below(330));
    let item = draw.below(CHANGED_ITEMS.len() as u32) as u16;
    let notified_on = next_business_day(changed_on + days(draw.below(14)));
    let step = Planned::new(StepKind::ItemChange, notified_on, changed_on);
    ctx.push(draw, steps, p, step.with(item, 0, ctx.spr()));
    let update_on = notified_on + days(draw.between(7, 20));
    if ctx.resident.my_number_card_issued.is_some() {
        let step = Planned::new(StepKind::UpdateMyNumberCard, update_on, update_on);
        ctx.push(draw, steps, p, step);
    }
}

/// 在留カード有効期間更新申請 (§5.7) or 特別永住者証明書の有効期間更新 (§5.8): a card that is
/// renewed rather than replaced by an extension (PR, HSP(ii), SPR, or tied to the 16th
/// birthday: `model::rules::card_is_renewable`), whose last valid day falls within the year, is
/// renewed on a day drawn uniformly from the window's opening (`renewal_window_opens`: 2 months
/// before, 6 for a 16th-birthday card) to that last day [assumption: everyone renews in time].
/// A resident whose period of stay ends within the year renews nothing: the extension or change
/// of status replaces the card.
fn card_renewal(draw: &mut Draw, ctx: &Ctx<'_>, p: u8, steps: &mut Vec<CompactStep>) {
    let r = ctx.resident;
    if r.period_expiry.is_some_and(|e| e <= ctx.until) {
        return;
    }
    let Some(valid_through) = residence_document_valid_through(
        r.status,
        r.born_on,
        r.card_issued,
        r.period_expiry,
        CardLaw::Old,
        ValiditySwitches::default(),
    ) else {
        return;
    };
    if valid_through < ctx.start || !rules::card_is_renewable(r.status, r.born_on, valid_through) {
        return;
    }
    let tied = rules::tied_to_sixteenth_birthday(r.born_on, valid_through);
    let opens = rules::renewal_window_opens(valid_through, tied).max(ctx.start);
    if opens > ctx.until {
        return;
    }
    let span = u32::try_from((valid_through - opens).num_days()).unwrap_or(0);
    let on = opens + days(draw.below(span + 1));
    let kind = if ctx.spr() {
        StepKind::RenewSprCertificate
    } else {
        StepKind::FileCardRenewal
    };
    ctx.push(draw, steps, p, Planned::new(kind, on, on));
}

/// The day an application is filed ahead of the period's expiry: 46–74 days before it (§5.4:
/// "usually from ~3 months before expiry"), never before the run nor after the expiry.
fn filed_ahead(draw: &mut Draw, ctx: &Ctx<'_>, expiry: NaiveDate) -> NaiveDate {
    let aim = expiry - days(60) + days(draw.below(29)) - days(14);
    if aim < ctx.start {
        ctx.start + days(draw.below((expiry - ctx.start).num_days().max(0) as u32 + 1))
    } else {
        aim.min(expiry)
    }
}

/// 在留資格変更: filed like an extension, ahead of the expiry (§5.5 "same mechanics as 5.4"),
/// decided 20–60 days later (assumption), granted for a period of the new status.
fn status_change(
    draw: &mut Draw,
    ctx: &Ctx<'_>,
    p: u8,
    expiry: NaiveDate,
    steps: &mut Vec<CompactStep>,
) {
    let filed = filed_ahead(draw, ctx, expiry);
    let target = match ctx.resident.status {
        Status::Student => 0,
        Status::TechnicalIntern => 1,
        _ => [0u16, 2, 3][draw.below(3) as usize],
    };
    let to = STATUS_CHANGE_TARGETS[usize::from(target)];
    let step = Planned::new(StepKind::FileStatusChange, filed, filed);
    ctx.push(draw, steps, p, step.with(target, 0, false));
    let decided = filed + days(draw.between(20, 60));
    let periods = periods_of(to);
    let years = periods[draw.weighted(periods)].0;
    let new_expiry = add_years_clamped(expiry, i32::from(years));
    let step = Planned::new(StepKind::GrantStatusChange, decided, new_expiry);
    ctx.push(draw, steps, p, step);
}

/// 永住許可申請: filed during the first months of the year and decided 120–330 days later
/// (§5.6 [B]: about 329 days on average); a decision after the horizon is not simulated.
fn permanent_residence(draw: &mut Draw, ctx: &Ctx<'_>, p: u8, steps: &mut Vec<CompactStep>) {
    let filed = ctx.start + days(draw.below(200));
    let step = Planned::new(StepKind::FilePermanentResidence, filed, filed);
    ctx.push(draw, steps, p, step);
    let decided = filed + days(draw.between(120, 330));
    let step = Planned::new(StepKind::GrantPermanentResidence, decided, decided);
    ctx.push(draw, steps, p, step);
}

/// A lost or stolen card (§5.11): reported to the police the day it is missed or the next
/// (business) day, and a new card applied for 1–13 days after the report, at the bureau — or,
/// for an SPR certificate, at the municipality (§5.8) — within the 14 days of §10 unless closed
/// days push it past them. Lost on a day of the first 340, so that most reissues fall within
/// the year [assumption: timing].
fn card_loss(draw: &mut Draw, ctx: &Ctx<'_>, p: u8, steps: &mut Vec<CompactStep>) {
    let lost_on = ctx.start + days(draw.below(340));
    let reported_on = next_business_day(lost_on + days(draw.below(2)));
    ctx.push(
        draw,
        steps,
        p,
        Planned::new(StepKind::ReportLoss, reported_on, lost_on),
    );
    let after = u16::try_from((reported_on - lost_on).num_days()).unwrap_or(u16::MAX);
    let spr = ctx.spr();
    let reissue_on = reported_on + days(draw.between(1, 13));
    let step = Planned::new(StepKind::ReissueAfterLoss, reissue_on, lost_on);
    ctx.push(draw, steps, p, step.with(after, 0, spr));
}

/// 在留期間更新: filed about 60 days ahead (§5.4: "usually from ~3 months before expiry"), never
/// before the run nor after the expiry; decided 20–60 days later (an assumption; §15's Tokyo
/// backlog signal suggests weeks to months) and granted for a period of the status.
fn extension(
    draw: &mut Draw,
    ctx: &Ctx<'_>,
    p: u8,
    expiry: NaiveDate,
    steps: &mut Vec<CompactStep>,
) {
    let filed = filed_ahead(draw, ctx, expiry);
    ctx.push(
        draw,
        steps,
        p,
        Planned::new(StepKind::FileExtension, filed, filed),
    );
    let decided = filed + days(draw.between(20, 60));
    let periods = periods_of(ctx.resident.status);
    let years = periods[draw.weighted(periods)].0;
    let new_expiry = add_years_clamped(expiry, i32::from(years));
    let step = Planned::new(StepKind::GrantExtension, decided, new_expiry);
    ctx.push(draw, steps, p, step);
}

/// A status as its serde name (`engineer_specialist_humanities`).
pub(crate) fn serde_plain(status: Status) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
