//! The HTML report as a person sees it: rendered by headless Chromium
//! (Debian's `chromium`), screenshotted, and checked for a page that is not
//! blank, every chart present, and a silent console. Also the exit codes and
//! messages of `caspian plot` and `caspian report` on bad input.
//!
//! Without a `chromium` binary the browser test fails when `CI` is set
//! (`.ci/run` installs it) and is skipped with a loud message otherwise.
//! `CASPIAN_CHROMIUM` names another binary (e.g. to check that failure).

use std::path::Path;
use std::process::Command;

use crate::common::{fails, ok_output, scenario, scratch};

/// The browser binary: `chromium`, or `$CASPIAN_CHROMIUM`.
fn browser() -> String {
    std::env::var("CASPIAN_CHROMIUM").unwrap_or_else(|_| "chromium".to_string())
}

/// Whether Chromium is there; when it is not, fails under CI and skips
/// (returns false, loudly) elsewhere.
fn chromium_available() -> bool {
    let found = Command::new(browser()).arg("--version").output().is_ok_and(|o| o.status.success());
    if found {
        return true;
    }
    let banner = "the `chromium` binary was not found: the browser test of the HTML report \
                  cannot run (install Debian's `chromium` package; .ci/run does)";
    if std::env::var_os("CI").is_some() {
        panic!("{banner}. CI is set, so this is a failure.");
    }
    eprintln!(
        "\n{}\nSKIPPED: {banner}. Set CI=1 to make this a failure.\n{}\n",
        "!".repeat(78),
        "!".repeat(78)
    );
    false
}

/// Runs headless Chromium on `page` with a fresh profile; returns stdout and stderr.
fn chromium(page: &Path, mode: &[String], scratch: &Path) -> (String, String) {
    let profile = scratch.join(format!("profile-{}", mode.join("").len() + page.as_os_str().len()));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).unwrap();
    let out = Command::new(browser())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--enable-logging=stderr", "--v=0", "--window-size=1280,2000"])
        .args(mode)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "chromium failed on {}: {stderr}", page.display());
    (stdout, stderr)
}

/// Console messages in Chromium's log (`...:INFO:CONSOLE...] "message", source: ...`).
fn console_lines(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught")).collect()
}

/// Decodes a PNG into RGBA rows.
fn decode(path: &Path) -> (u32, u32, Vec<[u8; 4]>) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut dec = png::Decoder::new(std::io::BufReader::new(file));
    dec.set_transformations(png::Transformations::EXPAND);
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let px = bytes
        .chunks(channels)
        .map(|c| match channels {
            1 => [c[0], c[0], c[0], 255],
            2 => [c[0], c[0], c[0], c[1]],
            3 => [c[0], c[1], c[2], 255],
            _ => [c[0], c[1], c[2], c[3]],
        })
        .collect();
    (info.width, info.height, px)
}

/// Renders `page`: the screenshot must not be blank, the DOM must hold
/// `charts` SVG charts, and the console must stay silent.
fn check_page(page: &Path, charts: usize, dir: &Path) {
    let shot = page.with_extension("png");
    let (_, log) = chromium(page, &[format!("--screenshot={}", shot.display())], dir);
    let (w, h, px) = decode(&shot);
    assert_eq!((w, h), (1280, 2000), "screenshot size");
    let first = px[0];
    let differ = px.iter().filter(|p| **p != first).count();
    let mut colours: Vec<[u8; 4]> = px.iter().step_by(7).copied().collect();
    colours.sort_unstable();
    colours.dedup();
    eprintln!(
        "{}: {} of {} pixels differ from the corner, {} distinct colours",
        page.display(),
        differ,
        px.len(),
        colours.len()
    );
    assert!(differ > px.len() / 50, "the page looks blank: {differ} pixels differ");
    assert!(colours.len() > 20, "the page has too few colours: {}", colours.len());
    let (dom, log2) = chromium(page, &["--dump-dom".to_string()], dir);
    assert_eq!(dom.matches("<svg").count(), charts, "charts in the rendered DOM");
    assert_eq!(dom.matches("<figure class=\"chart\"").count(), charts);
    assert!(dom.contains("id=\"provenance\""), "provenance block");
    assert!(dom.contains("95% CI"), "KPI table with confidence intervals");
    let console: Vec<&str> = console_lines(&log).into_iter().chain(console_lines(&log2)).collect();
    assert!(console.is_empty(), "console messages on {}: {console:#?}", page.display());
}

