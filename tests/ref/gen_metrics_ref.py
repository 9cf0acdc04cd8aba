#!/usr/bin/python3
"""Generates tests/unit/metrics_ref.h: seeded inputs for every hpml metric and
the values scikit-learn / scipy give for them.

Run from anywhere with Debian's python3 (numpy, scikit-learn 1.2, scipy):
    /usr/bin/python3 tests/ref/gen_metrics_ref.py
The output depends only on the seeds and the library versions (named in the
header), so rerunning it reproduces the committed file byte for byte.

Inputs are float32 (what hpml takes); the references are computed in float64
on exactly those float32 values. Expected values are printed with %.17g.

Reference definitions (what hpml promises to match):
  rmse      sqrt(sklearn.metrics.mean_squared_error)
  mae       sklearn.metrics.mean_absolute_error
  r2        sklearn.metrics.r2_score
  pearson   scipy.stats.pearsonr
  spearman  scipy.stats.spearmanr (average ranks for ties)
  auc       sklearn roc_auc_score: binary on P(class 1); k >= 3 with
            multi_class='ovr', average='macro', labels=range(k). Where sklearn
            raises (a class absent from y) the case records auc_defined = 0.
  logloss   sklearn log_loss(eps=1e-15, labels=range(classes)). hpml's header
            promises clipping at 1e-15; sklearn 1.2's default eps='auto' would
            clip at float64 machine epsilon instead, so eps is passed.
  accuracy  sklearn accuracy_score on the predicted class
  macro_f1  sklearn f1_score(average='macro', zero_division=0), default labels
            (the union of classes in y and in the predictions)
The predicted class is p >= 0.5 for k == 1, else the first argmax of the row.
"""
import os
import sys

import numpy as np
import scipy
import scipy.stats
import sklearn
from sklearn import metrics

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "unit", "metrics_ref.h")


def f32(a):
    return np.asarray(a, dtype=np.float64).astype(np.float32)


def c_float(x):
    """Shortest literal that a correctly rounding compiler turns back into x."""
    x = np.float32(x)
    if float(x) == int(x) and abs(x) < 2.0**24:
        return str(int(x))
    if 1e-4 <= abs(x) < 1e7:
        s = np.format_float_positional(x, unique=True, trim="0")
    else:
        s = np.format_float_scientific(x, unique=True, trim="0")
    assert np.float32(float(s)) == x, (s, x)
    return s + "f"


def c_double(x):
    return "%.17g" % x


def c_array(name, values):
    vals = [c_float(v) for v in np.ravel(values)]
    lines, line = [], "   "
    for v in vals:
        if len(line) + len(v) + 2 > 100:
            lines.append(line)
            line = "   "
        line += " " + v + ","
    lines.append(line)
    return "static const float %s[%d] = {\n%s\n};\n" % (name, len(vals), "\n".join(lines))


# ------------------------------------------------------------ regression


def regression_cases():
    cases = []
    r = np.random.default_rng(20240101)
    y = f32(10 + 3 * r.standard_normal(50))
    p = f32(y + r.standard_normal(50))
    cases.append(("reg_normal_n50", y, p))

    # Heavy ties on both sides: integer truth, predictions rounded to 0.1.
    r = np.random.default_rng(20240102)
    y = f32(np.round(2 * r.standard_normal(300)))
    p = f32(np.round(0.5 * y + r.standard_normal(300), 1))
    cases.append(("reg_ties_n300", y, p))

    # Skewed truth, negatively related predictions, a few exact zeros and -0.
    r = np.random.default_rng(20240103)
    y = f32(r.exponential(5.0, 500))
    p = f32(-np.log1p(y) + 0.3 * r.standard_normal(500))
    p[::97] = 0.0
    p[1::97] = -0.0
    cases.append(("reg_skewed_n500", y, p))

    cases.append(("reg_tiny_n5", f32([1, 2, 3, 4, 5]), f32([1.5, 1.5, 3, 5, 4])))
    return cases


