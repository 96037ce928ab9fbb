//! The text form of a sweep key: parsing (`port.alat.berths.rail_ferry`
//! into [`SweepKey::Berths`]), writing it back, and, for text that is no
//! key, the closest key to suggest.

use std::fmt;
use std::str::FromStr;

use super::{AvailabilityKey, SweepKey, SweepKeyError};
use crate::scenario::BerthClass;

impl FromStr for SweepKey {
    type Err = SweepKeyError;

    fn from_str(key: &str) -> Result<Self, SweepKeyError> {
        let parts: Vec<&str> = key.split('.').collect();
        let id = |s: &str| s.to_string();
        Ok(match parts.as_slice() {
            ["port", port, "berths", class] => SweepKey::Berths {
                port: id(port),
                class: BerthClass::ALL.into_iter().find(|c| c.as_str() == *class).ok_or_else(
                    || SweepKeyError::UnknownBerthClass { key: key.into(), class: id(class) },
                )?,
            },
            ["fleet", fleet, "count"] => SweepKey::FleetCount { fleet: id(fleet) },
            ["fleet", fleet, "capacity"] => SweepKey::FleetCapacity { fleet: id(fleet) },
            ["storage", storage, "capacity"] => SweepKey::StorageCapacity { storage: id(storage) },
            ["inflow", inflow, "arrivals_per_year"] => {
                SweepKey::InflowArrivals { inflow: id(inflow) }
            }
            ["outflow", outflow, "capacity_per_year"] => {
                SweepKey::OutflowCapacity { outflow: id(outflow) }
            }
            ["outflow", outflow, "capacity_t_per_year"] => {
                SweepKey::OutflowCapacityTonnes { outflow: id(outflow) }
            }
            ["weather", "storm_rate_multiplier"] => SweepKey::StormRateMultiplier,
            ["weather", "storm_duration_multiplier"] => SweepKey::StormDurationMultiplier,
            ["interdiction", "incident_probability"] => SweepKey::IncidentProbability,
            ["interdiction", "loss_probability"] => SweepKey::LossProbability,
            ["interdiction", "closures_per_year"] => SweepKey::ClosuresPerYear,
            ["interdiction", "escort", "enabled"] => SweepKey::EscortEnabled,
            ["interdiction", "escort", "escort_vessels"] => SweepKey::EscortVessels,
            ["sea_level", "offset_m"] => SweepKey::SeaLevelOffset,
            ["sea_level", "change_m_per_year"] => SweepKey::SeaLevelChange,
            ["port", port, "depth_m"] => SweepKey::PortDepth { port: id(port) },
            ["outflow", outflow, "other_t_per_year"] => {
                SweepKey::OutflowOtherTonnes { outflow: id(outflow) }
            }
            ["fleet", fleet, "availability", name] => {
                match AvailabilityKey::ALL.into_iter().find(|k| k.as_str() == *name) {
                    Some(k) => SweepKey::FleetAvailability { fleet: id(fleet), key: k },
                    None => return Err(not_sweepable(key)),
                }
            }
            ["disruption", d, "rate_per_year"] => SweepKey::DisruptionRate { disruption: id(d) },
            ["disruption", d, "scale"] => SweepKey::DisruptionScale { disruption: id(d) },
            ["disruptions", "rate_multiplier"] => SweepKey::DisruptionRateMultiplier,
            ["disruptions", "duration_multiplier"] => SweepKey::DisruptionDurationMultiplier,
            [top, _, "id", ..] if crate::resolve::set::ID_TABLES.contains(top) => {
                return Err(SweepKeyError::Id { key: parts[..3].join(".") });
            }
            _ => return Err(not_sweepable(key)),
        })
    }
}

/// The form of every sweep key, `*` for an id or a name from a list.
pub(super) const FORMS: &[&str] = &[
    "port.*.berths.*",
    "fleet.*.count",
    "fleet.*.capacity",
    "storage.*.capacity",
    "inflow.*.arrivals_per_year",
    "outflow.*.capacity_per_year",
    "outflow.*.capacity_t_per_year",
    "weather.storm_rate_multiplier",
    "weather.storm_duration_multiplier",
    "interdiction.incident_probability",
    "interdiction.loss_probability",
    "interdiction.closures_per_year",
    "interdiction.escort.enabled",
    "interdiction.escort.escort_vessels",
    "sea_level.offset_m",
    "sea_level.change_m_per_year",
    "port.*.depth_m",
    "outflow.*.other_t_per_year",
    "fleet.*.availability.mtbf_days",
    "fleet.*.availability.drydock_every_days",
    "fleet.*.availability.drydock_days",
    "disruption.*.rate_per_year",
    "disruption.*.scale",
    "disruptions.rate_multiplier",
    "disruptions.duration_multiplier",
];

