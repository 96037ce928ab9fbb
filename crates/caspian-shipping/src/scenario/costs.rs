//! `[costs]`: what berths, vessels, storage, dredging and escorts cost, what
//! running them costs, and what service failures cost.
//!
//! Every key is optional; a scenario without the section is costed with the
//! defaults set here, whose sources are in `docs/calibration.md` ("Costs").
//! `docs/scenarios.md` documents every key; `compile/costs.rs` checks the
//! values and `crate::costs` turns them into the cost KPIs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{BerthClass, Cargo};

/// Defines a table with one number per berth class (or per cargo), each
/// optional in the file with its own default.
macro_rules! per_key_table {
    ($(#[$doc:meta])* $name:ident, $key:ty, $idx:path, $a:ident = $va:expr, $b:ident = $vb:expr,
     $c:ident = $vc:expr, $d:ident = $vd:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            #[allow(missing_docs)]
            pub $a: f64,
            #[allow(missing_docs)]
            pub $b: f64,
            #[allow(missing_docs)]
            pub $c: f64,
            #[allow(missing_docs)]
            pub $d: f64,
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $a: $va, $b: $vb, $c: $vc, $d: $vd }
            }
        }

        impl $name {
            /// The values with their keys, in the order of the kind's `ALL`.
            pub fn entries(&self) -> [(&'static str, f64); 4] {
                [
                    (stringify!($a), self.$a),
                    (stringify!($b), self.$b),
                    (stringify!($c), self.$c),
                    (stringify!($d), self.$d),
                ]
            }

            /// The values in the order of the kind's `ALL` (the index order
            /// of per-class and per-cargo arrays).
            pub fn values(&self) -> [f64; 4] {
                [self.$a, self.$b, self.$c, self.$d]
            }

            /// The value for one kind.
            pub fn get(&self, key: $key) -> f64 {
                self.values()[$idx(key)]
            }
        }
    };
}

/// `[costs]`: the whole cost model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Costs {
    /// The currency of every amount, printed as the unit of the cost KPIs.
    pub currency: String,
    /// Real discount rate per year: annualises capital and discounts NPV.
    pub discount_rate: f64,
    /// The horizon of net present values in `caspian compare`, in years.
    pub appraisal_years: f64,
    /// One-off investments.
    pub capital: CapitalCosts,
    /// Running costs.
    pub operating: OperatingCosts,
    /// The cost of service failures.
    pub failure: FailureCosts,
    /// Fleets chartered instead of owned.
    #[serde(rename = "charter", skip_serializing_if = "Vec::is_empty")]
    pub charters: Vec<Charter>,
}

impl Default for Costs {
    fn default() -> Self {
        Self {
            currency: "USD".to_string(),
            discount_rate: 0.08,
            appraisal_years: 25.0,
            capital: CapitalCosts::default(),
            operating: OperatingCosts::default(),
            failure: FailureCosts::default(),
            charters: Vec::new(),
        }
    }
}

