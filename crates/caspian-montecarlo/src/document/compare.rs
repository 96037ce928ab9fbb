//! The result of `caspian compare`: the scenarios, their summaries, each
//! policy's paired differences from the base, the rankings, the economics
//! and the Pareto view.

use caspian_shipping::kpi::headline::SHOWN_WHERE_NOT_ZERO;
use serde::{Deserialize, Serialize};

use super::{DifferenceTable, KpiTable, Provenance, Saturation};
use crate::compare::Ranking;
use crate::economics::{BenefitCost, Economics, Estimate};
use crate::pareto::ParetoView;
use crate::sequential::TargetReport;
use crate::study::short_number;
use caspian_shipping::resolve::ParentFile;

/// A saturated waiting line of one scenario of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioSaturation {
    /// Index of the scenario in `scenarios`.
    pub scenario: usize,
    /// The line and how often.
    #[serde(flatten)]
    pub saturation: Saturation,
}

/// A scenario in a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioRef {
    /// Scenario name.
    pub name: String,
    /// Where it came from.
    pub source: String,
    /// SHA-256 of its text (the resolved text when it extends a file or
    /// has overrides).
    pub sha256: String,
    /// The files it extends, the direct parent first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extends: Vec<ParentFile>,
    /// Its overrides (`--set`, then those of its `--variant`), as `KEY=VALUE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
    /// The window its KPIs cover (absent in documents written before it
    /// was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<super::Window>,
    /// Its replications stopped by a safeguard (`max_events`,
    /// `max_waiting`) before the horizon, whose KPIs cover less than the
    /// window (0 in documents written before it was recorded).
    #[serde(default)]
    pub truncated_replications: u64,
}

/// Paired differences of one policy against the base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyDifferences {
    /// Index of the policy in `scenarios`.
    pub scenario: usize,
    /// Per KPI: policy minus base, in the KPI's unit.
    pub kpis: DifferenceTable,
}

/// The result of `caspian compare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareDoc {
    /// Master seed shared by all scenarios (common random numbers).
    pub seed: u64,
    /// Replications per scenario (the same indices for all).
    pub replications: u64,
    /// The scenarios; the first is the base.
    pub scenarios: Vec<ScenarioRef>,
    /// Summary per KPI, one table per scenario.
    pub summaries: Vec<KpiTable>,
    /// Differences of every other scenario against the first.
    pub differences: Vec<PolicyDifferences>,
    /// Rankings on the primary KPIs, then on the measures of `--rank`.
    pub rankings: Vec<Ranking>,
    /// Net present value and benefit-cost ratio of each policy against the
    /// base (absent when a scenario has no cost KPIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub economics: Option<Economics>,
    /// The two-measure Pareto view (`--pareto X,Y`), when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pareto: Option<ParetoView>,
    /// What the disruptions cost each scenario and what each policy removes
    /// (`--vulnerability`), when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<crate::vulnerability::Vulnerability>,
    /// Waiting lines that grew without bound, by scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saturation: Vec<ScenarioSaturation>,
    /// Sequential-stopping outcome, when a target was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetReport>,
    /// The scenarios' own warnings (escorts that protect nothing, a dated
    /// disruption outside the window), each led by the scenario's name, a
    /// warning shared with the base once, then the warnings about each
    /// policy against the base that `caspian compare` adds (a policy that
    /// compiles to the base's model, one that differs beyond a lever, a
    /// seed it does not use); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// How it was produced.
    pub provenance: Provenance,
}

/// The header of the economics table; [`CompareDoc::economics_rows`]
/// gives its rows.
pub const ECONOMICS_HEADER: [&str; 7] = [
    "policy",
    "NPV",
    "NPV 95% CI",
    "benefit/yr",
    "cost/yr",
    "benefit-cost ratio",
    "ratio 95% CI (Fieller)",
];

/// The header of a ranking table; [`CompareDoc::ranking_rows`] gives its
/// rows.
pub const RANKING_HEADER: [&str; 4] = ["rank", "scenario", "mean", "verdict (95%, Bonferroni)"];

/// The families of which the headline shows one member, the worst: in a
/// comparison, the one that changes most.
const WORST_OF: [&str; 2] = ["anchorage_wait_h.", "link_wait_h."];

