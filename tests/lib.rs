//! Support code for the end-to-end tests in `it/`: analytic queueing results and
//! confidence intervals to check simulated estimates against.

pub mod theory;
