//! The terminal table of a sweep: one row per design point, the shown
//! KPIs' means and half-widths and their paired differences from the
//! reference point, in blocks of KPIs at most 160 characters wide (a
//! single KPI's block may be wider); under a Latin hypercube's table, the
//! sensitivity of each shown KPI to the swept keys (`sweep_sensitivity`).

use std::path::Path;

use caspian_montecarlo::design::DesignKind;
use caspian_montecarlo::document::{SweepDoc, SweepPoint};
use caspian_montecarlo::select;
use caspian_report::units::replications;

use crate::arrange::{Arranged, void};
use crate::sweep_sensitivity::PointMeans;
use crate::table;

/// The sweep table, built one design point at a time: one row per point
/// with the mean and CI half-width of the KPIs matching `patterns`, and
/// each point's paired difference from the reference point with its 95%
/// interval. Only the shown KPIs' text is kept, never the summaries.
pub(crate) struct SweepTable {
    title: String,
    patterns: Vec<String>,
    /// The shown KPIs and their units (from the first point).
    names: Option<Vec<(String, String)>>,
    axes: Vec<String>,
    reference: usize,
    rows: Vec<SweepRow>,
    limit: usize,
    points: usize,
    /// Show KPIs zero or undefined at every point too (`--all`).
    all: bool,
    /// Per shown KPI: whether some point had a value other than zero.
    used: Vec<bool>,
    /// Replications per design point.
    replications: u64,
    /// Per shown KPI: the points (index, replications defining it) where it
    /// is not defined in every replication.
    partial: Vec<Vec<(usize, u64)>>,
    /// Per shown KPI: whether some point defines it in some replication.
    defined: Vec<bool>,
    /// A Latin hypercube's every point (shown or not), for the sensitivity
    /// table under it: the axis values (per axis) and the shown KPIs' means
    /// (per KPI). Empty for a full factorial.
    latin: Option<PointMeans>,
}

impl SweepTable {
    /// A table of the sweep `head` (its points are ignored), showing at most
    /// `limit` design points.
    /// KPIs zero or undefined in every replication of every point are left
    /// out (with a line saying how many) unless `all` or named exactly.
    pub(crate) fn new(
        head: &SweepDoc,
        points: usize,
        patterns: &[String],
        limit: usize,
        all: bool,
    ) -> Self {
        let title = format!(
            "sweep of \"{}\" ({}), seed {}, {} design points x {} (common random numbers)\n",
            caspian_montecarlo::escape_invisible(&head.scenario, |_| false),
            caspian_montecarlo::escape_invisible(&head.source, |_| false),
            head.seed,
            points,
            replications(head.replications)
        );
        Self {
            title,
            patterns: patterns.to_vec(),
            names: None,
            axes: head.axes.iter().map(|a| a.key.to_string()).collect(),
            reference: head.reference,
            rows: Vec::new(),
            limit,
            points: 0,
            all,
            used: Vec::new(),
            replications: head.replications,
            partial: Vec::new(),
            defined: Vec::new(),
            latin: matches!(head.design, DesignKind::LatinHypercube { .. })
                .then(PointMeans::default),
        }
    }

