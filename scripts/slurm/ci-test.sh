#!/bin/bash
# Proves on a real Slurm scheduler that a sharded study merges into exactly
# the single-process result, and that a failed shard is detected and can be
# re-run alone. Run by .ci/run; also runnable by hand (as root):
#
#   scripts/slurm/ci-test.sh [path/to/caspian]
#
# It starts a one-node cluster in a temporary directory, submits
#   - a 4-shard array of 50 replications each of the baseline (200 in all),
#   - a 4-shard array of a 4-point sweep of the baseline,
# each followed by a merge job (--dependency=afterok), waits for them with a
# bounded timeout, compares the merged files byte for byte with single-process
# runs, then deletes one part, checks that `caspian merge` refuses naming the
# missing index, re-runs that index alone and merges again. Daemons are
# stopped on exit, whatever happens.
#
# Where the scheduler cannot be installed (no root, no apt-get) it prints a
# loud SKIPPED banner and exits 0; it never passes silently.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
caspian=${1:-$root/target/release/caspian}
timeout_s=${SLURM_TEST_TIMEOUT:-600}

skip() {
    printf '\n%s\n%s\n%s\n\n' "########################################################" \
        "SKIPPED: Slurm integration test: $1" \
        "########################################################" >&2
    exit 0
}

if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing slurm and munge (Debian packages)"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            slurmctld slurmd slurm-client munge >/dev/null
    else
        skip "slurm is not installed and cannot be installed here (needs root and apt-get)"
    fi
fi
[ "$(id -u)" = 0 ] || skip "the one-node cluster's daemons need root"
[ -x "$caspian" ] || { echo "error: no caspian binary at $caspian (cargo build --release)" >&2; exit 1; }
# The jobs run in a scratch directory: make the path absolute.
caspian=$(cd "$(dirname "$caspian")" && pwd)/$(basename "$caspian")

work=$(mktemp -d /tmp/caspian-slurm.XXXXXX)
cleanup() {
    "$here/local-cluster.sh" stop "$work/cluster" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
"$here/local-cluster.sh" start "$work/cluster"
export SLURM_CONF=$work/cluster/slurm.conf
export CASPIAN=$caspian
cd "$work"
mkdir -p logs
cp "$root/scenarios/baseline.toml" baseline.toml

sweep_axes=(--axis port.alat.berths.rail_ferry=2 --axis weather.storm_rate_multiplier=1,2
    --axis interdiction.incident_probability=0.0005,0.005)

echo "== single-process reference runs"
"$caspian" run baseline.toml --replications 200 --json ref-run.json --quiet >/dev/null
"$caspian" sweep baseline.toml --replications 20 "${sweep_axes[@]}" --json ref-sweep.json \
    --quiet >/dev/null

echo "== submitting the arrays and their merges"
run_array=$(sbatch --parsable --array=0-3 --export=ALL,SHARDS=4 \
    "$here/study.sbatch" baseline.toml 200)
run_merge=$(sbatch --parsable --dependency=afterok:"$run_array" \
    "$here/merge.sbatch" parts merged-run.json)
sweep_array=$(sbatch --parsable --array=0-3 --export=ALL,SHARDS=4 \
    "$here/sweep.sbatch" baseline.toml 20 "${sweep_axes[@]}")
mkdir -p sweep-parts
sweep_merge=$(sbatch --parsable --dependency=afterok:"$sweep_array" \
    "$here/merge.sbatch" sweep-parts merged-sweep.json)
echo "run array $run_array (merge $run_merge), sweep array $sweep_array (merge $sweep_merge)"

wait_for() {
    local start=$SECONDS
    while squeue -h -j "$1" 2>/dev/null | grep -q .; do
        if (( SECONDS - start > timeout_s )); then
            echo "error: job(s) $1 still queued after ${timeout_s}s" >&2
            squeue >&2 || true
            tail -n 20 logs/* "$work"/cluster/log/* >&2 || true
            exit 1
        fi
        sleep 1
    done
}
wait_for "$run_array,$run_merge,$sweep_array,$sweep_merge"

echo "== comparing merged results with the single-process runs"
for kind in run sweep; do
    if [ ! -f "merged-$kind.json" ]; then
        echo "error: the $kind merge job produced nothing" >&2
        tail -n 20 logs/* >&2 || true
        exit 1
    fi
    cmp "ref-$kind.json" "merged-$kind.json"
    echo "$kind: merged result is byte-identical to the single-process run"
done
[ "$(ls parts/part-*.json | wc -l)" = 4 ] || { echo "error: expected 4 run parts" >&2; exit 1; }

echo "== a lost shard is detected and can be re-run alone"
rm parts/part-2.json
set +e
message=$("$caspian" merge parts/part-*.json --json refused.json 2>&1)
code=$?
set -e
[ "$code" = 2 ] || { echo "error: merge with a missing part exited $code, not 2: $message" >&2; exit 1; }
grep -q "missing shard(s) 2 of 4" <<<"$message" || { echo "error: unexpected message: $message" >&2; exit 1; }
[ ! -e refused.json ] || { echo "error: a refused merge wrote output" >&2; exit 1; }
echo "refused as expected: $message"
rerun=$(sbatch --parsable --array=2 --export=ALL,SHARDS=4 "$here/study.sbatch" baseline.toml 200)
wait_for "$rerun"
"$caspian" merge parts/part-*.json --json remerged.json --quiet >/dev/null
cmp ref-run.json remerged.json
echo "re-running shard 2 alone completed the study: byte-identical again"

echo
echo "Slurm integration test passed"
