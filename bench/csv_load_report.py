#!/usr/bin/env python3
"""Table for bench/csv_load.sh, from the JSON lines bench/measure.py wrote.

    csv_load_report.py RAW.jsonl SYNTH.csv ROWS COLS [LEUKEMIA.csv]

Per (file, tool): median wall time, median in-process read time, max peak RSS
over the runs. Speed-ups are pandas time / hpml time (> 1: hpml faster), in
three pairings, each named in the table. MB = 10^6 bytes. Standard library only.
"""
import json
import os
import platform
import statistics
import sys
import time

from report_common import machine_facts, ratio

MB = 1e6
TOOLS = [("pandas", "pandas.read_csv"),
         ("hpml-t1", "hpml --threads 1"),
         ("hpml-t2", "hpml --threads 2")]
BARS = {"hpml-t1": 5.0, "hpml-t2": 8.0, "rss": 1.3}


def load(path):
    groups = {}
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            groups.setdefault(rec["label"], []).append(rec)
    return groups


def summarize(runs):
    walls = [r["wall_s"] for r in runs]
    cpus = [r["user_s"] + r["sys_s"] for r in runs]
    others = [r["other_cpu_s"] / r["wall_s"] for r in runs if "other_cpu_s" in r]
    reads = [r["stdout"]["read_seconds"] for r in runs
             if "read_seconds" in r.get("stdout", {})]
    out = runs[0].get("stdout", {})
    return {
        "n": len(runs),
        "walls": walls,
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "other": max(others) if others else None,
        "read": statistics.median(reads) if reads else None,
        "rss": max(r["maxrss_kib"] for r in runs) * 1024,
        "rows": out.get("rows"),
        "columns": out.get("columns"),
    }


def fmt(x, spec, width):
    return format("n/a" if x is None else format(x, spec), f">{width}")


def machine():
    cpu, cores, mem, sha = machine_facts()
    return (f"{cores} cores ({cpu}), {mem} RAM, "
            f"{platform.system()} {platform.release()}; hpml built from HEAD {sha or '?'}"
            " (plus any uncommitted changes)")


def section(lines, title, path, groups, prefix, rows_expected, ncols_total):
    """Append one file's table to lines; return {tool: summary}."""
    s = {k: summarize(groups[f"{prefix}/{k}"]) for k, _ in TOOLS
         if f"{prefix}/{k}" in groups}
    size = os.path.getsize(path)
    f32 = rows_expected * ncols_total * 4
    lines.append(f"{title}: {path}")
    lines.append(f"  {rows_expected:,} rows x {ncols_total:,} columns, {size / MB:.1f} MB; "
                 f"float32 size of the data {f32 / MB:.1f} MB "
                 f"(rows x {ncols_total} x 4 bytes)")
    lines.append("")
    hdr = (f"  {'tool':<18}{'wall s':>8}{'MB/s':>8}{'cpu s':>7}{'read s':>9}{'MB/s':>8}"
           f"{'peak RSS MB':>13}{'RSS/f32':>9}{'other':>7}   runs (wall s)")
    lines.append(hdr)
    lines.append("  " + "-" * (len(hdr) - 2 + 6))
    for key, name in TOOLS:
        if key not in s:
            continue
        m = s[key]
        lines.append(
            f"  {name:<18}{fmt(m['wall'], '.2f', 8)}{fmt(size / MB / m['wall'], '.1f', 8)}"
            f"{fmt(m['cpu'], '.2f', 7)}"
            f"{fmt(m['read'], '.3f', 9)}{fmt(ratio(size / MB, m['read']), '.1f', 8)}"
            f"{fmt(m['rss'] / MB, '.1f', 13)}{fmt(m['rss'] / f32, '.2f', 9)}"
            f"{fmt(m['other'], '.2f', 7)}   "
            + " ".join(f"{w:.2f}" for w in m["walls"]))
    lines.append("")
    lines.append("  wall s: whole process, median of runs; cpu s: its user+sys time, median;")
    lines.append("  read s: the reader alone, timed inside the process (pandas: the read_csv")
    lines.append("  call; hpml: read_seconds from --json).")
    lines.append("  peak RSS: whole process, max over runs (ru_maxrss via wait4).")
    lines.append("  other: CPU used by other processes during the run, in cores (worst run);")
    lines.append("  above ~0.1 the wall times are inflated by competing work.")
    # sanity: every tool saw the same number of rows
    for key, name in TOOLS:
        if key in s and s[key]["rows"] is not None and s[key]["rows"] != rows_expected:
            lines.append(f"  WARNING: {name} reported {s[key]['rows']} rows, expected {rows_expected}")
    lines.append("")
    p = s.get("pandas")
    if p:
        lines.append("  Speed-up of hpml over pandas (pandas time / hpml time; > 1 means hpml is faster):")
        lines.append(f"  {'':<18}{'A: read_csv/whole':>19}{'B: whole/whole':>16}{'C: read/read':>14}")
        for key, name in TOOLS[1:]:
            if key not in s:
                continue
            h = s[key]
            lines.append(f"  {name:<18}{fmt(ratio(p['read'], h['wall']), '.2f', 19)}"
                         f"{fmt(ratio(p['wall'], h['wall']), '.2f', 16)}"
                         f"{fmt(ratio(p['read'], h['read']), '.2f', 14)}")
        lines.append("  A = pandas read_csv call alone / hpml whole process (the pairing the bars use;")
        lines.append("      it charges hpml's start-up and summary statistics, not pandas' import)")
        lines.append("  B = pandas whole process / hpml whole process")
        lines.append("  C = pandas read_csv call alone / hpml in-process read_seconds")
        lines.append("")
    return s


