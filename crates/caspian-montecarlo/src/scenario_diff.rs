//! What differs between two scenarios, in words: the parts a policy file
//! changes ([`scenario_differences`]) and its demand
//! ([`demand_differences`]), for `caspian compare`'s warnings about a
//! policy that is more than a lever, and for [`crate::conditions`].

use caspian_shipping::Scenario;

/// The parts of the scenario in which `policy` differs from `base`, named
/// as a planner would: sea areas (the weather), ports, storages, inflows
/// (the demand), outflows, fleets, open traffic, interdiction, disruptions,
/// sea level, dredging, tonnes per unit and costs. The `[scenario]` table
/// (a name, a seed, the window, which a comparison checks on its own) and
/// the sweep axes are not compared. A lever changes one or two of these; a
/// policy file that extends another scenario than the base differs in
/// whatever that scenario changes too.
pub fn scenario_differences(base: &Scenario, policy: &Scenario) -> Vec<&'static str> {
    let parts = [
        (base.sea_areas != policy.sea_areas, "sea areas (weather)"),
        (base.ports != policy.ports, "ports"),
        (base.storages != policy.storages, "storages"),
        // Matched by id, as `demand_differences` does: inflows in another
        // order are the same demand.
        (!demand_differences(base, policy).is_empty(), "inflows (demand)"),
        (base.outflows != policy.outflows, "outflows (hinterland links)"),
        (base.fleets != policy.fleets, "fleets"),
        (base.open_traffic != policy.open_traffic, "open traffic"),
        (base.interdiction != policy.interdiction, "interdiction"),
        (base.disruptions != policy.disruptions, "disruptions"),
        (base.sea_level != policy.sea_level, "sea level"),
        (base.dredgings != policy.dredgings, "dredging"),
        (base.tonnes_per_unit != policy.tonnes_per_unit, "tonnes per unit"),
        (base.costs != policy.costs, "costs"),
    ];
    parts.into_iter().filter(|&(differs, _)| differs).map(|(_, name)| name).collect()
}

/// How the demand of `policy` differs from that of `base`: one line per
/// inflow (matched by id) that only one of them has, or that differs,
/// naming what differs (its arrival rate with both values; its target
/// storage, arrival size, pattern, season or behaviour when the storage is
/// full by name); empty when the demand is the same.
pub fn demand_differences(base: &Scenario, policy: &Scenario) -> Vec<String> {
    inflow_differences(base, policy, true)
}

/// [`demand_differences`]; with `routing` false, what the shippers send
/// and do (rate, size, pattern, season, behaviour at a full storage, an
/// inflow only one side has), not the storage it arrives into.
pub(crate) fn inflow_differences(base: &Scenario, policy: &Scenario, routing: bool) -> Vec<String> {
    let mut out = Vec::new();
    for b in &base.inflows {
        let Some(p) = policy.inflows.iter().find(|p| p.id == b.id) else {
            out.push(format!("inflow {} is only in the base", b.id));
            continue;
        };
        if p.arrivals_per_year != b.arrivals_per_year {
            out.push(format!(
                "inflow {}: {} arrivals a year, the base {}",
                b.id, p.arrivals_per_year, b.arrivals_per_year
            ));
        }
        let when_full = p.when_full != b.when_full
            || p.spill_when_full != b.spill_when_full
            || p.patience_h != b.patience_h;
        let fields = [
            (routing && p.into != b.into, "storage"),
            (p.size != b.size, "arrival size"),
            (p.pattern != b.pattern, "pattern"),
            (p.seasonal != b.seasonal, "season"),
            (when_full, "behaviour when its storage is full"),
        ];
        let differ: Vec<&str> =
            fields.into_iter().filter(|&(d, _)| d).map(|(_, name)| name).collect();
        if !differ.is_empty() {
            let verb = if differ.len() == 1 { "differs" } else { "differ" };
            out.push(format!("inflow {}: its {} {verb} from the base's", b.id, differ.join(", ")));
        }
    }
    for p in &policy.inflows {
        if !base.inflows.iter().any(|b| b.id == p.id) {
            out.push(format!("inflow {} is not in the base", p.id));
        }
    }
    out
}
