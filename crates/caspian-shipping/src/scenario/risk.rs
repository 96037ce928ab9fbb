//! `[interdiction]` (incidents, closures, escorts) and `[[disruption]]`.

use serde::{Deserialize, Serialize};

use crate::dist::DistSpec;

use super::one;

/// Security risk on the crossing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interdiction {
    /// Probability that a crossing suffers an incident.
    #[serde(default)]
    pub incident_probability: f64,
    /// Probability that an incident ends in the loss of the vessel and its cargo
    /// (otherwise the vessel is detained).
    #[serde(default)]
    pub loss_probability: f64,
    /// How long a detention lasts, in hours.
    #[serde(default = "default_detention")]
    pub detention_h: DistSpec,
    /// Corridor-closure episodes per year (no crossing starts during one).
    #[serde(default)]
    pub closures_per_year: f64,
    /// How long a closure lasts, in hours.
    #[serde(default = "default_closure")]
    pub closure_duration_h: DistSpec,
    /// Escorted convoys.
    #[serde(default)]
    pub escort: Escort,
    /// How long, in days, until a vessel lost at sea is replaced (a
    /// charter's lead time): the replacement enters service at its fleet's
    /// origin. `None` (left out): never within the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement_days: Option<DistSpec>,
}

/// The chance of losing a vessel on one crossing from which a scenario
/// that never replaces lost vessels is warned of
/// ([`Interdiction::losses_not_replaced`]): 1 in 10,000. The baseline's
/// prior, 1 in 200,000, is far below it; `high_interdiction.toml`'s, 1 in
/// 4,000, above it.
const LOSS_WARNING_PER_CROSSING: f64 = 1e-4;

impl Interdiction {
    /// Why what its risk costs may be mostly the lost vessels' absence, if
    /// it may: lost vessels are never replaced within the run
    /// (`replacement_days` is left out), or none lost in the reporting
    /// window of `window_days` is replaced within it (`replacement_days` is
    /// never shorter than the window), and a crossing of some fleet is
    /// lost with a probability of 1 in 10,000 or more (its own incident
    /// and loss probabilities where it has them, else these), escorts
    /// aside.
    pub fn losses_not_replaced(&self, fleets: &[super::Fleet], window_days: f64) -> Option<String> {
        let never = match &self.replacement_days {
            None => "never replaced within the run (interdiction.replacement_days is left out)"
                .to_string(),
            Some(lead) if lead.lower() >= window_days => format!(
                "not replaced within the reporting window if lost in it \
                 (interdiction.replacement_days is never under {} days, at least the window's {} \
                 days)",
                (lead.lower() * 1e6).round() / 1e6,
                (window_days * 1e6).round() / 1e6
            ),
            Some(_) => return None,
        };
        let loss = |f: &super::Fleet| {
            f.incident_probability.unwrap_or(self.incident_probability)
                * f.loss_probability.unwrap_or(self.loss_probability)
        };
        // The fleets at the highest chance of a loss, all of them named
        // (a tie is common: every fleet at the scenario's risk).
        let p = fleets
            .iter()
            .map(loss)
            .filter(|&p| p >= LOSS_WARNING_PER_CROSSING)
            .max_by(f64::total_cmp)?;
        let worst: Vec<&str> =
            fleets.iter().filter(|f| loss(f) == p).map(|f| f.id.as_str()).collect();
        let which = if worst.len() == fleets.len() && worst.len() > 1 {
            "any fleet".to_string()
        } else {
            worst.join(", ")
        };
        Some(format!(
            "a vessel lost at sea is {never}, and a crossing of {which} ends in a loss with probability {} (incident_probability x \
             loss_probability): a loss early in a year takes its vessel out for the rest of it, \
             which may be most of what the risk costs a tight fleet; set \
             interdiction.replacement_days (a charter's lead time, shorter than the window) to \
             replace lost vessels",
            (p * 1e12).round() / 1e12
        ))
    }

    /// Why the escorts of a scenario with these `fleets` protect nothing,
    /// if they do not: escorted crossings are switched on with an
    /// `incident_factor` of 1 (its default), so an escorted crossing meets
    /// incidents as often as an unescorted one, and escorts only add convoy
    /// waits and costs; or they are switched on for no fleet
    /// (`interdiction.escort.fleets = []`), so they cost their capital and
    /// protect no crossing; or no escorted fleet meets incidents at all
    /// (its incident probability, else the scenario's, is 0).
    pub fn escorts_protect_nothing(&self, fleets: &[super::Fleet]) -> Option<String> {
        if !self.escort.enabled {
            return None;
        }
        if self.escort.incident_factor == 1.0 {
            return Some(
                "escorts are on with interdiction.escort.incident_factor = 1 (the default when it is not given): an \
                 escorted crossing meets incidents as often as an unescorted one, so escorts add \
                 convoy waits and costs and protect nothing; set the factor to the share of \
                 incidents escorts leave (escort_convoys.toml assumes 0.2)"
                    .to_string(),
            );
        }
        let escorted: Vec<&super::Fleet> =
            fleets.iter().filter(|f| self.escort.escorts(&f.id)).collect();
        if escorted.is_empty() {
            return Some(
                "escorts are on but interdiction.escort.fleets names no fleet of the scenario: \
                 no vessel sails in a convoy, so the escorts' capital is paid and no crossing is \
                 protected"
                    .to_string(),
            );
        }
        let risk = |f: &super::Fleet| f.incident_probability.unwrap_or(self.incident_probability);
        escorted.iter().all(|f| risk(f) == 0.0).then(|| {
            "escorts are on but no escorted fleet meets incidents (incident_probability 0 for \
             each): escorts add convoy waits and costs and protect nothing"
                .to_string()
        })
    }
}

