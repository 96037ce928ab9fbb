//! The worker threads: every parallel loop of caspian-sim runs on a pool
//! made here (the runner is the only crate that uses rayon).

pub use rayon::ThreadPool;

/// Workers allowed per available core. More gains nothing (replications are
/// CPU-bound) and thousands of threads take minutes to start.
pub const THREADS_PER_CORE: usize = 8;

/// Why a pool could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PoolError {
    /// More workers than [`THREADS_PER_CORE`] times the available cores.
    #[error(
        "--threads {asked} is more than {cap} ({THREADS_PER_CORE} per available core); results do not depend on the thread count"
    )]
    TooMany {
        /// Workers asked for.
        asked: usize,
        /// The most allowed on this machine.
        cap: usize,
    },
    /// The operating system would not start the threads (an environment
    /// limit, not a defect).
    #[error("cannot start worker threads: {0}")]
    Start(#[from] rayon::ThreadPoolBuildError),
}

/// The most workers allowed on this machine.
pub fn max_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    cores.saturating_mul(THREADS_PER_CORE)
}

/// A rayon pool with `threads` workers (one per CPU core when `None`).
///
/// # Errors
/// [`PoolError::TooMany`] above [`max_threads`]; [`PoolError::Start`] when
/// the OS cannot start the threads.
pub fn pool(threads: Option<usize>) -> Result<ThreadPool, PoolError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        let cap = max_threads();
        if t > cap {
            return Err(PoolError::TooMany { asked: t, cap });
        }
        builder = builder.num_threads(t);
    }
    Ok(builder.build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_above_the_cap_are_refused() {
        let cap = max_threads();
        assert!(cap >= THREADS_PER_CORE);
        assert!(matches!(pool(Some(cap + 1)), Err(PoolError::TooMany { .. })));
        assert_eq!(pool(Some(2)).unwrap().current_num_threads(), 2);
    }
}
