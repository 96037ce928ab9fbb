//! `--shard` and `caspian merge`: the parts join into exactly the single result, and bad sets of parts are refused.

use std::process::Command;

use crate::common::{fails, ok, read, scenario, scratch};

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
    // Re-running just the missing shard completes the study.
    ok(&["merge", "p0.json", "p1.json", "p2.json", "-q", "--json", "m.json"], &dir);
}
