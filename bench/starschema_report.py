#!/usr/bin/env python3
"""Markdown table and JSON summary for bench/starschema.sh.

    starschema_report.py RAW.jsonl SUMMARY.json     (the table on stdout)

Tools: `join` hpml trained through --join (factorised: the join is never
materialised); `mat` hpml on the materialised join (a CSV with one row per
response); `xgboost` XGBoost hist on the materialised join (a float32 array
in memory). MB = 10^6 bytes. Standard library only.

Columns:
  wall s     the whole training process (measure.py): hpml `train` (read the
             CSVs, bin, train, write the model); XGBoost's one process (read,
             materialise, DMatrix, train, then predict the test rows:
             `predict s` of it)
  read s     parsing the input inside the process (hpml read_seconds;
             XGBoost: the fact file and dimension tables with pandas)
  join s     XGBoost: building the float32 array of the materialised join
  train s    training inside the process: hpml train_seconds (binning
             included); XGBoost DMatrix construction + xgboost.train (its
             sketch and bin index are built inside train)
  RSS MB     peak RSS of that process (wait4)
  RMSE       test RMSE: hpml `eval --json` on the test fact rows (with the same
             --join, or the materialised test CSV); XGBoost from its predictions
Bars (from the issue), printed as PASS/MISS; informational:
  tgsa   T: XGBoost train s / hpml --join train s >= 5
         R: XGBoost RSS / hpml --join RSS >= 20
         Q: |RMSE hpml --join - RMSE XGBoost| / RMSE XGBoost <= 1%
  synth  hpml --join trains (100 trees, depth 8, 2 threads) with wall s < 600
         and peak RSS < 4 GB (4 x 10^9 bytes)
"""
import json
import os
import sys
import time

from report_common import f, find, machine, other_cores, ratio

MB = 1e6
MIB = 1048576.0
TOOLS = ("join", "mat", "xgboost")
TOOL_NAMES = {"join": "hpml --join (factorised)", "mat": "hpml, materialised CSV",
              "xgboost": "XGBoost hist, materialised"}
BAR_TIME, BAR_RSS, BAR_RMSE = 5.0, 20.0, 0.01
BAR_SYNTH_WALL, BAR_SYNTH_RSS = 600.0, 4e9
OTHER_WARN = 0.1


def load(path):
    meta, floor, recs = {}, None, {}
    with open(path) as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            label = r.get("label", "")
            if label == "meta":
                meta = r
            elif label == "floor":
                floor = r
            else:
                recs[label] = r
    return meta, floor, recs


def num(x):
    return x if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def summarize(recs, ds, tool):
    """One tool on one dataset: a dict of figures, or {"skipped"/"failed": why}."""
    skip = recs.get(f"{ds}/{tool}/skip")
    if skip:
        return {"skipped": skip.get("why", "")}
    if tool == "xgboost":
        r = recs.get(f"{ds}/xgboost/run")
        if r is None:
            return None
        if r.get("status") != 0 or "stdout" not in r:
            why = recs.get(f"{ds}/xgboost/run/why", {}).get("why", f"status {r.get('status')}")
            return {"failed": why, "wall": r.get("wall_s"), "rss": r.get("maxrss_kib", 0) * 1024 / MB}
        o = r["stdout"]
        build, train = num(o.get("build_seconds")), num(o.get("train_seconds"))
        return {
            "wall": r["wall_s"], "rss": r["maxrss_kib"] * 1024 / MB,
            "self": (num(o.get("train_peak_rss_mib")) or 0) * MIB / MB or None,
            "read": num(o.get("read_seconds")), "join": num(o.get("join_seconds")),
            "build": build, "train_only": train,
            "train": None if build is None or train is None else build + train,
            "predict": num(o.get("predict_seconds")), "rmse": num(o.get("rmse")),
            "n_train": o.get("n_train"), "n_test": o.get("n_test"),
            "features": o.get("n_features"), "version": o.get("version"),
            "other": other_cores(r), "join_f32_bytes": o.get("join_f32_bytes"),
        }
    tr = recs.get(f"{ds}/{tool}/train")
    if tr is None:
        return None
    if tr.get("status") != 0:
        why = recs.get(f"{ds}/{tool}/train/why", {}).get("why", f"status {tr.get('status')}")
        return {"failed": why, "wall": tr.get("wall_s"), "rss": tr.get("maxrss_kib", 0) * 1024 / MB}
    o = tr.get("stdout", {})
    ev = recs.get(f"{ds}/{tool}/eval")
    rmse, eval_why = None, None
    if ev and ev.get("status") == 0:
        rmse = num(find(ev.get("stdout", {}), "rmse"))
    else:
        eval_why = recs.get(f"{ds}/{tool}/eval/why", {}).get("why", "eval did not run")
    model = recs.get(f"{ds}/{tool}/model", {}).get("bytes")
    return {
        "wall": tr["wall_s"], "rss": tr["maxrss_kib"] * 1024 / MB,
        "self": (num(find(o, "peak_rss_mib")) or 0) * MIB / MB or None,
        "read": num(find(o, "read_seconds")), "join": None,
        "train": num(find(o, "train_seconds")), "rmse": rmse, "eval_why": eval_why,
        "n_train": o.get("n_train"), "n_test": (ev or {}).get("stdout", {}).get("rows"),
        "features": o.get("n_features"), "other": other_cores(tr),
        "eval_wall": ev.get("wall_s") if ev else None,
        "model_bytes": int(model) if model and str(model).isdigit() else None,
    }


