#!/usr/bin/python3
"""Golden values for @fpdb/metrics, computed by scikit-learn (Debian python3-sklearn).

Run:  /usr/bin/python3 packages/metrics/scripts/make-golden.py > packages/metrics/test/golden.json
Deterministic (numpy seed 20240917). NaN is written as the string "NaN" (JSON has no NaN).
ECE / reliability bins are not in scikit-learn; they are computed here with numpy (Guo et al. 2017
definition: top-label confidence, equal-width bins lower < conf <= upper, first bin also takes 0).
Multiclass Brier (not in scikit-learn 1.2) is mean_i sum_k (p_ik - y_ik)^2 (sklearn >= 1.7 'auto').
"""
import json
import math
import platform
import sys
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M
from sklearn.preprocessing import label_binarize

warnings.filterwarnings("ignore")
rng = np.random.default_rng(20240917)
PLANES = ["Fetal abdomen", "Fetal brain", "Fetal femur", "Fetal thorax", "Maternal cervix", "Other"]


def clean(x):
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return clean(x.tolist())
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"
        return x
    return x


def try_(f):
    try:
        return f()
    except ValueError as e:
        return {"error": str(e)}


def label_case(name, y_true, y_pred, num_classes=None, classes=None, weights=None):
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    labels = list(range(num_classes)) if num_classes is not None else None
    kw = {"labels": labels} if labels is not None else {}
    sw = {"sample_weight": np.asarray(weights)} if weights is not None else {}
    exp = {}
    exp["accuracy"] = M.accuracy_score(y_true, y_pred, **sw)
    exp["accuracyCount"] = M.accuracy_score(y_true, y_pred, normalize=False, **sw)
    exp["balancedAccuracy"] = M.balanced_accuracy_score(y_true, y_pred, **sw)
    exp["balancedAccuracyAdjusted"] = M.balanced_accuracy_score(y_true, y_pred, adjusted=True, **sw)
    for norm in [None, "true", "pred", "all"]:
        exp["confusionMatrix" + (norm or "")] = M.confusion_matrix(y_true, y_pred, normalize=norm, **kw, **sw)
    prf = {}
    for zd in ["warn", 0, 1]:
        for avg in [None, "micro", "macro", "weighted", "binary"]:
            for beta in [1.0, 0.5, 2.0]:
                key = f"{avg}|{zd}|{beta}"
                r = try_(lambda: M.precision_recall_fscore_support(y_true, y_pred, beta=beta, average=avg, zero_division=zd, **kw, **sw))
                prf[key] = r if isinstance(r, dict) else list(r)
    exp["prf"] = prf
    exp["kappa"] = {str(w): M.cohen_kappa_score(y_true, y_pred, weights=w, **kw, **sw) for w in [None, "linear", "quadratic"]}
    exp["mcc"] = M.matthews_corrcoef(y_true, y_pred, **sw)
    if weights is None:
        names = classes if classes is not None else None
        for digits in [2, 4]:
            exp[f"reportText{digits}"] = M.classification_report(y_true, y_pred, target_names=names, digits=digits, **kw)
        exp["reportDict"] = M.classification_report(y_true, y_pred, target_names=names, output_dict=True, **kw)
        exp["reportDictZd1"] = M.classification_report(y_true, y_pred, target_names=names, output_dict=True, zero_division=1, **kw)
    return {"name": name, "yTrue": y_true, "yPred": y_pred, "numClasses": num_classes, "classes": classes, "sampleWeight": weights, "expected": exp}


def ece_bins(y, p, n_bins, w=None):
    w = np.ones(len(y)) if w is None else np.asarray(w, dtype=float)
    conf = p.max(axis=1)
    pred = p.argmax(axis=1)
    hit = (pred == y).astype(float)
    edges = np.linspace(0, 1, n_bins + 1)
    bins = []
    ece = 0.0
    mce = 0.0
    total = w.sum()
    for b in range(n_bins):
        lo, hi = edges[b], edges[b + 1]
        m = (conf > lo) & (conf <= hi)
        if b == 0:
            m |= conf == 0
        c = w[m].sum()
        if c == 0:
            bins.append({"lower": lo, "upper": hi, "count": 0.0, "confidence": None, "accuracy": None, "gap": None})
            continue
        acc = (hit[m] * w[m]).sum() / c
        cf = (conf[m] * w[m]).sum() / c
        ece += c / total * abs(acc - cf)
        mce = max(mce, abs(acc - cf))
        bins.append({"lower": lo, "upper": hi, "count": c, "confidence": cf, "accuracy": acc, "gap": acc - cf})
    return {"ece": ece, "mce": mce, "bins": bins}


