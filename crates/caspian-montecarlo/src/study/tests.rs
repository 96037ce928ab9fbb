//! Unit tests of studies: axes, designs, points and their scenarios.

use super::*;
use caspian_shipping::BASELINE_TOML;

#[test]
fn axes_on_the_command_line_replace_the_declared_ones() {
    let extra = vec![parse_axis("weather.storm_rate_multiplier=1,2").unwrap()];
    let study = Study::sweep(BASELINE_TOML, "baseline", Some(5), extra, None).unwrap();
    assert_eq!(study.seed, 5);
    assert_eq!(study.points.len(), 2);
    assert_eq!(study.axes.len(), 1);
    assert_eq!(study.axes[0].key, SweepKey::StormRateMultiplier);
    // Without --axis, the declared axes are crossed.
    let declared = caspian_shipping::parse(BASELINE_TOML, "b").unwrap().sweeps;
    let study = Study::sweep(BASELINE_TOML, "baseline", None, Vec::new(), None).unwrap();
    let expected: usize = declared.iter().map(|s| s.values.len()).product();
    assert!(declared.len() > 1);
    assert_eq!(study.points.len(), expected);
    assert_eq!(study.axes.len(), declared.len());
}

#[test]
fn bad_axes_name_the_key() {
    let e = Study::sweep(
        BASELINE_TOML,
        "baseline",
        None,
        vec![parse_axis("port.nowhere.berths.tanker=1,2").unwrap()],
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("port.nowhere.berths.tanker"), "{e}");
    let e = parse_axis("fleet.x.count=1,two").unwrap_err();
    assert_eq!(e.to_string(), "--axis fleet.x.count: \"two\" is not a finite number");
    assert_eq!(
        parse_axis("nokey").unwrap_err().to_string(),
        "--axis \"nokey\": expected KEY=V1,V2,... or KEY=LO..HI"
    );
    assert_eq!(parse_axis(" =1").unwrap_err().to_string(), "--axis \" =1\": the key is empty");
    let e = parse_axis("fleet.x.count=2, +1").unwrap_err().to_string();
    assert!(e.starts_with("--axis fleet.x.count: \"+1\" would be the value 1, not an"), "{e}");
    assert_eq!(parse_axis("w.m=-1,1e0").unwrap().values, [-1.0, 1.0]);
    // Ranges of whole numbers, as `optimize --decision` takes them.
    assert_eq!(parse_axis("fleet.x.count=2..4").unwrap().values, [2.0, 3.0, 4.0]);
    assert_eq!(parse_axis("fleet.x.count= -1 .. 1").unwrap().values, [-1.0, 0.0, 1.0]);
    for (bad, says) in [
        ("fleet.x.count=4..2", "--axis fleet.x.count: the range 4..2 is empty (LO is above HI)"),
        ("fleet.x.count=1.5..3", "--axis fleet.x.count: \"1.5\" is not a whole number"),
        ("fleet.x.count=+1..3", "--axis fleet.x.count: \"+1\": values are the values themselves"),
        ("fleet.x.count=0..100000", "--axis fleet.x.count: the range has more than 100000 values"),
    ] {
        let e = parse_axis(bad).unwrap_err().to_string();
        assert!(e.starts_with(says), "{bad}: {e}");
    }
    // A key that is not sweepable is reported against the option that gave it.
    let e = Study::sweep(
        BASELINE_TOML,
        "baseline",
        None,
        vec![parse_axis("fleet.x.speed_kn=1").unwrap()],
        None,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "--axis fleet.x.speed_kn: \"fleet.x.speed_kn\" is not a sweepable parameter (see \
         docs/scenarios.md, section Sweeps)"
    );
}

