//! Calendar arithmetic for the legal rules: month-end clamping, birthdays, ages, periods
//! counted under the Civil Code (民法140・143), filing deadlines and the end of the special
//! extension period.
//!
//! Everything here is a pure function of `chrono::NaiveDate`s. The domain rules (docs/domain.md
//! §5, §8, §9) are written in terms of "the N-th birthday after issuance", "N years counted from
//! the issuance day" and "N days from the event"; those phrases mean different things and mixing
//! them up is the most common source of one-day errors, so each has exactly one function here.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The last day of `month` in `year`.
fn last_day_of_month(year: i32, month: u32) -> u32 {
    // The day before the first of the next month; chrono knows the leap-year rule.
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map_or(28, |d| d.day())
}

/// `(year, month)` shifted by `n` months (negative allowed).
fn shift_month(year: i32, month: u32, n: i32) -> (i32, u32) {
    let total = year * 12 + (month as i32 - 1) + n;
    (total.div_euclid(12), total.rem_euclid(12) as u32 + 1)
}

/// The date in `(year, month)` with day `day`, clamped to the month's last day.
fn clamped(year: i32, month: u32, day: u32) -> NaiveDate {
    let day = day.min(last_day_of_month(year, month));
    NaiveDate::from_ymd_opt(year, month, day).expect("day clamped into the month")
}

/// `d` plus `n` months; when the day does not exist in the target month it is clamped to the
/// month's last day (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year).
pub fn add_months_clamped(d: NaiveDate, n: i32) -> NaiveDate {
    let (y, m) = shift_month(d.year(), d.month(), n);
    clamped(y, m, d.day())
}

/// `d` plus `n` years, clamped like [`add_months_clamped`] (Feb 29 + 1 year = Feb 28).
pub fn add_years_clamped(d: NaiveDate, n: i32) -> NaiveDate {
    add_months_clamped(d, n * 12)
}

/// The day before `d`.
pub fn day_before(d: NaiveDate) -> NaiveDate {
    d.pred_opt().expect("date within chrono's range")
}

/// The birthday of a person born on `dob` in `year`.
///
/// §8 conventions [A* ACT-19-5 for the 16th birthday; C elsewhere]: a Feb-29
/// birthday falls on Feb 28 in common years. 入管法19条の5 says so expressly for the 16th
/// birthday; we use the same convention for every birthday so that one person has one birthday
/// per year throughout the model.
pub fn birthday_in_year(dob: NaiveDate, year: i32) -> NaiveDate {
    clamped(year, dob.month(), dob.day())
}

/// The person's age on `date`, in whole years.
///
/// §8 conventions [C]: the age goes up on the birthday itself (the day
/// [`birthday_in_year`] returns), so a person born on Feb 29 turns one year older on Feb 28 in
/// common years. (Strictly, 年齢計算ニ関スル法律 with 民法143 makes the age change at the end of the
/// day before the birthday; the rules in docs/domain.md are phrased in "age at issuance" and
/// "birthday" terms, and using the birthday keeps [`age_on`] and [`nth_birthday_after`]
/// consistent with each other.) Dates before the birth give 0.
pub fn age_on(dob: NaiveDate, date: NaiveDate) -> u32 {
    if date <= dob {
        return 0;
    }
    let years = date.year() - dob.year();
    let had_birthday = date >= birthday_in_year(dob, date.year());
    let age = if had_birthday { years } else { years - 1 };
    age.max(0) as u32
}

/// The `n`-th birthday strictly after `issued_on`.
///
/// §8 conventions [C; A* for the Feb-29 rule on the 16th birthday]: birthdays are
/// counted strictly after the issuance day, so a card issued on a birthday does not count that
/// birthday (§8.2: PR born 1990-07-20 issued 2026-07-20 → 10th birthday after = 2036-07-20);
/// Feb-29 birthdays fall on Feb 28 in common years. `n = 0` gives the most recent birthday on or
/// before `issued_on` (the formula's natural extension; no rule uses it).
pub fn nth_birthday_after(dob: NaiveDate, issued_on: NaiveDate, n: u32) -> NaiveDate {
    let this_year = birthday_in_year(dob, issued_on.year());
    let first_year = if this_year > issued_on {
        issued_on.year()
    } else {
        issued_on.year() + 1
    };
    birthday_in_year(dob, first_year + n as i32 - 1)
}

