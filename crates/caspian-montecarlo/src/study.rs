//! A study: a scenario, a master seed and the design points to run.

use sha2::{Digest, Sha256};

use caspian_shipping::{CompiledScenario, LoadError, Scenario, sweep};

use crate::design::{self, Axis, DesignKind};
use crate::error::StudyError;

/// A scenario expanded into the design points a run, sweep or comparison
/// simulates, with everything that identifies it.
#[derive(Debug, Clone)]
pub struct Study {
    /// The scenario's `[scenario].name`.
    pub name: String,
    /// Where the scenario came from: a path, or `embedded baseline`.
    pub source: String,
    /// SHA-256 of the scenario text, in hex.
    pub sha256: String,
    /// Master seed of every random stream.
    pub seed: u64,
    /// How the points were chosen.
    pub design: DesignKind,
    /// The swept axes (empty for a plain run).
    pub axes: Vec<Axis>,
    /// The design points, in design order.
    pub points: Vec<DesignPoint>,
}

/// One design point: the axis values and the scenario they produce.
#[derive(Debug, Clone)]
pub struct DesignPoint {
    /// One value per axis of the study.
    pub values: Vec<f64>,
    /// The checked scenario with those values written in.
    pub plan: CompiledScenario,
}

impl Study {
    /// A study of one scenario with no sweep: a single design point. `seed`
    /// overrides the scenario's `[scenario].seed`.
    ///
    /// # Errors
    /// [`StudyError::Load`] when the text is not a valid scenario.
    pub fn single(text: &str, source: &str, seed: Option<u64>) -> Result<Self, StudyError> {
        let plan = caspian_shipping::load(text, source)?;
        Ok(Self {
            name: plan.source.scenario.name.clone(),
            source: source.to_string(),
            sha256: sha256_hex(text),
            seed: seed.unwrap_or(plan.source.scenario.seed),
            design: DesignKind::FullFactorial,
            axes: Vec::new(),
            points: vec![DesignPoint { values: Vec::new(), plan }],
        })
    }

    /// A sweep over the axes the scenario declares plus `extra` axes (an
    /// extra axis replaces a declared one with the same key). With `lhs`,
    /// a Latin hypercube of that many samples over the axes' ranges;
    /// otherwise the full factorial.
    ///
    /// # Errors
    /// [`StudyError`] when the scenario is invalid, an axis is unknown or
    /// empty, or a design point produces an invalid scenario.
    pub fn sweep(
        text: &str,
        source: &str,
        seed: Option<u64>,
        extra: Vec<Axis>,
        lhs: Option<u32>,
    ) -> Result<Self, StudyError> {
        let base: Scenario = caspian_shipping::parse(text, source)?;
        // Check the base scenario first, so its own errors come first.
        caspian_shipping::compile(&base)
            .map_err(|errors| LoadError::Invalid { origin: source.to_string(), errors })?;
        let mut axes: Vec<Axis> = base
            .sweeps
            .iter()
            .map(|s| Axis { key: s.key.clone(), values: s.values.clone() })
            .collect();
        for axis in extra {
            match axes.iter_mut().find(|a| a.key == axis.key) {
                Some(existing) => *existing = axis,
                None => axes.push(axis),
            }
        }
        if axes.is_empty() {
            return Err(StudyError::NoAxes { origin: source.to_string() });
        }
        for axis in &axes {
            let fail = |message: String| StudyError::Axis {
                origin: source.to_string(),
                key: axis.key.clone(),
                message,
            };
            if axis.values.is_empty() {
                return Err(fail("has no values".into()));
            }
            if let Some(v) = axis.values.iter().find(|v| !v.is_finite()) {
                return Err(fail(format!("value {v} is not a finite number")));
            }
            sweep::check_key(&base, &axis.key).map_err(fail)?;
        }
        let seed = seed.unwrap_or(base.scenario.seed);
        let (design, values) = match lhs {
            Some(samples) => {
                let whole: Vec<bool> =
                    axes.iter().map(|a| sweep::needs_whole_number(&a.key)).collect();
                let pts = design::latin_hypercube(&axes, &whole, samples, seed)
                    .map_err(|message| StudyError::Design { origin: source.into(), message })?;
                (DesignKind::LatinHypercube { samples }, pts)
            }
            None => {
                let pts = design::full_factorial(&axes)
                    .map_err(|message| StudyError::Design { origin: source.into(), message })?;
                (DesignKind::FullFactorial, pts)
            }
        };
        let mut points = Vec::with_capacity(values.len());
        for (index, vals) in values.into_iter().enumerate() {
            let mut scenario = base.clone();
            for (axis, &v) in axes.iter().zip(&vals) {
                sweep::apply(&mut scenario, &axis.key, v).map_err(|message| StudyError::Axis {
                    origin: source.to_string(),
                    key: axis.key.clone(),
                    message,
                })?;
            }
            let plan =
                caspian_shipping::compile(&scenario).map_err(|errors| StudyError::Point {
                    origin: source.to_string(),
                    index,
                    setting: describe(&axes, &vals),
                    errors,
                })?;
            points.push(DesignPoint { values: vals, plan });
        }
        Ok(Self {
            name: base.scenario.name.clone(),
            source: source.to_string(),
            sha256: sha256_hex(text),
            seed,
            design,
            axes,
            points,
        })
    }

