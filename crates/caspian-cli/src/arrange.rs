//! Which KPI rows a results table shows, and in which order: the headline
//! KPIs first, then the others grouped by family, hiding void KPIs and the
//! points of monthly series unless asked for (shared by `run`, `merge` and
//! `compare`).

use caspian_montecarlo::select;
use caspian_montecarlo::stats::Summary;

/// One line of a KPI table: a group's heading, or a KPI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Line {
    /// `headline`, or a family's pattern and meaning.
    Heading(String),
    /// A KPI's name.
    Kpi(String),
}

/// What a KPI table shows: the headline KPIs first, then the others
/// grouped by family (in the order of the KPI schema), as rows of KPI
/// names under one-cell headings; and how many were hidden.
#[derive(Debug, Default)]
pub(crate) struct Arranged {
    /// Headings and KPIs, in display order.
    pub(crate) rows: Vec<Line>,
    /// KPIs left out because they are void ([`Arranged::hidden_line`]).
    pub(crate) hidden: usize,
    /// Points of monthly series (`month_*`) left out: not asked for by
    /// `--all` or a `--kpi` pattern ([`caspian_montecarlo::schema::KpiFamily::is_series`]).
    pub(crate) series: usize,
}

impl Arranged {
    /// The line saying how many KPIs were hidden and why (`where_` says
    /// where they were void, e.g. "in every replication"), if any were.
    pub(crate) fn hidden_line(&self, where_: &str) -> Option<String> {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let mut out = String::new();
        if self.hidden > 0 {
            out.push_str(&format!(
                "{} KPI{} hidden: zero or undefined {where_} (`--all` shows them)\n",
                self.hidden,
                plural(self.hidden)
            ));
        }
        if self.series > 0 {
            out.push_str(&format!(
                "{} KPI{} hidden: monthly series (`--all` or `--kpi 'month_*'` shows them)\n",
                self.series,
                plural(self.series)
            ));
        }
        (!out.is_empty()).then_some(out)
    }

    /// Whether the table shows KPI `name`.
    pub(crate) fn shows(&self, name: &str) -> bool {
        self.rows.iter().any(|r| matches!(r, Line::Kpi(k) if k == name))
    }

    /// The notes under the table on the KPIs shown, in their order:
    /// `notes(k)` for each (the document's, which the HTML report prints
    /// too: a KPI not defined in every replication, a plain recovery time
    /// far longer than its paired one).
    pub(crate) fn kpi_notes<N: IntoIterator<Item = String>>(
        &self,
        notes: impl Fn(&str) -> N,
    ) -> Vec<String> {
        self.rows
            .iter()
            .flat_map(|r| match r {
                Line::Kpi(k) => notes(k).into_iter().map(|n| format!("note: {n}")).collect(),
                Line::Heading(_) => Vec::new(),
            })
            .collect()
    }

    /// The table rows: a heading as a one-cell row, a KPI as `row(name)`.
    pub(crate) fn table_rows(&self, row: impl Fn(&str) -> Vec<String>) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| match r {
                Line::Kpi(name) => row(name),
                Line::Heading(heading) => vec![heading.clone()],
            })
            .collect()
    }
}

/// Arranges the KPIs `kpis` (name and mean, in name order) for a table:
/// those matching `patterns` (all when empty), headline KPIs first
/// ([`caspian_montecarlo::schema`]'s `headline`), then the others by
/// family. Unless `all`, a KPI that is `void` (zero or undefined
/// throughout) is hidden, except a headline KPI ("no loss" is a finding),
/// a KPI named exactly by a pattern and the count of unrecovered episodes
/// of a recovery KPI shown; and so is every point of a
/// monthly series (`month_*`, dozens of KPIs) unless a pattern matches it.
pub(crate) fn arrange(
    kpis: &[(&str, f64)],
    void: impl Fn(&str) -> bool,
    patterns: &[String],
    all: bool,
) -> Arranged {
    use caspian_montecarlo::headline;
    use caspian_montecarlo::schema::{FAMILIES, family_of};
    let wanted = |k: &str| patterns.is_empty() || patterns.iter().any(|p| select::matches(p, k));
    let named = |k: &str| patterns.iter().any(|p| p == k);
    let top: Vec<&str> = headline(kpis.iter().copied()).into_iter().filter(|k| wanted(k)).collect();
    let mut out = Arranged::default();
    if !top.is_empty() {
        out.rows.push(Line::Heading("headline".into()));
        out.rows.extend(top.iter().map(|k| Line::Kpi((*k).to_string())));
    }
    let rest: Vec<&str> = kpis
        .iter()
        .map(|&(k, _)| k)
        .filter(|k| wanted(k) && !top.contains(k))
        .filter(|k| {
            let series = family_of(k).is_some_and(|f| f.is_series());
            let keep = all || !patterns.is_empty() || !series;
            out.series += usize::from(!keep);
            keep
        })
        .collect();
    // A recovery KPI is read with its count of unrecovered episodes, so that
    // count is shown beside it even when it is zero ("all recovered").
    let partners: Vec<String> = rest
        .iter()
        .filter(|k| all || named(k) || !void(k))
        .filter_map(|k| caspian_montecarlo::schema::unrecovered_of(k))
        .collect();
    let rest: Vec<&str> = rest
        .into_iter()
        .filter(|k| {
            let keep = all || named(k) || !void(k) || partners.iter().any(|p| p == k);
            out.hidden += usize::from(!keep);
            keep
        })
        .collect();
    // Each KPI's family, looked up once (not once per family).
    let rest: Vec<(&str, Option<&'static str>)> =
        rest.into_iter().map(|k| (k, family_of(k).map(|f| f.pattern))).collect();
    for family in FAMILIES.iter().map(Some).chain([None]) {
        let members: Vec<&str> = rest
            .iter()
            .filter(|(_, pattern)| *pattern == family.map(|f| f.pattern))
            .map(|&(k, _)| k)
            .collect();
        if members.is_empty() {
            continue;
        }
        out.rows.push(Line::Heading(
            family.map_or_else(
                || "other".to_string(),
                |f| format!("{}: {}", f.pattern, f.description),
            ),
        ));
        out.rows.extend(members.into_iter().map(|k| Line::Kpi(k.to_string())));
    }
    out
}

/// Whether the summary `s` of KPI `name` is zero or undefined in every
/// replication. A recovery time of 0 everywhere is a finding (every
/// episode was back at once), so a recovery KPI is void only when
/// undefined everywhere.
pub(crate) fn void(name: &str, s: &Summary) -> bool {
    let zero = s.mean == 0.0 && (s.sd == 0.0 || s.n == 1);
    s.n == 0 || (zero && caspian_montecarlo::schema::unrecovered_of(name).is_none())
}
