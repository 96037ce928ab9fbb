//! Property-based tests of the engine: scheduler, run loop, resource, level and statistics.

mod level;
mod resource;
mod scheduler;
mod simulation;
mod stats;

use proptest::test_runner::{Config, RngAlgorithm};

/// The configuration every property here runs under: `cases` random cases drawn
/// with XorShift, which costs far less than the default ChaCha in an unoptimized
/// test build (the generator, not the engine, dominated the run time).
fn config(cases: u32) -> Config {
    Config { rng_algorithm: RngAlgorithm::XorShift, ..Config::with_cases(cases) }
}
