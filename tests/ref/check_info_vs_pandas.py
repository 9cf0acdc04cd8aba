#!/usr/bin/python3
"""Checks `hpml info --json` of a CSV file against pandas.read_csv of the same file.

Usage: check_info_vs_pandas.py FILE INFO_JSON [TARGET]
Prints "PASS name" / "FAIL name" lines (tests/run.sh counts them).
pandas reads with hpml's NA tokens; bool and object dtypes count as categorical.
Min and max must be the float32 rounding of pandas' float64 values exactly; the
mean (hpml accumulates float32 values in double) within 1e-6 of the spread.
"""
import json
import sys

import numpy as np
import pandas as pd

NA = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"]


def main():
    path, info_path = sys.argv[1], sys.argv[2]
    name = path.split("/")[-1]
    info = json.load(open(info_path))
    df = pd.read_csv(path, na_values=NA, keep_default_na=False, low_memory=False)
    problems = []
    if info["rows"] != len(df):
        problems.append(f"rows {info['rows']} vs pandas {len(df)}")
    if info["columns"] != df.shape[1]:
        problems.append(f"columns {info['columns']} vs pandas {df.shape[1]}")
    for col, ci in zip(df.columns, info["column_info"]):
        s = df[col]
        if str(col) != ci["name"]:
            problems.append(f"column name {ci['name']!r} vs pandas {col!r}")
            continue
        numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        want = "numeric" if numeric else "categorical"
        if ci["type"] != want:
            problems.append(f"{col}: type {ci['type']} vs pandas {s.dtype}")
            continue
        if ci["missing"] != int(s.isna().sum()):
            problems.append(f"{col}: missing {ci['missing']} vs pandas {int(s.isna().sum())}")
        if numeric:
            v = s.dropna().to_numpy(dtype=np.float64)
            if len(v) == 0:
                continue
            lo, hi = float(np.float32(v.min())), float(np.float32(v.max()))
            if ci["min"] != lo or ci["max"] != hi:
                problems.append(f"{col}: min/max {ci['min']}/{ci['max']} vs {lo}/{hi}")
            mean32 = v.astype(np.float32).astype(np.float64).mean()
            tol = 1e-6 * (abs(hi - lo) + abs(mean32) + 1e-30)
            if abs(ci["mean"] - mean32) > tol:
                problems.append(f"{col}: mean {ci['mean']} vs {mean32}")
        else:
            if ci["categories"] != int(s.nunique()):
                problems.append(f"{col}: categories {ci['categories']} vs pandas {s.nunique()}")
        if len(problems) > 20:
            break
    print(("FAIL " if problems else "PASS ") + "info_matches_pandas_" + name)
    for p in problems[:20]:
        print("  " + p, file=sys.stderr)


main()
