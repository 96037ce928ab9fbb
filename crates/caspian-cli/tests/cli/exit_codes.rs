//! Exit codes and messages on bad input, and fixed review findings.

use std::path::PathBuf;

use crate::common::{fails, ok, read, scenario, scratch};

#[test]
fn bad_input_exits_2_with_a_message_naming_the_problem() {
    let dir = scratch("bad");
    let err = fails(&["run", "no-such-file.toml"], &dir, 2);
    assert!(err.contains("cannot read no-such-file.toml"), "{err}");

    std::fs::write(dir.join("bad.toml"), caspian_shipping_broken()).unwrap();
    let err = fails(&["run", "bad.toml"], &dir, 2);
    assert!(err.contains("bad.toml") && err.contains("interdiction.incident_probability"), "{err}");
    let err = fails(&["validate", &scenario("baseline.toml"), "bad.toml"], &dir, 2);
    assert!(err.contains("interdiction.incident_probability"), "{err}");

    let err = fails(&["run", "-n", "3", "--json", "/nonexistent-dir/out.json"], &dir, 2);
    assert!(err.contains("cannot write /nonexistent-dir/out.json"), "{err}");
    let err =
        fails(&["sweep", &scenario("baseline.toml"), "--axis", "fleet.ghost.count=1,2"], &dir, 2);
    assert!(err.contains("fleet.ghost.count"), "{err}");
    let err = fails(&["run", "--shard", "3/3", "--json", "x.json"], &dir, 2);
    assert!(err.contains("below 3"), "{err}");
    let err = fails(&["run", "--shard", "auto/3", "--json", "x.json"], &dir, 2);
    assert!(err.contains("SLURM_ARRAY_TASK_ID"), "{err}");
    let err = fails(&["run", "--target-rel-halfwidth", "2"], &dir, 2);
    assert!(err.contains("--target-rel-halfwidth"), "{err}");
    fails(&["run", "--replications", "0"], &dir, 2);
    std::fs::write(dir.join("junk.json"), "{}").unwrap();
    let err = fails(&["merge", "junk.json"], &dir, 2);
    assert!(err.contains("junk.json"), "{err}");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
}

/// The baseline with an impossible probability.
fn caspian_shipping_broken() -> String {
    let text = std::fs::read_to_string(scenario("baseline.toml")).unwrap();
    let i = text.find("incident_probability").expect("baseline sets incident_probability");
    let end = i + text[i..].find('\n').unwrap();
    format!("{}incident_probability = 1.5{}", &text[..i], &text[end..])
}

