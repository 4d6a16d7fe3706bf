#!/usr/bin/python3
"""scikit-learn peer of bench/metrics.mjs: the same full report on the same predictions.

Usage: /usr/bin/python3 metrics_sklearn.py data.json RUNS
Prints one JSON line: {"ms": [run times], "values": {...}} (timing measured inside Python,
excluding interpreter start and imports).
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn import metrics as M

warnings.filterwarnings("ignore")


def report(y, p, patients, by, resamples, seed, classes):
    n, K = p.shape
    labels = list(range(K))
    yp = p.argmax(axis=1)
    out = {}
    out["accuracy"] = M.accuracy_score(y, yp)
    out["balancedAccuracy"] = M.balanced_accuracy_score(y, yp)
    out["perClass"] = M.precision_recall_fscore_support(y, yp, labels=labels, zero_division=0)
    for avg in ("macro", "weighted"):
        out[avg] = M.precision_recall_fscore_support(y, yp, labels=labels, average=avg, zero_division=0)
    out["top2"] = M.top_k_accuracy_score(y, p, k=2, labels=labels)
    out["cm"] = M.confusion_matrix(y, yp, labels=labels)
    out["cmTrue"] = M.confusion_matrix(y, yp, labels=labels, normalize="true")
    out["kappa"] = [M.cohen_kappa_score(y, yp, labels=labels, weights=w) for w in (None, "linear", "quadratic")]
    out["mcc"] = M.matthews_corrcoef(y, yp)
    out["rocAucPerClass"] = M.roc_auc_score(y, p, multi_class="ovr", average=None, labels=labels)
    out["rocAucMacro"] = M.roc_auc_score(y, p, multi_class="ovr", average="macro", labels=labels)
    out["rocAucWeighted"] = M.roc_auc_score(y, p, multi_class="ovr", average="weighted", labels=labels)
    out["rocCurves"] = [M.roc_curve(y, p[:, c], pos_label=c) for c in range(K)]
    out["prCurves"] = [M.precision_recall_curve(y, p[:, c], pos_label=c) for c in range(K)]
    yb = np.eye(K)[y]
    out["ap"] = M.average_precision_score(yb, p, average=None)
    out["apMacro"] = M.average_precision_score(yb, p, average="macro")
    out["apWeighted"] = M.average_precision_score(yb, p, average="weighted")
    out["logLoss"] = M.log_loss(y, p, labels=labels)
    out["brier"] = float(((p - yb) ** 2).sum(axis=1).mean())
    conf = p.max(axis=1)
    hit = (yp == y).astype(float)
    edges = np.linspace(0, 1, 16)
    ece = 0.0
    for b in range(15):
        m = (conf > edges[b]) & (conf <= edges[b + 1])
        if m.any():
            ece += m.mean() * abs(hit[m].mean() - conf[m].mean())
    out["ece"] = ece
    out["report"] = M.classification_report(y, yp, labels=labels, target_names=classes, output_dict=True, zero_division=0)
    groups_out = {}
    for name, keys in by.items():
        keys = np.asarray(keys)
        rows = []
        for g in sorted(set(keys.tolist())):
            m = keys == g
            yt, ypp, pp = y[m], yp[m], p[m]
            r = {"accuracy": M.accuracy_score(yt, ypp), "balancedAccuracy": M.balanced_accuracy_score(yt, ypp)}
            r["macroF1"] = M.f1_score(yt, ypp, labels=labels, average="macro", zero_division=0)
            r["recall"] = M.recall_score(yt, ypp, labels=labels, average=None, zero_division=0)
            aucs = [M.roc_auc_score(yt == c, pp[:, c]) for c in range(K) if 0 < (yt == c).sum() < len(yt)]
            r["rocAucMacro"] = float(np.mean(aucs)) if aucs else None
            rows.append(r)
        groups_out[name] = rows
    out["by"] = groups_out
    # Cluster bootstrap: resample patients, each brings all its images.
    rng = np.random.default_rng(seed)
    uniq, inv = np.unique(patients, return_inverse=True)
    members = [np.flatnonzero(inv == u) for u in range(len(uniq))]
    vals = {"accuracy": [], "balancedAccuracy": [], "macroF1": [], "rocAucMacro": []}
    for _ in range(resamples):
        draw = rng.integers(0, len(uniq), size=len(uniq))
        idx = np.concatenate([members[d] for d in draw])
        yt, ypp, pp = y[idx], yp[idx], p[idx]
        vals["accuracy"].append(M.accuracy_score(yt, ypp))
        vals["balancedAccuracy"].append(M.balanced_accuracy_score(yt, ypp))
        vals["macroF1"].append(M.f1_score(yt, ypp, labels=labels, average="macro", zero_division=0))
        try:
            vals["rocAucMacro"].append(M.roc_auc_score(yt, pp, multi_class="ovr", labels=labels))
        except ValueError:
            pass
    out["bootstrap"] = {k: [float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))] for k, v in vals.items()}
    return out


def main():
    data = json.load(open(sys.argv[1]))
    runs = int(sys.argv[2])
    y = np.asarray(data["yTrue"])
    p = np.asarray(data["yProb"], dtype=float).reshape(len(y), -1)
    args = (y, p, np.asarray(data["patients"]), data["by"], data["resamples"], 1, data["classes"])
    ms = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = report(*args)
        ms.append((time.perf_counter() - t0) * 1000)
    values = {
        "accuracy": out["accuracy"],
        "balancedAccuracy": out["balancedAccuracy"],
        "macroF1": float(out["macro"][2]),
        "weightedF1": float(out["weighted"][2]),
        "rocAucMacro": out["rocAucMacro"],
        "averagePrecisionMacro": out["apMacro"],
        "logLoss": out["logLoss"],
        "brierScore": out["brier"],
        "ece": out["ece"],
        "cohenKappa": out["kappa"][0],
        "matthewsCorrcoef": out["mcc"],
        "bootstrap": out["bootstrap"],
    }
    print(json.dumps({"ms": ms, "values": values}))


main()
