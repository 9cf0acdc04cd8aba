#!/usr/bin/python3
"""check_compare.py DATA.csv OUTDIR [--group-col COL] [--failed NAME ...]

Checks an `hpml compare` output directory against the data it was run on:
  - every model was scored on the same test rows (compare.json test_lines);
  - k folds: the folds' test rows are disjoint and cover every data row;
    a group split: no group value is both in the test rows and outside them;
  - every metric in compare.json equals the metric recomputed with
    scikit-learn / scipy from the written predictions_NAME.csv (1e-6), and a
    model's value is the mean of its folds' values;
  - the models named with --failed are reported failed, the others ok, with
    their model files present.
Prints "PASS name" / "FAIL name: why" lines (tests/run.sh counts them).
"""
import csv
import json
import math
import os
import sys

import numpy as np
from scipy import stats
from sklearn import metrics as skm

args = sys.argv[1:]
data, out = args[0], args[1]
group_col = None
failed = set()
i = 2
while i < len(args):
    if args[i] == "--group-col":
        group_col = args[i + 1]
        i += 2
    elif args[i] == "--failed":
        failed.add(args[i + 1])
        i += 2
    else:
        sys.exit(f"check_compare.py: unknown argument {args[i]}")

label = os.path.basename(out.rstrip("/"))
n_fail = 0


def check(name, ok, why=""):
    global n_fail
    if ok:
        print(f"PASS compare_{label}_{name}")
    else:
        n_fail += 1
        print(f"FAIL compare_{label}_{name}: {why}")


with open(os.path.join(out, "compare.json")) as f:
    cj = json.load(f)
with open(data, newline="") as f:
    rows = list(csv.DictReader(f))
# data row i is on line i + 2 (a header line, no line breaks inside fields)
line_of = {i + 2: r for i, r in enumerate(rows)}

models = cj["models"]
folds = cj["split"]["folds"]

# the same test rows for every model
ref = [fo["test_lines"] for fo in models[0]["folds"]]
check("same_test_rows", all([fo["test_lines"] for fo in m["folds"]] == ref for m in models),
      "test_lines differ between models")
check("test_rows_counted", [len(t) for t in ref] == [r["test"] for r in cj["split"]["rows"]],
      "test_lines do not match the split's row counts")
alltest = [l for t in ref for l in t]
if folds > 1:
    check("folds_disjoint_covering",
          len(alltest) == len(set(alltest)) and set(alltest) == set(line_of),
          f"{len(alltest)} test rows, {len(set(alltest))} distinct, data has {len(line_of)}")
if group_col:
    for k, t in enumerate(ref):
        inside = {line_of[l][group_col] for l in t}
        outside = {r[group_col] for l, r in line_of.items() if l not in set(t)}
        check(f"groups_disjoint_fold{k + 1}", not (inside & outside),
              f"groups in and out of the test rows: {sorted(inside & outside)[:5]}")

# metrics recomputed from the predictions
task = cj["data"]["task"]
names = cj["metrics"]


def recompute(rows_):
    if task == "regression":
        y = np.array([float(r["true"]) for r in rows_])
        p = np.array([float(r["predicted"]) for r in rows_])
        return {"r2": skm.r2_score(y, p), "rmse": math.sqrt(skm.mean_squared_error(y, p)),
                "mae": skm.mean_absolute_error(y, p), "pearson": stats.pearsonr(y, p)[0],
                "spearman": stats.spearmanr(y, p)[0]}
    classes = [c["label"] for c in cj["data"]["classes"]]
    y = np.array([classes.index(r["true"]) for r in rows_])
    prob = np.array([[float(r["prob_" + c]) for c in classes] for r in rows_])
    pred = np.array([classes.index(r["predicted"]) for r in rows_])
    if len(classes) == 2:
        auc = skm.roc_auc_score(y, prob[:, 1])
    else:
        auc = skm.roc_auc_score(y, prob, multi_class="ovr", average="macro")
    return {"auc": auc,
            "logloss": skm.log_loss(y, np.clip(prob, 1e-15, 1 - 1e-15), labels=range(len(classes))),
            "accuracy": skm.accuracy_score(y, pred),
            "macro_f1": skm.f1_score(y, pred, average="macro", zero_division=0)}


def close(a, b):
    return a is not None and abs(a - b) <= 1e-6 * max(1.0, abs(b))


for m in models:
    name = m["name"]
    if name in failed:
        check(f"{name}_failed", m["status"] == "failed" and m["error"],
              f"status {m['status']}")
        continue
    check(f"{name}_ok", m["status"] == "ok", f"status {m['status']}: {m['error']}")
    if m["status"] != "ok":
        continue
    with open(os.path.join(out, f"predictions_{name}.csv"), newline="") as f:
        pr = list(csv.DictReader(f))
    bad = []
    for k, fo in enumerate(m["folds"]):
        mine = [r for r in pr if int(r["fold"]) == k + 1]
        if [int(r["line"]) for r in mine] != fo["test_lines"]:
            bad.append(f"fold {k + 1}: prediction lines are not the test lines")
            continue
        ref_m = recompute(mine)
        for mt in names:
            if not close(fo["metrics"][mt], ref_m[mt]):
                bad.append(f"fold {k + 1} {mt}: compare.json {fo['metrics'][mt]}, recomputed {ref_m[mt]}")
        if not os.path.exists(os.path.join(out, fo["model_file"])):
            bad.append(f"model file {fo['model_file']} missing")
    for mt in names:
        mean = sum(fo["metrics"][mt] for fo in m["folds"]) / folds
        if not close(m["metrics"][mt]["value"], mean):
            bad.append(f"{mt}: value {m['metrics'][mt]['value']} is not the folds' mean {mean}")
    check(f"{name}_metrics_recomputed", not bad, "; ".join(bad[:4]))

sys.exit(0)
