//! Support code for the end-to-end tests in `it/`: scenario texts, analytic queueing results and
//! confidence intervals to check simulated estimates against.

pub mod scenarios;
pub mod theory;
