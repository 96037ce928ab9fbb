//! `optimize` on an objective whose first-stage replications cannot tell
//! two portfolios apart: reported without the guarantee.

use crate::common::{ok, read, scenario, scratch};

/// Six or seven tankers both ship 3.9 Mt of oil in every year: a 0/1
/// objective with the same outcome in every replication gives the
/// differences no variance to estimate, so the selection is reported for
/// its position, `holds` false, and the statement says why and what to do.
#[test]
fn portfolios_alike_in_every_first_stage_replication_get_no_guarantee() {
    let dir = scratch("optimize_ties");
    let oil = scenario("seed_oil_4mt.toml");
    let args = [
        "optimize",
        &oil,
        "--decision",
        "fleet.oil_tankers.count=6..7",
        "--maximize",
        "P(delivered_total.oil>=3900000)",
        "--delta",
        "0.01",
        "--n0",
        "5",
        "--max-replications",
        "50",
        "-q",
        "-o",
        "t.json",
    ];
    let out = ok(&args, &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "t.json")).unwrap();
    let g = &doc["guarantee"];
    assert_eq!(g["holds"], false, "{g}");
    let statement = g["statement"].as_str().unwrap();
    assert!(
        statement.contains(
            "WITHOUT the guarantee: its first --n0 (5) replications gave exactly the values of \
             portfolio 1"
        ) && !statement.contains("which the 0s and 1s"),
        "{statement}"
    );
    assert!(out.contains("raise --n0, and if they still match"), "{out}");
}
