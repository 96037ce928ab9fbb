//! What a comparison's policy changes in the conditions the corridor works
//! under, rather than in what is built or how it is run: the demand, the
//! weather, the sea level, the interdiction risk, the other ships at the
//! berths (`[[open_traffic]]`), a hinterland link's other freight, a
//! fleet's availability (breakdowns, dry-docks), a disruption the base
//! does not have, or one of the base's made harsher (more often, longer,
//! harder, and eased in no way) or moved (another target or day).
//!
//! A difference in failure cost measured under other conditions is what
//! those conditions cost or save a year, not the return on a decision:
//! `baseline.toml` against `severe_winter.toml` measures the winter, and
//! against `demand_2030.toml` mostly the larger demand (more cargo waits
//! more, whatever is built for it). Such a "policy" gets a warning and no
//! benefit-cost ratio, nor a vulnerability removed per unit of cost
//! (`ratio`); its NPV stays in the table, read as what the change of
//! conditions is worth a year over the appraisal period. A decision under
//! those conditions is valued against a base that has them
//! (`caspian compare THAT_SCENARIO --variant NAME:KEY=VALUE`).
//!
//! A change that eases one of the base's own disruptions (hardening, a
//! repair crew) is a decision no price covers: [`crate::unpriced`]
//! handles it.

use caspian_shipping::scenario::{Disruption, Scenario};

use crate::economics::BenefitCost;
use crate::study::Study;

