//! The axes of a study that change nothing: an axis of several values
//! that gives the same model at each (a multiplier of something the
//! scenario does not have, the escort force with escorts off), and a
//! one-valued axis that changes nothing at any design point (a multiplier
//! with nothing to scale, the force with escorts off).
//! A sweep warns of both, and of escorts switched on that protect nothing.

use caspian_shipping::Scenario;
use caspian_shipping::scenario::Disruption;
use rayon::prelude::*;

use super::{Study, write_point};
use crate::design::Axis;

impl Study {
    /// The axes of two values or more that change nothing: at every
    /// design point, each of the axis' values written in gives the same
    /// model ([`CompiledScenario::same_model`]: a rate multiplier over a
    /// scenario without random disruptions, a storm multiplier without
    /// storms, the escort force with escorts off), or the axis is a
    /// multiplier with nothing to scale there. Every point is the same
    /// along such an axis, which a sweep should say. An axis that matters
    /// stops the search at the first point where it does.
    ///
    /// [`CompiledScenario::same_model`]: caspian_shipping::CompiledScenario::same_model
    pub fn inert_axes(&self) -> Vec<&Axis> {
        (0..self.axes.len())
            // One value is a setting shared by every point, not an axis.
            .filter(|&a| self.axes[a].values.len() > 1)
            .filter(|&a| {
                // In parallel: each point may compile the axis' values.
                self.points.par_iter().all(|point| {
                    self.scales_nothing_at(a, &point.values) || self.same_along(a, &point.values)
                })
            })
            .map(|a| &self.axes[a])
            .collect()
    }

    /// Whether every value of axis `a`, written into the design point
    /// `values`, gives the same model: the same scenario as written, or
    /// (compiled only where the texts differ) the same compiled plan.
    fn same_along(&self, a: usize, values: &[f64]) -> bool {
        let mut values = values.to_vec();
        let mut at = |v: f64| {
            values[a] = v;
            self.written(&values)
        };
        let Some(first) = self.axes[a].values.first().and_then(|&v| at(v)) else {
            return false;
        };
        if self.idle_force(a, &first) {
            return true;
        }
        let mut first_plan = None;
        self.axes[a].values[1..].iter().all(|&v| {
            let Some(other) = at(v) else { return false };
            if other == first {
                return true;
            }
            let Ok(plan) = caspian_shipping::compile(&other) else { return false };
            let first = first_plan.get_or_insert_with(|| caspian_shipping::compile(&first).ok());
            first.as_ref().is_some_and(|f| f.same_model(&plan))
        })
    }

    /// The axes of one value (settings shared by every point, as `--set`
    /// is) that change nothing at any design point: a multiplier other
    /// than 1 with nothing to scale (a duration multiplier where another
    /// axis or override took every rate to 0, a storm multiplier without
    /// storms), or a value that changes the scenario but not the model it
    /// compiles to (the escort force with escorts off at every point). The
    /// run is the same as without them, which the user did not mean to ask
    /// for. A value the scenario already has is not one (it sets nothing),
    /// except the escort force with escorts off, which no value makes sail.
    pub fn inert_settings(&self) -> Vec<&Axis> {
        (0..self.axes.len())
            .filter(|&a| self.axes[a].values.len() == 1)
            .filter(|&a| {
                let multiplier = self.axes[a].key.is_multiplier() && self.axes[a].values[0] != 1.0;
                self.points.par_iter().all(|p| {
                    (multiplier && self.scales_nothing_at(a, &p.values))
                        || self.idle_setting_at(a, &p.values)
                })
            })
            .map(|a| &self.axes[a])
            .collect()
    }

    /// Whether the one-valued axis `a`, at the design point `values`,
    /// changes the scenario but not its model: the point written with it
    /// and without it differ as text but compile to the same model.
    fn idle_setting_at(&self, a: usize, values: &[f64]) -> bool {
        let Some(with) = self.written(values) else { return false };
        let others: Vec<Axis> =
            self.axes.iter().enumerate().filter(|&(b, _)| b != a).map(|(_, x)| x.clone()).collect();
        let rest: Vec<f64> =
            values.iter().enumerate().filter(|&(b, _)| b != a).map(|(_, &v)| v).collect();
        let mut without = self.plan.source.clone();
        if write_point(&mut without, &others, &rest).is_err() {
            return false;
        }
        // Even at the value the scenario has (as `run` warns of a --set of it).
        if self.idle_force(a, &with) {
            return true;
        }
        if with == without {
            return false;
        }
        match (caspian_shipping::compile(&with), caspian_shipping::compile(&without)) {
            (Ok(x), Ok(y)) => x.same_model(&y),
            _ => false,
        }
    }

