#!/usr/bin/python3
"""compare_vs_reference.py DATA.csv OUTDIR --target COL [--ignore a,b] [--tol T]

Is `hpml compare` plausible? Re-runs its split (compare.json: test and
validation lines; training = the other rows) with the reference tools and
matching settings: XGBoost 1.7 (tree_method=hist) for gbdt, a PyTorch MLP
(standardised inputs, missing -> training mean, standardised target, Adam,
the same layers, epochs, batch and lr) for mlp. Prints both tools' test R²
(regression) or AUC (classification) per fold and model, and
"PASS compare_ref_MODEL" when hpml's is within --tol (default 0.05) of the
reference's (mean over folds), "FAIL ..." otherwise. Only numeric features.
"""
import argparse
import json
import os

import numpy as np
import pandas as pd
import torch
import xgboost as xgb
from sklearn import metrics as skm

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("out")
ap.add_argument("--target", required=True)
ap.add_argument("--ignore", default="")
ap.add_argument("--tol", type=float, default=0.05)
a = ap.parse_args()

cj = json.load(open(os.path.join(a.out, "compare.json")))
df = pd.read_csv(a.data)
drop = [c for c in a.ignore.split(",") if c] + [a.target]
grp = cj["split"]["text"]
X_all = df.drop(columns=[c for c in drop if c in df.columns])
for c in list(X_all.columns):
    if X_all[c].dtype == object:
        X_all = X_all.drop(columns=[c])  # ids / text: not features here
X_all = X_all.to_numpy(dtype=np.float64)
task = cj["data"]["task"]
if task == "regression":
    y_all = df[a.target].to_numpy(dtype=np.float64)
else:
    classes = [c["label"] for c in cj["data"]["classes"]]
    y_all = np.array([classes.index(str(v)) for v in df[a.target]])
line_to_row = {i + 2: i for i in range(len(df))}


def score(y, p):
    if task == "regression":
        return skm.r2_score(y, p)
    if p.ndim == 1:
        return skm.roc_auc_score(y, p)
    return skm.roc_auc_score(y, p, multi_class="ovr")


def param(m, name, default, conv=float):
    v = m["params"].get(name, "?")
    return default if v in ("?", "auto", "none", "") else conv(v)


def ref_gbdt(m, Xtr, ytr, Xte):
    kw = dict(n_estimators=param(m, "n_trees", 100, int), learning_rate=param(m, "learning_rate", 0.3),
              max_depth=param(m, "max_depth", 6, int), reg_lambda=param(m, "lambda", 1.0),
              reg_alpha=param(m, "alpha", 0.0), min_child_weight=param(m, "min_child_weight", 1.0),
              max_bin=param(m, "max_bin", 255, int), tree_method="hist", n_jobs=2)
    if task == "regression":
        return xgb.XGBRegressor(**kw).fit(Xtr, ytr).predict(Xte)
    p = xgb.XGBClassifier(**kw).fit(Xtr, ytr).predict_proba(Xte)
    return p[:, 1] if p.shape[1] == 2 else p


def ref_mlp(m, Xtr, ytr, Xte):
    torch.manual_seed(0)
    mu = np.nanmean(Xtr, axis=0)
    mu = np.where(np.isnan(mu), 0, mu)
    Xtr = np.where(np.isnan(Xtr), mu, Xtr)
    Xte = np.where(np.isnan(Xte), mu, Xte)
    sd = Xtr.std(axis=0)
    sd[sd == 0] = 1
    Xtr, Xte = (Xtr - mu) / sd, (Xte - mu) / sd
    layers = [int(v) for v in str(m["params"].get("layers", "256,128")).split(",") if v.isdigit()] or [256, 128]
    n_out = 1 if task != "multiclass" else len(classes)
    mods, w = [], Xtr.shape[1]
    for h in layers:
        mods += [torch.nn.Linear(w, h), torch.nn.ReLU()]
        w = h
    net = torch.nn.Sequential(*mods, torch.nn.Linear(w, n_out))
    opt = torch.optim.Adam(net.parameters(), lr=param(m, "lr", 1e-3))
    if task == "regression":
        ym, ys = ytr.mean(), ytr.std()
        t = torch.tensor((ytr - ym) / ys, dtype=torch.float32).unsqueeze(1)
        lossf = torch.nn.MSELoss()
    elif task == "binary":
        t = torch.tensor(ytr, dtype=torch.float32).unsqueeze(1)
        lossf = torch.nn.BCEWithLogitsLoss()
    else:
        t = torch.tensor(ytr, dtype=torch.long)
        lossf = torch.nn.CrossEntropyLoss()
    x = torch.tensor(Xtr, dtype=torch.float32)
    bs, epochs = param(m, "batch_size", 256, int), param(m, "epochs", 20, int)
    for _ in range(epochs):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), bs):
            idx = perm[i:i + bs]
            opt.zero_grad()
            lossf(net(x[idx]), t[idx]).backward()
            opt.step()
    with torch.no_grad():
        out = net(torch.tensor(Xte, dtype=torch.float32)).numpy()
    if task == "regression":
        return out[:, 0] * ys + ym
    if task == "binary":
        return 1 / (1 + np.exp(-out[:, 0]))
    e = np.exp(out - out.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


refs = {"gbdt": ref_gbdt, "mlp": ref_mlp}
rows = cj["split"]["rows"]
for m in cj["models"]:
    if m["kind"] not in refs or m["status"] != "ok":
        continue
    mine, theirs = [], []
    for k, fo in enumerate(m["folds"]):
        te = [line_to_row[l] for l in fo["test_lines"]]
        va = {line_to_row[l] for l in rows[k]["valid_lines"]}
        held = va | set(te)
        tr = [i for i in range(len(df)) if i not in held]
        p = refs[m["kind"]](m, X_all[tr], y_all[tr], X_all[te])
        theirs.append(score(y_all[te], p))
        mine.append(fo["metrics"]["r2" if task == "regression" else "auc"])
    name = "r2" if task == "regression" else "auc"
    h, r = float(np.mean(mine)), float(np.mean(theirs))
    ref = "XGBoost" if m["kind"] == "gbdt" else "PyTorch"
    print(f"# {m['name']}: hpml {name} {h:.4f}, {ref} {name} {r:.4f} on the same split ({grp})")
    ok = abs(h - r) <= a.tol
    print(f"{'PASS' if ok else 'FAIL'} compare_ref_{m['name']}" + ("" if ok else f": |{h:.4f} - {r:.4f}| > {a.tol}"))
