//! End-to-end tests of caspian-sim: one binary, one module per area.

#![allow(
    clippy::disallowed_methods,
    reason = "paths here are arguments and test diagnostics, not messages to users"
)]

mod availability;
mod calibration;
mod cargo_units;
mod codemap;
mod costs;
mod disruptions;
mod doc_links;
mod draft;
mod engine_queueing;
mod mixed_decks;
mod model_mechanisms;
mod model_queueing;
mod optimize;
mod pinned;
mod pre_advice;
mod random_scenarios;
mod runner;
mod shipping_scenarios;
mod space_line;
mod verification;
mod vessel_episodes;