fn default_detention() -> DistSpec {
    DistSpec::Constant { value: 72.0 }
}

fn default_closure() -> DistSpec {
    DistSpec::Constant { value: 168.0 }
}

impl Default for Interdiction {
    fn default() -> Self {
        Self {
            incident_probability: 0.0,
            loss_probability: 0.0,
            detention_h: default_detention(),
            closures_per_year: 0.0,
            closure_duration_h: default_closure(),
            escort: Escort::default(),
            replacement_days: None,
        }
    }
}

/// Escort policy: vessels sail in convoys that lower the incident probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escort {
    /// Whether crossings are escorted.
    #[serde(default)]
    pub enabled: bool,
    /// Incident probability is multiplied by this factor for escorted crossings.
    #[serde(default = "one")]
    pub incident_factor: f64,
    /// A convoy is ready once this many vessels are ready at a port...
    #[serde(default = "default_convoy_size")]
    pub convoy_size: u32,
    /// ...or once its first vessel has waited this many hours.
    #[serde(default = "default_convoy_wait")]
    pub max_wait_h: f64,
    /// Escort vessels in the force (at least 1 with escorts on): a ready
    /// convoy sails only with a free one, and each is priced
    /// (`docs/model.md`, "Escorts and convoys").
    #[serde(default = "default_escort_vessels")]
    pub escort_vessels: u32,
    /// The fleets escorted (ids); none: every fleet. A fleet left out sails
    /// alone, unescorted, as with escorts off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleets: Option<Vec<String>>,
}

impl Escort {
    /// Whether fleet `id`'s vessels sail in escorted convoys (with escorts
    /// enabled).
    pub fn escorts(&self, id: &str) -> bool {
        self.fleets.as_ref().is_none_or(|l| l.iter().any(|f| f == id))
    }
}

fn default_convoy_size() -> u32 {
    2
}

fn default_convoy_wait() -> f64 {
    24.0
}

fn default_escort_vessels() -> u32 {
    2
}

impl Default for Escort {
    fn default() -> Self {
        Self {
            enabled: false,
            incident_factor: 1.0,
            convoy_size: default_convoy_size(),
            max_wait_h: default_convoy_wait(),
            escort_vessels: default_escort_vessels(),
            fleets: None,
        }
    }
}

/// A disruption aimed at one element of the corridor: when it strikes, what
/// it strikes and how hard. `docs/scenarios.md` documents every key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disruption {
    /// Identifier, used in KPI keys (`recovery_days.<id>`).
    pub id: String,
    /// What it strikes: `port.<port>`, `port.<port>.<berth class>`,
    /// `route.<fleet>`, `vessels.<fleet>`, `storage.<storage>`,
    /// `outflow.<outflow>`, `inflow.<inflow>` or `corridor`.
    pub target: String,
    /// Fixed timing: the day of the run (0 = 1 January, warm-up included)
    /// on which the one episode starts.
    #[serde(default)]
    pub start_day: Option<f64>,
    /// Random timing: expected episodes per year (a Poisson process).
    #[serde(default)]
    pub rate_per_year: Option<f64>,
    /// Random timing, the other way to say it: mean days between episodes.
    #[serde(default)]
    pub mtbf_days: Option<f64>,
    /// How long an episode lasts, in days. For `vessels.<fleet>`, how long
    /// each vessel is out of service (the replacement, charter or repair
    /// lead time); left out, the vessels never come back.
    #[serde(default)]
    pub duration_days: Option<DistSpec>,
    /// The capacity that remains during an episode, as a factor (0 =
    /// closed, the default). Inflows may take factors above 1 (a surge).
    #[serde(default)]
    pub scale: f64,
    /// How many vessels a `vessels.<fleet>` episode takes out of service.
    #[serde(default)]
    pub vessels: Option<u32>,
    /// ...or which share of the fleet (rounded up), in `(0, 1]`.
    #[serde(default)]
    pub vessel_share: Option<f64>,
    /// For `vessels.<fleet>`: the vessels are detained in port with their
    /// cargo when their next port call is over, each for its
    /// `duration_days` draw, instead of taken out of service.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub detain: bool,
    /// Free text (sources, caveats); ignored by the model.
    #[serde(default)]
    pub notes: String,
    /// The random stream the disruption draws from; `None`, as a scenario
    /// file always has it, for its place in the list. Set only by code that
    /// removes disruptions but must keep the others' streams (the twins of
    /// `compare --one-off` and `--vulnerability`); never read from a file or written to one.
    #[serde(skip)]
    pub stream: Option<u8>,
}

impl Disruption {
    /// Whether it is random: no `start_day`, and a rate above 0 (or a mean
    /// time between episodes).
    pub fn is_random(&self) -> bool {
        self.start_day.is_none() && self.rate_per_year.map_or(self.mtbf_days.is_some(), |r| r > 0.0)
    }

    /// Whether it can strike at all: dated, or random
    /// ([`is_random`](Self::is_random)). A random disruption at rate 0
    /// never does, whatever its duration.
    pub fn strikes(&self) -> bool {
        self.start_day.is_some() || self.is_random()
    }

    /// The berths of a class of `n` that stay in service under the product
    /// `factor` of the scales of the disruptions on it and its port:
    /// `round(n x factor)`, at most `n`.
    pub fn berths_left(n: u32, factor: f64) -> u32 {
        (f64::from(n) * factor).round().min(f64::from(n)) as u32
    }
}
