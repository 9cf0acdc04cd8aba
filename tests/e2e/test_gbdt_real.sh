# test_gbdt_real.sh — GBDT on real data (../shared/data, when present) against
# XGBoost 1.7.4 trained in the same run with the same parameters: HIGGS
# (binary, 7,000 training rows, the issue's "small real dataset"). Bar: test
# predictions correlate > 0.999, AUC within 0.002.
source "$(dirname "$0")/lib.sh"
DATA=${HPML_DATA:-../shared/data}
if [ ! -d "$DATA/higgs_subset" ]; then
    echo "real-data GBDT tests skipped: $DATA/higgs_subset not found" >&2
    exit 0
fi
case "$HPML" in *san*) exit 0 ;; esac # the plain build suffices; XGBoost is slow enough
if ! /usr/bin/python3 -c 'import xgboost' 2>/dev/null; then
    echo "FAIL xgboost_available"
    exit 0
fi
TR=$DATA/higgs_subset/higgs_train.csv
TE=$DATA/higgs_subset/higgs_test.csv
run train $TR --target label --n_trees 100 --eta 0.1 --max_depth 6 -o $TMP/h.hpml --threads 2
[ "$rc" -eq 0 ] && pass higgs_train || fail higgs_train "exit $rc"
run predict $TMP/h.hpml $TE -o $TMP/h.csv --keep-col label
/usr/bin/python3 tests/ref/xgb_predict.py $TR $TE label binary:logistic 100 0.1 6 >$TMP/x.txt ||
    fail higgs_xgboost "the XGBoost reference failed"
/usr/bin/python3 - "$TMP/h.csv" "$TMP/x.txt" <<'PY'
import sys
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
ours = pd.read_csv(sys.argv[1])
theirs = np.loadtxt(sys.argv[2])
y, p = ours["label"].to_numpy(), ours["prob_1"].to_numpy()
r = np.corrcoef(p, theirs)[0, 1]
a, b = roc_auc_score(y, p), roc_auc_score(y, theirs)
print(f"higgs: corr {r:.6f}, AUC {a:.5f} vs XGBoost {b:.5f}", file=sys.stderr)
print(("PASS" if r > 0.999 else "FAIL") + " higgs_corr_xgboost")
print(("PASS" if abs(a - b) < 0.002 else "FAIL") + " higgs_auc_xgboost")
PY

# ESOL aqueous solubility (regression, 1,128 molecules): RDKit descriptors
# joined to the measured logS, split 80/20 with a fixed seed.
if [ -f "$DATA/esol/esol_rdkit_descriptors.csv" ]; then
    /usr/bin/python3 - "$DATA/esol" "$TMP" <<'PY'
import sys
import numpy as np
import pandas as pd
d, out = sys.argv[1], sys.argv[2]
x = pd.read_csv(f"{d}/esol_rdkit_descriptors.csv")
y = pd.read_csv(f"{d}/esol.csv")[["mol_id", "logS_measured"]]
t = x.merge(y, on="mol_id").drop(columns=["mol_id"])
t = t.loc[:, [c for c in t.columns if t[c].abs().max() < 1e30]]  # float32-representable columns
test = np.random.default_rng(0).random(len(t)) < 0.2
t[~test].to_csv(f"{out}/esol_train.csv", index=False)
t[test].to_csv(f"{out}/esol_test.csv", index=False)
PY
    run train $TMP/esol_train.csv --target logS_measured --n_trees 200 --eta 0.05 --max_depth 5 \
        -o $TMP/e.hpml
    [ "$rc" -eq 0 ] && pass esol_train || fail esol_train "exit $rc"
    run predict $TMP/e.hpml $TMP/esol_test.csv -o $TMP/e.csv --keep-col logS_measured
    /usr/bin/python3 tests/ref/xgb_predict.py $TMP/esol_train.csv $TMP/esol_test.csv logS_measured \
        reg:squarederror 200 0.05 5 >$TMP/xe.txt || fail esol_xgboost "the XGBoost reference failed"
    /usr/bin/python3 - "$TMP/e.csv" "$TMP/xe.txt" <<'PY'
import sys
import numpy as np
import pandas as pd
ours = pd.read_csv(sys.argv[1])
theirs = np.loadtxt(sys.argv[2])
y, p = ours["logS_measured"].to_numpy(), ours["prediction"].to_numpy()
r = np.corrcoef(p, theirs)[0, 1]
a, b = np.sqrt(np.mean((p - y) ** 2)), np.sqrt(np.mean((theirs - y) ** 2))
print(f"esol: corr {r:.6f}, RMSE {a:.5f} vs XGBoost {b:.5f}", file=sys.stderr)
print(("PASS" if r > 0.999 else "FAIL") + " esol_corr_xgboost")
print(("PASS" if abs(a / b - 1) < 0.01 else "FAIL") + " esol_rmse_xgboost")
PY
fi
