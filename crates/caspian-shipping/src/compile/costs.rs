//! `[costs]`: checks every amount, rate and life, resolves chartered fleets,
//! and prices the plan's capital once ([`CostPlan`]).
//!
//! Capital per year is the sum, over every berth, owned vessel, unit of
//! storage capacity, metre of depth gained by dredging and (when escorts
//! are enabled) escort vessel, of its price times the capital recovery
//! factor of its life. Berths shared by several classes are priced, and pay
//! berth-years, at the dearest class they serve.

use std::collections::BTreeMap;

use super::check::{Checker, lookup};
use super::plan::{FleetPlan, OutflowPlan, PortPlan, StoragePlan};
use super::text::check_text;
use crate::costs::{CHARTER_DAYS_PER_YEAR, CostBasis, CostPlan, capital_recovery_factor};
use crate::resolve::plain::number;
use crate::scenario::{CapitalCosts, Costs, Scenario};

/// Largest amount accepted (10^15 in the scenario's currency): keeps every
/// cost total far from overflow to infinity.
const MAX_AMOUNT: f64 = 1e15;
/// Longest asset life or appraisal horizon accepted, in years.
const MAX_YEARS: f64 = 1_000.0;
/// Largest discount rate accepted (100% a year).
const MAX_RATE: f64 = 1.0;
/// Shortest asset life accepted, in years.
const MIN_LIFE_YEARS: f64 = 1.0;
/// Largest annuity factor accepted (the present value of 1 a year over a
/// life or the appraisal): at a rate of 0 over the longest span it is
/// `MAX_YEARS`; a negative rate can take it anywhere, and the cost totals
/// and NPVs out of range with it.
const MAX_ANNUITY: f64 = 10.0 * MAX_YEARS;

/// The parts of the compiled plan that capital and fixed costs depend on.
pub(super) struct Priced<'a> {
    pub(super) ports: &'a [PortPlan],
    pub(super) storages: &'a [StoragePlan],
    pub(super) fleets: &'a [FleetPlan],
    pub(super) outflows: &'a [OutflowPlan],
    /// Per port: its depth from each time on (`DraftPlan::depths`).
    pub(super) depths: &'a [Vec<(caspian_engine::SimTime, f64)>],
}

/// The capital of every hinterland link: its whole yearly capacity (other
/// freight included: the link is built whole) at its price
/// ([`CapitalCosts::link_price`]).
fn link_capacity_value(p: &Priced<'_>, cap: &CapitalCosts) -> f64 {
    p.outflows
        .iter()
        .map(|o| o.capacity_per_year * cap.link_price(&o.id, p.storages[o.from].cargo))
        .sum()
}

/// `[costs.capital.link_outflow]`: each id an outflow's, each price an
/// amount.
fn check_link_outflows(c: &mut Checker, k: &Costs, outflows: &[OutflowPlan]) {
    for (id, &v) in &k.capital.link_outflow {
        let key = format!("costs.capital.link_outflow.{id}");
        if !outflows.iter().any(|o| o.id == *id) {
            let known: Vec<&str> = outflows.iter().map(|o| o.id.as_str()).collect();
            c.err(key, format!("no [[outflow]] \"{id}\" (the outflows: {})", known.join(", ")));
        } else {
            amount(c, &key, v);
        }
    }
}

