//! `run --checkpoint` and `compare --checkpoint`: interrupted, the same
//! command goes on from the replications saved and ends bit-identical to
//! an uninterrupted one; a checkpoint is shared by commands that run the
//! same scenario; and anything that is not such a checkpoint is refused and
//! left as it is.

use std::time::Duration;

use crate::common::{fails, finish_within, ok, ok_output, read, scenario, scratch, spawn};

/// The arguments of `v` as `&str`s.
fn as_str(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Lines of the checkpoint `dir/name` (0 while it does not exist).
fn lines(dir: &std::path::Path, name: &str) -> usize {
    std::fs::read_to_string(dir.join(name)).map_or(0, |t| t.lines().count())
}

#[test]
fn an_interrupted_comparison_resumes_to_the_uninterrupted_result() {
    let dir = scratch("checkpoint_compare");
    let base = scenario("stress/random_outages.toml");
    let args = [
        "compare",
        &base,
        "--variant",
        "berth3:port.alat.berths.rail_ferry=3",
        "--vulnerability",
        "-n",
        "80",
    ];
    let with = |extra: &[&'static str]| -> Vec<String> {
        args.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let full = with(&["-q", "-t", "2", "--json", "full.json", "--tidy-csv", "full.csv"]);
    ok(&as_str(&full), &dir);

    // One thread saves every 32 replications of a scenario: the base's
    // first 32, the policy's, then the base's next 32, and stop.
    let cut = with(&["-t", "1", "--json", "cut.json", "--tidy-csv", "cut.csv"]);
    let mut first = cut.clone();
    first.extend(["--checkpoint", "cp.jsonl", "--interrupt-after-saves", "3"].map(String::from));
    let err = fails(&as_str(&first), &dir, 130);
    assert!(err.contains("checkpoint cp.jsonl keeps the replications"), "{err}");
    assert!(!dir.join("cut.json").exists(), "no result from a stopped comparison");
    assert_eq!(lines(&dir, "cp.jsonl"), 4, "a header and three saves");
    // A kill in the middle of a write tears the last line: it is computed
    // again.
    let mut text = std::fs::read_to_string(dir.join("cp.jsonl")).unwrap();
    text.push_str("{\"key\":\"80ed");
    std::fs::write(dir.join("cp.jsonl"), text).unwrap();

    let mut resume = cut.clone();
    resume.extend(["--checkpoint", "cp.jsonl"].map(String::from));
    let out = ok_output(&as_str(&resume), &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("96 replications read from the checkpoint"), "{err}");
    assert_eq!(read(&dir, "full.json"), read(&dir, "cut.json"));
    assert_eq!(read(&dir, "full.csv"), read(&dir, "cut.csv"));
    assert!(!dir.join("cp.jsonl").exists(), "the checkpoint is deleted once results are written");
}

/// A checkpoint names each scenario by what determines its replications,
/// so a run's checkpoint serves a comparison with that scenario as its
/// base, and one holding more replications serves a shorter run.
#[test]
fn a_checkpoint_serves_every_command_that_runs_the_same_scenario() {
    let dir = scratch("checkpoint_shared");
    let base = scenario("baseline.toml");
    let short = "scenario.horizon_days=90";
    let run = ["run", &base, "--set", short, "-n", "40", "-t", "1", "--checkpoint", "cp.jsonl"];
    let mut cut = run.to_vec();
    cut.extend(["--interrupt-after-saves", "1"]);
    fails(&cut, &dir, 130);
    assert_eq!(lines(&dir, "cp.jsonl"), 2, "a header and the first 32 replications");

    let compare = ["compare", &base, "--variant", "b:port.alat.berths.rail_ferry=3"];
    let mut plain = compare.to_vec();
    plain.extend(["--set", short, "-n", "40", "-q", "--json", "plain.json"]);
    ok(&plain, &dir);
    let mut saved = compare.to_vec();
    saved.extend(["--set", short, "-n", "40", "--json", "saved.json", "--checkpoint", "cp.jsonl"]);
    let err = String::from_utf8_lossy(&ok_output(&saved, &dir).stderr).into_owned();
    assert!(err.contains("32 replications read from the checkpoint"), "the base's: {err}");
    assert_eq!(read(&dir, "plain.json"), read(&dir, "saved.json"));

    // 40 saved serve -n 25 (its first 25), and the run ends as a plain one.
    let mut cut = run.to_vec();
    cut.extend(["--interrupt-after-saves", "2"]);
    fails(&cut, &dir, 130);
    let mut short_run = vec!["run", &base, "--set", short, "-n", "25", "-q"];
    short_run.extend(["--json", "plain_run.json"]);
    ok(&short_run, &dir);
    short_run[8] = "saved_run.json";
    short_run.extend(["--checkpoint", "cp.jsonl"]);
    ok(&short_run, &dir);
    assert_eq!(read(&dir, "plain_run.json"), read(&dir, "saved_run.json"));
}

#[test]
fn a_run_stopped_by_a_signal_keeps_its_replications_and_resumes_exactly() {
    let dir = scratch("checkpoint_signal");
    let base = scenario("baseline.toml");
    let args = ["run", &base, "--set", "scenario.horizon_days=60", "-n", "3000", "-t", "2"];
    let mut full = args.to_vec();
    full.extend(["-q", "--json", "full.json"]);
    ok(&full, &dir);
    let mut cut = args.to_vec();
    cut.extend(["--json", "cut.json", "--checkpoint", "cp.jsonl"]);
    let child = spawn(&cut, &dir);
    let start = std::time::Instant::now();
    while lines(&dir, "cp.jsonl") < 2 {
        assert!(start.elapsed().as_secs() < 120, "nothing saved in 120 s");
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(sent.success());
    let (code, err) = finish_within(child, Duration::from_secs(120), "an interrupted run");
    assert_eq!(code, 143, "SIGTERM's code, 128 + 15: {err}");
    assert!(err.contains("interrupted; no file was written"), "{err}");
    assert!(err.contains("run the same command again to go on from them"), "{err}");
    assert!(!dir.join("cut.json").exists());
    assert!(lines(&dir, "cp.jsonl") >= 2, "the checkpoint is kept");
    ok(&cut, &dir);
    assert_eq!(read(&dir, "full.json"), read(&dir, "cut.json"));
}

/// Anything at the checkpoint's path that is not such a checkpoint is
/// refused before any work and left as it is; so is a damaged value.
#[test]
fn what_is_not_a_checkpoint_is_refused_and_left_alone() {
    let dir = scratch("checkpoint_refused");
    let base = scenario("baseline.toml");
    let short = "scenario.horizon_days=60";
    let run = ["run", &base, "--set", short, "-n", "4", "-q", "--checkpoint"];
    let mine = "my notes, not a checkpoint\n";
    std::fs::write(dir.join("notes.txt"), mine).unwrap();
    let mut args = run.to_vec();
    args.push("notes.txt");
    let err = fails(&args, &dir, 2);
    assert!(
        err.contains("notes.txt is not a checkpoint of `caspian run`, `compare` or `optimize`")
    );
    assert!(err.contains("it is left as it is"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("notes.txt")).unwrap(), mine);

    // A sweep's checkpoint is another kind of file.
    let axis = "--axis=port.alat.berths.rail_ferry=2,3";
    let sweep = ["sweep", &base, "-n", "2", "-q", "--set", short, axis, "--json", "s.json"];
    let mut cut = sweep.to_vec();
    cut.extend(["--interrupt-after-points", "1"]);
    fails(&cut, &dir, 130);
    let before = read(&dir, "s.json.checkpoint");
    let mut args = run.to_vec();
    args.push("s.json.checkpoint");
    let err = fails(&args, &dir, 2);
    assert!(err.contains("its first line is of kind \"checkpoint\""), "{err}");
    assert_eq!(read(&dir, "s.json.checkpoint"), before);

    // A checkpoint already past what can be read back (a sparse file).
    let big = std::fs::File::create(dir.join("big.jsonl")).unwrap();
    big.set_len(2300 << 20).unwrap();
    drop(big);
    let mut args = run.to_vec();
    args.push("big.jsonl");
    let err = fails(&args, &dir, 2);
    assert!(err.contains("the file is 2.4 GB already, more than the 2 GiB"), "{err}");
    std::fs::remove_file(dir.join("big.jsonl")).unwrap();

    // A shard is rerun whole.
    let err = fails(
        &["run", &base, "--shard", "0/2", "--json", "p.json", "--checkpoint", "c.jsonl"],
        &dir,
        2,
    );
    assert!(err.contains("--shard"), "{err}");

    // A value no replication can give: named by line and KPI.
    let mut args = run.to_vec();
    args.extend(["c.jsonl", "--interrupt-after-saves", "1", "-t", "1"]);
    fails(&args, &dir, 130);
    let text = std::fs::read_to_string(dir.join("c.jsonl")).unwrap();
    let mut lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let names = lines[1]["kpi_names"].as_array().unwrap().clone();
    let at = names.iter().position(|k| k == "delivered_total.oil").unwrap();
    lines[1]["rows"][0]["values"][at] = (-1.0).into();
    let edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(dir.join("c.jsonl"), edited.join("\n") + "\n").unwrap();
    let err = fails(&args, &dir, 2);
    assert!(err.contains("checkpoint c.jsonl line 2: delivered_total.oil: -1"), "{err}");
    assert!(err.contains("delete it to start afresh"), "{err}");

    // Rows under the scenario's key that name other KPIs than it (a
    // hand-edited file): refused, not read into a result; their seal no
    // longer matches them.
    lines[1]["rows"][0]["values"][at] = 0.0.into();
    for keep in [0, 10] {
        let mut edited = lines.clone();
        let names: Vec<serde_json::Value> = names[..keep].to_vec();
        edited[1]["kpi_names"] = names.into();
        for r in edited[1]["rows"].as_array_mut().unwrap() {
            let values: Vec<serde_json::Value> = r["values"].as_array().unwrap()[..keep].to_vec();
            r["values"] = values.into();
        }
        let text: Vec<String> = edited.iter().map(|l| l.to_string()).collect();
        std::fs::write(dir.join("c.jsonl"), text.join("\n") + "\n").unwrap();
        let err = fails(&args, &dir, 2);
        assert!(
            err.contains("c.jsonl line 2: its rows do not match their seal (edited, or damaged)"),
            "{keep}: {err}"
        );
    }
}

/// A command that finishes deletes its checkpoint only when it used all
/// it held: a run of the base, sharing the checkpoint of an interrupted
/// comparison, leaves the policy's rows for the comparison.
#[test]
fn a_finished_command_keeps_the_rows_of_another() {
    let dir = scratch("checkpoint_kept");
    let base = scenario("baseline.toml");
    let short = "scenario.horizon_days=60";
    let compare = ["compare", &base, "--variant", "b:port.alat.berths.rail_ferry=3"];
    let mut cut = compare.to_vec();
    cut.extend(["--set", short, "-n", "40", "-t", "1", "--checkpoint", "cp.jsonl"]);
    let mut first = cut.clone();
    first.extend(["--interrupt-after-saves", "2"]);
    fails(&first, &dir, 130);
    let run = ["run", &base, "--set", short, "-n", "40", "--checkpoint", "cp.jsonl"];
    let err = String::from_utf8_lossy(&ok_output(&run, &dir).stderr).into_owned();
    assert!(err.contains("32 replications read from the checkpoint"), "{err}");
    assert!(
        err.contains("checkpoint cp.jsonl kept: it holds replications this command did not use"),
        "{err}"
    );
    let mut resume = cut.clone();
    resume.extend(["--json", "saved.json"]);
    let err = String::from_utf8_lossy(&ok_output(&resume, &dir).stderr).into_owned();
    assert!(
        err.contains("72 replications read from the checkpoint"),
        "the run's 40, the policy's 32: {err}"
    );
    assert!(!dir.join("cp.jsonl").exists(), "all used: deleted");
    let mut plain = compare.to_vec();
    plain.extend(["--set", short, "-n", "40", "-q", "--json", "plain.json"]);
    ok(&plain, &dir);
    assert_eq!(read(&dir, "plain.json"), read(&dir, "saved.json"));
}

/// An optimisation reads the rows a run of one of its portfolios saved,
/// and keeps the checkpoint for that run when it used fewer of them.
#[test]
fn an_optimisation_shares_a_checkpoint_and_keeps_rows_it_did_not_use() {
    let dir = scratch("checkpoint_optimize");
    let base = scenario("baseline.toml");
    let short = "scenario.horizon_days=60";
    let run = ["run", &base, "--set", short, "-n", "100", "-t", "1", "--checkpoint", "cp.jsonl"];
    let mut cut = run.to_vec();
    cut.extend(["--interrupt-after-saves", "2"]);
    fails(&cut, &dir, 130);
    let optimize = [
        "optimize",
        &base,
        "--set",
        short,
        "--decision",
        "port.alat.berths.rail_ferry=2..3",
        "--n0",
        "10",
        "--delta",
        "1e6",
        "-t",
        "2",
    ];
    let mut plain = optimize.to_vec();
    plain.extend(["-q", "-o", "plain.json"]);
    ok(&plain, &dir);
    let mut saved = optimize.to_vec();
    saved.extend(["-o", "saved.json", "--checkpoint", "cp.jsonl"]);
    let err = String::from_utf8_lossy(&ok_output(&saved, &dir).stderr).into_owned();
    assert!(err.contains("replications read from the checkpoint"), "{err}");
    assert!(err.contains("checkpoint cp.jsonl kept"), "{err}");
    assert_eq!(read(&dir, "plain.json"), read(&dir, "saved.json"));
    // The run goes on from its 64 rows, to its uninterrupted result.
    let mut whole = run.to_vec();
    whole.extend(["-q", "--json", "saved_run.json"]);
    ok(&whole, &dir);
    let plain_run = ["run", &base, "--set", short, "-n", "100", "-q", "--json", "plain_run.json"];
    ok(&plain_run, &dir);
    assert_eq!(read(&dir, "plain_run.json"), read(&dir, "saved_run.json"));
    // A checkpoint already past what can be read back (a sparse file) is
    // refused before any work, as by `run`.
    let big = std::fs::File::create(dir.join("big.jsonl")).unwrap();
    big.set_len(2300 << 20).unwrap();
    drop(big);
    let mut args = optimize.to_vec();
    args.extend(["-o", "big.json", "--checkpoint", "big.jsonl"]);
    let err = fails(&args, &dir, 2);
    assert!(err.contains("the file is 2.4 GB already, more than the 2 GiB"), "{err}");
    assert!(!dir.join("big.json").exists());
    std::fs::remove_file(dir.join("big.jsonl")).unwrap();
}

/// A comparison shards through its checkpoint: each shard saves its block
/// of every scenario's and twin's replications, and the comparison given
/// the shards' checkpoints joined end to end reads them all and gives the
/// result of one run; a shard writes nothing else.
#[test]
fn a_comparison_sharded_through_checkpoints_gives_the_result_of_one_run() {
    let dir = scratch("checkpoint_shards");
    let base = scenario("stress/random_outages.toml");
    let args = [
        "compare",
        &base,
        "--variant",
        "b3:port.alat.berths.rail_ferry=3",
        "--vulnerability",
        "-n",
        "40",
    ];
    let mut plain = args.to_vec();
    plain.extend(["-q", "--json", "plain.json"]);
    ok(&plain, &dir);
    let mut joined = Vec::new();
    for k in ["0/3", "1/3", "2/3"] {
        let part = format!("part-{}.jsonl", &k[..1]);
        let mut shard = args.to_vec();
        shard.extend(["--shard", k, "--checkpoint", &part]);
        let err = String::from_utf8_lossy(&ok_output(&shard, &dir).stderr).into_owned();
        assert!(err.contains(&format!("shard {k}: replications ")), "{err}");
        joined.extend(std::fs::read(dir.join(&part)).unwrap());
    }
    std::fs::write(dir.join("all.jsonl"), joined).unwrap();
    let mut all = args.to_vec();
    all.extend(["--json", "sharded.json", "--checkpoint", "all.jsonl"]);
    let err = String::from_utf8_lossy(&ok_output(&all, &dir).stderr).into_owned();
    assert!(err.contains("160 replications read from the checkpoint"), "2 x 2 x 40: {err}");
    assert_eq!(read(&dir, "plain.json"), read(&dir, "sharded.json"));
    assert!(!dir.join("all.jsonl").exists() && dir.join("part-0.jsonl").exists());
    // Shard 0 missing: its replications are computed, the others' read.
    let mut joined = std::fs::read(dir.join("part-2.jsonl")).unwrap();
    joined.extend(std::fs::read(dir.join("part-1.jsonl")).unwrap());
    std::fs::write(dir.join("all.jsonl"), joined).unwrap();
    let mut all = args.to_vec();
    all.extend(["--json", "gap.json", "--checkpoint", "all.jsonl"]);
    let err = String::from_utf8_lossy(&ok_output(&all, &dir).stderr).into_owned();
    assert!(
        err.contains("108 replications read from the checkpoint; 52 replications missing between them computed"),
        "shard 0 holds 13 of 40 of each of 4: {err}"
    );
    assert_eq!(read(&dir, "plain.json"), read(&dir, "gap.json"));
    // Shard 0 torn in its last line (killed mid-write), then the others:
    // the torn part is named, its replications computed, the rest read.
    let part0 = std::fs::read(dir.join("part-0.jsonl")).unwrap();
    let lines = part0.iter().filter(|&&b| b == b'\n').count();
    let mut joined = part0[..part0.len() - 40].to_vec();
    joined.extend(std::fs::read(dir.join("part-1.jsonl")).unwrap());
    joined.extend(std::fs::read(dir.join("part-2.jsonl")).unwrap());
    std::fs::write(dir.join("all.jsonl"), joined).unwrap();
    let mut all = args.to_vec();
    all.extend(["-q", "--json", "torn.json", "--checkpoint", "all.jsonl"]);
    let err = String::from_utf8_lossy(&ok_output(&all, &dir).stderr).into_owned();
    let warning = format!(
        "warning: checkpoint all.jsonl: an incomplete part (torn, or zero bytes) at line {lines}, \
         run on into the next part's header, was passed over"
    );
    assert!(err.contains(&warning), "shown with -q too: {err}");
    assert_eq!(read(&dir, "plain.json"), read(&dir, "torn.json"));
    // A shard writes only its checkpoint.
    let mut bad = args.to_vec();
    bad.extend(["--shard", "0/3", "--checkpoint", "p.jsonl", "--json", "x.json"]);
    let err = fails(&bad, &dir, 2);
    assert!(err.contains("--json cannot be combined with --shard"), "{err}");
    assert!(!dir.join("p.jsonl").exists(), "refused before any file");
}

/// A sweep's checkpoint that cannot be resumed says why in words: a
/// replication saved twice, rows edited or moved to another design point
/// (their seal), an empty file, a run's checkpoint.
#[test]
fn a_sweep_checkpoint_that_cannot_be_resumed_says_why() {
    let dir = scratch("sweep_checkpoint_words");
    let base = scenario("baseline.toml");
    let sweep = [
        "sweep",
        &base,
        "-n",
        "2",
        "-q",
        "--axis=weather.storm_rate_multiplier=1,2",
        "--set=scenario.horizon_days=60",
        "--json=s.json",
    ];
    let stop = ["--checkpoint=s.ck", "--interrupt-after-points=1"];
    let _ = crate::common::caspian(&[&sweep[..], &stop].concat(), &dir);
    let saved = std::fs::read_to_string(dir.join("s.ck")).unwrap();
    let last = saved.lines().last().unwrap();
    std::fs::write(dir.join("s.ck"), format!("{saved}{last}\n")).unwrap();
    let resume = |ck: &str| {
        let ck = format!("--checkpoint={ck}");
        fails(&[&sweep[..], &[ck.as_str(), "--resume"]].concat(), &dir, 2)
    };
    let err = resume("s.ck");
    assert!(err.contains("design point 0: replication 0 is saved twice"), "{err}");
    // A value a replication could give (undefined) typed over the first,
    // or the rows of point 0 moved to point 1: refused, not resumed from.
    let rows = saved.find('\n').unwrap(); // past the header, whose axes have values too
    let i = rows + saved[rows..].find("\"values\":[").unwrap() + "\"values\":[".len();
    let j = i + saved[i..].find(',').unwrap();
    std::fs::write(dir.join("n.ck"), format!("{}null{}", &saved[..i], &saved[j..])).unwrap();
    let sealed = "its rows do not match their seal (edited, or damaged); the file is damaged";
    let err = resume("n.ck");
    assert!(err.contains(&format!("line 2: design point 0: {sealed}")), "{err}");
    std::fs::write(dir.join("m.ck"), saved.replacen("\"point\":0,", "\"point\":1,", 1)).unwrap();
    let err = resume("m.ck");
    assert!(err.contains(&format!("line 2: design point 1: {sealed}")), "{err}");
    std::fs::write(dir.join("e.ck"), "").unwrap();
    assert!(resume("e.ck").contains("is empty (nothing was saved in it); delete it"));
    let run = ["run", "-n", "2", "-q", "--set=scenario.horizon_days=60", "--checkpoint=r.ck"];
    let _ = crate::common::caspian(&[&run[..], &["--interrupt-after-saves=1"]].concat(), &dir);
    let err = resume("r.ck");
    assert!(
        err.contains("r.ck is not a sweep's checkpoint: it is the checkpoint of `caspian run`"),
        "{err}"
    );
    // A result document, written over many lines, is named as one.
    let run = ["run", "-n", "2", "-q", "--set=scenario.horizon_days=60", "--json=r.json"];
    crate::common::ok(&run, &dir);
    let err = resume("r.json");
    assert!(
        err.contains("r.json is not a sweep's checkpoint: it is a result document (kind \"run\")"),
        "{err}"
    );
}

/// The scenario's warnings wait until every input is checked, the
/// checkpoint included: a command refused for its checkpoint says only why.
#[test]
fn a_refused_checkpoint_is_said_without_the_scenarios_warnings() {
    let dir = scratch("checkpoint_before_warnings");
    // A dated disruption inside the warm-up: warned of by every command.
    let text = format!(
        "[scenario]\nextends = \"{}\"\nname = \"early\"\nhorizon_days = 60\n\n\
         [[disruption]]\nid = \"early\"\ntarget = \"port.alat\"\nstart_day = 1.0\n\
         duration_days = {{ dist = \"constant\", value = 2.0 }}\n",
        scenario("baseline.toml").replace('\\', "/")
    );
    std::fs::write(dir.join("early.toml"), text).unwrap();
    std::fs::write(dir.join("notes.txt"), "my notes\n").unwrap();
    let run = ["run", "early.toml", "-n", "1", "-q"];
    for command in [
        &run[..],
        &["compare", "early.toml", "--variant", "v:port.alat.berths.rail_ferry=3", "-n", "1", "-q"],
    ] {
        let err = fails(&[command, &["--checkpoint", "notes.txt"]].concat(), &dir, 2);
        assert!(err.contains("notes.txt is not a checkpoint"), "{err}");
        assert!(!err.contains("warning"), "a warning before the refusal: {err}");
    }
    // The warning is there when nothing is refused.
    let out = crate::common::ok_output(&run, &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: early.toml: disruption early starts on day 1"), "{err}");
}
