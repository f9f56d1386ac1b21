import numpy as np
import pytest

from vigia_models import calibration as cal


def _score(raw, q, alarm=0.99):
    ap, asc = cal.score_anchors(alarm)
    return cal.calibrated_score(raw, q, list(cal.CALIBRATION_PROBABILITIES), ap, asc)


def test_monotone_and_bounded():
    train = np.random.default_rng(0).beta(8, 8, size=5000) * 0.5 + 0.3
    q = cal.quantile_table(train)
    grid = np.linspace(0.0, 1.0, 20001)
    s = np.array([_score(r, q) for r in grid])
    assert (np.diff(s) >= 0).all()
    assert s[0] == 0 and s[-1] == 100
    assert ((s >= 0) & (s <= 100)).all()


def test_monotone_with_tied_quantiles():
    q = cal.quantile_table(np.array([0.4] * 900 + [0.5] * 90 + [0.7] * 10))
    s = [_score(r, q) for r in np.linspace(0.3, 1.0, 5001)]
    assert all(b >= a for a, b in zip(s, s[1:]))


def test_anchors():
    train = np.random.default_rng(1).uniform(0.3, 0.7, size=20000)
    q = cal.quantile_table(train)
    probs = list(cal.CALIBRATION_PROBABILITIES)
    assert _score(q[probs.index(0.99)], q) == pytest.approx(70)
    assert _score(q[probs.index(0.999)], q) == pytest.approx(85)
    assert _score(q[-1], q) == pytest.approx(95)
    assert _score(q[-1] + (1 - q[-1]) / 2, q) == pytest.approx(97.5)
    # about 1 % of the training data scores ≥ 70 (the anomaly threshold)
    flagged = np.mean([_score(r, q) >= 70 for r in train])
    assert 0.005 <= flagged <= 0.015


def test_alarm_quantile_moves_the_threshold():
    train = np.random.default_rng(2).uniform(0.3, 0.7, size=20000)
    q = cal.quantile_table(train)
    flagged = np.mean([_score(r, q, alarm=0.95) >= 70 for r in train])
    assert 0.04 <= flagged <= 0.06
    with pytest.raises(ValueError):
        cal.score_anchors(1.0)
