//! What no price in `[costs]` covers, in a comparison's policies: one of
//! the base's disruptions eased, reshaped or left out (hardening, a repair
//! crew; one made harsher or moved is a condition, [`crate::conditions`]),
//! a hinterland link's capacity while its price is 0, a port's natural
//! depth, a fleet's vessel size, how soon lost vessels are replaced
//! (`interdiction.replacement_days`) or a fleet's repair time
//! (`repair_h`). Each gets a warning, and none a benefit-cost
//! ratio or a vulnerability removed per unit of cost (`ratio`): the
//! policy's cost leaves out what buys the change.

use crate::economics::BenefitCost;
use crate::study::Study;

/// Every warning of this module for `policy` against `base`, in order:
/// an unpriced link, an unpriced lever (depth, vessel size, replacement,
/// repair time), an eased disruption.
pub(crate) fn warnings(base: &Study, policy: &Study) -> Vec<String> {
    [link_warning(base, policy), lever_warning(base, policy), hazard_warning(base, policy)]
        .into_iter()
        .flatten()
        .collect()
}

/// The base's disruptions `policy` eases or reshapes (the same id,
/// another rate, length or scale: hardening, a repair crew) or leaves out,
/// in words ("alat_outage's rate_per_year", "btk_outage (left
/// out)"), if any. Nothing in the cost model prices such a change. One it
/// only makes harsher, or moves, is a change of conditions instead
/// ([`crate::conditions::is_condition`]), not named here.
pub fn changed_hazards(base: &Study, policy: &Study) -> Option<String> {
    let theirs = &policy.plan.source.disruptions;
    let changed: Vec<String> = base
        .plan
        .source
        .disruptions
        .iter()
        .filter_map(|b| {
            let Some(p) = theirs.iter().find(|p| p.id == b.id) else {
                // Demand left out is a condition ([`crate::conditions`]).
                let demand = b.target.starts_with("inflow.") && b.strikes();
                return (!demand).then(|| format!("{} (left out)", b.id));
            };
            // One that no longer strikes changes its rate, whatever else
            // (a longer duration) it changes besides.
            if b.strikes() && !p.strikes() {
                return Some(format!("{}'s rate_per_year (it no longer strikes)", b.id));
            }
            // Made harsher or moved, it is another condition, named as such.
            if crate::conditions::is_condition(b, p) {
                return None;
            }
            let keys = crate::twin::differing_keys(b, p);
            (!keys.is_empty()).then(|| format!("{}'s {}", b.id, keys.join(" and ")))
        })
        .collect();
    (!changed.is_empty()).then(|| changed.join(", "))
}

/// The warning for a policy that changes one of the base's disruptions
/// ([`changed_hazards`]): its cost and NPV leave out what buys the change,
/// and it has no benefit-cost ratio.
fn hazard_warning(base: &Study, policy: &Study) -> Option<String> {
    let changed = changed_hazards(base, policy)?;
    Some(format!(
        "\"{}\" changes {changed}, which no price covers: its cost and NPV leave out whatever buys \
         the change (hardening, a repair crew), so it has no benefit-cost ratio; read its benefit \
         a year as the most the change is worth a year",
        policy.name,
    ))
}

/// The benefit-cost ratio of a policy that changes `changed`, which no
/// price covers.
pub(crate) fn ratio(changed: &str) -> BenefitCost {
    BenefitCost::Undefined {
        reason: format!(
            "it changes {changed}, which no price in the scenario covers, so its cost leaves out what \
             buys the change; its benefit a year is the most the change is worth a year"
        ),
    }
}

/// The hinterland links (`[[outflow]]`) whose capacity `policy` changes
/// from the base's while their cargo has no link price
/// (`costs.capital.link`, 0 by default), with whether the 0 is the link's
/// own price (`costs.capital.link_outflow`) rather than its cargo's.
fn unpriced_links<'p>(base: &Study, policy: &'p Study) -> Vec<(&'p str, bool)> {
    let plan = &policy.plan;
    let capital = &plan.source.costs.capital;
    let price = |o: &caspian_shipping::compile::OutflowPlan| {
        capital.link_price(&o.id, plan.storages[o.from].cargo)
    };
    plan.outflows
        .iter()
        .filter(|o| {
            let before = base.plan.outflows.iter().find(|b| b.id == o.id);
            before.is_none_or(|b| b.capacity_per_year != o.capacity_per_year) && price(o) == 0.0
        })
        .map(|o| (o.id.as_str(), capital.link_outflow.contains_key(&o.id)))
        .collect()
}

