#!/usr/bin/python3
"""Reference fixtures for the GBDT tests, from XGBoost 1.7 (Debian
python3-xgboost, tree_method=hist, max_bin 255) with the parameters the C
tests use. Run from the repo root:

    /usr/bin/python3 tests/ref/gen_gbdt_ref.py

Writes, in tests/fixtures/:
  gbdt_train.csv, gbdt_test.csv  a seeded synthetic regression set (x5 has
      missing values); gbdt_test.csv has XGBoost's test predictions in
      columns xgb_reg (squared error on y) and xgb_prob (logistic on label).
  gbdt_diabetes.csv  scikit-learn's diabetes data (442 x 10, raw units),
      target y, squared error.
  gbdt_cancer.csv    scikit-learn's breast cancer data (569 x 30), target y
      (1 = benign), logistic.
      Both real sets: column test (1 for the held-out quarter; XGBoost trained
      on the rest) and xgb (XGBoost's prediction, every row).
  xgb_cuts.txt  XGBoost's hist cut values for some features (test_bin.c).

Every feature is float32 before XGBoost sees it and is written so it reads
back as the same float32, so both libraries bin the same numbers. base_score
is passed explicitly (XGBoost 1.7 does not estimate it): the training mean,
as hpml takes it by default (for logistic, the mean label, i.e. margin
log(p / (1 - p)), as hpml does).
"""
import json

import numpy as np
import xgboost as xgb
from sklearn.datasets import load_breast_cancer, load_diabetes

FIX = "tests/fixtures/"
COMMON = dict(tree_method="hist", max_bin=255, eta=0.1, max_depth=4, reg_lambda=1.0,
              min_child_weight=1.0, nthread=1, seed=0)
ROUNDS = 100


def fmt(v):
    return "NA" if np.isnan(v) else "%.9g" % v  # 9 digits round-trip a float32


def short(v):
    """Shortest text that reads back as the same float32."""
    return "NA" if np.isnan(v) else np.format_float_positional(np.float32(v), unique=True, trim="-")


def fit(X, y, objective):
    base = float(np.mean(y, dtype=np.float64))
    return xgb.train(dict(COMMON, objective=objective, base_score=base),
                     xgb.DMatrix(X, label=y), num_boost_round=ROUNDS)


def xgb_cuts(x, max_bin):
    """XGBoost's hist cut values of one float32 column, without the last
    one (above the maximum; hpml's last bin is open instead).

    XGBoost 1.7 has no call that returns cuts, but every split condition of
    a hist tree is a cut value, so: fit unlimited loss-guided trees to a label
    strictly increasing in x (its rank among the distinct values) and collect
    the conditions. Every cut separates different labels, so every cut gets
    a split; a few rounds because XGBoost keeps a node's own gain in float,
    which can hide a tiny gain inside a node of large labels in round one."""
    x = np.asarray(x, dtype=np.float32)
    ok = ~np.isnan(x)
    _, rank = np.unique(x[ok], return_inverse=True)
    y = np.zeros(len(x))
    y[ok] = rank
    b = xgb.train(dict(tree_method="hist", max_bin=max_bin, grow_policy="lossguide", max_depth=0,
                       max_leaves=0, eta=1.0, reg_lambda=0.0, min_child_weight=0.5,
                       base_score=float(y.mean()), nthread=1),
                  xgb.DMatrix(x[:, None], label=y), num_boost_round=4)
    cond = set()
    for t in json.loads(b.save_raw("json"))["learner"]["gradient_booster"]["model"]["trees"]:
        cond |= {np.float32(c) for c, left in zip(t["split_conditions"], t["left_children"])
                 if left != -1}
    lo, hi = x[ok].min(), x[ok].max()
    cuts = sorted(c for c in cond if lo < c <= hi)  # not the missing-only splits' conditions
    assert len(cuts) < max_bin
    return cuts


def lcg_values(variant, n):
    """The generator test_bin.c repeats: x' = 6364136223846793005 x +
    1442695040888963407 mod 2^64 from x = 12345, r = x' >> 33; value r % 20011,
    or for variant 1, 0 when r % 3 == 0 (a heavy value)."""
    x, out = 12345, np.empty(n, dtype=np.float32)
    for i in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        r = x >> 33
        out[i] = 0 if variant == 1 and r % 3 == 0 else r % 20011
    return out


# ---------------------------------------------------------------- synthetic
rng = np.random.default_rng(20261122)