/// The conditions `policy` sets otherwise than `base`, in words, in a
/// fixed order: the demand (its first difference, and how many more), the
/// weather, the sea level, the interdiction risk, the open traffic, the
/// links' other freight, the fleets' availability, the disruptions the
/// base lacks, the base's disruptions made harsher or moved
/// ([`is_condition`]). Empty when the policy changes only decisions.
///
/// Items are matched by id, and mostly only what both sides have is
/// compared (inflows, open traffic and the weather a port sees are the
/// exceptions): a new terminal in a new sea area, an inflow sent to
/// another storage, a new route with its own risk, an open-traffic
/// stream's berth priority, the under-keel clearance a port requires and
/// a repair crew are decisions. Values are compared as in effect: a
/// section left out and one that spells out its defaults are the same
/// conditions.
pub fn changed_conditions(base: &Scenario, policy: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let demand = crate::scenario_diff::inflow_differences(base, policy, false);
    if let Some(first) = demand.first() {
        let more = match demand.len() - 1 {
            0 => String::new(),
            1 => "; and 1 more difference".to_string(),
            n => format!("; and {n} more differences"),
        };
        out.push(format!("the demand ({first}{more})"));
    }
    let mut weather = differing(&base.sea_areas, &policy.sea_areas, |a| &a.id, |b, p| b != p);
    // A port moved into another sea area (a calmer one, say) sees other
    // weather too: what each port both have sees, its area's id aside, and
    // the ports it shares its storms with (an area of its own with the same
    // law draws its storms apart from the others': the two shores of
    // `two_shores.toml` no longer close together), among the ports both
    // have (a new terminal in the area, or one left out, is no change of
    // the weather the others see).
    let in_both =
        |id: &str| base.ports.iter().any(|p| p.id == id) && policy.ports.iter().any(|p| p.id == id);
    let seen = |s: &Scenario, port: &caspian_shipping::scenario::Port| {
        let area = port.sea_area.as_ref()?;
        let mut a = s.sea_areas.iter().find(|a| &a.id == area)?.clone();
        a.id.clear();
        let mut with: Vec<String> = s
            .ports
            .iter()
            .filter(|o| o.sea_area.as_ref() == Some(area) && in_both(&o.id))
            .map(|o| o.id.clone())
            .collect();
        with.sort_unstable();
        Some((a, port.ice_affected, with))
    };
    for p in &policy.ports {
        let Some(b) = base.ports.iter().find(|b| b.id == p.id) else { continue };
        // A port that stays in its area sees that area's weather, named
        // above if it changed.
        if (b.sea_area != p.sea_area || b.ice_affected != p.ice_affected)
            && seen(base, b) != seen(policy, p)
        {
            weather.push(p.id.as_str());
        }
    }
    if !weather.is_empty() {
        out.push(format!("the weather of {}", weather.join(", ")));
    }
    let level = |s: &Scenario| {
        s.sea_level.as_ref().map_or((0.0, 0.0), |l| (l.offset_m, l.change_m_per_year))
    };
    if level(base) != level(policy) {
        out.push("the sea level".to_string());
    }
    if interdiction_risk_differs(base, policy) {
        out.push("the interdiction risk".to_string());
    }
    if open_traffic_differs(base, policy) {
        out.push("the open traffic".to_string());
    }
    let other_freight = differing(
        &base.outflows,
        &policy.outflows,
        |o| &o.id,
        |b, p| b.other_t_per_year.unwrap_or(0.0) != p.other_t_per_year.unwrap_or(0.0),
    );
    if !other_freight.is_empty() {
        out.push(format!("the other freight of {}", other_freight.join(", ")));
    }
    // Breakdowns and dry-docks (as `optimize` refuses them as decisions);
    // a repair crew (`repair_h`) is a decision no price covers.
    let cycle = |f: &caspian_shipping::scenario::Fleet| {
        f.availability.as_ref().map(|a| (a.mtbf_days, a.drydock_every_days, a.drydock_days))
    };
    let availability =
        differing(&base.fleets, &policy.fleets, |f| &f.id, |b, p| cycle(b) != cycle(p));
    if !availability.is_empty() {
        out.push(format!(
            "the availability (breakdowns, dry-docks) of {}",
            availability.join(", ")
        ));
    }
    let added: Vec<&str> = policy
        .disruptions
        .iter()
        // One of no time changes nothing (and is warned of as such).
        .filter(|p| p.strikes() && !crate::study::changes_nothing(p, policy))
        .filter(|p| !base.disruptions.iter().any(|b| b.id == p.id))
        .map(|p| p.id.as_str())
        .collect();
    if !added.is_empty() {
        let noun = if added.len() == 1 { "a disruption" } else { "disruptions" };
        out.push(format!("{noun} the base lacks ({})", added.join(", ")));
    }
    let mut harsher: Vec<String> = policy
        .disruptions
        .iter()
        .filter_map(|p| {
            let b = base.disruptions.iter().find(|b| b.id == p.id)?;
            let how = if b.target != p.target || b.start_day != p.start_day {
                "moved"
            } else if b.target.starts_with("inflow.") {
                "changed"
            } else {
                "made harsher"
            };
            is_condition(b, p).then(|| {
                format!("{} {how} ({})", p.id, crate::twin::differing_keys(b, p).join(", "))
            })
        })
        .collect();
    // A demand disruption the policy leaves out is demand too.
    harsher.extend(
        base.disruptions
            .iter()
            .filter(|b| b.target.starts_with("inflow.") && b.strikes())
            .filter(|b| !policy.disruptions.iter().any(|p| p.id == b.id))
            .map(|b| format!("{} left out", b.id)),
    );
    if !harsher.is_empty() {
        let noun = if harsher.len() == 1 { "a disruption" } else { "disruptions" };
        out.push(format!("{noun} of the base: {}", harsher.join(", ")));
    }
    out
}

