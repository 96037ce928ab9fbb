//! Unit tests of the distributions: moments, validation, parsing.

use super::*;
use crate::streams::{Source, stream};
use caspian_engine::special::{erf, std_normal_cdf};
use rand::Rng;
use serde::{Deserialize, Serialize};

const N: usize = 200_000;

fn dist(spec: DistSpec) -> Dist {
    Dist::new(&spec).expect("valid spec")
}

/// Sample mean and variance of `n` draws, and the standard error of the
/// sample variance (from the sample's fourth central moment).
fn moments(d: &Dist, sub: u8, n: usize) -> (f64, f64, f64) {
    let mut rng = stream(2024, 0, Source::Vessel, sub);
    let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
    assert!(xs.iter().all(|x| x.is_finite() && *x >= 0.0), "{d}: bad sample");
    let nf = n as f64;
    let mean = xs.iter().sum::<f64>() / nf;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (nf - 1.0);
    let m4 = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / nf;
    let se_var = ((m4 - var * var).max(0.0) / nf).sqrt();
    (mean, var, se_var)
}

fn all_specs() -> Vec<DistSpec> {
    vec![
        DistSpec::Constant { value: 3.5 },
        DistSpec::Exponential { mean: 12.0 },
        DistSpec::Uniform { min: 2.0, max: 10.0 },
        DistSpec::Triangular { min: 1.0, mode: 3.0, max: 10.0 },
        DistSpec::Lognormal { mean: 24.0, sd: 12.0 },
        DistSpec::Gamma { mean: 10.0, sd: 4.0 },
        DistSpec::Gamma { mean: 2.0, sd: 3.0 },
        DistSpec::Normal { mean: 5.0, sd: 3.0 },
        DistSpec::Normal { mean: 0.0, sd: 2.0 },
        DistSpec::Empirical { values: vec![1.0, 2.0, 5.0, 10.0], weights: None },
        DistSpec::Empirical {
            values: vec![1.0, 2.0, 5.0, 10.0],
            weights: Some(vec![4.0, 3.0, 2.0, 1.0]),
        },
    ]
}

#[test]
fn sample_moments_match_analytic_moments() {
    for (i, spec) in all_specs().into_iter().enumerate() {
        let d = dist(spec);
        let (mean, var, se_var) = moments(&d, i as u8, N);
        let se_mean = (d.variance() / N as f64).sqrt();
        println!(
            "{d}: mean {mean:.5} vs {:.5} (se {se_mean:.2e}), var {var:.5} vs {:.5} (se {se_var:.2e})",
            d.mean(),
            d.variance()
        );
        if d.variance() == 0.0 {
            assert_eq!(mean, d.mean(), "{d}");
            assert_eq!(var, 0.0, "{d}");
            continue;
        }
        assert!((mean - d.mean()).abs() <= 4.0 * se_mean, "{d}: mean {mean} vs {}", d.mean());
        assert!(
            (var - d.variance()).abs() <= 4.0 * se_var,
            "{d}: variance {var} vs {}",
            d.variance()
        );
    }
}

/// `upper` bounds every draw, and is the bound of a bounded distribution.
#[test]
fn upper_bounds_every_draw() {
    for (sub, spec) in all_specs().into_iter().enumerate() {
        let d = dist(spec);
        let mut rng = stream(2024, 1, Source::Vessel, sub as u8);
        let top = (0..20_000).map(|_| d.sample(&mut rng)).fold(0.0, f64::max);
        assert!(top <= d.upper(), "{d}: drew {top} above {}", d.upper());
        if d.upper().is_finite() {
            assert!(top > 0.9 * d.upper() || d.variance() == 0.0, "{d}: {top}");
        }
    }
    let empirical = DistSpec::Empirical { values: vec![2.0, 7.0, 3.0], weights: None };
    assert_eq!(dist(empirical).upper(), 7.0);
    assert_eq!(dist(DistSpec::Exponential { mean: 1.0 }).upper(), f64::INFINITY);
    // No spread: a point mass, whatever the family.
    assert_eq!(dist(DistSpec::Normal { mean: 0.0, sd: 0.0 }).upper(), 0.0);
    assert_eq!(dist(DistSpec::Lognormal { mean: 1e-9, sd: 0.0 }).upper(), 1e-9);
}

