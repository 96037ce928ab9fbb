//! `[sea_level]`, `[[dredging]]`, a port's `depth_m` and a fleet's
//! `draft_light_m`/`draft_full_m`: checked and folded into a [`DraftPlan`],
//! the tables the model reads a vessel's draft-limited cargo from
//! (`model/draft.rs`).
//!
//! Everything that does not change during a run is worked out here, so that
//! a call costs a lookup of two depths and a few multiplications.

use std::collections::BTreeMap;

use caspian_engine::SimTime;

use super::check::{Checker, MAX_HORIZON_DAYS, lookup};
use super::plan::FleetPlan;
use super::text::check_text;
use crate::resolve::plain::number;
use crate::scenario::{DEFAULT_UKC_M, Scenario};
use crate::timeline::TICKS_PER_YEAR;

/// Deepest port and deepest draft accepted, in metres (the deepest
/// seaports are about 25 m).
const MAX_DEPTH_M: f64 = 100.0;
/// Largest sea-level offset accepted, either way, in metres.
const MAX_OFFSET_M: f64 = 100.0;
/// Fastest sea-level change accepted, either way, in metres per year.
const MAX_CHANGE_M_PER_YEAR: f64 = 10.0;
/// Largest under-keel clearance accepted, in metres.
const MAX_UKC_M: f64 = 10.0;

/// A fleet whose draft can limit its cargo: the draft grows linearly from
/// `light_m` (empty) with the cargo aboard, `units_per_m` per metre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DraftLimit {
    /// Draft of the empty vessel plus the under-keel clearance, in metres:
    /// the water it needs with nothing aboard.
    pub light_need_m: f64,
    /// Cargo units per metre of draft: capacity / (full - light draft).
    pub units_per_m: f64,
    /// The two ends of its route (origin, destination), port indices.
    pub ports: [usize; 2],
}

/// A fleet's capacity and, if it has a draft relation, its limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FleetDraft {
    /// Units per voyage at full draft (the fleet's `capacity`).
    pub capacity: u64,
    /// The draft limit, `None` when the fleet has no draft relation.
    pub limit: Option<DraftLimit>,
    /// Whether the return leg loads (the fleet has return cargo): then a
    /// return departure is a loaded departure for the KPIs.
    pub return_loads: bool,
}

/// Depths, sea level and draft relations, resolved: see `model/draft.rs`
/// for how a vessel's cargo per call follows from them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DraftPlan {
    /// The sea level at time 0 against the ports' datum, in metres.
    pub offset_m: f64,
    /// The sea level's change per tick of simulated time, in metres.
    pub change_m_per_tick: f64,
    /// Per port: its depth at the datum from each time on (the first entry
    /// at time 0, then one per dredging, in time order); empty: unlimited.
    pub depths: Vec<Vec<(SimTime, f64)>>,
    /// Per fleet, in plan order.
    pub fleets: Vec<FleetDraft>,
}

impl DraftPlan {
    /// Whether any fleet has a draft relation (else draft never limits).
    pub fn any_limit(&self) -> bool {
        self.fleets.iter().any(|f| f.limit.is_some())
    }
}

/// Checks the sea level, depths, dredging and draft relations, and builds
/// the plan. `fleets` are the fleets as compiled (for their routes).
pub(super) fn draft(
    c: &mut Checker,
    s: &Scenario,
    port_ids: &BTreeMap<&str, usize>,
    fleets: &[FleetPlan],
) -> DraftPlan {
    let level = s.sea_level.clone().unwrap_or_default();
    let offset_ok = c.range("sea_level.offset_m", level.offset_m, -MAX_OFFSET_M, MAX_OFFSET_M);
    c.range(
        "sea_level.change_m_per_year",
        level.change_m_per_year,
        -MAX_CHANGE_M_PER_YEAR,
        MAX_CHANGE_M_PER_YEAR,
    );
    let ukc_ok = c.range("sea_level.ukc_m", level.ukc_m, 0.0, MAX_UKC_M);
    let mut depths: Vec<Vec<(SimTime, f64)>> = s
        .ports
        .iter()
        .map(|p| match p.depth_m {
            Some(d) if depth_ok(c, &format!("port.{}.depth_m", p.id), d) => {
                vec![(SimTime::ZERO, d)]
            }
            _ => Vec::new(),
        })
        .collect();
    dredgings(c, s, port_ids, &mut depths);
    let ukc = if ukc_ok { level.ukc_m } else { DEFAULT_UKC_M };
    let fleets: Vec<FleetDraft> = s
        .fleets
        .iter()
        .zip(fleets)
        .map(|(f, plan)| {
            let limit = relation(c, &format!("fleet.{}", f.id), f.draft_light_m, f.draft_full_m)
                .map(|(light, full)| DraftLimit {
                    light_need_m: light + ukc,
                    units_per_m: plan.capacity as f64 / (full - light),
                    ports: [plan.origin, plan.destination],
                });
            FleetDraft {
                capacity: plan.capacity,
                limit,
                return_loads: plan.return_load_from.is_some(),
            }
        })
        .collect();
    let plan = DraftPlan {
        offset_m: level.offset_m,
        change_m_per_tick: level.change_m_per_year / TICKS_PER_YEAR as f64,
        depths,
        fleets,
    };
    if offset_ok {
        empty_vessels_fit(c, s, &plan, ukc);
    }
    plan
}

