"""Raw anomaly score → percentile within the cluster's training scores → 0–100.

The TypeScript scorer (processor/src/adapters/onnx/calibration.ts) implements the same
arithmetic in the same order, so both sides give bit-identical scores for the same raw value.

- percentile: piecewise-linear between the stored quantiles (0 below the smallest, 1 at the
  largest); with tied quantiles the highest probability of the tie wins, so it never decreases.
- score: piecewise-linear in the percentile through the anchors; with the default alarm
  quantile 0.99 that is 0 ↦ 0, 0.99 ↦ 70 (the processor's anomaly threshold), 0.999 ↦ 85,
  1 (the cluster's training maximum) ↦ 95. Above the training maximum the score rises
  linearly from 95 to 100 at `raw_ceiling` (1.0, the Isolation Forest score's upper bound).
  So minor = top 1 % of the cluster's training scores, major = top 0.1 %, critical = beyond
  anything seen in training.
"""
from __future__ import annotations

import numpy as np

# Where the quantile table is sampled: coarse in the bulk, dense in the upper tail where the
# alarm threshold lives. 27 numbers per cluster.
CALIBRATION_PROBABILITIES: tuple[float, ...] = tuple(
    [round(i * 0.05, 2) for i in range(20)] + [0.96, 0.97, 0.98, 0.99, 0.995, 0.999, 1.0]
)
ALARM_SCORE = 70.0
TAIL_START_SCORE = 95.0
RAW_CEILING = 1.0


def score_anchors(alarm_quantile: float) -> tuple[list[float], list[float]]:
    """Percentile → score anchors: alarm quantile ↦ 70, a tenth of the rest above it ↦ 85, max ↦ 95."""
    if not 0.5 <= alarm_quantile < 1.0:
        raise ValueError(f"alarm quantile must be in [0.5, 1), got {alarm_quantile}")
    major = 1.0 - (1.0 - alarm_quantile) / 10.0
    return [0.0, alarm_quantile, major, 1.0], [0.0, ALARM_SCORE, 85.0, TAIL_START_SCORE]


def quantile_table(raw: np.ndarray, probabilities: tuple[float, ...] = CALIBRATION_PROBABILITIES) -> list[float]:
    q = np.quantile(np.asarray(raw, dtype=np.float64), probabilities, method="linear")
    # np.quantile is monotone in exact arithmetic; guard against last-bit reversals.
    return [float(v) for v in np.maximum.accumulate(q)]


def percentile(raw: float, quantiles: list[float], probabilities: list[float]) -> float:
    if raw < quantiles[0]:
        return 0.0
    i = _last_at_or_below(quantiles, raw)
    if i >= len(quantiles) - 1:
        return 1.0
    q0, q1 = quantiles[i], quantiles[i + 1]
    p0, p1 = probabilities[i], probabilities[i + 1]
    return p0 + (p1 - p0) * (raw - q0) / (q1 - q0)


def calibrated_score(
    raw: float,
    quantiles: list[float],
    probabilities: list[float],
    anchor_percentiles: list[float],
    anchor_scores: list[float],
    raw_ceiling: float = RAW_CEILING,
) -> float:
    top = quantiles[-1]
    if raw > top:
        if raw_ceiling <= top:
            return 100.0
        frac = min(1.0, (raw - top) / (raw_ceiling - top))
        return anchor_scores[-1] + (100.0 - anchor_scores[-1]) * frac
    p = percentile(raw, quantiles, probabilities)
    j = min(_last_at_or_below(anchor_percentiles, p), len(anchor_percentiles) - 2)
    a0, a1 = anchor_percentiles[j], anchor_percentiles[j + 1]
    s0, s1 = anchor_scores[j], anchor_scores[j + 1]
    return s0 + (s1 - s0) * (p - a0) / (a1 - a0)


def _last_at_or_below(sorted_values: list[float], x: float) -> int:
    """Index of the last element ≤ x (−1 when none); the same binary search as the TS side."""
    lo, hi = 0, len(sorted_values)
    while lo < hi:
        mid = (lo + hi) >> 1
        if sorted_values[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


def calibrated_scores(
    raw: np.ndarray,
    quantiles: list[float],
    probabilities: list[float],
    anchor_percentiles: list[float],
    anchor_scores: list[float],
    raw_ceiling: float = RAW_CEILING,
) -> np.ndarray:
    """`calibrated_score` over an array: the same float64 operations in the same order, so
    every element is bit-identical to the scalar function (tested); for large evaluations."""
    raw = np.asarray(raw, dtype=np.float64)
    q = np.asarray(quantiles, dtype=np.float64)
    pr = np.asarray(probabilities, dtype=np.float64)
    ap = np.asarray(anchor_percentiles, dtype=np.float64)
    sc = np.asarray(anchor_scores, dtype=np.float64)
    top = q[-1]
    i = np.clip(np.searchsorted(q, raw, side="right") - 1, 0, len(q) - 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = pr[i] + (pr[i + 1] - pr[i]) * (raw - q[i]) / (q[i + 1] - q[i])
    p = np.where(raw < q[0], 0.0, np.where(raw >= top, 1.0, p))
    j = np.clip(np.searchsorted(ap, p, side="right") - 1, 0, len(ap) - 2)
    score = sc[j] + (sc[j + 1] - sc[j]) * (p - ap[j]) / (ap[j + 1] - ap[j])
    if raw_ceiling <= top:
        tail = np.full_like(raw, 100.0)
    else:
        tail = sc[-1] + (100.0 - sc[-1]) * np.minimum(1.0, (raw - top) / (raw_ceiling - top))
    return np.where(raw > top, tail, score)
