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

/// How a filing deadline that ends on a non-working day is treated.
///
/// §5 [C recollection]: 行政機関の休日に関する法律 2条 moves a deadline ending on an
/// administrative holiday to the next business day. We model weekends only: there is no
/// national-holiday or year-end (12/29–1/3) calendar in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineRoll {
    /// The deadline is the N-th day, whatever day of the week it is.
    None,
    /// A deadline ending on Saturday or Sunday moves to the following Monday.
    #[default]
    NextWeekday,
}

/// The last day of an N-day deadline for an event on `event_day`.
///
/// §5 intro and §10 [C recollection: 民法140 and 行政機関の休日に関する法律 2条]: the
/// count starts the day after the event (the event day is not counted), so "within 14 days" of
/// a move on 2026-07-01 ends on 2026-07-15. With [`DeadlineRoll::NextWeekday`] a Saturday or
/// Sunday last day moves to Monday; holidays are not modelled (see [`DeadlineRoll`]).
pub fn deadline(event_day: NaiveDate, days: u32, roll: DeadlineRoll) -> NaiveDate {
    let last = event_day
        .checked_add_days(Days::new(u64::from(days)))
        .expect("date within chrono's range");
    match (roll, last.weekday()) {
        (DeadlineRoll::NextWeekday, Weekday::Sat) => last + Days::new(2),
        (DeadlineRoll::NextWeekday, Weekday::Sun) => last + Days::new(1),
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
    fn given_deadline_roll_when_defaulted_and_serialized_then_next_weekday_in_snake_case() {
        assert_eq!(DeadlineRoll::default(), DeadlineRoll::NextWeekday);
        assert_eq!(
            serde_json::to_string(&DeadlineRoll::NextWeekday).unwrap(),
            "\"next_weekday\""
        );
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
