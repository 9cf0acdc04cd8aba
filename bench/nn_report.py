#!/usr/bin/env python3
"""Markdown table for bench/nn.sh, from the JSON lines in nn_results.jsonl.

    nn_report.py RAW.jsonl

One row per batch size x threads: hpml against PyTorch's best setting at that
thread count (the faster of the default environment and
OMP_WAIT_POLICY=PASSIVE, per batch size), then every PyTorch setting and
hpml's details. The bars from the issue are checked and printed as the final
BARS lines (informational). MB = 10^6 bytes. Standard library only.

Where each figure comes from:
  samples/s   epochs * training rows / training seconds. PyTorch: its epochs
              loop alone (time.perf_counter in nn_anchor.py); hpml:
              "loop_seconds" of `hpml train --json`, the epochs alone as
              PyTorch's timer (hpml's details also give samples/s over its
              whole "train_seconds": preparing the inputs included)
  RMSE        test RMSE in the target's units. PyTorch: computed in
              nn_anchor.py; hpml: `hpml eval --json`, cross-checked against
              the RMSE recomputed from `hpml predict`'s file
  RSS MB      peak RSS of the whole process (os.wait4 in measure.py): PyTorch
              = the one process per thread setting that reads both files and
              trains every batch size; hpml = the `hpml train` process
  GFLOP/s     samples/s * training FLOPs per sample (forward, weight
              gradients, input gradients of all layers but the first)
"""
import json
import os
import sys
import time

from report_common import f, find, machine, other_cores, ratio

MB = 1e6
MIB = 1048576.0
BAR_SPEED, BAR_RMSE = 1.2, 0.02   # hpml >= 1.2 x PyTorch's best; RMSE <= 1.02 x
OTHER_WARN = 0.1