/// A depth: finite, above zero, at most [`MAX_DEPTH_M`].
fn depth_ok(c: &mut Checker, key: &str, d: f64) -> bool {
    c.positive(key, d, MAX_DEPTH_M)
}

/// `[[dredging]]`: each names a port with a depth, a day and a new depth;
/// appended to that port's depths in time order.
fn dredgings(
    c: &mut Checker,
    s: &Scenario,
    port_ids: &BTreeMap<&str, usize>,
    depths: &mut [Vec<(SimTime, f64)>],
) {
    let mut dated: Vec<(usize, SimTime, f64, usize)> = Vec::new();
    for (i, d) in s.dredgings.iter().enumerate() {
        let k = format!("dredging[{i}]");
        check_text(c, &format!("{k}.notes"), &d.notes, true);
        let port = lookup(c, port_ids, format!("{k}.port"), "port", &d.port);
        let depth_ok = depth_ok(c, &format!("{k}.depth_m"), d.depth_m);
        let day_ok = c.range(&format!("{k}.day"), d.day, 0.0, MAX_HORIZON_DAYS);
        let Some(p) = port else { continue };
        if s.ports[p].depth_m.is_none() {
            c.err(
                format!("{k}.port"),
                format!(
                    "port \"{}\" has no depth_m (its depth is unlimited); give it its depth \
                     before the dredging",
                    d.port
                ),
            );
            continue;
        }
        if depth_ok && day_ok {
            let t = SimTime::try_from_days_f64(d.day).unwrap_or(SimTime::ZERO);
            dated.push((p, t, d.depth_m, i));
        }
    }
    dated.sort_by_key(|&(p, t, _, i)| (p, t, i));
    // Two of one port at one instant: which depth holds would depend on
    // their order in the file, and both would be charged.
    for w in dated.windows(2) {
        let ((p, t, _, i), (q, u, _, j)) = (w[0], w[1]);
        if (p, t) == (q, u) {
            c.err(
                format!("dredging[{j}].day"),
                format!(
                    "dredging[{i}] already sets port \"{}\"'s depth on day {}: give a port \
                     one dredging at a time",
                    s.ports[p].id,
                    number(s.dredgings[i].day)
                ),
            );
        }
    }
    for (p, t, depth, _) in dated {
        if !depths[p].is_empty() {
            depths[p].push((t, depth));
        }
    }
}

/// A fleet's draft relation: both drafts or neither, each a plausible
/// depth, the empty draft below the full one.
fn relation(c: &mut Checker, k: &str, light: Option<f64>, full: Option<f64>) -> Option<(f64, f64)> {
    match (light, full) {
        (None, None) => None,
        (Some(_), None) | (None, Some(_)) => {
            let missing = if light.is_none() { "draft_light_m" } else { "draft_full_m" };
            c.err(
                format!("{k}.{missing}"),
                "is missing: draft_light_m and draft_full_m must be given together",
            );
            None
        }
        (Some(light), Some(full)) => {
            let light_ok = depth_ok(c, &format!("{k}.draft_light_m"), light);
            let full_ok = depth_ok(c, &format!("{k}.draft_full_m"), full);
            if !(light_ok && full_ok) {
                return None;
            }
            if light >= full {
                c.err(
                    format!("{k}.draft_light_m"),
                    format!(
                        "the empty draft ({} m) must be less than the full draft \
                         draft_full_m ({} m)",
                        number(light),
                        number(full)
                    ),
                );
                return None;
            }
            Some((light, full))
        }
    }
}

/// A fleet whose empty vessel does not fit one of its ports at time 0
/// cannot call there from the start: an input error. (Later, when a falling sea level
/// or silting makes it so, the vessel sails empty and `draft_blocked`
/// counts it.)
fn empty_vessels_fit(c: &mut Checker, s: &Scenario, plan: &DraftPlan, ukc: f64) {
    let offset_m = plan.offset_m;
    for (f, draft) in s.fleets.iter().zip(&plan.fleets) {
        let Some(limit) = draft.limit else { continue };
        for p in limit.ports {
            // The depth at time 0 (a dredging on day 0 replaces depth_m);
            // infinite, so never short, where the depth is unlimited.
            let depth = plan.depth_m(p, SimTime::ZERO);
            let water = depth + offset_m;
            if limit.light_need_m > water {
                c.err(
                    format!("fleet.{}.draft_light_m", f.id),
                    format!(
                        "an empty vessel needs {} m of water (draft {} m + under-keel clearance \
                         {} m) but port \"{}\" has {} m at time 0 (depth {} m + sea level {} \
                         m): the fleet cannot call there from the start",
                        metres(limit.light_need_m),
                        metres(limit.light_need_m - ukc),
                        metres(ukc),
                        s.ports[p].id,
                        metres(water),
                        metres(depth),
                        metres(offset_m)
                    ),
                );
            }
        }
    }
}

/// Metres for a message, to the millimetre (sums of decimals such as
/// 5.6 - 4 print as 1.6, not 1.5999999999999996).
fn metres(x: f64) -> String {
    number((x * 1000.0).round() / 1000.0)
}
