//! Where a policy's cost, set against the base's, can mislead an
//! appraisal although every price is there (what no price covers is
//! [`crate::unpriced`]'s):
//!
//! - **Other prices.** A policy whose `[costs]` prices differ from the
//!   base's (a price set inside `compare --variant`, or in its own file) is
//!   costed at its own prices and the base at the base's, so the
//!   difference mixes the lever with the change of price.
//! - **Less than the base.** The cost model annualises the capital of
//!   everything a scenario has, so a policy with a smaller tank farm, fewer
//!   berths or owned vessels, or a narrower priced link saves the capital
//!   of what it lacks. That holds for capacity not yet built; where it
//!   exists, its capital is spent (sunk), and only its running cost is
//!   saved.
//! - **Too few escorts.** A ready convoy waits for a free escort vessel
//!   (`interdiction.escort.escort_vessels`): where convoys waited an hour
//!   or more on average (`escort_wait_h`), the policy's delay is in good
//!   part its force's size, a lever of its own, and a larger force may
//!   turn its verdict.
//!
//! Each gets a warning under the economics table (`optimize` gives the
//! last two as notes on its selection, and the result documents of a run,
//! a sweep and their merged shards keep the last one:
//! [`crate::document::StudyHeader::escort_warning`]); none changes a
//! figure.

use caspian_shipping::compile::CompiledScenario;
use caspian_shipping::compile::{FleetPlan, PortPlan, class_index};

use crate::records::PointRecords;

/// The warning for a scenario with escorts whose ready convoys waited an
/// hour or more on average for a free escort vessel (the mean of
/// `escort_wait_h` over `records`): its force,
/// `interdiction.escort.escort_vessels`, binds, and the delay that adds is
/// the force's size as much as the escort policy.
pub fn escort_force_warning(
    plan: &CompiledScenario,
    name: &str,
    records: &PointRecords,
) -> Option<String> {
    let force = plan.interdiction.escort?.force;
    escort_force_points(name, std::slice::from_ref(records), |_| Some(force))
}

/// [`escort_force_warning`] over the design points of a sweep (`records`,
/// one per point; a run is one point), naming those where the force
/// binds and giving the first's figures. `force_at(p)` is point `p`'s
/// escort force, where it is known (`caspian merge` has the records, not
/// the scenario: the warning then leaves the count out).
pub fn escort_force_points(
    name: &str,
    records: &[PointRecords],
    force_at: impl Fn(usize) -> Option<u32>,
) -> Option<String> {
    let mean = |p: usize, kpi: &str| {
        let values: Vec<f64> =
            records[p].column_named(kpi).into_iter().filter(|v| v.is_finite()).collect();
        crate::stats::mean_var(&values).0
    };
    let binds = |p: usize| mean(p, "escort_wait_h") >= 1.0;
    let binding: Vec<usize> = (0..records.len()).filter(|&p| binds(p)).collect();
    // The figures of the binding point with the largest force (the first
    // of equals): a smaller force's advice could name one the design holds.
    let shown = *binding.iter().max_by_key(|&&p| (force_at(p), std::cmp::Reverse(p)))?;
    let what = if records.len() == 1 {
        format!("\"{name}\"")
    } else {
        let list = binding.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        let which = if binding.iter().any(|&p| force_at(p) != force_at(shown)) {
            format!("at design point {shown}, the largest force among them")
        } else {
            format!("at design point {shown} first")
        };
        format!(
            "\"{name}\" at {} of {} design points ({list}), {which}",
            binding.len(),
            records.len()
        )
    };
    // A larger force of the design that does not bind is the advice.
    let enough = force_at(shown).and_then(|f| {
        (0..records.len())
            .filter(|&p| !binds(p))
            .filter_map(|p| force_at(p).filter(|&g| g > f).map(|g| (g, p)))
            .min()
    });
    let mut note = force_note(force_at(shown), &what, |kpi| mean(shown, kpi), enough.is_none());
    if let Some((g, p)) = enough {
        note.push_str(&format!("; the design's force of {g} (design point {p}) does not bind"));
    }
    Some(note)
}

/// [`escort_force_warning`] for `what` (a quoted scenario name, or "the
/// selected portfolio"), with `mean` giving a KPI's mean over its
/// replications. `advice` replaces the closing "try a larger one" where a
/// larger force was tried (an `optimize` decision that did not select it).
pub fn escort_force_note(
    plan: &CompiledScenario,
    what: &str,
    mean: impl Fn(&str) -> f64,
    advice: Option<&str>,
) -> Option<String> {
    let escort = plan.interdiction.escort?;
    (mean("escort_wait_h") >= 1.0).then(|| {
        let mut note = force_note(Some(escort.force), what, &mean, advice.is_none());
        note.push_str(advice.unwrap_or_default());
        note
    })
}

