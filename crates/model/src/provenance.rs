//! Where a value of the card record comes from: for each kind of dated value an office
//! records (a card's validity, a period's expiry) and for whether My Number functions can be
//! used, the rule function of this crate that computes it, with the section of docs/domain.md
//! it follows, its grade and sources, and the inputs it takes. `zairyu why` walks back from a
//! value to the event that set it and asks [`rule_for`] which rule that event applied.
//!
//! This is a table *about* the rules, not a rule: each entry names a function whose doc comment
//! holds the rule and its sources, and the tests below check that the doc comment says the
//! section and the grade given here, so the two cannot drift apart.

use serde::Serialize;

use crate::card::CardKind;
use crate::event::Event;

/// A value of the card record that `why` can explain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// The last valid day of the residence card or SPR certificate (Tokutei or not).
    CardValidity,
    /// The last valid day of the separate My Number card.
    MyNumberCardValidity,
    /// The last valid day of a Tokutei card's My Number functions.
    FunctionsValidity,
    /// The expiry of the period of stay, as an office records it.
    PeriodExpiry,
    /// Whether My Number functions can be used on a day.
    MyNumberUsable,
}

/// What a rule takes, as far as the card record shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    /// Which text of the law governs a card issued that day (`rules::card_law`).
    CardLaw,
    /// The resident's status of residence (the bureau's record).
    Status,
    /// The resident's date of birth.
    BornOn,
    /// The period of stay's expiry (the bureau's record).
    PeriodExpiry,
    /// The day the card is issued (the event's day).
    IssuedOn,
    /// The separate My Number card's last valid day, if it is in use.
    SeparateCard,
    /// The Tokutei card's My Number functions' last valid day, if they are in use.
    TokuteiFunctions,
    /// Whether the user-authentication PIN is locked.
    PinLocked,
    /// The special extension period running on the day, if any (§9).
    SpecialPeriod,
}

/// The rules `why` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleId {
    ResidenceCardValidity,
    SprCertificateValidity,
    StartingCardValidity,
    MyNumberCardValidity,
    MyNumberValidityChange,
    MyNumberSpecialPeriodExtension,
    FunctionsValidity,
    MyNumberUsable,
}

/// A rule function of this crate, with what its doc comment cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: RuleId,
    /// The function's path, as a reader finds it in the source.
    pub function: &'static str,
    /// The file that defines it, within `crates/model`.
    pub file: &'static str,
    /// The sections of docs/domain.md it follows.
    pub sections: &'static [&'static str],
    /// For a card validity rule, the section of each text of the law: `[old, amended]`.
    pub by_law: Option<[&'static str; 2]>,
    /// The grades and sources its doc comment gives (A official, B secondary, C inference).
    pub grades: &'static [&'static str],
    /// What it takes, as far as the card record shows it.
    pub inputs: &'static [Input],
}

const CARD_INPUTS: &[Input] = &[
    Input::CardLaw,
    Input::Status,
    Input::BornOn,
    Input::PeriodExpiry,
    Input::IssuedOn,
];

const RESIDENCE_CARD: Rule = Rule {
    id: RuleId::ResidenceCardValidity,
    function: "model::validity::residence_card_valid_through",
    file: "src/validity.rs",
    sections: &["§8.1", "§8.2"],
    by_law: Some(["§8.1", "§8.2"]),
    grades: &[
        "A* ACT-19-5",
        "B YSV",
        "B OFUNE, EIJUU",
        "C for the legal text",
    ],
    inputs: CARD_INPUTS,
};

const SPR_CERTIFICATE: Rule = Rule {
    id: RuleId::SprCertificateValidity,
    function: "model::validity::spr_certificate_valid_through",
    file: "src/validity.rs",
    sections: &["§8.3", "§8.2"],
    by_law: Some(["§8.3", "§8.2"]),
    grades: &["A MUNI-SPR", "B EIJUU", "C for the anchor"],
    inputs: &[Input::CardLaw, Input::BornOn, Input::IssuedOn],
};

const STARTING_CARD: Rule = Rule {
    id: RuleId::StartingCardValidity,
    function: "model::profile::residence_document_valid_through",
    file: "src/profile.rs",
    sections: &["§8.1", "§8.3"],
    by_law: None,
    grades: &[],
    inputs: CARD_INPUTS,
};

