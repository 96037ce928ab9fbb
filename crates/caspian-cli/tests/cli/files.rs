//! A command's own files (issue 13): an output never destroys an input or
//! another output, a symbolic link is written through and stays a link,
//! inputs are regular files within a size cap (a device or a FIFO is
//! refused at once), a bad --checkpoint path is named for what it is, an
//! output name the file system refuses is refused before any work, and a
//! control character in a file name is shown escaped.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::common::{fails, finish_within, ok, read, scenario, scratch, spawn};

/// Runs `caspian ARGS` in `dir`, which must exit with code 2 within 10 s
/// (killed and failed otherwise, so a hang cannot stall CI); returns stderr.
fn refused_quickly(args: &[&str], dir: &Path) -> String {
    let what = format!("caspian {args:?}");
    let (code, err) = finish_within(spawn(args, dir), Duration::from_secs(10), &what);
    assert_eq!(code, 2, "{what}: {err}");
    err
}

#[test]
fn no_output_overwrites_a_file_the_scenario_extends() {
    // child.toml extends mid.toml, which extends base.toml: both parents are
    // inputs of every command that reads child.toml, as the file named is.
    let dir = scratch("own-files-extends");
    std::fs::copy(scenario("baseline.toml"), dir.join("base.toml")).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/mid.toml"), "[scenario]\nextends = \"../base.toml\"\n").unwrap();
    std::fs::write(
        dir.join("child.toml"),
        "[scenario]\nextends = \"sub/mid.toml\"\n\n[[port]]\nid = \"alat\"\nberths = { rail_ferry = 3 }\n",
    )
    .unwrap();
    let before = [read(&dir, "base.toml"), read(&dir, "sub/mid.toml")];
    let axis = "--axis=port.alat.berths.rail_ferry=2";
    let cases: &[&[&str]] = &[
        &["run", "child.toml", "-n", "2", "--json", "base.toml"],
        &["run", "child.toml", "-n", "2", "--tidy-csv", "./sub/mid.toml"],
        &["run", "child.toml", "-n", "2", "--csv", "sub/../base.toml"],
        &["sweep", "child.toml", "-n", "1", axis, "--csv", "base.toml"],
        &["compare", "base.toml", "child.toml", "-n", "2", "--json", "sub/mid.toml"],
        &["trace", "child.toml", "--csv", "base.toml"],
        &["warmup", "child.toml", "-n", "2", "--json", "sub/mid.toml"],
    ];
    for args in cases {
        let err = fails(args, &dir, 2);
        assert!(err.contains("is the input extended scenario"), "{args:?}: {err}");
    }
    assert_eq!(before, [read(&dir, "base.toml"), read(&dir, "sub/mid.toml")], "parents intact");
    // The same commands with another output work.
    ok(&["run", "child.toml", "-n", "2", "-q", "--json", "out.json"], &dir);
}