/// Checks `[costs]` and builds the cost plan.
pub(super) fn costs(c: &mut Checker, s: &Scenario, p: &Priced<'_>) -> CostPlan {
    let k = &s.costs;
    check_amounts(c, k);
    check_link_outflows(c, k, p.outflows);
    if k.currency.trim().is_empty() {
        c.err("costs.currency", "must not be empty");
    }
    check_text(c, "costs.currency", &k.currency, false);
    let rate_ok = if !k.discount_rate.is_finite() {
        c.err(
            "costs.discount_rate",
            format!("must be a finite number, got {}", number(k.discount_rate)),
        );
        false
    } else if k.discount_rate <= -1.0 || k.discount_rate > MAX_RATE {
        c.err(
            "costs.discount_rate",
            format!(
                "must be above -1 and at most {}, got {}",
                number(MAX_RATE),
                number(k.discount_rate)
            ),
        );
        false
    } else {
        true
    };
    let appraisal_ok = c.positive("costs.appraisal_years", k.appraisal_years, MAX_YEARS);
    let cap = &k.capital;
    let lives = [
        ("berth_life_years", cap.berth_life_years),
        ("vessel_life_years", cap.vessel_life_years),
        ("storage_life_years", cap.storage_life_years),
        ("link_life_years", cap.link_life_years),
        ("dredging_life_years", cap.dredging_life_years),
        ("escort_life_years", cap.escort_life_years),
    ];
    let mut lives_ok = true;
    for (key, v) in lives {
        let key = format!("costs.capital.{key}");
        let ok = c.positive(&key, v, MAX_YEARS);
        if ok && v < MIN_LIFE_YEARS {
            c.err(
                &key,
                format!(
                    "must be at least {} year: capital is charged by the year, and an asset \
                     that lasts less is an operating cost, got {}",
                    number(MIN_LIFE_YEARS),
                    number(v)
                ),
            );
        }
        lives_ok &= ok && v >= MIN_LIFE_YEARS;
    }
    // Each span an amount is spread over: the appraisal, then each life.
    let mut spans = Vec::new();
    if appraisal_ok {
        spans.push(("costs.appraisal_years".to_string(), k.appraisal_years));
    }
    if lives_ok {
        spans.extend(lives.iter().map(|&(key, v)| (format!("costs.capital.{key}"), v)));
    }
    let annuity = |years: f64| crate::costs::annuity_factor(k.discount_rate, years);
    let runaway = spans
        .into_iter()
        .map(|(key, years)| (key, years, annuity(years)))
        .find(|&(_, _, factor)| factor.is_nan() || factor > MAX_ANNUITY);
    if let (true, Some((key, years, factor))) = (rate_ok, runaway) {
        c.err(
            "costs.discount_rate",
            format!(
                "{} over {key} = {} gives an annuity factor (the present value of 1 a year) of \
                 {}, and at most {} is accepted: a negative rate makes each later year count \
                 more than the one before; use a rate closer to 0 or a shorter span",
                number(k.discount_rate),
                number(years),
                if factor < 1e9 { format!("{factor:.0}") } else { format!("{factor:.3e}") },
                number(MAX_ANNUITY)
            ),
        );
    }
    let charter = charters(c, k, p.fleets);
    let rate = if rate_ok { k.discount_rate } else { 0.0 };
    let crf = |life: f64| if lives_ok { capital_recovery_factor(rate, life) } else { 0.0 };
    let escorts = if s.interdiction.escort.enabled {
        f64::from(s.interdiction.escort.escort_vessels)
    } else {
        0.0
    };
    // Each kind of asset: its price in all, and its life.
    let assets = [
        (berth_sum(p.ports, &cap.berth.values()), cap.berth_life_years),
        (owned_vessels(p.fleets, &charter, &cap.vessel.values()), cap.vessel_life_years),
        (
            p.storages.iter().map(|st| st.capacity as f64 * cap.storage.get(st.cargo)).sum(),
            cap.storage_life_years,
        ),
        (link_capacity_value(p, cap), cap.link_life_years),
        (metres_dredged(p.depths) * cap.dredging_per_m, cap.dredging_life_years),
        (escorts * cap.escort_vessel, cap.escort_life_years),
    ];
    let capital = assets.iter().map(|&(price, _)| price).sum();
    let capital_per_year = assets.iter().map(|&(price, life)| price * crf(life)).sum();
    let op = &k.operating;
    let charter_hire: f64 = p
        .fleets
        .iter()
        .zip(&charter)
        .filter_map(|(f, rate)| rate.map(|r| r * f64::from(f.count) * CHARTER_DAYS_PER_YEAR))
        .sum();
    let class = |f: &FleetPlan| super::class_index(f.berth_class);
    CostPlan {
        basis: CostBasis {
            currency: k.currency.clone(),
            discount_rate: k.discount_rate,
            appraisal_years: k.appraisal_years,
        },
        capital,
        capital_per_year,
        fixed_operating_per_year: berth_sum(p.ports, &op.berth_year.values()) + charter_hire,
        at_sea_per_day: p.fleets.iter().map(|f| op.vessel_day_at_sea.values()[class(f)]).collect(),
        in_port_per_day: p
            .fleets
            .iter()
            .map(|f| op.vessel_day_in_port.values()[class(f)])
            .collect(),
        escort_sortie: op.escort_sortie,
        value_of_time_per_t_h: k.failure.value_of_time_per_t_h.values(),
        demurrage_per_vessel_h: k.failure.demurrage_per_vessel_h.values(),
        margin_lost_per_t: k.failure.margin_lost_per_t.values(),
        vessel_lost: k.failure.vessel_lost,
    }
}

