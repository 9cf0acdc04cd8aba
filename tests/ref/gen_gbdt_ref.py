#!/usr/bin/python3
"""Reference fixtures for the GBDT tests: a seeded synthetic regression set
(train/test CSVs) and XGBoost 1.7 (Debian python3-xgboost, tree_method=hist)
predictions on the test rows, for squared error and logistic, with the same
parameters the C test uses. Run from the repo root:

    /usr/bin/python3 tests/ref/gen_gbdt_ref.py

Writes tests/fixtures/gbdt_train.csv, gbdt_test.csv (with columns
xgb_reg and xgb_prob: XGBoost's predictions).
"""
import numpy as np
import xgboost as xgb

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

common = dict(tree_method="hist", max_bin=255, eta=0.1, max_depth=4, reg_lambda=1.0,
              min_child_weight=1.0, nthread=1, seed=0)
reg = xgb.train(dict(common, objective="reg:squarederror", base_score=float(ytr.mean())),
                xgb.DMatrix(Xtr, label=ytr), num_boost_round=100)
p = float(btr.mean())
clf = xgb.train(dict(common, objective="binary:logistic", base_score=p),
                xgb.DMatrix(Xtr, label=btr), num_boost_round=100)
pred_reg = reg.predict(xgb.DMatrix(Xte))
pred_prob = clf.predict(xgb.DMatrix(Xte))


def fmt(v):
    return "NA" if np.isnan(v) else "%.9g" % v  # 9 digits round-trip a float32


def write(path, X, y, b, extra=None):
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


write("tests/fixtures/gbdt_train.csv", Xtr, ytr, btr)
write("tests/fixtures/gbdt_test.csv", Xte, yte, bte, (pred_reg, pred_prob))
print("xgboost", xgb.__version__, "test rmse", float(np.sqrt(np.mean((pred_reg - yte) ** 2))))