impl CompareDoc {
    /// The values the headline ([`crate::headline()`]) picks its worst waits
    /// by, for the base's KPIs against the policies `policies` (indices
    /// into `scenarios`): in a family of waits where one of them changes a
    /// member's mean significantly (its paired 95% interval excludes 0),
    /// the largest such change either way (a berth that shortens the wait
    /// at Alat, a BTK stop that lengthens it at the Alat yard); where none
    /// does, the highest mean in any of the scenarios. The cargo lost at
    /// the gates ([`SHOWN_WHERE_NOT_ZERO`]) carries its highest mean in any
    /// of them too; other KPIs carry the base's mean.
    pub fn headline_values(&self, policies: &[usize]) -> Vec<(&str, f64)> {
        let Some(base) = self.summaries.first() else { return Vec::new() };
        let change = |k: &str| {
            self.differences
                .iter()
                .filter(|d| policies.contains(&d.scenario))
                .filter_map(|d| d.kpis.get(k))
                // A change its interval cannot tell from none is not one.
                .filter(|v| v.ci95_low > 0.0 || v.ci95_high < 0.0)
                .map(|v| v.mean_diff.abs())
                .filter(|x| x.is_finite())
                .fold(0.0_f64, f64::max)
        };
        let level = |k: &str| {
            std::iter::once(0)
                .chain(policies.iter().copied())
                .filter_map(|t| self.summaries.get(t)?.get(k).map(|s| s.mean))
                .fold(f64::NAN, f64::max)
        };
        let changed: Vec<&str> = WORST_OF
            .into_iter()
            .filter(|stem| base.keys().any(|k| k.starts_with(stem) && change(k) > 0.0))
            .collect();
        base.iter()
            .map(|(k, s)| {
                let value = match WORST_OF.iter().find(|stem| k.starts_with(*stem)) {
                    Some(stem) if changed.contains(stem) => change(k),
                    Some(_) => level(k),
                    None if SHOWN_WHERE_NOT_ZERO.iter().any(|stem| k.starts_with(stem)) => level(k),
                    None => s.mean,
                };
                (k.as_str(), value)
            })
            .collect()
    }

    /// The saturation warnings, each led by its scenario's name.
    pub fn saturation_notes(&self) -> Vec<String> {
        self.saturation
            .iter()
            .map(|s| format!("{}: {}", self.scenarios[s.scenario].name, s.saturation))
            .collect()
    }

    /// The rows of the economics table (under [`ECONOMICS_HEADER`]), one
    /// per policy, amounts written by `num` in the document's currency.
    pub fn economics_rows(&self, num: impl Fn(f64) -> String) -> Vec<Vec<String>> {
        let Some(e) = &self.economics else { return Vec::new() };
        let ci = |x: &Estimate| format!("{} to {}", num(x.ci95_low), num(x.ci95_high));
        e.policies
            .iter()
            .map(|p| {
                let (bcr, bcr_ci) = match &p.bcr {
                    BenefitCost::Defined { ratio } => (num(ratio.mean), ci(ratio)),
                    BenefitCost::Undefined { .. } => ("undefined".into(), "-".into()),
                };
                // The price of what no price covers is left out of the NPV.
                let npv = if p.npv_leaves_out_a_price {
                    format!("{} (a price left out)", num(p.npv.mean))
                } else {
                    num(p.npv.mean)
                };
                vec![
                    self.scenarios[p.scenario].name.clone(),
                    npv,
                    ci(&p.npv),
                    num(p.benefit_per_year.mean),
                    num(p.cost_per_year.mean),
                    bcr,
                    bcr_ci,
                ]
            })
            .collect()
    }

    /// The header of the Pareto table: the scenario, each measure with its
    /// 95% interval, and the standing (empty without a Pareto view).
    pub fn pareto_header(&self) -> Vec<String> {
        let Some(v) = &self.pareto else { return Vec::new() };
        vec![
            "scenario".into(),
            format!("{} (95% CI)", v.x.measure),
            format!("{} (95% CI)", v.y.measure),
            "standing".into(),
        ]
    }

    /// Notes under the economics table, led by the policy's name, amounts
    /// written by `num`: why a policy has no benefit-cost ratio (the table
    /// says only "undefined"), and where its benefit is significantly
    /// negative, what raised its failure cost.
    pub fn economics_notes(&self, num: impl Fn(f64) -> String) -> Vec<String> {
        let Some(e) = &self.economics else { return Vec::new() };
        let mut notes = Vec::new();
        for p in &e.policies {
            let name = &self.scenarios[p.scenario].name;
            if let BenefitCost::Undefined { reason } = &p.bcr {
                notes.push(format!("{name}: no benefit-cost ratio: {reason}"));
            }
            if let Some(line) = self.negative_benefit(p, &e.currency, &num) {
                notes.push(format!("{name}: {line}"));
            }
            if let Some(line) = self.demurrage_benefit(p, e.annuity_factor, &e.currency, &num) {
                notes.push(format!("{name}: {line}"));
            }
        }
        notes
    }

