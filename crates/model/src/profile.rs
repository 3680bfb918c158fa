//! Building a resident's starting profile (`model::command::ResidentProfile`) from the few facts
//! a scenario author or the population generator decides: the rest (identifiers, card kinds,
//! validity dates, certificates) follows from the seed and the domain rules in `model`.
//!
//! Scenario files and the synthetic population share this function so that a resident written
//! by hand and a generated one start from the same rules.

use crate::card::{Certificates, MyNumberCard, ResidenceCard};
use crate::card_number::ResidenceCardNumber;
use crate::command::{FiledApplication, ResidentProfile};
use crate::ids::{Address, Municipality};
use crate::mynumber::MyNumber;
use crate::rules::residence_document_kind;
use crate::status::Status;
use crate::validity::{
    self, CardLaw, CertificateKind, ValiditySwitches, certificate_valid_through,
    signature_certificate_issuable,
};
use chrono::NaiveDate;

/// A card held at the start: its issue date and, if the author fixed it, its last valid day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardInput {
    pub issued_on: NaiveDate,
    pub valid_through: Option<NaiveDate>,
    /// A Tokutei card (residence document with My Number functions); validated by the caller
    /// against the policy (§3).
    pub tokutei: bool,
}

/// The facts about a resident that are not derived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInput {
    pub name: String,
    pub born_on: NaiveDate,
    pub status: Status,
    pub period_expiry: Option<NaiveDate>,
    pub municipality: Municipality,
    pub address: Address,
    pub registered: bool,
    /// The residence card or SPR certificate; `None` exactly when the status holds no card.
    pub card: Option<CardInput>,
    /// The separate My Number card, if held.
    pub my_number_card: Option<CardInput>,
    /// A residence application filed before the run and still pending.
    pub pending: Option<FiledApplication>,
}

/// The serial of the card a resident holds at the start. The bureau numbers the next card
/// `cards_issued + 1`, so starting at 1 keeps every issuance distinct.
pub const EXISTING_CARD_SERIAL: u32 = 1;

/// The last valid day of a residence card or SPR certificate issued on `issued_on` under `law`
/// (§8.1–§8.3), not issued by a validity renewal.
///
/// Returns `None` only for a status whose card validity is tied to a period of stay when no
/// expiry is given; scenario validation rules that out before calling.
pub fn residence_document_valid_through(
    status: Status,
    born_on: NaiveDate,
    issued_on: NaiveDate,
    period_expiry: Option<NaiveDate>,
    law: CardLaw,
    switches: ValiditySwitches,
) -> Option<NaiveDate> {
    if status == Status::SpecialPermanentResident {
        return Some(validity::spr_certificate_valid_through(
            law, born_on, issued_on, None, switches,
        ));
    }
    validity::residence_card_valid_through(
        law,
        status.card_category(),
        born_on,
        issued_on,
        period_expiry,
        false,
        switches,
    )
    .ok()
}

/// The resident's profile. `index` is the resident's dense id (numbers derive from it and the
/// seed); `law_on` says which card law governed a card issued on a given day.
pub fn build_profile(
    input: &ProfileInput,
    seed: u64,
    index: u32,
    law_on: impl Fn(NaiveDate) -> CardLaw,
    switches: ValiditySwitches,
) -> ResidentProfile {
    let residence_card = input.card.map(|card| {
        let law = law_on(card.issued_on);
        let valid_through = card.valid_through.unwrap_or_else(|| {
            residence_document_valid_through(
                input.status,
                input.born_on,
                card.issued_on,
                input.period_expiry,
                law,
                switches,
            )
            // Only a period-tied status without an expiry has no validity, and callers
            // require the expiry for those; fall back to the issue day rather than panic.
            .unwrap_or(card.issued_on)
        });
        ResidenceCard {
            // The kind rule lives in model (§2). A Tokutei card exists only under
            // the amended law; resolution refuses a file that asks for one otherwise.
            kind: residence_document_kind(
                law,
                input.status,
                card.tokutei && law == CardLaw::Amended,
            ),
            number: ResidenceCardNumber::generate(seed, index, EXISTING_CARD_SERIAL),
            issued_on: card.issued_on,
            valid_through,
        }
    });
    let my_number_card = input.my_number_card.map(|card| MyNumberCard {
        issued_on: card.issued_on,
        valid_through: card.valid_through.unwrap_or_else(|| {
            validity::my_number_card_valid_through(
                input.status.card_category(),
                input.born_on,
                card.issued_on,
                input.period_expiry,
            )
        }),
    });
    // The certificates live on whichever card carries the My Number functions: the separate
    // card, or a Tokutei card.
    let functions_card = my_number_card
        .map(|c| (c.issued_on, c.valid_through))
        .or_else(|| {
            residence_card
                .as_ref()
                .filter(|c| c.kind.is_tokutei())
                .map(|c| (c.issued_on, c.valid_through))
        });
    let certificates = match functions_card {
        Some((issued_on, valid_through)) => {
            let through = |kind| {
                certificate_valid_through(
                    kind,
                    input.born_on,
                    issued_on,
                    valid_through,
                    input.period_expiry,
                    false,
                )
            };
            Certificates {
                signature_through: signature_certificate_issuable(input.born_on, issued_on)
                    .then(|| through(CertificateKind::Signature)),
                user_auth_through: Some(through(CertificateKind::UserAuthentication)),
            }
        }
        None => Certificates {
            signature_through: None,
            user_auth_through: None,
        },
    };
    ResidentProfile {
        name: input.name.clone(),
        born_on: input.born_on,
        status: input.status,
        period_expiry: input.period_expiry,
        municipality: input.municipality,
        address: input.address,
        registered: input.registered,
        my_number: MyNumber::generate(seed, u64::from(index)),
        cards_issued: u32::from(residence_card.is_some()) * EXISTING_CARD_SERIAL,
        residence_card,
        my_number_card,
        certificates,
        pending: input.pending,
    }
}
