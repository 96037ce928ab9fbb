//! The KPI schema: every KPI family the model emits, defined once.
//!
//! A family is a name pattern such as `anchorage_wait_h.<port>.<class>` with
//! its unit, kind, direction and a one-line description. Everything that
//! shows a KPI to a person or a program (the terminal table, the JSON and CSV
//! results, the report's charts and `docs/kpis.md`) takes these facts from
//! here; nothing re-derives them from the name. The table itself is in
//! `kpi/families.rs`; a test checks that `docs/kpis.md` and it
//! agree.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// What a KPI measures, for choosing how to aggregate and draw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KpiKind {
    /// A number of things or events (calls, voyages, vessels).
    Count,
    /// An amount of cargo, in the cargo's unit.
    Amount,
    /// A length of time.
    Duration,
    /// A fraction of one quantity over another, in `[0, 1]`.
    Ratio,
    /// A probability, in `[0, 1]`.
    Probability,
    /// An amount of money.
    Money,
}

impl KpiKind {
    /// The lower-case name used in documents and docs.
    pub fn as_str(self) -> &'static str {
        match self {
            KpiKind::Count => "count",
            KpiKind::Amount => "amount",
            KpiKind::Duration => "duration",
            KpiKind::Ratio => "ratio",
            KpiKind::Probability => "probability",
            KpiKind::Money => "money",
        }
    }
}

/// Which way is better, for rankings and for colouring differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Direction {
    /// More is better (cargo delivered).
    HigherIsBetter,
    /// Less is better (waits, losses, closures).
    LowerIsBetter,
    /// Neither is better in itself (utilization, stock levels, voyages).
    Neither,
}

impl Direction {
    /// The name used in documents and docs: `higher`, `lower` or `neither`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher",
            Direction::LowerIsBetter => "lower",
            Direction::Neither => "neither",
        }
    }
}

/// The unit of a KPI family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unit {
    /// Tonnes: of oil, or of any cargo converted with `[tonnes_per_unit]`
    /// (`delivered_t.*`).
    Tonnes,
    /// Rail wagons.
    Wagons,
    /// The unit of the cargo of the storage, inflow or outflow the KPI names:
    /// tonnes, wagons, trucks or TEU, known once the scenario is
    /// ([`Unit::resolve`]).
    CargoUnit,
    /// Hours.
    Hours,
    /// Hours per berth call.
    HoursPerCall,
    /// Vessels.
    Vessels,
    /// Berth calls.
    Calls,
    /// Crossings (departures).
    Crossings,
    /// A fraction in `[0, 1]`.
    Fraction,
    /// Days.
    Days,
    /// Episodes of a disruption.
    Episodes,
    /// One-way crossings per vessel per month (30.44 days).
    TripsPerVesselMonth,
    /// Stops out of service (dry-dockings or repairs).
    Stops,
    /// Road vehicles (trucks, semi-trailers).
    Trucks,
    /// Twenty-foot equivalent units (containers).
    Teu,
    /// Money per year, in the scenario's `[costs] currency`: written
    /// `currency/yr` in the schema, `USD/yr` (say) once the scenario is
    /// known ([`unit_text`]).
    MoneyPerYear,
}

