//! Sweepable parameters: the keys a sweep axis may name, and how a value is
//! written into a scenario.
//!
//! A key is parsed once into a [`SweepKey`] (its syntax: [`str::parse`]),
//! checked against a scenario ([`SweepKey::check`]: the ids it names exist)
//! and then written with [`SweepKey::apply`]. Its text form, which
//! [`Display`](std::fmt::Display) gives back exactly, is what scenario files,
//! `--axis` and the JSON documents carry.
//!
//! | key | meaning | unit |
//! |---|---|---|
//! | `port.<id>.berths.<class>` | berths of a class at a port | berths |
//! | `fleet.<id>.count` | vessels in a fleet | vessels |
//! | `fleet.<id>.capacity` | cargo per voyage | t or wagons per vessel |
//! | `storage.<id>.capacity` | storage capacity | t or wagons |
//! | `inflow.<id>.arrivals_per_year` | demand | arrivals per year |
//! | `outflow.<id>.capacity_per_year` | hinterland link capacity | units per year |
//! | `outflow.<id>.capacity_t_per_year` | hinterland link capacity in tonnes | t per year |
//! | `outflow.<id>.other_t_per_year` | other freight on the link, taking capacity first | t per year |
//! | `weather.storm_rate_multiplier` | multiplies every storm onset rate | x baseline |
//! | `weather.storm_duration_multiplier` | scales every storm duration | x baseline |
//! | `interdiction.incident_probability` | per-crossing incident probability | probability |
//! | `interdiction.loss_probability` | P(loss given incident) | probability |
//! | `interdiction.closures_per_year` | corridor-closure rate | per year |
//! | `interdiction.escort.enabled` | 0 or 1 | 0 = off, 1 = on |
//! | `interdiction.escort.escort_vessels` | the escort force (at least 1 with escorts on) | escort vessels |
//! | `sea_level.offset_m` | sea level at time 0 against the ports' depths | m |
//! | `sea_level.change_m_per_year` | the sea level's trend | m per year |
//! | `port.<id>.depth_m` | a port's depth at the datum | m |
//! | `fleet.<id>.availability.<key>` | `mtbf_days`, `drydock_every_days` or `drydock_days` | days |
//! | `disruption.<id>.rate_per_year` | a random disruption's episodes a year | per year |
//! | `disruption.<id>.scale` | the capacity left during an episode | x normal |
//! | `disruptions.rate_multiplier` | multiplies every random disruption's rate | x baseline |
//! | `disruptions.duration_multiplier` | scales every disruption's duration | x baseline |

use serde::{Deserialize, Serialize};

use crate::scenario::{BerthClass, Scenario};

mod error;
mod text;
pub use error::{SweepError, SweepKeyError};

