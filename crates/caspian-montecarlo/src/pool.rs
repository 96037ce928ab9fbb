//! The worker threads: every parallel loop of caspian-sim runs on a pool
//! made here (the runner is the only crate that uses rayon).

pub use rayon::ThreadPool;

/// A rayon pool with `threads` workers (one per CPU core when `None`).
///
/// # Errors
/// The OS's when the threads cannot be started.
pub fn pool(threads: Option<usize>) -> Result<ThreadPool, rayon::ThreadPoolBuildError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        builder = builder.num_threads(t);
    }
    builder.build()
}
