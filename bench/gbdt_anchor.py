#!/usr/bin/env python3
"""Anchors and helpers for bench/gbdt.sh. Run with /usr/bin/python3 (Debian's
xgboost 1.7.4, scikit-learn, numpy, pandas are visible only to it).

    gbdt_anchor.py run --tool xgboost|sklearn --task binary|regression
                       --train F --test F --target COL --policy depthwise|lossguide
                       --threads N [--trees 500 --lr 0.1 --max-bin 255
                       --max-depth 8 --max-leaves 255]
        One configuration in this process; prints one JSON object (stdout).
        bench/gbdt.sh runs it under bench/measure.py, which adds the whole
        process's wall time and peak RSS; one process per configuration, so
        each peak RSS is that configuration's alone.

    gbdt_anchor.py score --task T --test F --target COL --preds F [--label L]
        Metric of a predictions file (hpml's) against the test file, computed
        here with scikit-learn, as a cross-check of `hpml eval`; prints
        {"label": L, "status": 0, "stdout": {...}} like measure.py.

What `run` times (time.perf_counter around exactly these calls):
  read_seconds     pandas.read_csv of the training file (not part of the bars;
                   float32 for XGBoost, float64 for sklearn, which would
                   otherwise copy the array to float64 inside fit)
  build_seconds    xgboost.DMatrix construction (not training); the array is
                   freed right after, so training runs with the DMatrix only
  train_seconds    xgboost.train(...) or HistGradientBoosting*.fit(...) alone;
                   both bin the data inside this call (XGBoost sketches the
                   quantiles on the first iteration), as hpml does in its
                   train_seconds
  predict_seconds  Booster.predict(DMatrix(test)) / predict_proba|predict(X_test)
                   alone; for XGBoost also inplace_predict(X_test) in
                   predict_inplace_seconds (the report uses the faster)
  train_peak_rss_mib  ru_maxrss of this process right after training, before
                   the test file is read: the peak of "read the training CSV,
                   build the matrix, train" — what `hpml train` does in its
                   process. The whole-process peak comes from measure.py.
Threads: the caller sets OMP_NUM_THREADS=N before the interpreter starts
(scikit-learn's OpenMP pool is sized at import); XGBoost also gets nthread=N.
"""
import argparse
import gc
import json
import os
import resource
import sys
import time


def rss_peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def read_xy(path, target, dtype):
    """CSV -> (X C-contiguous, y), both of dtype. The DataFrame is freed."""
    import numpy as np
    import pandas as pd
    df = pd.read_csv(path, dtype=dtype)
    if target not in df.columns:
        raise SystemExit(f"gbdt_anchor: no column {target!r} in {path}")
    y = df.pop(target).to_numpy(dtype=dtype)
    X = np.ascontiguousarray(df.to_numpy(dtype=dtype))
    del df
    gc.collect()
    return X, y


def metric(task, y, pred):
    import numpy as np
    if task == "binary":
        from sklearn.metrics import roc_auc_score
        return "auc", float(roc_auc_score(y, pred))
    return "rmse", float(np.sqrt(np.mean((np.asarray(pred, dtype=np.float64) - y) ** 2)))


def run_xgboost(a, data, rec):
    import numpy as np
    import xgboost as xgb
    rec["version"] = xgb.__version__
    t = time.perf_counter()
    dtrain = xgb.DMatrix(data["X"], label=data["y"], nthread=a.threads)
    rec["build_seconds"] = time.perf_counter() - t
    # the DMatrix holds its own copy: free the array before training, as a
    # memory-conscious user would (XGBoost's peak is then its own)
    data.clear()
    gc.collect()
    params = {
        "objective": "binary:logistic" if a.task == "binary" else "reg:squarederror",
        "tree_method": "hist", "max_bin": a.max_bin, "eta": a.lr,
        "grow_policy": a.policy, "nthread": a.threads, "seed": 0, "verbosity": 1,
    }
    if a.policy == "depthwise":
        params["max_depth"] = a.max_depth
    else:
        params["max_depth"] = 0
        params["max_leaves"] = a.max_leaves
    rec["params"] = json.dumps(params, sort_keys=True)
    t = time.perf_counter()
    bst = xgb.train(params, dtrain, num_boost_round=a.trees)
    rec["train_seconds"] = time.perf_counter() - t
    rec["train_peak_rss_mib"] = rss_peak_mib()
    del dtrain
    gc.collect()

    t = time.perf_counter()
    Xt, yt = read_xy(a.test, a.target, np.float32)
    rec["test_read_seconds"] = time.perf_counter() - t
    dtest = xgb.DMatrix(Xt, nthread=a.threads)
    # Booster.predict first: it caches predictions per DMatrix, so a second
    # call on dtest would be free. inplace_predict does not use that cache.
    t = time.perf_counter()
    pred = bst.predict(dtest)
    rec["predict_seconds"] = time.perf_counter() - t
    t = time.perf_counter()
    pred2 = bst.inplace_predict(Xt)
    rec["predict_inplace_seconds"] = time.perf_counter() - t
    rec["predict_paths_agree"] = bool(np.allclose(pred, pred2, rtol=1e-5, atol=1e-6))
    rec["n_test"] = int(len(yt))
    rec["metric"], rec["value"] = metric(a.task, yt, pred)
    rec["n_leaves_total"] = sum(d.count("leaf=") for d in bst.get_dump())