/// A sweepable parameter, parsed from its dotted text form (see the module
/// documentation for the grammar). Serialized as that text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[non_exhaustive]
pub enum SweepKey {
    /// `port.<id>.berths.<class>`.
    Berths {
        /// Port id.
        port: String,
        /// Berth class.
        class: BerthClass,
    },
    /// `fleet.<id>.count`.
    FleetCount {
        /// Fleet id.
        fleet: String,
    },
    /// `fleet.<id>.capacity`.
    FleetCapacity {
        /// Fleet id.
        fleet: String,
    },
    /// `storage.<id>.capacity`.
    StorageCapacity {
        /// Storage id.
        storage: String,
    },
    /// `inflow.<id>.arrivals_per_year`.
    InflowArrivals {
        /// Inflow id.
        inflow: String,
    },
    /// `outflow.<id>.capacity_per_year`.
    OutflowCapacity {
        /// Outflow id.
        outflow: String,
    },
    /// `outflow.<id>.capacity_t_per_year`.
    OutflowCapacityTonnes {
        /// Outflow id.
        outflow: String,
    },
    /// `weather.storm_rate_multiplier`.
    StormRateMultiplier,
    /// `weather.storm_duration_multiplier`.
    StormDurationMultiplier,
    /// `interdiction.incident_probability`.
    IncidentProbability,
    /// `interdiction.loss_probability`.
    LossProbability,
    /// `interdiction.closures_per_year`.
    ClosuresPerYear,
    /// `interdiction.escort.enabled`.
    EscortEnabled,
    /// `interdiction.escort.escort_vessels`.
    EscortVessels,
    /// `sea_level.offset_m`.
    SeaLevelOffset,
    /// `sea_level.change_m_per_year`.
    SeaLevelChange,
    /// `port.<id>.depth_m`.
    PortDepth {
        /// Port id.
        port: String,
    },
    /// `outflow.<id>.other_t_per_year`.
    OutflowOtherTonnes {
        /// Outflow id.
        outflow: String,
    },
    /// `fleet.<id>.availability.<key>`: a fleet's mean time between
    /// breakdowns or its dry-dock cycle, in days.
    FleetAvailability {
        /// Fleet id.
        fleet: String,
        /// Which figure.
        key: AvailabilityKey,
    },
    /// `disruption.<id>.rate_per_year`: a random disruption's episodes a
    /// year (replaces `mtbf_days`; a dated disruption has no rate).
    DisruptionRate {
        /// Disruption id.
        disruption: String,
    },
    /// `disruption.<id>.scale`: the capacity that remains during an episode.
    DisruptionScale {
        /// Disruption id.
        disruption: String,
    },
    /// `disruptions.rate_multiplier`: multiplies the rate of every random
    /// disruption (divides a `mtbf_days`; dated ones keep their day).
    DisruptionRateMultiplier,
    /// `disruptions.duration_multiplier`: scales the duration of every
    /// disruption that has one, as `weather.storm_duration_multiplier` does.
    DisruptionDurationMultiplier,
}

/// The figures of `[fleet.availability]` a sweep may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AvailabilityKey {
    /// `mtbf_days`.
    MtbfDays,
    /// `drydock_every_days`.
    DrydockEveryDays,
    /// `drydock_days`.
    DrydockDays,
}

impl AvailabilityKey {
    const ALL: [AvailabilityKey; 3] = [
        AvailabilityKey::MtbfDays,
        AvailabilityKey::DrydockEveryDays,
        AvailabilityKey::DrydockDays,
    ];

    /// The key's name in `[fleet.availability]`.
    pub fn as_str(self) -> &'static str {
        match self {
            AvailabilityKey::MtbfDays => "mtbf_days",
            AvailabilityKey::DrydockEveryDays => "drydock_every_days",
            AvailabilityKey::DrydockDays => "drydock_days",
        }
    }
}

/// The position of the entry with `id` in `items`, or the error naming it.
fn find<T>(
    key: &SweepKey,
    items: &[T],
    what: &'static str,
    id: &str,
    id_of: impl Fn(&T) -> &str,
) -> Result<usize, SweepError> {
    items.iter().position(|x| id_of(x) == id).ok_or_else(|| SweepError::UnknownId {
        key: key.clone(),
        what,
        id: id.to_string(),
    })
}

impl SweepKey {
    /// Checks that the ids the key names exist in `scenario`.
    ///
    /// # Errors
    /// [`SweepError::UnknownId`].
    pub fn check(&self, scenario: &Scenario) -> Result<(), SweepError> {
        self.locate(scenario).map(|_| ())
    }