def main(argv):
    if len(argv) not in (5, 6):
        sys.stderr.write(__doc__)
        return 2
    raw, synth, rows, cols = argv[1], argv[2], int(argv[3]), int(argv[4])
    leuk = argv[5] if len(argv) == 6 else None
    groups = load(raw)
    floor = groups["floor"][0]["maxrss_kib"] * 1024 if "floor" in groups else None
    runs = len(groups.get("synth/pandas", []))
    pv = groups.get("synth/pandas", [{}])[0].get("stdout", {}).get("pandas_version", "?")

    lines = []
    lines.append(f"CSV load benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    lines.append(f"machine: {machine()}")
    lines.append(f"anchor: pandas {pv} read_csv (default C engine, 1 thread), interpreter {sys.executable}")
    lines.append(f"{runs} interleaved runs per tool, page cache warm; MB = 10^6 bytes")
    lines.append(f"load average (1/5/15 min) before: {os.environ.get('BENCH_LOAD_BEFORE', '?')}, "
                 f"after: {os.environ.get('BENCH_LOAD_AFTER', '?')} "
                 "(other work on the machine inflates wall times)")
    if floor:
        lines.append(f"peak RSS floor of the measuring helper: {floor / MB:.1f} MB "
                     "(exec charges it to the child; figures above it are exact)")
    lines.append("")

    s = section(lines, "Synthetic", synth, groups, "synth", rows, cols + 1)
    if leuk and "leukemia/pandas" in groups:
        lg = groups["leukemia/pandas"][0].get("stdout", {})
        section(lines, "Leukemia (wide)", leuk, groups, "leukemia",
                lg.get("rows", 0), lg.get("columns", 0))
    elif leuk:
        lines.append(f"Leukemia (wide): {leuk} not found, skipped")
        lines.append("")

    # BARS: synthetic file, pairing A; RSS ratio = worst of the two thread counts.
    p = s.get("pandas")
    f32 = rows * (cols + 1) * 4

    def word(x, bar, higher_is_better=True):
        if x is None:
            return "n/a"
        return "PASS" if (x >= bar if higher_is_better else x <= bar) else "MISS"

    sp1 = ratio(p and p["read"], s["hpml-t1"]["wall"]) if "hpml-t1" in s else None
    sp2 = ratio(p and p["read"], s["hpml-t2"]["wall"]) if "hpml-t2" in s else None
    rss = max((s[k]["rss"] for k in ("hpml-t1", "hpml-t2") if k in s), default=None)
    rr = rss / f32 if rss is not None else None
    lines.append("Bars (synthetic file; speed-up = pairing A; RSS ratio = hpml peak RSS, worse of")
    lines.append(f"1 and 2 threads, / float32 size {f32 / MB:.1f} MB). Informational, not a test:")
    lines.append(f"BARS: 1-thread speed-up {fmt(sp1, '.2f', 0)}x (bar 5) {word(sp1, BARS['hpml-t1'])}, "
                 f"2-thread {fmt(sp2, '.2f', 0)}x (bar 8) {word(sp2, BARS['hpml-t2'])}, "
                 f"RSS ratio {fmt(rr, '.2f', 0)} (bar 1.3) {word(rr, BARS['rss'], False)}")
    busiest = max((s[k]["other"] for k in s if s[k]["other"] is not None), default=None)
    if busiest is not None and busiest > 0.1:
        lines.append(f"WARNING: other processes used up to {busiest:.2f} cores during the synthetic-file "
                     f"runs ({os.cpu_count()} cores here);")
        lines.append("         the times and speed-ups above are inflated/unreliable; rerun on an idle machine.")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
