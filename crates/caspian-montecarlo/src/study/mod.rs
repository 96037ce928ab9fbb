//! A study: a scenario, a master seed and the design points to run.

use caspian_shipping::resolve::Lineage;
use caspian_shipping::{CompiledScenario, LoadError, Scenario, SweepKey};
use thiserror::Error;

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
    /// The scenario as written, checked: a plain run's only design point,
    /// and the units of every point's KPIs (points differ in swept values
    /// only, never in cargo).
    pub plan: CompiledScenario,
    /// The design points, in design order.
    pub points: Vec<DesignPoint>,
    /// The files the scenario extends and the overrides it was resolved
    /// with ([`Study::with_lineage`]), for provenance.
    pub lineage: Lineage,
}

/// One design point: the axis values. Its scenario is compiled when it runs
/// ([`Study::point_plan`]), so a sweep holds one point's scenario at a time
/// whatever its size.
#[derive(Debug, Clone)]
pub struct DesignPoint {
    /// One value per axis of the study.
    pub values: Vec<f64>,
}

impl Study {
    /// A study of one scenario with no sweep: a single design point. `seed`
    /// overrides the scenario's `[scenario].seed`.
    ///
    /// # Errors
    /// [`StudyError::Load`] when the text is not a valid scenario.
    pub fn single(text: &str, source: &str, seed: Option<u64>) -> Result<Self, StudyError> {
        let plan = caspian_shipping::load(text, source)?;
        check_file_axes(&plan.source, source)?;
        Ok(Self {
            name: plan.source.scenario.name.clone(),
            source: source.to_string(),
            sha256: sha256_hex(text),
            seed: seed.unwrap_or(plan.source.scenario.seed),
            design: DesignKind::FullFactorial,
            axes: Vec::new(),
            points: vec![DesignPoint { values: Vec::new() }],
            plan,
            lineage: Lineage::default(),
        })
    }

    /// A sweep over `extra` axes (given with `--axis`) or, when `extra` is
    /// empty, over the axes the scenario declares (`[[sweep]]`): axes on
    /// the command line replace the file's. With `lhs`, a Latin hypercube
    /// of that many samples over the axes' ranges; otherwise the full
    /// factorial.
    ///
    /// # Errors
    /// [`StudyError`] when the scenario is invalid, an axis is unknown or
    /// empty, or a design point produces an invalid scenario.
    pub fn sweep(
        text: &str,
        source: &str,
        seed: Option<u64>,
        extra: Vec<AxisSpec>,
        lhs: Option<u32>,
    ) -> Result<Self, StudyError> {
        Self::sweep_given(text, source, seed, extra, lhs, "--axis")
    }