/// The error for `key`, with the sweep key closest to it: of the forms
/// with as many segments and the same table (`port`, `fleet`...: an id
/// belongs to its table), the one whose fixed segments are closest to the
/// key's at the same places (so an id never counts), with the key's ids.
fn not_sweepable(key: &str) -> SweepKeyError {
    let parts: Vec<&str> = key.split('.').collect();
    let hint = FORMS
        .iter()
        .filter_map(|form| {
            let shape: Vec<&str> = form.split('.').collect();
            let has_ids = shape.contains(&"*");
            if shape.len() != parts.len() || (has_ids && shape[0] != parts[0]) {
                return None;
            }
            // The table, when the form has ids, is the key's own: compare the rest.
            let skip = usize::from(has_ids);
            let fixed = |of: &[&str]| -> String {
                of.iter()
                    .zip(&shape)
                    .skip(skip)
                    .filter(|(_, s)| **s != "*")
                    .map(|(p, _)| *p)
                    .collect::<Vec<_>>()
                    .join(".")
            };
            let (given, wanted) = (fixed(&parts), fixed(&shape));
            crate::resolve::plain::closest(&given, [wanted.as_str()])?;
            let full: Vec<&str> =
                shape.iter().zip(&parts).map(|(s, p)| if *s == "*" { *p } else { *s }).collect();
            // A name cut short (`rate` for `rate_per_year`) is closest.
            let distance = if wanted.starts_with(&given) {
                1
            } else {
                crate::resolve::plain::edit_distance(&given, &wanted)
            };
            Some((distance, full.join(".")))
        })
        .filter(|(_, full)| full != key)
        .min_by_key(|(d, _)| *d)
        .map(|(_, full)| full);
    SweepKeyError::NotSweepable { key: key.into(), hint }
}

impl fmt::Display for SweepKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SweepKey::Berths { port, class } => write!(f, "port.{port}.berths.{}", class.as_str()),
            SweepKey::FleetCount { fleet } => write!(f, "fleet.{fleet}.count"),
            SweepKey::FleetCapacity { fleet } => write!(f, "fleet.{fleet}.capacity"),
            SweepKey::StorageCapacity { storage } => write!(f, "storage.{storage}.capacity"),
            SweepKey::InflowArrivals { inflow } => write!(f, "inflow.{inflow}.arrivals_per_year"),
            SweepKey::OutflowCapacity { outflow } => {
                write!(f, "outflow.{outflow}.capacity_per_year")
            }
            SweepKey::OutflowCapacityTonnes { outflow } => {
                write!(f, "outflow.{outflow}.capacity_t_per_year")
            }
            SweepKey::StormRateMultiplier => f.write_str("weather.storm_rate_multiplier"),
            SweepKey::StormDurationMultiplier => f.write_str("weather.storm_duration_multiplier"),
            SweepKey::IncidentProbability => f.write_str("interdiction.incident_probability"),
            SweepKey::LossProbability => f.write_str("interdiction.loss_probability"),
            SweepKey::ClosuresPerYear => f.write_str("interdiction.closures_per_year"),
            SweepKey::EscortEnabled => f.write_str("interdiction.escort.enabled"),
            SweepKey::EscortVessels => f.write_str("interdiction.escort.escort_vessels"),
            SweepKey::SeaLevelOffset => f.write_str("sea_level.offset_m"),
            SweepKey::SeaLevelChange => f.write_str("sea_level.change_m_per_year"),
            SweepKey::PortDepth { port } => write!(f, "port.{port}.depth_m"),
            SweepKey::OutflowOtherTonnes { outflow } => {
                write!(f, "outflow.{outflow}.other_t_per_year")
            }
            SweepKey::FleetAvailability { fleet, key } => {
                write!(f, "fleet.{fleet}.availability.{}", key.as_str())
            }
            SweepKey::DisruptionRate { disruption } => {
                write!(f, "disruption.{disruption}.rate_per_year")
            }
            SweepKey::DisruptionScale { disruption } => write!(f, "disruption.{disruption}.scale"),
            SweepKey::DisruptionRateMultiplier => f.write_str("disruptions.rate_multiplier"),
            SweepKey::DisruptionDurationMultiplier => {
                f.write_str("disruptions.duration_multiplier")
            }
        }
    }
}

impl TryFrom<String> for SweepKey {
    type Error = SweepKeyError;
    fn try_from(text: String) -> Result<Self, SweepKeyError> {
        text.parse()
    }
}

impl From<SweepKey> for String {
    fn from(key: SweepKey) -> String {
        key.to_string()
    }
}
