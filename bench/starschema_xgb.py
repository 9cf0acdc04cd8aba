#!/usr/bin/env python3
"""XGBoost anchor of bench/starschema.sh: the materialised join, in memory.
Run with /usr/bin/python3 (Debian's xgboost 1.7.4, numpy, pandas).

    starschema_xgb.py --train FACT.csv --test FACT.csv --target COL --join KEY=FILE [...]
                      --threads N --trees T [--lr 0.1 --max-bin 255 --max-depth 8]

One process: reads the fact files and the dimension tables (pandas; a text
column becomes ordinal codes in order of first appearance, as hpml encodes
it), materialises the join of the training rows as one float32 array
(rows x features, the features in hpml's order and with hpml's names: see
starschema_data.features), builds the DMatrix from it, frees the array,
trains, then materialises the test rows and predicts them. Prints one JSON
object (stdout); bench/starschema.sh runs it under bench/measure.py, which
adds the process's wall time and peak RSS.

Timed inside (time.perf_counter), in the JSON:
  read_seconds     the fact file and the dimension tables parsed (small)
  join_seconds     the float32 array of the materialised join built by
                   gathering dimension rows (what `pandas.merge` + `to_numpy`
                   would produce, without pandas' intermediate copies)
  build_seconds    xgboost.DMatrix(...) of that array
  train_seconds    xgboost.train(...) alone (the quantile sketch and bin index
                   are built inside it, as hpml's binning is inside its
                   train_seconds)
  predict_seconds  the test rows materialised, DMatrix, Booster.predict
  train_peak_rss_mib  ru_maxrss right after training: the peak of read +
                   join + DMatrix + train (the test rows come later and are
                   smaller)
The array is the materialised join's float32 size exactly; reading the
materialised CSV with pandas instead would add the parser's copies to the
peak, so this is the lean way to give XGBoost the join.
"""
import argparse
import gc
import json
import os
import resource
import time

import numpy as np
import pandas as pd

from starschema_data import features, header, parse_joins


def rss_peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load_dims(fact, target, joins):
    """Per join: (key texts -> row, float32 array of its feature columns)."""
    feats = features(fact, target, joins)
    if any(t < 0 for t, _, _ in feats):
        raise SystemExit("starschema_xgb: the fact table has feature columns; not supported")
    dims = []
    for t, (_, path, fkey) in enumerate(joins):
        cols = header(path)
        names = [cols[i] for tt, i, _ in feats if tt == t]
        df = pd.read_csv(path, dtype={fkey: str}, keep_default_na=False, na_values=[""],
                         float_precision="round_trip")
        keys = pd.Index(df[fkey])
        if not keys.is_unique:
            raise SystemExit(f"starschema_xgb: {path}: repeated keys")
        # a text column (the synthetic set's `lineage`) becomes ordinal codes
        # in order of first appearance, as hpml encodes it (docs/gbdt.md)
        for c in names:
            if not pd.api.types.is_numeric_dtype(df[c]):
                df[c] = pd.factorize(df[c])[0].astype(np.float32)
        dims.append((keys, np.ascontiguousarray(df[names].to_numpy(dtype=np.float32))))
    return feats, dims


def materialise(fact_df, joins, dims):
    """float32 (rows, features) of the fact rows joined to every dimension."""
    n = len(fact_df)
    width = sum(a.shape[1] for _, a in dims)
    X = np.empty((n, width), dtype=np.float32)
    at = 0
    for (key, path, _), (keys, arr) in zip(joins, dims):
        idx = keys.get_indexer(fact_df[key])
        if (idx < 0).any():
            raise SystemExit(f"starschema_xgb: a {key} of the fact rows is not in {path}")
        np.take(arr, idx, axis=0, out=X[:, at:at + arr.shape[1]])
        at += arr.shape[1]
    return X


def read_fact(path, target, joins):
    keys = sorted({k for k, _, _ in joins})
    df = pd.read_csv(path, usecols=keys + [target], dtype={k: str for k in keys},
                     keep_default_na=False)
    return df


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--join", action="append", required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--trees", type=int, required=True)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--max-bin", type=int, default=255)
    ap.add_argument("--max-depth", type=int, default=8)
    a = ap.parse_args()
    import xgboost as xgb

    joins = parse_joins(a.join)
    rec = {"tool": "xgboost", "version": xgb.__version__, "threads": a.threads,
           "trees": a.trees, "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "")}
    t = time.perf_counter()
    feats, dims = load_dims(a.train, a.target, joins)
    fact = read_fact(a.train, a.target, joins)
    y = fact[a.target].to_numpy(dtype=np.float64)
    rec["read_seconds"] = time.perf_counter() - t

    t = time.perf_counter()
    X = materialise(fact, joins, dims)
    rec["join_seconds"] = time.perf_counter() - t
    rec["n_train"], rec["n_features"] = int(X.shape[0]), int(X.shape[1])
    rec["join_f32_bytes"] = int(X.nbytes)
    del fact

    t = time.perf_counter()
    dtrain = xgb.DMatrix(X, label=y.astype(np.float32), nthread=a.threads,
                         feature_names=[n for _, _, n in feats])
    rec["build_seconds"] = time.perf_counter() - t
    del X  # the DMatrix holds its own copy
    gc.collect()
    # base_score: the training mean, which is where hpml starts (XGBoost
    # 1.7's default is 0.5)
    params = {"objective": "reg:squarederror", "tree_method": "hist", "max_bin": a.max_bin,
              "eta": a.lr, "grow_policy": "depthwise", "max_depth": a.max_depth,
              "nthread": a.threads, "seed": 0, "verbosity": 1,
              "base_score": float(y.mean())}
    rec["params"] = json.dumps(params, sort_keys=True)
    t = time.perf_counter()
    bst = xgb.train(params, dtrain, num_boost_round=a.trees)
    rec["train_seconds"] = time.perf_counter() - t
    rec["train_peak_rss_mib"] = rss_peak_mib()
    del dtrain
    gc.collect()

    t = time.perf_counter()
    fact = read_fact(a.test, a.target, joins)
    yt = fact[a.target].to_numpy(dtype=np.float64)
    Xt = materialise(fact, joins, dims)
    pred = bst.predict(xgb.DMatrix(Xt, nthread=a.threads, feature_names=[n for _, _, n in feats]))
    rec["predict_seconds"] = time.perf_counter() - t
    rec["n_test"] = int(len(yt))
    rec["rmse"] = float(np.sqrt(np.mean((pred.astype(np.float64) - yt) ** 2)))
    rec["peak_rss_mib"] = rss_peak_mib()
    print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
