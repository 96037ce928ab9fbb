//! The checks of a compare document's `economics.one_off` (`compare
//! --one-off`): an event, a window, one entry per policy in order, and
//! each break-even frequency consistent with its interval, its return
//! period and the signs of the nets it rests on.

use super::{DocumentError, field, scenario_index};

/// A compare document's `economics.one_off`: an event, a window, one entry
/// per policy in order, and each break-even frequency a non-negative mean
/// inside its interval with the return period its inverse.
pub(super) fn check_one_off(o: &crate::one_off::OneOff, n: usize) -> Result<(), DocumentError> {
    use crate::one_off::BreakEven;
    if o.event.is_empty() {
        return Err(field("economics.one_off.event", "empty (the event is a dated disruption)"));
    }
    if !(o.window_years.is_finite() && o.window_years > 0.0) {
        return Err(field(
            "economics.one_off.window_years",
            format!("{} is not a window's length in years; the file is damaged", o.window_years),
        ));
    }
    if o.policies.len() + 1 != n {
        return Err(field(
            "economics.one_off.policies",
            format!(
                "{} entries for {} policies; the file is damaged",
                o.policies.len(),
                n.saturating_sub(1)
            ),
        ));
    }
    for (i, p) in o.policies.iter().enumerate() {
        scenario_index(format!("economics.one_off.policies[{i}].scenario"), p.scenario, n, 1)?;
        if p.scenario != i + 1 {
            return Err(field(
                format!("economics.one_off.policies[{i}].scenario"),
                format!("{} out of order (expected {}); the file is damaged", p.scenario, i + 1),
            ));
        }
        let (BreakEven::AtLeast { per_year: f, return_period: r }
        | BreakEven::AtMost { per_year: f, return_period: r }) = &p.break_even
        else {
            continue;
        };
        // A frequency to reach (at least) needs a loss without the event and
        // a gain from it; one not to pass (at most), the other way round.
        let at_least = matches!(p.break_even, BreakEven::AtLeast { .. });
        let (net, effect) = (p.net_without_event.mean, p.event_effect.mean);
        let consistent =
            if at_least { net < 0.0 && effect > 0.0 } else { net > 0.0 && effect < 0.0 };
        if !consistent {
            return Err(field(
                format!("economics.one_off.policies[{i}].break_even.status"),
                format!(
                    "{} with a net benefit without the event of {net} and an effect of the event \
                     of {effect} is impossible; the file is damaged",
                    if at_least { "at_least" } else { "at_most" }
                ),
            ));
        }
        if (r.years * f.mean - 1.0).abs() > 1e-9 {
            return Err(field(
                format!("economics.one_off.policies[{i}].break_even.return_period"),
                format!(
                    "{} years is not the inverse of {} events a year; the file is damaged",
                    r.years, f.mean
                ),
            ));
        }
        if !(f.mean > 0.0 && f.ci95_low >= 0.0 && f.ci95_low <= f.mean && f.mean <= f.ci95_high) {
            return Err(field(
                format!("economics.one_off.policies[{i}].break_even"),
                format!(
                    "a frequency of {} events a year with the interval {} to {} is impossible \
                     (positive, inside its interval, which starts at 0 or above); the file is \
                     damaged",
                    f.mean, f.ci95_low, f.ci95_high
                ),
            ));
        }
    }
    Ok(())
}