    /// [`Study::sweep`], with `extra` given by the command-line option
    /// `option` (`--axis`, `--decision`), which the errors of those axes
    /// name instead of the scenario.
    ///
    /// # Errors
    /// As [`Study::sweep`].
    pub fn sweep_given(
        text: &str,
        source: &str,
        seed: Option<u64>,
        extra: Vec<AxisSpec>,
        lhs: Option<u32>,
        option: &str,
    ) -> Result<Self, StudyError> {
        let base: Scenario = caspian_shipping::parse(text, source)?;
        // Check the base scenario first, so its own errors come first.
        let plan = caspian_shipping::compile(&base)
            .map_err(|errors| LoadError::Invalid { origin: source.to_string(), errors })?;
        let given = !extra.is_empty();
        // An error of an axis given on the command line names the option.
        let point = if option == "--decision" { "portfolio" } else { "design point" };
        let named = |e: StudyError| match e {
            StudyError::Axis { key, message, .. } if given => {
                StudyError::AxisOption { option: option.to_string(), key, message }
            }
            StudyError::Point { origin, index, setting, errors } if given => {
                StudyError::PointOption {
                    option: option.to_string(),
                    point,
                    origin,
                    index,
                    setting,
                    errors,
                }
            }
            e => e,
        };
        for (i, axis) in extra.iter().enumerate() {
            if extra[..i].iter().any(|a| a.key == axis.key) {
                return Err(StudyError::AxisOption {
                    option: option.to_string(),
                    key: axis.key.clone(),
                    message: "given twice; give each key once".to_string(),
                });
            }
        }
        let specs: Vec<AxisSpec> = if extra.is_empty() {
            base.sweeps
                .iter()
                .map(|s| AxisSpec { key: s.key.clone(), values: s.values.clone() })
                .collect()
        } else {
            check_file_axes(&base, source)?;
            extra
        };
        if specs.is_empty() {
            return Err(StudyError::NoAxes { origin: source.to_string() });
        }
        let axes = specs
            .into_iter()
            .map(|spec| spec.check(&base, source).map_err(named))
            .collect::<Result<Vec<Axis>, StudyError>>()?;
        for (i, axis) in axes.iter().enumerate() {
            if let Some(earlier) = axes[..i].iter().find(|a| axis.key.replaces(&a.key)) {
                return Err(named(StudyError::Axis {
                    origin: source.to_string(),
                    key: axis.key.to_string(),
                    message: format!(
                        "gives the quantity the axis {} gives, another way: writing one removes \
                         the other, so sweep one of them",
                        earlier.key
                    ),
                }));
            }
        }
        let seed = seed.unwrap_or(base.scenario.seed);
        let design_error = |e| StudyError::Design { origin: source.into(), source: e };
        let (design, values) = match lhs {
            Some(samples) => {
                let pts = design::latin_hypercube(&axes, samples, seed).map_err(design_error)?;
                (DesignKind::LatinHypercube { samples }, pts)
            }
            None => {
                (DesignKind::FullFactorial, design::full_factorial(&axes).map_err(design_error)?)
            }
        };
        let kpis = plan.kpi_layout().len();
        if values.len().saturating_mul(kpis) > design::MAX_POINT_CELLS {
            return Err(design_error(design::DesignError::TooManyCells {
                points: values.len(),
                kpis,
            }));
        }
        // Every point is checked now, so that a bad one fails before any
        // work, and the error names the first and counts the others; the
        // scenario is compiled again when the point runs.
        let mut first = None;
        let mut others = Vec::new();
        for (index, vals) in values.iter().enumerate() {
            if let Err(e) = point_plan(&base, &axes, vals, index, source).map_err(named) {
                match first {
                    None => first = Some(e),
                    Some(_) => others.push(index),
                }
            }
        }
        if let Some(first) = first {
            if others.is_empty() {
                return Err(first);
            }
            return Err(StudyError::Points { first: Box::new(first), others, total: values.len() });
        }
        let points = values.into_iter().map(|values| DesignPoint { values }).collect();
        Ok(Self {
            name: base.scenario.name.clone(),
            source: source.to_string(),
            sha256: sha256_hex(text),
            seed,
            design,
            axes,
            points,
            plan,
            lineage: Lineage::default(),
        })
    }

    /// The study, recording that its scenario was resolved with `lineage`
    /// (the files it extends, its overrides): they go into its provenance.
    pub fn with_lineage(mut self, lineage: Lineage) -> Self {
        self.lineage = lineage;
        self
    }

    /// Checks that the whole sweep document fits the memory that a
    /// report showing every point may take ([`design::MAX_SUMMARY_CELLS`]).
    ///
    /// # Errors
    /// [`design::DesignError::TooManySummaries`] when it does not.
    pub fn check_report_size(&self) -> Result<(), design::DesignError> {
        let (points, kpis) = (self.points.len(), self.plan.kpi_layout().len());
        if points.saturating_mul(kpis) > design::MAX_SUMMARY_CELLS {
            return Err(design::DesignError::TooManySummaries { points, kpis });
        }
        Ok(())
    }

    /// The checked scenario of design point `index` (the scenario with the
    /// point's axis values written in), compiled anew on each call.
    ///
    /// # Errors
    /// [`StudyError`] when the point does not give a valid scenario (points
    /// are checked by [`Study::sweep`], so not for a study it made).
    ///
    /// # Panics
    /// If `index` is not a design point.
    pub fn point_plan(&self, index: usize) -> Result<CompiledScenario, StudyError> {
        point_plan(&self.plan.source, &self.axes, &self.points[index].values, index, &self.source)
    }