/// The last day of a period of `months` months whose first counted day is `first_day`.
///
/// 民法143② [C recollection, re-check]: a period in months or years not starting at the start
/// of a month ends on the day before the day in the last month corresponding to the first
/// counted day; if the last month has no such day, it ends on that month's last day. (So a
/// period counted from Feb 29 for one year ends on Feb 28, not Feb 27.)
pub fn period_end_months(first_day: NaiveDate, months: u32) -> NaiveDate {
    let (y, m) = shift_month(first_day.year(), first_day.month(), months as i32);
    if first_day.day() <= last_day_of_month(y, m) {
        day_before(NaiveDate::from_ymd_opt(y, m, first_day.day()).expect("day exists"))
    } else {
        clamped(y, m, 31)
    }
}

/// The day on which `years` years, counted from the issuance day, elapse: the day before the
/// `years`-th anniversary of `issued_on`.
///
/// §8 conventions and §8.1 [A* ACT-19-5 for the wording "交付の日から起算して7年を経過
/// する日"; C for the arithmetic, 民法143]: the issuance day is the first counted day, so a PR
/// card issued 2020-04-01 is valid through 2027-03-31. A Feb-29 issuance whose anniversary
/// falls in a common year ends on Feb 28 (民法143② proviso), not Feb 27.
pub fn period_end_after_years(issued_on: NaiveDate, years: u32) -> NaiveDate {
    period_end_months(issued_on, years * 12)
}

/// The national holidays (国民の祝日・休日) the calendar knows: the Cabinet Office's list, one
/// `YYYY-MM-DD,name` row per day, with its source in the file's header.
const NATIONAL_HOLIDAYS_CSV: &str = include_str!("../data/national_holidays.csv");

/// The years [`NATIONAL_HOLIDAYS_CSV`] covers. Outside them only Saturdays, Sundays and the
/// year-end closure are known to close a counter (docs/domain.md §5).
pub const HOLIDAY_YEARS: std::ops::RangeInclusive<i32> = 2024..=2028;

/// The national holidays, sorted, with their names, read once from the data file.
fn national_holidays() -> &'static [(NaiveDate, &'static str)] {
    static HOLIDAYS: std::sync::OnceLock<Vec<(NaiveDate, &'static str)>> =
        std::sync::OnceLock::new();
    HOLIDAYS.get_or_init(|| {
        let mut days: Vec<(NaiveDate, &'static str)> = NATIONAL_HOLIDAYS_CSV
            .lines()
            .filter(|l| l.as_bytes().first().is_some_and(u8::is_ascii_digit))
            .filter_map(|l| {
                let (date, name) = l.split_once(',')?;
                Some((
                    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?,
                    name.trim(),
                ))
            })
            .collect();
        days.sort();
        days
    })
}

/// The name of the national holiday on `date` (`海の日`, `休日` for a substitute holiday or the
/// day between two holidays), if it is one.
///
/// 国民の祝日に関する法律 arts. 2–3, as the Cabinet Office lists its days [A for 2024–2027;
/// 2028 computed, C until published]: see [`NATIONAL_HOLIDAYS_CSV`].
pub fn national_holiday(date: NaiveDate) -> Option<&'static str> {
    let days = national_holidays();
    days.binary_search_by_key(&date, |(d, _)| *d)
        .ok()
        .map(|i| days[i].1)
}

/// Why a day is an administrative holiday (行政機関の休日), on which counters are closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedDay {
    Saturday,
    Sunday,
    /// A national holiday, by its name in the Cabinet Office's list.
    NationalHoliday(&'static str),
    /// 12/29–1/3.
    YearEnd,
}

/// Whether `date` is an administrative holiday, and why.
///
/// 行政機関の休日に関する法律 art. 1 [C recollection, docs/domain.md §5]: the days on which administrative organs are closed are Sundays and Saturdays,
/// the national holidays (国民の祝日に関する法律's 休日, substitute holidays included), and 29
/// December to 3 January. A Sunday that is also a holiday is reported as a Sunday.
pub fn closed_day(date: NaiveDate) -> Option<ClosedDay> {
    match date.weekday() {
        Weekday::Sat => return Some(ClosedDay::Saturday),
        Weekday::Sun => return Some(ClosedDay::Sunday),
        _ => {}
    }
    if let Some(name) = national_holiday(date) {
        return Some(ClosedDay::NationalHoliday(name));
    }
    let year_end =
        (date.month() == 12 && date.day() >= 29) || (date.month() == 1 && date.day() <= 3);
    year_end.then_some(ClosedDay::YearEnd)
}

/// The first business day (not an administrative holiday, [`closed_day`]) on or after `date`.
pub fn next_business_day(date: NaiveDate) -> NaiveDate {
    let mut day = date;
    while closed_day(day).is_some() {
        day = day.succ_opt().expect("date within chrono's range");
    }
    day
}

/// How a filing deadline that ends on a day the offices are closed is treated.
///
/// §5 [C recollection]: 行政機関の休日に関する法律 art. 2 moves a deadline that ends
/// on an administrative holiday to the next day that is not one ([`closed_day`]: Saturdays,
/// Sundays, national holidays, 12/29–1/3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineRoll {
    /// The deadline is the N-th day, whatever day it is.
    None,
    /// Only weekends move a deadline: Saturday or Sunday to the following Monday (the reading
    /// before holidays were modelled).
    NextWeekday,
    /// A deadline ending on any administrative holiday moves to the next business day.
    #[default]
    NextBusinessDay,
}