    /// The position of the entry the key names in its table (0 for the
    /// scenario-wide keys).
    fn locate(&self, s: &Scenario) -> Result<usize, SweepError> {
        match self {
            SweepKey::Berths { port, .. } | SweepKey::PortDepth { port } => {
                find(self, &s.ports, "port", port, |p| &p.id)
            }
            SweepKey::FleetCount { fleet }
            | SweepKey::FleetCapacity { fleet }
            | SweepKey::FleetAvailability { fleet, .. } => {
                find(self, &s.fleets, "fleet", fleet, |f| &f.id)
            }
            SweepKey::StorageCapacity { storage } => {
                find(self, &s.storages, "storage", storage, |x| &x.id)
            }
            SweepKey::InflowArrivals { inflow } => {
                find(self, &s.inflows, "inflow", inflow, |f| &f.id)
            }
            SweepKey::OutflowCapacity { outflow }
            | SweepKey::OutflowCapacityTonnes { outflow }
            | SweepKey::OutflowOtherTonnes { outflow } => {
                find(self, &s.outflows, "outflow", outflow, |o| &o.id)
            }
            SweepKey::DisruptionRate { disruption } | SweepKey::DisruptionScale { disruption } => {
                find(self, &s.disruptions, "disruption", disruption, |d| &d.id)
            }
            _ => Ok(0),
        }
    }

    /// Whether the parameter takes only whole numbers (counts, capacities,
    /// on/off switches), so that a sampled design rounds it.
    pub fn needs_whole_number(&self) -> bool {
        matches!(
            self,
            SweepKey::Berths { .. }
                | SweepKey::FleetCount { .. }
                | SweepKey::FleetCapacity { .. }
                | SweepKey::StorageCapacity { .. }
                | SweepKey::EscortEnabled
                | SweepKey::EscortVessels
        )
    }

    /// Whether the key sets a condition the corridor meets (weather,
    /// demand, other freight, incidents, sea level, breakdowns,
    /// disruptions) rather than a lever a planner buys: nothing in the cost
    /// model prices it, so `optimize` takes none as a decision.
    pub fn is_condition(&self) -> bool {
        matches!(
            self,
            SweepKey::InflowArrivals { .. }
                | SweepKey::StormRateMultiplier
                | SweepKey::StormDurationMultiplier
                | SweepKey::IncidentProbability
                | SweepKey::LossProbability
                | SweepKey::ClosuresPerYear
                | SweepKey::SeaLevelOffset
                | SweepKey::SeaLevelChange
                | SweepKey::OutflowOtherTonnes { .. }
                | SweepKey::FleetAvailability { .. }
                | SweepKey::DisruptionRate { .. }
                | SweepKey::DisruptionScale { .. }
                | SweepKey::DisruptionRateMultiplier
                | SweepKey::DisruptionDurationMultiplier
        )
    }

    /// Whether this multiplier has nothing to scale in `scenario`: no
    /// storms for a storm multiplier; no disruption that strikes for the
    /// duration multiplier (random with a rate above 0, or dated), no
    /// random one with a rate for the rate multiplier. False for a key
    /// that is not a multiplier.
    pub fn scales_nothing_in(&self, scenario: &Scenario) -> bool {
        let no_storms = || {
            scenario.sea_areas.iter().all(|a| a.storm_onsets_per_month.iter().all(|&r| r == 0.0))
        };
        let disruptions = &scenario.disruptions;
        match self {
            SweepKey::StormRateMultiplier | SweepKey::StormDurationMultiplier => no_storms(),
            SweepKey::DisruptionRateMultiplier => !disruptions.iter().any(|d| d.is_random()),
            SweepKey::DisruptionDurationMultiplier => !disruptions.iter().any(|d| d.strikes()),
            _ => false,
        }
    }

    /// Whether the key multiplies values a file gives (storms,
    /// disruptions) rather than naming one: such a key is written after
    /// every other (`--set`, a design point), so that it scales them.
    pub fn is_multiplier(&self) -> bool {
        matches!(
            self,
            SweepKey::StormRateMultiplier
                | SweepKey::StormDurationMultiplier
                | SweepKey::DisruptionRateMultiplier
                | SweepKey::DisruptionDurationMultiplier
        )
    }