/// Every amount: finite, not negative, at most [`MAX_AMOUNT`].
fn check_amounts(c: &mut Checker, k: &Costs) {
    let (cap, op, fail) = (&k.capital, &k.operating, &k.failure);
    let tables = [
        ("capital.berth", cap.berth.entries()),
        ("capital.vessel", cap.vessel.entries()),
        ("capital.storage", cap.storage.entries()),
        ("capital.link", cap.link.entries()),
        ("operating.vessel_day_at_sea", op.vessel_day_at_sea.entries()),
        ("operating.vessel_day_in_port", op.vessel_day_in_port.entries()),
        ("operating.berth_year", op.berth_year.entries()),
        ("failure.value_of_time_per_t_h", fail.value_of_time_per_t_h.entries()),
        ("failure.demurrage_per_vessel_h", fail.demurrage_per_vessel_h.entries()),
        ("failure.margin_lost_per_t", fail.margin_lost_per_t.entries()),
    ];
    for (table, entries) in tables {
        for (key, v) in entries {
            amount(c, &format!("costs.{table}.{key}"), v);
        }
    }
    let single = [
        ("capital.dredging_per_m", cap.dredging_per_m),
        ("capital.escort_vessel", cap.escort_vessel),
        ("operating.escort_sortie", op.escort_sortie),
        ("failure.vessel_lost", fail.vessel_lost),
    ];
    for (key, v) in single {
        amount(c, &format!("costs.{key}"), v);
    }
}

/// One amount of money: finite, not negative, not absurd.
fn amount(c: &mut Checker, key: &str, v: f64) -> bool {
    if !v.is_finite() {
        c.err(key, format!("must be a finite number, got {}", number(v)));
        false
    } else if v < 0.0 {
        c.err(key, format!("must not be negative, got {}", number(v)));
        false
    } else if v > MAX_AMOUNT {
        c.err(
            key,
            format!("is absurdly large ({}); the limit is {}", number(v), number(MAX_AMOUNT)),
        );
        false
    } else {
        true
    }
}

/// `[[costs.charter]]`: the day rate of each chartered fleet, by fleet
/// index (`None`: owned).
fn charters(c: &mut Checker, k: &Costs, fleets: &[FleetPlan]) -> Vec<Option<f64>> {
    let ids: BTreeMap<&str, usize> =
        fleets.iter().enumerate().map(|(i, f)| (f.id.as_str(), i)).collect();
    let mut rates = vec![None; fleets.len()];
    for (n, ch) in k.charters.iter().enumerate() {
        let key = format!("costs.charter[{n}]");
        let ok = amount(c, &format!("{key}.day_rate"), ch.day_rate);
        let Some(f) = lookup(c, &ids, format!("{key}.fleet"), "fleet", &ch.fleet) else {
            continue;
        };
        if rates[f].is_some() {
            c.err(format!("{key}.fleet"), format!("fleet \"{}\" is chartered twice", ch.fleet));
        } else if ok {
            rates[f] = Some(ch.day_rate);
        } else {
            rates[f] = Some(0.0);
        }
    }
    rates
}