impl Unit {
    /// The unit as written in tables, documents and docs.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Tonnes => "t",
            Unit::Wagons => "wagons",
            Unit::CargoUnit => "t, wagons, trucks or TEU",
            Unit::Hours => "h",
            Unit::HoursPerCall => "h per berth call",
            Unit::Vessels => "vessels",
            Unit::Calls => "calls",
            Unit::Crossings => "crossings",
            Unit::Fraction => "fraction",
            Unit::Days => "days",
            Unit::Episodes => "episodes",
            Unit::TripsPerVesselMonth => "crossings per vessel-month",
            Unit::Stops => "stops",
            Unit::Trucks => "trucks",
            Unit::Teu => "TEU",
            Unit::MoneyPerYear => "currency/yr",
        }
    }

    /// The unit with [`Unit::CargoUnit`] replaced by the cargo's own unit.
    pub fn resolve(self, cargo: crate::scenario::Cargo) -> Unit {
        use crate::scenario::Cargo;
        match (self, cargo) {
            (Unit::CargoUnit, Cargo::Oil) => Unit::Tonnes,
            (Unit::CargoUnit, Cargo::Wagons) => Unit::Wagons,
            (Unit::CargoUnit, Cargo::Trucks) => Unit::Trucks,
            (Unit::CargoUnit, Cargo::Teu) => Unit::Teu,
            (u, _) => u,
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One family of KPIs: a name pattern and what every KPI matching it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KpiFamily {
    /// The name pattern: dot-separated segments, each a literal word or a
    /// placeholder in angle brackets (`<port>`, `<class>`, `<storage>`,
    /// `<cargo>`, `<inflow>`, `<outflow>`, `<fleet>`, `<disruption>`)
    /// standing for one id, or `<month>` for a month of the run (`m01`,
    /// `m02`, ...).
    pub pattern: &'static str,
    /// The unit of its values.
    pub unit: Unit,
    /// What it measures.
    pub kind: KpiKind,
    /// Which way is better.
    pub direction: Direction,
    /// One line for tables and tooltips; `docs/kpis.md` has the full definition.
    pub description: &'static str,
    /// A short name for chart axes, with the pattern's placeholders
    /// (`anchorage wait for <class> berths at <port>`): see [`label`].
    pub label: &'static str,
}

impl KpiFamily {
    /// Whether `name` is a KPI of this family. A `<cargo>` placeholder
    /// matches only a cargo kind's name, so `delivered_t.total` is not a
    /// cargo of `delivered_t.<cargo>`.
    pub fn matches(&self, name: &str) -> bool {
        // Segments as byte slices: `str::split('.')` searches with `memchr`,
        // whose set-up costs more than these short segments (a run with a
        // long monthly series matches thousands of names; issue 18). A '.'
        // byte is never part of a multi-byte character, so the segments are
        // the same.
        let mut pattern = self.pattern.as_bytes().split(|&b| b == b'.');
        let mut parts = name.as_bytes().split(|&b| b == b'.');
        loop {
            match (pattern.next(), parts.next()) {
                (None, None) => return true,
                (Some(p), Some(s)) => {
                    let placeholder = p.starts_with(b"<") && p.ends_with(b">");
                    if s.is_empty() || (!placeholder && p != s) {
                        return false;
                    }
                    if p == b"<cargo>"
                        && !crate::scenario::Cargo::ALL.iter().any(|c| c.as_str().as_bytes() == s)
                    {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }

    /// Whether a KPI of this family is one point of a monthly time series
    /// (`month_*.<cargo>.mNN`): tables hide them unless asked, and the
    /// report draws them as a fan chart rather than one chart each.
    pub fn is_series(&self) -> bool {
        self.pattern.ends_with(".<month>")
    }

    /// The part of the pattern before the first placeholder or dot, e.g.
    /// `transit_h` for `transit_h.<cargo>.mean`.
    pub fn stem(&self) -> &'static str {
        self.pattern.split('.').next().unwrap_or(self.pattern)
    }
}

pub use super::families::FAMILIES;

/// What the KPI `name` measures, in words, for chart axes: its family's
/// label with the ids of the name in place of the placeholders
/// (`anchorage_wait_h.alat.rail_ferry` is "anchorage wait for rail_ferry
/// berths at alat"). `None` for a name with no family.
pub fn label(name: &str) -> Option<String> {
    let family = family_of(name)?;
    let mut label = family.label.to_string();
    for (placeholder, id) in family.pattern.split('.').zip(name.split('.')) {
        if placeholder.starts_with('<') {
            label = label.replace(placeholder, id);
        }
    }
    Some(label)
}

/// The family of a KPI name, if it has one.
///
/// Families are indexed by their stem (the literal first segment of every
/// pattern), so a lookup tries only the few families that share the name's
/// first segment, in table order: a scenario with a long monthly series has
/// thousands of KPI names, and a scan of the whole table for each cost more
/// than the replications of a short run (issue 18).
pub fn family_of(name: &str) -> Option<&'static KpiFamily> {
    // The stem ends at the first '.' (a byte never inside a multi-byte
    // character); a plain scan, as in `matches`, is cheaper than
    // `split_once`'s `memchr` set-up for these short stems.
    let end = name.bytes().position(|b| b == b'.').unwrap_or(name.len());
    let stem = &name[..end];
    let index = stem_index();
    let at = index.binary_search_by(|(s, _)| stem_order(s).cmp(&stem_order(stem))).ok()?;
    index[at].1.iter().map(|&i| &FAMILIES[i]).find(|f| f.matches(name))
}

/// The order of [`stem_index`]: by length, then by text, so that most
/// steps of a search compare two lengths and call no `memcmp`.
fn stem_order(stem: &str) -> (usize, &str) {
    (stem.len(), stem)
}

/// Each stem with its indices into [`FAMILIES`] (in table order), sorted by
/// [`stem_order`].
fn stem_index() -> &'static [(&'static str, Vec<usize>)] {
    static INDEX: OnceLock<Vec<(&'static str, Vec<usize>)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: BTreeMap<(usize, &'static str), Vec<usize>> = BTreeMap::new();
        for (i, f) in FAMILIES.iter().enumerate() {
            index.entry(stem_order(f.stem())).or_default().push(i);
        }
        index.into_iter().map(|((_, stem), families)| (stem, families)).collect()
    })
}