def make(n):
    X = rng.normal(size=(n, 6))
    y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * X[:, 3] ** 2 + 0.3 * X[:, 4]
    y += rng.normal(scale=0.1, size=n)
    X[rng.random(n) < 0.1, 5] = np.nan  # a feature with missing values
    X[:, 5] += 0.5 * np.nan_to_num(X[:, 0])
    X = X.astype(np.float32)  # hpml stores float32: give XGBoost the same values
    return X, y.astype(np.float32)


Xtr, ytr = make(3000)
Xte, yte = make(1000)
label_cut = float(np.median(ytr))
btr, bte = (ytr > label_cut).astype(np.float32), (yte > label_cut).astype(np.float32)
pred_reg = fit(Xtr, ytr, "reg:squarederror").predict(xgb.DMatrix(Xte))
pred_prob = fit(Xtr, btr, "binary:logistic").predict(xgb.DMatrix(Xte))


def write_synthetic(path, X, y, b, extra=None):
    with open(path, "w") as f:
        cols = [f"x{j}" for j in range(X.shape[1])] + ["y", "label"]
        if extra is not None:
            cols += ["xgb_reg", "xgb_prob"]
        f.write(",".join(cols) + "\n")
        for i in range(X.shape[0]):
            row = [fmt(v) for v in X[i]] + [fmt(y[i]), str(int(b[i]))]
            if extra is not None:
                row += [fmt(extra[0][i]), fmt(extra[1][i])]
            f.write(",".join(row) + "\n")


write_synthetic(FIX + "gbdt_train.csv", Xtr, ytr, btr)
write_synthetic(FIX + "gbdt_test.csv", Xte, yte, bte, (pred_reg, pred_prob))
print("synthetic: test rmse %.5f" % float(np.sqrt(np.mean((pred_reg - yte) ** 2))))

# ---------------------------------------------------------------- real data
real = {}
for name, data, objective in [
        ("diabetes", load_diabetes(scaled=False), "reg:squarederror"),
        ("cancer", load_breast_cancer(), "binary:logistic")]:
    X = data.data.astype(np.float32)
    y = data.target.astype(np.float32)
    n = len(y)
    test = np.zeros(n, dtype=bool)
    test[np.random.default_rng(7).permutation(n)[: n // 4]] = True
    booster = fit(X[~test], y[~test], objective)
    pred = booster.predict(xgb.DMatrix(X))
    names = [str(s).replace(" ", "_") for s in data.feature_names]
    with open(FIX + f"gbdt_{name}.csv", "w") as f:
        f.write(",".join(names + ["y", "test", "xgb"]) + "\n")
        for i in range(n):
            f.write(",".join([short(v) for v in X[i]] + [short(y[i]), str(int(test[i])),
                                                         short(pred[i])]) + "\n")
    real[name] = (X[~test], names)
    p, t = pred[test], y[test]
    if objective == "reg:squarederror":
        print("%s: test rmse %.5f" % (name, float(np.sqrt(np.mean((p - t) ** 2)))))
    else:
        pc = np.clip(p, 1e-15, 1 - 1e-15)
        print("%s: test logloss %.5f" % (name, float(-np.mean(t * np.log(pc) + (1 - t) * np.log(1 - pc)))))

# ---------------------------------------------------------------- cut values
lines = ["# XGBoost %s hist cut values (the last, above-max one left out), from"
         " tests/ref/gen_gbdt_ref.py" % xgb.__version__,
         "# source column max_bin n_cuts cut...: source is a fixture (its rows with test == 0,"
         " or all rows without a test column) or lcg (values from lcg_values)"]


def add(source, column, max_bin, x):
    cuts = xgb_cuts(x, max_bin)
    lines.append(" ".join([source, column, str(max_bin), str(len(cuts))] + [short(c) for c in cuts]))


Xd, nd = real["diabetes"]
for j in range(Xd.shape[1]):
    for mb in (255, 16):
        add("gbdt_diabetes.csv", nd[j], mb, Xd[:, j])
Xc, nc = real["cancer"]
for j in (0, 1, 3, 4, 7, 13, 20, 27):  # radius, texture, area, smoothness, ...
    for mb in (255, 32):
        add("gbdt_cancer.csv", nc[j], mb, Xc[:, j])
for j in (0, 5):  # 3000 rows: more than a level holds; x5 has missing values
    add("gbdt_train.csv", f"x{j}", 255, Xtr[:, j])
for variant in (0, 1):  # 50000 values: the sketch's levels at work
    for mb in (255, 16):
        add("lcg", str(variant), mb, lcg_values(variant, 50000))
with open(FIX + "xgb_cuts.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
print("xgboost", xgb.__version__, "- wrote", len(lines) - 2, "cut lists")
