//! `[sea_level]` and `[[dredging]]`: the water the ports' depths stand in.

use serde::{Deserialize, Serialize};

/// The sea level: where it stands against the ports' depths, how fast it
/// moves, and the clearance a vessel keeps under its keel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeaLevel {
    /// The level at time 0 relative to the datum of the ports' `depth_m`,
    /// in metres (negative: lower, so less water).
    #[serde(default)]
    pub offset_m: f64,
    /// The level's change per year of simulated time, in metres (the
    /// Caspian falls 0.20-0.30 m a year: a negative number).
    #[serde(default)]
    pub change_m_per_year: f64,
    /// Under-keel clearance: water a vessel keeps below its keel, in metres.
    #[serde(default = "default_ukc")]
    pub ukc_m: f64,
}

/// The under-keel clearance when the scenario gives none, in metres.
pub const DEFAULT_UKC_M: f64 = 0.5;

fn default_ukc() -> f64 {
    DEFAULT_UKC_M
}

impl Default for SeaLevel {
    fn default() -> Self {
        Self { offset_m: 0.0, change_m_per_year: 0.0, ukc_m: DEFAULT_UKC_M }
    }
}

/// Dredging (or silting) as a dated policy: from `day` on, the port's depth
/// at the datum is `depth_m`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dredging {
    /// The port.
    pub port: String,
    /// Day of the run (0 = 1 January, warm-up included) from which the new
    /// depth holds.
    pub day: f64,
    /// The depth from then on, in metres at the datum.
    pub depth_m: f64,
    /// Free text (sources, caveats); ignored by the model.
    #[serde(default)]
    pub notes: String,
}
