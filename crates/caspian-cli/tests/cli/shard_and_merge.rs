//! `--shard` and `caspian merge`: the parts join into exactly the single result, and bad sets of parts are refused.

use std::process::Command;

use crate::common::{fails, ok, ok_output, read, scenario, scratch};

#[test]
fn shards_merge_into_exactly_the_single_run() {
    let dir = scratch("shards");
    ok(&["run", "-n", "50", "-q", "--json", "single.json", "--csv", "single.csv"], &dir);
    for k in 0..3 {
        let shard = format!("{k}/3");
        ok(&["run", "-n", "50", "-q", "--shard", &shard, "--json", &format!("p{k}.json")], &dir);
    }
    // Parts given out of order: merge sorts them by shard index.
    ok(
        &["merge", "p2.json", "p0.json", "p1.json", "-q", "--json", "m.json", "--csv", "m.csv"],
        &dir,
    );
    assert_eq!(read(&dir, "single.json"), read(&dir, "m.json"));
    assert_eq!(read(&dir, "single.csv"), read(&dir, "m.csv"));

    // The index can come from a Slurm array.
    let out = Command::new(env!("CARGO_BIN_EXE_caspian"))
        .args(["run", "-n", "50", "-q", "--shard", "auto/3", "--json", "slurm1.json"])
        .current_dir(&dir)
        .env("SLURM_ARRAY_TASK_ID", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(read(&dir, "p1.json"), read(&dir, "slurm1.json"));
}

#[test]
fn sweep_shards_merge_into_exactly_the_single_sweep() {
    let dir = scratch("sweep-shards");
    let base = scenario("baseline.toml");
    let axis = "--axis=weather.storm_rate_multiplier=1,2";
    let common = ["-n", "6", "-q", axis];
    let mut single = vec!["sweep", &base, "--json", "single.json"];
    single.extend(common);
    ok(&single, &dir);
    for k in 0..2 {
        let (shard, part) = (format!("{k}/2"), format!("p{k}.json"));
        let mut args = vec!["sweep", &base, "--shard", &shard, "--json", &part];
        args.extend(common);
        ok(&args, &dir);
    }
    ok(&["merge", "p0.json", "p1.json", "-q", "--json", "m.json"], &dir);
    assert_eq!(read(&dir, "single.json"), read(&dir, "m.json"));
    // Summarised on one thread or three, the merge is the same.
    for t in ["1", "3"] {
        let json = format!("m{t}.json");
        ok(&["merge", "p0.json", "p1.json", "-q", "-t", t, "--json", &json], &dir);
        assert_eq!(read(&dir, "single.json"), read(&dir, &json), "--threads {t}");
    }
    let err = fails(&["merge", "p0.json", "p1.json", "--threads", "0"], &dir, 2);
    assert!(err.contains("--threads"), "{err}");
}

#[test]
fn merge_refuses_missing_duplicate_and_foreign_parts() {
    let dir = scratch("merge-refuse");
    for k in 0..3 {
        let shard = format!("{k}/3");
        ok(&["run", "-n", "12", "-q", "--shard", &shard, "--json", &format!("p{k}.json")], &dir);
    }
    ok(&["run", "-n", "12", "-q", "--seed", "9", "--shard", "2/3", "--json", "other.json"], &dir);
    let err = fails(&["merge", "p0.json", "p2.json", "--json", "m.json"], &dir, 2);
    assert!(err.contains("missing shard(s) 1 of 3"), "{err}");
    let err = fails(&["merge", "p0.json", "p1.json", "p1.json", "p2.json"], &dir, 2);
    assert!(err.contains("shard 1/3 given more than once"), "{err}");
    let err = fails(&["merge", "p0.json", "p1.json", "other.json"], &dir, 2);
    assert!(err.contains("seed differs"), "{err}");
    assert!(!dir.join("m.json").exists(), "no output from a refused merge");
    // Too many threads is refused for a run's parts too, not only a sweep's.
    let err = fails(&["merge", "p0.json", "p1.json", "p2.json", "-t", "65535"], &dir, 2);
    assert!(err.contains("per available core"), "{err}");
    // KPI names swapped or renamed by hand in the first part (which no
    // other part is compared with before it) would file values under
    // other KPIs: refused.
    let part: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("p0.json")).unwrap()).unwrap();
    let names = part["records"][0]["kpi_names"].as_array().unwrap().clone();
    let at = |name: &str| names.iter().position(|k| k == name).unwrap();
    let (oil, lost) = (at("delivered_total.oil"), at("cargo_lost.oil"));
    let swap = vec![(oil, "cargo_lost.oil"), (lost, "delivered_total.oil")];
    for (edits, said) in [
        (swap, "KPI \"cargo_lost.teu\" follows \"delivered_total.oil\""),
        (vec![(oil, "delivered_total.zzz")], "\"delivered_total.zzz\" is no KPI caspian writes"),
    ] {
        let mut damaged = part.clone();
        for (at, name) in edits {
            damaged["records"][0]["kpi_names"][at] = name.into();
        }
        std::fs::write(dir.join("d0.json"), damaged.to_string()).unwrap();
        let err = fails(&["merge", "d0.json", "p1.json", "p2.json", "--json", "m.json"], &dir, 2);
        assert!(err.contains(&format!("d0.json: design point 0: {said}")), "{err}");
        assert!(err.contains("the file is damaged"), "{err}");
    }
    assert!(!dir.join("m.json").exists(), "no output from a refused merge");
    // Re-running just the missing shard completes the study.
    ok(&["merge", "p0.json", "p1.json", "p2.json", "-q", "--json", "m.json"], &dir);
}