/// The sentence of [`escort_force_note`], with the force's size where it is
/// known, and the advice to try a larger one where `advise`.
fn force_note(force: Option<u32>, what: &str, mean: impl Fn(&str) -> f64, advise: bool) -> String {
    let (of, larger) = match force {
        Some(n) => (
            format!(" of {n}"),
            format!("interdiction.escort.escort_vessels={}", n.saturating_mul(2)),
        ),
        None => (String::new(), "interdiction.escort.escort_vessels".to_string()),
    };
    let advice = if advise { format!("; try a larger one ({larger})") } else { String::new() };
    format!(
        "{what}: its ready convoys waited {:.1} h on average for a free escort (escort_wait_h), \
         with the force{of} at sea {:.0}% of the time (escort_utilization): the force binds, so \
         part of the escorts' delay is the force's size{advice}",
        mean("escort_wait_h"),
        100.0 * mean("escort_utilization"),
    )
}

/// The `[costs]` prices of `policy` that differ from `base`'s, as dotted
/// keys (`costs.capital.link_outflow.btk_railway`), leaving out the
/// valuation basis (currency, rate, period: warned of on their own) and
/// which fleets are chartered (chartering a fleet instead of owning it is
/// a lever; another day rate for a fleet chartered in both is a price).
pub fn repriced(base: &CompiledScenario, policy: &CompiledScenario) -> Vec<String> {
    let (b, p) = (&base.source.costs, &policy.source.costs);
    let mut keys = Vec::new();
    for (part, x, y) in [
        ("capital", serde_json::to_value(&b.capital), serde_json::to_value(&p.capital)),
        ("operating", serde_json::to_value(&b.operating), serde_json::to_value(&p.operating)),
        ("failure", serde_json::to_value(&b.failure), serde_json::to_value(&p.failure)),
    ] {
        if let (Ok(x), Ok(y)) = (x, y) {
            differing(&format!("costs.{part}"), &x, &y, &mut keys);
        }
    }
    // A fleet chartered in both at another day rate.
    for c in &p.charters {
        if b.charters.iter().any(|o| o.fleet == c.fleet && o.day_rate != c.day_rate) {
            keys.push(format!("the day_rate of the [[costs.charter]] of {}", c.fleet));
        }
    }
    keys
}

/// Appends to `out` every leaf under `path` at which `a` and `b` differ
/// (a key one of them lacks counts as differing).
fn differing(path: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::{Map, Value};
    // A map left out when empty (`link_outflow`) reads as an empty map.
    fn fields<'v>(v: &'v Value, empty: &'v Map<String, Value>) -> Option<&'v Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            Value::Null => Some(empty),
            _ => None,
        }
    }
    let empty = Map::new();
    if (a.is_object() || b.is_object())
        && let (Some(x), Some(y)) = (fields(a, &empty), fields(b, &empty))
    {
        let mut names: Vec<&String> = x.keys().chain(y.keys()).collect();
        names.sort();
        names.dedup();
        for name in names {
            let (u, v) = (x.get(name).unwrap_or(&Value::Null), y.get(name));
            differing(&format!("{path}.{name}"), u, v.unwrap_or(&Value::Null), out);
        }
    } else if a != b {
        out.push(path.to_string());
    }
}

/// The warning for a policy priced otherwise than the base ([`repriced`]).
pub fn repriced_warning(
    base: &CompiledScenario,
    policy: &CompiledScenario,
    name: &str,
) -> Option<String> {
    let keys = repriced(base, policy);
    let (first, rest) = keys.split_first()?;
    let more = if rest.is_empty() { String::new() } else { format!(" and {} more", rest.len()) };
    Some(format!(
        "\"{name}\" has other prices than the base ({first}{more}): each scenario is costed at its \
         own prices (and asset lives), so its cost, benefit, NPV and ratio mix the change it makes \
         with the change of price; give a price to every scenario alike (--set, or the base's \
         file)"
    ))
}

