//! The one-off valuation in words: the table under [`HEADER`], each
//! policy's verdict, and the notes under it.

use super::{BreakEven, OneOff, PolicyOneOff, ReturnPeriod};
use crate::economics::Estimate;
use crate::study::short_number;

/// The header of the one-off table; [`OneOff::rows`] gives its rows.
pub const HEADER: [&str; 7] = [
    "policy",
    "net/yr with the event",
    "net/yr without it",
    "event's effect/yr (95% CI)",
    "break-even events/yr",
    "95% CI (Fieller)",
    "verdict",
];

/// Whether `e` is an exact zero (the policy's costs equal the base's).
fn exact_zero(e: &Estimate) -> bool {
    e.mean == 0.0 && e.ci95_low == 0.0 && e.ci95_high == 0.0
}

impl PolicyOneOff {
    /// The break-even frequency, where the verdict rests on one: the
    /// event's effect is significant.
    fn frequency(&self) -> Option<&Estimate> {
        match &self.break_even {
            BreakEven::AtLeast { per_year, .. } | BreakEven::AtMost { per_year, .. }
                if self.event_effect.is_significant() =>
            {
                Some(per_year)
            }
            _ => None,
        }
    }
}

impl OneOff {
    /// The line above the table, amounts in `currency`.
    pub fn title(&self, currency: &str) -> String {
        format!(
            "one-off event ({}): every scenario run again without it, with the same random \
             numbers; net = benefit minus cost a year ({currency}/yr); the event strikes once in \
             the {}-year window (W):",
            self.event.join(", "),
            short_number((self.window_years * 1e4).round() / 1e4)
        )
    }

    /// The rows under [`HEADER`], one per policy; `names` are the
    /// comparison's scenario names, amounts written by `num`.
    pub fn rows(&self, names: &[&str], num: impl Fn(f64) -> String) -> Vec<Vec<String>> {
        self.policies
            .iter()
            .map(|p| {
                let e = &p.event_effect;
                let effect = if e.ci95_low.is_finite() && e.ci95_high.is_finite() {
                    format!("{} ({} to {})", num(e.mean), num(e.ci95_low), num(e.ci95_high))
                } else {
                    num(e.mean)
                };
                let (f, ci) = p.frequency().map_or(("-".into(), "-".into()), |f| {
                    (num(f.mean), format!("{} to {}", num(f.ci95_low), num(f.ci95_high)))
                });
                vec![
                    names[p.scenario].to_string(),
                    num(p.net_with_event.mean),
                    num(p.net_without_event.mean),
                    effect,
                    f,
                    ci,
                    self.verdict(p, &num),
                ]
            })
            .collect()
    }

    /// The verdict of one policy, in words. Where the event's effect is not
    /// significant, the verdict rests on the net benefit without it alone,
    /// and gives no frequency.
    fn verdict(&self, p: &PolicyOneOff, num: &impl Fn(f64) -> String) -> String {
        let years = |r: &ReturnPeriod| {
            let high = r.ci95_high.map_or_else(|| "no bound".into(), num);
            format!("{} years ({} to {high})", num(r.years), num(r.ci95_low))
        };
        let beyond = |f: &Estimate| f.mean * self.window_years > 1.0;
        let (effect, net) = (&p.event_effect, &p.net_without_event);
        match &p.break_even {
            BreakEven::Undefined { .. } => return "undefined".into(),
            BreakEven::NoEffect => return "no effect".into(),
            _ if !effect.is_significant() => {
                let why = "the event's effect is not significant";
                return if net.is_significant() && net.mean > 0.0 {
                    format!("pays without it; {why}")
                } else if net.is_significant() {
                    format!("not shown to pay: {why}")
                } else {
                    "no effect shown: neither it nor the net without it is significant".to_string()
                };
            }
            _ => {}
        }
        match &p.break_even {
            BreakEven::Always => "pays at any frequency".into(),
            BreakEven::Never => "never pays".into(),
            BreakEven::AtLeast { per_year, .. } if beyond(per_year) => {
                "pays only if it strikes more than once a window".into()
            }
            BreakEven::AtLeast { return_period, .. } => {
                format!("pays if it strikes at least once in {}", years(return_period))
            }
            BreakEven::AtMost { per_year, .. } if beyond(per_year) => {
                "pays unless it strikes more than once a window".into()
            }
            BreakEven::AtMost { return_period, .. } => {
                format!("pays unless it strikes once in {} or more often", years(return_period))
            }
            BreakEven::Undefined { .. } | BreakEven::NoEffect => unreachable!("returned above"),
        }
    }

    /// Notes under the table, led by the policy's name: why there is no
    /// verdict, a break-even frequency above one event a window (which the
    /// model extrapolates), and a verdict that rests on the sign of a net
    /// benefit without the event the replications do not make significant.
    pub fn notes(&self, names: &[&str], num: impl Fn(f64) -> String) -> Vec<String> {
        let mut notes = Vec::new();
        for p in &self.policies {
            let name = names[p.scenario];
            if let BreakEven::Undefined { reason } = &p.break_even {
                notes.push(format!("{name}: no verdict: {reason}"));
                continue;
            }
            if matches!(p.break_even, BreakEven::NoEffect) || !p.event_effect.is_significant() {
                continue;
            }
            if let Some(f) = p.frequency().filter(|f| f.mean * self.window_years > 1.0) {
                notes.push(format!(
                    "{name}: it breaks even at {} events a year, more often than the simulated \
                     window holds the event (once): that frequency is extrapolated, as if each \
                     event's effect were its own",
                    num(f.mean)
                ));
            }
            let net = &p.net_without_event;
            if !net.is_significant() && !exact_zero(net) {
                notes.push(format!(
                    "{name}: its net benefit a year without the event ({}, 95% CI {} to {}) is not \
                     significantly different from 0: the verdict rests on its sign",
                    num(net.mean),
                    num(net.ci95_low),
                    num(net.ci95_high)
                ));
            }
        }
        notes
    }
}