/// Whether `policy`, the policy's copy of the base's disruption `base`
/// (the same id), changes the conditions rather than decides something:
/// it strikes harder, more often or for longer and eases nothing, or it
/// strikes something else or at another time (another event, which
/// nobody buys), or it strikes demand (an inflow), whatever the change
/// (its notes aside). One that strikes in neither changes nothing.
///
/// A change that eases it in any way (a lower rate, a shorter mean
/// duration, a higher capacity left, fewer vessels, left out) is a
/// decision no price covers (hardening, a repair crew:
/// [`crate::unpriced`]); so is a change that reshapes it (another
/// distribution of its duration with the same mean, vessels counted
/// another way), whatever else it changes.
pub fn is_condition(base: &Disruption, policy: &Disruption) -> bool {
    use std::cmp::Ordering::{self, Greater, Less};
    let (b, p) = (base, policy);
    // Its notes aside; one that strikes in neither changes nothing.
    if crate::twin::differing_keys(b, p).is_empty() || (!b.strikes() && !p.strikes()) {
        return false;
    }
    if b.target.starts_with("inflow.") {
        return true;
    }
    if b.strikes() && !p.strikes() {
        return false;
    }
    if b.target != p.target || b.start_day != p.start_day {
        return true;
    }
    // Episodes per year, as the model reads `mtbf_days`.
    let rate = |d: &Disruption| d.rate_per_year.or(d.mtbf_days.map(|m| 365.0 / m));
    // A vessel episode without a duration never ends.
    let mean_days = |d: &Disruption| match &d.duration_days {
        None => Some(f64::INFINITY),
        Some(spec) => caspian_shipping::dist::Dist::new(spec).ok().map(|d| d.mean()),
    };
    // Whether the policy's value is larger (Greater), where the two can be
    // set side by side; both absent are equal.
    fn order<T: PartialOrd>(b: Option<T>, p: Option<T>) -> Option<Ordering> {
        match (b, p) {
            (Some(b), Some(p)) => p.partial_cmp(&b),
            (None, None) => Some(Ordering::Equal),
            _ => None,
        }
    }
    // Whether each key makes it harsher (Greater) or eases it (Less),
    // where that can be told (None: another shape, not more or less).
    let keys = [
        order(rate(b), rate(p)),
        order(mean_days(b), mean_days(p)),
        // Less capacity left is harsher.
        b.scale.partial_cmp(&p.scale),
        order(b.vessels, p.vessels),
        order(b.vessel_share, p.vessel_share),
        // Vessels withdrawn (their cargo lost) rather than detained is harsher.
        Some(b.detain.cmp(&p.detain)),
    ];
    let reshaped = keys.contains(&None)
        || (b.duration_days != p.duration_days && mean_days(b) == mean_days(p));
    keys.contains(&Some(Greater)) && !keys.contains(&Some(Less)) && !reshaped
}

/// The ids of the items of `policy` whose namesake in `base` (matched by
/// `id`) `differs` from them; items only one side has are not named.
fn differing<'p, T>(
    base: &[T],
    policy: &'p [T],
    id: fn(&T) -> &String,
    differs: impl Fn(&T, &T) -> bool,
) -> Vec<&'p str> {
    policy
        .iter()
        .filter(|p| base.iter().find(|b| id(b) == id(p)).is_some_and(|b| differs(b, p)))
        .map(|p| id(p).as_str())
        .collect()
}

/// Whether the other ships at the berths differ: a stream added, left out,
/// moved to another port or berth class, or with other arrivals or
/// service times. Its berth priority is a decision, not compared.
fn open_traffic_differs(base: &Scenario, policy: &Scenario) -> bool {
    let streams = |s: &Scenario| {
        let mut all: Vec<caspian_shipping::scenario::OpenTraffic> = s
            .open_traffic
            .iter()
            .cloned()
            .map(|mut t| {
                t.berth_priority = 0;
                t
            })
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    };
    streams(base) != streams(policy)
}

/// Whether the incident and closure risk differs: `[interdiction]` apart
/// from its escorts (a decision, priced), or a fleet's incident or loss
/// probability in effect (its own, else the scenario's) on a route that is
/// the same in both (fleets matched by id; a fleet sent another way, or
/// a new one, takes that route's risk by decision).
fn interdiction_risk_differs(base: &Scenario, policy: &Scenario) -> bool {
    // Escorts and the replacement of lost vessels are decisions.
    let mut theirs = policy.interdiction.clone();
    theirs.escort.clone_from(&base.interdiction.escort);
    theirs.replacement_days.clone_from(&base.interdiction.replacement_days);
    let risk = |s: &Scenario, f: &caspian_shipping::scenario::Fleet| {
        (
            f.incident_probability.unwrap_or(s.interdiction.incident_probability),
            f.loss_probability.unwrap_or(s.interdiction.loss_probability),
        )
    };

    theirs != base.interdiction
        || policy.fleets.iter().any(|p| {
            base.fleets
                .iter()
                .find(|b| b.id == p.id)
                .is_some_and(|b| same_route(b, p) && risk(base, b) != risk(policy, p))
        })
}

/// Whether fleet `b` and its namesake `p` sail the same route.
fn same_route(
    b: &caspian_shipping::scenario::Fleet,
    p: &caspian_shipping::scenario::Fleet,
) -> bool {
    (&b.origin, &b.destination, b.distance_nmi) == (&p.origin, &p.destination, p.distance_nmi)
}