    /// The design point that `--reference SPEC` names: a point index, or
    /// `KEY=VALUE[,KEY=VALUE...]` giving axis values that exactly one
    /// point has (axes not named may take any value).
    ///
    /// # Errors
    /// [`ReferenceError`] when the index is out of range, a key is not an
    /// axis, a value is not a number, or not exactly one point matches.
    pub fn reference_point(&self, spec: &str) -> Result<usize, ReferenceError> {
        let spec = spec.trim();
        let count = self.points.len();
        let digits = spec.strip_prefix('+').unwrap_or(spec);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            // Digits too many for a `usize` are an index out of range too.
            return match digits.parse::<usize>() {
                Ok(index) if index < count => Ok(index),
                _ => Err(ReferenceError::OutOfRange { index: crate::validate::cap(spec), count }),
            };
        }
        let axes = || self.axes.iter().map(|a| a.key.to_string()).collect::<Vec<_>>().join(", ");
        let mut wanted: Vec<(usize, f64)> = Vec::new();
        for part in spec.split(',') {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| ReferenceError::Syntax { spec: spec.to_string() })?;
            let (key, value) = (key.trim(), value.trim());
            let axis = self
                .axes
                .iter()
                .position(|a| a.key.to_string() == key)
                .ok_or_else(|| ReferenceError::NotAnAxis { key: key.into(), axes: axes() })?;
            let v =
                value.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| {
                    ReferenceError::Value { key: key.into(), value: value.into() }
                })?;
            if wanted.iter().any(|&(a, _)| a == axis) {
                return Err(ReferenceError::Twice { key: key.into() });
            }
            wanted.push((axis, v));
        }
        let matching: Vec<usize> = (0..count)
            .filter(|&i| wanted.iter().all(|&(a, v)| self.points[i].values[a] == v))
            .collect();
        match matching.as_slice() {
            [one] => Ok(*one),
            [] => Err(ReferenceError::NoMatch { spec: spec.to_string() }),
            several => Err(ReferenceError::Several {
                spec: spec.to_string(),
                points: several.len(),
                axes: axes(),
            }),
        }
    }

    /// The design point that is the scenario as written (its `--set`
    /// overrides included): the one point of a full factorial whose axis
    /// values, written into the scenario, change nothing. `None` when no
    /// point is (an axis that leaves out the written value) or the design
    /// is a Latin hypercube, whose points are drawn. The default
    /// reference of a sweep's differences, since a planner asks what a
    /// change does to the scenario they wrote.
    pub fn as_written_point(&self) -> Option<usize> {
        if self.axes.is_empty() || self.design != DesignKind::FullFactorial {
            return None;
        }
        let base = &self.plan.source;
        self.points.iter().position(|point| {
            let mut scenario = base.clone();
            write_point(&mut scenario, &self.axes, &point.values).is_ok() && scenario == *base
        })
    }

    /// `key=value, ...` for one design point.
    pub fn describe_point(&self, index: usize) -> String {
        describe(&self.axes, &self.points[index].values)
    }
}

/// Writes one design point's `values` into `scenario`: the multipliers
/// (`weather.*`, `disruptions.*`) last, as `--set` applies them, so that
/// a multiplier scales a value another axis sets (a disruption's rate)
/// whatever the order of the axes.
///
/// # Errors
/// The axis whose value does not fit, and why.
fn write_point<'a>(
    scenario: &mut Scenario,
    axes: &'a [Axis],
    values: &[f64],
) -> Result<(), (&'a Axis, caspian_shipping::sweep::SweepError)> {
    for multipliers in [false, true] {
        for (axis, &v) in axes.iter().zip(values) {
            if axis.key.is_multiplier() == multipliers {
                axis.key.apply(scenario, v).map_err(|e| (axis, e))?;
            }
        }
    }
    Ok(())
}

/// `base` with one design point's `values` written in, compiled.
fn point_plan(
    base: &Scenario,
    axes: &[Axis],
    values: &[f64],
    index: usize,
    origin: &str,
) -> Result<CompiledScenario, StudyError> {
    let mut scenario = base.clone();
    write_point(&mut scenario, axes, values).map_err(|(axis, e)| StudyError::Axis {
        origin: origin.to_string(),
        key: axis.key.to_string(),
        message: format!("{e} (design point {index}: {})", describe(axes, values)),
    })?;
    caspian_shipping::compile(&scenario).map_err(|errors| StudyError::Point {
        origin: origin.to_string(),
        index,
        setting: describe(axes, values),
        errors,
    })
}

/// A study's design points, each compiled when it runs.
impl crate::execute::Plans for Study {
    fn count(&self) -> usize {
        self.points.len()
    }
    fn plan(
        &self,
        point: usize,
    ) -> Result<std::borrow::Cow<'_, CompiledScenario>, crate::error::RunError> {
        if self.axes.is_empty() {
            return Ok(std::borrow::Cow::Borrowed(&self.plan));
        }
        self.point_plan(point)
            .map(std::borrow::Cow::Owned)
            .map_err(|e| crate::error::RunError::Point { point, message: e.to_string() })
    }
}