    /// Policy `p`'s failure cost against the base's, when its benefit (the
    /// failure cost avoided) is significantly negative: by how much it rose
    /// and its two parts, delay and lost cargo (which also count demurrage
    /// and lost vessels). Where the delay rose and the lost cargo fell, both
    /// significantly, while some cargo was diverted or shut in significantly
    /// less, the policy kept cargo the base lost, and that cargo waited: a
    /// service gain the cost model prices as delay, so a ratio below 0 need
    /// not mean worse service (docs/compare.md, "A negative benefit").
    fn negative_benefit(
        &self,
        p: &crate::economics::PolicyEconomics,
        currency: &str,
        num: impl Fn(f64) -> String,
    ) -> Option<String> {
        use crate::economics::{DELAY, LOST_CARGO};
        let b = &p.benefit_per_year;
        if !(b.is_significant() && b.mean < 0.0) {
            return None;
        }
        let diff = self.differences.iter().find(|d| d.scenario == p.scenario)?;
        let delay = diff.kpis.get(DELAY)?;
        let lost = diff.kpis.get(LOST_CARGO)?;
        let signed = |x: f64| if x > 0.0 { format!("+{}", num(x)) } else { num(x) };
        let ratio = match p.bcr {
            BenefitCost::Defined { .. } => "so the benefit-cost ratio is below 0",
            BenefitCost::Undefined { .. } => "while the ratio is undefined (see above)",
        };
        let mut line = format!(
            "a negative benefit: the failure cost is {} {currency}/yr higher than the base's \
             (delay {}, lost cargo {}), {ratio}",
            num(-b.mean),
            signed(delay.mean_diff),
            signed(lost.mean_diff),
        );
        let kept = diff.kpis.iter().any(|(name, d)| {
            (name.starts_with("diverted_total.") || name.starts_with("shut_in."))
                && d.is_significant()
                && d.mean_diff < 0.0
        });
        let rises = |d: &crate::stats::PairedDifference, up: bool| {
            d.is_significant() && (d.mean_diff > 0.0) == up
        };
        if kept && rises(delay, true) && rises(lost, false) {
            line.push_str(
                "; the policy diverts or shuts in less cargo than the base, and that cargo \
                 waits: a gain in service the cost model prices as delay, so read the ratio \
                 beside the service levels (docs/compare.md, \"A negative benefit\")",
            );
        }
        Some(line)
    }

    /// Policy `p`'s economics without demurrage, when its demurrage differs
    /// significantly from the base's by more than half its benefit (either
    /// way: demurrage saved that makes a benefit, or added that hides one):
    /// the benefit, net present value (`annuity` is the annuity factor) and
    /// benefit-cost ratio (where defined) without it; and, where demurrage
    /// is saved while a fleet waits significantly longer for cargo
    /// (`cargo_wait_h`, the largest rise named), that some of the hours
    /// saved in the queue are spent waiting for cargo instead, and earn
    /// nothing (docs/compare.md, "Demurrage").
    fn demurrage_benefit(
        &self,
        p: &crate::economics::PolicyEconomics,
        annuity: f64,
        currency: &str,
        num: impl Fn(f64) -> String,
    ) -> Option<String> {
        let b = &p.benefit_per_year;
        let diff = self.differences.iter().find(|d| d.scenario == p.scenario)?;
        let demurrage = diff.kpis.get(crate::economics::DEMURRAGE)?;
        let saved = -demurrage.mean_diff;
        // NaN (no values to pair) is no note either.
        if !demurrage.is_significant() || saved.is_nan() || saved.abs() <= 0.5 * b.mean.abs() {
            return None;
        }
        let rest = b.mean - saved;
        let ratio = match p.bcr {
            BenefitCost::Defined { .. } => {
                format!(", the benefit-cost ratio {}", num(rest / p.cost_per_year.mean))
            }
            BenefitCost::Undefined { .. } => String::new(),
        };
        let (verb, amount) = if saved > 0.0 { ("saves", saved) } else { ("adds", -saved) };
        let what = format!(
            "it {verb} {} {currency}/yr of demurrage at anchorages (its benefit is {})",
            num(amount),
            num(b.mean)
        );
        let mut line = format!(
            "{what}, vessel-hours priced at what a vessel would earn in them; without demurrage \
             the benefit is {} {currency}/yr, the net present value {}{ratio}",
            num(rest),
            num(p.npv.mean - annuity * saved),
        );
        let longest = diff
            .kpis
            .iter()
            .filter(|(name, d)| {
                name.starts_with("cargo_wait_h.") && d.is_significant() && d.mean_diff > 0.0
            })
            .max_by(|x, y| x.1.mean_diff.total_cmp(&y.1.mean_diff));
        if let Some((name, d)) = longest.filter(|_| saved > 0.0) {
            line.push_str(&format!(
                "; its vessels also wait longer for cargo ({name} +{} h), so some hours saved \
                 in the queue are spent waiting for cargo and earn nothing",
                num(d.mean_diff)
            ));
        }
        line.push_str(": weigh the figures without demurrage too (docs/compare.md, \"Demurrage\")");
        Some(line)
    }

