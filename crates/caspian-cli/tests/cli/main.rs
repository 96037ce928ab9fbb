//! The `caspian` command line as users and scripts see it: exit codes,
//! messages, files, and the reproducibility contract (thread count, shards,
//! interruption and resumption never change a result). One test binary, one
//! module per behaviour.

#![allow(
    clippy::disallowed_methods,
    reason = "paths here are arguments and test diagnostics, not messages to users"
)]

mod availability;
mod bad_scenarios;
mod cargo_units;
mod checkpoints;
mod common;
mod compare;
mod damaged_documents;
mod determinism;
mod disruption_axes;
mod edited_documents;
mod exit_codes;
mod extreme_values;
mod files;
mod inflow_policy;
mod interrupts;
mod kpis;
mod lever_warnings;
mod limits;
mod memory;
mod mixed_decks;
mod monthly_series;
mod optimize;
mod optimize_ties;
mod outputs;
mod overrides;
mod rare_events;
mod recovery_notes;
mod report_charts;
mod report_in_browser;
mod report_targets;
mod resume;
mod saturation;
mod sea_level;
mod shard_and_merge;
mod stress_tests;
mod sweep_reference;
mod tables;
mod targets;
mod terminal;
mod tidy_csv;
mod to_stdout;
mod vulnerability;
