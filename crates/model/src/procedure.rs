//! Procedures: what a resident comes to an office to do.
//!
//! A procedure names the purpose of a counter visit and the procedure a Tokutei application is
//! attached to (docs/domain.md §4). The office-visit table (`zairyu table`) is keyed by it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A procedure a resident performs, or the purpose of a visit.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// 上陸: landing at a port of entry (§5.1).
    Landing,
    /// 住居地届出: the first residence notification after landing (§5.1).
    ResidenceNotification,
    /// 住居地届出 by a person who became a mid-to-long-term resident by a change of status
    /// (入管法19条の8, §5.5).
    ResidenceNotificationAfterStatusChange,
    /// 在留期間更新許可申請 (§5.4).
    Extension,
    /// 在留資格変更許可申請 (§5.5).
    StatusChange,
    /// 永住許可申請 (§5.6).
    PermanentResidence,
    /// 在留カード有効期間更新申請 (§5.7).
    CardRenewal,
    /// 特別永住者証明書の有効期間更新 at the municipality (§5.8).
    SprCertificateRenewal,
    /// 住居地以外の記載事項変更届出 (§5.9).
    ItemChange,
    /// Reissue for damage, soiling or on request (§5.10).
    Reissue,
    /// Reissue after loss or theft (§5.11).
    LossReissue,
    /// A loss report to the police (§5.11).
    LossReport,
    /// Suspension of My Number functions through the call centre (§5.11).
    MyNumberSuspension,
    /// A Tokutei card application made on its own (never allowed, §4).
    TokuteiApplication,
    /// Collecting a card that is ready.
    CardCollection,
    /// 転居届 (§5.2).
    MoveWithinMunicipality,
    /// 転出届 (§5.3).
    MoveOut,
    /// 転入届 (§5.3).
    MoveIn,
    /// Legacy My Number card 有効期間変更 (§5.4).
    MyNumberValidityChange,
    /// Legacy My Number card 特例期間延長 (§5.13).
    MyNumberSpecialPeriodExtension,
    /// My Number card continued use at the new municipality (継続利用, §5.3).
    MyNumberContinuity,
    /// Resetting a locked PIN (§5.12).
    PinReset,
    /// A new separate My Number card after a loss (紛失届 and 再交付申請) or a lapse, at the
    /// municipal window (§5.11, §8.4).
    MyNumberCardReissue,
    /// Bringing the separate My Number card up to date after a non-address item change
    /// (券面事項変更, §5.9).
    MyNumberCardItemUpdate,
    /// 国外転出届: the notice of a move abroad at the municipality, before leaving Japan for
    /// good (住民基本台帳法24条, §5.14).
    DepartureNotification,
    /// 出国 without a re-entry permit: leaving Japan for good at a port, where the card is
    /// returned (入管法19条の14, 19条の15, §5.14).
    Departure,
    /// 出生届 of a foreign child at the municipality, which registers the child (§5.15).
    BirthNotification,
    /// 在留資格取得許可申請 for a child born in Japan (入管法22条の2, §5.15).
    StatusAcquisition,
}

impl Procedure {
    /// Every procedure, in a fixed order (for tables).
    pub const ALL: [Procedure; 28] = [
        Procedure::Landing,
        Procedure::ResidenceNotification,
        Procedure::ResidenceNotificationAfterStatusChange,
        Procedure::Extension,
        Procedure::StatusChange,
        Procedure::PermanentResidence,
        Procedure::CardRenewal,
        Procedure::SprCertificateRenewal,
        Procedure::ItemChange,
        Procedure::Reissue,
        Procedure::LossReissue,
        Procedure::LossReport,
        Procedure::MyNumberSuspension,
        Procedure::TokuteiApplication,
        Procedure::CardCollection,
        Procedure::MoveWithinMunicipality,
        Procedure::MoveOut,
        Procedure::MoveIn,
        Procedure::MyNumberValidityChange,
        Procedure::MyNumberSpecialPeriodExtension,
        Procedure::MyNumberContinuity,
        Procedure::PinReset,
        Procedure::MyNumberCardReissue,
        Procedure::MyNumberCardItemUpdate,
        Procedure::DepartureNotification,
        Procedure::Departure,
        Procedure::BirthNotification,
        Procedure::StatusAcquisition,
    ];

    /// Whether a new residence card results from the procedure (so a Tokutei application
    /// may be attached at the bureau, §4).
    pub fn issues_card(self) -> bool {
        matches!(
            self,
            Procedure::Extension
                | Procedure::StatusChange
                | Procedure::StatusAcquisition
                | Procedure::PermanentResidence
                | Procedure::CardRenewal
                | Procedure::SprCertificateRenewal
                | Procedure::ItemChange
                | Procedure::Reissue
                | Procedure::LossReissue
        )
    }
}

/// A recorded item other than the address (§5.9).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ChangedItem {
    Name,
    Nationality,
    DateOfBirth,
    Sex,
}

/// Why a card is reissued (§5.10, §5.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum ReissueReason {
    /// Damaged, soiled, or the chip failed.
    Damaged,
    /// Exchange on request.
    OnRequest,
    /// Lost or stolen: learned of on `learned_on`; the police report, if made, on `reported_on`.
    Lost {
        learned_on: chrono::NaiveDate,
        reported_on: Option<chrono::NaiveDate>,
    },
}

impl ReissueReason {
    pub fn procedure(self) -> Procedure {
        match self {
            ReissueReason::Lost { .. } => Procedure::LossReissue,
            _ => Procedure::Reissue,
        }
    }
}

/// Why a new separate My Number card is applied for at the municipal window (§5.11, §8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum MyNumberCardReissueReason {
    /// Lost or stolen: the municipal loss notification (紛失届) with the reissue; the police
    /// report, if made, on `reported_on` [A MUNI-LOSS].
    Lost {
        reported_on: Option<chrono::NaiveDate>,
    },
    /// The card lapsed: its validity ended without a validity change (§5.4), or continued use
    /// after a move was not confirmed in time (§5.3) [A MUNI-MN].
    Lapsed,
}
