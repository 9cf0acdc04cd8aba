# test_slurm.sh — hpml under a real single-node SLURM (docs/mpi.md): `srun --mpi=pmix -n 2
# hpml train` writes the one-process model bytes and prints once; `srun --mpi=none -n 2` (tasks
# MPI does not connect) is refused with exit code 1 and one message.
# The cluster: the one that answers `sinfo`, if any; otherwise, as root, a private one started
# by scripts/slurm-localhost.sh in this test's temporary folder (own munged, own ports) and
# stopped when the test ends, however it ends. Skipped, said on stderr, when it cannot run:
# the sanitizer build (srun runs once, in the plain pass), a build without MPI, no SLURM
# installed (scripts/install-deps.sh installs it), not root.
source "$(dirname "$0")/lib.sh"

skip() {
    echo "test_slurm.sh: $*: the srun tests are skipped" >&2
    exit 0
}
case "$HPML" in *san*) skip "they run in the plain pass only" ;; esac
"$HPML" --version | grep -q '(MPI: ' || skip "$HPML is built without MPI"
command -v srun >/dev/null || skip "no SLURM here (scripts/install-deps.sh installs slurm-wlm)"

if ! timeout 10 sinfo -h >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || skip "no SLURM cluster answers and starting one needs root"
    CLUSTER=$TMP/cluster
    trap 'scripts/slurm-localhost.sh stop "$CLUSTER" 2>/dev/null; rm -rf "$TMP"' EXIT
    trap 'exit 130' INT TERM HUP
    scripts/slurm-localhost.sh start "$CLUSTER" >/dev/null 2>"$TMP/err"
    rc=$?
    [ "$rc" -ne 3 ] || skip "$(cat "$TMP/err")"
    if [ "$rc" -ne 0 ]; then
        : >"$TMP/out"
        tail -n 5 "$CLUSTER"/log/*.log >>"$TMP/err" 2>&1
        fail slurm_cluster_started "scripts/slurm-localhost.sh start: exit $rc"
        exit 0
    fi
    export SLURM_CONF=$CLUSTER/slurm.conf
fi
srun --mpi=list 2>&1 | grep -qw pmix || skip "this SLURM has no pmix plugin"

TR=$FIX/gbdt_train.csv
ARGS=(train "$TR" --target y --ignore label --n_trees 20 --threads 1)

# ---- srun with Open MPI's plugin: one model file, the one-process model's bytes; printed once
run "${ARGS[@]}" -o $TMP/m1.hpml
mkdir -p $TMP/n2
timeout 120 srun -K -O --mpi=pmix -n 2 "$HPML" "${ARGS[@]}" -o $TMP/n2/m.hpml >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 0 ] && cmp -s $TMP/m1.hpml $TMP/n2/m.hpml && [ "$(ls $TMP/n2)" = "m.hpml" ] &&
    [ "$(grep -c '^written:' "$TMP/out")" -eq 1 ] && [ "$(grep -c '^model:' "$TMP/out")" -eq 1 ]; then
    pass srun_pmix_model_same
else
    fail srun_pmix_model_same "exit $rc; files: $(ls $TMP/n2 | tr '\n' ' ')"
fi

# ---- without the plugin the tasks are independent one-process runs: refused, said once
timeout 120 srun -O --mpi=none -n 2 "$HPML" "${ARGS[@]}" -o $TMP/none.hpml >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 1 ] &&
    [ "$(grep -c 'srun started 2 tasks (SLURM_STEP_NUM_TASKS), but MPI does not connect them' "$TMP/err")" -eq 1 ] &&
    [ ! -s "$TMP/out" ] && [ ! -e $TMP/none.hpml ]; then
    pass srun_without_plugin_refused
else
    fail srun_without_plugin_refused "exit $rc"
fi