#[test]
fn review_findings_stay_fixed() {
    let dir = scratch("review");
    let base = scenario("baseline.toml");

    // A damaged part (impossible shard index or count) is bad input, not a crash.
    ok(&["run", "-n", "6", "-q", "--shard", "0/2", "--json", "p0.json"], &dir);
    ok(&["run", "-n", "6", "-q", "--shard", "1/2", "--json", "p1.json"], &dir);
    let part = String::from_utf8(read(&dir, "p1.json")).unwrap();
    let bad_parts = [
        (part.replacen("\"index\":1", "\"index\":5", 1), "bad-index.json"),
        (part.replacen("\"count\":2", "\"count\":0", 1), "bad-count.json"),
    ];
    for (damaged, name) in bad_parts {
        assert_ne!(damaged, part, "{name}: the damage was applied");
        std::fs::write(dir.join(name), damaged).unwrap();
        let err = fails(&["merge", "p0.json", name], &dir, 2);
        assert!(err.contains("damaged"), "{err}");
    }
    // A huge shard count is a message naming the missing shards, not an
    // attempt to allocate a slot per shard (which aborted).
    let huge = part.replacen("\"count\":2", "\"count\":4294967295", 1);
    std::fs::write(dir.join("huge.json"), huge).unwrap();
    let err = fails(&["merge", "huge.json"], &dir, 2);
    assert!(err.contains("missing shard(s) 0, 2, 3,") && err.contains("in all"), "{err}");

    // Shards of the same study named by different spellings of its path merge.
    ok(&["run", &base, "-n", "6", "-q", "--shard", "0/2", "--json", "a0.json"], &dir);
    let dotted = format!("{}/./baseline.toml", PathBuf::from(&base).parent().unwrap().display());
    ok(&["run", &dotted, "-n", "6", "-q", "--shard", "1/2", "--json", "a1.json"], &dir);
    ok(&["merge", "a0.json", "a1.json", "-q", "--json", "a.json"], &dir);

    // More shards than replications: shard 0 is empty, the CSV still merges.
    ok(&["run", "-n", "1", "-q", "--shard", "0/2", "--json", "e0.json"], &dir);
    ok(&["run", "-n", "1", "-q", "--shard", "1/2", "--json", "e1.json"], &dir);
    ok(&["merge", "e0.json", "e1.json", "-q", "--json", "e.json", "--csv", "e.csv"], &dir);
    assert_eq!(String::from_utf8(read(&dir, "e.csv")).unwrap().lines().count(), 2);

    // A target on KPIs that do not exist is refused at once.
    let err =
        fails(&["run", "-q", "--target-rel-halfwidth", "0.01", "--primary", "nosuchkpi"], &dir, 2);
    assert!(err.contains("--primary nosuchkpi matches none of the"), "{err}");
    // An empty or blank pattern is named as such, not printed bare.
    for (option, pattern) in [("--kpi", ""), ("--primary", " ")] {
        let err = fails(&["run", "-n", "2", "-q", option, pattern], &dir, 2);
        assert!(err.contains(&format!("{option} '{pattern}' is empty: give a KPI name")), "{err}");
    }
    // A probability is a measure for --target and --rank, not a KPI pattern.
    let err = fails(&["run", "-n", "2", "-q", "--kpi", "P(service_level.wagons>=0.95)"], &dir, 2);
    assert!(err.contains("is the probability of a condition, not a KPI name"), "{err}");
    assert!(err.contains("caspian run --target 'service_level.wagons>=0.95'"), "{err}");

    // Sweep option clashes are refused before any work.
    let axis = "--axis=weather.storm_rate_multiplier=1,2";
    let err = fails(
        &["sweep", &base, axis, "--shard", "0/2", "--json", "s.json", "--csv", "s.csv"],
        &dir,
        2,
    );
    assert!(err.contains("caspian merge"), "{err}");
    let err =
        fails(&["sweep", &base, axis, "--json", "same.json", "--checkpoint", "same.json"], &dir, 2);
    assert!(err.contains("are the same file"), "{err}");
    std::fs::write(dir.join("left.json.checkpoint"), "{\"kind\":\"checkpoint\"}").unwrap();
    let err = fails(&["sweep", &base, axis, "-n", "2", "--json", "left.json"], &dir, 2);
    assert!(err.contains("add --resume"), "{err}");
}

/// The same key given twice with `--axis` would leave it unclear which
/// values ran: refused, naming the key (issue 13).
#[test]
fn an_axis_given_twice_is_refused() {
    let dir = scratch("axis-twice");
    let base = scenario("baseline.toml");
    let err = fails(
        &[
            "sweep",
            &base,
            "--axis",
            "port.alat.berths.rail_ferry=1",
            "--axis",
            "port.alat.berths.rail_ferry=3",
            "-n",
            "2",
        ],
        &dir,
        2,
    );
    assert!(err.contains("port.alat.berths.rail_ferry") && err.contains("twice"), "{err}");
    // An axis given on the command line is named by its option, not by the
    // scenario, whatever is wrong with it: a value twice, one no point can
    // take, a key no sweep takes.
    for (axis, said) in [
        ("fleet.oil_tankers.count=2,2", "value 2 is given twice"),
        ("fleet.oil_tankers.count=-1,2", "needs a whole non-negative number, got -1"),
        ("scenario.horizon_days=30,40", "is not a sweepable parameter"),
    ] {
        let err = fails(&["sweep", &base, "--axis", axis, "-n", "1"], &dir, 2);
        let key = axis.split('=').next().unwrap();
        assert!(err.starts_with(&format!("caspian: --axis {key}: ")), "{err}");
        assert!(err.contains(said), "{err}");
    }
}

/// `--threads 10000` used to take minutes to start its threads; above
/// eight per available core it is refused at once (issue 13).
#[test]
fn thread_counts_above_the_cap_are_refused() {
    let dir = scratch("threads-cap");
    let err = fails(&["run", "-n", "2", "--threads", "10000"], &dir, 2);
    assert!(err.contains("--threads 10000") && err.contains("per available core"), "{err}");
}

