//! Scenario texts the tests build: the Caspian model reduced to textbook
//! queues.

/// One port `q` with `c` tanker berths and nothing else but open traffic:
/// Poisson arrivals (exponential gaps of mean `interarrival_h`) and
/// exponential service (mean `service_h`), an M/M/c queue; `extra` is
/// appended (e.g. a `[costs]` section).
pub fn mmc_port(
    c: u32,
    interarrival_h: f64,
    service_h: f64,
    horizon_days: f64,
    warmup_days: f64,
    extra: &str,
) -> String {
    format!(
        r#"
[scenario]
name = "mmc"
horizon_days = {horizon_days:?}
warmup_days = {warmup_days:?}

[[port]]
id = "q"
berths = {{ tanker = {c} }}

[[open_traffic]]
id = "ships"
port = "q"
berth_class = "tanker"
interarrival_h = {{ dist = "exponential", mean = {interarrival_h:?} }}
service_h = {{ dist = "exponential", mean = {service_h:?} }}
{extra}
"#
    )
}
