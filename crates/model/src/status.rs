//! Statuses of residence (在留資格) and the categories the card rules care about.
//!
//! The card rules (docs/domain.md §8) do not care about most of the 29 statuses: they split
//! residents into permanent residents, Highly Skilled Professional (ii), special permanent
//! residents and everyone else. Eligibility for a Tokutei card (§3) splits them into
//! mid-to-long-term residents and those who are not.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::validity::CardHolderCategory;

/// A status of residence, or the legal position of a special permanent resident.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 永住者.
    PermanentResident,
    /// 高度専門職2号.
    HighlySkilledProfessional2,
    /// 特別永住者 (not a status of residence strictly; holds an SPR certificate).
    SpecialPermanentResident,
    /// 高度専門職1号.
    HighlySkilledProfessional1,
    /// 技術・人文知識・国際業務.
    EngineerSpecialistHumanities,
    /// 留学.
    Student,
    /// 家族滞在.
    Dependent,
    /// 日本人の配偶者等.
    SpouseOfJapanese,
    /// 永住者の配偶者等.
    SpouseOfPermanentResident,
    /// 定住者.
    LongTermResident,
    /// 技能実習.
    TechnicalIntern,
    /// 特定技能.
    SpecifiedSkilledWorker,
    /// 経営・管理.
    BusinessManager,
    /// Any other mid-to-long-term status.
    OtherMidToLongTerm,
    /// 短期滞在: not a mid-to-long-term resident, holds no residence card (§3).
    TemporaryVisitor,
    /// 外交 / 公用: not a mid-to-long-term resident (§3).
    Diplomat,
    /// 出生による経過滞在者: a child born in Japan who may stay 60 days from the birth without a
    /// status of residence (入管法22条の2①, §5.15); in the register (住基法30条の45), holding no
    /// card until a status is acquired.
    TransitionalStayer,
}

impl Status {
    /// The category the card validity rules use (§8).
    pub fn card_category(self) -> CardHolderCategory {
        match self {
            Status::PermanentResident => CardHolderCategory::PermanentResident,
            Status::HighlySkilledProfessional2 => CardHolderCategory::HighlySkilledProfessional2,
            Status::SpecialPermanentResident => CardHolderCategory::SpecialPermanentResident,
            _ => CardHolderCategory::Other,
        }
    }

    /// Whether the status carries a period of stay that expires (PR, HSP(ii) and SPR do not).
    pub fn has_period_of_stay(self) -> bool {
        !matches!(
            self,
            Status::PermanentResident
                | Status::HighlySkilledProfessional2
                | Status::SpecialPermanentResident
                | Status::TransitionalStayer
        )
    }

    /// Whether the holder is a mid-to-long-term resident (中長期在留者) or a special permanent
    /// resident, the two groups eligible for a Tokutei card.
    ///
    /// §3 [A SHUGIIN; A* 入管法19条の3]: short-term stayers and diplomats are not
    /// mid-to-long-term residents and hold no residence card. Periods of three months or less
    /// are excluded by the same article; that exclusion is not modelled (the simulator does not
    /// carry period lengths), see docs/domain.md.
    pub fn is_card_holding(self) -> bool {
        !matches!(
            self,
            Status::TemporaryVisitor | Status::Diplomat | Status::TransitionalStayer
        )
    }

    /// Whether the Basic Resident Register takes a foreign national of this status: the
    /// card-holding ones, and a child born in Japan during the 60 days before it acquires a
    /// status (出生による経過滞在者).
    ///
    /// 住民基本台帳法30条の45 [A* as recalled in docs/domain.md §3; B: municipal pages list "出生
    /// 又は日本国籍喪失による経過滞在の人" among the foreign residents who are registered]; persons
    /// under temporary protection or provisional stay are not modelled.
    pub fn in_register_scope(self) -> bool {
        self.is_card_holding() || self == Status::TransitionalStayer
    }
}
