#!/usr/bin/env python3
"""Data for bench/starschema.sh: the fact-table split and the materialised join.

    starschema_data.py split FACT.csv OUT_TRAIN.csv OUT_TEST.csv [--seed 42] [--test-frac 0.2]
        A seeded random split of a fact table's rows (numpy default_rng(seed)
        permutation; the rows at its first round(test_frac x rows) positions
        go to the test file, the rest to train). Lines are copied verbatim, in
        the source order, streaming. Prints one JSON line.

    starschema_data.py materialise FACT.csv OUT.csv --target COL --join KEY=FILE [...]
        Every fact row joined with its row of each dimension table, written as
        one CSV row: the target first, then the features in hpml's order and
        with hpml's names. Prints one JSON line (rows, features, bytes).

    starschema_data.py size FACT.csv --target COL --join KEY=FILE [...]
        Prints {"rows", "features", "f32_bytes"} of the materialised join
        without building it (the fact file's lines are counted, not parsed).

The join is done on the text: each dimension row's feature fields are joined
into one string once, then each fact row's output line is the target field and
the strings of its dimension rows. So the materialised file holds exactly the
decimal text of the source tables (no float round trip), and hpml reads the
same numbers from it as through --join. Standard library only; the anchor
(starschema_xgb.py) imports `features` and `dimension` from here.

Feature names and order follow hpml's join (src/data/join.c): the fact
table's columns other than the target and the join keys, then each joined
table's columns other than its key, in --join order; a column name found in
two or more of these tables is qualified as TABLE.COLUMN everywhere it occurs,
TABLE being the file name without folder and .csv/.tsv/.txt/.gz.
"""
import argparse
import csv
import json
import os
import sys

csv.field_size_limit(1 << 30)


def table_name(path):
    base = os.path.basename(path)
    while True:
        stem, dot, ext = base.rpartition(".")
        if not dot or not stem or "." + ext not in (".gz", ".csv", ".tsv", ".txt"):
            return base
        base = stem


def header(path):
    with open(path, newline="") as fh:
        return next(csv.reader(fh))


def parse_joins(specs):
    """['KEY=FILE[:FILE_KEY]', ...] -> [(key, file, file_key)]."""
    out = []
    for s in specs:
        key, eq, rest = s.partition("=")
        if not eq or not key or not rest:
            raise SystemExit(f"starschema_data: --join {s!r}: expected KEY=FILE[:FILE_KEY]")
        path, fkey = rest.rsplit(":", 1) if ":" in rest else (rest, key)
        out.append((key, path, fkey))
    return out


def features(fact, target, joins):
    """hpml's feature list of FACT joined to JOINS: [(table index (-1: fact),
    column index, final name)], in hpml's order."""
    fact_cols = header(fact)
    keys = {k for k, _, _ in joins}
    cands = [(-1, i, c) for i, c in enumerate(fact_cols) if c != target and c not in keys]
    for t, (_, path, fkey) in enumerate(joins):
        cols = header(path)
        if fkey not in cols:
            raise SystemExit(f"starschema_data: no key column {fkey!r} in {path}")
        cands += [(t, i, c) for i, c in enumerate(cols) if c != fkey]
    count = {}
    for _, _, c in cands:
        count[c] = count.get(c, 0) + 1
    names = [table_name(fact) if t < 0 else table_name(joins[t][1]) for t, _, _ in cands]
    out = [(t, i, f"{n}.{c}" if count[c] > 1 else c) for (t, i, c), n in zip(cands, names)]
    if len({n for _, _, n in out}) != len(out):
        raise SystemExit("starschema_data: two feature names collide after qualification")
    return out


def dimension(path, fkey, cols):
    """{key text: [field texts of cols]} of one dimension table (one row per key)."""
    rows = {}
    with open(path, newline="") as fh:
        rd = csv.reader(fh)
        head = next(rd)
        k = head.index(fkey)
        for line, r in enumerate(rd, start=2):
            if r[k] in rows:
                raise SystemExit(f"starschema_data: {path}:{line}: key {r[k]!r} repeated")
            rows[r[k]] = [r[i] for i in cols]
    return rows


