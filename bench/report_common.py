"""What the bench/*_report.py scripts share: reading measure.py records and
the machine line. Imported by scripts run as `python3 bench/X_report.py`
(their own folder is on sys.path). Standard library only."""
import os
import platform
import subprocess


def find(d, *keys):
    """d[key] for the first key present at top level or in a nested object."""
    if not isinstance(d, dict):
        return None
    for k in keys:
        if k in d:
            return d[k]
    for v in d.values():
        if isinstance(v, dict):
            for k in keys:
                if k in v:
                    return v[k]
    return None


def other_cores(rec):
    """CPU other processes used during a measure.py run, in cores."""
    if rec and "other_cpu_s" in rec and rec.get("wall_s"):
        return rec["other_cpu_s"] / rec["wall_s"]
    return None


def f(x, spec, dash="—"):
    return dash if x is None else format(x, spec)


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def machine_facts():
    """(cpu model, cores, memory text, git short sha or '') of this machine."""
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as fh:
            mem = f"{int(fh.readline().split()[1]) / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
    except OSError:
        sha = ""
    return cpu, os.cpu_count(), mem, sha


def machine():
    cpu, cores, mem, sha = machine_facts()
    return f"{cpu}, {cores} cores, {mem}; {platform.platform()}; hpml {sha or '?'}"
