"""Reference feature distributions that later drift checks compare live features with.

Per feature: summary statistics, a quantile table (for KS against the reference CDF,
interpolated linearly between the quantiles) and a fixed-edge histogram (for PSI; live values
below the first edge count in the first bin, above the last edge in the last bin).
"""
from __future__ import annotations

import numpy as np

REFERENCE_PROBABILITIES: tuple[float, ...] = (
    0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0,
)
HISTOGRAM_BINS = 20


def reference_distributions(X: np.ndarray, features: tuple[str, ...]) -> dict:
    out = {
        "rows": int(X.shape[0]),
        "quantileProbabilities": list(REFERENCE_PROBABILITIES),
        "features": {},
    }
    for j, name in enumerate(features):
        col = X[:, j]
        lo, hi = float(col.min()), float(col.max())
        if hi <= lo:  # a constant feature still gets one bin of width 1 around its value
            lo, hi = lo - 0.5, hi + 0.5
        edges = np.linspace(lo, hi, HISTOGRAM_BINS + 1)
        counts, _ = np.histogram(col, bins=edges)
        out["features"][name] = {
            "mean": float(col.mean()),
            "std": float(col.std()),
            "min": float(col.min()),
            "max": float(col.max()),
            "quantiles": [float(v) for v in np.quantile(col, REFERENCE_PROBABILITIES)],
            "histogram": {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]},
        }
    return out
