//! Simulated time. The scheduler is the only clock; nothing in the domain reads the wall clock.
//!
//! A [`SimTime`] is a date and a time of day; procedures happen on dates, but messages between
//! offices take hours, and the teaching diagrams draw those hours. A [`Latency`] is a duration
//! written the human way (`"1d"`, `"4h"`, `"30m"`) in policy and scenario files.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A point in simulated time.
pub type SimTime = NaiveDateTime;

/// Office hours open at 09:00; a step written with a bare date happens then.
pub fn opening_time(date: NaiveDate) -> SimTime {
    date.and_time(NaiveTime::from_hms_opt(9, 0, 0).expect("09:00 is a valid time"))
}

/// Midnight at the start of `date`; validity lapses are recorded then.
pub fn start_of_day(date: NaiveDate) -> SimTime {
    date.and_time(NaiveTime::MIN)
}

/// Counters close at 17:00.
pub const CLOSING_HOUR: u32 = 17;

/// The first moment at or after `t` within counter hours (09:00–17:00), whatever the day; which
/// days a counter opens is `model::rules::next_counter_time`'s question.
pub fn counter_time(t: SimTime) -> SimTime {
    use chrono::Timelike;
    if t.hour() < 9 {
        opening_time(t.date())
    } else if t.hour() >= CLOSING_HOUR {
        opening_time(t.date().succ_opt().unwrap_or(t.date()))
    } else {
        t
    }
}

/// A non-negative duration in whole minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Latency {
    minutes: u32,
}

impl Latency {
    pub const ZERO: Latency = Latency { minutes: 0 };

    pub const fn minutes(minutes: u32) -> Latency {
        Latency { minutes }
    }

    pub const fn hours(hours: u32) -> Latency {
        Latency {
            minutes: hours * 60,
        }
    }

    pub const fn days(days: u32) -> Latency {
        Latency {
            minutes: days * 24 * 60,
        }
    }

    pub fn as_minutes(self) -> u32 {
        self.minutes
    }

    pub fn as_duration(self) -> Duration {
        Duration::minutes(i64::from(self.minutes))
    }

    /// Parses `"1d"`, `"4h 30m"`, `"0"` (humantime syntax); seconds are rounded down to minutes.
    pub fn parse(text: &str) -> Result<Latency, String> {
        let text = text.trim();
        if text == "0" {
            return Ok(Latency::ZERO);
        }
        let d = humantime::parse_duration(text).map_err(|e| {
            format!("expected a duration such as \"1d\", \"4h\" or \"30m\", found {text:?}: {e}")
        })?;
        u32::try_from(d.as_secs() / 60)
            .map(Latency::minutes)
            .map_err(|_| format!("duration {text:?} is too long"))
    }
}

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (d, rem) = (self.minutes / 1440, self.minutes % 1440);
        let (h, m) = (rem / 60, rem % 60);
        let mut parts = Vec::new();
        if d > 0 {
            parts.push(format!("{d}d"));
        }
        if h > 0 {
            parts.push(format!("{h}h"));
        }
        if m > 0 || parts.is_empty() {
            parts.push(format!("{m}m"));
        }
        f.write_str(&parts.join(" "))
    }
}

impl Serialize for Latency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Latency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Latency::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Latency {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Latency".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A duration such as \"1d\", \"4h\", \"30m\" or \"1d 2h\".",
            "examples": ["1d", "4h", "30m"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_parses_and_prints_human_durations() {
        assert_eq!(Latency::parse("1d").unwrap(), Latency::days(1));
        assert_eq!(Latency::parse("4h 30m").unwrap(), Latency::minutes(270));
        assert_eq!(Latency::parse("0").unwrap(), Latency::ZERO);
        assert_eq!(Latency::minutes(1530).to_string(), "1d 1h 30m");
        assert!(Latency::parse("soon").is_err());
    }
}
