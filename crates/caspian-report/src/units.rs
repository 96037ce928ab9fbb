//! Units and axis labels of KPIs and sweep keys (see docs/kpis.md and
//! docs/scenarios.md).

use caspian_montecarlo::SweepKey;

/// The unit of a KPI, from its family (the part of the name before the first
/// dot). Storage, inflow and outflow amounts are in their cargo's unit, which
/// the name does not tell: `t or wagons`.
pub fn kpi_unit(kpi: &str) -> &'static str {
    let family = kpi.split('.').next().unwrap_or(kpi);
    let cargo = kpi.rsplit('.').next().unwrap_or("");
    match family {
        "delivered_total" | "cargo_lost" => match cargo {
            "oil" => "t",
            "wagons" => "wagons",
            _ => "t or wagons",
        },
        "delivered" | "storage_mean" | "storage_max" | "forwarded" | "shut_in" => "t or wagons",
        "transit_h" | "gate_wait_h" | "port_closure_h" | "crossing_h" | "corridor_closure_h" => "h",
        "anchorage_wait_h" => "h per berth call",
        "anchorage_queue_mean" => "vessels",
        "berth_calls" => "calls",
        "berth_utilization" | "vessel_utilization" => "fraction",
        "voyages" | "incidents" | "detentions" => "crossings",
        "vessels_lost" => "vessels",
        _ => "",
    }
}

/// `kpi (unit)`, for an axis.
pub fn kpi_label(kpi: &str) -> String {
    match kpi_unit(kpi) {
        "" => kpi.to_string(),
        u => format!("{kpi} ({u})"),
    }
}

/// The unit of a sweepable key ([`SweepKey::unit`]); empty for text that is
/// not a sweepable key.
pub fn axis_unit(key: &str) -> &'static str {
    key.parse::<SweepKey>().map_or("", |k| k.unit())
}

/// `key (unit)`, for an axis.
pub fn axis_label(key: &str) -> String {
    match axis_unit(key) {
        "" => key.to_string(),
        u => format!("{key} ({u})"),
    }
}

/// A number for people: thousands separated, a sensible number of
/// decimals, `-` when undefined.
pub fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return "-".to_string();
    }
    let a = x.abs();
    if a >= 10_000.0 {
        let s = format!("{:.0}", a);
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        if x < 0.0 { format!("-{out}") } else { out }
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.3}")
    } else if a == 0.0 {
        "0".to_string()
    } else {
        let s = format!("{x:.4}");
        if s.trim_start_matches('-').trim_start_matches(['0', '.']).is_empty() {
            format!("{x:.2e}")
        } else {
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_follow_the_kpi_families() {
        assert_eq!(kpi_unit("delivered_total.oil"), "t");
        assert_eq!(kpi_unit("delivered_total.wagons"), "wagons");
        assert_eq!(kpi_unit("transit_h.oil.p95"), "h");
        assert_eq!(kpi_unit("berth_utilization.alat.rail_ferry"), "fraction");
        assert_eq!(kpi_unit("corridor_closure_h"), "h");
        assert_eq!(kpi_label("incidents"), "incidents (crossings)");
        assert_eq!(
            axis_label("port.alat.berths.rail_ferry"),
            "port.alat.berths.rail_ferry (berths)"
        );
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(fmt_num(1_699_467.4), "1,699,467");
        assert_eq!(fmt_num(-12_345.0), "-12,345");
        assert_eq!(fmt_num(123.456), "123.5");
        assert_eq!(fmt_num(0.5), "0.5000");
        assert_eq!(fmt_num(0.00001), "1.00e-5");
        assert_eq!(fmt_num(f64::NAN), "-");
    }
}
