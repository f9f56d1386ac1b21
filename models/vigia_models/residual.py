"""A regressor's (actual, expected) → relative residual → 0–100, mirrored in TypeScript
(processor/src/domains/trip/onnx/trip-fare-model.ts: fareResidualScore).

- relative residual: r = (actual − expected) / max(expected, floor). The floor (USD for fares)
  keeps the cheapest trips from turning a one-unit meter difference into a large ratio.
- score: r goes through the same percentile → anchors arithmetic as the Isolation Forest
  scores (calibration.py), with the quantile table of r on the training rows as its one
  "cluster": percentile of r among the training residuals, then 0 ↦ 0, alarm quantile ↦ 70,
  a tenth of the rest above it ↦ 85, the training maximum ↦ 95, and linearly on to 100 at
  `rawCeiling`. Only the upper tail scores high: a fare below what was expected (r < 0) lands
  at the bottom of the table, so an undercharge is never a fare anomaly here.
"""
from __future__ import annotations

import numpy as np

from . import calibration as cal

RESIDUAL_METHOD = "relative-residual-percentile"
DEFAULT_FLOOR = 5.0
# r at which the score reaches 100 (a fare five times the expected one), raised to twice the
# training maximum when the training data already hold larger residuals.
DEFAULT_CEILING = 4.0


def relative_residual(actual: np.ndarray | float, expected: np.ndarray | float, floor: float) -> np.ndarray:
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    return (actual - expected) / np.maximum(expected, floor)


def residual_calibration(r: np.ndarray, floor: float, alarm_quantile: float = 0.99, ceiling: float = DEFAULT_CEILING) -> dict:
    """The card's `residual` block from the training rows' relative residuals."""
    if not floor > 0:
        raise ValueError(f"residual floor must be > 0, got {floor}")
    probabilities = list(cal.CALIBRATION_PROBABILITIES)
    anchor_p, anchor_s = cal.score_anchors(alarm_quantile)
    quantiles = cal.quantile_table(r, tuple(probabilities))
    return {
        "method": RESIDUAL_METHOD,
        "definition": "r = (actual - expected) / max(expected, floor); score = percentile of r among the training rows' r "
        "(piecewise-linear in quantiles) mapped through anchors; above the training maximum linear to 100 at rawCeiling",
        "floor": float(floor),
        "threshold": cal.ALARM_SCORE,
        "probabilities": probabilities,
        "anchors": {"percentiles": anchor_p, "scores": anchor_s},
        "rawCeiling": float(max(ceiling, 2.0 * quantiles[-1])),
        "rows": int(len(r)),
        "quantiles": quantiles,
    }


def residual_score(actual: float, expected: float, residual: dict) -> float:
    """0–100 of one (actual, expected); the same operations in the same order as the TS side."""
    r = (float(actual) - float(expected)) / max(float(expected), residual["floor"])
    return cal.calibrated_score(
        r,
        residual["quantiles"],
        residual["probabilities"],
        residual["anchors"]["percentiles"],
        residual["anchors"]["scores"],
        residual["rawCeiling"],
    )


def residual_scores(actual: np.ndarray, expected: np.ndarray, residual: dict) -> np.ndarray:
    return np.array([residual_score(a, e, residual) for a, e in zip(actual, expected)], dtype=np.float64)
