//! A date's text in an event's payload is written and read without chrono's formatter and
//! parser (`model::date_text::{write_iso, parse_iso}`, `model::fast_text::Date`), and the bytes
//! are chrono's: every day of a common and a leap year, the edges of the four-digit years, and
//! the years chrono writes with a sign (left to chrono) — in MessagePack (the payloads) and JSON
//! (the state hash), and through an event's encoding and decoding.

use chrono::NaiveDate;
use model::date_text::{parse_iso, write_iso};
use model::event::{Event, PayloadError};
use model::fast_text::Date;
use model::ids::ResidentId;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Every day of 2027 (common) and 2028 (leap), and the edges.
fn dates() -> Vec<NaiveDate> {
    let mut all: Vec<NaiveDate> = date(2027, 1, 1)
        .iter_days()
        .take_while(|d| *d < date(2029, 1, 1))
        .collect();
    all.extend([
        date(0, 1, 1),
        date(1, 1, 1),
        date(999, 12, 31),
        date(1000, 1, 1),
        date(1969, 12, 31),
        date(1970, 1, 1),
        date(2000, 2, 29),
        date(2026, 6, 14),
        date(9999, 12, 31),
        // chrono writes these with a sign; they are left to it.
        date(-1, 12, 31),
        date(-44, 3, 15),
        date(10000, 1, 1),
        date(12345, 1, 2),
        NaiveDate::MIN,
        NaiveDate::MAX,
    ]);
    all
}

#[test]
fn given_every_day_of_two_years_and_the_edges_when_written_then_the_text_is_chronos() {
    assert_eq!(dates().len(), 365 + 366 + 15);
    for d in dates() {
        let chrono_text = d.to_string();
        match write_iso(d) {
            Some(text) => {
                assert_eq!(text.as_slice(), chrono_text.as_bytes(), "{d}");
                assert_eq!(parse_iso(&text), Some(d), "{d}");
            }
            None => assert!(
                !(0..=9999).contains(&chrono::Datelike::year(&d)),
                "{d} has four digits but was not written"
            ),
        }
    }
}

#[test]
fn given_texts_that_are_not_ten_byte_real_days_when_read_then_they_are_left_to_chrono() {
    for text in [
        "2026-02-29",
        "2026-13-01",
        "2026-00-10",
        "2026-01-00",
        "2026-7-1",
        "2026-07-1 ",
        "2026/07/01",
        "+12345-01-02",
        "-0044-03-15",
        "２０２６-07-01",
        "2026-0a-01",
        "",
    ] {
        assert_eq!(parse_iso(text.as_bytes()), None, "{text}");
    }
}

#[test]
fn given_every_date_when_serialized_as_a_payload_date_then_messagepack_and_json_are_chronos() {
    for d in dates() {
        assert_eq!(
            rmp_serde::to_vec(&Date(d)).expect("encodes"),
            rmp_serde::to_vec(&d).expect("encodes"),
            "{d}"
        );
        assert_eq!(
            serde_json::to_string(&Date(d)).expect("encodes"),
            serde_json::to_string(&d).expect("encodes"),
            "{d}"
        );
        let bytes = rmp_serde::to_vec(&d).expect("encodes");
        assert_eq!(
            rmp_serde::from_slice::<Date>(&bytes).expect("decodes"),
            Date(d),
            "{d}"
        );
    }
    // Not a date: the same error as chrono's.
    let bytes = rmp_serde::to_vec("2026-02-30").expect("encodes");
    assert_eq!(
        rmp_serde::from_slice::<Date>(&bytes)
            .expect_err("no such day")
            .to_string(),
        rmp_serde::from_slice::<NaiveDate>(&bytes)
            .expect_err("no such day")
            .to_string()
    );
}

