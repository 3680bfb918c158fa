//! How a date is written in every file zairyu reads (scenarios, policy files, the policy
//! stored in a log): strictly `YYYY-MM-DD`, a real calendar day. One parser, so a scenario and
//! a policy file say the same thing about `2026-02-30` ("no such date"), and the serde helpers
//! for the policy's date fields, which chrono's own deserializer would report as "input is
//! out of range".
//!
//! It also writes and reads the text of a date in an event's payload without chrono's
//! formatter and parser ([`write_iso`], [`parse_iso`]): every event carries a few dates, which
//! chrono writes a character at a time through `fmt` and parses through its general format
//! machinery, a large part of what encoding and decoding an event cost. They give exactly
//! chrono's text for every year it writes with four digits (0–9999) and leave every other year
//! to chrono, so the payload bytes do not change (tests: `crates/model/tests/date_text.rs`).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer};

/// Why a text is not a date, as data (its `Display` is the English sentence for the person
/// who wrote it; a caller may say it in another language from the same data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the shape `YYYY-MM-DD`.
    #[error("expected a date YYYY-MM-DD, found `{0}`")]
    Shape(String),
    /// The shape, but a month that does not exist.
    #[error("no such date `{text}`: there is no month {month}")]
    NoMonth { text: String, month: u32 },
    /// The shape, but a day past the end of its month (`last`: the month's last day).
    #[error("no such date `{text}`: {} {year} has {last} days", month_name(*.month))]
    NoDay {
        text: String,
        year: i32,
        month: u32,
        last: u32,
    },
}

/// The English name of a month (1–12).
fn month_name(month: u32) -> String {
    NaiveDate::from_ymd_opt(2000, month, 1).map_or_else(String::new, |d| d.format("%B").to_string())
}

/// Parses a strict `YYYY-MM-DD` date.
pub fn parse(s: &str) -> Result<NaiveDate, DateError> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(DateError::Shape(s.to_owned()));
    }
    // The shape guarantees three runs of ASCII digits.
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (num(0..4) as i32, num(5..7), num(8..10));
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        match NaiveDate::from_ymd_opt(year, month, 1) {
            None => DateError::NoMonth {
                text: s.to_owned(),
                month,
            },
            Some(first) => DateError::NoDay {
                text: s.to_owned(),
                year,
                month,
                last: first
                    .checked_add_months(chrono::Months::new(1))
                    .and_then(|d| d.pred_opt())
                    .map_or(28, |d| d.day()),
            },
        }
    })
}

/// The text chrono writes for `date` (`YYYY-MM-DD`), when its year has four digits (0–9999);
/// `None` for any other year, which chrono writes with a sign (`+12345-01-02`).
pub fn write_iso(date: NaiveDate) -> Option<[u8; 10]> {
    let year = u32::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
    let (month, day) = (date.month(), date.day());
    let digit = |n: u32| b'0' + (n % 10) as u8;
    Some([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

/// The date of a text of exactly the shape [`write_iso`] writes (ten bytes, `YYYY-MM-DD`, a
/// real day); `None` for anything else, which a caller leaves to chrono's parser. What this
/// reads, chrono reads as the same date.
pub fn parse_iso(text: &[u8]) -> Option<NaiveDate> {
    let &[y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = text else {
        return None;
    };
    let mut n = [0u32; 8];
    for (slot, c) in n.iter_mut().zip([y1, y2, y3, y4, m1, m2, d1, d2]) {
        *slot = u32::from(c.wrapping_sub(b'0'));
        if *slot > 9 {
            return None;
        }
    }
    let year = n[0] * 1000 + n[1] * 100 + n[2] * 10 + n[3];
    NaiveDate::from_ymd_opt(year as i32, n[4] * 10 + n[5], n[6] * 10 + n[7])
}

/// serde `deserialize_with` for a `NaiveDate` field written as text.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = String::deserialize(d)?;
    parse(&s).map_err(serde::de::Error::custom)
}

/// serde `deserialize_with` for an optional `NaiveDate` field written as text.
pub fn deserialize_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(d)? {
        Some(s) => parse(&s).map(Some).map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn said(s: &str) -> Result<chrono::NaiveDate, String> {
        parse(s).map_err(|e| e.to_string())
    }

    #[test]
    fn only_real_days_in_the_strict_shape_are_dates() {
        assert_eq!(
            said("2026-07-01"),
            Ok(chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap())
        );
        assert_eq!(
            said("2026-7-1"),
            Err("expected a date YYYY-MM-DD, found `2026-7-1`".into())
        );
        assert_eq!(
            said("2026-02-30"),
            Err("no such date `2026-02-30`: February 2026 has 28 days".into())
        );
        assert_eq!(
            said("2028-02-30"),
            Err("no such date `2028-02-30`: February 2028 has 29 days".into())
        );
        assert_eq!(
            said("2026-13-01"),
            Err("no such date `2026-13-01`: there is no month 13".into())
        );
        assert!(parse("20260701").is_err());
        assert!(parse("２０２６-07-01").is_err());
    }
}
