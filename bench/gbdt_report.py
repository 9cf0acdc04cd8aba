#!/usr/bin/env python3
"""Markdown table for bench/gbdt.sh, from the JSON lines in gbdt_results.jsonl.

    gbdt_report.py RAW.jsonl

One row per dataset x growth policy x threads x tool; ratios against
XGBoost in the same configuration; the bars from the issue marked pass/MISS
(informational). MB = 10^6 bytes. Standard library only.

Where each figure comes from:
  train s     training alone, timed inside the process (anchors: the
              xgboost.train / fit call; hpml: "train_seconds" of its JSON);
              median over runs
  RSS MB      peak RSS of the whole process (os.wait4 in measure.py): for the
              anchors the process that reads both CSVs, trains and predicts;
              for hpml the `hpml train` process. Max over runs. This is the
              figure the RSS bar uses.
  self MB     the process's own figure: anchors ru_maxrss right after
              training (before the test file is read); hpml "peak_rss_mib"
  metric      test AUC (binary) / RMSE (regression): anchors computed with
              scikit-learn; hpml from `hpml eval --json`, cross-checked
              against the metric recomputed here from its predictions file
  predict s   prediction of the test rows alone (XGBoost: the faster of
              predict(DMatrix) and inplace_predict)
"""
import json
import os
import statistics
import sys
import time

from report_common import f, find, machine, other_cores, ratio

MB = 1e6
MIB = 1048576.0
TOOLS = ["hpml", "xgboost", "sklearn"]
TOOL_NAMES = {"hpml": "hpml", "xgboost": "XGBoost", "sklearn": "sklearn HGB"}
# issue bars: hpml / XGBoost, checked on the generated sets at 2 threads
BAR_TIME, BAR_RSS, BAR_AUC, BAR_RMSE, BAR_PRED = 0.5, 0.5, 0.002, 0.01, 2.0
BAR_SETS = ("binary", "regression")
OTHER_WARN = 0.1


