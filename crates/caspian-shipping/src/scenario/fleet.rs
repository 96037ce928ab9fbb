//! `[[fleet]]`: a fleet's route, storages, handling, dispatch policy, mixed
//! deck (`[[fleet.also]]`) and availability.

use serde::{Deserialize, Serialize};

use crate::dist::DistSpec;

use super::{BerthClass, Cargo, zero_dist};

/// When a loaded vessel leaves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case", deny_unknown_fields)]
pub enum Dispatch {
    /// Sail only when full. A struct variant with no fields, not a unit
    /// one: serde's internally tagged unit variants accept any other key
    /// (`{ policy = "when_full", max_wait_h = 1.0 }` was read as plain
    /// `when_full`), its struct variants refuse them.
    WhenFull {},
    /// Sail when full, or once this many hours have passed since loading began.
    FullOrMaxWait {
        /// Longest wait for cargo, in hours.
        max_wait_h: f64,
    },
    /// Sail at fixed departure slots, full or not.
    Timetable {
        /// Hours between slots.
        interval_h: f64,
        /// Hours after time zero of the first slot.
        #[serde(default)]
        offset_h: f64,
    },
}

/// A fleet of identical vessels shuttling on one route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fleet {
    /// Identifier.
    pub id: String,
    /// The berth class the vessels need.
    pub berth_class: BerthClass,
    /// Number of vessels.
    pub count: u32,
    /// What they carry.
    pub cargo: Cargo,
    /// Cargo per voyage, in units of `cargo` (tonnes, wagons, trucks,
    /// TEU); in deck units when `deck_units` or `also` is given.
    pub capacity: u64,
    /// Service speed in knots.
    pub speed_kn: f64,
    /// Sea distance of the route in nautical miles.
    pub distance_nmi: f64,
    /// Where they load the outbound cargo.
    pub origin: String,
    /// The storage they load from at the origin.
    pub load_from: String,
    /// Where they discharge.
    pub destination: String,
    /// The storage they discharge into at the destination.
    pub discharge_to: String,
    /// Storage at the destination to load return cargo from (none: ballast).
    #[serde(default)]
    pub return_load_from: Option<String>,
    /// Storage at the origin to discharge return cargo into.
    #[serde(default)]
    pub return_discharge_to: Option<String>,
    /// Loading rate, units per hour.
    pub load_rate_per_h: f64,
    /// Discharge rate, units per hour.
    pub discharge_rate_per_h: f64,
    /// Fixed time per port call (mooring, paperwork, inspections), in hours.
    #[serde(default = "zero_dist")]
    pub port_call_overhead_h: DistSpec,
    /// When to sail from the origin (the return leg always sails when loaded or
    /// when no return cargo is waiting).
    #[serde(default = "default_dispatch")]
    pub dispatch: Dispatch,
    /// Berth priority: lower numbers berth first among vessels waiting for the
    /// same berth class at the same port.
    #[serde(default)]
    pub berth_priority: i32,
    /// This route's probability that a crossing suffers an incident (none:
    /// `[interdiction] incident_probability`, the scenario's).
    #[serde(default)]
    pub incident_probability: Option<f64>,
    /// This route's probability that an incident ends in a loss (none: the
    /// scenario's `[interdiction] loss_probability`).
    #[serde(default)]
    pub loss_probability: Option<f64>,
    /// Draft of an empty vessel, in metres (with `draft_full_m`: the draft
    /// grows linearly with the cargo aboard; none: draft never limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_light_m: Option<f64>,
    /// Draft with a full cargo (`capacity`), in metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_full_m: Option<f64>,
    /// Dry-dock cycles and random breakdowns (none: always available).
    #[serde(default)]
    pub availability: Option<Availability>,
    /// Deck units one unit of `cargo` takes (e.g. lane metres per truck),
    /// for a deck shared with the cargoes of `also`. Default 1: `capacity`
    /// and the handling rates are then in units of `cargo`.
    #[serde(default = "one_deck_unit", skip_serializing_if = "is_one_deck_unit")]
    pub deck_units: u64,
    /// Other cargoes carried on the same deck (mixed decks: wagons and
    /// trucks on one Ro-Pax), loaded after `cargo` in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<DeckShare>,
    /// Pre-advice: a vessel that must wait for cargo at its origin waits at
    /// sea, this many hours' sailing off the port, instead of at the
    /// anchorage, and sails in when called (none: it waits at the anchorage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_advice_h: Option<f64>,
}

fn one_deck_unit() -> u64 {
    1
}

fn is_one_deck_unit(n: &u64) -> bool {
    *n == 1
}

/// A further cargo on a fleet's deck: what it is, the deck units one unit
/// of it takes, and the storages it moves between (`docs/scenarios.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeckShare {
    /// The cargo; another than the fleet's own and the other shares'.
    pub cargo: Cargo,
    /// Deck units (the fleet's capacity unit) one unit of it takes.
    pub deck_units: u64,
    /// The storage it is loaded from at the fleet's origin (none: the
    /// outbound leg carries none).
    #[serde(default)]
    pub load_from: Option<String>,
    /// The storage it is discharged into at the destination.
    #[serde(default)]
    pub discharge_to: Option<String>,
    /// The storage it is loaded from at the destination for the return leg.
    #[serde(default)]
    pub return_load_from: Option<String>,
    /// The storage it is discharged into at the origin after the return leg.
    #[serde(default)]
    pub return_discharge_to: Option<String>,
    /// Spare room only: loaded only while no vessel waits for this cargo in
    /// its storage's cargo line (wagons on a truck Ro-Pax go to the rail
    /// ferries first).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub spare: bool,
}

/// When a fleet's vessels are out of service for maintenance: dry-dock
/// cycles and random breakdowns, each optional (`docs/scenarios.md`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// Days between two dry-dockings of one vessel.
    #[serde(default)]
    pub drydock_every_days: Option<f64>,
    /// Days a dry-docking lasts.
    #[serde(default)]
    pub drydock_days: Option<f64>,
    /// Mean days in service between two breakdowns (exponential).
    #[serde(default)]
    pub mtbf_days: Option<f64>,
    /// Hours to repair a breakdown.
    #[serde(default)]
    pub repair_h: Option<DistSpec>,
}

fn default_dispatch() -> Dispatch {
    Dispatch::WhenFull {}
}
