"""Which training rows a parity file carries: up to 10 rows of every ground-truth kind (so each
kind's region of the input space is checked), random rows for the rest, and room for the
synthetic extremes each trainer adds beyond its training ranges (the calibration tail)."""

from __future__ import annotations

import numpy as np


def pick_parity_rows(truth_kind: np.ndarray | None, pool: np.ndarray, n_rows: int, rng: np.random.Generator) -> tuple[np.ndarray, list[str], int]:
    """Indices into the feature matrix (drawn from `pool`), their source labels, and how many
    synthetic extremes the caller should add (n_rows // 15, at least 1)."""
    picks: list[int] = []
    sources: list[str] = []
    if truth_kind is not None:
        for kind in sorted(set(truth_kind[pool].tolist()) - {""}):
            idx = pool[truth_kind[pool] == kind]
            chosen = rng.choice(idx, size=min(10, len(idx)), replace=False)
            picks += chosen.tolist()
            sources += [kind] * len(chosen)
    n_extreme = max(1, n_rows // 15)
    n_random = max(0, n_rows - len(picks) - n_extreme)
    chosen = rng.choice(pool, size=min(n_random, len(pool)), replace=False)
    picks += chosen.tolist()
    sources += ["train"] * len(chosen)
    return np.array(picks, dtype=np.int64), sources, n_extreme
