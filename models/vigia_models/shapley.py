"""Exact Shapley values of a score over named feature groups, interventional, against a
background set — the arithmetic of processor/src/domains/trade/group-shapley.ts:

    v(S) = mean over background rows b of f(x with the groups in S from x, the rest from b)
    φ_i  = Σ_{S ⊆ N∖{i}} |S|! (k − |S| − 1)! / k! · (v(S ∪ {i}) − v(S))

Coalition S is the bit mask whose bit g is set when group g comes from x. All 2^k · B rows are
scored in one call of `f`.
"""
from __future__ import annotations

from math import factorial
from typing import Callable

import numpy as np


def coalition_rows(x: np.ndarray, background: np.ndarray, group_of: np.ndarray, k: int) -> np.ndarray:
    """(2^k · B) × F rows, coalition-major: row m·B + b is coalition m on background row b."""
    masks = np.arange(1 << k)
    from_x = ((masks[:, None] >> group_of[None, :]) & 1).astype(bool)  # 2^k × F
    rows = np.where(from_x[:, None, :], x[None, None, :], background[None, :, :])
    return rows.reshape(-1, x.shape[0])


def shapley_from_values(v: np.ndarray, k: int) -> np.ndarray:
    phi = np.zeros(k)
    for i in range(k):
        for m in range(1 << k):
            if m >> i & 1:
                continue
            s = bin(m).count("1")
            w = factorial(s) * factorial(k - s - 1) / factorial(k)
            phi[i] += w * (v[m | (1 << i)] - v[m])
    return phi


def group_shapley(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, background: np.ndarray, group_of: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """φ per group and the baseline v(∅) = mean f(background)."""
    B = background.shape[0]
    scores = f(coalition_rows(x, background, group_of, k)).reshape(1 << k, B)
    v = scores.mean(axis=1)
    return shapley_from_values(v, k), float(v[0])