#[test]
fn the_reference_is_an_index_or_the_values_of_one_point() {
    let axes = vec![
        parse_axis("weather.storm_rate_multiplier=1,2").unwrap(),
        parse_axis("port.alat.berths.rail_ferry=2,3").unwrap(),
    ];
    let study = Study::sweep(BASELINE_TOML, "baseline", None, axes, None).unwrap();
    assert_eq!(study.reference_point("3"), Ok(3));
    assert_eq!(study.reference_point("+3"), Ok(3), "a sign, as Rust's integers take it");
    let both = "weather.storm_rate_multiplier=2, port.alat.berths.rail_ferry=2";
    let i = study.reference_point(both).unwrap();
    assert_eq!(study.points[i].values, vec![2.0, 2.0]);
    assert!(matches!(study.reference_point("4"), Err(ReferenceError::OutOfRange { .. })));
    // An index too large for a `usize` is out of range too, not a syntax error.
    let huge = "18446744073709551616";
    assert_eq!(
        study.reference_point(huge),
        Err(ReferenceError::OutOfRange { index: huge.to_string(), count: 4 })
    );
    assert!(matches!(
        study.reference_point("weather.storm_rate_multiplier=1"),
        Err(ReferenceError::Several { points: 2, .. })
    ));
    assert!(matches!(
        study.reference_point("weather.storm_rate_multiplier=3"),
        Err(ReferenceError::NoMatch { .. })
    ));
    assert!(matches!(
        study.reference_point("fleet.x.count=1"),
        Err(ReferenceError::NotAnAxis { .. })
    ));
    assert!(matches!(study.reference_point("first"), Err(ReferenceError::Syntax { .. })));
}

/// The point that writes the scenario's own values is found whatever
/// its place; an axis without the written value, or a Latin hypercube,
/// has none.
#[test]
fn the_point_as_written_is_the_one_that_changes_nothing() {
    let sweep = |axes: &[&str], lhs| {
        let axes = axes.iter().map(|a| parse_axis(a).unwrap()).collect();
        Study::sweep(BASELINE_TOML, "baseline", None, axes, lhs).unwrap()
    };
    // The baseline has 2 rail-ferry berths at Alat and storms x 1.
    let s = sweep(
        &["port.alat.berths.rail_ferry=1,2,3", "weather.storm_rate_multiplier=0.5,1,2"],
        None,
    );
    let i = s.as_written_point().expect("(2, 1) is a point");
    assert_eq!(s.points[i].values, [2.0, 1.0]);
    assert_eq!(i, 4);
    let s = sweep(&["port.alat.berths.rail_ferry=1,3"], None);
    assert_eq!(s.as_written_point(), None);
    let s = sweep(&["weather.storm_rate_multiplier=0.5,2"], None);
    assert_eq!(s.as_written_point(), None);
    let s = sweep(&["port.alat.berths.rail_ferry=1,2,3"], Some(3));
    assert_eq!(s.as_written_point(), None, "a Latin hypercube's points are drawn");
}

