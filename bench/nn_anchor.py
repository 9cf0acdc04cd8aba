#!/usr/bin/env python3
"""PyTorch anchor and helpers for bench/nn.sh. Run with /usr/bin/python3
(Debian's python3-torch 1.13, numpy and pandas are visible only to it).

    nn_anchor.py run --train F --test F --target y --threads N
                     --batches 64,256,1024 [--epochs 3 --lr 0.001 --seed 42
                     --layers 500,100 --setting NAME --label L --out FILE]
        One thread setting in this process: the data are read and standardised
        once, then one model is trained and tested per batch size, in
        sequence. Writes one JSON line per batch size to FILE (default:
        stdout) and, with --out, one summary JSON object to stdout (for
        bench/measure.py, which adds the whole process's peak RSS).

    nn_anchor.py score --test F --target y --preds F [--label L]
        RMSE of a predictions file (hpml's, column `prediction`) against the
        test file, as a cross-check of `hpml eval`; prints
        {"label": L, "status": 0, "stdout": {...}} like measure.py.

The model and loop, the fastest plain-PyTorch way (no DataLoader):
  nn.Sequential(Linear(C, 500), ReLU, Linear(500, 100), ReLU, Linear(100, 1)),
  default initialisation after torch.manual_seed(seed) (the same start for
  every batch size); Adam(lr), MSELoss on the standardised target; each epoch
  idx = torch.randperm(n) and batches X[idx[i:i+b]], the last one partial.
  Inputs and target are standardised with the training set's mean and
  standard deviation (hpml does this itself; without it the anchor would be
  handicapped); the test RMSE is in the target's original units.

What is timed (time.perf_counter around exactly this):
  read_seconds    pandas.read_csv (float32) of the training file, to a
                  C-contiguous float32 array, the DataFrame freed
  prep_seconds    standardisation (in place) and torch.from_numpy
  train_seconds   per batch size: the epochs loop alone (permutation,
                  gathering the batches, forward, backward, Adam step)
  samples_per_s   epochs * n_train / train_seconds
Threads: torch.set_num_threads(N); the caller also sets OMP_NUM_THREADS=N
before the interpreter starts, which sizes both the OpenMP pool and
OpenBLAS's own thread pool (Debian's torch calls OpenBLAS for sgemm and
set_num_threads does not reach it). OMP_WAIT_POLICY, if any, is the
caller's: it is recorded, not set here.
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


def read_xy(path, target):
    """CSV -> (X C-contiguous float32, y float32). The DataFrame is freed."""
    import numpy as np
    import pandas as pd
    df = pd.read_csv(path, dtype=np.float32)
    if target not in df.columns:
        raise SystemExit(f"nn_anchor: no column {target!r} in {path}")
    y = df.pop(target).to_numpy(dtype=np.float32)
    X = np.ascontiguousarray(df.to_numpy(dtype=np.float32))
    del df
    gc.collect()
    return X, y


def flops_per_sample(sizes):
    """Training FLOPs per sample: forward 2*MACs, weight gradients 2*MACs,
    input gradients 2*MACs for every layer but the first (the inputs need no
    gradient). Biases, activations and Adam are left out."""
    macs = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return 4 * sum(macs) + 2 * sum(macs[1:])


def cmd_run(a):
    import numpy as np
    import torch
    from torch import nn

    torch.set_num_threads(a.threads)
    env = {k: os.environ.get(k, "") for k in
           ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OPENBLAS_NUM_THREADS", "GOMP_SPINCOUNT")}
    common = {"tool": "pytorch", "version": torch.__version__, "threads": a.threads,
              "setting": a.setting, "torch_threads": torch.get_num_threads(),
              "env": " ".join(f"{k}={v}" for k, v in env.items() if v)}

    t = time.perf_counter()
    X, y = read_xy(a.train, a.target)
    read_s = time.perf_counter() - t
    n, cols = X.shape
    t = time.perf_counter()
    # training statistics, in float64 for accuracy; standardise in place
    mu = X.mean(axis=0, dtype=np.float64)
    sd = X.std(axis=0, dtype=np.float64)
    sd[sd == 0] = 1.0
    X -= mu.astype(np.float32)
    X /= sd.astype(np.float32)
    ymu, ysd = float(y.mean(dtype=np.float64)), float(y.std(dtype=np.float64)) or 1.0
    ys = ((y - ymu) / ysd).astype(np.float32).reshape(-1, 1)
    Xt_, yt_ = torch.from_numpy(X), torch.from_numpy(ys)
    prep_s = time.perf_counter() - t
    read_rss = rss_peak_mib()

    Xte, yte = read_xy(a.test, a.target)
    Xte -= mu.astype(np.float32)
    Xte /= sd.astype(np.float32)
    Xte_ = torch.from_numpy(Xte)
    yte64 = yte.astype(np.float64)

    sizes = [cols] + [int(h) for h in a.layers.split(",") if h] + [1]
    fps = flops_per_sample(sizes)
    out = open(a.out, "a") if a.out else sys.stdout
    results = []
    for b in [int(v) for v in a.batches.split(",") if v]:
        torch.manual_seed(a.seed)
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
        model = nn.Sequential(*layers)
        opt = torch.optim.Adam(model.parameters(), lr=a.lr)
        loss_fn = nn.MSELoss()
        model.train()
        gc.collect()
        t = time.perf_counter()
        for _ in range(a.epochs):
            idx = torch.randperm(n)
            for i in range(0, n, b):
                j = idx[i:i + b]
                xb, yb = Xt_[j], yt_[j]
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(xb), yb)
                loss.backward()
                opt.step()
        train_s = time.perf_counter() - t
        last_loss = float(loss.detach())
        model.eval()
        t = time.perf_counter()
        with torch.no_grad():
            pred = model(Xte_).numpy().astype(np.float64).ravel() * ysd + ymu
        pred_s = time.perf_counter() - t
        rmse = float(np.sqrt(np.mean((pred - yte64) ** 2)))
        sps = a.epochs * n / train_s
        rec = dict(common)
        rec.update({
            "label": f"{a.label}/b{b}", "batch": b, "epochs": a.epochs, "lr": a.lr,
            "n_train": int(n), "n_features": int(cols), "n_test": int(len(yte)),
            "train_seconds": train_s, "samples_per_s": sps,
            "gflops": sps * fps / 1e9, "rmse": rmse,
            "rmse_mean_predictor": float(np.sqrt(np.mean((ymu - yte64) ** 2))),
            "last_batch_loss": last_loss, "predict_seconds": pred_s,
            "read_seconds": read_s, "prep_seconds": prep_s,
            "read_peak_rss_mib": read_rss, "peak_rss_mib": rss_peak_mib(),
        })
        results.append(rec)
        print(json.dumps(rec), file=out, flush=True)
        del model, opt
    if a.out:
        out.close()
        summary = dict(common)
        summary.update({"n_train": int(n), "read_seconds": read_s, "prep_seconds": prep_s,
                        "read_peak_rss_mib": read_rss, "peak_rss_mib": rss_peak_mib(),
                        "samples_per_s": {f"b{r['batch']}": r["samples_per_s"] for r in results},
                        "rmse": {f"b{r['batch']}": r["rmse"] for r in results}})
        print(json.dumps(summary), flush=True)


def cmd_score(a):
    import numpy as np
    import pandas as pd
    y = pd.read_csv(a.test, usecols=[a.target])[a.target].to_numpy(dtype=np.float64)
    p = pd.read_csv(a.preds)
    out = {"preds_columns": ",".join(map(str, p.columns))[:200]}
    num = [c for c in p.columns if pd.api.types.is_numeric_dtype(p[c])]
    pick = next((c for c in ("prediction", "pred", "y_pred", a.target) if c in num),
                num[-1] if num else None)
    if pick is None or len(p) != len(y):
        out["error"] = f"cannot read predictions ({len(p)} rows, test has {len(y)})"
    else:
        out["column"] = pick
        out["rmse"] = float(np.sqrt(np.mean((p[pick].to_numpy(dtype=np.float64) - y) ** 2)))
    print(json.dumps({"label": a.label, "status": 0, "stdout": out}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--train", required=True)
    r.add_argument("--test", required=True)
    r.add_argument("--target", default="y")
    r.add_argument("--threads", type=int, required=True)
    r.add_argument("--batches", default="64,256,1024")
    r.add_argument("--epochs", type=int, default=3)
    r.add_argument("--lr", type=float, default=1e-3)
    r.add_argument("--seed", type=int, default=42)
    r.add_argument("--layers", default="500,100")
    r.add_argument("--setting", default="default", help="name of the environment setting (recorded)")
    r.add_argument("--label", default="pytorch")
    r.add_argument("--out", help="append the per-batch JSON lines here (default: stdout)")
    s = sub.add_parser("score")
    s.add_argument("--test", required=True)
    s.add_argument("--target", default="y")
    s.add_argument("--preds", required=True)
    s.add_argument("--label", default="score")
    a = ap.parse_args()
    {"run": cmd_run, "score": cmd_score}[a.cmd](a)


if __name__ == "__main__":
    main()