/// What `policy` has less of than `base` among what the cost model
/// charges capital for at a price above 0, in words: "aktau_tank_farm's
/// capacity (60000 against 120000)", "berths at alat (2 against 3)",
/// "owned vessels of ferries_kuryk_alat (3 against 4)", "the capacity of
/// btk_railway (...)", "escort vessels (...)", "metres dredged (...)".
/// Elements are matched by id; one the base has and the policy lacks
/// counts as none. A port's berths count as less when their capital is
/// (shared berths at the dearest class they serve), so a berth that only
/// changes class is not named.
pub fn less_than_base(base: &CompiledScenario, policy: &CompiledScenario) -> Vec<String> {
    let cap = &policy.source.costs.capital;
    let mut out = Vec::new();
    let mut less = |what: String, mine: f64, theirs: f64| {
        if mine < theirs {
            out.push(format!("{what} ({} against {})", short(mine), short(theirs)));
        }
    };
    for b in &base.storages {
        let mine = policy.storages.iter().find(|st| st.id == b.id).map_or(0, |st| st.capacity);
        if cap.storage.get(b.cargo) > 0.0 {
            less(format!("{}'s capacity", b.id), mine as f64, b.capacity as f64);
        }
    }
    let berth_price = cap.berth.values();
    let berth_capital = |p: &PortPlan| -> f64 {
        let own: f64 = p.berths.iter().zip(&berth_price).map(|(&n, &v)| f64::from(n) * v).sum();
        let shared: f64 = p
            .shared
            .iter()
            .map(|g| {
                let dearest = (0..4).filter(|&c| g.classes[c]).map(|c| berth_price[c]);
                f64::from(g.count) * dearest.fold(0.0, f64::max)
            })
            .sum();
        own + shared
    };
    let berths = |p: &PortPlan| -> u32 {
        p.berths.iter().sum::<u32>() + p.shared.iter().map(|g| g.count).sum::<u32>()
    };
    for b in &base.ports {
        let mine = policy.ports.iter().find(|p| p.id == b.id);
        if mine.map_or(0.0, berth_capital) < berth_capital(b) {
            let n = mine.map_or(0, berths);
            less(format!("berths at {}", b.id), f64::from(n), f64::from(berths(b)));
        }
    }
    let vessel_price = cap.vessel.values();
    let owned = |plan: &CompiledScenario, f: &FleetPlan| {
        let chartered = plan.source.costs.charters.iter().any(|c| c.fleet == f.id);
        if chartered { 0 } else { f.count }
    };
    for b in &base.fleets {
        let mine = policy.fleets.iter().find(|f| f.id == b.id).map_or(0, |f| owned(policy, f));
        if vessel_price[class_index(b.berth_class)] > 0.0 {
            less(format!("owned vessels of {}", b.id), f64::from(mine), f64::from(owned(base, b)));
        }
    }
    for b in &base.outflows {
        let price = cap.link_price(&b.id, base.storages[b.from].cargo);
        let mine =
            policy.outflows.iter().find(|o| o.id == b.id).map_or(0.0, |o| o.capacity_per_year);
        if price > 0.0 {
            less(format!("the capacity of {} (units a year)", b.id), mine, b.capacity_per_year);
        }
    }
    let escorts = |plan: &CompiledScenario| {
        let e = &plan.source.interdiction.escort;
        if e.enabled { f64::from(e.escort_vessels) } else { 0.0 }
    };
    if cap.escort_vessel > 0.0 {
        less("escort vessels".into(), escorts(policy), escorts(base));
    }
    let dredged = |plan: &CompiledScenario| -> f64 {
        let steps = plan.draft.depths.iter().flat_map(|d| d.windows(2));
        steps.map(|w| (w[1].1 - w[0].1).max(0.0)).sum()
    };
    if cap.dredging_per_m > 0.0 {
        less("metres dredged".into(), dredged(policy), dredged(base));
    }
    out
}

/// `x` for a message: whole from 100 up, else to three decimals.
fn short(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        crate::study::short_number((x * 1e3).round() / 1e3)
    }
}

