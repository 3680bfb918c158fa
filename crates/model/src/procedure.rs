//! Procedures: what a resident comes to an office to do.
//!
//! A procedure names the purpose of a counter visit and the procedure a Tokutei application is
//! attached to (domain-rules §4). The office-visit table (`zairyu table`) is keyed by it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A procedure a resident performs, or the purpose of a visit.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// 在留期間更新許可申請 (§5.4).
    Extension,
    /// Collecting a card that is ready at the bureau.
    CardCollection,
    /// 転居届 (§5.2).
    MoveWithinMunicipality,
    /// 転出届 (§5.3).
    MoveOut,
    /// 転入届 (§5.3).
    MoveIn,
    /// Legacy My Number card 有効期間変更 (§5.4).
    MyNumberValidityChange,
    /// My Number card continued use at the new municipality (継続利用, §5.3).
    MyNumberContinuity,
}

impl Procedure {
    pub fn label(self) -> &'static str {
        match self {
            Procedure::Extension => "period-of-stay extension",
            Procedure::CardCollection => "card collection",
            Procedure::MoveWithinMunicipality => "address change within the municipality",
            Procedure::MoveOut => "move-out notification",
            Procedure::MoveIn => "move-in notification",
            Procedure::MyNumberValidityChange => "My Number card validity change",
            Procedure::MyNumberContinuity => "My Number card continued use",
        }
    }
}
