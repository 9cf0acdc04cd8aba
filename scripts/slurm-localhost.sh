#!/usr/bin/env bash
# A private single-node SLURM cluster on localhost (munged + slurmctld + slurmd), as root, on a
# machine without systemd: what tests/e2e/test_slurm.sh runs `srun` under. Adapted from the
# shared recipe ../shared/hpc/slurm-localhost.sh (its slurm.conf), made private so that it
# can run next to another cluster or another copy of itself: its own munged (own key and
# socket), ports picked free instead of 6817/6818, its own TmpFS (PMIx's per-job directories),
# every file under DIR, and `stop` ends only the processes that `start` started.
#
#   slurm-localhost.sh start DIR   start, wait until the node is idle; prints `export SLURM_CONF=...`
#   slurm-localhost.sh stop DIR    cancel the cluster's jobs, end its daemons (by the pids in DIR)
#
# Needs the Debian packages slurm-wlm and munge (scripts/install-deps.sh installs them).
# Exit codes: 0 done, 1 failed (see DIR/log), 2 usage, 3 cannot run here (not root, not installed).
set -euo pipefail
cmd=${1:-}
S=${2:-}
case $cmd in start | stop) [ -n "$S" ] ;; *) false ;; esac ||
    { echo "usage: $0 start|stop DIR" >&2; exit 2; }
S=$(mkdir -p "$S" && cd "$S" && pwd)
log() { echo "slurm-localhost: $*" >&2; }

# running PID...: one of the processes runs (a zombie, a daemon that ended while this script,
# its parent, still runs, does not count)
running() {
    local p
    for p in "$@"; do
        [ "$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1)" = Z ] || [ ! -e "/proc/$p" ] ||
            return 0
    done
    return 1
}
# alive PIDFILE: the process named in PIDFILE runs
alive() { [ -s "$1" ] && running "$(cat "$1")"; }

# end NAME...: ends the daemons whose pids start wrote to DIR/NAME.pid; they take 1-2 s each
# to end: signalled together, killed if still there after 5 s
end() {
    local f pids=()
    for f in "$@"; do
        alive "$S/$f.pid" && pids+=("$(cat "$S/$f.pid")")
        rm -f "$S/$f.pid"
    done
    [ ${#pids[@]} -gt 0 ] || return 0
    kill "${pids[@]}" 2>/dev/null || true
    wait_for 5 eval "! running ${pids[*]}" || kill -9 "${pids[@]}" 2>/dev/null || true
}

stop() {
    if [ -s "$S/slurm.conf" ] && alive "$S/slurmctld.pid"; then
        export SLURM_CONF=$S/slurm.conf
        # its jobs first, so that no step (slurmstepd and the tasks) outlives slurmd
        timeout 10 scancel --quiet --user "$(id -un)" 2>/dev/null || true
        wait_for 10 no_jobs || log "jobs still listed by squeue after 10 s"
    fi
    end slurmd slurmctld munged
}

# free_port: a TCP port nobody listens on (/proc/net/tcp*: state 0A is LISTEN); a start that
# loses a race for it tries other ports
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 30000))
        awk -v p="$(printf ':%04X' "$p")" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 }
            END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$p"; return; }
    done
}

# spawn NAME CMD...: CMD in the background (it must stay in the foreground), its pid in DIR/NAME.pid
spawn() {
    local name=$1
    shift
    "$@" </dev/null >>"$S/log/$name.out" 2>&1 &
    echo $! >"$S/$name.pid"
}

# wait_for SECONDS CMD...: CMD succeeds within SECONDS
wait_for() {
    local n=$(($1 * 10))
    shift
    for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}

no_jobs() { [ -z "$(squeue -h -o %i)" ]; }
node_idle() { sinfo -h -o %T | grep -qx idle; }

start_slurm() {
    local ctld_port slurmd_port
    ctld_port=$(free_port)
    slurmd_port=$(free_port)
    cat >"$S/slurm.conf" <<CONF
ClusterName=hpmltest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$S/munge/munge.socket
MpiDefault=none
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
KillWait=5
TmpFS=$S/tmp
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/state/slurmctld.pid
SlurmdPidFile=$S/spool/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF=$S/slurm.conf
    spawn slurmctld /usr/sbin/slurmctld -D -i -f "$SLURM_CONF"
    spawn slurmd /usr/sbin/slurmd -D -f "$SLURM_CONF" -N localhost
    for _ in $(seq 300); do
        node_idle 2>/dev/null && return 0
        alive "$S/slurmctld.pid" && alive "$S/slurmd.pid" || return 1 # e.g. its port was taken
        sleep 0.1
    done
    return 1
}

[ "$cmd" = stop ] && { stop; exit 0; }

[ "$(id -u)" = 0 ] || { log "must run as root"; exit 3; }
for b in /usr/sbin/munged /usr/sbin/mungekey /usr/sbin/slurmctld /usr/sbin/slurmd munge sinfo squeue; do
    command -v "$b" >/dev/null ||
        { log "no $b (scripts/install-deps.sh installs slurm-wlm and munge)"; exit 3; }
done
alive "$S/munged.pid" && { log "a cluster started from $S still runs (stop it first)"; exit 1; }
trap 'stop' ERR
mkdir -p "$S"/{state,spool,log,tmp,munge}
chmod 700 "$S/munge"
rm -f "$S/munge/munge.key"
/usr/sbin/mungekey --create --keyfile="$S/munge/munge.key"
spawn munged /usr/sbin/munged --foreground --force --socket="$S/munge/munge.socket" \
    --key-file="$S/munge/munge.key" --pid-file="$S/munge/munged.pid" \
    --seed-file="$S/munge/munged.seed" --log-file="$S/log/munged.log"
wait_for 10 munge --socket="$S/munge/munge.socket" -n ||
    { log "munged did not start; see $S/log"; stop; exit 1; }
# a port taken between free_port and the daemon's bind: try other ports
for try in 1 2 3; do
    if start_slurm; then
        echo "export SLURM_CONF=$S/slurm.conf"
        exit 0
    fi
    log "try $try: the node did not become idle; see $S/log"
    end slurmd slurmctld
done
stop
exit 1