def load(path):
    meta, floor, runs = {}, None, {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            label = rec.get("label", "")
            if label == "meta":
                meta = rec
                continue
            if label == "floor":
                floor = rec
                continue
            parts = label.split("/")
            if len(parts) < 4:
                continue
            ds, policy, nt, tool = parts[0], parts[1], int(parts[2].lstrip("t")), parts[3]
            key = (ds, policy, nt, tool)
            lst = runs.setdefault(key, [])
            if tool != "hpml":
                lst.append({"main": rec})
            elif parts[4] == "train" or not lst:
                lst.append({parts[4]: rec})
            else:
                lst[-1][parts[4]] = rec
    return meta, floor, runs


def summarize_anchor(runs):
    ok = [r["main"] for r in runs if r["main"].get("status") == 0 and "stdout" in r["main"]]
    if not ok:
        return {"failed": True}
    outs = [r["stdout"] for r in ok]
    preds = [min(x for x in (o.get("predict_seconds"), o.get("predict_inplace_seconds")) if x is not None)
             for o in outs]
    o = outs[0]
    return {
        "train": statistics.median(o2["train_seconds"] for o2 in outs),
        "rss": max(r["maxrss_kib"] for r in ok) * 1024 / MB,
        "self": max(o2["train_peak_rss_mib"] for o2 in outs) * MIB / MB,
        "metric": o["metric"], "value": o["value"],
        "predict": statistics.median(preds),
        "n_test": o.get("n_test"),
        "n_train": o.get("n_train"),
        "version": o.get("version"),
        "other": max((other_cores(r) or 0.0) for r in ok),
        "leaves": o.get("n_leaves_total"),
        "runs": len(ok),
    }


def summarize_hpml(runs, task_of):
    good = []
    for r in runs:
        tr, pr, ev = r.get("train"), r.get("predict"), r.get("eval")
        if not tr or tr.get("status") != 0 or not pr or pr.get("status") != 0 or \
                not ev or ev.get("status") != 0:
            continue
        good.append(r)
    if not good:
        bad = [k for r in runs for k in ("train", "predict", "eval")
               if r.get(k) and r[k].get("status") != 0]
        return {"failed": True, "what": ",".join(sorted(set(bad))) or "incomplete"}
    def num(x):
        return x if isinstance(x, (int, float)) else None
    trains = [num(find(r["train"].get("stdout", {}), "train_seconds")) for r in good]
    preds = [num(find(r["predict"].get("stdout", {}), "predict_seconds")) for r in good]
    selfs = [num(find(r["train"].get("stdout", {}), "peak_rss_mib")) for r in good]
    ev = good[0]["eval"].get("stdout", {})
    metrics = ev.get("metrics") if isinstance(ev.get("metrics"), dict) else ev
    mname = "auc" if task_of == "binary" else "rmse"
    value = num(find(metrics, mname, mname.upper()))
    score = good[0].get("score", {}).get("stdout", {})
    trains = [t for t in trains if t is not None]
    preds = [p for p in preds if p is not None]
    selfs = [s for s in selfs if s is not None]
    return {
        "train": statistics.median(trains) if trains else None,
        "rss": max(r["train"]["maxrss_kib"] for r in good) * 1024 / MB,
        "self": max(selfs) * MIB / MB if selfs else None,
        "metric": mname, "value": value,
        "predict": statistics.median(preds) if preds else None,
        "predict_rss": max(r["predict"]["maxrss_kib"] for r in good) * 1024 / MB,
        "score": score.get("value"), "score_err": score.get("error"),
        "model_bytes": good[0].get("model", {}).get("model_bytes"),
        "other": max((other_cores(r["train"]) or 0.0) for r in good),
        "runs": len(good),
    }


def bars(s, x):
    """(time ratio, rss ratio, metric ok, predict speed-up) marks for hpml."""
    if s.get("failed") or x is None or x.get("failed"):
        return None
    out = {}
    out["time"] = ratio(s["train"], x["train"])
    out["rss"] = ratio(s["rss"], x["rss"])
    if s["value"] is None or x["value"] is None:
        out["metric_ok"] = None
    elif s["metric"] == "auc":
        out["metric_ok"] = s["value"] >= x["value"] - BAR_AUC
    else:
        out["metric_ok"] = s["value"] <= x["value"] * (1 + BAR_RMSE)
    out["pred"] = ratio(x["predict"], s["predict"])
    return out


def marks(b):
    if b is None:
        return ""
    def m(ok):
        return "—" if ok is None else ("pass" if ok else "MISS")
    return " ".join([
        "T:" + m(None if b["time"] is None else b["time"] <= BAR_TIME),
        "R:" + m(None if b["rss"] is None else b["rss"] <= BAR_RSS),
        "Q:" + m(b["metric_ok"]),
        "P:" + m(None if b["pred"] is None else b["pred"] >= BAR_PRED)])


DS_INFO = {
    "binary": ("binary", "generated, HIGGS-like"),
    "regression": ("regression", "generated"),
    "higgs": ("binary", "higgs_subset"),
    "drug": ("regression", "drug_response_tgsa join"),
}


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    meta, floor, runs = load(argv[1])
    out = []
    p = out.append
    p("# GBDT benchmark: hpml vs XGBoost (hist) and scikit-learn HistGradientBoosting")
    p("")
    p(f"{time.strftime('%Y-%m-%d %H:%M')}; {machine()}")
    p(f"load average before {os.environ.get('BENCH_LOAD_BEFORE', '?')}, "
      f"after {os.environ.get('BENCH_LOAD_AFTER', '?')}")
    if meta:
        p(f"Settings: {meta['trees']} trees, learning rate {meta['lr']}, max_bin {meta['max_bin']}, "
          f"depthwise max_depth {meta['max_depth']} / lossguide max_leaves {meta['max_leaves']} "
          f"(no depth limit), no subsampling; generated sets {meta['rows']:,} train + "
          f"{meta['test_rows']:,} test rows (seed {meta['seed']}); {meta['runs']} run(s) per "
          f"configuration (median time, max RSS)."
          + (f" GOMP_SPINCOUNT={meta['gomp_spincount']} for every tool." if meta.get("gomp_spincount") else ""))
    versions = sorted({(k[3], s.get("version")) for k, s in
                       ((k, summarize_anchor(v)) for k, v in runs.items() if k[3] != "hpml")
                       if s.get("version")})
    if versions:
        p("Anchors: " + ", ".join(f"{TOOL_NAMES[t]} {v}" for t, v in versions) + ".")
    if meta and not meta.get("hpml_available", True) and "hpml" in meta.get("tools", ""):
        p(f"**hpml: not available** ({meta.get('hpml_why')}); its rows are left out.")
    if floor:
        p(f"RSS floor (helper charged at exec, /bin/true): {floor['maxrss_kib'] * 1024 / MB:.0f} MB.")
    p("")
    p("| dataset | growth | thr | tool | train s | RSS MB | self MB | test metric | predict s "
      "| pred krows/s | other | train ×XGB | RSS ×XGB | Δmetric | pred speed ×XGB | bars T R Q P |")
    p("|---|---|--:|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|---|")

    keys = sorted({k[:3] for k in runs},
                  key=lambda k: (list(DS_INFO).index(k[0]) if k[0] in DS_INFO else 9,
                                 k[1] != "depthwise", -k[2]))
    bar_lines = []
    vs_hgb = []
    worst_other = 0.0
    notes = []
    for ds, policy, nt in keys:
        task = DS_INFO.get(ds, ("?", ""))[0]
        summ = {}
        for tool in TOOLS:
            if (ds, policy, nt, tool) in runs:
                r = runs[(ds, policy, nt, tool)]
                summ[tool] = summarize_hpml(r, task) if tool == "hpml" else summarize_anchor(r)
        x = summ.get("xgboost")
        for tool in TOOLS:
            if tool not in summ:
                continue
            s = summ[tool]
            if s.get("failed"):
                p(f"| {ds} | {policy} | {nt} | {TOOL_NAMES[tool]} | FAILED"
                  f"{' (' + s['what'] + ')' if s.get('what') else ''} |" + " |" * 11)
                continue
            worst_other = max(worst_other, s.get("other") or 0.0)
            mname = "AUC" if s["metric"] == "auc" else "RMSE"
            mtxt = f"{mname} {f(s['value'], '.4f')}"
            if tool == "hpml":
                if s.get("score") is not None and s["value"] is not None and \
                        abs(s["score"] - s["value"]) > 1e-4 * max(1.0, abs(s["value"])):
                    mtxt += f" (from preds: {s['score']:.4f})"
                    notes.append(f"{ds}/{policy}/t{nt}: hpml eval says {s['value']:.5f}, "
                                 f"its predictions file gives {s['score']:.5f}")
                elif s.get("score_err"):
                    notes.append(f"{ds}/{policy}/t{nt}: predictions file not checked: {s['score_err']}")
            krows = None if not s.get("predict") or not (x or s).get("n_test") else \
                (x or s)["n_test"] / s["predict"] / 1000
            rt = rr = dm = ps = None
            b = None
            if x and not x.get("failed") and tool != "xgboost":
                rt, rr = ratio(s["train"], x["train"]), ratio(s["rss"], x["rss"])
                dm = None if s["value"] is None or x["value"] is None else s["value"] - x["value"]
                ps = ratio(x["predict"], s["predict"])
                if tool == "hpml":
                    b = bars(s, x)
            dm_spec = "+.4f" if s["metric"] == "auc" else "+.3f"
            p(f"| {ds} | {policy} | {nt} | {TOOL_NAMES[tool]} | {f(s['train'], '.2f')} "
              f"| {f(s['rss'], '.0f')} | {f(s['self'], '.0f')} | {mtxt} | {f(s['predict'], '.3f')} "
              f"| {f(krows, '.0f')} | {f(s.get('other'), '.2f')}{'!' if (s.get('other') or 0) > OTHER_WARN else ''} | {f(rt, '.2f')} | {f(rr, '.2f')} "
              f"| {f(dm, dm_spec)} | {f(ps, '.2f')} | {marks(b)} |")
            if tool == "hpml" and b and ds in BAR_SETS and nt == 2:
                bar_lines.append((ds, policy, b, s, x))
            h = summ.get("sklearn")
            if tool == "hpml" and h and not h.get("failed"):
                vs_hgb.append((ds, policy, nt, ratio(s["train"], h["train"]), ratio(s["rss"], h["rss"]),
                               None if s["value"] is None else s["value"] - h["value"],
                               ratio(h["predict"], s["predict"]), s["metric"]))
    p("")
    p("Columns: `train s` training alone, timed in the process (CSV parsing excluded: anchors time "
      "`xgboost.train` / `fit`, after `pandas.read_csv` and the DMatrix/array are built; hpml "
      "reports `train_seconds` without its CSV read). `RSS MB` whole-process peak (wait4): anchors "
      "= the one process that reads, trains and predicts; hpml = the `hpml train` process. "
      "`self MB` the process's own figure (anchors: ru_maxrss right after training; hpml: its JSON "
      "`peak_rss_mib`). `predict s` predicting the test rows alone (XGBoost: faster of "
      "`predict(DMatrix)` and `inplace_predict`). `other` CPU used by other processes during the "
      "run, in cores (worst run; `!` above 0.1: that row's times are inflated). Ratios are tool / XGBoost in the same configuration; "
      "`pred speed` = XGBoost predict s / tool predict s (> 1: faster than XGBoost); "
      "`Δmetric` = tool − XGBoost.")
    if vs_hgb:
        p("")
        p("hpml / sklearn HGB in the same configuration:")
        p("")
        p("| dataset | growth | thr | train × | RSS × | Δmetric | pred speed × |")
        p("|---|---|--:|--:|--:|--:|--:|")
        for ds, policy, nt, rt, rr, dm, ps, mname in vs_hgb:
            p(f"| {ds} | {policy} | {nt} | {f(rt, '.2f')} | {f(rr, '.2f')} "
              f"| {f(dm, '+.4f' if mname == 'auc' else '+.3f')} | {f(ps, '.2f')} |")
    p("")
    p(f"Bars (issue; hpml vs XGBoost, generated sets, 2 threads; informational): T train time ≤ "
      f"{BAR_TIME}×, R peak RSS ≤ {BAR_RSS}×, Q AUC ≥ XGBoost − {BAR_AUC} / RMSE ≤ XGBoost × "
      f"{1 + BAR_RMSE}, P predict throughput ≥ {BAR_PRED}×.")
    if bar_lines:
        for ds, policy, b, s, x in bar_lines:
            def pm(ok):
                return "PASS" if ok else "MISS"
            q = (f"AUC {s['value']:.4f} vs {x['value']:.4f}" if s["metric"] == "auc"
                 else f"RMSE {s['value']:.4f} vs {x['value']:.4f}") if s["value"] is not None else "metric n/a"
            p(f"BARS {ds}/{policy}/t2: time {f(b['time'], '.2f')}× "
              f"{pm(b['time'] is not None and b['time'] <= BAR_TIME)}; "
              f"RSS {f(b['rss'], '.2f')}× {pm(b['rss'] is not None and b['rss'] <= BAR_RSS)}; "
              f"{q} {pm(bool(b['metric_ok']))}; "
              f"predict {f(b['pred'], '.2f')}× {pm(b['pred'] is not None and b['pred'] >= BAR_PRED)}"
              + (f" (times unreliable: other load up to {max(s['other'] or 0, x['other'] or 0):.2f} cores)"
                 if max(s["other"] or 0, x["other"] or 0) > OTHER_WARN else ""))
    else:
        why = meta.get("hpml_why") if meta and not meta.get("hpml_available", True) else \
            "no hpml run on a generated set at 2 threads with XGBoost alongside"
        p(f"BARS: not checked ({why})")
    for n in notes:
        p(f"NOTE {n}")
    if worst_other > OTHER_WARN:
        p(f"WARNING: other processes used up to {worst_other:.2f} cores during a run; times are "
          f"inflated (the machine has {os.cpu_count()} cores). Rerun when the machine is idle.")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
