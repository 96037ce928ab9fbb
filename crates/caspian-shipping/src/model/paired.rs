//! Paired recovery's twins ([`super::disruption`]): the same replication
//! without each disruption that strikes in it, run before the replication
//! itself, each keeping its hourly samples of the backlog that disruption is
//! measured on ([`super::recovery`]).

use super::CARGOES;
use super::run::{run_world, stopped_early};
use super::state::World;

/// Per disruption of `world`'s plan (none without `paired_recovery`): the
/// hourly samples of replication `replication` without it, or `None` where
/// it does not strike (no episode to time) or a safeguard stopped the twin.
pub(super) fn references(
    world: &World<'_>,
    seed: u64,
    replication: u64,
) -> Vec<Option<Vec<[u128; CARGOES]>>> {
    world
        .plan
        .twins
        .iter()
        .enumerate()
        .map(|(d, twin)| {
            if !world.disruptions.strikes(d) {
                return None;
            }
            let mut shadow = World::new(twin, seed, replication);
            shadow.disruptions.recovery.series = Some(world.disruptions.recovery.series_for(d));
            let (shadow, outcome, ..) = run_world(shadow, &mut ());
            if stopped_early(&outcome) {
                None
            } else {
                shadow.disruptions.recovery.series.map(|x| x.samples)
            }
        })
        .collect()
}
