#!/usr/bin/env bash
# Builds target/pgo/caspian: the `caspian` binary optimised with the
# compiler's profile-guided optimisation (PGO), for long batch runs (large
# studies, sweeps, cluster arrays):
#
#   scripts/pgo-build.sh
#
# 1. installs the `llvm-tools` rustup component if `llvm-profdata` is missing
#    (it matches the toolchain's LLVM);
# 2. builds an instrumented release binary (target/pgo-gen);
# 3. runs it on a training set: the embedded baseline and five policy
#    scenarios, a paired comparison and a small sweep, 20 replications each.
#    The peer models of benches/peers (ferry_shuttle.toml, mmc_*.toml) are
#    left out on purpose, so their timings measure a profile that never saw
#    them;
# 4. merges the profiles and rebuilds with them (target/pgo-use);
# 5. checks that the optimised binary gives byte-identical results to a
#    plain `cargo build --release` binary on the baseline and the ferry
#    shuttle (optimisation must not change a single number), then copies it
#    to target/pgo/caspian.
#
# The plain `cargo build --release` binary stays the reference: tests, CI and
# the instruction-count guard use it. Figures: docs/performance.md, "Seventh
# round: profile-guided optimisation". About 6.5 minutes on 2 cores.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

sysroot="$(rustc --print sysroot)"
find_profdata() { find "$sysroot/lib/rustlib" -name llvm-profdata -type f 2>/dev/null | head -n 1; }
profdata="$(find_profdata)"
if [[ -z "$profdata" ]]; then
    echo "== installing the llvm-tools component (llvm-profdata)"
    rustup component add llvm-tools
    profdata="$(find_profdata)"
fi
if [[ -z "$profdata" ]]; then
    echo "pgo-build.sh: llvm-profdata not found under $sysroot after 'rustup component add llvm-tools'" >&2
    exit 2
fi

work="$root/target/pgo-data"
rm -rf "$work"
mkdir -p "$work/raw" "$work/out"
flags="${RUSTFLAGS:-}"

echo "== building the instrumented binary"
RUSTFLAGS="$flags -Cprofile-generate=$work/raw" \
    cargo build --release -p caspian-cli --target-dir target/pgo-gen
gen="target/pgo-gen/release/caspian"

echo "== training"
train() { "$gen" "$@" --threads 1 --quiet >/dev/null; }
train run -n 20 --json "$work/out/baseline.json"
for s in demand_2030 high_interdiction severe_winter escort_convoys wb_2030; do
    train run "scenarios/$s.toml" -n 20 --json "$work/out/$s.json"
done
train compare scenarios/baseline.toml scenarios/alat_extra_berth.toml -n 20 --json "$work/out/compare.json"
train sweep scenarios/baseline.toml --axis port.alat.berths.rail_ferry=1,2 -n 10 --json "$work/out/sweep.json"
"$profdata" merge -o "$work/caspian.profdata" "$work/raw"

echo "== building with the profile"
RUSTFLAGS="$flags -Cprofile-use=$work/caspian.profdata" \
    cargo build --release -p caspian-cli --target-dir target/pgo-use

echo "== checking results against the plain release binary"
cargo build --release -p caspian-cli
for s in scenarios/baseline.toml scenarios/ferry_shuttle.toml; do
    name="$(basename "$s" .toml)"
    target/release/caspian run "$s" -n 20 --quiet --json "$work/out/$name.plain.json" >/dev/null
    target/pgo-use/release/caspian run "$s" -n 20 --quiet --json "$work/out/$name.pgo.json" >/dev/null
    if ! cmp -s "$work/out/$name.plain.json" "$work/out/$name.pgo.json"; then
        echo "pgo-build.sh: the optimised binary's results for $s differ from the plain build's" >&2
        exit 1
    fi
done

mkdir -p target/pgo
cp target/pgo-use/release/caspian target/pgo/caspian.tmp
mv target/pgo/caspian.tmp target/pgo/caspian
echo "== target/pgo/caspian (results byte-identical to target/release/caspian)"
