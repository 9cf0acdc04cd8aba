#!/usr/bin/python3
"""XGBoost 1.7 (Debian python3-xgboost, tree_method=hist) reference for the
real-data GBDT test: trains on TRAIN.csv with the given parameters and writes
its predictions for TEST.csv, one per line.

    /usr/bin/python3 tests/ref/xgb_predict.py TRAIN.csv TEST.csv TARGET OBJECTIVE \
        N_TREES ETA MAX_DEPTH > preds.txt

base_score is the training mean (logistic: the mean as probability), as hpml
starts; nthread=1; max_bin 255; lambda 1; min_child_weight 1.
"""
import sys

import numpy as np
import pandas as pd
import xgboost as xgb

train, test, target, objective = sys.argv[1:5]
n_trees, eta, depth = int(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
tr, te = pd.read_csv(train), pd.read_csv(test)
features = [c for c in tr.columns if c != target]
Xtr = tr[features].to_numpy(np.float32)
Xte = te[features].to_numpy(np.float32)
y = tr[target].to_numpy(np.float64)
params = dict(tree_method="hist", max_bin=255, eta=eta, max_depth=depth, reg_lambda=1.0,
              min_child_weight=1.0, nthread=1, seed=0, objective=objective,
              base_score=float(y.mean()))
booster = xgb.train(params, xgb.DMatrix(Xtr, label=y), num_boost_round=n_trees)
for p in booster.predict(xgb.DMatrix(Xte)):
    print(repr(float(p)))