#[test]
fn sha256_of_known_text() {
    assert_eq!(
        sha256_hex("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn large_and_tiny_numbers_are_written_with_an_exponent() {
    assert_eq!(short_number(2.0), "2");
    assert_eq!(short_number(0.5), "0.5");
    assert_eq!(short_number(1e308), "1e308");
    assert_eq!(short_number(-2.5e-300), "-2.5e-300");
    assert_eq!(short_number(0.0), "0");
}

#[test]
fn a_multiplier_axis_scales_what_another_axis_sets_in_either_order() {
    let text = format!(
        "{BASELINE_TOML}\n[[disruption]]\nid = \"out\"\ntarget = \"port.alat\"\n\
         rate_per_year = 0.5\nduration_days = {{ dist = \"constant\", value = 3 }}\n"
    );
    let rate = "disruption.out.rate_per_year=1,4";
    let times = "disruptions.rate_multiplier=0,2";
    for axes in [[rate, times], [times, rate]] {
        let extra = axes.iter().map(|a| parse_axis(a).unwrap()).collect();
        let study = Study::sweep(&text, "t", None, extra, None).unwrap();
        let mut rates: Vec<f64> = (0..study.points.len())
            .map(|i| study.point_plan(i).unwrap().source.disruptions[0].rate_per_year.unwrap())
            .collect();
        rates.sort_by(f64::total_cmp);
        assert_eq!(rates, [0.0, 0.0, 2.0, 8.0], "{axes:?}");
    }
    // The as-written point: the file's rate times 1.
    let extra = vec![parse_axis("disruptions.rate_multiplier=0.5,1,2").unwrap()];
    let study = Study::sweep(&text, "t", None, extra, None).unwrap();
    assert_eq!(study.as_written_point(), Some(1));
    // A dated disruption has no rate to sweep.
    let dated = text.replace("rate_per_year = 0.5", "start_day = 10");
    let extra = vec![parse_axis("disruption.out.rate_per_year=1,2").unwrap()];
    let e = Study::sweep(&dated, "t", None, extra, None).unwrap_err().to_string();
    assert!(e.contains("strikes on a fixed day"), "{e}");
}

#[test]
fn an_axis_that_changes_nothing_is_named() {
    // The baseline has no disruption: a rate multiplier scales nothing.
    let extra = vec![
        parse_axis("disruptions.rate_multiplier=0,2").unwrap(),
        parse_axis("port.alat.berths.rail_ferry=2,3").unwrap(),
    ];
    let study = Study::sweep(BASELINE_TOML, "baseline", None, extra, None).unwrap();
    let inert: Vec<String> = study.inert_axes().iter().map(|a| a.key.to_string()).collect();
    assert_eq!(inert, ["disruptions.rate_multiplier"]);
    // A disruption at rate 0 in the file: the multiplier alone changes
    // nothing, but it scales the rate another axis sets.
    let text = format!(
        "{BASELINE_TOML}\n[[disruption]]\nid = \"out\"\ntarget = \"port.alat\"\n\
         rate_per_year = 0\nduration_days = {{ dist = \"constant\", value = 3 }}\n"
    );
    let multiplier = || parse_axis("disruptions.rate_multiplier=1,2").unwrap();
    let study = Study::sweep(&text, "t", None, vec![multiplier()], None).unwrap();
    assert_eq!(study.inert_axes().len(), 1);
    let rate = parse_axis("disruption.out.rate_per_year=0,1").unwrap();
    let study = Study::sweep(&text, "t", None, vec![multiplier(), rate], None).unwrap();
    assert!(study.inert_axes().is_empty());
}

#[test]
fn a_one_valued_multiplier_with_nothing_to_scale_is_named() {
    let text = format!(
        "{BASELINE_TOML}\n[[disruption]]\nid = \"out\"\ntarget = \"port.alat\"\n\
         rate_per_year = 2\nduration_days = {{ dist = \"constant\", value = 3 }}\n"
    );
    let axes = |specs: &[&str]| specs.iter().map(|s| parse_axis(s).unwrap()).collect::<Vec<_>>();
    let named = |specs: &[&str]| {
        let study = Study::sweep(&text, "t", None, axes(specs), None).unwrap();
        study.inert_settings().iter().map(|a| a.key.to_string()).collect::<Vec<_>>()
    };
    let berths = "port.alat.berths.rail_ferry=2,3";
    // Another axis takes the rate to 0: the duration multiplier strikes
    // nothing at any point.
    let inert = ["disruptions.rate_multiplier=0", "disruptions.duration_multiplier=2", berths];
    assert_eq!(named(&inert), ["disruptions.duration_multiplier"]);
    // With the rate left, it scales something; a rate multiplier of 0 is
    // never inert (it takes the rates away); and 1 is no change to warn of.
    assert!(named(&["disruptions.duration_multiplier=2", berths]).is_empty());
    assert!(named(&["disruptions.rate_multiplier=0", berths]).is_empty());
    let one = ["disruptions.rate_multiplier=0", "disruptions.duration_multiplier=1", berths];
    assert!(named(&one).is_empty());
    // Where the rate is 0 at only some points, it is not inert.
    let some = ["disruptions.rate_multiplier=0,1", "disruptions.duration_multiplier=2"];
    assert!(named(&some).is_empty());
    // The escort force with escorts off sails at no value, the file's own
    // included; with escorts on at some point, it is a setting.
    let force = |v: u32| format!("interdiction.escort.escort_vessels={v}");
    let default = caspian_shipping::scenario::Escort::default().escort_vessels;
    for v in [default, default + 1] {
        assert_eq!(named(&[&force(v), berths]), ["interdiction.escort.escort_vessels"], "{v}");
        let on = [&force(v)[..], "interdiction.escort.enabled=0,1"];
        assert!(named(&on).is_empty(), "{v}");
    }
}

/// A line break in an `--axis` argument is refused, and shown written out
/// (`<U+000A>`), so that it cannot split the message.
#[test]
fn axis_arguments_with_line_breaks_are_shown_written_out() {
    for spec in [
        "port.alat.berths.rail_ferry=2,3\n4",
        "port.alat.berths.rail\n_ferry=2,3",
        "\nport.alat.berths.rail_ferry=2,3\t",
    ] {
        let e = parse_axis(spec).unwrap_err().to_string();
        assert!(e.contains("it holds a control or invisible character"), "{e}");
        assert!(!e.contains('\n') && !e.contains('\t') && e.contains("<U+000"), "{e}");
    }
    assert!(parse_axis(" port.alat.berths.rail_ferry = 2, 3 ").is_ok(), "spaces are fine");
}

/// An axis is inert where every value of it compiles to the same model,
/// whatever the scenario as written: the escort force with escorts off
/// (the baseline's) at every point; crossed with escorts on, the force
/// matters at the points that have them, and escorts themselves always do.
#[test]
fn an_axis_is_inert_where_its_values_compile_to_one_model() {
    let study = |axes: &[&str]| {
        let axes = axes.iter().map(|a| parse_axis(a).unwrap()).collect();
        Study::sweep(BASELINE_TOML, "baseline", None, axes, None).unwrap()
    };
    let keys = |s: &Study| s.inert_axes().iter().map(|a| a.key.to_string()).collect::<Vec<_>>();
    let force = "interdiction.escort.escort_vessels=2,4";
    assert_eq!(keys(&study(&[force])), ["interdiction.escort.escort_vessels"]);
    assert!(keys(&study(&[force, "interdiction.escort.enabled=0,1"])).is_empty());
    assert!(keys(&study(&["port.aktau.berths.tanker=1,2"])).is_empty());
}

/// A dredging at or after the horizon never takes effect; where it
/// deepens the port (over the depth the model has just before its day,
/// an earlier dredging's included) the warning says the metres it gains
/// are charged, and where it silts it says nothing of a charge.
#[test]
fn a_late_dredging_is_charged_only_for_what_it_deepens() {
    let dredge = |entries: &[(f64, f64)]| {
        let mut text = BASELINE_TOML.to_string();
        for (day, depth) in entries {
            text +=
                &format!("\n[[dredging]]\nport = \"aktau\"\nday = {day:?}\ndepth_m = {depth:?}\n");
        }
        Study::sweep(&text, "t", None, Vec::new(), None).unwrap().dredging_after_horizon()
    };
    // Aktau is 5.6 m in the baseline; 6.5 m from day 100.
    let deeper = dredge(&[(100.0, 6.5), (100000.0, 7.7)]);
    assert_eq!(deeper.len(), 1, "{deeper:?}");
    assert!(deeper[0].starts_with("dredging[1] of port aktau on day 100000"), "{deeper:?}");
    assert!(deeper[0].contains("yet the 1.2 m it gains are charged"), "{deeper:?}");
    // The file's order does not matter: the later day is what counts.
    let reversed = dredge(&[(100000.0, 7.7), (100.0, 6.5)]);
    assert!(reversed[0].starts_with("dredging[0] of port aktau"), "{reversed:?}");
    assert!(reversed[0].contains("yet the 1.2 m it gains are charged"), "{reversed:?}");
    // Alone, it gains over depth_m.
    assert!(dredge(&[(100000.0, 7.7)])[0].contains("yet the 2.1 m it gains"));
    // Silting after the horizon is not charged, and is not said to be.
    let silting = dredge(&[(100.0, 6.5), (100000.0, 6.0)]);
    assert_eq!(silting.len(), 1, "{silting:?}");
    assert!(!silting[0].contains("charged"), "{silting:?}");
    assert!(silting[0].contains("never takes effect in the run; date it"), "{silting:?}");
    // Inside the run: no warning.
    assert!(dredge(&[(100.0, 6.5)]).is_empty());
}
