//! The sensitivity table under a Latin hypercube sweep's table: for each
//! shown KPI, the partial rank correlation (PRCC) of every swept key with
//! the KPI's point means, the strongest first, with its 95% interval
//! ([`caspian_montecarlo::sensitivity`]; the report's tornado charts draw
//! the same numbers).

use caspian_montecarlo::sensitivity::{prcc, strongest_first};

use caspian_report::units::plural;

use crate::table;

/// Every design point's axis values and shown KPIs' means, gathered as the
/// points arrive (a few numbers a point, whether the point's row is shown
/// or not).
#[derive(Debug, Default)]
pub(crate) struct PointMeans {
    /// Per axis, its value at every point.
    inputs: Vec<Vec<f64>>,
    /// Per KPI, its mean at every point (NaN where undefined).
    outputs: Vec<Vec<f64>>,
}

impl PointMeans {
    /// Adds one point: its axis `values` and its KPIs' `means`.
    pub(crate) fn push(&mut self, values: &[f64], means: impl Iterator<Item = f64>) {
        self.inputs.resize(values.len(), Vec::new());
        for (axis, &v) in self.inputs.iter_mut().zip(values) {
            axis.push(v);
        }
        for (k, m) in means.enumerate() {
            if self.outputs.len() <= k {
                self.outputs.push(Vec::new());
            }
            self.outputs[k].push(m);
        }
    }

    /// The table for the KPIs `names` (in the order their means were
    /// pushed) where `shown`, against the swept keys `axes`; `None` when
    /// no KPI is shown or nothing is swept.
    pub(crate) fn render(&self, axes: &[String], names: &[&str], shown: &[bool]) -> Option<String> {
        let kpis: Vec<(&str, &[f64])> = names
            .iter()
            .zip(&self.outputs)
            .zip(shown)
            .filter(|(_, shown)| **shown)
            .map(|((n, means), _)| (*n, means.as_slice()))
            .collect();
        (!kpis.is_empty() && !axes.is_empty()).then(|| render(axes, &self.inputs, &kpis))
    }
}

/// The table: `axes` are the swept keys, `inputs[j]` key `j`'s value at
/// every point, and `outputs` each KPI's name with its mean at every point
/// (NaN where undefined, which leaves the point out).
fn render(axes: &[String], inputs: &[Vec<f64>], outputs: &[(&str, &[f64])]) -> String {
    let points = inputs.first().map_or(0, Vec::len);
    let mut out = format!(
        "sensitivity: partial rank correlation (PRCC) of each swept key with each KPI's point \
         means ({}), the strongest first, with its 95% interval (Fisher's z); - where the KPI \
         or the key does not vary, or the points are too few (docs/kpis.md)\n\n",
        plural(points as u64, "point", "points")
    );
    let mut rows = Vec::new();
    for (name, means) in outputs {
        let defined = means.iter().filter(|m| m.is_finite()).count();
        rows.push(vec![if defined < points {
            format!("{name} (defined at {defined} of the {points} points)")
        } else {
            (*name).to_string()
        }]);
        let coefficients = prcc(inputs, means);
        for j in strongest_first(&coefficients) {
            let c = coefficients[j];
            let shown = |x: f64| if x.is_finite() { format!("{x:+.2}") } else { "-".into() };
            let significant = match c.ci95_low.is_finite() {
                true if c.is_significant() => "yes",
                true => "no",
                false => "-",
            };
            rows.push(vec![
                axes[j].clone(),
                shown(c.coefficient),
                shown(c.ci95_low),
                shown(c.ci95_high),
                significant.into(),
            ]);
        }
    }
    out.push_str(&table::render(
        &["swept key", "PRCC", "95% CI low", "95% CI high", "signif."],
        &rows,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_strongest_first_with_their_intervals() {
        // y rises with the first key and not with the second.
        let a: Vec<f64> = (0..20).map(f64::from).collect();
        let b: Vec<f64> = (0..20).map(|i| f64::from((i * 7) % 20)).collect();
        let y: Vec<f64> =
            a.iter().zip(&b).map(|(a, b)| 3.0 * a + 0.01 * (b - 10.0).powi(2)).collect();
        let flat = [1.0; 20];
        let mut partial = y.clone();
        partial[3] = f64::NAN;
        let outputs = [("y", &y[..]), ("flat", &flat[..]), ("partial", &partial[..])];
        let text = render(&["k.b".into(), "k.a".into()], &[b, a], &outputs);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("(20 points)"), "{text}");
        let row = |i: usize| lines[i].split_whitespace().collect::<Vec<_>>();
        // Header, rule, then y's heading and rows: k.a first, significant.
        assert_eq!(row(4), ["y"], "{text}");
        assert_eq!(row(5)[..2], ["k.a", "+1.00"], "{text}");
        assert_eq!(row(5)[4], "yes", "{text}");
        assert_eq!(row(6)[0], "k.b", "{text}");
        // A KPI that does not vary has no PRCC.
        assert_eq!(row(9), ["k.b", "-", "-", "-", "-"], "{text}");
        // A KPI defined at fewer points says at how many.
        assert!(text.contains("\npartial (defined at 19 of the 20 points)\n"), "{text}");
        let one = render(&["k".into()], &[vec![1.0]], &[("y", &[2.0][..])]);
        assert!(one.contains("(1 point)"), "{one}");
    }
}