    /// Where a policy's service level and its deliveries disagree: one line
    /// for each cargo whose `service_level.<cargo>` difference is
    /// significant while its `delivered_total.<cargo>` difference (also in
    /// `diff`) is not, or is significant the other way. A service level
    /// divides deliveries by what the corridor owed (its cargo when the
    /// window opened plus the demand), so such a change lies at least
    /// partly in what was owed, not in what was delivered (docs/compare.md,
    /// "A difference in service level"): in the demand where a
    /// `demand.<inflow>` of that cargo (its unit) differs significantly too,
    /// else in the cargo in the corridor when the window opened. Each note
    /// with the service-level KPI it is about.
    pub fn service_level_notes(&self, diff: &PolicyDifferences) -> Vec<(String, String)> {
        const LEVEL: &str = "service_level.";
        diff.kpis
            .iter()
            .filter_map(|(name, level)| {
                let cargo = name.strip_prefix(LEVEL)?;
                let delivered = diff.kpis.get(&format!("delivered_total.{cargo}"))?;
                if level.n == 0 || delivered.n == 0 || !level.is_significant() {
                    return None;
                }
                let how = if !delivered.is_significant() {
                    "does not (its interval includes 0)"
                } else if (level.mean_diff > 0.0) != (delivered.mean_diff > 0.0) {
                    "moves the other way"
                } else {
                    return None;
                };
                // Demand of this cargo: the inflows in its unit.
                let demand: Vec<&str> = diff
                    .kpis
                    .iter()
                    .filter(|(k, d)| {
                        k.starts_with("demand.")
                            && d.unit == delivered.unit
                            && d.n > 0
                            && d.is_significant()
                    })
                    .map(|(k, _)| k.as_str())
                    .collect();
                let owed = if demand.is_empty() {
                    format!("the {cargo} in the corridor when the window opened")
                } else {
                    format!("the demand: {} differs too", demand.join(", "))
                };
                let note = format!(
                    "{}: {name} differs and delivered_total.{cargo} {how}: the difference lies \
                     at least partly in what was owed ({owed}), not in deliveries; \
                     backlog_end.{cargo} shows the change in what waits (docs/compare.md, \"A \
                     difference in service level\")",
                    self.scenarios[diff.scenario].name
                );
                Some((name.clone(), note))
            })
            .collect()
    }

    /// The note under the table of `diff`'s paired differences where its
    /// policy carries significantly less than the base (`delivered_t.total`,
    /// by 1% or more: [`crate::tonnage`]) and recovers significantly
    /// sooner from some disruption, or carries more and recovers later:
    /// recovery is timed to each scenario's own ordinary backlog, so a
    /// policy that slows the corridor can read as recovering sooner, and
    /// one that holds more cargo as recovering later. With the recovery
    /// KPIs it is about, in order.
    pub fn recovery_note(&self, diff: &PolicyDifferences) -> Option<(Vec<String>, String)> {
        use crate::tonnage::{TONNAGE, notable_share};
        let base_mean = self.summaries.first()?.get(TONNAGE)?.mean;
        let share = notable_share(diff.kpis.get(TONNAGE)?, base_mean)?;
        let moved: Vec<(&String, f64)> = diff
            .kpis
            .iter()
            .filter(|(k, d)| {
                (k.starts_with("recovery_days.") || k.starts_with("recovery_paired_days."))
                    && d.n > 0
                    && d.is_significant()
                    // Sooner with less, or later with more.
                    && (d.mean_diff < 0.0) == (share < 0.0)
            })
            .map(|(k, d)| (k, d.mean_diff))
            .collect();
        if moved.is_empty() {
            return None;
        }
        let sooner = if share > 0.0 { "later" } else { "sooner" };
        let days = |x: f64| short_number((x.abs() * 10.0).round() / 10.0);
        let listed: Vec<String> = moved
            .iter()
            .map(|(k, x)| format!("{k} {}{} days", if *x < 0.0 { "-" } else { "+" }, days(*x)))
            .collect();
        let note = format!(
            "\"{}\" carries {} than the base ({TONNAGE}) yet recovers {sooner} ({}): \
             recovery is timed to each scenario's own ordinary backlog, so a policy that slows \
             the corridor can read as recovering sooner, and one that holds more cargo as \
             recovering later; read it beside delivered_t and service_level, not alone \
             (docs/resilience.md)",
            self.scenarios[diff.scenario].name,
            crate::tonnage::more_or_less(share),
            listed.join(", "),
        );
        Some((moved.into_iter().map(|(k, _)| k.clone()).collect(), note))
    }