/// The unit of the KPI `name` in `plan`: its family's unit, with
/// [`Unit::CargoUnit`] resolved to the cargo of the storage, inflow or
/// outflow the name refers to (or of `<cargo>` itself). `None` for a name
/// with no family; the family's unit when the id is not in `plan`.
pub fn resolved_unit(plan: &crate::CompiledScenario, name: &str) -> Option<Unit> {
    family_of(name).map(|family| unit_in(plan, family, name))
}

/// The unit of the KPI `name` of `family` in `plan`: [`resolved_unit`] for a
/// caller that already holds the name's family (the KPI layout looks it up
/// once per name).
pub fn unit_in(plan: &crate::CompiledScenario, family: &KpiFamily, name: &str) -> Unit {
    if family.unit != Unit::CargoUnit {
        return family.unit;
    }
    // A `<cargo>` in the name says the cargo itself (`carried.<fleet>.<cargo>`).
    let named = family.pattern.split('.').zip(name.split('.')).find(|(p, _)| *p == "<cargo>");
    if let Some((_, id)) = named
        && let Some(c) = crate::scenario::Cargo::ALL.into_iter().find(|c| c.as_str() == id)
    {
        return family.unit.resolve(c);
    }
    let id = name.split('.').nth(1).unwrap_or("");
    let storage_cargo = |st: usize| plan.storages.get(st).map(|s| s.cargo);
    let cargo = match family.pattern.split('.').nth(1) {
        Some("<storage>") => plan.storages.iter().find(|s| s.id == id).map(|s| s.cargo),
        Some("<inflow>") => {
            plan.inflows.iter().find(|f| f.id == id).and_then(|f| storage_cargo(f.into))
        }
        Some("<outflow>") => {
            plan.outflows.iter().find(|o| o.id == id).and_then(|o| storage_cargo(o.from))
        }
        Some("<cargo>") => crate::scenario::Cargo::ALL.into_iter().find(|c| c.as_str() == id),
        Some("<fleet>") => plan.fleets.iter().find(|f| f.id == id).map(|f| f.cargo),
        _ => None,
    };
    cargo.map_or(family.unit, |c| family.unit.resolve(c))
}

/// The unit of the KPI `name` in `plan` as written in tables and result
/// documents: [`resolved_unit`], with [`Unit::MoneyPerYear`] in the
/// scenario's currency (`USD/yr`). `None` for a name with no family.
pub fn unit_text(plan: &crate::CompiledScenario, name: &str) -> Option<String> {
    resolved_unit(plan, name).map(|u| unit_written(plan, u))
}

/// `unit` as written in tables and result documents for `plan`: its name,
/// with [`Unit::MoneyPerYear`] in the scenario's currency (`USD/yr`).
pub fn unit_written(plan: &crate::CompiledScenario, unit: Unit) -> String {
    match unit {
        Unit::MoneyPerYear => format!("{}/yr", plan.cost_basis().currency),
        u => u.as_str().to_string(),
    }
}

/// The schema as the Markdown table of `docs/kpis.md` ("Schema" section):
/// key, unit, kind, direction, description.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| Key | Unit | Kind | Better | Description |\n|---|---|---|---|---|\n");
    for f in FAMILIES {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            f.pattern,
            f.unit,
            f.kind.as_str(),
            f.direction.as_str(),
            f.description
        ));
    }
    out
}

