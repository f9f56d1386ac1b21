"""Evaluation against the producer's ground truth (truth_kind), which is never used to fit."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score


def evaluate(scores: np.ndarray, truth: np.ndarray, entity: np.ndarray, ts_ms: np.ndarray, threshold: float) -> dict:
    """Row-level flag rates per fault kind, the false-alarm rate on normal rows, ROC AUC of the
    score per kind against the normal rows, and episode detection (an episode is a run of
    consecutive rows of one entity with the same fault kind; detected if any row ≥ threshold)."""
    flagged = scores >= threshold
    normal = truth == ""
    out: dict = {
        "threshold": threshold,
        "normal": {
            "rows": int(normal.sum()),
            "flagged": int(flagged[normal].sum()),
            "falseAlarmRate": _rate(flagged[normal].sum(), normal.sum()),
        },
        "faults": {},
    }
    order = np.lexsort((ts_ms, entity))
    t_sorted, e_sorted, f_sorted = truth[order], entity[order], flagged[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (t_sorted[1:] != t_sorted[:-1]) | (e_sorted[1:] != e_sorted[:-1])
    episode_id = np.cumsum(starts) - 1
    for kind in sorted(k for k in set(truth.tolist()) if k != ""):
        rows = truth == kind
        in_kind = t_sorted == kind
        ids = np.unique(episode_id[in_kind])
        detected = np.zeros(episode_id.max() + 1, dtype=bool)
        np.logical_or.at(detected, episode_id[in_kind], f_sorted[in_kind])
        both = rows | normal
        auc = None
        if normal.any():
            auc = round(float(roc_auc_score(rows[both], scores[both])), 4)
        out["faults"][kind] = {
            "rows": int(rows.sum()),
            "flagged": int(flagged[rows].sum()),
            "detectionRate": _rate(flagged[rows].sum(), rows.sum()),
            "meanScore": round(float(scores[rows].mean()), 2),
            "auc": auc,
            "episodes": int(len(ids)),
            "episodesDetected": int(detected[ids].sum()),
        }
    faulty = ~normal
    out["overall"] = {
        "rows": int(len(truth)),
        "faultyRows": int(faulty.sum()),
        "flagged": int(flagged.sum()),
        "precision": _rate((flagged & faulty).sum(), flagged.sum()),
        "recall": _rate((flagged & faulty).sum(), faulty.sum()),
    }
    return out


def _rate(num, den) -> float | None:
    return round(float(num) / float(den), 4) if den else None