#[test]
fn no_output_is_written_to_a_toml_file() {
    // The embedded baseline reads no file, so `--json baseline.toml` is no
    // input's overwrite; it would still replace a scenario (one that others
    // extend) with a result. Every output refuses a .toml name, existing or
    // not, before any work.
    let dir = scratch("own-files-toml");
    std::fs::copy(scenario("baseline.toml"), dir.join("baseline.toml")).unwrap();
    let before = read(&dir, "baseline.toml");
    let axis = "--axis=weather.storm_rate_multiplier=1,2";
    let cases: &[&[&str]] = &[
        &["run", "-n", "2", "--json", "baseline.toml"],
        &["run", "-n", "2", "--csv", "./BASELINE.TOML"],
        &["run", "-n", "2", "--tidy-csv", "new.toml"],
        &["sweep", "baseline.toml", "-n", "1", axis, "--json", "other.toml"],
        &["compare", "baseline.toml", "baseline.toml", "-n", "2", "--json", "c.toml"],
        &["trace", "--csv", "baseline.toml"],
    ];
    for args in cases {
        let err = refused_quickly(args, &dir);
        assert!(
            err.contains("a .toml file is a scenario, and caspian writes none"),
            "{args:?}: {err}"
        );
    }
    // Refused before the design is checked: no warning about the points
    // (the escort force with escorts off changes nothing, nor does a
    // multiplier with nothing to scale) comes first.
    let force = "--axis=interdiction.escort.escort_vessels=3,4";
    let idle = "--decision=interdiction.escort.escort_vessels=3";
    let (escorts, inert) =
        ("--set=interdiction.escort.escort_vessels=3", "--set=disruptions.rate_multiplier=2");
    let design: &[&[&str]] = &[
        &["run", "-n", "2", escorts, inert, "--json", "r.toml"],
        &[
            "compare",
            "baseline.toml",
            "--variant=v:port.alat.berths.rail_ferry=3",
            escorts,
            inert,
            "--json",
            "c.toml",
        ],
        &["compare", "baseline.toml", "baseline.toml", escorts, "--json", "c.toml"],
        &["sweep", "baseline.toml", "-n", "1", force, "--json", "other.toml"],
        &[
            "optimize",
            "baseline.toml",
            "--minimize=cost.total_per_year",
            "--delta=1",
            idle,
            "-o=o.toml",
        ],
    ];
    for args in design {
        let err = refused_quickly(args, &dir);
        assert!(err.contains("caspian writes none") && !err.contains("warning"), "{args:?}: {err}");
    }
    let err = fails(&["run", "-n", "2", "--json", "baseline.toml"], &dir, 2);
    assert!(err.contains("the file there is kept as it is"), "{err}");
    assert_eq!(before, read(&dir, "baseline.toml"), "the scenario is intact");
    assert!(!dir.join("new.toml").exists() && !dir.join("other.toml").exists());
}

