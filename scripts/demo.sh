#!/usr/bin/env bash
# demo.sh — `make demo`: hpml's main job on a generated drug-response screen.
# `hpml synth` writes a synthetic screen (docs/synth.md says how it is made),
# then `hpml compare` trains gradient-boosted trees, an MLP and a 1-D CNN on
# the same rows, holding out whole cell lines for testing (as one would to
# ask "how well do we predict a new cell line?"), and writes the report.
set -euo pipefail
cd "$(dirname "$0")/.."
out=demo-out
mkdir -p "$out"

echo "== hpml synth drug-response: 100 cell lines x 60 drugs (85% of pairs measured)"
bin/hpml synth drug-response --cells 100 --drugs 60 --genes 200 --descriptors 50 --seed 1 \
    --joined --out "$out/data"
echo
echo "== hpml compare: gbdt, mlp and cnn, test and validation cell lines held out"
bin/hpml compare "$out/data/joined.csv" --target ln_ic50 --group-col cell_id \
    --models gbdt,mlp,cnn --out "$out/compare"
echo
echo "Open the report in a browser:  file://$PWD/$out/compare/report.html"
