//! Shared by the hostile-input tests: the corpus generator.

pub mod corpus;
