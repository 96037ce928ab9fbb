#!/usr/bin/env bash
# caspian-sim against SimPy, side by side, from a clean clone in one command:
#
#   benches/peers/compare.sh [--self-test] [--instructions] [--pgo] [--runs 3]
#                            [--mmc-reps 20] [--ferry-reps 300] [--hold-sizes 100,10000]
#
# 1. builds the release `caspian` binary and the `peers_hold` example;
# 2. creates a virtualenv in benches/peers/.venv (git-ignored) with Python
#    3.11+ and installs SimPy 4.1.2 from PyPI into it;
# 3. runs benches/peers/compare.py: the M/M/c port at rho 0.8
#    (scenarios/mmc_check.toml) and 0.9 (scenarios/mmc_rho09.toml), the ferry
#    shuttle (scenarios/ferry_shuttle.toml) and the hold model, each side as
#    whole processes on one thread, 3 runs interleaved, timed by wall clock;
#    checks that the KPIs agree (Welch t-test per KPI, family-wise 1%; see
#    compare.py) and prints the SimPy / caspian time ratios; then, per model,
#    caspian's cost per event against the bare hold step (peers_hold) at the
#    model's mean queue size, timed in the same rounds.
#
# --pgo (no value) first builds target/pgo/caspian (scripts/pgo-build.sh,
# about 6.5 minutes) and times it beside the plain binary in the same rounds
# (its results must be byte-identical to the plain binary's). To time a PGO
# binary already built, call compare.py with --pgo PATH instead.
#
# Exits non-zero if a build or run fails or if any KPI disagrees.
# Takes about 5 minutes on a 2-core machine (SimPy dominates), plus the build.
# Results: target/peers/ (summary.json and every run's output).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

echo "== building the release binaries"
cargo build --release -p caspian-cli
cargo build --release -p caspian-benches --example peers_hold

venv="benches/peers/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
    python="${PYTHON:-}"
    if [[ -z "$python" ]]; then
        for candidate in python3.11 python3.12 python3.13 python3; do
            if command -v "$candidate" >/dev/null 2>&1; then python="$candidate"; break; fi
        done
    fi
    if [[ -z "$python" ]] || ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "compare.sh needs Python 3.11 or later (set PYTHON=...)" >&2
        exit 2
    fi
    echo "== creating $venv with $("$python" --version)"
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "simpy==4.1.2"

args=()
for arg in "$@"; do
    if [[ "$arg" == "--pgo" ]]; then
        echo "== building the profile-guided binary (scripts/pgo-build.sh)"
        scripts/pgo-build.sh
        args+=(--pgo target/pgo/caspian)
    else
        args+=("$arg")
    fi
done

echo "== comparing"
# ${args[@]+...}: an empty array is "unbound" under set -u before bash 4.4.
exec "$venv/bin/python" benches/peers/compare.py ${args[@]+"${args[@]}"}