/// Berths of every port priced per class (shared berths at the dearest
/// class they serve).
fn berth_sum(ports: &[PortPlan], per_class: &[f64; 4]) -> f64 {
    ports
        .iter()
        .map(|p| {
            let dedicated: f64 =
                p.berths.iter().zip(per_class).map(|(&n, &v)| f64::from(n) * v).sum();
            let shared: f64 = p
                .shared
                .iter()
                .map(|g| {
                    let dearest = g
                        .classes
                        .iter()
                        .zip(per_class)
                        .filter(|(served, _)| **served)
                        .map(|(_, &v)| v)
                        .fold(0.0, f64::max);
                    f64::from(g.count) * dearest
                })
                .sum();
            dedicated + shared
        })
        .sum()
}

/// Newbuild price of every vessel of the fleets not chartered.
fn owned_vessels(fleets: &[FleetPlan], charter: &[Option<f64>], per_class: &[f64; 4]) -> f64 {
    fleets
        .iter()
        .zip(charter)
        .filter(|(_, ch)| ch.is_none())
        .map(|(f, _)| f64::from(f.count) * per_class[super::class_index(f.berth_class)])
        .sum()
}

/// Metres of depth gained by dredging: each change of a port's depth that
/// deepens it counts its gain (silting costs nothing).
fn metres_dredged(depths: &[Vec<(caspian_engine::SimTime, f64)>]) -> f64 {
    depths.iter().map(|d| d.windows(2).map(|w| (w[1].1 - w[0].1).max(0.0)).sum::<f64>()).sum()
}

#[cfg(test)]
mod tests {
    use crate::costs::capital_recovery_factor as crf;

    /// Two ports (one with a shared berth and a dredging), two storages, a
    /// fleet of 3 tankers and escorts.
    const PRICED: &str = r#"
[scenario]
name = "priced"
horizon_days = 10.0

[[port]]
id = "p"
berths = { tanker = 2, rail_ferry = 1 }
shared_berths = [{ classes = ["tanker", "roro"], count = 1 }]
depth_m = 4.0

[[port]]
id = "q"
berths = { tanker = 1 }

[[storage]]
id = "a"
port = "p"
cargo = "oil"
capacity = 1000

[[storage]]
id = "b"
port = "q"
cargo = "oil"
capacity = 500

[[fleet]]
id = "f"
berth_class = "tanker"
count = 3
cargo = "oil"
capacity = 10
speed_kn = 10.0
distance_nmi = 100.0
origin = "p"
load_from = "a"
destination = "q"
discharge_to = "b"
load_rate_per_h = 10.0
discharge_rate_per_h = 10.0

[[dredging]]
port = "p"
day = 1.0
depth_m = 5.5

[[dredging]]
port = "p"
day = 2.0
depth_m = 5.0

[[dredging]]
port = "p"
day = 3.0
depth_m = 6.0

[interdiction.escort]
enabled = true
escort_vessels = 3

[costs]
discount_rate = 0.05

[costs.capital]
berth = { tanker = 100.0, rail_ferry = 10.0, roro = 1000.0, container = 7.0 }
berth_life_years = 40
vessel = { tanker = 50.0 }
vessel_life_years = 20
storage = { oil = 2.0 }
storage_life_years = 30
dredging_per_m = 8.0
dredging_life_years = 10
escort_vessel = 30.0
escort_life_years = 25

[costs.operating]
berth_year = { tanker = 1.0, rail_ferry = 2.0, roro = 4.0, container = 8.0 }
"#;

