import numpy as np
import pytest

from vigia_models import calibration as cal
from vigia_models.residual import relative_residual, residual_calibration, residual_score, residual_scores


def _calibration(alarm=0.99):
    r = np.random.default_rng(0).laplace(0, 0.02, size=20000)
    return r, residual_calibration(r, floor=5.0, alarm_quantile=alarm)


def test_relative_residual_uses_the_floor():
    assert relative_residual(30.0, 20.0, 5.0) == pytest.approx(0.5)
    assert relative_residual(6.0, 3.7, 5.0) == pytest.approx(2.3 / 5.0)  # not 2.3 / 3.7
    np.testing.assert_allclose(relative_residual(np.array([10.0, 5.0]), np.array([10.0, 10.0]), 5.0), [0.0, -0.5])


def test_anchors_and_tail():
    r, c = _calibration()
    probs = c["probabilities"]
    q = c["quantiles"]
    expected = 20.0
    at = lambda rr: expected * (1 + rr)  # noqa: E731  actual fare with relative residual rr (expected ≥ floor)
    assert residual_score(at(q[probs.index(0.99)]), expected, c) == pytest.approx(70)
    assert residual_score(at(q[probs.index(0.999)]), expected, c) == pytest.approx(85)
    assert residual_score(at(q[-1]), expected, c) == pytest.approx(95)
    assert residual_score(at(c["rawCeiling"]), expected, c) == pytest.approx(100)
    assert residual_score(expected * 50, expected, c) == 100
    assert c["rawCeiling"] == 4.0
    flagged = np.mean(residual_scores(expected * (1 + r), np.full(len(r), expected), c) >= 70)
    assert 0.005 <= flagged <= 0.015


def test_monotone_in_the_actual_fare_and_undercharges_score_low():
    _, c = _calibration()
    actual = np.linspace(0, 120, 24001)
    s = residual_scores(actual, np.full(len(actual), 20.0), c)
    assert (np.diff(s) >= 0).all() and s[0] == 0 and s[-1] == 100
    assert residual_score(10.0, 20.0, c) == 0  # half the expected fare


def test_ceiling_grows_with_the_training_maximum():
    r = np.concatenate([np.random.default_rng(1).normal(0, 0.02, 5000), [3.0]])
    assert residual_calibration(r, 5.0)["rawCeiling"] == 6.0


def test_vectorized_scores_equal_the_scalar_ones():
    r, c = _calibration()
    actual = np.concatenate([20 * (1 + r[:3000]), np.linspace(0, 200, 3000)])
    expected = np.full(len(actual), 20.0)
    raw = relative_residual(actual, expected, c["floor"])
    vec = cal.calibrated_scores(raw, c["quantiles"], c["probabilities"], c["anchors"]["percentiles"], c["anchors"]["scores"], c["rawCeiling"])
    np.testing.assert_array_equal(vec, residual_scores(actual, expected, c))


def test_bad_parameters():
    with pytest.raises(ValueError):
        residual_calibration(np.zeros(10), floor=0.0)
    with pytest.raises(ValueError):
        residual_calibration(np.zeros(10), floor=5.0, alarm_quantile=1.0)
