//! Axis labels of KPIs and sweep keys (see docs/kpis.md and
//! docs/scenarios.md), and numbers for people. KPI units are not derived
//! here: every KPI in a result document carries its `unit`, resolved by the
//! runner from the KPI schema.

use caspian_montecarlo::SweepKey;

/// What the KPI measures, with its unit, for an axis: the KPI schema's
/// label (`anchorage wait for rail_ferry berths at alat (h per berth
/// call)`), or the name itself for a KPI with no family. The unit comes
/// from the result document (`unit` of every KPI).
pub fn kpi_label(kpi: &str, unit: &str) -> String {
    let label = caspian_montecarlo::schema::label(kpi).unwrap_or_else(|| kpi.to_string());
    match unit {
        "" => label,
        u => format!("{label} ({u})"),
    }
}

/// `kpi (unit)`: the name a user types, with its unit, for titles.
pub fn kpi_key(kpi: &str, unit: &str) -> String {
    match unit {
        "" => kpi.to_string(),
        u => format!("{kpi} ({u})"),
    }
}

/// What a KPI measures, from the KPI schema's one-line description (empty
/// for a name with no family).
pub fn kpi_description(kpi: &str) -> &'static str {
    caspian_montecarlo::schema::family_of(kpi).map_or("", |f| f.description)
}

/// `kpi (unit): description`, for a facet's or a panel's title: the key a
/// user types, its unit and what it measures.
pub fn kpi_title(kpi: &str, unit: &str) -> String {
    match kpi_description(kpi) {
        "" => kpi_key(kpi, unit),
        d => format!("{}: {d}", kpi_key(kpi, unit)),
    }
}

/// The unit of a sweepable key ([`SweepKey::unit`]); empty for text that is
/// not a sweepable key.
pub fn axis_unit(key: &str) -> &'static str {
    key.parse::<SweepKey>().map_or("", |k| k.unit())
}

/// What a sweep key sets, with its unit, for an axis or a legend
/// ([`SweepKey::label`]: `rail_ferry berths at alat (berths)`); text that
/// is not a sweepable key as it is.
pub fn axis_label(key: &str) -> String {
    match key.parse::<SweepKey>() {
        Ok(k) => format!("{} ({})", k.label(), k.unit()),
        Err(_) => key.to_string(),
    }
}

/// A whole number thousands separated (`8,000`); other numbers as
/// [`fmt_num`].
pub fn fmt_whole(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { separated(x) } else { fmt_num(x) }
}

/// `x` rounded to a whole number, with thousands separators.
fn separated(x: f64) -> String {
    let s = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if x < 0.0 && out.chars().any(|c| c != '0') { format!("-{out}") } else { out }
}

/// A number for people: thousands separated, a sensible number of
/// decimals, `-` when undefined.
pub fn fmt_num(x: f64) -> String {
    fmt_num_at(x, x.abs())
}

/// Two numbers of one range (`lo to hi`) written with the same precision:
/// that [`fmt_num`] gives the larger magnitude (`90.0 to 117.7`, not
/// `89.997 to 117.7`).
pub fn fmt_range(lo: f64, hi: f64) -> (String, String) {
    let [lo, hi] = fmt_together([lo, hi]);
    (lo, hi)
}

/// Numbers read together (a difference and its interval) written with the
/// same precision: that [`fmt_num`] gives the largest finite magnitude
/// (`-0.900 (-10.494 to 8.694)`, not `-0.9000 (-10.494 to 8.694)`). A
/// value below 10^-12 of the largest is rounding noise (the mean of paired
/// differences that cancel, `5.01e-17` beside `-0.2520 to 0.2520`) and is
/// written as 0.
pub fn fmt_together<const N: usize>(values: [f64; N]) -> [String; N] {
    let scale = values.iter().filter(|v| v.is_finite()).fold(0.0_f64, |m, v| m.max(v.abs()));
    values.map(|x| fmt_num_at(if x.abs() <= scale * 1e-12 { 0.0 } else { x }, scale))
}