    /// The rows of the Pareto table (under [`CompareDoc::pareto_header`]),
    /// one per scenario in scenario order, values written by `num`.
    pub fn pareto_rows(&self, num: impl Fn(f64) -> String) -> Vec<Vec<String>> {
        let Some(v) = &self.pareto else { return Vec::new() };
        let cell =
            |x: &Estimate| format!("{} ({} to {})", num(x.mean), num(x.ci95_low), num(x.ci95_high));
        v.points
            .iter()
            .map(|p| {
                vec![
                    self.scenarios[p.scenario].name.clone(),
                    cell(&p.x),
                    cell(&p.y),
                    p.verdict(|i| self.scenarios[i].name.clone()),
                ]
            })
            .collect()
    }

    /// The notes under the table of `ranking`: [`Ranking::order_note`]
    /// with this comparison's scenario names, then, where the measure is
    /// undefined in some replications of some scenario, that each mean is
    /// over that scenario's own (so the order can favour one that leaves
    /// more undefined: a recovery time leaves out the episodes not
    /// recovered by the horizon, the longest first, while a probability on
    /// one counts them, [`crate::measure::Measure::column`]).
    pub fn ranking_notes(&self, ranking: &Ranking) -> Vec<String> {
        let mut notes: Vec<String> =
            ranking.order_note(|i| self.scenarios[i].name.as_str()).into_iter().collect();
        let partial: Vec<String> = ranking
            .order
            .iter()
            .filter(|e| e.n < self.replications)
            .map(|e| format!("{} {}", self.scenarios[e.scenario].name, e.n))
            .collect();
        // Undefined in every replication of every scenario: the rows say so.
        let some = ranking.order.iter().any(|e| e.n > 0);
        if some && !partial.is_empty() {
            let mut note = format!(
                "{} is undefined in some replications (defined in: {}, of {}): each mean is over \
                 the replications that define it, so the order can favour a scenario that leaves \
                 more undefined",
                ranking.kpi,
                partial.join(", "),
                self.replications
            );
            // A recovery time itself; a probability on one counts the
            // unrecovered years (as never recovering), so only years in which
            // no episode ended are left out of it.
            let measure = crate::measure::Measure::parse_stored(&ranking.kpi);
            let probability = measure.as_ref().is_ok_and(crate::measure::Measure::is_probability);
            let kpi = measure.map_or_else(|_| ranking.kpi.clone(), |m| m.kpi().to_string());
            let unrecovered = crate::schema::unrecovered_of(&kpi)
                .filter(|u| self.summaries.iter().any(|s| s.get(u).is_some_and(|x| x.mean > 0.0)));
            if let Some(u) = unrecovered {
                note.push_str(&if probability {
                    ": the years an episode had not recovered by the horizon count as never \
                     recovering; those left out are years in which no episode ended"
                        .to_string()
                } else {
                    format!(
                        ": a recovery time leaves out the episodes not recovered by the horizon, \
                         the longest first, so one that fails to recover can rank first: rank on \
                         {u} too"
                    )
                });
            }
            notes.push(note);
        }
        notes
    }

    /// The rows of the table of `ranking` (under [`RANKING_HEADER`]), best
    /// first, with means written by `num`.
    pub fn ranking_rows(&self, ranking: &Ranking, num: impl Fn(f64) -> String) -> Vec<Vec<String>> {
        // Equal means share a place (1, 1, 3): the order among them is
        // only the order given.
        let mut place = 0;
        ranking
            .order
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let tied = i > 0 && {
                    let before = ranking.order[i - 1].mean;
                    before == e.mean || (before.is_nan() && e.mean.is_nan())
                };
                if !tied {
                    place = i + 1;
                }
                vec![
                    place.to_string(),
                    self.scenarios[e.scenario].name.clone(),
                    num(e.mean),
                    ranking.verdict(i).to_string(),
                ]
            })
            .collect()
    }
}
