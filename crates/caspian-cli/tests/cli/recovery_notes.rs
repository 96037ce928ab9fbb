//! The note under a plain recovery time that reads far longer than its
//! paired one.

use crate::common::{ok, scenario, scratch};

/// A 14-day stop of the BTC offtake at the 4 Mt oil seed: Sangachal's tank
/// farm, which tankers fill by the cargo, keeps the plain measure's band
/// (the week before's level) out of reach for weeks in some years, while
/// the paired measure finds the backlog gone in about three days. The
/// table says so under the plain KPI; without the paired KPI it cannot.
#[test]
fn a_plain_recovery_far_longer_than_the_paired_one_is_noted() {
    let dir = scratch("recovery_notes");
    let text = format!(
        "[scenario]\nextends = \"{}\"\nname = \"oil_btc\"\n\n[[disruption]]\nid = \"btc\"\n\
         target = \"outflow.btc_offtake\"\nstart_day = 31\n\
         duration_days = {{ dist = \"constant\", value = 14 }}\n",
        scenario("seed_oil_4mt.toml").replace('\\', "/")
    );
    std::fs::write(dir.join("oil_btc.toml"), text).unwrap();
    let run = |paired: &str| {
        let set = format!("scenario.paired_recovery={paired}");
        ok(&["run", "oil_btc.toml", "-n", "20", "-q", "--set", &set, "--kpi", "recovery*"], &dir)
    };
    let out = run("true");
    let note = out.lines().find(|l| l.starts_with("note: recovery_days.btc averages")).unwrap();
    assert!(
        note.contains("for recovery_paired_days.btc: the plain measure waits for the backlog")
            && note.ends_with("the same replication without this disruption: quote it"),
        "{out}"
    );
    assert!(!run("false").contains("note: recovery_days.btc averages"));
}

/// The Baku closure at 16 Mt: the plain measure never sees Alat's backlog
/// back within the week before's band in about half the years, so its
/// mean over the others is not twice the paired one, yet it understates
/// the plain measure's own recovery; the note says so, with the counts.
#[test]
fn a_plain_recovery_seldom_defined_is_noted_though_not_twice_the_paired_one() {
    let dir = scratch("recovery_notes_unseen");
    let file = scenario("stress/alat_closed_30d_16mt.toml");
    let args = ["run", &file, "-n", "20", "-q", "--set", "scenario.paired_recovery=true"];
    let out = ok(&[&args[..], &["--kpi", "recovery*"]].concat(), &dir);
    let note = out
        .lines()
        .find(|l| l.starts_with("note: recovery_days.alat_closed averages"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(note.contains("replications where it is defined (the paired one: 20;"), "{note}");
    assert!(note.ends_with("quote it"), "{note}");
}