/// `n` with its noun: `1 replication`, `2 replications`.
pub fn plural(n: impl Into<u128>, one: &str, many: &str) -> String {
    let n: u128 = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `n` replications in words: `1 replication`, `2 replications`.
pub fn replications(n: impl Into<u128>) -> String {
    plural(n, "replication", "replications")
}

/// `x` in the format [`fmt_num`] chooses for a number of magnitude `a`.
fn fmt_num_at(x: f64, a: f64) -> String {
    if !x.is_finite() {
        return "-".to_string();
    }
    if a >= 10_000.0 {
        separated(x)
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.3}")
    } else if x == 0.0 {
        "0".to_string()
    } else if (1e-4..1e-3).contains(&a)
        && !format!("{x:.6}").trim_start_matches(['-', '0', '.']).is_empty()
    {
        // A small difference (a service level's, `0.000273`): six decimals
        // keep three significant digits, as the terminal tables do.
        format!("{x:.6}")
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
    fn counts_take_the_noun_their_number_needs() {
        assert_eq!(replications(1u64), "1 replication");
        assert_eq!(replications(0u64), "0 replications");
        assert_eq!(replications(1000u64), "1000 replications");
        assert_eq!(plural(1u32, "KPI", "KPIs"), "1 KPI");
    }

    #[test]
    fn a_range_is_written_at_one_precision() {
        assert_eq!(fmt_range(89.997, 117.7), ("90.0".to_string(), "117.7".to_string()));
        assert_eq!(fmt_range(0.5, 2.0), ("0.500".to_string(), "2.000".to_string()));
        assert_eq!(fmt_range(9_500.0, 12_000.0), ("9,500".to_string(), "12,000".to_string()));
        assert_eq!(fmt_range(0.0, 0.25), ("0".to_string(), "0.2500".to_string()));
        assert_eq!(fmt_num(89.997), "89.997", "a number alone keeps its own precision");
        assert_eq!(fmt_together([-0.9, -10.494, 8.694]), ["-0.900", "-10.494", "8.694"]);
        assert_eq!(fmt_together([242.5, 163.9, 321.1]), ["242.5", "163.9", "321.1"]);
        assert_eq!(fmt_together([f64::NAN, 0.5, 2.0]), ["-", "0.500", "2.000"]);
        // Rounding noise beside its interval is 0, at the interval's precision.
        assert_eq!(fmt_together([5.01e-17, -0.252, 0.252]), ["0", "-0.2520", "0.2520"]);
        assert_eq!(fmt_together([-3.75e-14, -223.7, 223.7]), ["0.0", "-223.7", "223.7"]);
        // A small difference that is not noise keeps its digits.
        assert_eq!(
            fmt_together([-2.45e-6, -6.76e-6, 1.86e-6]),
            ["-2.45e-6", "-6.76e-6", "1.86e-6"]
        );
    }

    #[test]
    fn labels_carry_units() {
        assert_eq!(kpi_label("incidents", "crossings"), "incidents (crossings)");
        assert_eq!(kpi_label("x", ""), "x");
        assert_eq!(
            kpi_title("delivered_total.oil", "t"),
            "delivered_total.oil (t): units of this cargo accepted into storages from vessels"
        );
        assert_eq!(kpi_title("no_such", ""), "no_such");
        assert_eq!(
            kpi_label("anchorage_wait_h.alat.rail_ferry", "h per berth call"),
            "anchorage wait for rail_ferry berths at alat (h per berth call)"
        );
        assert_eq!(kpi_label("delivered_total.oil", "t"), "oil delivered (t)");
        assert_eq!(axis_label("port.alat.berths.rail_ferry"), "rail_ferry berths at alat (berths)");
        assert_eq!(
            axis_label("weather.storm_rate_multiplier"),
            "storm rate multiplier (x baseline)"
        );
        assert_eq!(axis_label("not a key"), "not a key");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(fmt_num(1_699_467.4), "1,699,467");
        assert_eq!(fmt_num(-12_345.0), "-12,345");
        assert_eq!(fmt_num(123.456), "123.5");
        assert_eq!(fmt_num(0.5), "0.5000");
        assert_eq!(fmt_num(2.731e-4), "0.000273");
        assert_eq!(fmt_num(0.00001), "1.00e-5");
        assert_eq!(fmt_range(-3e-7, 1.2e-4), ("-3.00e-7".to_string(), "0.000120".to_string()));
        assert_eq!(fmt_range(-9.7e-5, 1.246e-4), ("-0.000097".to_string(), "0.000125".to_string()));
        assert_eq!(fmt_num(f64::NAN), "-");
        assert_eq!(fmt_whole(8000.0), "8,000");
        assert_eq!(fmt_whole(-1_234_567.0), "-1,234,567");
        assert_eq!(fmt_whole(1.0), "1");
        assert_eq!(fmt_whole(0.5), "0.5000");
    }
}