def prob_case(name, y_true, prob, weights=None, curves=False):
    y = np.asarray(y_true)
    p = np.asarray(prob, dtype=float)
    n, K = p.shape
    sw = {"sample_weight": np.asarray(weights)} if weights is not None else {}
    exp = {}
    if K == 2:
        s = p[:, 1]
        for k in [1, 2]:
            exp[f"top{k}"] = M.top_k_accuracy_score(y, s, k=k, labels=[0, 1], **sw)
        exp["rocAuc"] = {a: try_(lambda: M.roc_auc_score(y, s, average=a, **sw)) for a in ["macro", "weighted", "micro"]}
        exp["ap"] = {a: M.average_precision_score(y, s, average=a, **sw) for a in ["macro", "weighted", "micro"]}
        exp["brier"] = M.brier_score_loss(y, s, **sw)
    else:
        for k in [1, 2, 3]:
            exp[f"top{k}"] = M.top_k_accuracy_score(y, p, k=k, labels=list(range(K)), **sw)
        exp["rocAuc"] = {str(a): try_(lambda: M.roc_auc_score(y, p, multi_class="ovr", average=a, labels=list(range(K)), **sw)) for a in ["macro", "weighted", "micro", None]}
        yb = label_binarize(y, classes=list(range(K)))
        exp["ap"] = {str(a): M.average_precision_score(yb, p, average=a, **sw) for a in ["macro", "weighted", "micro", None]}
        onehot = np.eye(K)[y]
        per = ((p - onehot) ** 2).sum(axis=1)
        exp["brier"] = float(np.average(per, weights=weights))
    exp["logLoss"] = M.log_loss(y, p, labels=list(range(K)), **sw)
    exp["logLossSum"] = M.log_loss(y, p, labels=list(range(K)), normalize=False, **sw)
    exp["calibration15"] = ece_bins(y, p, 15, weights)
    exp["calibration10"] = ece_bins(y, p, 10, weights)
    if curves:
        exp["rocCurves"] = []
        exp["prCurves"] = []
        for c in range(K):
            if 0 < (y == c).sum() < n:
                r = [M.roc_curve(y, p[:, c], pos_label=c, drop_intermediate=d, **sw) for d in (True, False)]
                exp["rocCurves"].append({"class": c, "dropped": r[0], "full": r[1]})
            else:
                exp["rocCurves"].append({"class": c, "undefined": True})
            exp["prCurves"].append({"class": c, "curve": M.precision_recall_curve(y, p[:, c], pos_label=c, **sw)})
    return {"name": name, "yTrue": y, "yProb": p, "sampleWeight": weights, "expected": exp}


def random_probs(n, K, ties=False):
    if ties:
        w = rng.integers(0, 4, size=(n, K)).astype(float) + 0.0
        w[w.sum(axis=1) == 0, 0] = 1.0
    else:
        w = rng.gamma(0.7, size=(n, K))
    return w / w.sum(axis=1, keepdims=True)


def informative(n, K, ties=False, strength=2.0):
    y = rng.integers(0, K, size=n)
    p = random_probs(n, K, ties)
    boost = np.eye(K)[y] * rng.uniform(0, strength, size=(n, 1))
    if ties:
        boost = np.round(boost)
    p = p + boost
    return y, p / p.sum(axis=1, keepdims=True)


label_cases = []
for i, (n, K) in enumerate([(5, 2), (12, 3), (30, 4), (60, 6), (200, 6), (40, 8), (25, 3), (100, 5)]):
    y = rng.integers(0, K, size=n)
    flip = rng.random(n) < 0.35
    yp = np.where(flip, rng.integers(0, K, size=n), y)
    label_cases.append(label_case(f"random n={n} K={K}", y, yp, num_classes=K))
    label_cases.append(label_case(f"random n={n} K={K} inferred", y, yp))
    if i % 2 == 0:
        label_cases.append(label_case(f"random n={n} K={K} weighted", y, yp, num_classes=K, weights=rng.uniform(0.1, 3, size=n).round(3)))
