#!/usr/bin/env bash
# demo.sh — `make demo`: the most complete job hpml runs today, on generated data.
# Until `hpml compare` lands this generates a small drug-response-like table
# (cell line, drug, dose, expression-like features, a response with some
# missing values) and runs `hpml info` on it with the response as target.
set -euo pipefail
cd "$(dirname "$0")/.."
out=demo-out
mkdir -p "$out"
data=$out/demo_response.csv

# Seeded, standard library only: the same file on every machine.
python3 - "$data" <<'PY'
import math, random, sys
rng = random.Random(7)
cells = [f"CL{i:03d}" for i in range(60)]
lineage = {c: rng.choice(["lung", "breast", "blood", "skin"]) for c in cells}
drugs = [f"D{j:02d}" for j in range(25)]
genes = [f"g{k}" for k in range(20)]
expr = {c: [rng.gauss(0, 1) for _ in genes] for c in cells}
potency = {d: rng.gauss(0, 1) for d in drugs}
with open(sys.argv[1], "w") as f:
    f.write("cell_id,lineage,drug_id,log_dose," + ",".join(genes) + ",ln_ic50\n")
    for c in cells:
        for d in drugs:
            if rng.random() < 0.15:
                continue  # ~15% of pairs not measured, as in real screens
            dose = rng.uniform(-3, 2)
            y = potency[d] + 0.8 * math.tanh(expr[c][0] * potency[d]) + 0.3 * expr[c][1] + rng.gauss(0, 0.3)
            ys = "NA" if rng.random() < 0.01 else f"{y:.4f}"
            f.write(f"{c},{lineage[c]},{d},{dose:.3f}," + ",".join(f"{v:.4f}" for v in expr[c]) + f",{ys}\n")
PY

echo "== hpml info $data --target ln_ic50 --drop-missing-target"
bin/hpml info "$data" --target ln_ic50 --drop-missing-target
echo
echo "Demo data: $data  (try: bin/hpml info $data --target lineage)"
