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
//!
//! Each gets a warning under the economics table (and `optimize` one for
//! its selection); neither changes a figure.

use caspian_shipping::compile::CompiledScenario;
use caspian_shipping::scenario::BerthClass;

/// The `[costs]` prices of `policy` that differ from `base`'s, as dotted
/// keys (`costs.capital.link_outflow.btk_railway`), leaving out the
/// valuation basis (currency, rate, period: warned of on their own) and
/// the charters (chartering a fleet instead of owning it is a lever).
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
         own prices, so its cost, benefit, NPV and ratio mix the change it makes with the change \
         of price; give a price to every scenario alike (--set, or the base's file)"
    ))
}

/// What `policy` has less of than `base` among what the cost model
/// charges capital for at a price above 0, in words: "aktau_tank_farm's
/// capacity (60000 against 120000)", "rail_ferry berths at alat (2
/// against 3)", "owned vessels of ferries_kuryk_alat (3 against 4)", "the
/// capacity of btk_railway (...)". Elements are matched by id.
pub fn less_than_base(base: &CompiledScenario, policy: &CompiledScenario) -> Vec<String> {
    let cap = &policy.source.costs.capital;
    let mut out = Vec::new();
    for st in &policy.storages {
        let Some(b) = base.storages.iter().find(|b| b.id == st.id) else { continue };
        if st.capacity < b.capacity && cap.storage.get(st.cargo) > 0.0 {
            out.push(format!("{}'s capacity ({} against {})", st.id, st.capacity, b.capacity));
        }
    }
    let berth_price = cap.berth.values();
    for port in &policy.ports {
        let Some(b) = base.ports.iter().find(|b| b.id == port.id) else { continue };
        for (c, class) in BerthClass::ALL.iter().enumerate() {
            if port.berths[c] < b.berths[c] && berth_price[c] > 0.0 {
                out.push(format!(
                    "{} berths at {} ({} against {})",
                    class.as_str(),
                    port.id,
                    port.berths[c],
                    b.berths[c]
                ));
            }
        }
        let shared = |p: &caspian_shipping::compile::PortPlan| -> u32 {
            p.shared.iter().map(|g| g.count).sum()
        };
        if shared(port) < shared(b) {
            out.push(format!(
                "shared berths at {} ({} against {})",
                port.id,
                shared(port),
                shared(b)
            ));
        }
    }
    let vessel_price = cap.vessel.values();
    let chartered = |plan: &CompiledScenario, id: &str| {
        plan.source.costs.charters.iter().any(|c| c.fleet == id)
    };
    for f in &policy.fleets {
        let Some(b) = base.fleets.iter().find(|b| b.id == f.id) else { continue };
        let owned = |plan: &CompiledScenario, count: u32| {
            if chartered(plan, &f.id) { 0 } else { count }
        };
        let (mine, theirs) = (owned(policy, f.count), owned(base, b.count));
        let price = vessel_price[caspian_shipping::compile::class_index(f.berth_class)];
        if mine < theirs && price > 0.0 {
            out.push(format!("owned vessels of {} ({mine} against {theirs})", f.id));
        }
    }
    for o in &policy.outflows {
        let Some(b) = base.outflows.iter().find(|b| b.id == o.id) else { continue };
        let price = cap
            .link_outflow
            .get(&o.id)
            .copied()
            .unwrap_or_else(|| cap.link.get(policy.storages[o.from].cargo));
        if o.capacity_per_year < b.capacity_per_year && price > 0.0 {
            out.push(format!(
                "the capacity of {} ({} against {} a year)",
                o.id, o.capacity_per_year, b.capacity_per_year
            ));
        }
    }
    out
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
         its cost, which holds only where that capacity is not yet built; where it exists its \
         capital is spent, and only its running cost is saved",
        less.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    fn plan(sets: &[&str]) -> CompiledScenario {
        use caspian_shipping::resolve::{Override, Root, resolve};
        let overrides: Vec<Override> =
            sets.iter().map(|s| Override::parse(s, "--set").unwrap()).collect();
        let mut load = |_: &std::path::Path| -> Result<String, String> { Err("no files".into()) };
        let resolved = resolve(Root::Baseline, &overrides, &mut load).unwrap();
        caspian_shipping::compile(&resolved.scenario).unwrap()
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
        assert!(named[1].starts_with("rail_ferry berths at alat (1 against 2)"));
        assert!(named[2].starts_with("owned vessels of ferries_kuryk_alat (2 against 3)"));
        let more =
            plan(&["storage.aktau_tank_farm.capacity=240000", "port.alat.berths.rail_ferry=3"]);
        assert!(less_than_base(&base, &more).is_empty());
        // BTK has no price by default: less of it saves no capital.
        assert!(
            less_than_base(&base, &plan(&["outflow.btk_railway.capacity_per_year=50000"]))
                .is_empty()
        );
    }
}
