//! Scenario expectations checked against the log (placeholder until the scenario crate lands).
