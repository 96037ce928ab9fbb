//! Command-line numbers and measures, parsed with messages in words
//! ("expected a whole number from 1 to 1,000,000,000, got \"abc\"") rather
//! than Rust's ("invalid digit found in string").

use caspian_montecarlo::measure::Measure;
use caspian_montecarlo::targets::TargetError;

use crate::failure::Failure;

/// A measure option (`--minimize`, `--rank`, `--pareto`): a KPI name or
/// `P(KPI OP NUMBER)`; the message names `option` and only it.
pub(crate) fn measure(option: &str, spec: &str) -> Result<Measure, String> {
    Measure::parse(spec).map_err(|e| match e {
        TargetError::Number { number, .. } => {
            format!("{option} \"{spec}\": \"{number}\" is not a number (write e.g. 0.95 or 1.5e6)")
        }
        e @ TargetError::OutOfRange { .. } => format!("{option} \"{spec}\": {}", e.reason()),
        _ => format!(
            "{option} \"{spec}\": expected a KPI name or P(KPI OP NUMBER) with OP one of >=, <=, \
             > or <, e.g. cost.total_per_year or 'P(service_level.wagons>=0.95)'"
        ),
    })
}

/// A number option: finite.
pub(crate) fn number(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("expected a number such as 1690000 or 0.25, got \"{text}\"")),
    }
}

/// A whole-number option between `min` and `max` inclusive, as a `T`
/// (`max` must fit in `T`).
pub(crate) fn whole_in<T>(
    min: u64,
    max: u64,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: TryFrom<u64> + Clone + Send + Sync + 'static,
{
    move |text| {
        let range = match (min, max) {
            (0, u64::MAX) => String::new(),
            (min, u64::MAX) => format!(" of at least {}", crate::table::num(min as f64)),
            (min, max) => format!(
                " from {} to {}",
                crate::table::num(min as f64),
                crate::table::num(max as f64)
            ),
        };
        match text.trim().parse::<u64>() {
            Ok(v) if (min..=max).contains(&v) => {
                T::try_from(v).map_err(|_| format!("expected a whole number{range}, got {v}"))
            }
            Ok(v) => Err(format!("expected a whole number{range}, got {v}")),
            // Digits alone that do not fit: a whole number, too large.
            Err(_)
                if !text.trim().is_empty() && text.trim().bytes().all(|b| b.is_ascii_digit()) =>
            {
                let top = crate::table::grouped(&max.to_string());
                Err(format!(
                    "expected a whole number{range}, got {}, above the largest, {top}",
                    text.trim()
                ))
            }
            Err(_) => Err(format!("expected a whole number{range}, got \"{text}\"")),
        }
    }
}

/// `--rank` or `--pareto` measure `spec`, checked against the KPIs `kpis`.
pub(crate) fn checked_measure(
    option: &str,
    spec: &str,
    kpis: &[String],
) -> Result<Measure, Failure> {
    let m = measure(option, spec).map_err(Failure::Input)?;
    m.check(kpis, option).map_err(|e| Failure::Input(e.to_string()))?;
    Ok(m)
}

/// The two measures of `--pareto X,Y` (split at the comma outside `P(...)`).
pub(crate) fn pareto_measures(spec: &str, kpis: &[String]) -> Result<[Measure; 2], Failure> {
    let mut depth = 0i32;
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in spec.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&spec[start..]);
    let [x, y] = parts[..] else {
        return Err(Failure::Input(format!(
            "--pareto \"{spec}\": expected two measures separated by a comma, e.g. \
             'cost.total_per_year,P(service_level.wagons<0.95)' ({} given)",
            parts.len()
        )));
    };
    let (x, y) = (checked_measure("--pareto", x, kpis)?, checked_measure("--pareto", y, kpis)?);
    if x.to_string() == y.to_string() {
        return Err(Failure::Input(format!(
            "--pareto \"{spec}\": both measures are {x}; a Pareto set trades one measure \
             against another: give two different ones"
        )));
    }
    Ok([x, y])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_in_words() {
        let n = whole_in::<u64>(1, 1_000_000_000);
        assert_eq!(n("200"), Ok(200));
        assert_eq!(
            n("abc"),
            Err("expected a whole number from 1 to 1,000,000,000, got \"abc\"".into())
        );
        assert_eq!(n("0"), Err("expected a whole number from 1 to 1,000,000,000, got 0".into()));
        assert_eq!(
            n("-3"),
            Err("expected a whole number from 1 to 1,000,000,000, got \"-3\"".into())
        );
        let t = whole_in::<u16>(1, u64::from(u16::MAX));
        assert_eq!(t("8"), Ok(8u16));
        assert!(t("70000").unwrap_err().contains("from 1 to 65,535"));
        assert_eq!(
            whole_in::<u64>(0, u64::MAX)("x"),
            Err("expected a whole number, got \"x\"".into())
        );
        // A whole number too large for the counter is said to be one.
        let big = whole_in::<u64>(0, u64::MAX)("18446744073709551616").unwrap_err();
        assert!(
            big.contains("got 18446744073709551616, above the largest, 18,446,744,073,709,551,615"),
            "{big}"
        );
        assert_eq!(number("0.5"), Ok(0.5));
        assert!(number("1.5Mt").unwrap_err().contains("expected a number"));
        assert!(number("inf").is_err());
    }

    #[test]
    fn measures_name_only_their_option() {
        assert!(measure("--minimize", "cost.total_per_year").is_ok());
        for bad in ["x<", "P(x>=abc)", "P(x)", "a=b"] {
            let e = measure("--minimize", bad).unwrap_err();
            assert!(e.starts_with(&format!("--minimize \"{bad}\": ")), "{e}");
            assert!(!e.contains("--target"), "{e}");
        }
    }
}
