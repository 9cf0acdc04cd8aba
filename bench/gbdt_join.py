#!/usr/bin/env python3
"""Materialised drug-response join for bench/gbdt.sh (run with /usr/bin/python3).

    gbdt_join.py DATA_DIR OUT_TRAIN.csv OUT_TEST.csv [--seed 42] [--test-frac 0.2]

DATA_DIR is ../shared/data/drug_response_tgsa. Every row of response.csv
(cell_id, drug_id, ln_ic50; 82,833 rows) joined with its cell's expression
(cell_expression.csv: 706 genes, columns prefixed `expr_`) and its drug's
RDKit descriptors (drug_descriptors_rdkit.csv: 208, prefixed `rdkit_`):
82,833 x 914 features + the target `ln_ic50` (first column). The id columns
are dropped: the joined features identify cell and drug, and every tool then
reads the same all-numeric table. Missing descriptors (8 BCUT2D values of
Oxaliplatin) stay empty fields; +-inf, if any, would become empty too.

Split: a random permutation of the rows (numpy default_rng(seed)), the first
round(test_frac x rows) to the test file, the rest to train; each file keeps
the source order (response.csv is sorted by cell, then drug). A random split
over (cell, drug) pairs: cells and drugs of the test rows also occur in
training, so this measures interpolation, not prediction for a new cell line
or drug. Values are written with 7 significant digits (%.7g): the expression
source has 6, longer descriptor values are rounded, and every tool reads the
same rounded file. Files are written under a temporary name and renamed.
Prints one JSON line of counts. Takes a few minutes (to_csv of 76 M values);
gbdt.sh caches the result.
"""
import argparse
import json
import os

import numpy as np
import pandas as pd


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data_dir")
    ap.add_argument("out_train")
    ap.add_argument("out_test")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--test-frac", type=float, default=0.2)
    a = ap.parse_args()

    d = a.data_dir
    resp = pd.read_csv(os.path.join(d, "response.csv"))
    expr = pd.read_csv(os.path.join(d, "cell_expression.csv"))
    desc = pd.read_csv(os.path.join(d, "drug_descriptors_rdkit.csv"))
    expr = expr.rename(columns={c: "expr_" + c for c in expr.columns if c != "cell_id"})
    desc = desc.rename(columns={c: "rdkit_" + c for c in desc.columns if c != "drug_id"})
    df = resp.merge(expr, on="cell_id", how="inner", validate="many_to_one")
    df = df.merge(desc, on="drug_id", how="inner", validate="many_to_one")
    if len(df) != len(resp):
        raise SystemExit(f"gbdt_join: the join kept {len(df)} of {len(resp)} responses")
    df = df.drop(columns=["cell_id", "drug_id"])
    text = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    if text:
        raise SystemExit(f"gbdt_join: non-numeric columns after the join: {text[:5]}")
    n_inf = int(np.isinf(df.to_numpy(dtype=np.float64)).sum())
    if n_inf:
        df = df.replace([np.inf, -np.inf], np.nan)

    perm = np.random.default_rng(a.seed).permutation(len(df))
    n_test = int(round(a.test_frac * len(df)))
    cols = ["ln_ic50"] + [c for c in df.columns if c != "ln_ic50"]
    for path, idx in ((a.out_test, np.sort(perm[:n_test])), (a.out_train, np.sort(perm[n_test:]))):
        tmp = path + ".tmp"
        df.iloc[idx][cols].to_csv(tmp, index=False, float_format="%.7g", na_rep="")
        os.replace(tmp, path)
    print(json.dumps({"rows": len(df), "features": len(cols) - 1, "train_rows": len(df) - n_test,
                      "test_rows": n_test, "seed": a.seed, "inf_replaced": n_inf,
                      "missing_values": int(df.isna().sum().sum())}))


if __name__ == "__main__":
    main()
