//! The offices that keep a resident's records, and the links between them.
//!
//! A [`Service`] is one of the three simulated offices, each a pure state machine in its own
//! crate. An [`Office`] is any counter a resident can visit (the police and the My Number call
//! centre are places a resident goes, not simulated record keepers). A [`Link`] is a directed
//! channel between two services; its latency comes from the policy (docs/domain.md §6).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One of the three simulated record keepers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    /// 出入国在留管理庁 / regional immigration bureau (ISA).
    ImmigrationBureau,
    /// 市区町村: the municipalities and their Basic Resident Register.
    CityHall,
    /// 地方公共団体情報システム機構 (J-LIS): card production, My Number functions, certificates,
    /// and the My Number call centre.
    CardIssuer,
    /// The police: loss and theft reports (§5.11). Keeps only the reports.
    Police,
}

impl Service {
    /// Every service, in the fixed order the scheduler uses to break ties.
    pub const ALL: [Service; 4] = [
        Service::ImmigrationBureau,
        Service::CityHall,
        Service::CardIssuer,
        Service::Police,
    ];

    /// The position of the service in [`Service::ALL`].
    pub fn index(self) -> usize {
        match self {
            Service::ImmigrationBureau => 0,
            Service::CityHall => 1,
            Service::CardIssuer => 2,
            Service::Police => 3,
        }
    }

    /// The stable kebab-case name used in stream names and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::ImmigrationBureau => "immigration-bureau",
            Service::CityHall => "city-hall",
            Service::CardIssuer => "card-issuer",
            Service::Police => "police",
        }
    }

    /// Parses the stable name back.
    pub fn parse(s: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place a resident visits in person. Counter visits are the simulator's first measure.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Office {
    ImmigrationBureau,
    CityHall,
    Police,
    CallCentre,
}

impl Office {
    pub const ALL: [Office; 4] = [
        Office::ImmigrationBureau,
        Office::CityHall,
        Office::Police,
        Office::CallCentre,
    ];

    /// The stable snake_case name used in measure keys (`visits.city_hall`); the words shown
    /// to people are the report's labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Office::ImmigrationBureau => "immigration_bureau",
            Office::CityHall => "city_hall",
            Office::Police => "police",
            Office::CallCentre => "call_centre",
        }
    }
}

/// A directed link between two services, over which events are delivered after a latency.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Link {
    pub from: Service,
    pub to: Service,
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}→{}", self.from, self.to)
    }
}

/// How a procedure reached the office.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// In person at the counter (the default).
    #[default]
    Counter,
    /// The online residence application system (在留申請オンラインシステム) or, for a
    /// move-out, the My Number portal (card-based move-out, 特例転出).
    Online,
    /// At the port of entry on landing.
    Airport,
}