#[test]
fn analytic_moments_of_known_cases() {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    let half = dist(DistSpec::Normal { mean: 0.0, sd: 2.0 });
    let pi = std::f64::consts::PI;
    assert!(close(half.mean(), 2.0 * (2.0 / pi).sqrt()));
    assert!(close(half.variance(), 4.0 * (1.0 - 2.0 / pi)));
    // Far from zero the truncation is invisible.
    let far = dist(DistSpec::Normal { mean: 100.0, sd: 1.0 });
    assert!(close(far.mean(), 100.0) && close(far.variance(), 1.0));
    let tri = dist(DistSpec::Triangular { min: 0.0, mode: 0.0, max: 6.0 });
    assert!(close(tri.mean(), 2.0) && close(tri.variance(), 2.0));
    assert!(close(dist(DistSpec::Exponential { mean: 3.0 }).variance(), 9.0));
    // Phi and erf against reference values.
    assert!((std_normal_cdf(1.0) - 0.841_344_746_068_542_9).abs() < 1e-15);
    assert!((std_normal_cdf(2.0) - 0.977_249_868_051_820_8).abs() < 1e-15);
    assert!((std_normal_cdf(-1.5) - 0.066_807_201_268_858_06).abs() < 1e-15);
    assert!((erf(0.5) - 0.520_499_877_813_046_5).abs() < 1e-15);
    assert!((erf(3.0) - 0.999_977_909_503_001_4).abs() < 1e-15);
}

#[test]
fn degenerate_specs_are_point_masses_that_draw_nothing() {
    for spec in [
        DistSpec::Uniform { min: 4.0, max: 4.0 },
        DistSpec::Triangular { min: 4.0, mode: 4.0, max: 4.0 },
        DistSpec::Lognormal { mean: 4.0, sd: 0.0 },
        DistSpec::Gamma { mean: 4.0, sd: 0.0 },
        DistSpec::Normal { mean: 4.0, sd: 0.0 },
    ] {
        let d = dist(spec);
        let mut rng = stream(1, 0, Source::Vessel, 0);
        assert_eq!(d.sample(&mut rng), 4.0);
        assert_eq!((d.mean(), d.variance()), (4.0, 0.0));
        assert_eq!(rng.next_u64(), stream(1, 0, Source::Vessel, 0).next_u64());
    }
}

#[test]
fn scaled_multiplies_mean_and_keeps_cv() {
    for spec in all_specs() {
        let d = dist(spec.clone());
        let s = dist(spec.scaled(1.5));
        let rel = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1e-300);
        assert!(rel(s.mean(), 1.5 * d.mean()), "{spec}");
        assert!(rel(s.variance(), 2.25 * d.variance()), "{spec}");
    }
    assert_eq!(
        DistSpec::Empirical { values: vec![1.0, 2.0], weights: Some(vec![1.0, 3.0]) }.scaled(2.0),
        DistSpec::Empirical { values: vec![2.0, 4.0], weights: Some(vec![1.0, 3.0]) }
    );
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Scenario {
    storm: DistSpec,
}

