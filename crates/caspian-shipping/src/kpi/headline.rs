//! The headline KPIs: the few numbers a planner reads first.
//!
//! One choice, shared by the terminal tables and the report's summary
//! panel, so that both open with the same numbers: cargo delivered and
//! the service level per cargo, the 95th percentile of transit time per
//! cargo, the worst anchorage wait (the port and berth class whose ready
//! vessels wait longest on average), the worst wait for a hinterland link
//! (the hand-over storage whose cargo waits longest for it), the total
//! cost a year, the risk counters (incidents, vessels lost, corridor
//! closure), and the cargo the corridor lost per cargo: at sea, shut in
//! at a full origin storage, diverted at its gate (a full tank farm loses
//! more oil than any incident). The link's wait and the cost are there so
//! that an outage of BTK or BTC, which the yard or the tank farm absorbs
//! and which moves no delivery, still shows in the first rows.

/// The families of cargo lost to the corridor at its gates, whose members
/// the headline shows only where they are not 0: a cargo whose inflows
/// never shut in (trains that divert) or never divert (oil that is shut
/// in) would show a row of zeros that nothing can move. A comparison gives
/// them the largest mean of its scenarios, so that what a policy loses is
/// shown although the base loses none.
pub const SHOWN_WHERE_NOT_ZERO: [&str; 2] = ["shut_in_total.", "diverted_total."];

/// The headline KPIs among `kpis` (name and mean over replications, in any
/// order), in display order. A KPI whose mean is undefined (NaN) is never
/// the worst wait; risk KPIs that are identically zero are still shown,
/// because "no loss" is itself a headline.
pub fn headline<'a>(kpis: impl IntoIterator<Item = (&'a str, f64)>) -> Vec<&'a str> {
    let kpis: Vec<(&str, f64)> = kpis.into_iter().collect();
    let family = |stem: &str, suffix: &str| {
        let mut found: Vec<&'a str> = kpis
            .iter()
            .map(|&(n, _)| n)
            .filter(|n| n.starts_with(stem) && n.ends_with(suffix))
            .collect();
        found.sort_unstable();
        found
    };
    // The member of a family with the highest finite mean (ties: the first
    // name).
    let worst = |stem: &str| {
        kpis.iter()
            .filter(|(n, m)| n.starts_with(stem) && m.is_finite())
            .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            .map(|&(n, _)| n)
    };
    let mut names = family("delivered_total.", "");
    names.extend(family("service_level.", ""));
    names.extend(family("transit_h.", ".p95"));
    names.extend(worst("anchorage_wait_h."));
    names.extend(worst("link_wait_h."));
    names.extend(kpis.iter().map(|&(n, _)| n).filter(|n| *n == "cost.total_per_year"));
    for risk in ["incidents", "vessels_lost", "corridor_closure_h"] {
        names.extend(kpis.iter().map(|&(n, _)| n).filter(|n| *n == risk));
    }
    names.extend(family("cargo_lost.", ""));
    for stem in SHOWN_WHERE_NOT_ZERO {
        let shown = |n: &&str| kpis.iter().any(|&(k, m)| k == *n && m != 0.0 && !m.is_nan());
        names.extend(family(stem, "").into_iter().filter(shown));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::headline;

    #[test]
    fn picks_cargo_service_transit_worst_waits_cost_risk_and_losses_in_order() {
        let kpis = [
            ("anchorage_wait_h.alat.rail_ferry", 0.5),
            ("anchorage_wait_h.kuryk.rail_ferry", 1.7),
            ("anchorage_wait_h.aktau.container", f64::NAN),
            ("berth_calls.aktau.tanker", 212.0),
            ("cargo_lost.oil", 0.0),
            ("diverted_total.wagons", 0.6),
            ("diverted_total.oil", 0.0),
            ("shut_in_total.oil", 7_300.0),
            ("shut_in_total.wagons", 0.0),
            ("delivered_total.wagons", 22_000.0),
            ("delivered_total.oil", 1.7e6),
            ("incidents", 0.8),
            ("link_wait_h.b_farm", 3.0),
            ("link_wait_h.c_yard", 9.0),
            ("service_level.oil", 0.99),
            ("cost.total_per_year", 4.0e8),
            ("cost.delay_per_year", 4.0e7),
            ("transit_h.oil.mean", 60.0),
            ("transit_h.oil.p95", 90.0),
            ("vessels_lost", 0.0),
        ];
        assert_eq!(
            headline(kpis),
            [
                "delivered_total.oil",
                "delivered_total.wagons",
                "service_level.oil",
                "transit_h.oil.p95",
                "anchorage_wait_h.kuryk.rail_ferry",
                "link_wait_h.c_yard",
                "cost.total_per_year",
                "incidents",
                "vessels_lost",
                "cargo_lost.oil",
                "shut_in_total.oil",
                "diverted_total.wagons",
            ]
        );
    }

    #[test]
    fn no_wait_is_worst_when_every_wait_is_undefined() {
        let kpis = [("anchorage_wait_h.alat.roro", f64::NAN), ("delivered_total.oil", 1.0)];
        assert_eq!(headline(kpis), ["delivered_total.oil"]);
    }
}
