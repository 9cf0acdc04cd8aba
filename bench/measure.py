#!/usr/bin/env python3
"""Run one command once; print one JSON line with its wall time and peak RSS.

    measure.py LABEL -- CMD [ARG...]

Output (stdout, one line):
    {"label": ..., "wall_s": ..., "maxrss_kib": ..., "status": ...,
     "stdout": {...}}      # the child's stdout parsed as JSON, if it was JSON
                           # (scalars and flat objects of scalars only)

Why this shape:
  * os.posix_spawnp + os.wait4 give the rusage of exactly this child (ru_maxrss,
    KiB on Linux).  getrusage(RUSAGE_CHILDREN) would only give the max over all
    children ever waited for, so it cannot separate runs.
  * One process per measurement: the caller (a shell loop) takes the median
    and max across runs.
  * The child's stdout goes to a file, not a pipe or a terminal, so hpml's JSON
    and pandas' timing line can be read afterwards without the parent doing
    work while the child runs; its stderr is passed through.
  * "other_cpu_s": CPU time the whole machine spent during the run (from
    /proc/stat) minus the child's own user+sys, i.e. work by other processes
    that competed with the child; large values mean the wall time is inflated.
  * Linux charges the parent's peak RSS at exec time to the child's ru_maxrss
    (exec keeps the old mm's high-water mark).  It is a max, not a sum, so the
    figure is exact whenever the child's own peak exceeds this helper's
    (~10 MB); run `measure.py floor -- /bin/true` to see that floor.

Standard library only.
"""
import json
import os
import sys
import tempfile
import time


def machine_busy_s():
    """Seconds of non-idle CPU time summed over all cores since boot (Linux)."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal [guest guest_nice]:
    # guest time is already counted in user/nice
    busy = v[0] + v[1] + v[2] + sum(v[5:8])
    return busy / os.sysconf("SC_CLK_TCK")


def main(argv):
    if len(argv) < 4 or argv[2] != "--":
        sys.stderr.write(__doc__)
        return 2
    label, cmd = argv[1], argv[3:]
    out_dir = os.environ.get("MEASURE_TMPDIR") or None
    with tempfile.TemporaryFile(dir=out_dir) as out:
        actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1)]
        busy0 = machine_busy_s()
        t0 = time.perf_counter()
        try:
            pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions)
        except OSError as e:
            sys.stderr.write(f"measure.py: cannot run {cmd[0]}: {e}\n")
            return 127
        _, wstatus, ru = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
        busy1 = machine_busy_s()
        status = os.waitstatus_to_exitcode(wstatus)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    parsed = None
    try:
        parsed = json.loads(text)
        if not isinstance(parsed, dict):
            parsed = None
    except ValueError:
        pass
    rec = {"label": label, "wall_s": wall, "maxrss_kib": ru.ru_maxrss,
           "user_s": ru.ru_utime, "sys_s": ru.ru_stime, "status": status}
    if busy0 is not None and busy1 is not None:
        rec["other_cpu_s"] = max(0.0, busy1 - busy0 - ru.ru_utime - ru.ru_stime)
    if parsed is not None:
        # keep the scalar fields and flat objects of scalars (hpml eval's
        # "metrics"); drop lists and deeper nesting: hpml info's per-column
        # list is large
        def flat(v):
            return isinstance(v, (int, float, str)) or (
                isinstance(v, dict) and
                all(isinstance(x, (int, float, str)) or x is None for x in v.values()))
        rec["stdout"] = {k: v for k, v in parsed.items() if flat(v)}
    elif status != 0:
        sys.stderr.write(text[-2000:])
    print(json.dumps(rec), flush=True)
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
