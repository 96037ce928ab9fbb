//! A fleet vessel's state at run time: where it is, what it carries, its
//! phase, and its place in a port call (berth, claims, dispatch clock).

use std::collections::VecDeque;

use caspian_engine::{EventKey, SimDuration, SimTime, TicketId, TimeWeighted};

use super::store::Cohort;
use crate::compile::CompiledScenario;
use crate::trace::VesselPhase as Phase;

/// What one hold of a vessel carries, and what is promised to it.
#[derive(Debug, Default)]
pub(super) struct Hold {
    /// The cargo aboard, oldest first.
    pub(super) cohorts: VecDeque<Cohort>,
    /// Units aboard (of the hold's cargo).
    pub(super) units: u64,
    /// Units of its loading storage promised to it (see `cargo_line`).
    pub(super) claim: u64,
    /// Room in its discharge storage promised to it (see `space_line`).
    pub(super) room_claim: u64,
}

/// One fleet vessel (a replacement for one taken out of service is a new one).
#[derive(Debug)]
pub(super) struct Vessel {
    pub(super) fleet: usize,
    /// The port the vessel is at or heading to.
    pub(super) port: usize,
    /// Whether `port` is the fleet's origin.
    pub(super) at_origin: bool,
    /// What each hold of its deck carries, in the order of the fleet's
    /// [`crate::compile::FleetPlan::holds`].
    pub(super) holds: Vec<Hold>,
    /// Deck units taken by what is aboard (units × deck units, summed).
    pub(super) deck_used: u64,
    pub(super) phase: Phase,
    pub(super) holds_berth: bool,
    /// Earliest time the current handling can finish (overhead and rates).
    pub(super) handling_clock: SimTime,
    /// Deck units aboard when discharging began.
    pub(super) to_discharge: u64,
    /// The storage it discharges into (or waits for space in) now.
    pub(super) discharge_into: usize,
    pub(super) load_start: SimTime,
    /// Deck units loaded on this call.
    pub(super) loaded: u64,
    pub(super) load_from: usize,
    pub(super) timer: Option<EventKey>,
    /// The ticket of its wait for a berth, while it waits at the anchorage.
    pub(super) berth_ticket: Option<TicketId>,
    /// 1 while `phase` is a working phase, else 0 (time-weighted).
    pub(super) working: TimeWeighted,
    /// The port-call overhead of this call has been paid (a vessel that
    /// shifts to the anchorage to wait for cargo does not pay it again).
    pub(super) overhead_paid: bool,
    /// Called to a berth for its cargo (or at its deadline): it loads as
    /// soon as its handling there allows.
    pub(super) called: bool,
    /// Its wait for cargo is over (max wait or timetable slot): it takes
    /// what is there and sails.
    pub(super) deadline_passed: bool,
    /// When it became ready to load at this port.
    pub(super) cargo_wait_since: SimTime,
    /// When it arrived laden at this port (its wait for room starts).
    pub(super) space_wait_since: SimTime,
    /// When it joined its port's escorted convoy (off the berth).
    pub(super) convoy_since: SimTime,
    /// Its timetable slot, for a timetable vessel called to load.
    pub(super) slot: SimTime,
    /// Out of service (`Lost`): when its replacement is due to enter
    /// service, if one is (`Ev::VesselReturn`).
    pub(super) back_at: Option<SimTime>,
    /// A detention it owes a dated `vessels.<fleet>` disruption with
    /// `detain`, served when its port call is over, before it sails.
    pub(super) detain_next: Option<Detention>,
    /// The detention it is serving (phase `Detained`, in port): its
    /// `TryDepart` ends it and the call, as loading would have.
    pub(super) serving_detention: Option<Detention>,
}

/// A dated detention owed or served: its length and the episode of the
/// disruption it belongs to, which ends when its last detention is over.
#[derive(Clone, Copy, Debug)]
pub(super) struct Detention {
    /// How long the vessel is held.
    pub(super) length: SimDuration,
    /// The disruption, by index in the plan.
    pub(super) disruption: usize,
    /// The episode of that disruption, in onset order.
    pub(super) episode: usize,
}

impl Vessel {
    /// A vessel of `fleet`, with `holds` holds, empty and not yet arrived
    /// at `origin`.
    pub(super) fn new(fleet: usize, origin: usize, holds: usize) -> Self {
        Vessel {
            fleet,
            port: origin,
            at_origin: true,
            holds: (0..holds).map(|_| Hold::default()).collect(),
            deck_used: 0,
            phase: Phase::NotArrived,
            holds_berth: false,
            handling_clock: SimTime::ZERO,
            to_discharge: 0,
            discharge_into: 0,
            load_start: SimTime::ZERO,
            loaded: 0,
            load_from: 0,
            timer: None,
            berth_ticket: None,
            working: TimeWeighted::new(SimTime::ZERO, 0.0),
            overhead_paid: false,
            called: false,
            deadline_passed: false,
            cargo_wait_since: SimTime::ZERO,
            space_wait_since: SimTime::ZERO,
            convoy_since: SimTime::ZERO,
            slot: SimTime::ZERO,
            back_at: None,
            detain_next: None,
            serving_detention: None,
        }
    }
}

/// Every fleet vessel, empty and not yet arrived at its origin.
pub(super) fn fleet_vessels(plan: &CompiledScenario) -> Vec<Vessel> {
    let mut vessels = Vec::new();
    for (f, fleet) in plan.fleets.iter().enumerate() {
        for _ in 0..fleet.count {
            vessels.push(Vessel::new(f, fleet.origin, fleet.holds.len()));
        }
    }
    vessels
}