    #[test]
    fn capital_of_a_small_scenario_follows_the_formula() {
        let plan = crate::load(PRICED, "test").unwrap();
        // Berths: 3 tanker + 1 rail ferry + 1 shared (priced as roro, the dearest).
        let berths = 3.0 * 100.0 + 10.0 + 1000.0;
        let vessels = 3.0 * 50.0;
        let storage = 1500.0 * 2.0;
        // Depth 4 -> 5.5 (+1.5) -> 5 (silting, free) -> 6 (+1).
        let dredged = 2.5 * 8.0;
        let escorts = 3.0 * 30.0;
        let r = 0.05;
        let want = berths * crf(r, 40.0)
            + vessels * crf(r, 20.0)
            + storage * crf(r, 30.0)
            + dredged * crf(r, 10.0)
            + escorts * crf(r, 25.0);
        assert!(
            (plan.capital_per_year() - want).abs() < 1e-9 * want,
            "{}",
            plan.capital_per_year()
        );
        // The outlay: the same prices, neither annualised nor discounted.
        let outlay = berths + vessels + storage + dredged + escorts;
        assert!((plan.costs.capital - outlay).abs() < 1e-9 * outlay, "{}", plan.costs.capital);
        assert_eq!(plan.cost_basis().currency, "USD");
        assert_eq!(plan.cost_basis().discount_rate, 0.05);
        assert_eq!(plan.cost_basis().appraisal_years, 25.0);
        // Berth-years: 3 tanker, 1 rail ferry, 1 shared at the roro rate.
        assert_eq!(plan.costs.fixed_operating_per_year, 3.0 + 2.0 + 4.0);
    }

