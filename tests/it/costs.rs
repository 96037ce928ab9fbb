//! The cost KPIs (`cost.*_per_year`) against hand formulas and queueing
//! theory: demurrage at an M/M/c port follows Erlang C (vessel-hours at
//! anchorage a year = lambda x Wq x 8,760 h), operating cost holds the
//! berth-years, capital follows the capital recovery factor, the total is
//! the sum of the parts, and a scenario without `[costs]` is costed with the
//! defaults.

use caspian_tests::theory::{Interval, mmc_mean_wait};

/// Hours in the simulated year (365 days).
const HOURS_PER_YEAR: f64 = 365.0 * 24.0;

/// An open-traffic M/M/c port `q` (`c` tanker berths, exponential gaps of
/// `gap_h` and berth times of `service_h`), with `costs` appended.
fn mmc(c: u32, gap_h: f64, service_h: f64, horizon_days: f64, costs: &str) -> String {
    caspian_tests::scenarios::mmc_port(c, gap_h, service_h, horizon_days, 100.0, costs)
}

/// Demurrage 100 a vessel-hour, 1,000 a berth-year, berths 2e6 over 40
/// years at 5%; every other cost at its default.
const COSTS: &str = r#"
[costs]
discount_rate = 0.05

[costs.capital]
berth = { tanker = 2.0e6 }
berth_life_years = 40

[costs.operating]
berth_year = { tanker = 1000.0 }

[costs.failure]
demurrage_per_vessel_h = { tanker = 100.0 }
"#;

/// The capital recovery factor written out: r / (1 - (1 + r)^-n).
fn crf(r: f64, n: i32) -> f64 {
    r / (1.0 - (1.0 + r).powi(-n))
}

fn kpi(out: &caspian_shipping::Replication, name: &str) -> f64 {
    out.kpis.get(name).unwrap_or_else(|| panic!("no KPI {name}"))
}

#[test]
fn demurrage_at_an_mm3_port_matches_erlang_c() {
    let (c, gap, service) = (3, 5.0, 12.0);
    let plan = caspian_shipping::load(&mmc(c, gap, service, 3000.0, COSTS), "mmc").unwrap();
    let capital = f64::from(c) * 2.0e6 * crf(0.05, 40);
    let mut delay = Vec::new();
    for rep in 0..30 {
        let out = caspian_shipping::simulate(&plan, 20_261_202, rep);
        assert!(!out.truncated);
        let d = kpi(&out, "cost.delay_per_year");
        // Exactly demurrage x vessel-hours at anchorage: the time-average
        // queue times the hours of a year.
        let queue = kpi(&out, "anchorage_queue_mean.q.tanker");
        let by_hand = 100.0 * queue * HOURS_PER_YEAR;
        assert!((d - by_hand).abs() <= 1e-9 * by_hand, "rep {rep}: {d} vs {by_hand}");
        // No cargo here: the whole delay cost is demurrage.
        assert_eq!(kpi(&out, "cost.demurrage_per_year"), d, "rep {rep}");
        // Operating: the berth-years only (no fleets, no convoys).
        assert_eq!(kpi(&out, "cost.operating_per_year"), f64::from(c) * 1000.0);
        assert_eq!(kpi(&out, "cost.lost_cargo_per_year"), 0.0);
        let k = kpi(&out, "cost.capital_per_year");
        assert!((k - capital).abs() < 1e-6, "capital {k} vs {capital}");
        let parts = k
            + kpi(&out, "cost.operating_per_year")
            + kpi(&out, "cost.delay_per_year")
            + kpi(&out, "cost.lost_cargo_per_year");
        assert_eq!(kpi(&out, "cost.total_per_year"), parts, "total is the sum of the parts");
        delay.push(d);
    }
    let wq = mmc_mean_wait(c, 1.0 / gap, 1.0 / service);
    let theory = 100.0 * (1.0 / gap) * wq * HOURS_PER_YEAR;
    let ci = Interval::student_t(&delay, 0.99);
    println!(
        "M/M/3 demurrage: theory {theory:.0}, model {:.0}, 99% CI [{:.0}, {:.0}]",
        ci.mean,
        ci.low(),
        ci.high()
    );
    assert!(ci.contains(theory), "Erlang-C demurrage {theory} outside {ci:?}");
    assert!(ci.half_width < 0.1 * theory, "interval too wide to test anything: {ci:?}");
}

