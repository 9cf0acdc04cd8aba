#!/usr/bin/env python3
"""The scaling benchmark's rank figures and table (bench/scaling.sh).

    scaling_report.py ranks LABEL N STDERR   one JSON line: the `[rank r/N] ...` figures
                                            that `hpml ... --verbose` printed (docs/mpi.md)
    scaling_report.py report RESULTS.jsonl  the markdown table, the speed-ups and the bars

Standard library only.
"""
import json
import math
import os
import re
import statistics
import sys
import time

from report_common import f, machine, other_cores, ratio

BARS = {"gbdt": 1.8, "mlp": 1.7}  # speed-up at 2 ranks (issue 7)
LINES = [  # (pattern after "[rank r/N] ", field names)
    (r"read ([\d.]+) s, train ([\d.]+) s$", ("read_s", "train_s")),
    (r"communication: (\d+) calls, ([\d.]+) MiB, ([\d.]+) s$", ("calls", "mib", "comm_s")),
    (r"hpml train: ([\d.]+) s, peak ([\d.]+) MiB resident, exit code (\d+)$",
     ("wall_s", "peak_mib", "exit")),
]


def ranks(label, n, path):
    per = {}
    with open(path, errors="replace") as fh:
        for line in fh:
            m = re.match(r"\[rank (\d+)/(\d+)\] (.*)", line.rstrip("\n"))
            if not m or int(m.group(2)) != n:
                continue
            d = per.setdefault(int(m.group(1)), {"rank": int(m.group(1))})
            for pat, names in LINES:
                mm = re.match(pat, m.group(3))
                if mm:
                    d.update({k: float(v) for k, v in zip(names, mm.groups())})
    print(json.dumps({"label": label + "/ranks", "n": n,
                      "ranks": [per[r] for r in sorted(per)]}))


def figures(rec, rk):
    """One run's figures: from the rank lines (N > 1) or the process's JSON (1 process)."""
    out = rec.get("stdout") or {}
    params = out.get("params") or {}
    fig = {"wall": rec.get("wall_s"), "other": other_cores(rec), "status": rec.get("status"),
           "n_train": out.get("n_train"), "params": params}
    if rk is None:
        fig.update(train=out.get("train_seconds"), read=out.get("read_seconds"),
                   peak=out.get("peak_rss_mib"), calls=0, mib=0.0, comm=[0.0], share=0.0)
        return fig
    rs = rk["ranks"]
    have = [r for r in rs if "train_s" in r and "comm_s" in r]
    if len(have) < rk["n"]:
        return fig  # a rank said nothing: the row shows dashes
    fig.update(train=max(r["train_s"] for r in have), read=max(r["read_s"] for r in have),
               peak=max((r.get("peak_mib", 0) for r in have), default=None),
               calls=max(r["calls"] for r in have), mib=max(r["mib"] for r in have),
               comm=[r["comm_s"] for r in have],
               share=statistics.mean(r["comm_s"] / r["train_s"] for r in have if r["train_s"]))
    return fig


def per_unit(set_, fig):
    """MiB given per tree (gbdt) or per optimizer step (mlp), and the unit's name."""
    p = fig["params"]
    if set_ == "gbdt":
        units, name = p.get("n_trees"), "tree"
    else:
        b, e, n = p.get("batch_size"), p.get("epochs"), fig.get("n_train")
        units, name = (e * math.ceil(n / b) if b and e and n else None), "step"
    return ratio(fig.get("mib"), units), name