#[test]
fn given_events_with_every_form_of_date_field_when_encoded_then_the_bytes_are_serdes_and_decode_back()
 {
    let r = ResidentId(7);
    for d in dates() {
        let cases = [
            (
                Event::PeriodOfStayExtended {
                    resident: r,
                    previous_expiry: Some(d),
                    new_expiry: d,
                },
                rmp_serde::to_vec(&(Some(d), d)),
            ),
            (
                Event::PeriodOfStayExtended {
                    resident: r,
                    previous_expiry: None,
                    new_expiry: d,
                },
                rmp_serde::to_vec(&(None::<NaiveDate>, d)),
            ),
            (
                Event::MyNumberCardValidityChanged {
                    resident: r,
                    previous: d,
                    valid_through: date(2030, 1, 31),
                },
                rmp_serde::to_vec(&(d, date(2030, 1, 31))),
            ),
        ];
        for (event, plain) in cases {
            let mut payload = Vec::new();
            event.encode_payload(&mut payload);
            assert_eq!(payload, plain.expect("encodes"), "{event:?}");
            let back = Event::decode_payload(event.type_name(), r, &payload).expect("decodes");
            assert_eq!(back, event);
        }
    }
}

#[test]
fn given_payloads_that_are_not_the_fields_when_decoded_then_each_is_refused_as_before() {
    let r = ResidentId(1);
    let fields = rmp_serde::to_vec(&(Some(date(2026, 7, 31)), date(2029, 7, 31))).expect("encodes");
    // Fields of another count: not the opening of this type's array, read as a tuple.
    let one = rmp_serde::to_vec(&(date(2029, 7, 31),)).expect("encodes");
    assert!(matches!(
        Event::decode_payload("PeriodOfStayExtended", r, &one),
        Err(PayloadError::Malformed(_))
    ));
    // A field that is not a date, and a date that is not a day.
    let not_a_date = rmp_serde::to_vec(&(Some(date(2026, 7, 31)), 5u8)).expect("encodes");
    assert!(matches!(
        Event::decode_payload("PeriodOfStayExtended", r, &not_a_date),
        Err(PayloadError::Malformed(_))
    ));
    let no_such_day = rmp_serde::to_vec(&(None::<NaiveDate>, "2029-02-30")).expect("encodes");
    let said = Event::decode_payload("PeriodOfStayExtended", r, &no_such_day)
        .expect_err("no such day")
        .to_string();
    assert!(said.contains("out of range"), "{said}");
    // Cut short, and with bytes left over.
    assert!(matches!(
        Event::decode_payload("PeriodOfStayExtended", r, &fields[..fields.len() - 1]),
        Err(PayloadError::Malformed(_))
    ));
    let mut longer = fields.clone();
    longer.push(0);
    assert!(matches!(
        Event::decode_payload("PeriodOfStayExtended", r, &longer),
        Err(PayloadError::TrailingBytes(1))
    ));
    // A type this build does not know, by name and by number.
    assert!(matches!(
        Event::decode_payload("NoSuchEvent", r, &fields),
        Err(PayloadError::UnknownType(name)) if name == "NoSuchEvent"
    ));
    assert!(Event::decode_payload_of(Event::TYPE_NAMES.len(), r, &fields).is_err());
}

#[test]
fn given_every_event_type_name_when_looked_up_then_its_position_is_found_and_nothing_else_is() {
    for (at, name) in Event::TYPE_NAMES.iter().enumerate() {
        assert_eq!(Event::type_index(name), Some(at), "{name}");
    }
    for other in ["", "counterVisited", "CounterVisitedX", "Zzz", "AAA"] {
        assert_eq!(Event::type_index(other), None, "{other}");
    }
}

#[test]
fn given_events_of_several_types_when_asked_their_index_then_it_is_their_names_position() {
    let r = ResidentId(2);
    let events = [
        Event::PermanentResidenceGranted { resident: r },
        Event::PeriodOfStayExtended {
            resident: r,
            previous_expiry: None,
            new_expiry: date(2029, 7, 31),
        },
        Event::ExtensionGranted {
            resident: r,
            new_expiry: date(2029, 7, 31),
        },
    ];
    let mut seen = Vec::new();
    for event in &events {
        let at = event.index();
        assert_eq!(Event::TYPE_NAMES[at], event.type_name());
        assert_eq!(Event::type_index(event.type_name()), Some(at));
        seen.push(at);
    }
    seen.dedup();
    assert_eq!(seen.len(), events.len(), "three types, three positions");
}