    /// Adds the next design point.
    pub(crate) fn push(&mut self, p: &SweepPoint) {
        self.points += 1;
        let patterns = &self.patterns;
        let names = self.names.get_or_insert_with(|| {
            p.kpis
                .iter()
                .filter(|(k, _)| patterns.iter().any(|pat| select::matches(pat, k)))
                .map(|(k, s)| (k.clone(), s.unit.clone()))
                .collect()
        });
        self.used.resize(names.len(), false);
        self.partial.resize(names.len(), Vec::new());
        self.defined.resize(names.len(), false);
        for (((used, partial), defined), (n, _)) in self
            .used
            .iter_mut()
            .zip(self.partial.iter_mut())
            .zip(self.defined.iter_mut())
            .zip(names.iter())
        {
            let Some(s) = p.kpis.get(n) else { continue };
            *used |= !void(n, s);
            *defined |= s.n > 0;
            if s.n < self.replications {
                partial.push((p.index, s.n));
            }
        }
        if let Some(latin) = &mut self.latin {
            latin.push(
                &p.values,
                names.iter().map(|(n, _)| p.kpis.get(n).map_or(f64::NAN, |s| s.mean)),
            );
        }
        if self.rows.len() >= self.limit {
            return;
        }
        let kpis = names
            .iter()
            .map(|(n, _)| {
                let s = p.kpis.get(n);
                let diff = if p.index == self.reference {
                    None
                } else {
                    Some(
                        p.differences
                            .get(n)
                            .map_or([f64::NAN; 3], |d| [d.mean_diff, d.ci95_low, d.ci95_high]),
                    )
                };
                let [mean, half_width] = s.map_or([f64::NAN; 2], |s| [s.mean, s.half_width()]);
                KpiCells { mean, half_width, diff }
            })
            .collect();
        self.rows.push(SweepRow { index: p.index, axes: p.values.clone(), kpis });
    }

    /// The table as text; `files` names where the points not shown are.
    /// KPIs that would take a line past [`MAX_TABLE_WIDTH`] go on in
    /// further blocks under the first, each led by the point and its axes.
    pub(crate) fn render(&self, files: &[&Path]) -> String {
        let mut out = self.title.clone();
        out.push_str(&format!(
            "differences: each point minus the reference, point {}, replication by replication \
             (paired, common random numbers), with 95% intervals (* an interval that excludes \
             0: significant at 5%)\n\n",
            self.reference
        ));
        let names: &[(String, String)] = self.names.as_deref().unwrap_or_default();
        let shown: Vec<bool> = names
            .iter()
            .zip(&self.used)
            .map(|((n, _), used)| self.all || *used || self.patterns.iter().any(|p| p == n))
            .collect();
        // The point and its axis values lead every block of the table; a
        // column's numbers share their decimals.
        let mut lead: Vec<Column> = vec![Column {
            header: "point".into(),
            cells: self.rows.iter().map(|r| r.index.to_string()).collect(),
        }];
        for (a, key) in self.axes.iter().enumerate() {
            let values: Vec<f64> = self.rows.iter().map(|r| r.axes[a]).collect();
            lead.push(Column { header: key.clone(), cells: table::exact_column(&values) });
        }
        // Four columns per shown KPI.
        let mut groups: Vec<Vec<Column>> = Vec::new();
        for (i, ((n, u), _)) in names.iter().zip(&shown).enumerate().filter(|(_, (_, s))| **s) {
            let headers = [
                if u.is_empty() { n.clone() } else { format!("{n} ({u})") },
                "+-95%".into(),
                format!("- point {}", self.reference),
                "95% CI".into(),
            ];
            let cells = kpi_columns(self.rows.iter().map(|r| &r.kpis[i]));
            groups.push(
                headers
                    .into_iter()
                    .zip(cells)
                    .map(|(header, cells)| Column { header, cells })
                    .collect(),
            );
        }
        // Under every block, so that none ends at the limit unexplained.
        let hidden = self.points - self.rows.len();
        let more = (hidden > 0).then(|| {
            let list: Vec<String> = files.iter().map(|f| crate::sink::shown(f)).collect();
            format!(
                "... and {hidden} more design points (the first {} are shown), all in {}\n",
                self.rows.len(),
                list.join(" and ")
            )
        });
        for (b, block) in blocks(&lead, &groups, MAX_TABLE_WIDTH).iter().enumerate() {
            if b > 0 {
                out.push('\n');
            }
            let columns: Vec<&Column> =
                lead.iter().chain(block.iter().flat_map(|&g| &groups[g])).collect();
            let header: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
            let rows: Vec<Vec<String>> = (0..self.rows.len())
                .map(|r| columns.iter().map(|c| c.cells[r].clone()).collect())
                .collect();
            out.push_str(&table::render(&header, &rows));
            out.push_str(more.as_deref().unwrap_or_default());
        }
        let hidden =
            Arranged { hidden: shown.iter().filter(|s| !**s).count(), ..Arranged::default() };
        if let Some(line) = hidden.hidden_line("in every replication of every point") {
            out.push('\n');
            out.push_str(&line);
        }
        for (i, (n, _)) in names.iter().enumerate() {
            // Undefined at every point (shown with --all): nothing to explain.
            if shown[i] && self.defined[i] && !self.partial[i].is_empty() {
                out.push_str(&self.partly_defined_note(n, &self.partial[i]));
            }
        }
        let kpis: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
        if let Some(table) = self.latin.as_ref().and_then(|l| l.render(&self.axes, &kpis, &shown)) {
            out.push('\n');
            out.push_str(&table);
        }
        out
    }

