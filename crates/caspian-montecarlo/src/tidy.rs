//! Tidy data (`--tidy-csv FILE` of run, sweep and compare): one row per
//! (scenario or design point, replication, KPI), the long format that
//! pandas, polars, R and spreadsheets pivot and plot directly.
//!
//! Columns: [`COLUMNS`] (`scenario`, `point`, `replication`, `kpi`,
//! `value`, `unit`), then one per swept key, holding the design point's
//! value (none for a run or a comparison). `point` is the design point's
//! index in a sweep and empty otherwise; an undefined value (NaN) is an
//! empty `value`. Rows are written as they are made, into any
//! [`csv::Writer`] (the CLI's streams into an atomically renamed file).

use std::io::Write;

use crate::document::KpiUnits;
use crate::records::PointRecords;
use crate::replication_csv::field;

/// The columns before the swept keys.
pub const COLUMNS: [&str; 6] = ["scenario", "point", "replication", "kpi", "value", "unit"];

/// One block of rows: the replications of one scenario or design point.
#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    /// The scenario's name.
    pub scenario: &'a str,
    /// The design point's index in a sweep.
    pub point: Option<usize>,
    /// The design point's value of each swept key (empty for a run or a
    /// comparison).
    pub values: &'a [f64],
    /// Its per-replication records.
    pub records: &'a PointRecords,
    /// The unit of each KPI.
    pub units: &'a KpiUnits,
}

/// Writes the header: [`COLUMNS`], then the swept keys.
///
/// # Errors
/// The writer's error.
pub fn write_header<W: Write>(w: &mut csv::Writer<W>, keys: &[String]) -> csv::Result<()> {
    let mut header: Vec<&str> = COLUMNS.to_vec();
    header.extend(keys.iter().map(String::as_str));
    w.write_record(&header)
}

/// Writes one row per replication and KPI of `block`, replications in
/// order, KPIs in name order.
///
/// # Errors
/// The writer's error.
pub fn write_block<W: Write>(w: &mut csv::Writer<W>, block: &Block<'_>) -> csv::Result<()> {
    let point = block.point.map(|p| p.to_string()).unwrap_or_default();
    let keys: Vec<String> = block.values.iter().map(ToString::to_string).collect();
    let units: Vec<&str> = block
        .records
        .kpi_names
        .iter()
        .map(|k| block.units.get(k).map_or("", String::as_str))
        .collect();
    for row in &block.records.rows {
        let replication = row.replication.to_string();
        for ((kpi, value), unit) in block.records.kpi_names.iter().zip(&row.values).zip(&units) {
            let value = field(*value);
            let mut record: Vec<&str> =
                vec![block.scenario, &point, &replication, kpi, &value, unit];
            record.extend(keys.iter().map(String::as_str));
            w.write_record(&record)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_replication_and_kpi_with_the_point_and_its_keys() {
        let mut records = PointRecords::single_kpi(&[1.5, f64::NAN]);
        records.kpi_names = vec!["delivered_total.oil".into()];
        let units: KpiUnits = [("delivered_total.oil".to_string(), "t".to_string())].into();
        let mut w = csv::Writer::from_writer(Vec::new());
        write_header(&mut w, &["port.alat.berths.rail_ferry".into()]).unwrap();
        let block = Block {
            scenario: "base",
            point: Some(3),
            values: &[2.0],
            records: &records,
            units: &units,
        };
        write_block(&mut w, &block).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(
            text,
            "scenario,point,replication,kpi,value,unit,port.alat.berths.rail_ferry\n\
             base,3,0,delivered_total.oil,1.5,t,2\n\
             base,3,1,delivered_total.oil,,t,2\n"
        );
    }
}
