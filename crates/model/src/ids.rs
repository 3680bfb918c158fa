//! Identifiers of people and places used across every office.
//!
//! Residents are numbered densely (`ResidentId(0..n)`) so that each service can keep its
//! per-resident state in a `Vec` indexed by id: at national scale (4 M residents) that is both
//! the most compact layout and free of hash-iteration order. Municipalities and addresses are
//! plain text because scenario authors write them by name.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A resident, numbered from 0 in the order the scenario (or population) declares them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct ResidentId(pub u32);

impl ResidentId {
    /// The index of this resident in dense per-resident tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{}", self.0)
    }
}

/// A municipality (市区町村; a ward in designated cities), by name, e.g. `shinjuku`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct Municipality(pub String);

impl fmt::Display for Municipality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Municipality {
    fn from(s: &str) -> Self {
        Municipality(s.to_owned())
    }
}

/// A residential address (住居地) as written in the register and on the card.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct Address(pub String);

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Address {
    fn from(s: &str) -> Self {
        Address(s.to_owned())
    }
}