impl Costs {
    /// Whether every value is its default (the section is then not written
    /// out when a scenario is serialized).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

per_key_table!(
    /// Capital cost per berth, by berth class.
    BerthCapital, BerthClass, crate::compile::class_index, tanker = 6.0e7, rail_ferry = 4.5e7, roro = 4.5e7, container = 6.0e7
);
per_key_table!(
    /// Newbuild price per vessel, by the fleet's berth class.
    VesselCapital, BerthClass, crate::compile::class_index, tanker = 3.5e7, rail_ferry = 5.0e7, roro = 4.0e7, container = 2.5e7
);
per_key_table!(
    /// Capital cost per unit of storage capacity, by cargo.
    StorageCapital, Cargo, Cargo::index, oil = 250.0, wagons = 2.0e4, trucks = 1.5e4, teu = 1.5e3
);
per_key_table!(
    /// Capital cost per unit of yearly capacity of a hinterland link
    /// (`[[outflow]]`), by the cargo of the storage it draws from. Zero by
    /// default: no source prices a link, so a link is unpriced until given.
    LinkCapital, Cargo, Cargo::index, oil = 0.0, wagons = 0.0, trucks = 0.0, teu = 0.0
);
per_key_table!(
    /// Cost per vessel-day sailing, by berth class.
    VesselDayAtSea, BerthClass, crate::compile::class_index, tanker = 2.0e4, rail_ferry = 2.5e4, roro = 1.8e4, container = 1.5e4
);
per_key_table!(
    /// Cost per vessel-day not sailing, by berth class.
    VesselDayInPort, BerthClass, crate::compile::class_index, tanker = 1.0e4, rail_ferry = 1.2e4, roro = 9.0e3, container = 8.0e3
);
per_key_table!(
    /// Cost per berth and year, by berth class.
    BerthYear, BerthClass, crate::compile::class_index, tanker = 1.5e6, rail_ferry = 1.2e6, roro = 8.0e5, container = 1.0e6
);
per_key_table!(
    /// Value of time per tonne-hour of cargo delay, by cargo.
    ValueOfTime, Cargo, Cargo::index, oil = 0.03, wagons = 0.1, trucks = 0.5, teu = 0.3
);
per_key_table!(
    /// Demurrage per vessel-hour waiting at an anchorage for a berth, by berth class.
    Demurrage, BerthClass, crate::compile::class_index, tanker = 1.0e3, rail_ferry = 1.2e3, roro = 8.0e2, container = 7.0e2
);
per_key_table!(
    /// Margin lost per tonne diverted, shut in or lost at sea, by cargo.
    MarginLost, Cargo, Cargo::index, oil = 40.0, wagons = 80.0, trucks = 120.0, teu = 80.0
);

/// `[costs.capital]`: one-off investments, each annualised over its life.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CapitalCosts {
    /// Per berth, by berth class.
    pub berth: BerthCapital,
    /// Life of a berth, in years.
    pub berth_life_years: f64,
    /// Per owned vessel (newbuild), by the fleet's berth class.
    pub vessel: VesselCapital,
    /// Life of a vessel, in years.
    pub vessel_life_years: f64,
    /// Per unit of storage capacity, by cargo.
    pub storage: StorageCapital,
    /// Life of storage, in years.
    pub storage_life_years: f64,
    /// Per unit of yearly capacity of a hinterland link, by cargo.
    pub link: LinkCapital,
    /// Per unit of yearly capacity of one hinterland link, by the
    /// `[[outflow]]`'s id: replaces its cargo's `link` price for that link
    /// alone (BTK priced, the other wagon links not).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub link_outflow: BTreeMap<String, f64>,
    /// Life of a hinterland link (rail line, pipeline), in years.
    pub link_life_years: f64,
    /// Per metre of depth gained by a `[[dredging]]` entry.
    pub dredging_per_m: f64,
    /// Life of dredging (until maintenance dredging), in years.
    pub dredging_life_years: f64,
    /// Per escort vessel (counted when escorts are enabled).
    pub escort_vessel: f64,
    /// Life of an escort vessel, in years.
    pub escort_life_years: f64,
}

impl Default for CapitalCosts {
    fn default() -> Self {
        Self {
            berth: BerthCapital::default(),
            berth_life_years: 40.0,
            vessel: VesselCapital::default(),
            vessel_life_years: 25.0,
            storage: StorageCapital::default(),
            storage_life_years: 30.0,
            link: LinkCapital::default(),
            link_outflow: BTreeMap::new(),
            link_life_years: 40.0,
            dredging_per_m: 2.0e7,
            dredging_life_years: 20.0,
            escort_vessel: 3.0e7,
            escort_life_years: 25.0,
        }
    }
}

impl CapitalCosts {
    /// The price of one unit of yearly capacity of the hinterland link
    /// `outflow`, whose storage holds `cargo`: its own (`link_outflow`),
    /// else its cargo's (`link`).
    pub fn link_price(&self, outflow: &str, cargo: Cargo) -> f64 {
        self.link_outflow.get(outflow).copied().unwrap_or_else(|| self.link.get(cargo))
    }
}

/// `[costs.operating]`: running costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OperatingCosts {
    /// Per vessel-day sailing, by berth class.
    pub vessel_day_at_sea: VesselDayAtSea,
    /// Per vessel-day not sailing (berth, anchorage, convoy wait, repair).
    pub vessel_day_in_port: VesselDayInPort,
    /// Per berth and year, by berth class.
    pub berth_year: BerthYear,
    /// Per escorted convoy that sails.
    pub escort_sortie: f64,
}

impl Default for OperatingCosts {
    fn default() -> Self {
        Self {
            vessel_day_at_sea: VesselDayAtSea::default(),
            vessel_day_in_port: VesselDayInPort::default(),
            berth_year: BerthYear::default(),
            escort_sortie: 2.0e4,
        }
    }
}

/// `[costs.failure]`: what service failures cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FailureCosts {
    /// Per tonne-hour of cargo delay, by cargo.
    pub value_of_time_per_t_h: ValueOfTime,
    /// Per vessel-hour waiting at an anchorage for a berth, by berth class.
    pub demurrage_per_vessel_h: Demurrage,
    /// Per tonne diverted, shut in or lost at sea, by cargo.
    pub margin_lost_per_t: MarginLost,
    /// Per vessel lost.
    pub vessel_lost: f64,
}

impl Default for FailureCosts {
    fn default() -> Self {
        Self {
            value_of_time_per_t_h: ValueOfTime::default(),
            demurrage_per_vessel_h: Demurrage::default(),
            margin_lost_per_t: MarginLost::default(),
            vessel_lost: 4.0e7,
        }
    }
}

/// `[[costs.charter]]`: a fleet chartered instead of owned; its day rate
/// replaces its newbuild capital.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Charter {
    /// The fleet's id.
    pub fleet: String,
    /// Charter hire per vessel and day.
    pub day_rate: f64,
}