def rel(a, b):
    return None if a is None or b is None or b == 0 else (a - b) / b


def mark(ok):
    return "—" if ok is None else ("PASS" if ok else "MISS")


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    meta, floor, recs = load(argv[1])
    datasets = meta.get("datasets", "tgsa synth").split()
    out = []
    p = out.append
    p("# Star-schema GBDT: hpml --join (factorised) vs the materialised join")
    p("")
    p(f"{time.strftime('%Y-%m-%d %H:%M')}; {machine()}")
    p(f"load average before {os.environ.get('BENCH_LOAD_BEFORE', '?')}, "
      f"after {os.environ.get('BENCH_LOAD_AFTER', '?')}")
    if meta:
        p(f"Settings (every tool): learning rate {meta.get('lr')}, depthwise max_depth "
          f"{meta.get('max_depth')}, max_bin {meta.get('max_bin')}, no subsampling, lambda 1, "
          f"min_child_weight 1, {meta.get('threads')} threads; {meta.get('trees_tgsa')} trees on "
          f"tgsa, {meta.get('trees_synth')} on synth. Split of the fact rows: seed "
          f"{meta.get('split_seed')}, test {float(meta.get('tgsa_test', 0)):.0%} (tgsa), "
          f"{float(meta.get('synth_test', 0)):.0%} (synth). Synth: {meta.get('synth')}."
          + (f" GOMP_SPINCOUNT={meta['gomp_spincount']} for every tool."
             if meta.get("gomp_spincount") else ""))
    if floor:
        p(f"RSS floor (helper charged at exec, /bin/true): {floor['maxrss_kib'] * 1024 / MB:.0f} MB.")
    p("")
    p("| dataset | tool | train / test rows | features | wall s | read s | join s | train s "
      "| RSS MB | RMSE | other |")
    p("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    summary = {"generated": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": machine(),
               "settings": meta, "datasets": {}, "bars": []}
    notes, warn = [], False
    for ds in datasets:
        if f"{ds}/skip" in recs:
            p(f"| {ds} | — | | | | | | | | | skipped: {recs[f'{ds}/skip'].get('why')} |")
            summary["datasets"][ds] = {"skipped": recs[f"{ds}/skip"].get("why")}
            continue
        size = {}
        if f"{ds}/size" in recs:
            try:
                size = json.loads(recs[f"{ds}/size"].get("json", "{}"))
            except ValueError:
                pass
        res = {t: summarize(recs, ds, t) for t in TOOLS}
        try:
            size_all = json.loads(recs.get(f"{ds}/size", {}).get("all", "{}"))
        except ValueError:
            size_all = {}
        summary["datasets"][ds] = {"tools": res, "materialised_train_f32_bytes": size.get("f32_bytes"),
                                   "materialised_all_f32_bytes": size_all.get("f32_bytes")}
        for t in TOOLS:
            s = res[t]
            if s is None:
                continue
            if "skipped" in s:
                p(f"| {ds} | {TOOL_NAMES[t]} | | | | | | | | | skipped: {s['skipped']} |")
                continue
            if "failed" in s:
                p(f"| {ds} | {TOOL_NAMES[t]} | | | {f(s.get('wall'), '.1f')} | | | | "
                  f"{f(s.get('rss'), ',.0f')} | FAILED | {s['failed']} |")
                continue
            oc = s.get("other")
            flag = "!" if oc is not None and oc > OTHER_WARN else ""
            warn |= bool(flag)
            rows = f"{s['n_train']:,} / {s['n_test']:,}" if s.get("n_train") and s.get("n_test") else "—"
            feats = f"{s['features']:,}" if s.get("features") else "—"
            p(f"| {ds} | {TOOL_NAMES[t]} | {rows} | {feats} | {f(s['wall'], '.1f')} | "
              f"{f(s.get('read'), '.2f')} | {f(s.get('join'), '.2f')} | {f(s.get('train'), '.1f')} | "
              f"{f(s['rss'], ',.0f')} | {f(s.get('rmse'), '.4f')} | {f(oc, '.2f')}{flag} |")
            if s.get("eval_why"):
                notes.append(f"{ds} {TOOL_NAMES[t]}: eval failed: {s['eval_why']}")
            if t == "xgboost":
                notes.append(f"{ds} XGBoost {s.get('version')}: train s = DMatrix "
                             f"{f(s.get('build'), '.1f')} s + xgboost.train {f(s.get('train_only'), '.1f')} s; "
                             f"its wall s includes predicting the test rows ({f(s.get('predict'), '.1f')} s); "
                             f"the float32 array of the join was {s['join_f32_bytes'] / MB:,.0f} MB.")
        # ratios against hpml --join
        j, x, m = res["join"], res["xgboost"], res["mat"]
        ok = lambda s: s is not None and "skipped" not in s and "failed" not in s
        rat = {}
        if ok(j) and ok(x):
            rat = {"time_train": ratio(x["train"], j["train"]),
                   "time_wall": ratio(x["wall"] - (x.get("predict") or 0), j["wall"]),
                   "rss": ratio(x["rss"], j["rss"]),
                   "rmse_rel_diff": rel(j["rmse"], x["rmse"])}
            p(f"| {ds} | **XGBoost / hpml --join** | | | {f(rat['time_wall'], '.1f')}× | | | "
              f"**{f(rat['time_train'], '.1f')}×** | **{f(rat['rss'], '.1f')}×** | "
              f"**{f(None if rat['rmse_rel_diff'] is None else 100 * rat['rmse_rel_diff'], '+.2f')}%** | |")
        if ok(j) and ok(m):
            rm = {"time_train": ratio(m["train"], j["train"]), "time_wall": ratio(m["wall"], j["wall"]),
                  "rss": ratio(m["rss"], j["rss"]), "rmse_rel_diff": rel(j["rmse"], m["rmse"])}
            rat["vs_mat"] = rm
            p(f"| {ds} | hpml materialised / hpml --join | | | {f(rm['time_wall'], '.1f')}× | | | "
              f"{f(rm['time_train'], '.1f')}× | {f(rm['rss'], '.1f')}× | "
              f"{f(None if rm['rmse_rel_diff'] is None else 100 * rm['rmse_rel_diff'], '+.2f')}% | |")
        summary["datasets"][ds]["ratios"] = rat
        # bars
        bars = summary["bars"]
        if ds == "tgsa":
            have = ok(j) and ok(x)
            def bar(name, value, cmp, thr, text):
                passed = None if value is None else (value >= thr if cmp == ">=" else value <= thr)
                bars.append({"dataset": ds, "bar": name, "value": value, "threshold": f"{cmp} {thr}",
                             "pass": passed, "text": text})
            bar("speed: XGBoost train s / hpml --join train s", rat.get("time_train") if have else None,
                ">=", BAR_TIME, f"{f(rat.get('time_train'), '.1f')}× (whole process "
                f"{f(rat.get('time_wall'), '.1f')}×)")
            bar("memory: XGBoost peak RSS / hpml --join peak RSS", rat.get("rss") if have else None,
                ">=", BAR_RSS, f"{f(rat.get('rss'), '.1f')}×")
            d = rat.get("rmse_rel_diff") if have else None
            bar("quality: |RMSE hpml --join / RMSE XGBoost - 1|", None if d is None else abs(d),
                "<=", BAR_RMSE, f"{f(None if d is None else 100 * d, '+.2f')}% "
                f"({f(j.get('rmse') if j else None, '.4f')} vs {f(x.get('rmse') if x else None, '.4f')})")
        elif ds == "synth":
            trains = ok(j)
            bars.append({"dataset": ds, "bar": "hpml --join trains", "value": trains,
                         "threshold": "completes", "pass": trains if j is not None else None,
                         "text": "yes" if trains else f"no: {(j or {}).get('failed', 'not run')}"})
            w = j.get("wall") if trains else None
            bars.append({"dataset": ds, "bar": "wall s of hpml train", "value": w, "threshold": "< 600",
                         "pass": None if w is None else w < BAR_SYNTH_WALL,
                         "text": f"{f(w, '.0f')} s"})
            r = j.get("rss") if trains else None
            bars.append({"dataset": ds, "bar": "peak RSS of hpml train", "value": r,
                         "threshold": "< 4 GB", "pass": None if r is None else r * MB < BAR_SYNTH_RSS,
                         "text": f"{f(r, ',.0f')} MB"})
    p("")
    p("Ratios (bold: the bars) are XGBoost / hpml --join: > 1 means hpml --join is faster or "
      "smaller; `wall s` ratio excludes XGBoost's test prediction. RMSE: hpml --join relative to "
      "the other tool (negative: hpml --join lower).")
    for n in notes:
        p(f"- {n}")
    p("")
    for b in summary["bars"]:
        p(f"BAR {b['dataset']}: {b['bar']} {b['threshold']}: {b['text']} — {mark(b['pass'])}")
    p("BARS: " + " ".join(f"{b['dataset']}:{mark(b['pass'])}" for b in summary["bars"]))
    if warn:
        p("")
        p("WARNING: other processes used more than 0.1 cores during a run marked `!`; its times "
          "are inflated. Rerun when the machine is idle.")
    with open(argv[2] + ".tmp", "w") as fh:
        json.dump(summary, fh, indent=1, default=str)
        fh.write("\n")
    os.replace(argv[2] + ".tmp", argv[2])
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
