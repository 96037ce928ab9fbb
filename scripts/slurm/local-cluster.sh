#!/bin/bash
# A one-node Slurm cluster on this machine, for trying the job scripts and for
# CI. Needs root (the daemons run as root) and Debian's packages
#   slurmctld slurmd slurm-client munge
#
#   scripts/slurm/local-cluster.sh start DIR   # config, state and logs under DIR
#   export SLURM_CONF=DIR/slurm.conf
#   scripts/slurm/local-cluster.sh stop DIR
set -euo pipefail
cmd=${1:?usage: local-cluster.sh start|stop DIR}
dir=${2:?usage: local-cluster.sh start|stop DIR}

start() {
    mkdir -p "$dir"/{state,spool,log}
    dir=$(cd "$dir" && pwd)
    cat > "$dir/slurm.conf" <<CONF
ClusterName=caspian-local
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
MinJobAge=600
NodeName=localhost CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=main Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF=$dir/slurm.conf
    mkdir -p /run/munge
    if ! pgrep -x munged >/dev/null; then
        munged --force
        # Remember that we started it, so that stop stops it too.
        touch "$dir/munged.ours"
    fi
    slurmctld -f "$SLURM_CONF"
    slurmd -f "$SLURM_CONF"
    # Wait (bounded) for the node to come up.
    for _ in $(seq 1 60); do
        if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
            echo "slurm: one-node cluster up (SLURM_CONF=$SLURM_CONF)"
            return 0
        fi
        sleep 1
    done
    echo "slurm: the node did not come up; logs in $dir/log" >&2
    sinfo >&2 || true
    return 1
}

stop() {
    # Only the daemons this script started: by their pid files, never by name,
    # so a real cluster's daemons on the same host are left alone.
    local pids=()
    for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
        if [ -f "$pidfile" ]; then
            pids+=("$(cat "$pidfile")")
        fi
    done
    if [ -f "$dir/munged.ours" ] && [ -f /run/munge/munged.pid ]; then
        pids+=("$(cat /run/munge/munged.pid)")
        rm -f "$dir/munged.ours"
    fi
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    # Wait (bounded) until they are gone.
    for _ in $(seq 1 20); do
        local alive=0
        for pid in "${pids[@]}"; do
            if kill -0 "$pid" 2>/dev/null; then alive=1; fi
        done
        [ "$alive" = 0 ] && break
        sleep 0.5
    done
    echo "slurm: stopped"
}

case "$cmd" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: local-cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