    /// The note on KPI `name`, defined in only some replications at the
    /// points of `partial`: its means are over those.
    fn partly_defined_note(&self, name: &str, partial: &[(usize, u64)]) -> String {
        const LISTED: usize = 4;
        let mut listed: Vec<String> = partial
            .iter()
            .take(LISTED)
            .map(|(point, n)| format!("point {point}: {n} of {}", self.replications))
            .collect();
        if partial.len() > LISTED {
            listed.push("...".into());
        }
        let recovery =
            caspian_montecarlo::schema::unrecovered_of(name).map_or(String::new(), |u| {
                format!(
                    "; a replication leaves it undefined where no episode ended in the window, \
                     or where one had not recovered by the horizon (the longest recoveries \
                     first, so the mean understates recovery time): read {u} beside it"
                )
            });
        format!(
            "note: {name} is not defined in every replication at {} of {} points ({}): its \
             means are over those where it is, its differences over the replications both \
             points define{recovery}\n",
            partial.len(),
            self.points,
            listed.join(", ")
        )
    }
}

/// The widest a sweep table's line grows (about as wide as a run's table)
/// before its KPIs go on in another block under it, each block led by the
/// point and its axis values. A block holds one KPI at least, so it is
/// wider where the axes and one KPI already are.
const MAX_TABLE_WIDTH: usize = 160;

/// One column of the sweep table, as written.
struct Column {
    header: String,
    cells: Vec<String>,
}

impl Column {
    /// Its width in terminal columns: the widest of its header and cells.
    fn width(&self) -> usize {
        use crate::table::shown_width;
        self.cells.iter().map(|c| shown_width(c)).fold(shown_width(&self.header), usize::max)
    }
}

/// The KPI groups (four columns each) of each block of the sweep table, in
/// order: as many as fit `max` characters beside the `lead` columns, and at
/// least one. One block, the lead alone, when no KPI is shown.
fn blocks(lead: &[Column], groups: &[Vec<Column>], max: usize) -> Vec<Vec<usize>> {
    // Columns are two spaces apart.
    let width = |cols: &[Column]| cols.iter().map(|c| c.width() + 2).sum::<usize>();
    let lead_width = width(lead) - 2;
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = lead_width;
    for (g, cols) in groups.iter().enumerate() {
        let w = width(cols);
        let block = out.last_mut().expect("never empty");
        if !block.is_empty() && used + w > max {
            out.push(vec![g]);
            used = lead_width + w;
        } else {
            block.push(g);
            used += w;
        }
    }
    out
}

/// One design point of the sweep table, as numbers (written when the
/// table is rendered, so that a column's numbers share their decimals).
struct SweepRow {
    index: usize,
    axes: Vec<f64>,
    /// Per KPI of the table's names.
    kpis: Vec<KpiCells>,
}

/// One KPI at one design point.
struct KpiCells {
    mean: f64,
    half_width: f64,
    /// The paired difference from the reference and its 95% interval;
    /// `None` at the reference itself.
    diff: Option<[f64; 3]>,
}