/// The warning for a policy that changes the capacity of a hinterland link
/// whose cargo has no link price ([`unpriced_links`]): the investment is
/// missing from its cost.
fn link_warning(base: &Study, policy: &Study) -> Option<String> {
    let links = unpriced_links(base, policy);
    if links.is_empty() {
        return None;
    }
    let changed: Vec<&str> = links.iter().map(|&(id, _)| id).collect();
    // Priced at 0 by the link's own price, or by its cargo's (the default).
    let own: Vec<&str> = links.iter().filter(|&&(_, own)| own).map(|&(id, _)| id).collect();
    let why = if own.is_empty() {
        "costs.capital.link is 0 for its cargo: no source gives one".to_string()
    } else {
        format!("costs.capital.link_outflow gives {} the price 0", own.join(", "))
    };
    Some(format!(
        "\"{}\" changes the capacity of {}, which no price covers ({why}): its cost and NPV leave \
         that investment out; set costs.capital.link_outflow.<id> (that link alone) or \
         costs.capital.link.<cargo> (every link of the cargo without its own price), per unit of \
         yearly capacity, to price it",
        policy.name,
        changed.join(", ")
    ))
}

/// What `policy` changes from the base that no price covers, in words: a
/// disruption eased ([`changed_hazards`]), the capacity of an unpriced
/// link, a port's depth, what a fleet's vessels are, the replacement of
/// lost vessels, a fleet's repair time. Its cost leaves out what
/// buys such a change, so neither its benefit-cost ratio nor its
/// vulnerability removed per unit of cost is defined (`ratio`).
pub fn unpriced_changes(base: &Study, policy: &Study) -> Option<String> {
    let mut parts: Vec<String> = changed_hazards(base, policy).into_iter().collect();
    let links: Vec<&str> = unpriced_links(base, policy).iter().map(|&(id, _)| id).collect();
    if !links.is_empty() {
        parts.push(format!("the capacity of {}", links.join(", ")));
    }
    parts.extend(unpriced_levers(base, policy).into_iter().map(|(short, _)| short));
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The levers `policy` changes that no price can cover, each as a short
/// name and a name with its advice: a port's depth at the datum
/// (`depth_m`; only a `[[dredging]]` entry is priced, by the metres it
/// gains), how soon a lost vessel is replaced (a standby charter), how
/// long a fleet's repairs take (a repair crew), or what a fleet's vessels
/// are (capacity per voyage, speed, handling rates, drafts: a vessel's
/// price does not depend on them).
fn unpriced_levers(base: &Study, policy: &Study) -> Vec<(String, String)> {
    let (b, p) = (&base.plan.source, &policy.plan.source);
    let mut changed: Vec<(String, String)> = p
        .ports
        .iter()
        .filter(|q| b.ports.iter().find(|o| o.id == q.id).is_some_and(|o| o.depth_m != q.depth_m))
        .map(|q| {
            let short = format!("the depth of {}", q.id);
            let long = format!("{short} (depth_m; price dredging as a [[dredging]] entry)");
            (short, long)
        })
        .collect();
    // A fleet's vessels: what they are, not how many (`count` is priced by
    // their capital), nor how they are run (dispatch, priority: free).
    type Field = (&'static str, fn(&caspian_shipping::scenario::Fleet) -> Option<f64>);
    let fields: [Field; 6] = [
        ("capacity per voyage", |f| Some(f.capacity as f64)),
        ("speed (speed_kn)", |f| Some(f.speed_kn)),
        ("loading rate (load_rate_per_h)", |f| Some(f.load_rate_per_h)),
        ("discharge rate (discharge_rate_per_h)", |f| Some(f.discharge_rate_per_h)),
        ("light draft (draft_light_m)", |f| f.draft_light_m),
        ("full draft (draft_full_m)", |f| f.draft_full_m),
    ];
    if b.interdiction.replacement_days != p.interdiction.replacement_days {
        let short = "the replacement of lost vessels".to_string();
        let long = format!(
            "{short} (interdiction.replacement_days: a standby charter's fee is not in [costs])"
        );
        changed.push((short, long));
    }
    // The repair time under the same breakdowns and dry-docks (other ones
    // are other conditions: [`crate::conditions`]).
    let repair = |f: &caspian_shipping::scenario::Fleet| {
        f.availability.as_ref().map(|a| (a.mtbf_days, a.drydock_every_days, a.drydock_days))
    };
    let repair_h = |f: &caspian_shipping::scenario::Fleet| {
        f.availability.as_ref().and_then(|a| a.repair_h.clone())
    };
    for f in &p.fleets {
        let Some(o) = b.fleets.iter().find(|o| o.id == f.id) else { continue };
        if repair(o) == repair(f) && repair_h(o) != repair_h(f) {
            let short = format!("the repair time of {}", f.id);
            let long =
                format!("{short} (availability.repair_h: a repair crew's cost is not in [costs])");
            changed.push((short, long));
        }
        for (what, get) in &fields {
            if get(o) != get(f) {
                let short = format!("the {what} of {}", f.id);
                let long = format!(
                    "{short} (a vessel's price does not depend on it; a fleet of other vessels \
                     is one of its own)"
                );
                changed.push((short, long));
            }
        }
    }
    changed
}

/// The warning for a policy that changes a lever no price can cover
/// ([`unpriced_levers`]): its cost and NPV leave the change out.
fn lever_warning(base: &Study, policy: &Study) -> Option<String> {
    let changed: Vec<String> =
        unpriced_levers(base, policy).into_iter().map(|(_, long)| long).collect();
    if changed.is_empty() {
        return None;
    }
    Some(format!(
        "\"{}\" changes {}, which no price covers: its cost and NPV leave that change out, so \
         read its benefit a year as the most the change is worth a year",
        policy.name,
        changed.join(", and ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use caspian_shipping::BASELINE_TOML;

    fn with_outage(rate: f64, days: f64) -> Study {
        let text = format!(
            "{BASELINE_TOML}\n[[disruption]]\nid = \"out\"\ntarget = \"port.alat\"\n\
             rate_per_year = {rate}\nduration_days = {{ dist = \"constant\", value = {days} }}\n"
        );
        Study::sweep(&text, "t", None, Vec::new(), None).unwrap()
    }

    #[test]
    fn a_replacement_lead_time_and_a_repair_time_are_unpriced_levers() {
        let base = Study::single(BASELINE_TOML, "b", None).unwrap();
        let with = |set: &str| {
            let mut s = base.clone();
            s.plan = crate::appraisal::tests::plan(&[set]);
            s.name = "t".to_string();
            s
        };
        let charter = with("interdiction.replacement_days={ dist = \"constant\", value = 30 }");
        let changed = unpriced_changes(&base, &charter);
        assert_eq!(changed.as_deref(), Some("the replacement of lost vessels"));
        let crew = with(
            "fleet.ferries_kuryk_alat.availability.repair_h={ dist = \"constant\", value = 6 }",
        );
        let changed = unpriced_changes(&base, &crew);
        assert_eq!(changed.as_deref(), Some("the repair time of ferries_kuryk_alat"));
        let line = lever_warning(&base, &crew).unwrap();
        assert!(line.contains("a repair crew's cost is not in [costs]"), "{line}");
    }

    #[test]
    fn a_disruption_that_no_longer_strikes_is_named_by_its_rate_alone() {
        let base = with_outage(2.0, 3.0);
        assert_eq!(changed_hazards(&base, &with_outage(2.0, 3.0)), None);
        let longer = changed_hazards(&base, &with_outage(1.0, 6.0));
        assert_eq!(longer.as_deref(), Some("out's rate_per_year and duration_days"));
        // At rate 0 its duration does not matter: not named as changed.
        let gone = changed_hazards(&base, &with_outage(0.0, 6.0));
        assert_eq!(gone.as_deref(), Some("out's rate_per_year (it no longer strikes)"));
    }
}