def report(path):
    recs = [json.loads(x) for x in open(path) if x.strip()]
    by = {r["label"]: r for r in recs}
    meta = by.get("meta", {})
    runs = {}  # (set, config, n) -> [figures]
    for r in recs:
        m = re.fullmatch(r"(\w+)/(\w+)/n(\d+)/r(\d+)", r["label"])
        if not m:
            continue
        fig = figures(r, by.get(r["label"] + "/ranks"))
        model = by.get(r["label"] + "/model", {})
        fig["same"] = model.get("same_as_n1")
        runs.setdefault((m.group(1), m.group(2), int(m.group(3))), []).append(fig)

    def pick(figs):  # the run with the median training time
        ok = [x for x in figs if x.get("train") is not None]
        if not ok:
            return figs[0]
        ok.sort(key=lambda x: x["train"])
        return ok[(len(ok) - 1) // 2]

    print("# Scaling: hpml train on 1 process and on N MPI ranks, 1 thread each\n")
    print(time.strftime("%Y-%m-%d %H:%M; ") + machine() + f"; {meta.get('mpi', '?')}")
    print(f"load average before {meta.get('load_before', '?')}, after "
          f"{os.environ.get('BENCH_LOAD_AFTER', '?')}")
    print(f"GBDT: `gen_gbdt binary` {int(meta.get('rows', 0)):,} rows x 28, {meta.get('trees')} "
          f"trees, depthwise, depth 8, lr 0.1, 255 bins. MLP: `gen_nn` "
          f"{int(meta.get('nn_rows', 0)):,} rows x {meta.get('nn_cols')}, layers "
          f"{meta.get('nn_cols')}-500-100-1 ReLU, Adam lr 0.001, {meta.get('epochs')} epoch(s). "
          f"{meta.get('runs')} run(s) per configuration (median train s).\n")
    print("| set | setting | ranks | train s | speed-up | read s | wall s | calls/rank | "
          "MiB/rank | MiB per unit | comm s (ranks) | comm % | peak RSS MiB/rank | "
          "model = 1 process | other |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|")
    bars, worst = [], 0.0
    for (set_, config, n) in runs:  # in the order they ran
        fig = pick(runs[(set_, config, n)])
        base = pick(runs.get((set_, config, 1), [{}]))
        sp = ratio(base.get("train"), fig.get("train"))
        unit, uname = per_unit(set_, fig)
        comm = fig.get("comm")
        comm_t = "—" if not comm else "–".join(sorted({f"{min(comm):.2f}", f"{max(comm):.2f}"}))
        oth = fig.get("other")
        worst = max(worst, oth or 0)
        same = {True: "yes", False: "no", None: "—"}[fig.get("same")]
        if fig.get("status") not in (0, None):
            same = f"FAILED (exit {fig['status']})"
        print(f"| {set_} | {config} | {n} | {f(fig.get('train'), '.2f')} | "
              f"{f(sp, '.2f') if n > 1 else '1'} | {f(fig.get('read'), '.2f')} | "
              f"{f(fig.get('wall'), '.1f')} | {f(fig.get('calls'), ',.0f')} | "
              f"{f(fig.get('mib'), ',.1f')} | {f(unit, '.3f')} /{uname} | {comm_t} | "
              f"{f(None if fig.get('share') is None else 100 * fig['share'], '.1f')} | "
              f"{f(fig.get('peak'), ',.0f')} | {same} | "
              f"{f(oth, '.2f')}{'!' if (oth or 0) > 0.1 else ''} |")
        if n == 2 and set_ in BARS:
            ok = sp is not None and sp >= BARS[set_]
            bars.append(f"{set_} {config}: {f(sp, '.2f')}x (bar >= {BARS[set_]}x) "
                        f"{'PASS' if ok else 'MISS'}")
    print("""
Columns: `train s` training alone, CSV read excluded (1 process: `train_seconds` of `--json`;
N ranks: the slowest rank's `train` of its `[rank r/N] read X s, train Y s` line, each rank
reading the whole file). `speed-up` = 1 process's train s / N ranks' train s. `wall s` the
whole command (mpirun, start-up and every rank's CSV read included). `calls/rank`, `MiB/rank`
what each rank gave to collectives (the larger over ranks; `hpml_dist_get_stats`); `MiB per
unit` that per tree (GBDT) or per optimizer step (MLP: epochs x ceil(rows / batch)): it should
follow the histogram size (features x bins x nodes), not the rows. `comm s` seconds each
rank spent inside collectives (waiting for slower ranks included; the range over ranks),
`comm %` their mean share of the ranks' train s. `peak RSS` the largest rank's (its own
figure). `model = 1 process` the model file's bytes equal the 1-process model's. `other`
cores other processes used during the run (`!` above 0.1: times inflated).""")
    print("\nBARS (issue 7; informational): " + ("; ".join(bars) if bars else "not checked (no 2-rank run)"))
    if worst > 0.1:
        print(f"WARNING: other processes used up to {worst:.2f} cores during a run; times are "
              "inflated. Rerun when the machine is idle.")


def main(argv):
    if len(argv) == 5 and argv[1] == "ranks":
        ranks(argv[2], int(argv[3]), argv[4])
    elif len(argv) == 3 and argv[1] == "report":
        report(argv[2])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