/// The warning for a policy that changes the conditions
/// ([`changed_conditions`]): its benefit and NPV measure the conditions,
/// not a decision.
pub(crate) fn warning(base: &Study, policy: &Study) -> Option<String> {
    let changed = named(base, policy)?;
    Some(format!(
        "\"{}\" changes the conditions, not only decisions: {changed}. Its benefit and NPV are \
         what that \
         change of conditions costs (or saves) a year and over the appraisal period, not the \
         value of a policy; to value a decision under these conditions, compare it with a base \
         that has them (`caspian compare THAT_SCENARIO --variant NAME:KEY=VALUE`)",
        policy.name,
    ))
}

/// The benefit-cost ratio of a policy whose conditions differ from the
/// base's, if they do: undefined, saying why.
pub(crate) fn ratio(base: &Study, policy: &Study) -> Option<BenefitCost> {
    let changed = named(base, policy)?;
    Some(BenefitCost::Undefined {
        reason: format!(
            "it changes the conditions, not only decisions: {changed}. Its failure cost is \
             measured under other conditions than the base's, so the difference is what they \
             cost or save, not the return on a decision"
        ),
    })
}

/// The conditions `policy` changes from `base`'s
/// ([`changed_conditions`]) as one phrase, if any.
pub(crate) fn named(base: &Study, policy: &Study) -> Option<String> {
    let changed = changed_conditions(&base.plan.source, &policy.plan.source);
    (!changed.is_empty()).then(|| changed.join("; "))
}