/// A raw escape byte in a scenario is quoted back by the parser's message:
/// the terminal sees `<U+001B>`, never the byte itself (issue 13, item 10).
#[test]
fn raw_control_bytes_in_a_file_never_reach_the_terminal() {
    let dir = scratch("raw-escape");
    std::fs::write(dir.join("esc.toml"), "[scenario]\nname = \"x\u{1b}[31mred\u{7}\"\n").unwrap();
    for cmd in ["validate", "run"] {
        let err = fails(&[cmd, "esc.toml"], &dir, 2);
        assert!(err.contains("<U+001B>"), "{err}");
        assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "raw control: {err:?}");
    }
}

/// `merge` refuses a part whose replication values no replication could
/// produce (a hand-edited or damaged part), instead of writing a document
/// its own readers then refuse (review finding).
#[test]
fn merge_refuses_replication_values_no_replication_produces() {
    let dir = scratch("merge-implausible");
    for k in 0..2 {
        let (shard, part) = (format!("{k}/2"), format!("p{k}.json"));
        ok(&["run", "-n", "4", "-q", "--shard", &shard, "--json", &part], &dir);
    }
    let mut doc: serde_json::Value = serde_json::from_slice(&read(&dir, "p1.json")).unwrap();
    let names = doc["records"][0]["kpi_names"].as_array().unwrap().clone();
    let at = names.iter().position(|n| n == "vessels_lost").expect("vessels_lost is a KPI");
    for bad in [serde_json::json!(-3.0), serde_json::json!(1.7e308)] {
        doc["records"][0]["rows"][0]["values"][at] = bad.clone();
        std::fs::write(dir.join("bad.json"), doc.to_string()).unwrap();
        let err = fails(&["merge", "p0.json", "bad.json", "--json", "m.json"], &dir, 2);
        assert!(err.contains("bad.json") && err.contains("vessels_lost"), "{bad}: {err}");
    }
    assert!(!dir.join("m.json").exists());
}

#[test]
fn option_numbers_are_refused_in_plain_words() {
    let dir = scratch("plain-options");
    let cases: &[(&[&str], &str)] = &[
        (&["run", "-n", "abc"], "expected a whole number from 1 to 1,000,000,000, got \"abc\""),
        (&["run", "-n", "0"], "expected a whole number from 1 to 1,000,000,000, got 0"),
        (&["run", "--seed", "1.5"], "expected a whole number, got \"1.5\""),
        (&["run", "-t", "0"], "expected a whole number from 1 to 65,535, got 0"),
        (&["warmup", "--every-h", "daily"], "expected a number such as"),
        (&["run", "--target-rel-halfwidth", "1%"], "expected a number such as"),
        // A negative number is the option's value, refused in its own words,
        // not taken for a flag.
        (&["run", "--seed", "-1"], "expected a whole number, got \"-1\""),
        (&["run", "-n", "-2"], "expected a whole number from 1 to 1,000,000,000, got \"-2\""),
        (&["run", "--target-rel-halfwidth", "-0.1"], "must be between 0 and 1"),
        // A huge number is written short, not in 301 digits.
        (&["run", "--target-rel-halfwidth", "1e300"], "(e.g. 0.01 for 1%), got 1e300"),
        (
            &[
                "optimize",
                "--decision",
                "port.alat.berths.rail_ferry=2..3",
                "--delta",
                "1",
                "--budget",
                "-5",
            ],
            "--budget: -5 is not a non-negative number",
        ),
        (
            &[
                "optimize",
                "--decision",
                "port.alat.berths.rail_ferry=2..3",
                "--delta",
                "1",
                "--outlay",
                "-5",
            ],
            "--outlay: -5 is not a non-negative number",
        ),
    ];
    for (args, expected) in cases {
        let err = fails(args, &dir, 2);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("invalid digit") && !err.contains("u64"), "{args:?}: {err}");
    }
}