/// The four columns of one KPI: mean, +-95%, difference from the
/// reference and its interval, all with the decimals of the KPI's means,
/// differences signed and floating-point noise shown as 0.
fn kpi_columns<'a>(cells: impl Iterator<Item = &'a KpiCells> + Clone) -> [Vec<String>; 4] {
    let means: Vec<f64> = cells.clone().map(|c| c.mean).collect();
    let decimals = table::decimals(&means);
    let scale = means.iter().filter(|m| m.is_finite()).fold(0.0_f64, |m, v| m.max(v.abs()));
    let hws: Vec<f64> = cells.clone().map(|c| c.half_width).collect();
    let signed = |x: f64| table::signed(x, decimals, scale);
    let (diffs, intervals) = cells
        .map(|c| match c.diff {
            None => ("reference".to_string(), String::new()),
            Some([d, low, high]) => (
                signed(d),
                // One replication: no interval. An interval that excludes 0
                // is starred: rounded to the means' decimals, a bound near
                // 0 would read as 0 (`[0, +0.0004]`) and hide it.
                if low.is_finite() && high.is_finite() {
                    let star = if low > 0.0 || high < 0.0 { " *" } else { "" };
                    format!("[{}, {}]{star}", signed(low), signed(high))
                } else {
                    "-".into()
                },
            ),
        })
        .unzip();
    [table::column(&means, decimals), table::column(&hws, decimals), diffs, intervals]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kpis_columns_share_the_decimals_of_its_means() {
        let cells = [
            KpiCells { mean: 94.24, half_width: 3.0, diff: None },
            KpiCells { mean: 97.0, half_width: 2.5, diff: Some([2.76, -1.0, 6.5]) },
            // The same mean as the reference, up to floating-point noise.
            KpiCells { mean: 94.24, half_width: 3.0, diff: Some([1.062e-13, -748.3, 748.3]) },
            KpiCells { mean: 107.0, half_width: f64::NAN, diff: Some([12.76, f64::NAN, 1.0]) },
        ];
        let [means, hws, diffs, intervals] = kpi_columns(cells.iter());
        assert_eq!(means, ["94.2", "97.0", "94.2", "107.0"]);
        assert_eq!(hws, ["3.0", "2.5", "3.0", "-"]);
        assert_eq!(diffs, ["reference", "+2.8", "0", "+12.8"]);
        assert_eq!(intervals, ["", "[-1.0, +6.5]", "[-748.3, +748.3]", "-"]);
        // An interval that excludes 0 is starred, even where its lower
        // bound rounds to 0 at the means' decimals.
        let cells = [
            KpiCells { mean: 0.9933, half_width: 0.001, diff: None },
            KpiCells { mean: 0.9935, half_width: 0.001, diff: Some([0.0002, 0.00002, 0.00043]) },
            KpiCells { mean: 0.9931, half_width: 0.001, diff: Some([-0.0002, -0.0005, -0.0001]) },
        ];
        let [_, _, _, intervals] = kpi_columns(cells.iter());
        assert!(intervals[1].ends_with("] *"), "{intervals:?}");
        assert!(intervals[2].ends_with("] *"), "{intervals:?}");
    }

    #[test]
    fn kpis_go_on_in_blocks_no_wider_than_the_limit() {
        let col = |w: usize| Column { header: "h".repeat(w), cells: vec!["1".into()] };
        let lead = [col(5), col(10)]; // 5 + 2 + 10 = 17 wide
        // Groups of 4 columns of 8 characters: 40 wide with their spaces.
        let groups: Vec<Vec<Column>> = (0..5).map(|_| (0..4).map(|_| col(8)).collect()).collect();
        // 17 + 3 x 40 = 137 fits 140; a fourth would make 177.
        assert_eq!(blocks(&lead, &groups, 140), [vec![0, 1, 2], vec![3, 4]]);
        assert_eq!(blocks(&lead, &groups, 1000), [vec![0, 1, 2, 3, 4]]);
        // A group wider than the limit still gets a block of its own.
        assert_eq!(blocks(&lead, &groups, 20), [vec![0], vec![1], vec![2], vec![3], vec![4]]);
        // No KPI shown: one block, the lead alone.
        assert_eq!(blocks(&lead, &[], 140), [Vec::<usize>::new()]);
    }
}