#[test]
fn no_output_overwrites_an_input_or_another_output() {
    let dir = scratch("own-files");
    std::fs::copy(scenario("baseline.toml"), dir.join("s.toml")).unwrap();
    ok(&["run", "s.toml", "-n", "4", "-q", "--shard", "0/2", "--json", "p0.json"], &dir);
    ok(&["run", "s.toml", "-n", "4", "-q", "--shard", "1/2", "--json", "p1.json"], &dir);
    ok(&["run", "s.toml", "-n", "4", "-q", "--json", "r.json", "--csv", "r.csv"], &dir);
    ok(&["trace", "s.toml", "--csv", "t.csv"], &dir);
    std::fs::hard_link(dir.join("s.toml"), dir.join("hard.json")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("p1.json", dir.join("link.json")).unwrap();
    let before: Vec<Vec<u8>> =
        ["s.toml", "p0.json", "p1.json", "r.json", "r.csv", "t.csv"].map(|f| read(&dir, f)).into();
    let sweep_axis = "--axis=weather.storm_rate_multiplier=1,2";
    let cases: &[&[&str]] = &[
        &["run", "s.toml", "-n", "2", "--json", "s.toml"],
        &["run", "s.toml", "-n", "2", "--csv", "./s.toml"],
        &["run", "s.toml", "-n", "2", "--json", "hard.json"],
        &["run", "s.toml", "-n", "2", "--json", "x.json", "--csv", "x.json"],
        &["run", "s.toml", "-n", "2", "--csv", "rep/replications.csv", "--report", "rep"],
        &["sweep", "s.toml", sweep_axis, "--json", "s.toml"],
        &["sweep", "s.toml", sweep_axis, "--json", "j.json", "--checkpoint", "j.json"],
        &["compare", "s.toml", "s.toml", "-n", "2", "--csv", "s.toml"],
        &["merge", "p0.json", "p1.json", "--json", "p0.json"],
        &["merge", "p0.json", "p1.json", "--csv", "./p1.json"],
        &["trace", "s.toml", "--csv", "s.toml"],
        &["warmup", "s.toml", "-n", "2", "--csv", "w", "--json", "w"],
        &["warmup", "s.toml", "-n", "2", "--json", "s.toml"],
        &["report", "r.json", "--out", "r.json"],
        &["report", "r.json", "--replications-csv", "r.csv", "--out", "r.csv"],
        &["plot", "r.json", "--kpi", "x", "--replications-csv", "r.csv", "--out", "r.csv"],
        &["plot", "--trace", "t.csv", "--out", "t.csv"],
    ];
    for args in cases {
        let err = fails(args, &dir, 2);
        assert!(
            err.contains("would destroy it") || err.contains("are the same file"),
            "{args:?}: {err}"
        );
    }
    #[cfg(unix)]
    {
        let err = fails(&["merge", "p0.json", "p1.json", "--json", "link.json"], &dir, 2);
        assert!(err.contains("would destroy it"), "{err}");
    }
    let after: Vec<Vec<u8>> =
        ["s.toml", "p0.json", "p1.json", "r.json", "r.csv", "t.csv"].map(|f| read(&dir, f)).into();
    assert!(before == after, "no input was touched");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_is_written_through_and_stays_a_link() {
    let dir = scratch("symlink-out");
    std::fs::create_dir(dir.join("results")).unwrap();
    std::os::unix::fs::symlink("results/run.json", dir.join("latest.json")).unwrap();
    ok(&["run", "-n", "2", "-q", "--json", "latest.json"], &dir);
    assert!(std::fs::symlink_metadata(dir.join("latest.json")).unwrap().file_type().is_symlink());
    assert!(String::from_utf8(read(&dir, "results/run.json")).unwrap().contains("\"kind\""));
    // Again, over the existing target.
    ok(&["run", "-n", "3", "-q", "--json", "latest.json"], &dir);
    assert!(std::fs::symlink_metadata(dir.join("latest.json")).unwrap().file_type().is_symlink());
    let names: Vec<String> = std::fs::read_dir(dir.join("results"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["run.json"], "no temporary file left");
}

#[test]
fn special_files_and_oversized_files_are_refused_as_inputs() {
    let dir = scratch("special-inputs");
    for args in [
        ["run", "/dev/zero", "-n", "1"].as_slice(),
        &["validate", "/dev/zero"],
        &["merge", "/dev/zero", "/dev/zero"],
        &["report", "/dev/zero", "--out", "r.html"],
        &["run", ".", "-n", "1"],
    ] {
        if !Path::new("/dev/zero").exists() && args.contains(&"/dev/zero") {
            continue;
        }
        let err = refused_quickly(args, &dir);
        assert!(err.contains("not a regular file") || err.contains("is a directory"), "{err}");
    }
    // A FIFO would block the open forever: refused without opening it.
    let made = Command::new("mkfifo").arg(dir.join("fifo")).status().is_ok_and(|s| s.success());
    if made {
        for args in [
            ["run", "fifo", "-n", "1"].as_slice(),
            &["sweep", "fifo"],
            &["plot", "--trace", "fifo", "--out", "p.svg"],
        ] {
            let err = refused_quickly(args, &dir);
            assert!(err.contains("cannot read fifo: is not a regular file"), "{err}");
        }
    }
    // A scenario beyond its cap (16 MiB), as a sparse file: refused before
    // it is read.
    let big = std::fs::File::create(dir.join("big.toml")).unwrap();
    big.set_len((16 << 20) + 1).unwrap();
    let err = refused_quickly(&["run", "big.toml", "-n", "1"], &dir);
    assert!(err.contains("cannot read big.toml: is larger than 16 MiB"), "{err}");
}

/// An output name that the file system will not take (a trailing `/`, a
/// file name over 255 bytes, the checkpoint named after a long `--json`) is
/// refused before any work, naming the option, not once the simulation is
/// done; the check leaves no file behind.
#[test]
fn an_output_name_the_file_system_refuses_is_refused_before_any_work() {
    let dir = scratch("refused-names");
    let base = scenario("baseline.toml");
    let policy = scenario("alat_extra_berth.toml");
    let long = format!("{}.json", "a".repeat(300));
    let sweep_json = format!("{}.json", "c".repeat(250));
    let axis = "--axis=weather.storm_rate_multiplier=1,2";
    let slash = "a file name may not end in \"/\"";
    // Each would run for many seconds before writing anything.
    let cases: &[(&[&str], String)] = &[
        (
            &["run", "-n", "2000", "--json", "x.json/"],
            format!("cannot write x.json/ (--json): {slash}"),
        ),
        (
            &["compare", &base, &policy, "-n", "500", "--csv", "c.csv/"],
            format!("cannot write c.csv/ (--csv): {slash}"),
        ),
        (
            &["run", "-n", "2000", "--tidy-csv", "sub/"],
            format!("cannot write sub/ (--tidy-csv): {slash}"),
        ),
        (
            &["run", "-n", "2000", "--json", "-", "--csv", "-"],
            "--json and --csv are both - (standard output): only one result can go there".into(),
        ),
        (
            &["run", "-n", "2000", "--report", "-"],
            "--report -: --report names a folder for report.html and replications.csv, not \
             standard output"
                .into(),
        ),
        (
            &["run", "-n", "2000", "--checkpoint", "-"],
            "cannot write - (--checkpoint): this output cannot go to standard output".into(),
        ),
        (
            &["run", "-n", "2000", "--json", &long],
            format!("{long} (--json): the file name is 305 bytes, too long"),
        ),
        (
            &["sweep", &base, axis, "-n", "500", "--json", &sweep_json],
            format!(
                "cannot write {sweep_json}.checkpoint (the checkpoint file derived from --json): \
                 the file name is 266 bytes, too long"
            ),
        ),
    ];
    for (args, expected) in cases {
        let err = refused_quickly(args, &dir);
        assert!(err.contains(expected.as_str()), "{args:?}: {err}");
    }
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "nothing left behind: {left:?}");
    // A folder that does not exist is named as the user can find it.
    let err = refused_quickly(&["run", "-n", "2000", "--json", "no-such/x.json"], &dir);
    let abs = dir.canonicalize().unwrap().join("no-such");
    let folder = format!("cannot create a file in no-such ({})", abs.display());
    assert!(err.contains(&folder), "{err}");
    // The longest name that fits is written.
    let longest = format!("{}.json", "b".repeat(250));
    ok(&["run", "-n", "1", "-q", "--json", &longest], &dir);
    assert!(String::from_utf8(read(&dir, &longest)).unwrap().contains("\"kind\""));
}

/// A newline, carriage return or tab in a file name is shown as `<U+XXXX>`
/// in every message, as an escape is: no message line is split.
#[test]
fn a_control_character_in_a_path_is_shown_escaped_on_one_line() {
    let dir = scratch("control-names");
    let one_line = |err: &str| {
        assert!(
            err.lines().all(|l| l.starts_with("caspian: ") || l.starts_with("  ")),
            "a line was split: {err:?}"
        );
    };
    let set = ["--set", "fleet.oil_tankers.capacity=0"];
    let err = fails(&["run", "bad\nname.toml", set[0], set[1]], &dir, 2);
    assert!(err.contains("cannot read bad<U+000A>name.toml: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    std::fs::copy(scenario("baseline.toml"), dir.join("bad\nname.toml")).unwrap();
    let err = fails(&["run", "bad\nname.toml", set[0], set[1]], &dir, 2);
    assert!(err.contains("bad<U+000A>name.toml with --set fleet.oil_tankers.capacity=0"), "{err}");
    one_line(&err);
    let out = ok(&["validate", "bad\nname.toml"], &dir);
    assert!(out.starts_with("bad<U+000A>name.toml: ok"), "{out:?}");
    let err = fails(&["run", "-n", "1", "--json", "a\tb\r/x.json"], &dir, 2);
    assert!(err.contains("cannot write a<U+0009>b<U+000D>/x.json (--json)"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    std::fs::write(dir.join("cp\nmine"), "notes").unwrap();
    let axis = "--axis=weather.storm_rate_multiplier=1,2";
    let err = fails(&["sweep", "bad\nname.toml", axis, "--checkpoint", "cp\nmine"], &dir, 2);
    assert!(err.contains("--checkpoint cp<U+000A>mine: a file that is not a caspian"), "{err}");
    one_line(&err);
}

#[test]
fn an_output_that_is_standard_output_is_refused() {
    let dir = scratch("stdout-output");
    // Standard output here is a pipe (the test reads it): `/dev/stdout` is
    // a link the kernel follows to a pipe with no path, refused as one.
    let err = fails(&["run", "-n", "1", "--csv", "/dev/stdout"], &dir, 2);
    assert!(err.contains("/dev/stdout (--csv): is not a regular file"), "{err}");
    // Standard output redirected into a file: a result written to that same
    // file, by its name or as /dev/stdout, would replace what was printed.
    for csv in ["printed.txt", "/dev/stdout"] {
        let printed = std::fs::File::create(dir.join("printed.txt")).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_caspian"))
            .args(["run", "-n", "1", "--csv", csv])
            .current_dir(&dir)
            .stdout(printed)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{csv}: {err}");
        assert!(err.contains("(--csv): is where this command's standard output goes"), "{err}");
    }
}

#[test]
fn a_bad_checkpoint_path_is_named_for_what_it_is() {
    let dir = scratch("bad-checkpoint");
    let base = scenario("baseline.toml");
    let axis = "--axis=weather.storm_rate_multiplier=1,2";
    let sweep = |cp: &str| fails(&["sweep", &base, axis, "-n", "1", "--checkpoint", cp], &dir, 2);
    if Path::new("/dev/full").exists() {
        let err = sweep("/dev/full");
        assert!(err.contains("/dev/full (--checkpoint): is not a regular file"), "{err}");
        assert!(!err.contains("unfinished"), "{err}");
    }
    let err = sweep(".");
    assert!(err.contains(". (--checkpoint): is a directory"), "{err}");
    let err = sweep("no-such-dir/cp");
    assert!(err.contains("cannot write no-such-dir/cp (--checkpoint)"), "{err}");
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let err = sweep("notes.txt");
    assert!(
        err.contains("--checkpoint notes.txt: a file that is not a caspian checkpoint"),
        "{err}"
    );
    assert_eq!(read(&dir, "notes.txt"), b"mine");
    // A checkpoint the user did not name is named for where it came from.
    std::fs::write(dir.join("s.json.checkpoint"), "mine").unwrap();
    let err = fails(&["sweep", &base, axis, "-n", "1", "--json", "s.json"], &dir, 2);
    let derived = "the checkpoint file derived from --json (s.json.checkpoint): a file that is not";
    assert!(err.contains(derived), "{err}");
    assert_eq!(read(&dir, "s.json.checkpoint"), b"mine");
    // A real checkpoint is recognised, and kept for --resume.
    let cut = ["sweep", &base, axis, "-n", "1", "-q", "--checkpoint", "cp"];
    let mut first = cut.to_vec();
    first.extend(["--interrupt-after-points", "1"]);
    fails(&first, &dir, 130);
    let err = fails(&cut, &dir, 2);
    assert!(err.contains("unfinished sweep exists at cp: add --resume"), "{err}");
    // A directory that refuses new files (unless the tests run as root,
    // whom permissions do not stop).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(ro.join("probe"), "").is_err() {
            let err = sweep("ro/cp");
            let refused = "cannot write ro/cp (--checkpoint): cannot create a file in ro (";
            assert!(err.contains(refused) && err.contains("Permission denied"), "{err}");
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// A checkpoint named through a symbolic link is removed where it lives
/// once the sweep finishes; the link stays, and nothing stale is left to
/// block the next sweep.
#[cfg(unix)]
#[test]
fn a_finished_sweep_removes_its_checkpoint_through_a_link() {
    let dir = scratch("checkpoint-link");
    std::os::unix::fs::symlink("real.cp", dir.join("link.cp")).unwrap();
    let base = scenario("baseline.toml");
    let axis = "port.alat.berths.rail_ferry=1,2";
    let sweep = |cp: &str, json: &str| {
        ok(
            &["sweep", &base, "--axis", axis, "-n", "2", "-q", "--checkpoint", cp, "--json", json],
            &dir,
        )
    };
    sweep("link.cp", "one.json");
    assert!(!dir.join("real.cp").exists(), "the checkpoint itself is gone");
    assert!(std::fs::symlink_metadata(dir.join("link.cp")).unwrap().file_type().is_symlink());
    sweep("real.cp", "two.json");
    assert_eq!(read(&dir, "one.json"), read(&dir, "two.json"));
}