fn describe(axes: &[Axis], values: &[f64]) -> String {
    axes.iter()
        .zip(values)
        .map(|(a, v)| format!("{}={}", a.key, short_number(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A number as a person would write it in a message: `2`, `0.5`, and
/// `1e308` rather than 309 digits.
pub fn short_number(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-6..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Checks the axes a scenario declares (`[[sweep]]`) where they are not
/// swept (a run, a comparison, a sweep whose `--axis` replaces them): their
/// keys and values, as `validate` and a sweep over them do. Their design
/// points are not compiled here (that is `validate`'s and the sweep's
/// work, one compile a point).
fn check_file_axes(base: &Scenario, source: &str) -> Result<(), StudyError> {
    for s in &base.sweeps {
        AxisSpec { key: s.key.clone(), values: s.values.clone() }.check(base, source)?;
    }
    Ok(())
}

/// SHA-256 of `text`, lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    caspian_shipping::resolve::sha256_hex(text)
}

/// An axis as requested (a `[[sweep]]` table or `--axis`): its key is still
/// text, checked against the scenario by [`Study::sweep`].
#[derive(Debug, Clone, PartialEq)]
pub struct AxisSpec {
    /// The key as given.
    pub key: String,
    /// Its values, in the order given.
    pub values: Vec<f64>,
}

impl AxisSpec {
    /// The checked axis: values present and finite, key sweepable in `base`.
    fn check(self, base: &Scenario, origin: &str) -> Result<Axis, StudyError> {
        let fail = |message: String| StudyError::Axis {
            origin: origin.to_string(),
            key: self.key.clone(),
            message,
        };
        if self.values.is_empty() {
            return Err(fail("has no values".into()));
        }
        if let Some(v) = self.values.iter().find(|v| !v.is_finite()) {
            return Err(fail(format!("value {v} is not a finite number")));
        }
        // The same value twice would run the same point twice.
        if let Some((_, v)) =
            self.values.iter().enumerate().find(|(i, v)| self.values[..*i].contains(v))
        {
            return Err(fail(format!("value {v} is given twice; give each value once")));
        }
        let key = self.key.parse::<SweepKey>().map_err(|e| fail(e.to_string()))?;
        key.check(base).map_err(|e| fail(e.to_string()))?;
        Ok(Axis { key, values: self.values })
    }
}

/// A `--reference` that names no single design point.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReferenceError {
    /// An index beyond the design.
    #[error(
        "--reference {index}: there is no design point {index} (the design has {count}, numbered from 0)"
    )]
    OutOfRange {
        /// The index given, as written (it may not fit in a `usize`; a
        /// long one is cut short).
        index: String,
        /// Design points.
        count: usize,
    },
    /// Neither an index nor `KEY=VALUE` pairs.
    #[error("--reference \"{spec}\": expected a design point index or KEY=VALUE[,KEY=VALUE...]")]
    Syntax {
        /// The argument given.
        spec: String,
    },
    /// A key that is not one of the sweep's axes.
    #[error("--reference: {key} is not an axis of this sweep (the axes are {axes})")]
    NotAnAxis {
        /// The key given.
        key: String,
        /// The sweep's axes, comma-separated.
        axes: String,
    },
    /// A value that is not a finite number.
    #[error("--reference {key}: \"{value}\" is not a finite number")]
    Value {
        /// The key given.
        key: String,
        /// The value given.
        value: String,
    },
    /// A key given twice.
    #[error("--reference: {key} is given twice; give each axis once")]
    Twice {
        /// The key given.
        key: String,
    },
    /// No design point has these values.
    #[error("--reference \"{spec}\": no design point has these axis values")]
    NoMatch {
        /// The argument given.
        spec: String,
    },
    /// Several design points have these values.
    #[error(
        "--reference \"{spec}\": {points} design points have these values; give a value for \
         more of the axes ({axes}) or a point index"
    )]
    Several {
        /// The argument given.
        spec: String,
        /// How many points match.
        points: usize,
        /// The sweep's axes, comma-separated.
        axes: String,
    },
}

mod as_written;
mod axis_arg;
mod inert;
mod same;
pub use inert::warnings_once;
pub use inert::{changes_nothing, compiles_alike};
pub use same::DesignCheck;

pub use axis_arg::{AxisSpecError, RangeError, parse_axis, whole_range};

#[cfg(test)]
mod tests;