    /// Why the escorts of some design point protect nothing
    /// ([`caspian_shipping::scenario::Interdiction::escorts_protect_nothing`]),
    /// with the first such point: an axis or a decision that switches
    /// escorts on, over a scenario that leaves their incident factor at 1
    /// or escorts no fleet.
    pub fn escorts_protect_nothing(&self) -> Option<(usize, String)> {
        self.points.iter().enumerate().find_map(|(p, point)| {
            let written = self.written(&point.values)?;
            let why = written.interdiction.escorts_protect_nothing(&written.fleets)?;
            Some((p, why))
        })
    }

    /// Each design point's escort force, `None` where escorts are off;
    /// empty where no point has them. The warning that the force binds
    /// ([`crate::appraisal::escort_force_points`]) names it.
    pub fn escort_forces(&self) -> Vec<Option<u32>> {
        let forces: Vec<Option<u32>> = self
            .points
            .iter()
            .map(|p| {
                let escort = self.written(&p.values)?.interdiction.escort;
                escort.enabled.then_some(escort.escort_vessels)
            })
            .collect();
        if forces.iter().all(Option::is_none) { Vec::new() } else { forces }
    }

    /// Every warning of the study that its results would otherwise hide,
    /// in words: escorts that protect nothing
    /// ([`escorts_protect_nothing`](Self::escorts_protect_nothing), with
    /// the first design point of a sweep where they do not), and dated
    /// disruptions outside the reporting window
    /// ([`dated_outside_window`](Self::dated_outside_window)), and lost
    /// vessels never replaced where losses are likely enough to matter;
    /// then what the scenario as written asks for and the run cannot give
    /// (dredging after the horizon, convoys that never fill, paired
    /// recoveries with no disruption).
    /// The terminal prints them, and the result documents keep them.
    pub fn warnings(&self) -> Vec<String> {
        self.escort_warning().into_iter().chain(self.shared_warnings()).collect()
    }

    /// The warnings a comparison's variants share with its base (said
    /// once, [`warnings_once`]).
    fn shared_warnings(&self) -> Vec<String> {
        self.dated_outside_window()
            .into_iter()
            .chain(self.disruptions_of_no_time())
            .chain(self.losses_warning())
            .chain(self.dredging_after_horizon())
            .chain(self.convoys_never_fill())
            .chain(self.paired_without_disruptions())
            .collect()
    }