/// `--report DIR` names a folder: an existing file is refused naming the
/// option, and, as for an output file, its parent folder must exist.
#[test]
fn a_report_folder_that_is_a_file_or_has_no_parent_is_refused() {
    let dir = scratch("report-folder");
    std::fs::write(dir.join("taken.txt"), "mine").unwrap();
    for taken in ["taken.txt", "taken.txt/"] {
        let err = fails(&["run", "-n", "2", "-q", "--report", taken], &dir, 2);
        assert!(err.contains(&format!("--report {taken}: not a folder")), "{err}");
    }
    assert_eq!(std::fs::read_to_string(dir.join("taken.txt")).unwrap(), "mine");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("nowhere", dir.join("dangling")).unwrap();
        let err = fails(&["run", "-n", "2", "-q", "--report", "dangling"], &dir, 2);
        assert!(err.contains("--report dangling: not a folder (a file, or a link to nothing)"));
    }
    let err = fails(&["run", "-n", "2", "-q", "--report", "no/such/folder"], &dir, 2);
    assert!(err.contains("--report no/such/folder: the folder it would go in does not exist"));
    assert!(!dir.join("no").exists(), "no parent folder was created");
}

/// `--primary` is checked like `--kpi`: a pattern matching no KPI is bad
/// input naming the closest, not rankings silently left out; and
/// `--max-replications` only applies with `--target-rel-halfwidth`.
#[test]
fn primary_patterns_and_the_replication_budget_are_checked() {
    let dir = scratch("primary");
    let base = scenario("baseline.toml");
    let runs: [&[&str]; 3] = [
        &["run", "-n", "20", "-q"],
        &["compare", &base, &base, "-n", "2", "-q"],
        &["sweep", &base, "-n", "2", "-q"],
    ];
    for run in runs {
        let args: Vec<&str> =
            run.iter().copied().chain(["--primary", "delivered_totl.*"]).collect();
        let e = fails(&args, &dir, 2);
        assert!(e.contains("--primary delivered_totl.* matches none of the"), "{e}");
        assert!(e.contains("(closest: delivered_total"), "{e}");
        let args: Vec<&str> = run.iter().copied().chain(["--max-replications", "10"]).collect();
        let e = fails(&args, &dir, 2);
        assert!(
            e.contains("--max-replications 10 only applies with --target-rel-halfwidth"),
            "{e}"
        );
    }
    // A comparison's direction overrides are KPI patterns too: a typo was
    // ignored, and the KPI ranked the schema's way.
    for option in ["--minimize", "--maximize"] {
        let e =
            fails(&["compare", &base, &base, "-n", "2", option, "delivred_total.wagons"], &dir, 2);
        assert!(e.contains(&format!("{option} delivred_total.wagons matches none of the")), "{e}");
        assert!(e.contains("(closest: delivered_total.wagons"), "{e}");
    }
    // A pattern that matches is taken, and the budget with its target.
    let args = ["run", "-n", "10", "-q", "--primary", "incidents", "--target-rel-halfwidth", "0.9"];
    let args: Vec<&str> = args.iter().copied().chain(["--max-replications", "20"]).collect();
    ok(&args, &dir);
}

/// A file whose `[[sweep]]` axis `validate` refuses is refused by every
/// command, not only by those that sweep it: a run, a comparison and a
/// sweep whose `--axis` replaces it.
#[test]
fn a_bad_sweep_axis_in_a_file_is_refused_by_every_command() {
    let dir = scratch("bad_file_axis");
    let text = format!(
        "[scenario]\nextends = \"{}\"\nname = \"dup\"\n\n[[sweep]]\nkey = \
         \"port.alat.berths.rail_ferry\"\nvalues = [3, 3]\n",
        scenario("baseline.toml").replace('\\', "/")
    );
    std::fs::write(dir.join("dup.toml"), text).unwrap();
    let said = "dup.toml: sweep axis port.alat.berths.rail_ferry: value 3 is given twice";
    let base = scenario("baseline.toml");
    for args in [
        &["validate", "dup.toml"][..],
        &["run", "dup.toml", "-n", "1"],
        &["compare", &base, "dup.toml", "-n", "1"],
        &["sweep", "dup.toml", "--axis", "fleet.oil_tankers.count=4,5", "-n", "1"],
    ] {
        let err = fails(args, &dir, 2);
        assert!(err.contains(said), "{args:?}: {err}");
    }
}
