//! Verification of the Caspian model against theory (issue 5): queueing
//! formulas at several loads, the renewal-theory closure fraction of the
//! baseline's storm process, and the per-crossing incident frequency.
//!
//! Each check prints the analytic value, the estimate and its 99% Student-t
//! interval over independent replications, and fails when the analytic value
//! lies outside the interval or the interval is too wide to test anything.

use caspian_engine::special::std_normal_cdf as phi;
use caspian_shipping::CompiledScenario;
use caspian_tests::theory::{Interval, mg1_mean_wait, mmc_mean_wait};

fn load(text: &str) -> CompiledScenario {
    caspian_shipping::load(text, "verification").unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `reps` replications and returns the named KPIs of each.
fn observe(plan: &CompiledScenario, seed: u64, reps: u64, kpis: &[&str]) -> Vec<Vec<f64>> {
    let mut cols = vec![Vec::new(); kpis.len()];
    for rep in 0..reps {
        let out = caspian_shipping::simulate(plan, seed, rep);
        assert!(!out.truncated, "replication {rep} hit the event limit");
        assert_eq!(out.conservation_residual, [0; caspian_shipping::scenario::Cargo::COUNT]);
        for (col, k) in cols.iter_mut().zip(kpis) {
            col.push(out.kpis.get(k).unwrap_or_else(|| panic!("no KPI {k}")));
        }
    }
    cols
}

/// Prints the evidence and checks that `theory` lies in the 99% interval of
/// `xs`, whose half-width must be below `max_rel` of the theory value.
fn check(label: &str, theory: f64, xs: &[f64], max_rel: f64) {
    let ci = Interval::student_t(xs, 0.99);
    println!(
        "{label}: theory {theory:.4}, model {:.4}, 99% CI [{:.4}, {:.4}] (n={})",
        ci.mean,
        ci.low(),
        ci.high(),
        ci.n
    );
    assert!(ci.contains(theory), "{label}: theory {theory} outside [{}, {}]", ci.low(), ci.high());
    assert!(ci.half_width < max_rel * theory, "{label}: interval too wide to test: {ci:?}");
}

/// One port with `c` tanker berths served by open traffic only.
fn open_port(c: u32, gap_h: f64, service: &str, horizon_days: f64, warmup_days: f64) -> String {
    format!(
        r#"
[scenario]
name = "queue"
horizon_days = {horizon_days}
warmup_days = {warmup_days}

[[port]]
id = "q"
berths = {{ tanker = {c} }}

[[open_traffic]]
id = "ships"
port = "q"
berth_class = "tanker"
interarrival_h = {{ dist = "exponential", mean = {gap_h:?} }}
service_h = {service}
"#
    )
}

const WAIT: &str = "anchorage_wait_h.q.tanker";
const UTIL: &str = "berth_utilization.q.tanker";

#[test]
fn md1_and_mg1_waits_match_pollaczek_khinchine() {
    // rho = 7 / 10 = 0.7. M/D/1: Wq = rho E[S] / (2 (1 - rho)) = 8.1667 h.
    // M/G/1 with lognormal service, mean 7 h and sd 3.5 h (SCV 0.25):
    // Wq = rho E[S] (1 + 0.25) / (2 (1 - rho)) = 10.208 h.
    let cases = [
        ("M/D/1", r#"{ dist = "constant", value = 7.0 }"#, 0.0),
        ("M/G/1 lognormal", r#"{ dist = "lognormal", mean = 7.0, sd = 3.5 }"#, 0.25),
    ];
    for (i, (label, service, scv)) in cases.into_iter().enumerate() {
        let plan = load(&open_port(1, 10.0, service, 4100.0, 100.0));
        let cols = observe(&plan, 100 + i as u64, 40, &[WAIT, UTIL]);
        check(&format!("{label} rho=0.7 Wq (h)"), mg1_mean_wait(0.1, 7.0, scv), &cols[0], 0.05);
        check(&format!("{label} rho=0.7 utilization"), 0.7, &cols[1], 0.02);
    }
}

#[test]
fn mm1_and_mm3_at_rho_0_9_match_erlang_c() {
    // Heavy load: waits are strongly autocorrelated, so each replication is
    // long (20,000 days, about 48,000 ships at the single-berth port).
    // M/M/1: gap 10 h, service 9 h: Wq = rho / (mu - lambda) = 81 h.
    // M/M/3: gap 10/3 h, service 9 h: rho = 0.9, Wq from Erlang C.
    let cases = [(1u32, 10.0), (3, 10.0 / 3.0)];
    for (i, (c, gap)) in cases.into_iter().enumerate() {
        let text = open_port(c, gap, r#"{ dist = "exponential", mean = 9.0 }"#, 20100.0, 100.0);
        let cols = observe(&load(&text), 200 + i as u64, 40, &[WAIT, UTIL]);
        let wq = mmc_mean_wait(c, 1.0 / gap, 1.0 / 9.0);
        check(&format!("M/M/{c} rho=0.9 Wq (h)"), wq, &cols[0], 0.08);
        check(&format!("M/M/{c} rho=0.9 utilization"), 0.9, &cols[1], 0.02);
    }
}

#[test]
fn baseline_storms_close_ports_for_the_renewal_theory_fraction_of_time() {
    // Storm onsets form a Poisson process with monthly rates lambda(s), each
    // storm lasting D (lognormal); overlapping storms merge. A port is open at
    // t exactly when no storm that began at s < t is still on, so
    // P(closed at t) = 1 - exp(-integral lambda(s) P(D > t - s) ds)
    // (the M/G/infinity busy probability). Integrated hour by hour over the
    // measured window, with the baseline's own parameters.
    let scenario = caspian_shipping::parse(caspian_shipping::BASELINE_TOML, "baseline").unwrap();
    let area = &scenario.sea_areas[0];
    let rates = area.storm_onsets_per_month;
    let (mean, sd) = match area.storm_duration_h {
        caspian_shipping::dist::DistSpec::Lognormal { mean, sd } => (mean, sd),
        ref other => panic!("the baseline's storm durations changed to {other:?}"),
    };
    let sigma2 = (1.0 + sd * sd / (mean * mean)).ln();
    let (mu, sigma) = (mean.ln() - sigma2 / 2.0, sigma2.sqrt());
    let survival = |x: f64| if x <= 0.0 { 1.0 } else { 1.0 - phi((x.ln() - mu) / sigma) };
    let month_days = [31.0, 28.0, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0];
    let rate_at = |h: f64| {
        let day = (h / 24.0) % 365.0;
        let mut start = 0.0;
        for (m, d) in month_days.iter().enumerate() {
            if day < start + d {
                return rates[m] / (d * 24.0);
            }
            start += d;
        }
        rates[11] / (31.0 * 24.0)
    };
    let (warmup_h, horizon_h) =
        (scenario.scenario.warmup_days * 24.0, scenario.scenario.horizon_days * 24.0);
    // Midpoint rule with 0.5 h steps; storms older than 2,000 h have
    // survival below 1e-12 and are ignored.
    let step = 0.5;
    let mut expected_closed_h = 0.0;
    let mut t = warmup_h + step / 2.0;
    while t < horizon_h {
        let mut load = 0.0;
        let mut s = (t - 2000.0).max(0.0) + step / 2.0;
        while s < t {
            load += rate_at(s) * survival(t - s) * step;
            s += step;
        }
        expected_closed_h += (1.0 - (-load).exp()) * step;
        t += step;
    }
    // The baseline's sea area alone, with one port in it: storms are the
    // only events, so many replications are cheap.
    let duration = format!("{{ dist = \"lognormal\", mean = {mean:?}, sd = {sd:?} }}");
    let text = format!(
        r#"
[scenario]
name = "storms"
horizon_days = {}
warmup_days = {}

[[sea_area]]
id = "sea"
storm_onsets_per_month = {rates:?}
storm_duration_h = {duration}

[[port]]
id = "p"
sea_area = "sea"
berths = {{ tanker = 1 }}
"#,
        scenario.scenario.horizon_days, scenario.scenario.warmup_days
    );
    let cols = observe(&load(&text), 300, 2000, &["port_closure_h.p"]);
    check("baseline storm process: closed hours per year", expected_closed_h, &cols[0], 0.04);
}

#[test]
fn incidents_per_crossing_match_the_configured_probability_and_no_closures_without_a_rate() {
    // A single tanker shuttling 100 nmi at 10 kn with instant handling makes
    // about one crossing every 10 h; each crossing has an incident with
    // probability 0.05 (detention 1 h, never lost). Closures: rate 0.
    let text = r#"
[scenario]
name = "risk"
horizon_days = 400.0
warmup_days = 0.0

[[port]]
id = "a"
berths = { tanker = 1 }

[[port]]
id = "b"
berths = { tanker = 1 }

[[storage]]
id = "a_farm"
port = "a"
cargo = "oil"
capacity = 1000000
initial = 1000000

[[storage]]
id = "b_farm"
port = "b"
cargo = "oil"
capacity = 1000000

[[outflow]]
from = "b_farm"
id = "pipe"
capacity_per_year = 100000000.0

[[fleet]]
id = "t"
berth_class = "tanker"
count = 1
cargo = "oil"
capacity = 100
speed_kn = 10.0
distance_nmi = 100.0
origin = "a"
load_from = "a_farm"
destination = "b"
discharge_to = "b_farm"
load_rate_per_h = 100000.0
discharge_rate_per_h = 100000.0
port_call_overhead_h = { dist = "constant", value = 0.0 }
dispatch = { policy = "when_full" }

[interdiction]
incident_probability = 0.05
loss_probability = 0.0
detention_h = { dist = "constant", value = 1.0 }
closures_per_year = 0.0
"#;
    let plan = load(text);
    let (mut incidents, mut crossings) = (0.0, 0.0);
    for rep in 0..20 {
        let out = caspian_shipping::simulate(&plan, 400, rep);
        assert_eq!(out.conservation_residual, [0; caspian_shipping::scenario::Cargo::COUNT]);
        incidents += out.kpis.get("incidents").unwrap();
        crossings += out.kpis.get("voyages.t").unwrap();
        assert_eq!(out.kpis.get("corridor_closure_h"), Some(0.0), "rate 0 means no closures");
        assert_eq!(out.kpis.get("detentions"), out.kpis.get("incidents"));
    }
    // Binomial: p_hat +- 2.576 sqrt(p (1 - p) / n).
    let p_hat = incidents / crossings;
    let hw = 2.576 * (0.05 * 0.95 / crossings).sqrt();
    println!(
        "incidents per crossing: theory 0.0500, model {p_hat:.4}, 99% CI [{:.4}, {:.4}] \
         ({crossings} crossings)",
        p_hat - hw,
        p_hat + hw
    );
    assert!(crossings > 10_000.0, "too few crossings to test: {crossings}");
    assert!((p_hat - 0.05).abs() <= hw, "incident frequency {p_hat} vs 0.05 +- {hw}");
}

#[test]
fn a_saturated_port_finishes_its_horizon_and_is_flagged() {
    // Ships arrive every 5 h and need 10 h at the single berth (rho = 2): the
    // anchorage line grows by about one ship every 10 h, some 870 by the end
    // of a year. The run must still end at its horizon (no truncation) and
    // name the line; a stable port (rho = 0.5) must not be flagged.
    let saturated =
        load(&open_port(1, 5.0, r#"{ dist = "exponential", mean = 10.0 }"#, 395.0, 30.0));
    let stable = load(&open_port(1, 20.0, r#"{ dist = "exponential", mean = 10.0 }"#, 395.0, 30.0));
    for rep in 0..5 {
        let out = caspian_shipping::simulate(&saturated, 500, rep);
        assert!(!out.truncated);
        let names: Vec<String> = out.saturated.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["anchorage q.tanker"], "replication {rep}");
        let calm = caspian_shipping::simulate(&stable, 500, rep);
        assert!(calm.saturated.is_empty(), "replication {rep}: {:?}", calm.saturated);
    }
}

#[test]
fn littles_law_holds_at_every_anchorage_of_the_baseline() {
    // L = lambda W for each anchorage: the time-average number waiting equals
    // the call rate times the mean wait. Both sides are measured over the same
    // window [warm-up, horizon]; waits straddling its ends make the identity
    // approximate within a replication. The check, per anchorage, has two
    // parts that must both hold: the 99% interval of the mean of L - lambda W
    // contains zero (no violation is detected), and its half-width is at most
    // 10% of the mean L (so a violation of 10% of L would have been detected;
    // a wide interval fails instead of passing). At 100 replications the
    // quietest line (aktau.rail_ferry, L about 0.004) measures to about 7%.
    let plan = load(caspian_shipping::BASELINE_TOML);
    let window_h = (plan.horizon.ticks() - plan.warmup.ticks()) as f64 / 3_600_000.0;
    let lines: Vec<String> = {
        let out = caspian_shipping::simulate(&plan, 600, 0);
        out.kpis
            .iter()
            .filter(|(k, v)| k.starts_with("berth_calls.") && *v > 0.0)
            .map(|(k, _)| k.trim_start_matches("berth_calls.").to_string())
            .collect()
    };
    assert!(lines.len() >= 4, "the baseline has busy anchorages: {lines:?}");
    for line in &lines {
        let keys = [
            format!("anchorage_queue_mean.{line}"),
            format!("berth_calls.{line}"),
            format!("anchorage_wait_h.{line}"),
        ];
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let cols = observe(&plan, 600, 100, &key_refs);
        let gaps: Vec<f64> =
            (0..cols[0].len()).map(|i| cols[0][i] - cols[1][i] / window_h * cols[2][i]).collect();
        let mean_l = cols[0].iter().sum::<f64>() / cols[0].len() as f64;
        let ci = Interval::student_t(&gaps, 0.99);
        println!(
            "Little's law at {line}: L = {mean_l:.5}, mean (L - lambda W) {:.6}, 99% CI [{:.6}, {:.6}] (n={})",
            ci.mean,
            ci.low(),
            ci.high(),
            ci.n
        );
        assert!(
            ci.contains(0.0),
            "{line}: L - lambda W = {} (99% CI [{}, {}]) against L = {mean_l}",
            ci.mean,
            ci.low(),
            ci.high()
        );
        assert!(
            ci.half_width <= 0.1 * mean_l,
            "{line}: the 99% interval +- {} is too wide to test L = {mean_l} to 10%",
            ci.half_width
        );
    }
}

#[test]
fn an_outflow_keeps_its_tick_grid_and_credit_while_its_storage_is_empty() {
    // An outflow may take 2.5 units every 10 h (2,190 a year): the carried
    // fraction makes odd ticks (10 h, 30 h, ...) take 2 and even ticks take 3,
    // whether or not there is anything to take. 7 units arrive every 104.5 h
    // (never at a tick time). Each parcel is gone within three ticks, so the
    // outflow sleeps between parcels and must resume on the same grid with
    // the same credit. Parcels at 104.5 k h for k = 1..9; the last, at
    // 940.5 h, meets one tick before the 955 h horizon: tick 95 (odd) takes 2.
    // Forwarded: 8 x 7 + 2 = 58.
    let text = r#"
[scenario]
name = "sleeping outflow"
horizon_days = 39.791666666666664
warmup_days = 0.0

[[port]]
id = "p"
berths = { tanker = 1 }

[[storage]]
id = "yard"
port = "p"
cargo = "oil"
capacity = 1000

[[inflow]]
id = "parcels"
into = "yard"
arrivals_per_year = 83.82775119617224
size = { dist = "constant", value = 7.0 }
pattern = "regular"

[[outflow]]
id = "line"
from = "yard"
capacity_per_year = 2190.0
interval_h = 10.0
"#;
    let plan = load(text);
    assert_eq!(plan.horizon.ticks(), 955 * 3_600_000, "horizon 955 h");
    let out = caspian_shipping::simulate(&plan, 1, 0);
    assert_eq!(out.conservation_residual, [0; caspian_shipping::scenario::Cargo::COUNT]);
    assert_eq!(out.kpis.get("forwarded.line"), Some(58.0));
    assert_eq!(out.kpis.get("storage_max.yard"), Some(7.0));
}