    /// `key=value, ...` for one design point.
    pub fn describe_point(&self, index: usize) -> String {
        describe(&self.axes, &self.points[index].values)
    }
}

fn describe(axes: &[Axis], values: &[f64]) -> String {
    axes.iter().zip(values).map(|(a, v)| format!("{}={v}", a.key)).collect::<Vec<_>>().join(", ")
}

/// SHA-256 of `text`, lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses `KEY=V1,V2,...` as given to `--axis`.
///
/// # Errors
/// A message saying what is malformed.
pub fn parse_axis(spec: &str) -> Result<Axis, String> {
    let (key, values) =
        spec.split_once('=').ok_or_else(|| format!("--axis \"{spec}\": expected KEY=V1,V2,..."))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(format!("--axis \"{spec}\": the key is empty"));
    }
    let values = values
        .split(',')
        .map(|v| {
            let v = v.trim();
            v.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("--axis {key}: \"{v}\" is not a finite number"))
        })
        .collect::<Result<Vec<f64>, String>>()?;
    Ok(Axis { key: key.to_string(), values })
}

#[cfg(test)]
mod tests {
    use super::*;
    use caspian_shipping::BASELINE_TOML;

    #[test]
    fn sweep_expands_declared_and_extra_axes() {
        let extra = vec![parse_axis("weather.storm_rate_multiplier=1,2").unwrap()];
        let study = Study::sweep(BASELINE_TOML, "baseline", Some(5), extra, None).unwrap();
        assert_eq!(study.seed, 5);
        let declared = caspian_shipping::parse(BASELINE_TOML, "b").unwrap().sweeps;
        let mut expected: usize = 1;
        for s in &declared {
            if s.key != "weather.storm_rate_multiplier" {
                expected *= s.values.len();
            }
        }
        assert_eq!(study.points.len(), expected * 2);
        assert!(study.axes.iter().any(|a| a.key == "weather.storm_rate_multiplier"));
    }

    #[test]
    fn bad_axes_name_the_key() {
        let e = Study::sweep(
            BASELINE_TOML,
            "baseline",
            None,
            vec![parse_axis("port.nowhere.berths.tanker=1,2").unwrap()],
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("port.nowhere.berths.tanker"), "{e}");
        assert!(parse_axis("fleet.x.count=1,two").unwrap_err().contains("two"));
        assert!(parse_axis("nokey").is_err());
    }

    #[test]
    fn sha256_of_known_text() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