#[test]
fn an_empty_shard_is_warned_of_and_a_bad_one_refused_before_any_warning() {
    let dir = scratch("shard-empty");
    // One replication over two shards: the first holds none. It is warned
    // of, still written, and the merge is exactly the single run.
    let out = ok_output(&["run", "-n", "1", "-q", "--shard", "0/2", "--json", "p0.json"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: shard 0/2 holds no replications: -n 1 split over 2"), "{err}");
    let out = ok_output(&["run", "-n", "1", "-q", "--shard", "1/2", "--json", "p1.json"], &dir);
    assert!(String::from_utf8_lossy(&out.stderr).is_empty(), "{out:?}");
    ok(&["run", "-n", "1", "-q", "--json", "single.json"], &dir);
    ok(&["merge", "p0.json", "p1.json", "-q", "--json", "m.json"], &dir);
    assert_eq!(read(&dir, "single.json"), read(&dir, "m.json"));
    // A sweep's empty shard too.
    let base = scenario("baseline.toml");
    let sweep = ["sweep", &base, "--axis=weather.storm_rate_multiplier=1,2", "-n", "1", "-q"];
    let mut args = sweep.to_vec();
    args.extend(["--shard", "0/3", "--json", "s0.json"]);
    let err = String::from_utf8_lossy(&ok_output(&args, &dir).stderr).into_owned();
    assert!(err.contains("warning: shard 0/3 holds no replications"), "{err}");
    // A comparison's shard too (its checkpoint is its part).
    let args =
        ["compare", &base, &base, "-n", "1", "-q", "--shard", "0/2", "--checkpoint", "c0.jsonl"];
    let err = String::from_utf8_lossy(&ok_output(&args, &dir).stderr).into_owned();
    assert!(err.contains("warning: shard 0/2 holds no replications"), "{err}");

    // A bad --shard is the only thing said: no warning about the scenario
    // (an override that changes nothing, an inert axis) comes before it.
    let inert = "--set=disruptions.duration_multiplier=2";
    let err = fails(&["run", "-n", "2", inert, "--shard", "2/2", "--json", "x.json"], &dir, 2);
    assert!(err.contains("--shard 2/2: the index counts from 0"), "{err}");
    assert!(!err.contains("warning"), "{err}");
    let axis = "--axis=disruptions.rate_multiplier=0,2";
    let args = ["sweep", &base, axis, inert, "-n", "2", "--shard", "2/2", "--json", "y.json"];
    let err = fails(&args, &dir, 2);
    assert!(err.contains("--shard 2/2: the index counts from 0"), "{err}");
    assert!(!err.contains("warning"), "{err}");
    assert!(!dir.join("x.json").exists() && !dir.join("y.json").exists());
}

/// The escort forces and warnings a part keeps come from the study, so
/// parts that disagree on them are damaged or foreign: refused. A part
/// with fewer warnings, a prefix of the others' (written before a sweep
/// kept its design warnings), still merges.
#[test]
fn merge_refuses_parts_disagreeing_on_forces_or_warnings() {
    use serde_json::{Value, json};
    let dir = scratch("merge-forces");
    let escorts = scenario("escort_convoys.toml");
    for k in 0..2 {
        let (shard, part) = (format!("{k}/2"), format!("p{k}.json"));
        let args = ["run", &escorts, "-n", "2", "-q", "--shard", &shard, "--json", &part];
        ok(&[&args[..], &["--set", "scenario.horizon_days=60"]].concat(), &dir);
    }
    let part = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
    };
    let (p0, p1) = (part("p0.json"), part("p1.json"));
    assert_eq!(p0["escort_forces"], json!([12]), "the file's force");
    // Each part edited (`None`: left out), then merged.
    let merge = |forces: [Option<Value>; 2], warnings: [Value; 2]| {
        for (k, (p, (f, w))) in
            [&p0, &p1].into_iter().zip(forces.into_iter().zip(warnings)).enumerate()
        {
            let mut d = p.clone();
            match f {
                Some(f) => d["escort_forces"] = f,
                None => {
                    d.as_object_mut().unwrap().remove("escort_forces");
                }
            }
            d["warnings"] = w;
            std::fs::write(dir.join(format!("d{k}.json")), d.to_string()).unwrap();
        }
        let out = crate::common::caspian(
            &["merge", "d0.json", "d1.json", "-q", "--json", "m.json"],
            &dir,
        );
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let twelve = || Some(json!([12]));
    let (none, one) = (json!([]), json!(["a warning"]));
    let (code, err) = merge([twelve(), Some(json!([3]))], [none.clone(), none.clone()]);
    assert!(
        code == Some(2) && err.contains("d1.json and d0.json keep different escort forces"),
        "{err}"
    );
    let (code, err) = merge([Some(json!([12, 4])), twelve()], [none.clone(), none.clone()]);
    assert!(
        code == Some(2)
            && err.contains(
                "d0.json: it keeps the escort force of 2 design points, but the study has 1"
            ),
        "{err}"
    );
    let (code, err) = merge([twelve(), twelve()], [json!(["this"]), json!(["that"])]);
    assert!(code == Some(2) && err.contains("keep different warnings for the same study"), "{err}");
    let twice = json!(["this", "this"]);
    let (code, err) = merge([twelve(), twelve()], [twice.clone(), twice]);
    assert!(code == Some(2) && err.contains("keeps the warning \"this\" twice"), "{err}");
    assert!(!dir.join("m.json").exists(), "no output from a refused merge");
    // A part without the forces, or with fewer warnings (a prefix), is one
    // an older build wrote: it merges, with the other part's.
    let (code, err) = merge([None, twelve()], [none.clone(), one.clone()]);
    assert_eq!(code, Some(0), "{err}");
    let merged = part("m.json");
    assert_eq!(merged["warnings"], one, "the longer list is kept");
}

/// The window a part's KPIs cover is sealed with its rows: parts edited to
/// another window (both alike, so that they agree) are refused as damaged,
/// not merged under a header that misstates what the figures cover. A
/// source edited to hold a newline and an escape stays on its line.
#[test]
fn merge_refuses_an_edited_window_and_keeps_a_source_on_its_line() {
    use serde_json::Value;
    let dir = scratch("merge-window");
    for k in 0..2 {
        let (shard, part) = (format!("{k}/2"), format!("p{k}.json"));
        ok(&["run", "-n", "4", "-q", "--shard", &shard, "--json", &part], &dir);
    }
    let edit = |change: &dyn Fn(&mut Value)| {
        for k in 0..2 {
            let text = std::fs::read_to_string(dir.join(format!("p{k}.json"))).unwrap();
            let mut d: Value = serde_json::from_str(&text).unwrap();
            change(&mut d);
            std::fs::write(dir.join(format!("e{k}.json")), d.to_string()).unwrap();
        }
    };
    edit(&|d| {
        d["window"]["warmup_days"] = 700.into();
        d["window"]["horizon_days"] = 800.into();
    });
    let err = fails(&["merge", "e0.json", "e1.json", "--json", "m.json"], &dir, 2);
    assert!(err.contains("do not match their seal"), "{err}");
    assert!(!dir.join("m.json").exists());
    edit(&|d| d["source"] = "x\ny\u{1b}[31mRED".into());
    let out = ok_output(&["merge", "e0.json", "e1.json"], &dir);
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap();
    assert!(first.contains("(x<U+000A>y<U+001B>[31mRED)"), "{first}");
}