#[test]
fn reports_render_in_chromium_with_every_chart_and_a_silent_console() {
    if !chromium_available() {
        return;
    }
    let dir = scratch("browser");
    // The console check must be able to see an error: prove it on a page that logs one.
    let bad = dir.join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><p>x</p><script>console.error('seen'); nosuch();</script>",
    )
    .unwrap();
    let (_, log) = chromium(&bad, &["--dump-dom".to_string()], &dir);
    let seen = console_lines(&log);
    assert!(
        seen.iter().any(|l| l.contains("seen")) && seen.iter().any(|l| l.contains("Uncaught")),
        "Chromium's console log is not captured, so the check would prove nothing:\n{log}"
    );

    // A run with its replications, a target and one replication's story.
    ok_output(&["run", "-n", "30", "-q", "--json", "run.json", "--csv", "reps.csv"], &dir);
    ok_output(&["trace", "--csv", "trace.csv"], &dir);
    let err = ok_output(
        &[
            "report",
            "run.json",
            "--replications-csv",
            "reps.csv",
            "--trace",
            "trace.csv",
            "--target",
            "delivered_total.oil=1690000",
            "--out",
            "run.html",
        ],
        &dir,
    );
    let err = String::from_utf8_lossy(&err.stderr);
    // Four distributions, a fan chart per cargo (monthly series), the story.
    assert!(err.contains("9 charts"), "{err}");
    check_page(&dir.join("run.html"), 9, &dir);
    let fans = |page: &str| {
        let html = std::fs::read_to_string(dir.join(page)).unwrap();
        ["oil", "wagons"].map(|c| html.matches(&format!(">\nMonth by month: {c}\n<")).count())
    };
    assert_eq!(fans("run.html"), [1, 1], "a fan chart per cargo, titled");

    // --report DIR on sweep and compare.
    let base = scenario("baseline.toml");
    ok_output(&["sweep", &base, "-n", "3", "-q", "--report", "sweep"], &dir);
    // Four KPIs (delivered per cargo) against the first axis, and their
    // differences from the reference point.
    check_page(&dir.join("sweep/report.html"), 8, &dir);
    ok_output(
        &["compare", &base, &scenario("severe_winter.toml"), "-n", "10", "-q", "--report", "cmp"],
        &dir,
    );
    // The forest and a fan chart per cargo, base and policy on its axes.
    check_page(&dir.join("cmp/report.html"), 5, &dir);
    assert_eq!(fans("cmp/report.html"), [1, 1]);

    // The new charts, looked at: a Latin hypercube's report with its
    // tornado charts, a comparison faceted by the KPIs `--kpi` selects.
    ok_output(&["sweep", &base, "--lhs", "10", "-n", "2", "-q", "--report", "lhs"], &dir);
    // Per primary KPI (four): the sweep chart, the differences from the
    // reference point and the tornado.
    check_page(&dir.join("lhs/report.html"), 12, &dir);
    let cmp = [
        "compare",
        &base,
        &scenario("severe_winter.toml"),
        "-n",
        "8",
        "-q",
        "--json",
        "cmp.json",
        "--kpi",
        "delivered_total.*",
        "--kpi",
        "incidents",
        "--report",
        "cmpk",
    ];
    ok_output(&cmp, &dir);
    // The faceted comparison and the four fan charts: the patterns name no
    // monthly series, so the fans stay as without `--kpi`.
    check_page(&dir.join("cmpk/report.html"), 1 + 4, &dir);
    assert_eq!(fans("cmpk/report.html"), [1, 1]);
    // Each chart alone, as the browser draws it: the marks that carry the
    // new information must be on screen in their colours.
    let plot = |args: &[&str]| ok_output(args, &dir);
    plot(&["plot", "cmp.json", "--out", "facets.svg"]);
    // The one policy's whiskers (the first colour, blue) show in every facet.
    let px = colour_pixels(&dir.join("facets.svg"), &dir);
    assert!(px(&[0, 114, 178]) > 100, "policy whiskers on screen");
    let rug_args = [
        "plot",
        "run.json",
        "--kpi",
        "delivered_total.oil",
        "--replications-csv",
        "reps.csv",
        "--target",
        "1712000",
        "--out",
        "rug.svg",
    ];
    plot(&rug_args);
    let marks = std::fs::read_to_string(dir.join("rug.svg")).unwrap().matches("#AA003C").count();
    let px = colour_pixels(&dir.join("rug.svg"), &dir);
    assert!(marks <= 1 || px(&[170, 0, 60]) > 10 * (marks - 1), "the tail's rug on screen");
    ok_output(&["sweep", &base, "-n", "2", "-q", "--json", "sw.json"], &dir);
    plot(&["plot", "sw.json", "--kpi", "delivered_total.wagons", "--out", "lines.svg"]);
    let px = colour_pixels(&dir.join("lines.svg"), &dir);
    for c in [[0, 114, 178], [213, 94, 0], [0, 158, 115]] {
        assert!(px(&c) > 200, "line {c:?} visible");
    }
}