    /// Whether this key and `other` give one quantity two ways (an
    /// outflow's `capacity_per_year` and `capacity_t_per_year`: an exclusive
    /// pair of [`crate::resolve::overlap`]), so that writing one removes the
    /// other: two axes of them cannot both hold.
    pub fn replaces(&self, other: &SweepKey) -> bool {
        crate::resolve::overlap::partner(&self.to_string()).is_some_and(|p| p == other.to_string())
    }

    /// Whether this multiplier scales the value at the dotted `path` of a
    /// scenario (`disruption.<id>.rate_per_year` for
    /// `disruptions.rate_multiplier`, or the entry or table that holds it),
    /// so that giving both would compound. False for a key that is not a
    /// multiplier.
    pub fn scales(&self, path: &str) -> bool {
        let (table, fields): (&str, &[&str]) = match self {
            SweepKey::StormRateMultiplier => ("sea_area", &["storm_onsets_per_month"]),
            SweepKey::StormDurationMultiplier => ("sea_area", &["storm_duration_h"]),
            SweepKey::DisruptionRateMultiplier => ("disruption", &["rate_per_year", "mtbf_days"]),
            SweepKey::DisruptionDurationMultiplier => ("disruption", &["duration_days"]),
            _ => return false,
        };
        let parts: Vec<&str> = path.trim().split('.').collect();
        // A month of a monthly array is named `storm_onsets_per_month[3]`.
        let field = |f: &&str| f.split('[').next().is_some_and(|f| fields.contains(&f));
        parts[0] == table && parts.get(2).is_none_or(field)
    }