y = rng.integers(0, 6, size=80)
yp = np.where(rng.random(80) < 0.3, rng.integers(0, 6, size=80), y)
label_cases.append(label_case("planes names", y, yp, num_classes=6, classes=PLANES))
label_cases += [
    label_case("class absent from truth", [0, 0, 1, 1, 0], [0, 2, 1, 2, 0], num_classes=3),
    label_case("class absent from predictions", [0, 1, 2, 2, 1], [0, 1, 1, 1, 1], num_classes=3),
    label_case("class absent from both", [0, 1, 1, 0], [0, 1, 0, 0], num_classes=4),
    label_case("single class, inferred", [2, 2, 2], [2, 2, 2]),
    label_case("single class, stated", [1, 1, 1, 1], [1, 1, 1, 1], num_classes=3),
    label_case("single true class, other predicted", [0, 0, 0], [0, 1, 0]),
    label_case("binary", [0, 1, 1, 0, 1, 1, 0], [0, 1, 0, 0, 1, 1, 1]),
    label_case("binary only zeros", [0, 0, 0], [0, 0, 0]),
    label_case("binary stated", [0, 1, 1, 0], [1, 1, 0, 0], num_classes=2),
    label_case("non-contiguous labels", [0, 2, 5, 5, 2, 0], [0, 5, 5, 2, 2, 0]),
    label_case("all wrong", [0, 1, 2, 0, 1, 2], [1, 2, 0, 1, 2, 0], num_classes=3),
    label_case("one sample", [1], [1], num_classes=3),
    label_case("one sample wrong", [1], [2]),
    label_case("perfect", [0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5], num_classes=6, classes=PLANES),
    label_case("predict one class only", [0, 1, 2, 3, 1, 2], [1, 1, 1, 1, 1, 1], num_classes=4),
    label_case("long names", [0, 1, 0, 1], [0, 1, 1, 1], num_classes=2, classes=["a very long class name indeed", "b"]),
    label_case("weighted with zeros", [0, 1, 2, 2, 1], [0, 2, 2, 1, 1], num_classes=3, weights=[1.0, 0.0, 2.5, 0.0, 1.0]),
]

prob_cases = []
for i, (n, K, ties) in enumerate([(8, 3, False), (20, 3, True), (50, 6, False), (60, 6, True), (300, 6, False), (40, 4, True), (30, 8, False), (25, 2, False), (40, 2, True)]):
    y, p = informative(n, K, ties)
    for c in range(K):  # make sure every class is present
        y[c] = c
    prob_cases.append(prob_case(f"random n={n} K={K}{' ties' if ties else ''}", y, p, curves=i in (1, 3, 7, 8)))
    if i in (2, 5, 7):
        prob_cases.append(prob_case(f"random n={n} K={K} weighted", y, p, weights=rng.uniform(0.1, 3, size=n).round(3).tolist(), curves=True))
prob_cases += [
    prob_case("perfect", [0, 1, 2, 0, 1, 2], np.eye(3)[[0, 1, 2, 0, 1, 2]] * 0.9 + 0.1 / 3, curves=True),
    prob_case("constant probabilities", [0, 1, 2, 1, 0, 2], np.full((6, 3), 1 / 3), curves=True),
    prob_case("zero probability on the true class", [0, 1, 2, 1], [[0.0, 0.5, 0.5], [0.2, 0.8, 0.0], [1.0, 0.0, 0.0], [0.1, 0.9, 0.0]]),
    prob_case("class absent from truth", [0, 1, 1, 0, 1], random_probs(5, 3), curves=True),
    prob_case("top-k ties", [0, 1, 2, 2], [[0.25, 0.25, 0.25, 0.25], [0.4, 0.3, 0.3, 0.0], [0.1, 0.45, 0.45, 0.0], [0.3, 0.3, 0.2, 0.2]]),
    prob_case("binary half", [0, 1, 1, 0], [[0.5, 0.5], [0.5, 0.5], [0.3, 0.7], [0.8, 0.2]], curves=True),
]

# Bootstrap percentiles (numpy 'linear'): checks the percentile rule, not the RNG.
pct = {"values": rng.random(37).round(6).tolist()}
pct["percentiles"] = {str(q): float(np.percentile(pct["values"], q)) for q in [0, 2.5, 5, 25, 50, 97.5, 100]}

out = {
    "meta": {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "script": "packages/metrics/scripts/make-golden.py",
    },
    "labelCases": label_cases,
    "probCases": prob_cases,
    "percentile": pct,
}
json.dump(clean(out), sys.stdout, separators=(",", ":"), allow_nan=False)