/// Screenshots an SVG file in Chromium; returns a counter of the pixels
/// within a small distance of a colour.
fn colour_pixels(svg: &Path, dir: &Path) -> impl Fn(&[u8; 3]) -> usize + use<> {
    let shot = svg.with_extension("png");
    chromium(svg, &[format!("--screenshot={}", shot.display())], dir);
    let (_, _, px) = decode(&shot);
    move |c: &[u8; 3]| {
        px.iter()
            .filter(|p| (0..3).all(|i| (i32::from(p[i]) - i32::from(c[i])).abs() <= 12))
            .count()
    }
}

#[test]
fn plot_and_report_write_charts_and_refuse_bad_input_with_exit_2() {
    let dir = scratch("cli");
    ok_output(&["run", "-n", "12", "-q", "--json", "run.json", "--report", "rep"], &dir);
    assert!(dir.join("rep/report.html").is_file() && dir.join("rep/replications.csv").is_file());
    let base = scenario("baseline.toml");
    ok_output(&["sweep", &base, "-n", "2", "-q", "--json", "sweep.json"], &dir);
    ok_output(
        &[
            "compare",
            &base,
            &scenario("alat_extra_berth.toml"),
            "-n",
            "5",
            "-q",
            "--json",
            "cmp.json",
        ],
        &dir,
    );
    ok_output(&["trace", "--csv", "trace.csv"], &dir);
    let svg = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    ok_output(&["plot", "sweep.json", "--kpi", "delivered_total.wagons", "--out", "s.svg"], &dir);
    // The first line's markers are ringed circles (3 points and the legend's).
    assert_eq!(svg("s.svg").matches("<circle").count(), 2 * (3 + 1));
    ok_output(
        &[
            "plot",
            "run.json",
            "--kpi",
            "delivered_total.oil",
            "--replications-csv",
            "rep/replications.csv",
            "--target",
            "1700000",
            "--out",
            "d.svg",
        ],
        &dir,
    );
    assert!(svg("d.svg").contains("P(meet)"));
    ok_output(&["plot", "cmp.json", "--out", "f.svg"], &dir);
    assert!(svg("f.svg").contains("paired differences"));
    ok_output(&["plot", "--trace", "trace.csv", "--out", "t.svg"], &dir);
    assert!(svg("t.svg").contains("trace.csv: one replication"));

    let e = fails(&["plot", "run.json", "--kpi", "delivered_total.oil", "--out", "x.svg"], &dir, 2);
    assert!(e.contains("--replications-csv"), "{e}");
    let e =
        fails(&["plot", "sweep.json", "--kpi", "delivered_totl.oil", "--out", "x.svg"], &dir, 2);
    assert!(
        e.contains("--kpi delivered_totl.oil matches none of the")
            && e.contains("closest: delivered_total.oil"),
        "{e}"
    );
    // A word no KPI is spelt like gets no list of unrelated names.
    let e = fails(&["plot", "sweep.json", "--kpi", "nope", "--out", "x.svg"], &dir, 2);
    assert!(e.contains("--kpi nope matches none of the") && !e.contains("closest"), "{e}");
    let e = fails(
        &["plot", "sweep.json", "--kpi", "delivered_total.oil", "--axis", "x", "--out", "x.svg"],
        &dir,
        2,
    );
    assert!(e.contains("no sweep axis \"x\""), "{e}");
    let e = fails(
        &["plot", "sweep.json", "--kpi", "delivered_total.oil", "--target", "1", "--out", "x.svg"],
        &dir,
        2,
    );
    assert!(e.contains("--target does not apply to a sweep"), "{e}");
    let e = fails(&["plot", "trace.csv", "--kpi", "a", "--out", "x.svg"], &dir, 2);
    assert!(e.contains("trace.csv: result file"), "{e}");
    let e = fails(&["plot", "missing.json", "--kpi", "a", "--out", "x.svg"], &dir, 2);
    assert!(e.contains("cannot read missing.json"), "{e}");
    let e = fails(
        &["report", "sweep.json", "--replications-csv", "rep/replications.csv", "--out", "x.html"],
        &dir,
        2,
    );
    assert!(e.contains("applies to a run result"), "{e}");
    let other = ["run", "-n", "11", "-q", "--csv", "other.csv"];
    ok_output(&other, &dir);
    let e = fails(
        &["report", "run.json", "--replications-csv", "other.csv", "--out", "x.html"],
        &dir,
        2,
    );
    assert!(e.contains("not from the same run"), "{e}");
    let e = fails(
        &["report", "run.json", "--target", "delivered_total.oil", "--out", "x.html"],
        &dir,
        2,
    );
    assert!(e.contains("KPI>=X") && e.contains("KPI=X"), "{e}");
    let e =
        fails(&["run", "-n", "4", "--shard", "0/2", "--json", "p.json", "--report", "r"], &dir, 2);
    assert!(e.contains("--report cannot be combined with --shard"), "{e}");
    assert!(
        !dir.join("x.svg").exists() && !dir.join("x.html").exists(),
        "nothing written on failure"
    );
}