    /// The parameter's unit, for axis labels.
    pub fn unit(&self) -> &'static str {
        match self {
            SweepKey::Berths { .. } => "berths",
            SweepKey::FleetCount { .. } => "vessels",
            SweepKey::FleetCapacity { .. } => "t, wagons, trucks or TEU per vessel",
            SweepKey::StorageCapacity { .. } => "t, wagons, trucks or TEU",
            SweepKey::InflowArrivals { .. } => "arrivals per year",
            SweepKey::OutflowCapacity { .. } => "units per year",
            SweepKey::OutflowCapacityTonnes { .. } | SweepKey::OutflowOtherTonnes { .. } => {
                "t per year"
            }
            SweepKey::StormRateMultiplier
            | SweepKey::StormDurationMultiplier
            | SweepKey::DisruptionRateMultiplier
            | SweepKey::DisruptionDurationMultiplier => "x baseline",
            SweepKey::IncidentProbability | SweepKey::LossProbability => "probability",
            SweepKey::ClosuresPerYear | SweepKey::DisruptionRate { .. } => "per year",
            SweepKey::DisruptionScale { .. } => "x normal capacity",
            SweepKey::EscortEnabled => "0 = off, 1 = on",
            SweepKey::EscortVessels => "escort vessels",
            SweepKey::SeaLevelOffset | SweepKey::PortDepth { .. } => "m",
            SweepKey::SeaLevelChange => "m per year",
            SweepKey::FleetAvailability { .. } => "days",
        }
    }

    /// What the key sets, in words, for chart axes: `rail_ferry berths at
    /// alat`, `storm rate multiplier`.
    pub fn label(&self) -> String {
        match self {
            SweepKey::Berths { port, class } => format!("{} berths at {port}", class.as_str()),
            SweepKey::FleetCount { fleet } => format!("vessels in {fleet}"),
            SweepKey::FleetCapacity { fleet } => format!("cargo per voyage of {fleet}"),
            SweepKey::StorageCapacity { storage } => format!("capacity of {storage}"),
            SweepKey::InflowArrivals { inflow } => format!("arrivals of {inflow}"),
            SweepKey::OutflowCapacity { outflow } => format!("capacity of {outflow}"),
            SweepKey::OutflowCapacityTonnes { outflow } => {
                format!("capacity of {outflow} in tonnes")
            }
            SweepKey::StormRateMultiplier => "storm rate multiplier".into(),
            SweepKey::StormDurationMultiplier => "storm duration multiplier".into(),
            SweepKey::IncidentProbability => "incident probability per crossing".into(),
            SweepKey::LossProbability => "loss probability per incident".into(),
            SweepKey::ClosuresPerYear => "corridor closures".into(),
            SweepKey::EscortEnabled => "escort convoys".into(),
            SweepKey::EscortVessels => "escort vessels".into(),
            SweepKey::SeaLevelOffset => "sea level at time 0".into(),
            SweepKey::SeaLevelChange => "sea-level change per year".into(),
            SweepKey::PortDepth { port } => format!("depth of {port}"),
            SweepKey::OutflowOtherTonnes { outflow } => {
                format!("other freight on {outflow} in tonnes")
            }
            SweepKey::FleetAvailability { fleet, key } => format!("{} of {fleet}", key.as_str()),
            SweepKey::DisruptionRate { disruption } => format!("episodes of {disruption}"),
            SweepKey::DisruptionScale { disruption } => {
                format!("capacity left during {disruption}")
            }
            SweepKey::DisruptionRateMultiplier => "disruption rate multiplier".into(),
            SweepKey::DisruptionDurationMultiplier => "disruption duration multiplier".into(),
        }
    }

    /// `value` as a whole number in `[0, max]`.
    fn whole(&self, value: f64, max: f64) -> Result<f64, SweepError> {
        if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= max {
            Ok(value)
        } else {
            Err(SweepError::NotWholeNumber { key: self.clone(), value })
        }
    }

    /// `value` as a multiplier: finite and 0 or more.
    fn multiplier(&self, value: f64) -> Result<f64, SweepError> {
        if value.is_finite() && value >= 0.0 {
            Ok(value)
        } else {
            Err(SweepError::NotMultiplier { key: self.clone(), value })
        }
    }

    /// Writes `value` into the parameter in `scenario`.
    ///
    /// # Errors
    /// [`SweepError::UnknownId`] when an id the key names does not exist,
    /// [`SweepError::NotWholeNumber`], [`SweepError::NotSwitch`] or
    /// [`SweepError::NotMultiplier`] when the value does not fit the
    /// parameter (e.g. a fractional berth count), [`SweepError::Dated`] for
    /// the rate of a disruption that strikes on a fixed day.
    pub fn apply(&self, scenario: &mut Scenario, value: f64) -> Result<(), SweepError> {
        let at = self.locate(scenario)?;
        let count = |v: f64| self.whole(v, f64::from(u32::MAX)).map(|v| v as u32);
        let amount = |v: f64| self.whole(v, 1e15).map(|v| v as u64);
        let s = scenario;
        match self {
            SweepKey::Berths { class, .. } => s.ports[at].berths.set(*class, count(value)?),
            SweepKey::FleetCount { .. } => s.fleets[at].count = count(value)?,
            SweepKey::FleetCapacity { .. } => s.fleets[at].capacity = amount(value)?,
            SweepKey::StorageCapacity { .. } => s.storages[at].capacity = amount(value)?,
            SweepKey::InflowArrivals { .. } => s.inflows[at].arrivals_per_year = value,
            // The two capacities exclude each other: setting one clears the other.
            SweepKey::OutflowCapacity { .. } => {
                s.outflows[at].capacity_per_year = Some(value);
                s.outflows[at].capacity_t_per_year = None;
            }
            SweepKey::OutflowCapacityTonnes { .. } => {
                s.outflows[at].capacity_t_per_year = Some(value);
                s.outflows[at].capacity_per_year = None;
            }
            SweepKey::StormRateMultiplier => {
                let m = self.multiplier(value)?;
                for a in &mut s.sea_areas {
                    a.storm_onsets_per_month.iter_mut().for_each(|r| *r *= m);
                }
            }
            SweepKey::StormDurationMultiplier => {
                let m = self.multiplier(value)?;
                for a in &mut s.sea_areas {
                    a.storm_duration_h = a.storm_duration_h.scaled(m);
                }
            }
            SweepKey::IncidentProbability => s.interdiction.incident_probability = value,
            SweepKey::LossProbability => s.interdiction.loss_probability = value,
            SweepKey::ClosuresPerYear => s.interdiction.closures_per_year = value,
            SweepKey::EscortEnabled => {
                s.interdiction.escort.enabled = match value {
                    0.0 => false,
                    1.0 => true,
                    _ => return Err(SweepError::NotSwitch { key: self.clone(), value }),
                };
            }
            // At least 1 with escorts on: checked when the scenario is compiled.
            SweepKey::EscortVessels => s.interdiction.escort.escort_vessels = count(value)?,
            // Ranges are checked when the scenario is compiled.
            SweepKey::SeaLevelOffset => s.sea_level.get_or_insert_default().offset_m = value,
            SweepKey::SeaLevelChange => {
                s.sea_level.get_or_insert_default().change_m_per_year = value;
            }
            SweepKey::PortDepth { .. } => s.ports[at].depth_m = Some(value),
            // Ranges (and the pairing of the dry-dock figures) are checked
            // when the scenario is compiled.
            SweepKey::FleetAvailability { key, .. } => {
                let a = s.fleets[at].availability.get_or_insert_default();
                let field = match key {
                    AvailabilityKey::MtbfDays => &mut a.mtbf_days,
                    AvailabilityKey::DrydockEveryDays => &mut a.drydock_every_days,
                    AvailabilityKey::DrydockDays => &mut a.drydock_days,
                };
                *field = Some(value);
            }
            SweepKey::OutflowOtherTonnes { .. } => s.outflows[at].other_t_per_year = Some(value),
            // Ranges are checked when the scenario is compiled.
            SweepKey::DisruptionRate { .. } => {
                let d = &mut s.disruptions[at];
                if d.start_day.is_some() {
                    return Err(SweepError::Dated { key: self.clone(), id: d.id.clone() });
                }
                d.rate_per_year = Some(value);
                d.mtbf_days = None;
            }
            SweepKey::DisruptionScale { .. } => s.disruptions[at].scale = value,
            SweepKey::DisruptionRateMultiplier => {
                let m = self.multiplier(value)?;
                for d in &mut s.disruptions {
                    // A rate given as a mean time between episodes stays
                    // one (so that 1 changes nothing), and is checked as
                    // the file's; 0, which has no such time, is the rate 0.
                    match (d.rate_per_year.as_mut(), d.mtbf_days.as_mut()) {
                        (Some(rate), _) => *rate *= m,
                        (None, Some(_)) if m == 0.0 => {
                            d.rate_per_year = Some(0.0);
                            d.mtbf_days = None;
                        }
                        (None, Some(days)) => *days /= m,
                        (None, None) => {}
                    }
                }
            }
            SweepKey::DisruptionDurationMultiplier => {
                let m = self.multiplier(value)?;
                for d in &mut s.disruptions {
                    d.duration_days = d.duration_days.as_ref().map(|spec| spec.scaled(m));
                }
            }
        }
        Ok(())
    }
}

/// Parses `key` and checks it against `scenario` (see [`SweepKey::check`]).
///
/// # Errors
/// [`SweepError::Key`] when the text is not a sweepable key,
/// [`SweepError::UnknownId`] when an id it names does not exist.
pub fn check_key(scenario: &Scenario, key: &str) -> Result<(), SweepError> {
    key.parse::<SweepKey>()?.check(scenario)
}

/// Parses `key` and writes `value` into the parameter it names (see
/// [`SweepKey::apply`]).
///
/// # Errors
/// As [`check_key`], and when the value does not fit the parameter.
pub fn apply(scenario: &mut Scenario, key: &str, value: f64) -> Result<(), SweepError> {
    key.parse::<SweepKey>()?.apply(scenario, value)
}

#[cfg(test)]
mod tests;