/// The benefit-cost ratio (or the vulnerability removed per unit of cost)
/// of `policy` where it cannot be defined for what it changes, whatever
/// the amounts: other conditions ([`ratio`]) first, then a change no price
/// covers ([`crate::unpriced::ratio`]).
pub(crate) fn undefined_ratio(base: &Study, policy: &Study) -> Option<BenefitCost> {
    ratio(base, policy).or_else(|| {
        crate::unpriced::unpriced_changes(base, policy).map(|c| crate::unpriced::ratio(&c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use caspian_shipping::BASELINE_TOML;

    /// The baseline with `sets` (`--set` overrides), named "t".
    fn study(sets: &[&str]) -> Study {
        let mut study = Study::single(BASELINE_TOML, "t", None).unwrap();
        study.plan = crate::appraisal::tests::plan(sets);
        study.name = "t".to_string();
        study
    }

    fn changed(sets: &[&str]) -> Vec<String> {
        changed_conditions(&study(&[]).plan.source, &study(sets).plan.source)
    }

    #[test]
    fn decisions_are_not_conditions() {
        assert!(changed(&[]).is_empty());
        assert!(changed(&["port.alat.berths.rail_ferry=3"]).is_empty());
        assert!(changed(&["fleet.ferries_kuryk_alat.count=7"]).is_empty());
        // Escorts are a decision (priced), even where the risk is set.
        let escorts = [
            "interdiction.escort.enabled=true",
            "interdiction.escort.incident_factor=0.2",
            "interdiction.escort.convoy_size=1",
        ];
        assert!(changed(&escorts).is_empty());
        // What a planner decides within the conditions: an open-traffic
        // stream's berth priority, a port's under-keel clearance, a repair
        // crew, a safer route with its own risk, and a sea level, risk or
        // breakdown rate spelled out at the value already in effect.
        for sets in [
            &["open_traffic.aktau_other_tankers.berth_priority=5"][..],
            &["sea_level.ukc_m=0.3"],
            &["sea_level.offset_m=0"],
            &["fleet.ferries_kuryk_alat.availability.repair_h={ dist = \"constant\", value = 6 }"],
            &[
                "fleet.oil_tankers.incident_probability=0.00005",
                "fleet.oil_tankers.distance_nmi=300",
            ],
            &["fleet.oil_tankers.availability.mtbf_days=90"],
            &["outflow.kazakh_rail_east.other_t_per_year=0"],
            &["interdiction.replacement_days={ dist = \"constant\", value = 30 }"],
        ] {
            assert!(changed(sets).is_empty(), "{sets:?}: {:?}", changed(sets));
        }
        let base = study(&[]);
        assert!(undefined_ratio(&base, &study(&["port.alat.berths.rail_ferry=3"])).is_none());
    }

    #[test]
    fn each_kind_of_condition_is_named() {
        let demand = changed(&["inflow.kazakh_crude.arrivals_per_year=1000"]);
        assert_eq!(demand.len(), 1, "{demand:?}");
        assert!(demand[0].starts_with("the demand (inflow kazakh_crude: "), "{demand:?}");
        let risk = changed(&["interdiction.incident_probability=0.01"]);
        assert_eq!(risk, ["the interdiction risk"]);
        let weather = changed(&["sea_area.middle_caspian.storm_crossing_slowdown=2"]);
        assert_eq!(weather, ["the weather of middle_caspian"]);
        let traffic = changed(&[
            "open_traffic.aktau_other_tankers.interarrival_h={ dist = \"exponential\", mean = 20 }",
        ]);
        assert_eq!(traffic, ["the open traffic"]);
        let breakdowns = changed(&["fleet.oil_tankers.availability.mtbf_days=30"]);
        assert_eq!(breakdowns, ["the availability (breakdowns, dry-docks) of oil_tankers"]);
        let drydocks = changed(&["fleet.oil_tankers.availability.drydock_every_days=1800"]);
        assert_eq!(drydocks, breakdowns);
        let own_risk = changed(&["fleet.oil_tankers.incident_probability=0.01"]);
        assert_eq!(own_risk, ["the interdiction risk"]);
        let level = changed(&["sea_level.offset_m=-1"]);
        assert_eq!(level, ["the sea level"]);
        let freight = changed(&["outflow.btk_railway.other_t_per_year=2000000"]);
        assert_eq!(freight, ["the other freight of btk_railway"]);
        let both = changed(&["sea_level.offset_m=-1", "interdiction.closures_per_year=2"]);
        assert_eq!(both, ["the sea level", "the interdiction risk"]);
    }

    #[test]
    fn ports_moved_to_an_area_of_their_own_with_the_same_law_see_other_weather() {
        let base = study(&[]).plan.source;
        let shores = |moved: &[&str], id: &str| {
            let mut s = base.clone();
            let mut area = s.sea_areas[0].clone();
            area.id = id.to_string();
            s.sea_areas.push(area);
            for p in s.ports.iter_mut().filter(|p| moved.contains(&p.id.as_str())) {
                p.sea_area = Some(id.to_string());
            }
            s
        };
        // The west shore apart: its storms no longer come with the east's.
        let two = shores(&["alat", "sangachal"], "absheron");
        assert_eq!(changed_conditions(&base, &two), ["the weather of alat, sangachal"]);
        // Every port moved together into a copy: the same storms, renamed.
        let all: Vec<String> = base.ports.iter().map(|p| p.id.clone()).collect();
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let mut renamed = shores(&all, "copy");
        renamed.sea_areas.remove(0);
        assert!(changed_conditions(&base, &renamed).is_empty());
        // ... and with a new terminal in it, or a port left out: the ports
        // both have still share their storms as before.
        let mut grown = renamed.clone();
        let mut terminal = grown.ports[0].clone();
        terminal.id = "new_terminal".to_string();
        grown.ports.push(terminal);
        assert!(changed_conditions(&base, &grown).is_empty());
    }

    /// The baseline with one disruption of Alat, `fields` its keys.
    fn with_outage(fields: &str) -> Study {
        let text = format!(
            "{BASELINE_TOML}\n[[disruption]]\nid = \"out\"\ntarget = \"port.alat\"\n{fields}\n"
        );
        Study::sweep(&text, "t", None, Vec::new(), None).unwrap()
    }

    #[test]
    fn a_disruption_made_harsher_or_moved_is_a_condition_and_one_eased_is_not() {
        let days = |d: f64| format!("duration_days = {{ dist = \"constant\", value = {d} }}");
        let random = |rate: f64, d: f64, scale: f64| {
            with_outage(&format!("rate_per_year = {rate}\n{}\nscale = {scale}", days(d)))
        };
        let base = random(2.0, 3.0, 0.5);
        let named = |p: &Study| changed_conditions(&base.plan.source, &p.plan.source);
        let hazards = |p: &Study| crate::unpriced::changed_hazards(&base, p);
        for (harsher, keys) in [
            (random(4.0, 3.0, 0.5), "rate_per_year"),
            (random(2.0, 6.0, 0.5), "duration_days"),
            (random(2.0, 3.0, 0.0), "scale"),
            (random(4.0, 6.0, 0.2), "rate_per_year, duration_days, scale"),
        ] {
            let line = format!("a disruption of the base: out made harsher ({keys})");
            assert_eq!(named(&harsher), [line]);
            assert_eq!(hazards(&harsher), None, "not also an unpriced decision");
        }
        // Eased in any way, left out, or only reshaped: a decision.
        let exp = with_outage(
            "rate_per_year = 2.0\nduration_days = { dist = \"exponential\", mean = 3.0 }\nscale = 0.5",
        );
        for eased in [
            random(1.0, 3.0, 0.5),
            random(4.0, 1.0, 0.5),
            random(4.0, 6.0, 0.6),
            random(0.0, 6.0, 0.0),
            exp,
            study(&[]),
        ] {
            assert!(named(&eased).is_empty(), "{:?}", named(&eased));
            assert!(hazards(&eased).is_some());
        }
        // The mean time between episodes is read as the model reads it.
        let mtbf = with_outage(&format!("mtbf_days = 100.0\n{}\nscale = 0.5", days(3.0)));
        assert_eq!(named(&mtbf).len(), 1, "3.65 a year against 2");
        // Another day is another event; a change to demand is demand.
        let dated = |day: f64| with_outage(&format!("start_day = {day}\n{}", days(3.0)));
        // One the base lacks is a condition, unless it lasts no time (it
        // changes nothing, and is warned of as such).
        let none = study(&[]).plan.source;
        let added = changed_conditions(&none, &dated(100.0).plan.source);
        assert_eq!(added, ["a disruption the base lacks (out)"]);
        let no_time = with_outage(&format!("start_day = 100.0\n{}", days(0.0)));
        assert!(changed_conditions(&none, &no_time.plan.source).is_empty());
        let moved = changed_conditions(&dated(100.0).plan.source, &dated(200.0).plan.source);
        assert_eq!(moved, ["a disruption of the base: out moved (start_day)"]);
        let surge = |scale: f64| {
            Study::sweep(
                &format!(
                    "{BASELINE_TOML}\n[[disruption]]\nid = \"surge\"\ntarget = \"inflow.kazakh_crude\"\nstart_day = 100.0\n{}\nscale = {scale}\n",
                    days(30.0)
                ),
                "t",
                None,
                Vec::new(),
                None,
            )
            .unwrap()
        };
        let demand = changed_conditions(&surge(1.5).plan.source, &surge(1.2).plan.source);
        assert_eq!(demand, ["a disruption of the base: surge changed (scale)"]);
        // Demand left out is demand too, not a decision no price covers.
        let gone = changed_conditions(&surge(1.5).plan.source, &study(&[]).plan.source);
        assert_eq!(gone, ["a disruption of the base: surge left out"]);
        assert_eq!(crate::unpriced::changed_hazards(&surge(1.5), &study(&[])), None);
        // Notes change nothing; nor does any change to one that never strikes.
        let mut noted = surge(1.5);
        noted.plan.source.disruptions[0].notes = "a source".into();
        assert!(changed_conditions(&surge(1.5).plan.source, &noted.plan.source).is_empty());
        let idle = |target: &str| {
            with_outage(&format!("rate_per_year = 0.0\n{}", days(3.0)))
                .plan
                .source
                .disruptions
                .into_iter()
                .map(|mut d| {
                    d.target = target.to_string();
                    d
                })
                .collect::<Vec<_>>()
        };
        let (b, p) = (idle("port.alat"), idle("port.baku"));
        assert!(!is_condition(&b[0], &p[0]), "strikes in neither");
    }

    #[test]
    fn other_conditions_leave_no_ratio_and_say_why() {
        let base = study(&[]);
        let policy = study(&["interdiction.incident_probability=0.01"]);
        let Some(BenefitCost::Undefined { reason }) = undefined_ratio(&base, &policy) else {
            panic!("a ratio for another risk")
        };
        assert!(reason.contains("the interdiction risk"), "{reason}");
        let line = warning(&base, &policy).unwrap();
        assert!(line.starts_with("\"t\" changes the conditions"), "{line}");
    }
}
