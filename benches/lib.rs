//! Criterion benchmarks of caspian-sim live in `benches/`; this library is empty.