/// The warning for a scenario with less than `base` of what carries
/// capital ([`less_than_base`]); `what` names the scenario
/// ("\"berth2\"", "the selected portfolio") and `reference` the base
/// ("the base", "the scenario as written").
pub fn less_than_base_warning(
    base: &CompiledScenario,
    policy: &CompiledScenario,
    what: &str,
    reference: &str,
) -> Option<String> {
    let less = less_than_base(base, policy);
    if less.is_empty() {
        return None;
    }
    Some(format!(
        "{what} has less than {reference} of {}: the capital of what it lacks counts as saved in \
         its cost, which holds only where that capacity is not yet built; where it exists, its \
         capital is spent and cannot be saved",
        less.join(", ")
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The embedded baseline with `sets` (`--set` overrides), compiled.
    pub(crate) fn plan(sets: &[&str]) -> CompiledScenario {
        use caspian_shipping::resolve::{Override, Root, resolve};
        let overrides: Vec<Override> =
            sets.iter().map(|s| Override::parse(s, "--set").unwrap()).collect();
        let mut load = |_: &std::path::Path| -> Result<String, String> { Err("no files".into()) };
        let resolved = resolve(Root::Baseline, &overrides, &mut load).unwrap();
        caspian_shipping::compile(&resolved.scenario).unwrap()
    }

    #[test]
    fn a_sweeps_binding_force_is_shown_at_its_largest() {
        let names = ["escort_utilization".to_string(), "escort_wait_h".to_string()];
        // Points with forces 3, 6, 3, 6: all bind but the last.
        let point = |wait: f64| PointRecords::from_columns(&names, &[vec![0.9], vec![wait]]);
        let records = [point(21.0), point(6.0), point(20.0), point(0.5)];
        let forces = [3, 6, 3, 6];
        let note = escort_force_points("s", &records, |p| Some(forces[p])).unwrap();
        assert!(
            note.starts_with(
                "\"s\" at 3 of 4 design points (0, 1, 2), at design point 1, \
                                  the largest force among them: its ready convoys waited 6.0 h"
            ),
            "{note}"
        );
        assert!(note.contains("with the force of 6 at sea"), "{note}");
        assert!(
            note.ends_with("try a larger one (interdiction.escort.escort_vessels=12)"),
            "{note}"
        );
        // A larger force of the design that does not bind is named instead.
        let forces = [3, 6, 3, 9];
        let records = [point(21.0), point(20.0), point(6.0), point(0.5)];
        let note = escort_force_points("s", &records, |p| Some(forces[p])).unwrap();
        assert!(note.contains("at design point 1, the largest force among them"), "{note}");
        assert!(note.ends_with("the design's force of 9 (design point 3) does not bind"), "{note}");
    }

    #[test]
    fn a_price_changed_in_one_scenario_is_named() {
        let base = plan(&[]);
        assert!(repriced(&base, &plan(&[])).is_empty());
        let btk = "costs.capital.link_outflow.btk_railway";
        let keys = repriced(&base, &plan(&[&format!("{btk}=100")]));
        assert_eq!(keys, [btk]);
        let keys = repriced(&base, &plan(&["costs.failure.value_of_time_per_t_h.oil=1"]));
        assert_eq!(keys, ["costs.failure.value_of_time_per_t_h.oil"]);
        // The basis is warned of on its own.
        assert!(repriced(&base, &plan(&["costs.discount_rate=0.05"])).is_empty());
    }

    #[test]
    fn less_of_what_carries_capital_is_named_and_more_is_not() {
        let base = plan(&[]);
        let less = plan(&[
            "storage.aktau_tank_farm.capacity=60000",
            "port.alat.berths.rail_ferry=1",
            "fleet.ferries_kuryk_alat.count=2",
        ]);
        let named = less_than_base(&base, &less);
        assert_eq!(named.len(), 3, "{named:?}");
        assert!(named[0].starts_with("aktau_tank_farm's capacity (60000 against 120000)"));
        assert!(named[1].starts_with("berths at alat (10 against 11)"), "{named:?}");
        assert!(named[2].starts_with("owned vessels of ferries_kuryk_alat (2 against 3)"));
        let more =
            plan(&["storage.aktau_tank_farm.capacity=240000", "port.alat.berths.rail_ferry=3"]);
        assert!(less_than_base(&base, &more).is_empty());
        // Fewer escort vessels, or escorts switched off, save their capital.
        let escorts =
            plan(&["interdiction.escort.enabled=1", "interdiction.escort.escort_vessels=2"]);
        let fewer =
            plan(&["interdiction.escort.enabled=1", "interdiction.escort.escort_vessels=1"]);
        assert_eq!(less_than_base(&escorts, &fewer), ["escort vessels (1 against 2)"]);
        assert_eq!(less_than_base(&escorts, &base), ["escort vessels (0 against 2)"]);
        // BTK has no price by default: less of it saves no capital.
        assert!(
            less_than_base(&base, &plan(&["outflow.btk_railway.capacity_per_year=50000"]))
                .is_empty()
        );
    }
}