def load(path):
    meta, floor, torch_proc, torch_runs, hpml, ceiling = {}, None, {}, {}, {}, {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            label = rec.get("label", "")
            parts = label.split("/")
            if label == "meta":
                meta = rec
            elif label == "floor":
                floor = rec
            elif parts[0] == "pytorch" and len(parts) == 3:      # the process
                torch_proc[(int(parts[1][1:]), parts[2])] = rec
            elif parts[0] == "pytorch" and len(parts) == 4:      # one batch size
                torch_runs[(int(parts[1][1:]), parts[2], int(parts[3][1:]))] = rec
            elif parts[0] == "ceiling" and len(parts) == 3:           # ceiling/tN/bB
                ceiling[(int(parts[2][1:]), int(parts[1][1:]))] = rec
            elif parts[0] == "hpml" and len(parts) == 4:              # hpml/tN/bB/step
                key = (int(parts[2][1:]), int(parts[1][1:]))            # (batch, threads)
                hpml.setdefault(key, {})[parts[3]] = rec
    return meta, floor, torch_proc, torch_runs, hpml, ceiling


def num(x):
    return x if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def flops_per_sample(sizes):
    macs = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return 4 * sum(macs) + 2 * sum(macs[1:])


def summarize_torch(nt, wait, batch, proc, run):
    if not proc or proc.get("status") != 0 or not run:
        return {"failed": True}
    return {
        "sps": run["samples_per_s"], "gflops": run.get("gflops"), "train": run["train_seconds"],
        "rmse": run["rmse"], "rmse_mean": run.get("rmse_mean_predictor"),
        "rss": proc["maxrss_kib"] * 1024 / MB,
        "self": run.get("peak_rss_mib", 0) * MIB / MB,
        "read": run.get("read_seconds"), "other": other_cores(proc),
        "setting": wait, "version": run.get("version"), "n_train": run.get("n_train"),
        "env": run.get("env", ""),
    }


def summarize_hpml(recs, epochs, fps):
    tr, ev = recs.get("train"), recs.get("eval")
    if not tr or tr.get("status") != 0:
        return {"failed": True, "what": "train"}
    out = tr.get("stdout", {})
    train_s = num(find(out, "train_seconds"))
    loop_s = num(find(out, "loop_seconds")) or train_s  # the epochs alone, like PyTorch's timer
    n = num(find(out, "n_train", "rows", "n_rows"))
    s = {
        "train": train_s, "loop": loop_s, "read": num(find(out, "read_seconds")),
        "sps": epochs * n / loop_s if loop_s and n else None,
        "sps_all": epochs * n / train_s if train_s and n else None,
        "rss": tr["maxrss_kib"] * 1024 / MB,
        "self": (num(find(out, "peak_rss_mib")) or 0) * MIB / MB or None,
        "other": other_cores(tr), "n_train": n, "failed": False,
    }
    s["gflops"] = s["sps"] * fps / 1e9 if s["sps"] else None
    s["rmse"] = None
    if ev and ev.get("status") == 0:
        e = ev.get("stdout", {})
        s["rmse"] = num(find(e.get("metrics") if isinstance(e.get("metrics"), dict) else e,
                             "rmse", "RMSE"))
    else:
        s["what"] = "eval"
    sc = recs.get("score", {}).get("stdout", {})
    s["score"], s["score_err"] = sc.get("rmse"), sc.get("error")
    s["model_bytes"] = recs.get("model", {}).get("model_bytes")
    return s


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    meta, floor, torch_proc, torch_runs, hpml_recs, ceiling = load(argv[1])
    epochs = meta.get("epochs", 3)
    cols = meta.get("cols", 1000)
    layers = [int(v) for v in str(meta.get("layers", "500,100")).split(",") if v]
    sizes = [cols] + layers + [1]
    fps = flops_per_sample(sizes)

    out = []
    p = out.append
    p("# Neural-net benchmark: hpml MLP vs PyTorch")
    p("")
    p(f"{time.strftime('%Y-%m-%d %H:%M')}; {machine()}")
    p(f"load average before {os.environ.get('BENCH_LOAD_BEFORE', '?')}, "
      f"after {os.environ.get('BENCH_LOAD_AFTER', '?')}")
    if meta:
        p(f"Settings: MLP {'→'.join(map(str, sizes))} (ReLU), Adam lr {meta['lr']}, squared error, "
          f"{epochs} epochs, training seed {meta.get('train_seed')}; data `gen_nn` seed {meta['seed']}: "
          f"{meta['rows']:,} train rows ({meta.get('train_bytes', 0) / MB:,.0f} MB) + "
          f"{meta['test_rows']:,} test rows ({meta.get('test_bytes', 0) / MB:,.0f} MB), "
          f"{cols:,} features. Training FLOPs per sample: {fps / 1e6:.2f} M. One run per configuration.")
    versions = sorted({r.get("version") for r in torch_runs.values() if r.get("version")})
    if versions:
        p(f"Anchor: PyTorch {', '.join(versions)} (OMP_NUM_THREADS = threads for every process, "
          f"which also sizes OpenBLAS's pool; at > 1 thread also run with OMP_WAIT_POLICY=PASSIVE, "
          f"the faster of the two per batch size is the anchor).")
    if meta and not meta.get("hpml_available", True) and "hpml" in meta.get("tools", ""):
        p(f"**hpml: not available** ({meta.get('hpml_why')}); its columns are empty.")
    if floor:
        p(f"RSS floor (helper charged at exec, /bin/true): {floor['maxrss_kib'] * 1024 / MB:.0f} MB.")
    p("")

    threads = sorted({k[0] for k in torch_proc} | {k[1] for k in hpml_recs})
    batches = sorted({k[2] for k in torch_runs} | {k[0] for k in hpml_recs})
    waits_of = {}
    for nt, w in torch_proc:
        waits_of.setdefault(nt, []).append(w)

    p("| batch | thr | hpml samples/s | PyTorch best samples/s | setting | ×PyTorch | hpml RMSE "
      "| PyTorch RMSE | ΔRMSE | hpml RSS MB | PyTorch RSS MB | RSS × | other hpml / PyTorch "
      "| bars S Q R |")
    p("|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|---|---|")
    rows = {}
    notes = []
    worst_other = 0.0
    for b in batches:
        for nt in threads:
            cands = [summarize_torch(nt, w, b, torch_proc.get((nt, w)), torch_runs.get((nt, w, b)))
                     for w in waits_of.get(nt, [])]
            cands = [c for c in cands if not c.get("failed")]
            x = max(cands, key=lambda c: c["sps"]) if cands else None
            s = summarize_hpml(hpml_recs[(b, nt)], epochs, fps) if (b, nt) in hpml_recs else None
            rows[(b, nt)] = (s, x)
            for c in cands:
                worst_other = max(worst_other, c.get("other") or 0.0)
            if s and not s.get("failed"):
                worst_other = max(worst_other, s.get("other") or 0.0)
            sp = ratio(s["sps"], x["sps"]) if s and not s.get("failed") and x else None
            dr = ratio(s["rmse"], x["rmse"]) if s and not s.get("failed") and x else None
            rr = ratio(s["rss"], x["rss"]) if s and not s.get("failed") and x else None
            hs = s if s and not s.get("failed") else {}
            marks = ""
            if sp is not None or dr is not None or rr is not None:
                def m(ok):
                    return "—" if ok is None else ("pass" if ok else "MISS")
                marks = " ".join([
                    "S:" + m(None if sp is None else sp >= BAR_SPEED),
                    "Q:" + m(None if dr is None else dr <= 1 + BAR_RMSE),
                    "R:" + m(None if rr is None else rr <= 1.0)])
            oth = f"{f(hs.get('other'), '.2f')} / {f(x and x.get('other'), '.2f')}"
            if max(hs.get("other") or 0, (x or {}).get("other") or 0) > OTHER_WARN:
                oth += "!"
            hsps = f"FAILED ({s['what']})" if s and s.get("failed") else f(hs.get("sps"), ",.0f")
            rmse_txt = f(hs.get("rmse"), ".4f")
            if hs.get("score") is not None and hs.get("rmse") is not None and \
                    abs(hs["score"] - hs["rmse"]) > 1e-4 * max(1.0, abs(hs["rmse"])):
                rmse_txt += f" (from preds: {hs['score']:.4f})"
                notes.append(f"b{b}/t{nt}: hpml eval says RMSE {hs['rmse']:.5f}, "
                             f"its predictions file gives {hs['score']:.5f}")
            elif hs.get("score_err"):
                notes.append(f"b{b}/t{nt}: predictions file not checked: {hs['score_err']}")
            elif hs and hs.get("score") is None and hs.get("rmse") is not None:
                notes.append(f"b{b}/t{nt}: hpml predict did not run; its eval RMSE is unchecked")
            p(f"| {b} | {nt} | {hsps} | {f(x and x['sps'], ',.0f')} | {x['setting'] if x else '—'} "
              f"| {f(sp, '.2f')} | {rmse_txt} | {f(x and x['rmse'], '.4f')} "
              f"| {f(None if dr is None else 100 * (dr - 1), '+.1f')}{'%' if dr is not None else ''} "
              f"| {f(hs.get('rss'), '.0f')} | {f(x and x['rss'], '.0f')} | {f(rr, '.2f')} "
              f"| {oth} | {marks} |")
    p("")
    p("Columns: `samples/s` = epochs × training rows / training seconds (PyTorch: its epochs loop "
      "alone; hpml: `loop_seconds` of `hpml train --json`, its epochs alone; the details below "
      "also give hpml's rate over its whole training call, preparing the inputs included). `setting` the PyTorch environment that was faster for this batch size "
      "(`default` or `passive` = OMP_WAIT_POLICY=PASSIVE). `×PyTorch` = hpml samples/s / PyTorch's "
      "(> 1: hpml faster). `RMSE` on the test rows, target units; `ΔRMSE` = hpml / PyTorch − 1. "
      "`RSS MB` whole-process peak (wait4): PyTorch = its one process per thread setting (reads both "
      "files, trains every batch size), hpml = the `hpml train` process; `RSS ×` = hpml / PyTorch. "
      "`other` CPU used by other processes during the run, in cores (PyTorch: over its whole "
      "process; `!` above 0.1: times inflated). Bars: S speed ≥ "
      f"{BAR_SPEED}× PyTorch's best, Q RMSE ≤ {1 + BAR_RMSE:.2f}× PyTorch's, R RSS ≤ PyTorch's.")

    # every PyTorch setting
    if torch_proc:
        p("")
        p("PyTorch, every setting:")
        p("")
        p("| thr | setting | batch | samples/s | GFLOP/s | train s | RMSE | RMSE of mean | read s "
          "| RSS MB | self MB | other |")
        p("|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for nt in threads:
            for w in waits_of.get(nt, []):
                proc = torch_proc[(nt, w)]
                if proc.get("status") != 0:
                    p(f"| {nt} | {w} | — | FAILED |" + " |" * 8)
                    continue
                for b in batches:
                    c = summarize_torch(nt, w, b, proc, torch_runs.get((nt, w, b)))
                    if c.get("failed"):
                        continue
                    p(f"| {nt} | {w} | {b} | {c['sps']:,.0f} | {f(c['gflops'], '.1f')} "
                      f"| {c['train']:.2f} | {c['rmse']:.4f} | {f(c['rmse_mean'], '.4f')} "
                      f"| {f(c['read'], '.1f')} | {c['rss']:.0f} | {c['self']:.0f} "
                      f"| {f(c['other'], '.2f')} |")
        p("")
        p("`self MB`: the process's own ru_maxrss after that batch size's training (the whole-"
          "process peak includes reading the test file). `RMSE of mean`: predicting the training "
          "mean for every test row.")

    hp = [(k, v[0]) for k, v in sorted(rows.items()) if v[0] and not v[0].get("failed")]
    if hp:
        p("")
        p("hpml, details:")
        p("")
        p("| batch | thr | train s | epochs s | samples/s | incl. prep | GFLOP/s | read s | RSS MB "
          "| self MB | model MB | RMSE eval | RMSE from preds |")
        p("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for (b, nt), s in hp:
            p(f"| {b} | {nt} | {f(s['train'], '.2f')} | {f(s['loop'], '.2f')} "
              f"| {f(s['sps'], ',.0f')} | {f(s['sps_all'], ',.0f')} | {f(s['gflops'], '.1f')} "
              f"| {f(s['read'], '.1f')} | {s['rss']:.0f} | {f(s['self'], '.0f')} "
              f"| {f(None if s['model_bytes'] is None else s['model_bytes'] / MB, '.1f')} "
              f"| {f(s['rmse'], '.4f')} | {f(s['score'], '.4f')} |")

    if ceiling:
        p("")
        p("The matrix products alone (bench/gemm_ceiling.c: the sgemm calls of one training step "
          "as hpml makes them, OpenBLAS on the same threads, nothing else; best of 5 × 1 s): "
          "no MLP whose products are OpenBLAS's sgemm can be faster. `% of it` = samples/s / "
          f"its samples/s; `{BAR_SPEED}× PyTorch needs` the share of it that hpml would have to "
          "reach, every other part of a step (bias, activation, optimizer, loss, the batch's "
          "gather) included.")
        p("")
        p(f"| batch | thr | products alone samples/s | GFLOP/s | hpml % of it | PyTorch best % of it "
          f"| {BAR_SPEED}× PyTorch needs |")
        p("|--:|--:|--:|--:|--:|--:|--:|")
        for (b, nt), c in sorted(ceiling.items()):
            s, x = rows.get((b, nt), (None, None))
            cs = num(c.get("samples_per_s"))
            hs = s["sps"] if s and not s.get("failed") else None
            ts = x["sps"] if x and not x.get("failed") else None
            pct = (lambda v: f(None if v is None or not cs else 100 * v / cs, '.0f'))
            p(f"| {b} | {nt} | {f(cs, ',.0f')} | {f(num(c.get('gflops')), '.1f')} | {pct(hs)} "
              f"| {pct(ts)} | {pct(None if ts is None else BAR_SPEED * ts)} |")

    # bars
    p("")
    p(f"Bars (issue; informational): hpml ≥ {BAR_SPEED}× PyTorch's best setting at every batch "
      f"size and thread count; hpml on 2 threads faster than on 1 at every batch size; test RMSE "
      f"≤ PyTorch's × {1 + BAR_RMSE:.2f} (better passes); peak RSS ≤ PyTorch's.")
    both = {k: v for k, v in rows.items() if v[0] and not v[0].get("failed") and v[1]}
    if not both:
        why = meta.get("hpml_why") if meta and not meta.get("hpml_available", True) else \
            "no configuration with both hpml and PyTorch results"
        p(f"BARS: not checked ({why})")
    else:
        def pm(ok):
            return "PASS" if ok else "MISS"
        incomplete = len(both) < len(rows)
        sp = {k: ratio(s["sps"], x["sps"]) for k, (s, x) in both.items()}
        worst = min(sp, key=lambda k: sp[k] if sp[k] is not None else -1)
        speed_ok = all(v is not None and v >= BAR_SPEED for v in sp.values())
        p(f"BARS speed: {pm(speed_ok)} — hpml/PyTorch best "
          + ", ".join(f"b{b}/t{nt} {f(sp[(b, nt)], '.2f')}×" for b, nt in sorted(sp))
          + f"; worst b{worst[0]}/t{worst[1]}")
        scal = []
        for b in batches:
            s1, s2 = rows.get((b, 1), (None,))[0], rows.get((b, 2), (None,))[0]
            if s1 and s2 and not s1.get("failed") and not s2.get("failed") and s1["sps"] and s2["sps"]:
                scal.append((b, s2["sps"] / s1["sps"]))
        if scal:
            p(f"BARS 2 threads > 1 thread: {pm(all(r > 1 for _, r in scal))} — hpml t2/t1 "
              + ", ".join(f"b{b} {r:.2f}×" for b, r in scal))
        else:
            p("BARS 2 threads > 1 thread: not checked (hpml not run at both 1 and 2 threads)")
        dr = {k: ratio(s["rmse"], x["rmse"]) for k, (s, x) in both.items()}
        rmse_ok = all(v is not None and v <= 1 + BAR_RMSE for v in dr.values())
        p(f"BARS RMSE: {pm(rmse_ok)} — hpml/PyTorch − 1: "
          + ", ".join(f"b{b}/t{nt} {f(None if dr[(b, nt)] is None else 100 * (dr[(b, nt)] - 1), '+.1f')}%"
                      for b, nt in sorted(dr)))
        rr = {k: ratio(s["rss"], x["rss"]) for k, (s, x) in both.items()}
        rss_ok = all(v is not None and v <= 1.0 for v in rr.values())
        p(f"BARS RSS: {pm(rss_ok)} — hpml/PyTorch "
          + ", ".join(f"b{b}/t{nt} {f(rr[(b, nt)], '.2f')}×" for b, nt in sorted(rr)))
        p(f"BARS: speed {pm(speed_ok)}; 2 threads > 1 "
          f"{pm(bool(scal) and all(r > 1 for _, r in scal)) if scal else 'not checked'}; "
          f"RMSE {pm(rmse_ok)}; RSS {pm(rss_ok)}"
          + (" (incomplete: some configurations lack hpml or PyTorch results)" if incomplete else "")
          + (f" (times unreliable: other load up to {worst_other:.2f} cores)"
             if worst_other > OTHER_WARN else ""))
    for n in notes:
        p(f"NOTE {n}")
    if worst_other > OTHER_WARN:
        p(f"WARNING: other processes used up to {worst_other:.2f} cores during a run; times are "
          f"inflated (the machine has {os.cpu_count()} cores). Rerun when the machine is idle.")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
