//! One replication-year of the embedded baseline scenario (30-day warm-up plus
//! 365 days), end to end: building the world, generating weather, running
//! every event, computing the KPIs.
//!
//! Run: `cargo bench -p caspian-benches --bench replication`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

fn baseline_replication(c: &mut Criterion) {
    let plan = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline")
        .expect("the embedded baseline is valid");
    let mut rep = 0u64;
    c.bench_function("baseline/replication_year", |b| {
        b.iter(|| {
            rep += 1;
            black_box(caspian_shipping::simulate(&plan, 1, rep))
        });
    });
}

criterion_group!(benches, baseline_replication);
criterion_main!(benches);
