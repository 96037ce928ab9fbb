//! # caspian-montecarlo
//!
//! Replications, parameter sweeps, common random numbers and output analysis
//! for caspian-sim. It is the only crate that runs work in parallel (rayon).
//!
//! Not yet implemented: this crate is the placeholder for the runner (issue 4).
//! It exists now so that the workspace has its final shape.
