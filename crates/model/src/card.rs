//! The cards a resident can hold, as recorded by the office that issued them.
//!
//! docs/domain.md §2: the first-generation residence card, the new-format (second-generation)
//! card issued from 2026-06-14, the SPR certificate in both generations, the separate My Number
//! card, and the Tokutei card (residence card or SPR certificate with My Number functions).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::card_number::ResidenceCardNumber;

/// The kind of a card.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    /// 在留カード, first generation (issued under the old law).
    ResidenceCard,
    /// 新様式の在留カード (second generation, issued under the amended law, no My Number functions).
    NewFormatResidenceCard,
    /// 特別永住者証明書, first generation.
    SprCertificate,
    /// New-format SPR certificate.
    NewFormatSprCertificate,
    /// 特定在留カード: residence card with My Number card functions.
    TokuteiResidenceCard,
    /// 特定特別永住者証明書: SPR certificate with My Number card functions.
    TokuteiSprCertificate,
    /// 個人番号カード, the separate My Number card.
    MyNumberCard,
}

impl CardKind {
    /// Whether this card carries My Number card functions.
    pub fn has_my_number_functions(self) -> bool {
        matches!(
            self,
            CardKind::TokuteiResidenceCard
                | CardKind::TokuteiSprCertificate
                | CardKind::MyNumberCard
        )
    }

    /// Whether this card is the resident's residence card or SPR certificate (in any form).
    pub fn is_residence_document(self) -> bool {
        !matches!(self, CardKind::MyNumberCard)
    }

    /// Whether this is a Tokutei card.
    pub fn is_tokutei(self) -> bool {
        matches!(
            self,
            CardKind::TokuteiResidenceCard | CardKind::TokuteiSprCertificate
        )
    }
}

/// A residence card or SPR certificate as issued. Its dates, and those of the two types below,
/// are written and read by `fast_text` (chrono's text, without chrono's formatter): events carry
/// these types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ResidenceCard {
    pub kind: CardKind,
    pub number: ResidenceCardNumber,
    #[serde(with = "crate::fast_text::date")]
    #[schemars(with = "NaiveDate")]
    pub issued_on: NaiveDate,
    #[serde(with = "crate::fast_text::date")]
    #[schemars(with = "NaiveDate")]
    pub valid_through: NaiveDate,
}

/// A separate My Number card as issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MyNumberCard {
    #[serde(with = "crate::fast_text::date")]
    #[schemars(with = "NaiveDate")]
    pub issued_on: NaiveDate,
    #[serde(with = "crate::fast_text::date")]
    #[schemars(with = "NaiveDate")]
    pub valid_through: NaiveDate,
}

/// The two JPKI certificates on a card with My Number functions (§8.5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Certificates {
    /// 署名用電子証明書; `None` when not issued (e.g. under 15) or revoked.
    #[serde(with = "crate::fast_text::option_date", default)]
    #[schemars(with = "Option<NaiveDate>")]
    pub signature_through: Option<NaiveDate>,
    /// 利用者証明用電子証明書.
    #[serde(with = "crate::fast_text::option_date", default)]
    #[schemars(with = "Option<NaiveDate>")]
    pub user_auth_through: Option<NaiveDate>,
}
