//! The shipped stress tests (`scenarios/stress/`) through the binary: the
//! 30-day Baku closure lowers the wagon service level with a paired interval
//! below zero and reports its recovery, and scenarios with random
//! disruptions keep the reproducibility contract (threads, shards).

use crate::common::{fails, ok, read, scenario, scratch};

fn json(dir: &std::path::Path, name: &str) -> serde_json::Value {
    serde_json::from_slice(&read(dir, name)).unwrap()
}

#[test]
fn a_30_day_baku_closure_lowers_the_wagon_service_level_and_reports_recovery() {
    let dir = scratch("stress-baku");
    let (base, stress) = (scenario("baseline.toml"), scenario("stress/alat_closed_30d.toml"));
    ok(&["compare", &base, &stress, "-n", "60", "-q", "--json", "c.json"], &dir);
    let c = json(&dir, "c.json");
    let d = &c["differences"][0]["kpis"]["service_level.wagons"];
    assert!(d["ci95_high"].as_f64().unwrap() < 0.0, "service level not lowered: {d}");
    // Lower because trains are diverted once the yards fill.
    let diverted = &c["differences"][0]["kpis"]["diverted_total.wagons"];
    assert!(diverted["ci95_low"].as_f64().unwrap() > 0.0, "{diverted}");
    ok(&["run", &stress, "-n", "60", "-q", "--json", "r.json"], &dir);
    let r = json(&dir, "r.json");
    for id in ["alat_closed", "sangachal_closed"] {
        let s = &r["kpis"][format!("recovery_days.{id}")];
        // Both episodes end on 3 March, long before the horizon: every
        // replication recovers, after the episode.
        assert_eq!(s["n"], 60, "{id}: {s}");
        assert!(s["mean"].as_f64().unwrap() > 0.0, "{id}: {s}");
        assert_eq!(r["kpis"][format!("disruption_h.{id}")]["mean"], 720.0, "30 days");
    }
}

#[test]
fn random_disruptions_do_not_depend_on_threads_or_shards() {
    let dir = scratch("stress-random");
    let file = scenario("stress/random_outages.toml");
    for t in ["1", "2"] {
        ok(&["run", &file, "-n", "24", "-q", "-t", t, "--json", &format!("t{t}.json")], &dir);
    }
    assert_eq!(read(&dir, "t1.json"), read(&dir, "t2.json"));
    for k in 0..2 {
        let part = format!("p{k}.json");
        ok(&["run", &file, "-n", "24", "-q", "--shard", &format!("{k}/2"), "--json", &part], &dir);
    }
    ok(&["merge", "p0.json", "p1.json", "-q", "--json", "m.json"], &dir);
    assert_eq!(read(&dir, "t1.json"), read(&dir, "m.json"));
}