def plain(field):
    if any(ch in field for ch in ',"\r\n'):
        raise SystemExit(f"starschema_data: field {field[:40]!r} would need quoting")
    return field


def count_lines(path):
    with open(path, "rb") as fh:
        return sum(buf.count(b"\n") for buf in iter(lambda: fh.read(1 << 24), b""))


def cmd_split(a):
    """Streams the file (17 M lines must not become Python strings at once)."""
    import numpy as np
    n = count_lines(a.fact) - 1
    perm = np.random.default_rng(a.seed).permutation(n)
    n_test = int(round(a.test_frac * n))
    is_test = np.zeros(n, dtype=bool)
    is_test[perm[:n_test]] = True
    del perm
    is_test = is_test.astype(np.uint8).tobytes()  # indexing gives a plain int
    with open(a.fact, "rb") as fh, open(a.out_train + ".tmp", "wb") as tr, \
            open(a.out_test + ".tmp", "wb") as te:
        head = fh.readline()
        tr.write(head)
        te.write(head)
        outs = (tr, te)
        rows = 0
        for line in fh:
            outs[is_test[rows]].write(line)
            rows += 1
    if rows != n:
        raise SystemExit(f"starschema_data: {a.fact}: {rows} rows, expected {n} (no final newline?)")
    os.replace(a.out_test + ".tmp", a.out_test)
    os.replace(a.out_train + ".tmp", a.out_train)
    print(json.dumps({"rows": n, "train_rows": n - n_test, "test_rows": n_test,
                      "seed": a.seed, "test_frac": a.test_frac}))


def cmd_materialise(a):
    joins = parse_joins(a.join)
    feats = features(a.fact, a.target, joins)
    if any(t < 0 for t, _, _ in feats):
        raise SystemExit("starschema_data: the fact table has feature columns; not supported here")
    # one text per dimension row: its features joined by commas
    texts = []
    for t, (_, path, fkey) in enumerate(joins):
        cols = [i for tt, i, _ in feats if tt == t]
        texts.append({k: ",".join(plain(v) for v in vals)
                      for k, vals in dimension(path, fkey, cols).items()})
    fact_cols = header(a.fact)
    ti = fact_cols.index(a.target)
    ki = [fact_cols.index(k) for k, _, _ in joins]
    tmp = a.out + ".tmp"
    n = 0
    with open(a.fact, newline="") as fh, open(tmp, "w", newline="") as out:
        rd = csv.reader(fh)
        next(rd)
        out.write(",".join([plain(a.target)] + [plain(nm) for _, _, nm in feats]) + "\n")
        for line, r in enumerate(rd, start=2):
            parts = [plain(r[ti])]
            for t, k in enumerate(ki):
                s = texts[t].get(r[k])
                if s is None:
                    raise SystemExit(f"starschema_data: {a.fact}:{line}: key {r[k]!r} not in "
                                     f"{joins[t][1]}")
                parts.append(s)
            out.write(",".join(parts) + "\n")
            n += 1
    os.replace(tmp, a.out)
    print(json.dumps({"rows": n, "features": len(feats), "bytes": os.path.getsize(a.out)}))


def cmd_size(a):
    joins = parse_joins(a.join)
    nf = len(features(a.fact, a.target, joins))
    rows = count_lines(a.fact) - 1
    print(json.dumps({"rows": rows, "features": nf, "f32_bytes": rows * nf * 4}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("split")
    s.add_argument("fact")
    s.add_argument("out_train")
    s.add_argument("out_test")
    s.add_argument("--seed", type=int, default=42)
    s.add_argument("--test-frac", type=float, default=0.2)
    for name in ("materialise", "size"):
        m = sub.add_parser(name)
        m.add_argument("fact")
        if name == "materialise":
            m.add_argument("out")
        m.add_argument("--target", required=True)
        m.add_argument("--join", action="append", required=True)
    a = ap.parse_args()
    {"split": cmd_split, "materialise": cmd_materialise, "size": cmd_size}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