const MY_NUMBER_CARD: Rule = Rule {
    id: RuleId::MyNumberCardValidity,
    function: "model::validity::my_number_card_valid_through",
    file: "src/validity.rs",
    sections: &["§8.4"],
    by_law: None,
    grades: &["A MUNI-MN"],
    inputs: &[Input::Status, Input::BornOn, Input::PeriodExpiry],
};

const MY_NUMBER_VALIDITY_CHANGE: Rule = Rule {
    id: RuleId::MyNumberValidityChange,
    function: "model::validity::my_number_validity_change",
    file: "src/validity.rs",
    sections: &["§5.4", "§8.4", "§11"],
    by_law: None,
    grades: &["A MUNI-MN"],
    inputs: &[Input::Status, Input::BornOn, Input::PeriodExpiry],
};

const MY_NUMBER_SPECIAL_PERIOD: Rule = Rule {
    id: RuleId::MyNumberSpecialPeriodExtension,
    function: "model::validity::my_number_special_period_extension",
    file: "src/validity.rs",
    sections: &["§5.13", "§11"],
    by_law: None,
    grades: &["A MUNI-MN"],
    inputs: &[Input::PeriodExpiry, Input::SpecialPeriod],
};

const FUNCTIONS: Rule = Rule {
    id: RuleId::FunctionsValidity,
    function: "model::validity::my_number_functions_valid_through",
    file: "src/validity.rs",
    sections: &["§8.6", "§9"],
    by_law: None,
    grades: &["B EIJUU", "C, §16.2"],
    inputs: &[
        Input::TokuteiFunctions,
        Input::PeriodExpiry,
        Input::SpecialPeriod,
    ],
};

/// Whether My Number functions can be used on a day: [`crate::validity::MyNumberFunctionsHeld::usable_on`].
pub const MY_NUMBER_USABLE: Rule = Rule {
    id: RuleId::MyNumberUsable,
    function: "model::validity::MyNumberFunctionsHeld::usable_on",
    file: "src/validity.rs",
    sections: &["§8.4", "§8.6", "§9", "§5.12"],
    by_law: None,
    grades: &["A MUNI-MN", "B EIJUU", "C, §16.2", "A MUNI-PIN"],
    inputs: &[
        Input::SeparateCard,
        Input::TokuteiFunctions,
        Input::PinLocked,
        Input::PeriodExpiry,
        Input::SpecialPeriod,
    ],
};

/// Every rule `why` can name.
pub const RULES: &[Rule] = &[
    RESIDENCE_CARD,
    SPR_CERTIFICATE,
    STARTING_CARD,
    MY_NUMBER_CARD,
    MY_NUMBER_VALIDITY_CHANGE,
    MY_NUMBER_SPECIAL_PERIOD,
    FUNCTIONS,
    MY_NUMBER_USABLE,
];

/// The validity rule of a card of `kind` issued by the bureau (§8).
fn card_rule(kind: CardKind) -> &'static Rule {
    match kind {
        CardKind::SprCertificate
        | CardKind::NewFormatSprCertificate
        | CardKind::TokuteiSprCertificate => &SPR_CERTIFICATE,
        CardKind::ResidenceCard
        | CardKind::NewFormatResidenceCard
        | CardKind::TokuteiResidenceCard
        | CardKind::MyNumberCard => &RESIDENCE_CARD,
    }
}

/// The rule by which the office that recorded `event` computed its `value`, if the event
/// computed it. `None` when the event copies the value from the event that caused it (J-LIS
/// recording the validity the city hall changed, the city hall recording the bureau's notice)
/// or when the value is an office's decision (the date an extension is granted to) — then the
/// rule, if any, is further back along the chain of causes.
///
/// The starting records (`ImmigrationRecordOpened`, `CardIssuerRecordOpened`) hold what the
/// scenario gave, or what these rules computed where it left a date out.
pub fn rule_for(event: &Event, value: Value) -> Option<&'static Rule> {
    match (event, value) {
        (Event::ImmigrationRecordOpened { card: Some(_), .. }, Value::CardValidity) => {
            Some(&STARTING_CARD)
        }
        (
            Event::TokuteiCardRequested { kind, .. },
            Value::CardValidity | Value::FunctionsValidity,
        ) => Some(card_rule(*kind)),
        (
            Event::ResidenceCardIssued { card, .. },
            Value::CardValidity | Value::FunctionsValidity,
        ) => Some(card_rule(card.kind)),
        (
            Event::CardIssuerRecordOpened {
                my_number_card: Some(_),
                ..
            },
            Value::MyNumberCardValidity,
        ) => Some(&MY_NUMBER_CARD),
        // A new separate card's validity is computed as for any new card (§8.4).
        (
            Event::MyNumberCardReissueApplied { .. } | Event::MyNumberCardActivated { .. },
            Value::MyNumberCardValidity,
        ) => Some(&MY_NUMBER_CARD),
        (Event::MyNumberCardValidityChanged { .. }, Value::MyNumberCardValidity) => {
            Some(&MY_NUMBER_VALIDITY_CHANGE)
        }
        (Event::MyNumberCardSpecialPeriodExtended { .. }, Value::MyNumberCardValidity) => {
            Some(&MY_NUMBER_SPECIAL_PERIOD)
        }
        (Event::MyNumberFunctionsActivated { .. }, Value::FunctionsValidity) => Some(&FUNCTIONS),
        _ => None,
    }
}