/// The last day of an N-day deadline for an event on `event_day`.
///
/// §5 intro and §10 [C recollection: 民法140 and 行政機関の休日に関する法律 2条]: the
/// count starts the day after the event (the event day is not counted), so "within 14 days" of
/// a move on 2026-07-01 ends on 2026-07-15. A last day on a closed day moves per
/// [`DeadlineRoll`].
pub fn deadline(event_day: NaiveDate, days: u32, roll: DeadlineRoll) -> NaiveDate {
    let last = event_day
        .checked_add_days(Days::new(u64::from(days)))
        .expect("date within chrono's range");
    match (roll, last.weekday()) {
        (DeadlineRoll::NextWeekday, Weekday::Sat) => last + Days::new(2),
        (DeadlineRoll::NextWeekday, Weekday::Sun) => last + Days::new(1),
        (DeadlineRoll::NextBusinessDay, _) => next_business_day(last),
        _ => last,
    }
}

/// The last day of the special extension period (特例期間) for a period of stay expiring on
/// `expiry`: the end of the day on which 2 months have elapsed from the expiry.
///
/// §9 [A* ISA-FAQ-SP; 入管法20条⑥, 21条④; arithmetic per 民法140・143]: the two
/// months are counted from the day after the expiry, and end on the day before the
/// corresponding day two months later (or at the end of the month if it has none). Hence
/// 2026-06-30 → 2026-08-31 (not 08-30) and 2026-12-31 → 2027-02-28.
pub fn special_period_end(expiry: NaiveDate) -> NaiveDate {
    period_end_months(expiry.succ_opt().expect("date within chrono's range"), 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn given_jan_31_when_adding_one_month_then_month_end_is_clamped() {
        assert_eq!(add_months_clamped(d(2026, 1, 31), 1), d(2026, 2, 28));
        assert_eq!(add_months_clamped(d(2028, 1, 31), 1), d(2028, 2, 29));
        assert_eq!(add_months_clamped(d(2026, 3, 31), -1), d(2026, 2, 28));
        assert_eq!(add_months_clamped(d(2026, 11, 15), 3), d(2027, 2, 15));
    }

    #[test]
    fn given_feb_29_when_adding_years_then_common_years_clamp_to_feb_28() {
        assert_eq!(add_years_clamped(d(2024, 2, 29), 1), d(2025, 2, 28));
        assert_eq!(add_years_clamped(d(2024, 2, 29), 4), d(2028, 2, 29));
        assert_eq!(add_years_clamped(d(2024, 2, 29), -1), d(2023, 2, 28));
    }

    #[test]
    fn given_feb_29_birth_when_asking_birthday_then_feb_28_in_common_years() {
        let dob = d(1984, 2, 29);
        assert_eq!(birthday_in_year(dob, 2026), d(2026, 2, 28));
        assert_eq!(birthday_in_year(dob, 2036), d(2036, 2, 29));
    }

    #[test]
    fn given_a_birthday_when_computing_age_then_it_changes_on_the_birthday_itself() {
        let dob = d(2012, 5, 10);
        assert_eq!(age_on(dob, d(2026, 5, 9)), 13);
        assert_eq!(age_on(dob, d(2026, 5, 10)), 14);
        assert_eq!(age_on(dob, d(2026, 8, 3)), 14);
        assert_eq!(age_on(dob, d(2000, 1, 1)), 0);
    }

    #[test]
    fn given_feb_29_birth_when_computing_age_in_common_year_then_it_changes_on_feb_28() {
        let dob = d(2008, 2, 29);
        assert_eq!(age_on(dob, d(2026, 2, 27)), 17);
        assert_eq!(age_on(dob, d(2026, 2, 28)), 18);
        assert_eq!(age_on(dob, d(2028, 2, 28)), 19);
        assert_eq!(age_on(dob, d(2028, 2, 29)), 20);
    }

    #[test]
    fn given_issuance_on_the_birthday_when_counting_birthdays_after_then_that_day_is_not_counted() {
        let dob = d(1990, 7, 20);
        assert_eq!(nth_birthday_after(dob, d(2026, 7, 1), 1), d(2026, 7, 20));
        assert_eq!(nth_birthday_after(dob, d(2026, 7, 20), 1), d(2027, 7, 20));
        assert_eq!(nth_birthday_after(dob, d(2026, 7, 20), 10), d(2036, 7, 20));
        assert_eq!(nth_birthday_after(dob, d(2026, 7, 20), 0), d(2026, 7, 20));
    }

    #[test]
    fn given_feb_29_birth_when_counting_birthdays_after_then_feb_28_counts_in_common_years() {
        let dob = d(1984, 2, 29);
        assert_eq!(nth_birthday_after(dob, d(2026, 9, 1), 1), d(2027, 2, 28));
        assert_eq!(nth_birthday_after(dob, d(2026, 9, 1), 10), d(2036, 2, 29));
        // Issued on the Feb-28 "birthday" of a common year: that day is not after itself.
        assert_eq!(nth_birthday_after(dob, d(2027, 2, 28), 1), d(2028, 2, 29));
    }

    #[test]
    fn given_pr_card_issued_2020_04_01_when_seven_years_elapse_then_valid_through_2027_03_31() {
        // §8.1 example.
        assert_eq!(period_end_after_years(d(2020, 4, 1), 7), d(2027, 3, 31));
    }

    #[test]
    fn given_feb_29_issuance_when_years_end_in_common_year_then_period_ends_feb_28() {
        assert_eq!(period_end_after_years(d(2020, 2, 29), 7), d(2027, 2, 28));
        assert_eq!(period_end_after_years(d(2020, 2, 29), 8), d(2028, 2, 28));
    }

    #[test]
    fn given_an_event_when_counting_a_14_day_deadline_then_the_event_day_is_not_counted() {
        // 2026-07-01 is a Wednesday; 07-15 is a Wednesday.
        assert_eq!(
            deadline(d(2026, 7, 1), 14, DeadlineRoll::None),
            d(2026, 7, 15)
        );
        assert_eq!(
            deadline(d(2026, 7, 1), 14, DeadlineRoll::NextWeekday),
            d(2026, 7, 15)
        );
    }

    #[test]
    fn given_a_deadline_on_a_weekend_when_rolling_then_it_moves_to_monday() {
        // 2026-07-04 is a Saturday: 14 days later is Saturday 2026-07-18.
        assert_eq!(
            deadline(d(2026, 7, 4), 14, DeadlineRoll::None),
            d(2026, 7, 18)
        );
        assert_eq!(
            deadline(d(2026, 7, 4), 14, DeadlineRoll::NextWeekday),
            d(2026, 7, 20)
        );
        // Sunday 2026-07-19 → Monday 2026-07-20.
        assert_eq!(
            deadline(d(2026, 7, 5), 14, DeadlineRoll::NextWeekday),
            d(2026, 7, 20)
        );
    }

    #[test]
    fn given_deadline_roll_when_defaulted_and_serialized_then_next_business_day_in_snake_case() {
        assert_eq!(DeadlineRoll::default(), DeadlineRoll::NextBusinessDay);
        assert_eq!(
            serde_json::to_string(&DeadlineRoll::NextBusinessDay).unwrap(),
            "\"next_business_day\""
        );
    }

    #[test]
    fn given_a_deadline_on_a_holiday_when_rolling_to_a_business_day_then_it_skips_every_closed_day()
    {
        // 2026-09-19 (Sat) + 0: Sat, Sun 9-20, 敬老の日 9-21, 休日 9-22, 秋分の日 9-23 → Thu 9-24.
        let roll = DeadlineRoll::NextBusinessDay;
        assert_eq!(deadline(d(2026, 9, 5), 14, roll), d(2026, 9, 24));
        // The weekday roll stops at the Monday holiday.
        assert_eq!(
            deadline(d(2026, 9, 5), 14, DeadlineRoll::NextWeekday),
            d(2026, 9, 21)
        );
        // 2026-12-29 → the year-end closure and the weekend: Monday 2027-01-04.
        assert_eq!(deadline(d(2026, 12, 15), 14, roll), d(2027, 1, 4));
        // A business day stays.
        assert_eq!(deadline(d(2026, 7, 1), 14, roll), d(2026, 7, 15));
    }

    #[test]
    fn given_the_closed_days_when_asking_why_then_weekend_holiday_and_year_end_are_named() {
        assert_eq!(closed_day(d(2026, 7, 25)), Some(ClosedDay::Saturday));
        assert_eq!(closed_day(d(2026, 7, 26)), Some(ClosedDay::Sunday));
        assert_eq!(
            closed_day(d(2026, 7, 20)),
            Some(ClosedDay::NationalHoliday("海の日"))
        );
        assert_eq!(closed_day(d(2026, 12, 29)), Some(ClosedDay::YearEnd));
        assert_eq!(
            closed_day(d(2027, 1, 1)),
            Some(ClosedDay::NationalHoliday("元日"))
        );
        assert_eq!(closed_day(d(2027, 1, 3)), Some(ClosedDay::Sunday));
        assert_eq!(closed_day(d(2027, 1, 4)), None);
        assert_eq!(next_business_day(d(2026, 12, 28)), d(2026, 12, 28));
        assert_eq!(next_business_day(d(2026, 12, 29)), d(2027, 1, 4));
    }

    /// The Cabinet Office's list for 2026–2028, as published (2026, 2027) and as the Act gives
    /// it with the computed equinoxes (2028).
    const CABINET_OFFICE_2026_2028: [(i32, u32, u32); 51] = [
        (2026, 1, 1),
        (2026, 1, 12),
        (2026, 2, 11),
        (2026, 2, 23),
        (2026, 3, 20),
        (2026, 4, 29),
        (2026, 5, 3),
        (2026, 5, 4),
        (2026, 5, 5),
        (2026, 5, 6),
        (2026, 7, 20),
        (2026, 8, 11),
        (2026, 9, 21),
        (2026, 9, 22),
        (2026, 9, 23),
        (2026, 10, 12),
        (2026, 11, 3),
        (2026, 11, 23),
        (2027, 1, 1),
        (2027, 1, 11),
        (2027, 2, 11),
        (2027, 2, 23),
        (2027, 3, 21),
        (2027, 3, 22),
        (2027, 4, 29),
        (2027, 5, 3),
        (2027, 5, 4),
        (2027, 5, 5),
        (2027, 7, 19),
        (2027, 8, 11),
        (2027, 9, 20),
        (2027, 9, 23),
        (2027, 10, 11),
        (2027, 11, 3),
        (2027, 11, 23),
        (2028, 1, 1),
        (2028, 1, 10),
        (2028, 2, 11),
        (2028, 2, 23),
        (2028, 3, 20),
        (2028, 4, 29),
        (2028, 5, 3),
        (2028, 5, 4),
        (2028, 5, 5),
        (2028, 7, 17),
        (2028, 8, 11),
        (2028, 9, 18),
        (2028, 9, 22),
        (2028, 10, 9),
        (2028, 11, 3),
        (2028, 11, 23),
    ];

    #[test]
    fn the_holiday_file_lists_exactly_the_cabinet_office_days_of_2026_to_2028() {
        let listed: Vec<NaiveDate> = national_holidays()
            .iter()
            .map(|(d, _)| *d)
            .filter(|d| (2026..=2028).contains(&d.year()))
            .collect();
        let expected: Vec<NaiveDate> = CABINET_OFFICE_2026_2028
            .iter()
            .map(|&(y, m, day)| d(y, m, day))
            .collect();
        assert_eq!(listed, expected);
    }

    /// The n-th Monday of a month (the Act's Happy Monday days).
    fn nth_monday(year: i32, month: u32, n: u32) -> NaiveDate {
        NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, n as u8).unwrap()
    }

    #[test]
    fn every_row_of_the_holiday_file_follows_the_act() {
        // The equinox days (春分日, 秋分日) of each year, the only days the Act does not fix.
        let equinoxes = [
            (2024, 20, 22),
            (2025, 20, 23),
            (2026, 20, 23),
            (2027, 21, 23),
            (2028, 20, 22),
        ];
        let mut expected: Vec<(NaiveDate, &str)> = Vec::new();
        for (y, spring, autumn) in equinoxes {
            // Art. 2: the holidays themselves.
            let mut days = vec![
                (d(y, 1, 1), "元日"),
                (nth_monday(y, 1, 2), "成人の日"),
                (d(y, 2, 11), "建国記念の日"),
                (d(y, 2, 23), "天皇誕生日"),
                (d(y, 3, spring), "春分の日"),
                (d(y, 4, 29), "昭和の日"),
                (d(y, 5, 3), "憲法記念日"),
                (d(y, 5, 4), "みどりの日"),
                (d(y, 5, 5), "こどもの日"),
                (nth_monday(y, 7, 3), "海の日"),
                (d(y, 8, 11), "山の日"),
                (nth_monday(y, 9, 3), "敬老の日"),
                (d(y, 9, autumn), "秋分の日"),
                (nth_monday(y, 10, 2), "スポーツの日"),
                (d(y, 11, 3), "文化の日"),
                (d(y, 11, 23), "勤労感謝の日"),
            ];
            let holiday =
                |days: &[(NaiveDate, &str)], x: NaiveDate| days.iter().any(|(h, _)| *h == x);
            let fixed = days.clone();
            // Art. 3②: a holiday on a Sunday gives the next day that is not a holiday.
            for (h, _) in &fixed {
                if h.weekday() == Weekday::Sun {
                    let mut s = h.succ_opt().unwrap();
                    while holiday(&days, s) {
                        s = s.succ_opt().unwrap();
                    }
                    days.push((s, "休日"));
                }
            }
            // Art. 3③: a day between two holidays is a holiday (unless a Sunday).
            for (h, _) in &fixed {
                let between = h.succ_opt().unwrap();
                let after = between.succ_opt().unwrap();
                if holiday(&fixed, after)
                    && !holiday(&days, between)
                    && between.weekday() != Weekday::Sun
                {
                    days.push((between, "休日"));
                }
            }
            expected.extend(days);
        }
        expected.sort();
        assert_eq!(national_holidays(), expected.as_slice());
        for (day, _) in national_holidays() {
            assert!(HOLIDAY_YEARS.contains(&day.year()));
        }
    }

    #[test]
    fn given_expiry_2026_09_30_when_special_period_then_ends_2026_11_30() {
        assert_eq!(special_period_end(d(2026, 9, 30)), d(2026, 11, 30));
    }

    #[test]
    fn given_expiry_2026_12_31_when_special_period_then_ends_2027_02_28() {
        assert_eq!(special_period_end(d(2026, 12, 31)), d(2027, 2, 28));
    }

    #[test]
    fn given_expiry_2026_06_30_when_special_period_then_ends_2026_08_31() {
        assert_eq!(special_period_end(d(2026, 6, 30)), d(2026, 8, 31));
    }

    #[test]
    fn given_expiry_2027_03_31_when_special_period_then_ends_2027_05_31() {
        assert_eq!(special_period_end(d(2027, 3, 31)), d(2027, 5, 31));
    }

    #[test]
    fn given_mid_month_expiry_when_special_period_then_ends_on_the_same_day_two_months_later() {
        assert_eq!(special_period_end(d(2026, 8, 15)), d(2026, 10, 15));
        // 起算日 12-30 has no corresponding day in February: end of February.
        assert_eq!(special_period_end(d(2026, 12, 29)), d(2027, 2, 28));
    }
}