def regression_expected(y, p):
    y, p = y.astype(np.float64), p.astype(np.float64)
    return [
        np.sqrt(metrics.mean_squared_error(y, p)),
        metrics.mean_absolute_error(y, p),
        metrics.r2_score(y, p),
        scipy.stats.pearsonr(y, p)[0],
        scipy.stats.spearmanr(y, p).correlation,
    ]


# -------------------------------------------------------- classification


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def classification_cases():
    cases = []
    r = np.random.default_rng(20240201)
    y = (r.random(200) < 0.4).astype(np.float32)
    p = f32(1 / (1 + np.exp(-(2 * y - 1 + 1.5 * r.standard_normal(200)))))
    cases.append(("bin_k1_n200", 1, y, p))

    # Scores rounded to 0.1: heavy ties, exact 0 and 1 (clipped by log loss),
    # exact 0.5 (predicted as class 1).
    r = np.random.default_rng(20240202)
    y = (r.random(400) < 0.5).astype(np.float32)
    p = f32(np.clip(np.round(0.5 + 0.3 * (2 * y - 1) + 0.3 * r.standard_normal(400), 1), 0, 1))
    assert {0.0, 0.5, 1.0} <= set(p.tolist())
    cases.append(("bin_k1_ties_n400", 1, y, p))

    # Rare positives.
    r = np.random.default_rng(20240203)
    y = (r.random(300) < 0.05).astype(np.float32)
    p = f32(r.beta(1 + 3 * y, 4, 300))
    cases.append(("bin_k1_rare_n300", 1, y, p))

    # k = 2 with rows that do not sum to 1 (log loss renormalises them).
    r = np.random.default_rng(20240204)
    y = (r.random(150) < 0.5).astype(np.float32)
    prob = f32(np.column_stack([r.random(150), np.clip(0.3 * y + 0.7 * r.random(150), 0, 1)]))
    cases.append(("bin_k2_unnormalised_n150", 2, y, prob))

    # k = 2, proper probability rows.
    r = np.random.default_rng(20240205)
    y = (r.random(120) < 0.6).astype(np.float32)
    q = 1 / (1 + np.exp(-(1.2 * (2 * y - 1) + r.standard_normal(120))))
    cases.append(("bin_k2_n120", 2, y, f32(np.column_stack([1 - q, q]))))

    r = np.random.default_rng(20240301)
    y = r.integers(0, 3, 300)
    prob = softmax(1.5 * np.eye(3)[y] + r.standard_normal((300, 3)))
    cases.append(("mc_k3_n300", 3, f32(y), f32(prob)))

    # Every row is one of 12 template rows: heavy ties in every column.
    r = np.random.default_rng(20240302)
    templates = softmax(r.standard_normal((12, 5)) + 2 * np.vstack([np.eye(5), np.eye(5),
                                                                      np.zeros((2, 5))]))
    y = r.integers(0, 5, 400)
    pick = np.where(r.random(400) < 0.5, y + 5 * r.integers(0, 2, 400), r.integers(0, 12, 400))
    cases.append(("mc_k5_ties_n400", 5, f32(y), f32(templates[np.minimum(pick, 11)])))

    # Class 4 is in y but never predicted (its probability stays small).
    r = np.random.default_rng(20240303)
    y = r.integers(0, 5, 300)
    z = 2 * np.eye(5)[y] + r.standard_normal((300, 5))
    z[:, 4] = -3 + 0.5 * r.standard_normal(300) + 0.5 * (y == 4)
    prob = f32(softmax(z))
    assert 4 in y and 4 not in predicted(prob, 5)
    cases.append(("mc_k5_never_predicted_n300", 5, f32(y), prob))

    # Class 4 neither in y nor predicted: macro F1 averages the other four
    # only; AUC is undefined (sklearn raises).
    r = np.random.default_rng(20240304)
    y = r.integers(0, 4, 200)
    z = 2 * np.eye(5)[y] + r.standard_normal((200, 5))
    z[:, 4] = -4
    prob = f32(softmax(z))
    assert 4 not in y and 4 not in predicted(prob, 5)
    cases.append(("mc_k5_class_absent_n200", 5, f32(y), prob))

    # Class 3 predicted sometimes but never in y: its F1 is 0 and counts.
    r = np.random.default_rng(20240305)
    y = r.integers(0, 3, 150)
    z = 1.5 * np.eye(4)[y] + r.standard_normal((150, 4))
    prob = f32(softmax(z))
    assert 3 in predicted(prob, 4)
    cases.append(("mc_k4_predicted_absent_n150", 4, f32(y), prob))
    return cases