#[test]
fn parses_inline_tables() {
    let cases = [
        ("{ dist = \"constant\", value = 5 }", DistSpec::Constant { value: 5.0 }),
        ("{ dist = \"exponential\", mean = 12.0 }", DistSpec::Exponential { mean: 12.0 }),
        ("{ dist = \"uniform\", min = 1.0, max = 2.5 }", DistSpec::Uniform { min: 1.0, max: 2.5 }),
        (
            "{ dist = \"triangular\", min = 1.0, mode = 2, max = 4.0 }",
            DistSpec::Triangular { min: 1.0, mode: 2.0, max: 4.0 },
        ),
        (
            "{ dist = \"lognormal\", mean = 30.0, sd = 20.0 }",
            DistSpec::Lognormal { mean: 30.0, sd: 20.0 },
        ),
        ("{ dist = \"gamma\", mean = 3.0, sd = 1.0 }", DistSpec::Gamma { mean: 3.0, sd: 1.0 }),
        ("{ dist = \"normal\", mean = 3.0, sd = 1.0 }", DistSpec::Normal { mean: 3.0, sd: 1.0 }),
        (
            "{ dist = \"empirical\", values = [1.0, 2] }",
            DistSpec::Empirical { values: vec![1.0, 2.0], weights: None },
        ),
        (
            "{ dist = \"empirical\", values = [1.0, 2.0], weights = [1, 3] }",
            DistSpec::Empirical { values: vec![1.0, 2.0], weights: Some(vec![1.0, 3.0]) },
        ),
    ];
    for (text, want) in cases {
        let parsed: Scenario =
            toml::from_str(&format!("storm = {text}")).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(parsed.storm, want, "{text}");
        // Round trip through TOML text.
        let written = toml::to_string(&parsed).expect("serializes");
        let back: Scenario = toml::from_str(&written).expect("re-parses");
        assert_eq!(back, parsed, "{written}");
        // And through the validated sampler, which deserializes the same shape.
        let d: Dist = toml::from_str::<DistWrap>(&format!("d = {text}")).expect("valid").d;
        assert_eq!(d.spec(), &want);
        let written = toml::to_string(&DistWrap { d }).expect("serializes");
        assert!(written.contains(&format!("dist = \"{}\"", want.name())), "{written}");
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct DistWrap {
    d: Dist,
}

fn parse_err(text: &str) -> String {
    match toml::from_str::<Scenario>(&format!("storm = {text}")) {
        Ok(s) => panic!("{text} parsed as {s:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn unknown_keys_and_tags_are_rejected() {
    let msg = parse_err("{ dist = \"exponential\", mean = 1.0, sd = 2.0 }");
    assert!(msg.contains("unknown field `sd`"), "{msg}");
    let msg = parse_err("{ dist = \"constant\", value = 1.0, vlaue = 2.0 }");
    assert!(msg.contains("vlaue"), "{msg}");
    let msg = parse_err("{ dist = \"empirical\", values = [1.0], weight = [1.0] }");
    assert!(msg.contains("weight"), "{msg}");
    let msg = parse_err("{ dist = \"weibull\", shape = 1.0 }");
    assert!(msg.contains("weibull"), "{msg}");
    let msg = parse_err("{ mean = 1.0 }");
    assert!(msg.contains("dist"), "{msg}");
    let msg = parse_err("{ dist = \"uniform\", min = 1.0 }");
    assert!(msg.contains("max"), "{msg}");
}

#[test]
fn validation_happens_when_parsing_a_dist() {
    let err = toml::from_str::<DistWrap>("d = { dist = \"uniform\", min = -1.0, max = 2.0 }")
        .expect_err("negative min");
    assert!(err.to_string().contains("`min` = -1.0 is negative"), "{err}");
}

fn err(spec: DistSpec) -> DistError {
    match Dist::new(&spec) {
        Ok(d) => panic!("{spec} accepted as {d:?}"),
        Err(e) => e,
    }
}

#[test]
fn every_error_is_reachable_and_names_its_parameter() {
    let nan = f64::NAN;
    let cases: Vec<(DistSpec, &str)> = vec![
        (DistSpec::Exponential { mean: nan }, "`mean`"),
        (DistSpec::Constant { value: f64::INFINITY }, "`value`"),
        (DistSpec::Constant { value: -1.0 }, "`value`"),
        (DistSpec::Uniform { min: -1.0, max: 2.0 }, "`min`"),
        (DistSpec::Uniform { min: 1.0, max: nan }, "`max`"),
        (DistSpec::Exponential { mean: 0.0 }, "`mean`"),
        (DistSpec::Lognormal { mean: 0.0, sd: 1.0 }, "`mean`"),
        (DistSpec::Gamma { mean: 1.0, sd: -2.0 }, "`sd`"),
        (DistSpec::Normal { mean: -1.0, sd: 1.0 }, "`mean`"),
        // A parameter that must be positive says so when it is negative too,
        // as it does when it is zero; one that may be zero says `>= 0`.
        (DistSpec::Exponential { mean: -5.0 }, "`mean` = -5.0 is negative; it must be > 0"),
        (DistSpec::Gamma { mean: 1.0, sd: -2.0 }, "`sd` = -2.0 is negative; it must be >= 0"),
        (DistSpec::Uniform { min: 5.0, max: 1.0 }, "`min` = 5.0 is greater than `max` = 1.0"),
        (DistSpec::Triangular { min: 1.0, mode: 9.0, max: 4.0 }, "`mode` = 9.0 lies outside"),
        (DistSpec::Triangular { min: 1.0, mode: -1.0, max: 4.0 }, "`mode` = -1.0 lies outside"),
        (DistSpec::Empirical { values: vec![], weights: None }, "`values`"),
        (DistSpec::Empirical { values: vec![1.0, -2.0], weights: None }, "`values[1]`"),
        (
            DistSpec::Empirical { values: vec![1.0, 2.0], weights: Some(vec![1.0]) },
            "`weights` has 1 entries but `values` has 2",
        ),
        (
            DistSpec::Empirical { values: vec![1.0, 2.0], weights: Some(vec![0.0, 0.0]) },
            "`weights`",
        ),
        (
            DistSpec::Empirical { values: vec![1.0, 2.0], weights: Some(vec![1.0, -0.5]) },
            "`weights[1]`",
        ),
        (
            DistSpec::Empirical { values: vec![1.0, 2.0], weights: Some(vec![nan, 1.0]) },
            "`weights[0]`",
        ),
        (DistSpec::Triangular { min: 1.0, mode: nan, max: 4.0 }, "`mode` = NaN"),
        (DistSpec::Exponential { mean: 1e200 }, "`mean`"),
        (DistSpec::Gamma { mean: 40.0, sd: 1e9 }, "is more than 10 times `mean` = 40.0"),
        (DistSpec::Lognormal { mean: 1e-200, sd: 1e200 }, "is more than 10 times"),
        (DistSpec::Gamma { mean: 1e300, sd: 1e-10 }, "`mean/sd`"),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (spec, needle) in cases {
        let e = err(spec.clone());
        let msg = e.to_string();
        println!("{spec}: {msg}");
        assert!(msg.contains(needle), "{spec}: `{msg}` lacks `{needle}`");
        assert!(msg.starts_with(spec.name()), "{msg}");
        seen.insert(match e {
            DistError::NotFinite { .. } => 0,
            DistError::Negative { .. } => 1,
            DistError::Zero { .. } => 2,
            DistError::MinAboveMax { .. } => 3,
            DistError::ModeOutsideRange { .. } => 4,
            DistError::EmptyTable => 5,
            DistError::WeightsLength { .. } => 6,
            DistError::WeightsAllZero => 7,
            DistError::Unrepresentable { .. } => 8,
            DistError::Dispersed { .. } => 9,
        });
    }
    assert_eq!(seen.len(), 10, "every DistError variant is exercised");
}

#[test]
fn extreme_but_valid_specs_sample_finite_values() {
    // `Dist::sample` clamps into [0, f64::MAX], so this checks the unclamped
    // draws: valid parameters must never need the clamp.
    for spec in [
        DistSpec::Gamma { mean: 1.0, sd: 10.0 },
        DistSpec::Lognormal { mean: 1.0, sd: 10.0 },
        DistSpec::Gamma { mean: 1e-300, sd: 1e-299 },
        DistSpec::Exponential { mean: 1e-300 },
        DistSpec::Uniform { min: 0.0, max: 1e150 },
    ] {
        let d = dist(spec);
        let mut rng = stream(3, 0, Source::Vessel, 0);
        let mut clamped = stream(3, 0, Source::Vessel, 0);
        for _ in 0..10_000 {
            let x = d.draw(&mut rng);
            assert!(x.is_finite() && x >= 0.0, "{d}: {x}");
            // The clamp is the identity here, and draws in the same order.
            assert_eq!(d.sample(&mut clamped).to_bits(), x.to_bits(), "{d}");
        }
    }
}