/// The KPI that counts the episodes a recovery KPI leaves out:
/// `unrecovered.<d>` for `recovery_days.<d>`, `unrecovered_paired.<d>` for
/// `recovery_paired_days.<d>`; `None` for any other KPI.
pub fn unrecovered_of(kpi: &str) -> Option<String> {
    if let Some(d) = kpi.strip_prefix("recovery_days.") {
        Some(format!("unrecovered.{d}"))
    } else {
        kpi.strip_prefix("recovery_paired_days.").map(|d| format!("unrecovered_paired.{d}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kpis_md() -> String {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/kpis.md");
        std::fs::read_to_string(path).expect("docs/kpis.md exists")
    }

    /// The "Schema" table of docs/kpis.md is exactly [`markdown_table`].
    #[test]
    fn docs_schema_table_matches_the_schema() {
        let doc = kpis_md();
        let table = markdown_table();
        assert!(
            doc.contains(&table),
            "docs/kpis.md's Schema table differs from the KPI schema; replace it with:\n{table}"
        );
    }

    /// Every key of the definition tables in docs/kpis.md is a schema
    /// pattern with the same unit, and every pattern is defined there.
    #[test]
    fn docs_definition_tables_match_the_schema() {
        let doc = kpis_md();
        let defined: Vec<(String, String)> = doc
            .lines()
            .filter(|l| l.starts_with("| `"))
            .map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                (cells[1].trim_matches('`').to_string(), cells[2].to_string())
            })
            .collect();
        for f in FAMILIES {
            let rows: Vec<_> = defined.iter().filter(|(k, _)| k == f.pattern).collect();
            // One row in the Schema table, one in a definition table.
            assert_eq!(rows.len(), 2, "{} should appear twice in docs/kpis.md", f.pattern);
            for (_, unit) in rows {
                assert_eq!(unit, f.unit.as_str(), "unit of {} in docs/kpis.md", f.pattern);
            }
        }
        for (key, _) in &defined {
            assert!(
                FAMILIES.iter().any(|f| f.pattern == key),
                "docs/kpis.md defines {key}, the schema has no such family"
            );
        }
    }

    /// [`KpiFamily::matches`] as it was written on `str` segments (before
    /// the byte-slice version of issue 18): the reference it must agree with.
    fn matches_by_str(f: &KpiFamily, name: &str) -> bool {
        let mut pattern = f.pattern.split('.');
        let mut parts = name.split('.');
        loop {
            match (pattern.next(), parts.next()) {
                (None, None) => return true,
                (Some(p), Some(s)) => {
                    let placeholder = p.starts_with('<') && p.ends_with('>');
                    if s.is_empty() || (!placeholder && p != s) {
                        return false;
                    }
                    if p == "<cargo>"
                        && !crate::scenario::Cargo::ALL.iter().any(|c| c.as_str() == s)
                    {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }

    /// The stem index finds exactly what a scan of the whole table finds, and
    /// the byte-wise match what the `str` one did, for every KPI the shipped
    /// scenarios emit, names near them and names with no family.
    #[test]
    fn indexed_lookup_agrees_with_a_full_scan() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let mut names: Vec<String> =
            ["", ".", "nope", "transit_h", "transit_h.", "cost.x", "a.b.c"]
                .map(String::from)
                .to_vec();
        // Files that `extend` another do not load from their text alone and
        // are skipped; these three (every model part, long monthly series) must.
        let mut loaded = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if path.extension().is_some_and(|e| e == "toml")
                && let Ok(plan) = crate::load(&text, &crate::compile::shown_path(&path))
            {
                names.extend(plan.kpi_layout().names().iter().cloned());
                loaded.extend(path.file_name().map(|f| f.to_string_lossy().into_owned()));
            }
        }
        for must in ["baseline.toml", "ferry_shuttle.toml", "mmc_check.toml"] {
            assert!(loaded.iter().any(|f| f == must), "{must} did not load");
        }
        assert!(names.len() > 500, "{} names", names.len());
        // Variants near each name: a segment dropped or added, a cargo
        // changed, dots doubled or trailing, non-ASCII text.
        let mut variants = Vec::new();
        for name in &names {
            variants.push(format!("{name}."));
            variants.push(format!("{name}.x"));
            variants.push(format!("é{name}"));
            variants.push(name.replacen('.', "..", 1));
            variants.push(name.replacen("oil", "oïl", 1));
            if let Some((head, _)) = name.rsplit_once('.') {
                variants.push(head.to_string());
                variants.push(format!("{head}."));
            }
        }
        names.extend(variants);
        for name in &names {
            let scan = FAMILIES.iter().find(|f| f.matches(name));
            assert_eq!(family_of(name), scan, "{name}");
            for f in FAMILIES {
                assert_eq!(f.matches(name), matches_by_str(f, name), "{} ~ {name}", f.pattern);
            }
        }
        for f in FAMILIES {
            assert!(!f.stem().starts_with('<'), "{}: the stem must be literal", f.pattern);
        }
    }

    #[test]
    fn every_name_has_exactly_one_family() {
        for name in [
            "delivered.aktau_tank_farm",
            "transit_h.oil.mean",
            "transit_h.wagons.p95",
            "anchorage_wait_h.alat.rail_ferry",
            "incidents",
            "corridor_closure_h",
            "delivered_t.teu",
            "delivered_t.total",
        ] {
            let n = FAMILIES.iter().filter(|f| f.matches(name)).count();
            assert_eq!(n, 1, "{name} matches {n} families");
        }
    }

    #[test]
    fn every_kpi_of_the_baseline_has_a_family() {
        let plan = crate::load(crate::BASELINE_TOML, "baseline").unwrap();
        let rep = crate::simulate(&plan, 1, 0);
        for (name, _) in rep.kpis.iter() {
            assert!(family_of(name).is_some(), "{name} has no family in the KPI schema");
        }
    }

    #[test]
    fn cargo_units_resolve_to_the_named_cargo() {
        let plan = crate::load(crate::BASELINE_TOML, "baseline").unwrap();
        let unit = |n: &str| resolved_unit(&plan, n).map(Unit::as_str);
        assert_eq!(unit("delivered.sangachal_tank_farm"), Some("t"));
        assert_eq!(unit("delivered.alat_yard_west"), Some("wagons"));
        assert_eq!(unit("shut_in.kazakh_crude"), Some("t"));
        assert_eq!(unit("forwarded.btk_railway"), Some("wagons"));
        assert_eq!(unit("delivered_total.oil"), Some("t"));
        assert_eq!(unit("cargo_lost.wagons"), Some("wagons"));
        assert_eq!(unit("anchorage_wait_h.alat.rail_ferry"), Some("h per berth call"));
        assert_eq!(unit("delivered.nowhere"), Some("t, wagons, trucks or TEU"));
        assert_eq!(unit("delivered_t.wagons"), Some("t"));
        assert_eq!(unit("delivered_t.total"), Some("t"));
        assert_eq!(unit("delivered_total.teu"), Some("TEU"));
        assert_eq!(unit("cargo_lost.trucks"), Some("trucks"));
        assert_eq!(unit("nonsense"), None);
        assert_eq!(unit("cost.total_per_year"), Some("currency/yr"));
        assert_eq!(unit_text(&plan, "cost.delay_per_year").as_deref(), Some("USD/yr"));
        assert_eq!(unit_text(&plan, "delivered_total.oil").as_deref(), Some("t"));
    }

    #[test]
    fn near_misses_match_nothing() {
        for name in [
            "transit_h.oil",
            "transit_h.oil.p50",
            "delivered",
            "delivered.",
            "incidents.x",
            "anchorage_wait_h.alat",
            "delivered_t.containers",
            "transit_h.total.mean",
            "",
        ] {
            assert_eq!(family_of(name), None, "{name}");
        }
    }

    #[test]
    fn patterns_are_unique_and_well_formed() {
        for (i, f) in FAMILIES.iter().enumerate() {
            assert!(FAMILIES[..i].iter().all(|g| g.pattern != f.pattern), "{}", f.pattern);
            for seg in f.pattern.split('.') {
                let ok =
                    seg.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                        || (seg.starts_with('<') && seg.ends_with('>'));
                assert!(ok && !seg.is_empty(), "{}: segment {seg:?}", f.pattern);
            }
        }
    }
}