def predicted(prob, k):
    if k == 1:
        return (prob >= 0.5).astype(np.int64)
    return np.argmax(prob, axis=1)


def classification_expected(k, y, prob):
    yi = y.astype(np.int64)
    P = prob.astype(np.float64)
    nc = 2 if k == 1 else k
    if k <= 2:
        auc = metrics.roc_auc_score(yi, P if k == 1 else P[:, 1])
        auc_defined = 1
    else:
        try:
            auc = metrics.roc_auc_score(yi, P, multi_class="ovr", average="macro",
                                        labels=list(range(k)))
            auc_defined = 1
        except ValueError:
            auc, auc_defined = 0.0, 0
    pred = predicted(P, k)
    return auc_defined, [
        auc,
        metrics.log_loss(yi, P, eps=1e-15, labels=list(range(nc))),
        metrics.accuracy_score(yi, pred),
        metrics.f1_score(yi, pred, average="macro", zero_division=0),
    ]


# ----------------------------------------------------------------- output


def main():
    out = []
    out.append(
        "/* metrics_ref.h - GENERATED by tests/ref/gen_metrics_ref.py; do not edit.\n"
        " * Reference values from numpy %s, scikit-learn %s, scipy %s (definitions\n"
        " * in the script). Inputs are float32; expected values are %%.17g. */\n"
        % (np.__version__, sklearn.__version__, scipy.__version__))
    out.append("#ifndef HPML_TEST_METRICS_REF_H\n#define HPML_TEST_METRICS_REF_H\n\n"
               "#include <stddef.h>\n\n")
    out.append("typedef struct ref_regression {\n    const char *name;\n    size_t n;\n"
               "    const float *y, *p;\n    double rmse, mae, r2, pearson, spearman;\n"
               "} ref_regression;\n\n")
    out.append("/* prob is n x k row-major; auc_defined == 0: sklearn raises, hpml must fail. */\n"
               "typedef struct ref_classification {\n    const char *name;\n    size_t n;\n"
               "    int k;\n    const float *y, *prob;\n    int auc_defined;\n"
               "    double auc, logloss, accuracy, macro_f1;\n} ref_classification;\n\n")

    rows = []
    for name, y, p in regression_cases():
        out.append(c_array("ref_%s_y" % name, y))
        out.append(c_array("ref_%s_p" % name, p))
        ex = regression_expected(y, p)
        rows.append('    {"%s", %d, ref_%s_y, ref_%s_p,\n     %s},\n'
                    % (name, len(y), name, name, ", ".join(c_double(v) for v in ex)))
    out.append("\nstatic const ref_regression ref_regression_cases[] = {\n%s};\n\n" % "".join(rows))

    rows = []
    for name, k, y, prob in classification_cases():
        out.append(c_array("ref_%s_y" % name, y))
        out.append(c_array("ref_%s_prob" % name, prob))
        defined, ex = classification_expected(k, y, prob)
        rows.append('    {"%s", %d, %d, ref_%s_y, ref_%s_prob, %d,\n     %s},\n'
                    % (name, len(y), k, name, name, defined,
                       ", ".join(c_double(v) for v in ex)))
    out.append("\nstatic const ref_classification ref_classification_cases[] = {\n%s};\n\n"
               % "".join(rows))
    out.append("#endif\n")

    with open(OUT, "w") as f:
        f.write("".join(out))
    print("wrote %s (%d bytes)" % (os.path.normpath(OUT), os.path.getsize(OUT)), file=sys.stderr)


if __name__ == "__main__":
    main()
