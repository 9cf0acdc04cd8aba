#!/usr/bin/python3
"""join_tgsa.py DATA_DIR OUT.csv [--cells N] [--seed S]

The materialised drug-response join of ../shared/data/drug_response_tgsa with
its keys kept, for group-split comparisons: every row of response.csv
(cell_id, drug_id, ln_ic50) joined with its cell's expression (706 genes,
prefixed expr_) and its drug's RDKit descriptors (208, prefixed rdkit_).
--cells N keeps the responses of N cell lines drawn at random (seeded), so a
test can run in seconds; default: all 580. Values with 7 significant digits;
written under a temporary name and renamed.
"""
import argparse
import os

import numpy as np
import pandas as pd

ap = argparse.ArgumentParser()
ap.add_argument("data_dir")
ap.add_argument("out")
ap.add_argument("--cells", type=int, default=0)
ap.add_argument("--seed", type=int, default=0)
a = ap.parse_args()

resp = pd.read_csv(os.path.join(a.data_dir, "response.csv"))
expr = pd.read_csv(os.path.join(a.data_dir, "cell_expression.csv"))
desc = pd.read_csv(os.path.join(a.data_dir, "drug_descriptors_rdkit.csv"))
if a.cells:
    cells = np.sort(resp["cell_id"].unique())
    keep = np.random.default_rng(a.seed).choice(cells, size=a.cells, replace=False)
    resp = resp[resp["cell_id"].isin(keep)]
expr = expr.rename(columns={c: "expr_" + c for c in expr.columns if c != "cell_id"})
desc = desc.rename(columns={c: "rdkit_" + c for c in desc.columns if c != "drug_id"})
j = resp.merge(expr, on="cell_id", how="inner").merge(desc, on="drug_id", how="inner")
assert len(j) == len(resp), "a response without its cell or drug"
j = j.replace([np.inf, -np.inf], np.nan)
tmp = a.out + ".tmp"
j.to_csv(tmp, index=False, float_format="%.7g")
os.replace(tmp, a.out)
print(f"{len(j)} rows x {j.shape[1]} columns")