    #[test]
    fn a_hinterland_link_is_priced_by_its_whole_capacity() {
        let outflow = "\n[[outflow]]\nid = \"pipe\"\nfrom = \"b\"\ncapacity_per_year = 1000.0\n";
        let unpriced = crate::load(&format!("{PRICED}{outflow}"), "test").unwrap();
        let without = crate::load(PRICED, "test").unwrap();
        assert_eq!(unpriced.capital_per_year(), without.capital_per_year(), "0 by default");
        let text = PRICED.replace(
            "storage_life_years = 30",
            "storage_life_years = 30\nlink = { oil = 3.0 }\nlink_life_years = 50",
        );
        let priced = crate::load(&format!("{text}{outflow}"), "test").unwrap();
        let link = 1000.0 * 3.0 * crf(0.05, 50.0);
        let diff = priced.capital_per_year() - without.capital_per_year();
        assert!((diff - link).abs() < 1e-9, "{diff} against {link}");
        let bad = PRICED.replace(
            "storage_life_years = 30",
            "storage_life_years = 30\nlink = { wagons = -1.0 }",
        );
        let e = crate::load(&bad, "test").unwrap_err().to_string();
        assert!(
            e.contains("costs.capital.link.wagons") && e.contains("must not be negative"),
            "{e}"
        );
        // One link's own price replaces its cargo's, for it alone.
        let own = |price: &str| {
            let text = PRICED.replace(
                "storage_life_years = 30",
                &format!(
                    "storage_life_years = 30\nlink = {{ oil = 3.0 }}\nlink_life_years = 50\n{price}"
                ),
            );
            crate::load(&format!("{text}{outflow}"), "test")
        };
        let alone = own("link_outflow = { pipe = 7.0 }").unwrap();
        let diff = alone.capital_per_year() - without.capital_per_year();
        let link = 1000.0 * 7.0 * crf(0.05, 50.0);
        assert!((diff - link).abs() < 1e-9, "{diff} against {link}");
        for (bad, says) in [
            (
                "link_outflow = { pip = 7.0 }",
                "costs.capital.link_outflow.pip: no [[outflow]] \"pip\"",
            ),
            (
                "link_outflow = { pipe = -7.0 }",
                "costs.capital.link_outflow.pipe: must not be negative",
            ),
        ] {
            let e = own(bad).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn a_chartered_fleet_pays_hire_instead_of_capital() {
        let owned = crate::load(PRICED, "test").unwrap();
        let text = format!("{PRICED}\n[[costs.charter]]\nfleet = \"f\"\nday_rate = 2.0\n");
        let chartered = crate::load(&text, "test").unwrap();
        let vessels = 3.0 * 50.0 * crf(0.05, 20.0);
        let diff = owned.capital_per_year() - chartered.capital_per_year();
        assert!((diff - vessels).abs() < 1e-9, "{diff}");
        let hire = chartered.costs.fixed_operating_per_year - owned.costs.fixed_operating_per_year;
        assert_eq!(hire, 2.0 * 3.0 * 365.0);
    }

    #[test]
    fn escorts_cost_nothing_when_disabled() {
        let on = crate::load(PRICED, "test").unwrap();
        let off =
            crate::load(&PRICED.replace("enabled = true", "enabled = false"), "test").unwrap();
        let escorts = 3.0 * 30.0 * crf(0.05, 25.0);
        assert!((on.capital_per_year() - off.capital_per_year() - escorts).abs() < 1e-9);
    }

    fn errors(text: &str) -> Vec<String> {
        match crate::load(text, "test") {
            Ok(_) => Vec::new(),
            Err(crate::LoadError::Invalid { errors, .. }) => {
                errors.into_iter().map(|e| e.to_string()).collect()
            }
            Err(e) => vec![e.to_string()],
        }
    }

    #[test]
    fn bad_costs_are_errors_naming_the_key() {
        let bad = [
            (
                "discount_rate = 0.05",
                "discount_rate = -1.0",
                "costs.discount_rate: must be above -1",
            ),
            (
                "discount_rate = 0.05",
                "discount_rate = nan",
                "costs.discount_rate: must be a finite",
            ),
            (
                "berth_life_years = 40",
                "berth_life_years = 0",
                "costs.capital.berth_life_years: must be greater than zero",
            ),
            (
                "vessel_life_years = 20",
                "vessel_life_years = 0.001",
                "costs.capital.vessel_life_years: must be at least 1 year",
            ),
            (
                "vessel_life_years = 20",
                "vessel_life_years = 1e-300",
                "costs.capital.vessel_life_years: must be at least 1 year",
            ),
            (
                "discount_rate = 0.05",
                "discount_rate = -0.6\nappraisal_years = 1000",
                "costs.discount_rate: -0.6 over costs.appraisal_years = 1000 gives an annuity \
                 factor (the present value of 1 a year) of inf",
            ),
            (
                "discount_rate = 0.05",
                "discount_rate = -0.3",
                "costs.discount_rate: -0.3 over costs.appraisal_years = 25 gives an annuity factor \
                 (the present value of 1 a year) of 24852,",
            ),
            (
                "dredging_per_m = 8.0",
                "dredging_per_m = -8.0",
                "costs.capital.dredging_per_m: must not be negative",
            ),
            (
                "storage = { oil = 2.0 }",
                "storage = { oil = inf }",
                "costs.capital.storage.oil: must be a finite",
            ),
            (
                "escort_vessels = 3",
                "escort_vessels = 3\n\n[[costs.charter]]\nfleet = \"g\"\nday_rate = 1.0\n",
                "costs.charter[0].fleet: unknown fleet \"g\"",
            ),
        ];
        for (from, to, want) in bad {
            let text = PRICED.replace(from, to);
            let errs = errors(&text);
            assert!(errs.iter().any(|e| e.starts_with(want)), "{to}: {errs:?}");
        }
        let unknown = errors(&PRICED.replace("escort_life_years = 25", "escort_lifetime = 25"));
        assert!(unknown.iter().any(|e| e.contains("escort_lifetime")), "{unknown:?}");
    }

    #[test]
    fn a_scenario_without_costs_gets_the_defaults() {
        let text = PRICED.split("[costs]").next().unwrap();
        let plan = crate::load(text, "test").unwrap();
        let d = crate::scenario::Costs::default();
        assert_eq!(plan.source.costs, d);
        assert_eq!(plan.cost_basis().discount_rate, d.discount_rate);
        assert!(plan.capital_per_year() > 0.0);
    }
}