impl Rule {
    /// The sections that apply under `law`: for a card validity rule, the one of that text of
    /// the law; otherwise all of them.
    pub fn sections_under(&self, law: Option<crate::validity::CardLaw>) -> Vec<&'static str> {
        use crate::validity::CardLaw;
        match (self.by_law, law) {
            (Some([old, _]), Some(CardLaw::Old)) => vec![old],
            (Some([_, amended]), Some(CardLaw::Amended)) => vec![amended],
            _ => self.sections.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The doc comment just above `pub fn <name>` in `text`.
    fn doc_comment(text: &str, name: &str) -> Option<String> {
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with(&format!("pub fn {name}(")))?;
        let mut doc: Vec<&str> = lines[..at]
            .iter()
            .rev()
            .take_while(|l| l.trim_start().starts_with("///"))
            .map(|l| l.trim_start().trim_start_matches("///").trim())
            .collect();
        doc.reverse();
        Some(doc.join(" "))
    }

    fn source(file: &str) -> &'static str {
        match file {
            "src/validity.rs" => include_str!("validity.rs"),
            "src/profile.rs" => include_str!("profile.rs"),
            other => panic!("no source {other}"),
        }
    }

    #[test]
    fn every_rule_names_a_function_whose_doc_comment_cites_its_sections_and_grades() {
        for rule in RULES {
            let name = rule.function.rsplit("::").next().unwrap();
            let doc = doc_comment(source(rule.file), name).unwrap_or_else(|| {
                panic!("{}: no `pub fn {name}` in {}", rule.function, rule.file)
            });
            let by_law = rule.by_law.iter().flatten();
            for cited in rule.sections.iter().chain(rule.grades).chain(by_law) {
                assert!(
                    doc.contains(cited),
                    "{}: the doc comment does not cite `{cited}`:\n{doc}",
                    rule.function
                );
            }
            let module = rule.file.trim_start_matches("src/").trim_end_matches(".rs");
            assert!(
                rule.function.starts_with(&format!("model::{module}::")),
                "{} is not in {}",
                rule.function,
                rule.file
            );
        }
    }

    #[test]
    fn a_tokutei_card_and_an_spr_certificate_name_their_own_validity_rule() {
        use crate::card::ResidenceCard;
        use crate::card_number::ResidenceCardNumber;
        use crate::ids::ResidentId;
        let day = chrono::NaiveDate::from_ymd_opt(2026, 7, 25).unwrap();
        let issued = |kind| Event::ResidenceCardIssued {
            resident: ResidentId(0),
            card: ResidenceCard {
                kind,
                number: ResidenceCardNumber::generate(1, 0, 2),
                issued_on: day,
                valid_through: day,
            },
            replaces: None,
        };
        let tokutei = issued(CardKind::TokuteiResidenceCard);
        let spr = issued(CardKind::TokuteiSprCertificate);
        assert_eq!(
            rule_for(&tokutei, Value::CardValidity).map(|r| r.id),
            Some(RuleId::ResidenceCardValidity)
        );
        assert_eq!(
            rule_for(&spr, Value::CardValidity).map(|r| r.id),
            Some(RuleId::SprCertificateValidity)
        );
        // The card's validity is not a rule about the period of stay.
        assert_eq!(rule_for(&tokutei, Value::PeriodExpiry), None);
    }
}