def run_sklearn(a, data, rec):
    import numpy as np
    import sklearn
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    rec["version"] = sklearn.__version__
    rec["build_seconds"] = 0.0
    kw = dict(max_iter=a.trees, learning_rate=a.lr, max_bins=a.max_bin,
              early_stopping=False, random_state=0)
    if a.policy == "depthwise":
        kw.update(max_depth=a.max_depth, max_leaf_nodes=None)
    else:
        kw.update(max_depth=None, max_leaf_nodes=a.max_leaves)
    model = (HistGradientBoostingClassifier if a.task == "binary"
             else HistGradientBoostingRegressor)(**kw)
    rec["params"] = json.dumps({k: v for k, v in model.get_params().items()
                                if isinstance(v, (int, float, str, type(None)))}, sort_keys=True)
    t = time.perf_counter()
    model.fit(data["X"], data["y"])
    rec["train_seconds"] = time.perf_counter() - t
    rec["train_peak_rss_mib"] = rss_peak_mib()
    data.clear()
    gc.collect()

    t = time.perf_counter()
    Xt, yt = read_xy(a.test, a.target, np.float64)
    rec["test_read_seconds"] = time.perf_counter() - t
    t = time.perf_counter()
    pred = model.predict_proba(Xt)[:, 1] if a.task == "binary" else model.predict(Xt)
    rec["predict_seconds"] = time.perf_counter() - t
    rec["n_test"] = int(len(yt))
    rec["metric"], rec["value"] = metric(a.task, yt, pred)
    rec["n_leaves_total"] = int(sum(p.get_n_leaf_nodes() for it in model._predictors for p in it))


def cmd_run(a):
    rec = {"tool": a.tool, "threads": a.threads, "policy": a.policy, "trees": a.trees,
           "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "")}
    import numpy as np
    # float32 for XGBoost (its DMatrix stores float32); float64 for sklearn,
    # which converts any other dtype to float64 in fit (a second copy)
    t = time.perf_counter()
    X, y = read_xy(a.train, a.target, np.float32 if a.tool == "xgboost" else np.float64)
    rec["read_seconds"] = time.perf_counter() - t
    rec["n_train"], rec["n_features"] = int(X.shape[0]), int(X.shape[1])
    rec["read_peak_rss_mib"] = rss_peak_mib()
    # handed over in a dict the tool function empties, so the arrays can be
    # freed as soon as that tool no longer needs them
    data = {"X": X, "y": y}
    del X, y
    (run_xgboost if a.tool == "xgboost" else run_sklearn)(a, data, rec)
    rec["peak_rss_mib"] = rss_peak_mib()
    print(json.dumps(rec), flush=True)


def cmd_score(a):
    """Best effort: hpml's predictions file format is its own; take the column
    named like a probability of class 1 / a prediction, else the last one."""
    import numpy as np
    import pandas as pd
    y = pd.read_csv(a.test, usecols=[a.target])[a.target].to_numpy(dtype=np.float64)
    p = pd.read_csv(a.preds)
    num = [c for c in p.columns if pd.api.types.is_numeric_dtype(p[c])]
    pick = None
    prefer = (["prob_1", "p_1", "proba_1", "1", "prob", "probability", "p"] if a.task == "binary"
              else []) + ["prediction", "pred", "predicted", "y_pred", "yhat", a.target]
    for name in prefer:
        if name in num:
            pick = name
            break
    if pick is None and num:
        pick = num[-1]
    out = {"preds_columns": ",".join(map(str, p.columns))[:200]}
    if pick is None or len(p) != len(y):
        out["error"] = f"cannot read predictions ({len(p)} rows, test has {len(y)})"
    else:
        out["column"] = pick
        out["metric"], out["value"] = metric(a.task, y, p[pick].to_numpy(dtype=np.float64))
    print(json.dumps({"label": a.label, "status": 0, "stdout": out}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--tool", choices=["xgboost", "sklearn"], required=True)
    r.add_argument("--task", choices=["binary", "regression"], required=True)
    r.add_argument("--train", required=True)
    r.add_argument("--test", required=True)
    r.add_argument("--target", required=True)
    r.add_argument("--policy", choices=["depthwise", "lossguide"], required=True)
    r.add_argument("--threads", type=int, required=True)
    r.add_argument("--trees", type=int, default=500)
    r.add_argument("--lr", type=float, default=0.1)
    r.add_argument("--max-bin", type=int, default=255)
    r.add_argument("--max-depth", type=int, default=8)
    r.add_argument("--max-leaves", type=int, default=255)
    s = sub.add_parser("score")
    s.add_argument("--task", choices=["binary", "regression"], required=True)
    s.add_argument("--test", required=True)
    s.add_argument("--target", required=True)
    s.add_argument("--preds", required=True)
    s.add_argument("--label", default="score")
    a = ap.parse_args()
    {"run": cmd_run, "score": cmd_score}[a.cmd](a)


if __name__ == "__main__":
    main()