    /// The disruptions whose every draw is 0 days (after
    /// `disruptions.duration_multiplier`) or rounds to 0 on the model's
    /// clock (below half a millisecond), with the first design point of a
    /// sweep where they are: a detention (`detain = true`) holds no vessel,
    /// yet each counts in `detentions`; an episode at a port, berth, route,
    /// storage, link, inflow or the corridor changes nothing. (A vessel
    /// withdrawn for no time still loses its cargo: not said.) Also those
    /// that leave their target's capacity as it is (`keeps_capacity`).
    pub fn disruptions_of_no_time(&self) -> Vec<String> {
        // Each with what it keeps: `None` for one of no time.
        type Keeps = Option<(String, &'static str)>;
        let of_no_time = |s: &Scenario| -> Vec<(String, bool, Keeps)> {
            s.disruptions
                .iter()
                .filter(|d| changes_nothing(d, s))
                .map(|d| (d.id.clone(), d.detain, keeps_capacity(d, s)))
                .collect()
        };
        if self.plan.source.disruptions.is_empty() {
            return Vec::new();
        }
        let found = if self.axes.is_empty() {
            Some((None, of_no_time(&self.plan.source)))
        } else {
            self.points.iter().enumerate().find_map(|(p, point)| {
                let ids = of_no_time(&self.written(&point.values)?);
                (!ids.is_empty()).then_some((Some(p), ids))
            })
        };
        let Some((point, ids)) = found else { return Vec::new() };
        ids.iter()
            .map(|(id, detain, keeps)| {
                let at = point.map_or(String::new(), |p| format!("at design point {p} first, "));
                if let Some((keeps, advice)) = keeps {
                    return format!(
                        "{at}disruption {id} leaves the capacity of its target as it is \
                         ({keeps}): it changes nothing in the model, yet where it falls in the \
                         window its hours count in disruption_h.{id} and its recovery is timed; \
                         {advice} (leaving it out would renumber the random streams of the \
                         disruptions listed after it)"
                    );
                }
                let what = if *detain {
                    "it holds no vessel, yet each vessel chosen counts in detentions, and its \
                     episode still ends only when each one's port call is over"
                } else {
                    "it changes nothing (no hours, no recovery, no cost)"
                };
                let verb = if *detain { "detains" } else { "lasts" };
                format!(
                    "{at}disruption {id} {verb} for 0 days (duration_days times \
                     disruptions.duration_multiplier, on a clock of milliseconds): {what}"
                )
            })
            .collect()
    }

    /// The warning that lost vessels are never replaced while the risk of
    /// a loss is material
    /// ([`Interdiction::losses_not_replaced`](caspian_shipping::scenario::Interdiction::losses_not_replaced)),
    /// with the first design point of a sweep where it is.
    fn losses_warning(&self) -> Option<String> {
        self.points.iter().enumerate().find_map(|(p, point)| {
            let written = self.written(&point.values)?;
            let meta = &written.scenario;
            let window = meta.horizon_days - meta.warmup_days;
            let why = written.interdiction.losses_not_replaced(&written.fleets, window)?;
            Some(if self.axes.is_empty() {
                why
            } else {
                format!("at design point {p} first, {why}")
            })
        })
    }

    /// The warning of escorts that protect nothing, with the first design
    /// point of a sweep where they do not.
    fn escort_warning(&self) -> Option<String> {
        self.escorts_protect_nothing().map(|(point, why)| {
            if self.axes.is_empty() { why } else { format!("at design point {point} first, {why}") }
        })
    }

    /// The dated disruptions of the scenario as written (`start_day`) that
    /// start outside the reporting window or in the run's first week, each
    /// with what that means, in words: one in the warm-up is measured only
    /// from the warm-up's end (its hours, costs and lost deliveries before
    /// then are not counted; of an episode that ends by then, only the
    /// backlog it leaves); one at or after the horizon does nothing; one in
    /// the first week has its plain recovery timed against a corridor still
    /// filling from empty.
    pub fn dated_outside_window(&self) -> Vec<String> {
        let meta = &self.plan.source.scenario;
        let (warmup, horizon) = (meta.warmup_days, meta.horizon_days);
        let week = caspian_shipping::LEVEL_BEFORE_DAYS as f64;
        // The level before an episode is the mean of its week before: in a
        // run's first week, of a corridor filling from empty.
        let cold = "its recovery_days is timed against the backlog of the days before it, a \
                    corridor still filling from empty (recovery_paired_days, with \
                    scenario.paired_recovery = true, is not)";
        let at_start = "it starts before the first hourly sample of the backlog, so it has no \
                        level to be back at: its recovery_days is undefined and it is not counted \
                        in unrecovered (recovery_paired_days, with scenario.paired_recovery = \
                        true, measures it)";
        self.plan
            .source
            .disruptions
            .iter()
            // One that changes nothing is warned of as such, not as an event
            // (looked at only for dated ones: the look may write every point).
            .filter(|d| d.start_day.is_some() && !self.inert_everywhere(d))
            .filter_map(|d| {
                let day = d.start_day?;
                let (id, at) = (&d.id, super::short_number(day));
                let advice =
                    format!("start it in the window with --set disruption.{id}.start_day=DAY");
                if day >= horizon {
                    Some(format!(
                        "disruption {id} starts on day {at}, at or after the horizon, day {}: it \
                         does nothing; {advice}",
                        super::short_number(horizon)
                    ))
                } else if day < warmup {
                    let cold = if rounds_to_no_time(day) {
                        format!("; {at_start}")
                    } else if day < week {
                        format!("; {cold}")
                    } else {
                        String::new()
                    };
                    // Its date kept a year on, after a year-long warm-up, with
                    // the window as long as now: where that fits.
                    let window = horizon - warmup;
                    let calendar = if day < 365.0 && day + 365.0 < 365.0 + window {
                        format!(
                            "; or, to keep its date in the calendar year (an event in January, \
                             say), make the first year the warm-up: --set \
                             scenario.warmup_days=365 --set scenario.horizon_days={} --set \
                             disruption.{id}.start_day={} (docs/scenarios.md, \"An event in \
                             January\")",
                            super::short_number(365.0 + window),
                            super::short_number(day + 365.0)
                        )
                    } else {
                        String::new()
                    };
                    Some(format!(
                        "disruption {id} starts on day {at}, inside the warm-up, which ends on day \
                         {}: what it does before then is not measured (disruption_h, costs, \
                         deliveries); if it ends by then, neither are its hours nor its recovery, \
                         and only the backlog it leaves weighs on the window{cold}; \
                         {advice}{calendar}",
                        super::short_number(warmup),
                    ))
                } else if rounds_to_no_time(day) {
                    Some(format!("disruption {id} starts on day 0: {at_start}"))
                } else if day < week {
                    Some(format!(
                        "disruption {id} starts on day {at}, in the run's first week: {cold}"
                    ))
                } else {
                    None
                }
            })
            .collect()
    }

    /// Whether disruption `d` of the scenario as written changes nothing
    /// ([`changes_nothing`]) at every design point (the scenario itself,
    /// for a plain run): a berth count or a scale an axis or a decision
    /// sets can make it bite at some.
    pub fn inert_everywhere(&self, d: &Disruption) -> bool {
        if self.axes.is_empty() {
            return changes_nothing(d, &self.plan.source);
        }
        self.points.par_iter().all(|point| {
            self.written(&point.values).is_none_or(|s| {
                s.disruptions.iter().find(|x| x.id == d.id).is_none_or(|x| changes_nothing(x, &s))
            })
        })
    }

    /// The dated disruptions (`start_day`) of the scenario as written that
    /// strike in the run: start before the horizon and change something at
    /// some design point ([`inert_everywhere`](Self::inert_everywhere)).
    pub fn dated_that_strike(&self) -> Vec<&Disruption> {
        let horizon = self.plan.source.scenario.horizon_days;
        self.plan
            .source
            .disruptions
            .iter()
            .filter(|d| d.start_day.is_some_and(|day| day < horizon) && !self.inert_everywhere(d))
            .collect()
    }

    /// Whether axis `a` is the escort force and `point` (a design point
    /// written) has escorts off: the common case of a setting that changes
    /// nothing, known without compiling (the force is neither sailed nor
    /// priced).
    fn idle_force(&self, a: usize, point: &Scenario) -> bool {
        self.axes[a].key == crate::SweepKey::EscortVessels && !point.interdiction.escort.enabled
    }

    /// Whether axis `a` is a multiplier with nothing to scale at the design
    /// point `values`: it changes the values it scales but not the run (a
    /// duration multiplier where another setting took the rates to 0).
    /// Looked at with the axis at 1, since its own 0 takes a rate away.
    fn scales_nothing_at(&self, a: usize, values: &[f64]) -> bool {
        let key = &self.axes[a].key;
        let mut values = values.to_vec();
        values[a] = 1.0;
        key.is_multiplier() && self.written(&values).is_some_and(|s| key.scales_nothing_in(&s))
    }

    /// The scenario at the design point `values`, or `None` where it is
    /// invalid.
    pub(super) fn written(&self, values: &[f64]) -> Option<Scenario> {
        let mut scenario = self.plan.source.clone();
        write_point(&mut scenario, &self.axes, values).is_ok().then_some(scenario)
    }
}

/// Whether scenarios `a` and `b` are both valid and compile to the same
/// model ([`CompiledScenario::same_model`]): what differs between them is
/// nothing the model reads (an escort setting with escorts off, say).
///
/// [`CompiledScenario::same_model`]: caspian_shipping::CompiledScenario::same_model
pub fn compiles_alike(a: &Scenario, b: &Scenario) -> bool {
    match (caspian_shipping::compile(a), caspian_shipping::compile(b)) {
        (Ok(x), Ok(y)) => x.same_model(&y),
        _ => false,
    }
}

/// The warnings of several studies (a comparison's scenarios), each with
/// its study: escorts that protect nothing for every study that has them
/// (the warning does not name its scenario); the others (a dated
/// disruption outside the window, lost vessels never replaced, ...) once,
/// with the first study that has them, naming the other scenarios that
/// have it too (`also in "b", "c"`): the variants share the base's, and
/// two files may share a problem.
pub fn warnings_once(studies: &[Study]) -> Vec<(&Study, String)> {
    // Each entry: the study it is said with, the warning, the names of the
    // other studies that have it too.
    let mut out: Vec<(&Study, String, Vec<&str>)> = Vec::new();
    // Where in `out` each shared warning said so far is.
    let mut shared: Vec<usize> = Vec::new();
    for s in studies {
        out.extend(s.escort_warning().map(|w| (s, w, Vec::new())));
        for why in s.shared_warnings() {
            match shared.iter().find(|&&i| out[i].1 == why) {
                Some(&i) => out[i].2.push(&s.name),
                None => {
                    shared.push(out.len());
                    out.push((s, why, Vec::new()));
                }
            }
        }
    }
    out.into_iter()
        .map(|(s, why, also)| {
            if also.is_empty() {
                (s, why)
            } else {
                let names: Vec<String> = also.iter().map(|n| format!("\"{n}\"")).collect();
                (s, format!("{why} (also in {})", names.join(", ")))
            }
        })
        .collect()
}

/// Whether disruption `d` of scenario `s` changes nothing that matters:
/// a closure, cut or surge of no time, a detention of none (which still
/// counts in `detentions`), or one that leaves its target's capacity as
/// it is (`keeps_capacity`). A vessel withdrawn for no time still loses
/// its cargo: not so.
pub fn changes_nothing(d: &Disruption, s: &Scenario) -> bool {
    ((d.detain || !d.target.starts_with("vessels.")) && lasts_no_time(d))
        || keeps_capacity(d, s).is_some()
}

/// Why disruption `d` of scenario `s` leaves its target's capacity as it
/// is whenever it strikes, if it does, in words: a scale of 1 on a port,
/// a berth class, a storage, a link or an inflow (a factor of 1, whatever
/// else strikes with it), or, for one alone on its port (the factors of
/// several multiply), a scale whose `round(berths x scale)` keeps every
/// berth of the port or class; and a closure or cut of a port with no
/// berths, where no vessel calls (a closure shuts berths to vessels; the
/// port's yards and links go on), or a cut of one with only shared berths
/// (a scale above 0 cuts a port's own berths, not shared ones).
///
/// With the reason, the advice: what to change so that it strikes.
pub(crate) fn keeps_capacity(d: &Disruption, s: &Scenario) -> Option<(String, &'static str)> {
    use caspian_shipping::scenario::BerthClass;
    const SCALE: &str = "give it the scale it is meant to have";
    if let Some(rest) = d.target.strip_prefix("port.")
        && let Some(p) = s.ports.iter().find(|p| p.id == rest)
        && BerthClass::ALL.into_iter().all(|c| p.berths.get(c) == 0)
    {
        if p.shared_berths.is_empty() {
            let closed = if d.scale == 0.0 {
                format!(", though its closure counts in port_closure_h.{rest} too")
            } else {
                String::new()
            };
            return Some((
                format!("port {rest} has no berths, so no vessel calls there{closed}"),
                "aim it at a port with berths, or give this port the berths it is meant to have",
            ));
        }
        // A scale of 1 keeps any berth: said below, with its own advice.
        if d.scale > 0.0 && d.scale != 1.0 {
            return Some((
                format!("port {rest} has only shared berths, which a scale above 0 does not cut"),
                "close the port (scale = 0) or give it berths of its own",
            ));
        }
    }
    let scaled = ["port.", "storage.", "outflow.", "inflow."];
    if !scaled.iter().any(|p| d.target.starts_with(p)) || d.scale <= 0.0 {
        return None;
    }
    if d.scale == 1.0 {
        return Some((
            "its scale is 1, a factor of 1 on its capacity or arrival rate".to_string(),
            SCALE,
        ));
    }
    let rest = d.target.strip_prefix("port.")?;
    let (port, class) = rest.split_once('.').map_or((rest, None), |(p, c)| (p, Some(c)));
    let p = s.ports.iter().find(|p| p.id == port)?;
    let on_port = |t: &str| t == format!("port.{port}") || t.starts_with(&format!("port.{port}."));
    // Another disruption on the port multiplies its factor with this one's
    // (the episodes of one disruption merge: a factor once).
    if s.disruptions.iter().any(|o| o.id != d.id && on_port(&o.target)) {
        return None;
    }
    let classes: Vec<BerthClass> = match class {
        Some(c) => vec![BerthClass::ALL.into_iter().find(|b| b.as_str() == c)?],
        None => BerthClass::ALL.into_iter().filter(|&c| p.berths.get(c) > 0).collect(),
    };
    let kept = |c: &BerthClass| {
        let n = p.berths.get(*c);
        Disruption::berths_left(n, d.scale) == n
    };
    classes.iter().all(kept).then(|| {
        let each: Vec<String> =
            classes.iter().map(|c| format!("{} of {}", p.berths.get(*c), c.as_str())).collect();
        let why = format!(
            "round(berths x {}) keeps every berth ({})",
            super::short_number(d.scale),
            each.join(", ")
        );
        (why, SCALE)
    })
}

/// Whether every draw of disruption `d`'s length is 0 ticks on the
/// model's clock (a duration of 0, or below half a millisecond).
fn lasts_no_time(d: &caspian_shipping::scenario::Disruption) -> bool {
    let dist = d.duration_days.as_ref().and_then(|x| caspian_shipping::dist::Dist::new(x).ok());
    dist.is_some_and(|x| rounds_to_no_time(x.upper()))
}

/// Whether a draw of at most `days` days is 0 ticks on the model's clock,
/// as the model rounds a disruption's length.
fn rounds_to_no_time(days: f64) -> bool {
    caspian_shipping::timeline::ticks_saturating(days, caspian_engine::TICKS_PER_DAY) == 0
}
