//! The Monte Carlo runner on the embedded baseline: 200 replications on one
//! and on two threads (parallel efficiency = t1 / (2 t2)), and a 27-point
//! sweep (the baseline's declared axes) of 10 replications per point.
//!
//! Run: `cargo bench -p caspian-benches --bench runner`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use caspian_montecarlo::execute::Executor;
use caspian_montecarlo::study::Study;

fn run_study(study: &Study, replications: u64, pool: &rayon::ThreadPool) -> usize {
    let mut exec = Executor::new(study, study.seed, 0);
    pool.install(|| exec.ensure(replications, &|| {}, &mut |_, _, _| Ok(())))
        .expect("the baseline conserves cargo");
    exec.into_records(replications).iter().map(|r| r.rows.len()).sum()
}

fn runner(c: &mut Criterion) {
    let single = Study::single(caspian_shipping::BASELINE_TOML, "baseline", None)
        .expect("the embedded baseline is valid");
    let mut group = c.benchmark_group("runner");
    group.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        group.bench_function(format!("baseline_200_reps_{threads}_threads"), |b| {
            b.iter(|| black_box(run_study(&single, 200, &pool)));
        });
    }
    let sweep = Study::sweep(caspian_shipping::BASELINE_TOML, "baseline", None, Vec::new(), None)
        .expect("the baseline declares valid sweep axes");
    assert_eq!(sweep.points.len(), 27, "the baseline's declared axes give 27 points");
    let pool = rayon::ThreadPoolBuilder::new().build().unwrap();
    group.bench_function("sweep_27_points_x_10_reps_all_threads", |b| {
        b.iter(|| black_box(run_study(&sweep, 10, &pool)));
    });
    group.finish();
}

criterion_group!(benches, runner);
criterion_main!(benches);
