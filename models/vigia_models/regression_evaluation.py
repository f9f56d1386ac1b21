"""Evaluation of a regressor and its residual score against truth_kind (never used to fit)."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score

# Where the per-kind residual distributions are summarised.
RESIDUAL_SUMMARY_PROBABILITIES: tuple[float, ...] = (0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999, 1.0)


def regression_metrics(y: np.ndarray, pred: np.ndarray) -> dict:
    err = np.asarray(y, dtype=np.float64) - np.asarray(pred, dtype=np.float64)
    ss_tot = float(((y - y.mean()) ** 2).sum())
    return {
        "rows": int(len(y)),
        "mae": _r(np.abs(err).mean()),
        "rmse": _r(np.sqrt((err**2).mean())),
        "r2": _r(1.0 - float((err**2).sum()) / ss_tot) if ss_tot > 0 else None,
        "medianAbsError": _r(np.median(np.abs(err))),
        "p99AbsError": _r(np.quantile(np.abs(err), 0.99)),
        "meanError": _r(err.mean()),
    }


def residual_by_kind(r: np.ndarray, scores: np.ndarray, truth: np.ndarray, threshold: float) -> dict:
    """Per truth kind ('' = normal): the distribution of the relative residual r, the share of
    rows with score ≥ threshold, and the ROC AUC of r against the normal rows."""
    normal = truth == ""
    out = {}
    for kind in sorted(set(truth.tolist())):
        rows = truth == kind
        entry = {
            "rows": int(rows.sum()),
            "residualQuantiles": [_r(v) for v in np.quantile(r[rows], RESIDUAL_SUMMARY_PROBABILITIES)],
            "meanScore": round(float(scores[rows].mean()), 2),
            "flagged": int((scores[rows] >= threshold).sum()),
            "flaggedRate": _rate((scores[rows] >= threshold).sum(), rows.sum()),
            "auc": None,
        }
        if kind != "" and normal.any():
            both = rows | normal
            entry["auc"] = round(float(roc_auc_score(rows[both], r[both])), 4)
        out[kind] = entry
    return out


def _r(x) -> float:
    return round(float(x), 6)


def _rate(num, den) -> float | None:
    return round(float(num) / float(den), 4) if den else None
