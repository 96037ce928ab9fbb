#!/bin/bash
# Submits a sharded study and its merge, the merge only if every shard succeeds.
#
#   scripts/slurm/submit.sh SHARDS SCENARIO REPLICATIONS OUT.json
#
# Prints the two job ids. A failed shard K leaves the merge pending forever
# (afterok); re-run it with `sbatch --array=K --export=ALL,SHARDS=N study.sbatch ...`
# and submit the
# merge again, or run `caspian merge parts/part-*.json --json OUT.json`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shards=${1:?usage: submit.sh SHARDS SCENARIO REPLICATIONS OUT.json}
scenario=${2:?}
replications=${3:?}
out=${4:?}
mkdir -p logs parts
array=$(sbatch --parsable --array=0-$((shards - 1)) --export=ALL,SHARDS="$shards" \
    "$here/study.sbatch" "$scenario" "$replications")
merge=$(sbatch --parsable --dependency=afterok:"$array" "$here/merge.sbatch" parts "$out")
echo "array job $array, merge job $merge"