#[test]
fn more_berths_cost_more_capital_and_less_demurrage() {
    let run = |c: u32| {
        let plan = caspian_shipping::load(&mmc(c, 5.0, 12.0, 1000.0, COSTS), "mmc").unwrap();
        let outs: Vec<_> =
            (0..10).map(|rep| caspian_shipping::simulate(&plan, 20_261_203, rep)).collect();
        let mean = |name: &str| outs.iter().map(|o| kpi(o, name)).sum::<f64>() / 10.0;
        (plan.capital_per_year(), mean("cost.delay_per_year"))
    };
    let (k3, d3) = run(3);
    let (k4, d4) = run(4);
    assert!((k4 - k3 - 2.0e6 * crf(0.05, 40)).abs() < 1e-6, "one berth more: {k3} -> {k4}");
    // rho 0.8 -> 0.6: Erlang C gives Wq 12.9 h -> 2.0 h.
    assert!(d4 < 0.5 * d3, "demurrage {d3} -> {d4}");
}

#[test]
fn a_scenario_without_costs_is_costed_with_the_defaults() {
    let plan = caspian_shipping::load(&mmc(3, 5.0, 12.0, 200.0, ""), "mmc").unwrap();
    let d = caspian_shipping::scenario::Costs::default();
    assert_eq!(plan.cost_basis().currency, "USD");
    let want = 3.0
        * d.capital.berth.tanker
        * caspian_shipping::costs::capital_recovery_factor(
            d.discount_rate,
            d.capital.berth_life_years,
        );
    assert!((plan.capital_per_year() - want).abs() < 1e-6 * want);
    let out = caspian_shipping::simulate(&plan, 1, 0);
    assert_eq!(kpi(&out, "cost.capital_per_year"), plan.capital_per_year());
    assert_eq!(kpi(&out, "cost.operating_per_year"), 3.0 * d.operating.berth_year.tanker);
    let layout = plan.kpi_layout();
    let i = layout.position("cost.total_per_year").unwrap();
    assert_eq!(layout.unit_text(i), "USD/yr");
    // The embedded baseline gets every cost KPI.
    let baseline = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline").unwrap();
    for name in ["capital", "operating", "delay", "lost_cargo", "total"] {
        assert!(baseline.kpi_layout().position(&format!("cost.{name}_per_year")).is_some());
    }
}

/// Fewer ferries on the shuttle leave cargo waiting longer: the delay cost
/// rises, and operating cost falls with the vessel-days.
#[test]
fn fewer_vessels_raise_the_delay_cost() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/ferry_shuttle.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let mut scenario = caspian_shipping::parse(&text, "ferry_shuttle").unwrap();
    let run = |s: &caspian_shipping::Scenario| {
        let plan = caspian_shipping::compile(s).unwrap();
        let outs: Vec<_> = (0..8).map(|rep| caspian_shipping::simulate(&plan, 7, rep)).collect();
        for o in &outs {
            // Demurrage is a part of the delay cost, and the cargo's delay
            // the rest (the shuttle's ferries queue at berths too).
            let (delay, demurrage) =
                (kpi(o, "cost.delay_per_year"), kpi(o, "cost.demurrage_per_year"));
            assert!(demurrage >= 0.0 && demurrage < delay, "{demurrage} of {delay}");
        }
        let mean = |name: &str| outs.iter().map(|o| kpi(o, name)).sum::<f64>() / 8.0;
        (mean("cost.delay_per_year"), mean("cost.operating_per_year"))
    };
    let (delay_2, operating_2) = run(&scenario);
    scenario.fleets[0].count -= 1;
    let (delay_1, operating_1) = run(&scenario);
    assert!(delay_1 > delay_2, "delay {delay_2} with more vessels, {delay_1} with fewer");
    assert!(operating_1 < operating_2, "operating {operating_2} -> {operating_1}");
}