/// An episode late in the year does not always recover by the horizon: its
/// replication has no recovery time, so the mean is over the others and
/// biased low. The tables say so, with the count, in `run` and `compare`;
/// a KPI defined in every replication gets no such note.
#[test]
fn a_recovery_mean_over_some_replications_says_so_and_why() {
    let dir = scratch("stress-censored");
    let stress = scenario("stress/alat_closed_30d.toml");
    let late = "disruption.alat_closed.start_day=300";
    let common = ["-n", "8", "-q", "--set", late, "--kpi", "recovery_days.*", "--json"];
    let table = ok(&[&["run", &stress][..], &common, &["r.json"]].concat(), &dir);
    let r = json(&dir, "r.json");
    let n = r["kpis"]["recovery_days.alat_closed"]["n"].as_u64().unwrap();
    assert!(0 < n && n < 8, "the setting must leave some episodes unrecovered: n = {n}");
    let note = format!("note: recovery_days.alat_closed is defined in {n} of 8 replications");
    assert!(table.contains(&note), "{table}");
    assert!(
        table.contains("understates recovery time: read it with unrecovered.alat_closed"),
        "{table}"
    );
    // A target on it leaves the unrecovered years out of n, as unknown, and
    // says so with the bounds over every year: the episode ends in the
    // window every year, so those are the 8 - n others.
    let target = "recovery_days.alat_closed<=90";
    let args = ["run", &stress, "-n", "8", "-q", "--set", late, "--target", target];
    let out = ok(&args, &dir);
    let row = out.lines().find(|l| l.starts_with(target)).unwrap();
    let met: Vec<&str> = row.split_whitespace().nth(1).unwrap().split('/').collect();
    assert_eq!(met[1], n.to_string(), "{row}");
    let note = format!("note: {target}: {} more replications had an episode not recovered", 8 - n);
    assert!(out.contains(&note), "{out}");
    assert!(out.contains("over all 8, P(meet) lies between"), "{out}");
    // Sangachal's episode recovers in every replication: no note.
    assert_eq!(r["kpis"]["recovery_days.sangachal_closed"]["n"], 8);
    assert!(!table.contains("note: recovery_days.sangachal_closed"), "{table}");

    let variant = "berth3:port.alat.berths.rail_ferry=3";
    let args = [&["compare", &stress, "--variant", variant][..], &common, &["c.json"]].concat();
    let table = ok(&args, &dir);
    let c = json(&dir, "c.json");
    let pairs = c["differences"][0]["kpis"]["recovery_days.alat_closed"]["n"].as_u64().unwrap();
    assert!(pairs < 8, "{pairs}");
    let note = format!(
        "note: recovery_days.alat_closed is defined in both scenarios in {pairs} of 8 replications \
         (alat_closed_30d {n}, berth3 "
    );
    assert!(table.contains(&note), "{table}");
    assert!(table.contains(&format!("); the difference is over those {pairs} pairs")), "{table}");
    assert!(table.contains("compare unrecovered.alat_closed too"), "{table}");
    // The HTML report prints the same notes, and the CSV each scenario's
    // count beside the pairs'.
    ok(&["report", "r.json", "--out", "r.html"], &dir);
    let page = String::from_utf8(read(&dir, "r.html")).unwrap();
    assert!(page.contains(&format!("recovery_days.alat_closed is defined in {n} of 8")), "{page}");
    ok(&["report", "c.json", "--out", "c.html"], &dir);
    let page = String::from_utf8(read(&dir, "c.html")).unwrap();
    assert!(page.contains(&format!("in both scenarios in {pairs} of 8 replications")), "{page}");
    let args = [&["compare", &stress, "--variant", variant][..], &common, &["c2.json"]].concat();
    ok(&[&args[..], &["--csv", "c.csv"]].concat(), &dir);
    let csv = String::from_utf8(read(&dir, "c.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",n,base_n,policy_n"), "{csv}");
    let row = csv.lines().find(|l| l.starts_with("berth3,recovery_days.alat_closed,")).unwrap();
    assert!(row.contains(&format!(",{pairs},{n},")), "{row}");

    let axis = "port.alat.berths.rail_ferry=2,3";
    let args = [&["sweep", &stress, "--axis", axis][..], &common, &["s.json"]].concat();
    let table = ok(&args, &dir);
    let note = format!(
        "note: recovery_days.alat_closed is not defined in every replication at 2 of 2 points \
         (point 0: {n} of 8, point 1: "
    );
    assert!(table.contains(&note), "{table}");
    assert!(table.contains("read unrecovered.alat_closed beside it"), "{table}");
    assert!(!table.contains("note: recovery_days.sangachal_closed"), "{table}");
}

/// `paired_recovery` measures recovery against the same replication
/// without the disruptions: a 15-minute closure (which changes almost
/// nothing) is back at the first hourly sample after it, where the
/// unpaired measure waits for the corridor's own swings; its count of
/// unrecovered episodes is shown beside it though zero; and a late closure
/// gets the unpaired measure's note, naming the paired count.
#[test]
fn paired_recovery_removes_the_floor_and_is_read_with_its_own_count() {
    let dir = scratch("stress-paired");
    let stress = scenario("stress/alat_closed_30d.toml");
    let short = r#"disruption.alat_closed.duration_days={ dist = "constant", value = 0.01 }"#;
    let args = [
        "run",
        &stress,
        "-n",
        "30",
        "-q",
        "--set",
        "scenario.paired_recovery=true",
        "--set",
        short,
        "--kpi",
        "recovery*",
        "--kpi",
        "unrecovered*",
        "--json",
        "r.json",
    ];
    let table = ok(&args, &dir);
    let r = json(&dir, "r.json");
    let paired = &r["kpis"]["recovery_paired_days.alat_closed"];
    // Day 60 plus 14.4 minutes: the next sample is 45.6 minutes on.
    assert_eq!(paired["n"], 30, "{paired}");
    assert_eq!(paired["sd"], 0.0, "the same in every replication: {paired}");
    let v = paired["mean"].as_f64().unwrap();
    assert!((v - 45.6 / 1440.0).abs() < 1e-9, "{v}");
    let plain = &r["kpis"]["recovery_days.alat_closed"];
    assert!(plain["p95"].as_f64().unwrap() > 1.0, "the unpaired floor: {plain}");
    assert!(table.contains("unrecovered_paired.alat_closed"), "{table}");

    let late = "disruption.alat_closed.start_day=300";
    let args = [
        "run",
        &stress,
        "-n",
        "8",
        "-q",
        "--set",
        "scenario.paired_recovery=true",
        "--set",
        late,
        "--kpi",
        "recovery_paired_days.*",
    ];
    let table = ok(&args, &dir);
    assert!(table.contains("read it with unrecovered_paired.alat_closed"), "{table}");
    // A recovery of 0 in every replication (the tank farm absorbs BTC's 14
    // days) is a finding: shown, with its count, not hidden as void.
    let btc = scenario("stress/btc_outage_14d.toml");
    let args = [
        "run",
        &btc,
        "-n",
        "4",
        "-q",
        "--set",
        "scenario.paired_recovery=true",
        "--kpi",
        "*recover*",
    ];
    let table = ok(&args, &dir);
    for k in ["recovery_paired_days.btc_outage", "unrecovered_paired.btc_outage"] {
        assert!(table.lines().any(|l| l.starts_with(k)), "{k}:\n{table}");
    }
    assert!(!table.contains("hidden"), "{table}");
    // Without the setting there is no paired KPI, and a pattern for it says so.
    let out = fails(&["run", &stress, "-n", "2", "-q", "--kpi", "recovery_paired_days.*"], &dir, 2);
    assert!(out.contains("recovery_paired_days"), "{out}");
}

/// A KPI family the scenario has no member of (no disruptions, so no
/// recovery times) is named as such, not answered with unrelated names;
/// a misspelt name of a family that is there still gets the closest names.
#[test]
fn a_pattern_for_a_family_the_scenario_lacks_says_so() {
    let dir = scratch("stress-absent-family");
    for pattern in ["recovery_days.*", "recovery_days.alat_closed"] {
        let err = fails(&["run", "-n", "2", "-q", "--kpi", pattern], &dir, 2);
        assert!(err.contains("this scenario has no KPI of recovery_days.<disruption>"), "{err}");
        assert!(!err.contains("closest"), "{err}");
    }
    let err = fails(&["run", "-n", "2", "-q", "--kpi", "transit_h.wagon.p95"], &dir, 2);
    assert!(err.contains("(closest: transit_h.wagons.p95"), "{err}");
    // A family's bare stem is offered as the family; a pattern that starts
    // with `*` is not compared with the names' beginnings.
    let err = fails(&["run", "-n", "2", "-q", "--kpi", "cost"], &dir, 2);
    assert!(err.contains("(closest: cost.*"), "{err}");
    let err = fails(&["run", "-n", "2", "-q", "--kpi", "*recovery*"], &dir, 2);
    assert!(!err.contains("closest"), "{err}");
    // merge checks its patterns as run does.
    for k in 0..2 {
        let shard = format!("{k}/2");
        ok(&["run", "-n", "4", "-q", "--shard", &shard, "--json", &format!("p{k}.json")], &dir);
    }
    let err = fails(&["merge", "p0.json", "p1.json", "-q", "--kpi", "load_factr.*"], &dir, 2);
    assert!(err.contains("(closest: load_factor*"), "{err}");

    // In a comparison: KPIs only the policy has are named as such, for
    // --primary as for --kpi; KPIs only the base has pair nothing, and the
    // table says so.
    let (base, stress) = (scenario("baseline.toml"), scenario("stress/alat_closed_30d.toml"));
    let err = fails(
        &["compare", &base, &stress, "-n", "2", "-q", "--primary", "recovery_days.*"],
        &dir,
        2,
    );
    assert!(
        err.contains("--primary recovery_days.* matches only KPIs that the base lacks"),
        "{err}"
    );
    let table = ok(&["compare", &stress, &base, "-n", "2", "-q", "--kpi", "recovery_days.*"], &dir);
    assert!(
        table.contains(
            "note: --kpi recovery_days.* matches KPIs of the base that \"baseline\" lacks"
        ),
        "{table}"
    );
}

/// A KPI the base defines in every replication and a variant in none is
/// shown with a note giving each scenario's count, not hidden as "zero or
/// undefined in every replication of every scenario".
#[test]
fn a_kpi_one_scenario_never_defines_is_shown_with_each_count() {
    let dir = scratch("stress-one-sided");
    let stress = scenario("stress/alat_closed_30d.toml");
    let variant = "v350:disruption.alat_closed.start_day=350";
    let args =
        ["compare", &stress, "--variant", variant, "-n", "6", "-q", "--kpi", "recovery_days.*"];
    let table = ok(&args, &dir);
    assert!(table.contains("recovery_days.alat_closed "), "{table}");
    assert!(
        table.contains(
            "note: recovery_days.alat_closed is defined in both scenarios in none of the 6 \
             replications (alat_closed_30d 6, v350 0): no paired difference"
        ),
        "{table}"
    );
    assert!(!table.contains("KPI hidden"), "{table}");
}

/// `compare --one-off` runs every scenario again without its dated
/// disruptions. The 2030 BTK outage is `demand_2030.toml` plus one dated
/// disruption, so its twins are that file and its variant, with the same
/// random numbers: the net benefit without the event is that comparison's
/// NPV over the annuity factor, and the break-even frequency is the ratio
/// of the two nets.
#[test]
fn one_off_values_a_policy_against_the_event_under_the_same_random_numbers() {
    let dir = scratch("stress-one-off");
    let (base, stress) =
        (scenario("demand_2030.toml"), scenario("stress/btk_outage_21d_2030.toml"));
    let variant = "yard:storage.alat_yard_west.capacity=2400";
    let common = ["--variant", variant, "-n", "6", "-q", "--json"];
    let table = ok(&[&["compare", &stress, "--one-off"][..], &common, &["s.json"]].concat(), &dir);
    ok(&[&["compare", &base][..], &common, &["b.json"]].concat(), &dir);
    let (s, b) = (json(&dir, "s.json"), json(&dir, "b.json"));
    let per_year = |doc: &serde_json::Value| {
        let e = &doc["economics"];
        e["policies"][0]["npv"]["mean"].as_f64().unwrap() / e["annuity_factor"].as_f64().unwrap()
    };
    let o = &s["economics"]["one_off"];
    assert_eq!(o["event"], serde_json::json!(["btk_outage"]), "{o}");
    assert_eq!(o["window_years"], 1.0);
    let p = &o["policies"][0];
    let (with, without) = (p["net_with_event"]["mean"].as_f64().unwrap(), per_year(&b));
    // Equal but for the rounding of the NPV's product with the annuity factor.
    let twin = p["net_without_event"]["mean"].as_f64().unwrap();
    assert!((twin - without).abs() <= 1e-12 * without.abs(), "{twin} {without}");
    assert!((with - per_year(&s)).abs() <= 1e-9 * with.abs(), "{with} {}", per_year(&s));
    // The yard keeps the wagons the outage would divert, but in a year
    // without it avoids nothing and costs its capital.
    assert!(without < 0.0 && with > without, "{p}");
    let f = &p["break_even"];
    assert_eq!(f["status"], "at_least", "{f}");
    let expected = -without / (with - without);
    assert!((f["mean"].as_f64().unwrap() - expected).abs() < 1e-12 * expected, "{f} {expected}");
    let low = f["ci95_low"].as_f64().unwrap();
    assert!(low < expected && expected < f["ci95_high"].as_f64().unwrap(), "{f}");
    assert!(table.contains("one-off event (btk_outage): every scenario"), "{table}");
    assert!(table.contains("pays if it strikes at least once in"), "{table}");
    // Without --one-off the document has no valuation, and the warning
    // points to the option.
    let plain = ok(&[&["compare", &stress][..], &common, &["p.json"]].concat(), &dir);
    assert!(json(&dir, "p.json")["economics"].get("one_off").is_none());
    assert!(plain.contains("value a one-off event with --one-off"), "{plain}");
    assert!(table.contains("the one-off table values it as one event instead"), "{table}");
    assert!(!table.contains("value a one-off event with --one-off"), "{table}");
    // A damaged valuation is refused by name when the document is read.
    let mut damaged = s.clone();
    damaged["economics"]["one_off"]["policies"][0]["scenario"] = 7.into();
    std::fs::write(dir.join("d.json"), damaged.to_string()).unwrap();
    let err = fails(&["report", "d.json", "--out", "d.html"], &dir, 2);
    assert!(err.contains("economics.one_off.policies[0].scenario"), "{err}");
    let mut damaged = s.clone();
    damaged["economics"]["one_off"]["policies"][0]["break_even"]["mean"] = (-5.0).into();
    std::fs::write(dir.join("e.json"), damaged.to_string()).unwrap();
    let err = fails(&["report", "e.json", "--out", "e.html"], &dir, 2);
    assert!(err.contains("economics.one_off.policies[0].break_even"), "{err}");
    let mut damaged = s.clone();
    damaged["economics"]["one_off"]["policies"][0]["net_without_event"]["mean"] = 5.0.into();
    std::fs::write(dir.join("f.json"), damaged.to_string()).unwrap();
    let err = fails(&["report", "f.json", "--out", "f.html"], &dir, 2);
    assert!(err.contains("break_even.status") && err.contains("at_least with"), "{err}");
    // The twins' replications are in the tidy CSV.
    let tidy =
        [&["compare", &stress, "--one-off"][..], &common[..4], &["--tidy-csv", "t.csv"]].concat();
    ok(&tidy, &dir);
    let csv = String::from_utf8(read(&dir, "t.csv")).unwrap();
    assert!(csv.contains("yard without the event,"), "{}", &csv[..400]);
}

/// `--one-off` needs a dated event in the base, and the same one in every
/// policy: said before any replication runs.
#[test]
fn one_off_refuses_a_base_without_a_dated_event_or_a_policy_with_another() {
    let dir = scratch("stress-one-off-errors");
    let base = scenario("baseline.toml");
    let variant = "berth3:port.alat.berths.rail_ferry=3";
    let err = fails(&["compare", &base, "--variant", variant, "--one-off", "-q"], &dir, 2);
    assert!(err.contains("\"baseline\" (") && err.contains("has none"), "{err}");
    // Random episodes are not an event: random_outages has none either.
    let random = scenario("stress/random_outages.toml");
    let err = fails(&["compare", &random, "--variant", variant, "--one-off", "-q"], &dir, 2);
    assert!(err.contains("\"random_outages\" (") && err.contains("has none"), "{err}");
    let (closure, btk) =
        (scenario("stress/alat_closed_30d.toml"), scenario("stress/btk_outage_21d.toml"));
    let err = fails(&["compare", &closure, &btk, "--one-off", "-q"], &dir, 2);
    assert!(
        err.contains(
            "--one-off needs the event of the base in every scenario, but \"btk_outage_21d\""
        ) && err.contains("has btk_outage where the base \"alat_closed_30d\"")
            && err.contains("has alat_closed, sangachal_closed"),
        "{err}"
    );
}

/// `--one-off` refuses an event the window does not hold, and warns when
/// one is not recovered by the horizon (its cost after it is left out) or
/// when a policy changes the event itself.
#[test]
fn one_off_checks_the_window_and_the_events_recovery() {
    let dir = scratch("stress-one-off-window");
    let btk = scenario("stress/btk_outage_21d.toml");
    let variant = "yard:storage.alat_yard_west.capacity=2400";
    let args = ["compare", &btk, "--variant", variant, "--one-off", "-n", "4", "-q"];
    let early = [&args[..], &["--set", "disruption.btk_outage.start_day=10"]].concat();
    let err = fails(&early, &dir, 2);
    assert!(err.contains("starts on day 10, inside the warm-up, which ends 30"), "{err}");
    let late = [&args[..], &["--set", "disruption.btk_outage.start_day=380", "--json", "l.json"]];
    let table = ok(&late.concat(), &dir);
    assert!(
        table.contains(
            "warning: the event's disruption btk_outage is not recovered by the horizon in"
        ),
        "{table}"
    );
    let doc = json(&dir, "l.json");
    let warning = doc["economics"]["one_off"]["warnings"][0].as_str().unwrap();
    assert!(warning.contains("unrecovered.btk_outage"), "{warning}");
    // Late in the window: it can start earlier, or the horizon be longer;
    // and the plain measure's band may be out of reach whatever the horizon.
    assert!(
        warning.contains(
            "; start it earlier (--set disruption.btk_outage.start_day=DAY, the window starts \
             at day 30) or lengthen the horizon (--set scenario.horizon_days=DAYS, now 395) so \
             that the window holds its recovery (if the disruption's backlog is long gone"
        ),
        "{warning}"
    );
    assert!(warning.ends_with("--set scenario.paired_recovery=true counts against the same replication without the disruption)"), "{warning}");
    // A scenario that pairs its recoveries is judged against the same year
    // without the event: what the cost after the horizon depends on.
    let paired = [&late.concat()[..], &["--set", "scenario.paired_recovery=true"]].concat();
    ok(&paired, &dir);
    let warning = json(&dir, "l.json")["economics"]["one_off"]["warnings"][0].to_string();
    assert!(warning.contains("(unrecovered_paired.btk_outage)"), "{warning}");
    assert!(!warning.contains("paired_recovery=true"), "{warning}");
    // Early in the window and still not recovered: the recovery outlasts
    // the window; starting earlier would not help.
    let long = [
        &args[..],
        &["--set", "disruption.btk_outage.start_day=32", "--set"],
        &["disruption.btk_outage.duration_days={ dist = \"constant\", value = 360 }"],
        &["--json", "e.json"],
    ];
    ok(&long.concat(), &dir);
    let warning = json(&dir, "e.json")["economics"]["one_off"]["warnings"][0].to_string();
    assert!(
        warning.contains(
            "; its recovery outlasts what is left of the window after it starts (it starts \
             within a week of the window's start, day 30, so starting it earlier would not \
             help): lengthen the horizon (--set scenario.horizon_days=DAYS, now 395)"
        ),
        "{warning}"
    );
    // A policy that moves the event is another event: refused. One that
    // changes its consequence is valued, with a warning that the change is
    // unpriced.
    let moved = "moved:disruption.btk_outage.start_day=60";
    let err = fails(&["compare", &btk, "--variant", moved, "--one-off", "-n", "4", "-q"], &dir, 2);
    assert!(err.contains("gives the event's disruption btk_outage another start_day"), "{err}");
    let shorter = "shorter:disruption.btk_outage.scale=0.5";
    let table = ok(&["compare", &btk, "--variant", shorter, "--one-off", "-n", "4", "-q"], &dir);
    assert!(
        table.contains("\"shorter\" gives the event's disruption btk_outage another scale")
            && table.contains("the model puts no price on that change"),
        "{table}"
    );
    // The event at another place in a policy's list would draw from
    // another random stream: refused.
    let file = dir.join("shifted.toml");
    let baseline = scenario("baseline.toml");
    let text = format!(
        "[scenario]\nextends = {baseline:?}\nname = \"shifted\"\n\n[[disruption]]\nid = \"quiet\"\n\
         target = \"port.aktau\"\nrate_per_year = 0.001\nduration_days = {{ dist = \"constant\", \
         value = 1 }}\n\n[[disruption]]\nid = \"btk_outage\"\ntarget = \"outflow.btk_railway\"\n\
         start_day = 31\nduration_days = {{ dist = \"constant\", value = 21 }}\n"
    );
    std::fs::write(&file, text).unwrap();
    let err = fails(&["compare", &btk, "shifted.toml", "--one-off", "-n", "2", "-q"], &dir, 2);
    assert!(err.contains("lists the event's disruptions at other places than the base"), "{err}");
    assert!(err.contains("btk_outage at place 2 against btk_outage at place 1"), "{err}");
}

/// A dated disruption that starts in the warm-up is measured only from the
/// warm-up's end, and one at the horizon does nothing: `run` says so on
/// standard error (`compare --one-off` refuses both), and says nothing of
/// the shipped stress test, which starts in the window.
#[test]
fn a_dated_disruption_outside_the_window_is_warned_of() {
    let dir = scratch("stress-window");
    let stress = scenario("stress/btk_outage_21d.toml");
    let warned = |day: &str| {
        let set = format!("disruption.btk_outage.start_day={day}");
        let args = ["run", &stress, "-n", "1", "-q", "--set", &set, "--kpi", "disruption_h.*"];
        let out = crate::common::ok_output(&args, &dir);
        String::from_utf8(out.stderr).unwrap()
    };
    let early = warned("10");
    assert!(
        early.contains(
            "disruption btk_outage starts on day 10, inside the warm-up, which ends on day 30: \
             what it does before then is not measured"
        ),
        "{early}"
    );
    assert!(!early.contains("filling from empty"), "{early}");
    // In the run's first week the level before is a corridor filling up.
    let first_week = warned("2");
    assert!(first_week.contains("a corridor still filling from empty"), "{first_week}");
    assert!(first_week.contains("recovery_paired_days"), "{first_week}");
    // In the first week without a warm-up too.
    let args = ["run", &stress, "-n", "1", "-q", "--kpi", "disruption_h.*", "--set"];
    let sets = ["scenario.warmup_days=0", "--set", "disruption.btk_outage.start_day=3"];
    let out = crate::common::ok_output(&[&args[..], &sets[..]].concat(), &dir);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("starts on day 3, in the run's first week: its recovery_days"), "{err}");
    let late = warned("395");
    assert!(late.contains("at or after the horizon, day 395: it does nothing"), "{late}");
    assert!(!warned("31").contains("warning"), "the shipped day 31 is in the window");
}

/// A 21-day BTK stop moves no delivery (the Alat yard absorbs it), so the
/// headline carries the wait for the link and the total cost: the link
/// wait that changes is the Alat westbound yard's, not the base's worst
/// (its container yard).
#[test]
fn a_link_outage_shows_in_the_headline_by_its_wait_and_cost() {
    let dir = scratch("stress-headline");
    let (base, stress) = (scenario("baseline.toml"), scenario("stress/btk_outage_21d.toml"));
    let out = ok(&["compare", &base, &stress, "-n", "4", "-q"], &dir);
    let headline = headline_of(&out);
    for kpi in ["service_level.wagons", "link_wait_h.alat_yard_west", "cost.total_per_year"] {
        assert!(headline.contains(&kpi), "{kpi} not in {headline:?}");
    }
    assert!(!headline.contains(&"link_wait_h.alat_container_yard"), "{headline:?}");
    // An investment: a third Alat berth at 2030 demand shortens the
    // ferries' wait at Alat and lengthens the wagons' at the Alat yard
    // (the faster ferries fill it): the waits that change, not the worst.
    let demand = scenario("demand_2030.toml");
    let berth = "berth3:port.alat.berths.rail_ferry=3";
    let out = ok(&["compare", &demand, "--variant", berth, "-n", "6", "-q"], &dir);
    let headline = headline_of(&out);
    for kpi in ["anchorage_wait_h.alat.rail_ferry", "link_wait_h.alat_yard_west"] {
        assert!(headline.contains(&kpi), "{kpi} not in {headline:?}");
    }
}

/// The first column of the rows under `headline` in a table.
fn headline_of(out: &str) -> Vec<&str> {
    out.lines()
        .skip_while(|l| *l != "headline")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect()
}

/// `warmup` on a stress test warns that its series hold the dated events
/// (MSER-5 reads an event as start-up bias); on the baseline it does not.
#[test]
fn warmup_warns_of_the_dated_events_in_its_series() {
    let dir = scratch("warmup_dated");
    let said = "warning: the series hold the scenario's dated disruptions alat_closed (day 31), \
                sangachal_closed (day 31)";
    let stress = scenario("stress/alat_closed_30d.toml");
    let out = ok(&["warmup", &stress, "-n", "2", "-t", "1", "-q"], &dir);
    assert!(out.contains(said), "{out}");
    let out = ok(&["warmup", "-n", "2", "-t", "1", "-q"], &dir);
    assert!(!out.contains("dated disruption"), "{out}");
}

/// `--one-off` warns of a policy that carries less than the base without
/// the event (the railway cut back): the event has less to cost it, so its
/// break-even says as much about its cargo as about the event.
#[test]
fn one_off_warns_of_a_policy_that_carries_less() {
    let dir = scratch("stress-one-off-tonnage");
    let btk = scenario("stress/btk_outage_21d.toml");
    let cut = "cut:outflow.btk_railway.capacity_t_per_year=2000000";
    let args =
        ["compare", &btk, "--variant", cut, "--one-off", "-n", "4", "-q", "--json", "t.json"];
    ok(&args, &dir);
    let warnings = json(&dir, "t.json")["economics"]["one_off"]["warnings"].to_string();
    assert!(
        warnings.contains("\\\"cut\\\" carries ")
            && warnings
                .contains("t less than the base over the reporting window without the event")
            && warnings.contains("% less; delivered_t.total): the event has that much less"),
        "{warnings}"
    );
}
