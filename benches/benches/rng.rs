//! The model's generator (ChaCha8) against other portable, value-stable
//! generators from the rand family, each with an independent-stream scheme
//! for one `(replication, source, sub)` of `caspian_shipping::streams`:
//!
//! - `chacha8`: `seed_from_u64(master)` then `set_stream(id)`, the model's
//!   scheme. Distinct `(key, stream)` inputs of the block function: streams
//!   never share a block, each is 2^68 words long (guaranteed by construction).
//! - `pcg64` (`Lcg128Xsl64`): `new(master, id)`, the stream id as the LCG
//!   increment. Every id is a different full-period sequence, but two
//!   increments can give closely correlated outputs (rand_pcg's own warning):
//!   distinct, not independent.
//! - `pcg64dxsm` (`Lcg128CmDxsm64`): the same increment scheme; the DXSM
//!   output function mitigates the correlation (NumPy's choice), still no proof.
//! - `pcg64mcg` (`Mcg128Xsl64`): no stream parameter; seeded from a SplitMix64
//!   hash of `(master, id)`. Disjoint only with high probability.
//! - `xoshiro256pp_jump`: `seed_from_u64(master)` then `jump_ce(id, 192)`:
//!   segment `id` of length 2^192 of one period of 2^256 − 1, provably
//!   disjoint (the last of the 2^64 segments is one step short: 2^64 x 2^192
//!   exceeds the period by one).
//! - `xoshiro256pp_hash`: `seed_from_u64` of a SplitMix64 hash of
//!   `(master, id)`. Disjoint only with high probability.
//!
//! Three measures per generator: one `next_u64`, one `Exp(1)` draw
//! (`rand_distr::Exp1`, what the model's exponential gaps cost) and the set-up
//! of one stream. Compare each with `chacha8` from the same run.
//!
//! Run: `cargo bench -p caspian-benches --bench rng`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp1};
use rand_pcg::{Lcg128CmDxsm64, Lcg128Xsl64, Mcg128Xsl64};
use rand_xoshiro::Xoshiro256PlusPlus;

const MASTER: u64 = 20_261_123;

/// The stream id of `streams::stream`: `replication << 16 | source << 8 | sub`
/// (replication 7, source 5 = inflow, sub 3).
const ID: u64 = (7 << 16) | (5 << 8) | 3;

/// SplitMix64's output function: a bijection of `u64`.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seed of a hash-seeded stream. Injective in `id` for a fixed `master`;
/// across masters, seeds collide only by chance (2^-64 a pair).
fn hashed(master: u64, id: u64) -> u64 {
    mix(mix(master) ^ id.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

fn chacha8(master: u64, id: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(master);
    rng.set_stream(id);
    rng
}

fn pcg64(master: u64, id: u64) -> Lcg128Xsl64 {
    Lcg128Xsl64::new(u128::from(mix(master)), u128::from(id))
}

fn pcg64dxsm(master: u64, id: u64) -> Lcg128CmDxsm64 {
    Lcg128CmDxsm64::new(u128::from(mix(master)), u128::from(id))
}

fn pcg64mcg(master: u64, id: u64) -> Mcg128Xsl64 {
    Mcg128Xsl64::seed_from_u64(hashed(master, id))
}

fn xoshiro_jump(master: u64, id: u64) -> Xoshiro256PlusPlus {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(master);
    rng.jump_ce(id, 192);
    rng
}

fn xoshiro_hash(master: u64, id: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(hashed(master, id))
}

/// One generator's three measures, under `rng/<measure>/<name>`.
fn measure<R: Rng>(c: &mut Criterion, name: &str, make: fn(u64, u64) -> R) {
    assert_ne!(
        make(MASTER, ID).next_u64(),
        make(MASTER, ID + 1).next_u64(),
        "{name}: streams differ"
    );
    let mut rng = make(MASTER, ID);
    c.bench_function(&format!("rng/next_u64/{name}"), |b| b.iter(|| black_box(rng.next_u64())));
    let mut rng = make(MASTER, ID);
    c.bench_function(&format!("rng/exp1/{name}"), |b| {
        b.iter(|| black_box::<f64>(Exp1.sample(&mut rng)))
    });
    c.bench_function(&format!("rng/stream_setup/{name}"), |b| {
        b.iter(|| black_box(make(black_box(MASTER), black_box(ID))))
    });
}

fn generators(c: &mut Criterion) {
    measure(c, "chacha8", chacha8);
    measure(c, "pcg64", pcg64);
    measure(c, "pcg64dxsm", pcg64dxsm);
    measure(c, "pcg64mcg", pcg64mcg);
    measure(c, "xoshiro256pp_jump", xoshiro_jump);
    measure(c, "xoshiro256pp_hash", xoshiro_hash);
}

criterion_group!(benches, generators);
criterion_main!(benches);
