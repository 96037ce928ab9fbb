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
