//! The Caspian model at run time: state, events and handlers for one replication.
//!
//! `docs/model.md` describes what is modelled in prose; this module is the
//! authority. Every stochastic process draws from its own stream
//! ([`crate::streams`]), and weather and corridor closures are generated up
//! front as [`Timeline`]s, so two policies run with the same seed face the same
//! storms, trains and incident draws.
//!
//! The module is split by responsibility, each file adding handlers to the
//! one [`state::World`]:
//!
//! - [`state`]: the world, its events ([`Ev`]), construction and the run loop
//!   ([`simulate`], [`simulate_probed`]).
//! - [`landside`]: inflows, outflows and settling a storage; [`store`] holds
//!   a storage's run-time state.
//! - [`berths`]: berth grants and releases, port closures, open traffic;
//!   [`shared_berths`]: berths shared by several classes.
//! - [`vessel`]: a fleet vessel's run-time state.
//! - [`voyages`]: a fleet vessel's round: arrive, discharge, load, depart,
//!   and incidents; [`convoys`]: escorted convoys and the escort force;
//!   [`cargo_line`]: waiting for cargo at the
//!   anchorage, and calling vessels to a berth when their cargo is there;
//!   [`space_line`]: its mirror, waiting at the anchorage for room to
//!   discharge into.
//! - [`stats`]: warm-up reset, KPIs, conservation and saturation;
//!   [`histogram`] measures transit times; [`censored`] adds the transits
//!   and waits still in progress when the run ends; [`corridor`] counts
//!   the cargo still in the corridor (demand, backlog, service level);
//!   [`monthly`] closes the monthly series at each month boundary;
//!   [`costing`] prices the run (the cost KPIs).
//! - [`disruption`]: disruptions aimed at one element; [`recovery`]: the
//!   recovery they leave behind; [`paired`]: the twin runs of paired
//!   recovery.
//! - [`availability`]: dry-dock cycles and breakdowns take vessels out of
//!   service at their next call.
//! - [`safeguard`]: stops a replication whose waiting line outgrows
//!   `max_waiting`.
//! - [`draft`]: sea level, port depth and draft: the cargo a vessel may
//!   take on a call, and the draft KPIs.
//! - [`observe`]: what a [`crate::probe::Probe`] sees (samples and trace).

use caspian_engine::{EventKey, Scheduler, SimDuration, SimTime};

use crate::scenario::Cargo;
use crate::timeline::Timeline;

mod availability;
mod berths;
mod cargo_line;
mod censored;
mod convoys;
mod corridor;
mod costing;
mod disruption;
mod draft;
mod histogram;
mod landside;
pub(crate) mod monthly;
mod observe;
mod paired;
mod recovery;
mod run;
mod safeguard;
mod shared_berths;
mod space_line;
mod state;
mod stats;
pub(crate) mod store;
mod vessel;
mod voyages;

pub use recovery::LEVEL_BEFORE_DAYS;
pub use run::{Replication, simulate, simulate_probed};
pub(crate) use state::Ev;

/// The index of a cargo in per-cargo arrays ([`Cargo::index`]).
fn cargo_idx(c: Cargo) -> usize {
    c.index()
}

/// The size of per-cargo arrays.
const CARGOES: usize = Cargo::COUNT;

/// Hours to a duration, saturating on absurd values (inputs are validated).
fn hours(h: f64) -> SimDuration {
    SimDuration::try_from_hours_f64(h).unwrap_or(if h > 0.0 {
        SimDuration::MAX
    } else {
        SimDuration::ZERO
    })
}

/// Schedules `ev` at `t`, or now if `t` has passed.
#[inline]
fn at(s: &mut Scheduler<Ev>, t: SimTime, ev: Ev) -> Option<EventKey> {
    Some(s.schedule_at_or_now(t, ev))
}

/// Schedules `ev` at `t` like [`at`], for the events a run draws or lays out
/// at its start (month ends, closures, disruption episodes): they wait in
/// the scheduler's calendar, apart from the working heap, and fire in the same
/// order (`Scheduler::schedule_calendar`).
fn at_calendar(s: &mut Scheduler<Ev>, t: SimTime, ev: Ev) -> Option<EventKey> {
    s.schedule_calendar(t.max(s.now()), ev).ok()
}

/// The first time at or after `t` when every timeline is open.
fn first_open(t: SimTime, timelines: &[&Timeline]) -> SimTime {
    let mut t = t;
    loop {
        let t1 = timelines.iter().fold(t, |t, tl| tl.next_open(t));
        if t1 == t {
            return t;
        }
        t = t1;
    }
}
