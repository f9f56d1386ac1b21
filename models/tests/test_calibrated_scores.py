import numpy as np

from vigia_models import calibration as cal


def test_vectorized_equals_scalar_bit_for_bit():
    rng = np.random.default_rng(0)
    probs = list(cal.CALIBRATION_PROBABILITIES)
    for train in (rng.beta(8, 8, size=5000) * 0.5 + 0.3, np.array([0.4] * 900 + [0.5] * 90 + [0.7] * 10)):
        q = cal.quantile_table(train)
        for alarm in (0.99, 0.95):
            ap, asc = cal.score_anchors(alarm)
            raw = np.concatenate([np.linspace(0, 1.2, 6001), train[:500], q])
            scalar = np.array([cal.calibrated_score(float(r), q, probs, ap, asc) for r in raw])
            np.testing.assert_array_equal(cal.calibrated_scores(raw, q, probs, ap, asc), scalar)


def test_ceiling_at_or_below_the_top():
    q = cal.quantile_table(np.linspace(0.3, 0.7, 1000))
    ap, asc = cal.score_anchors(0.99)
    s = cal.calibrated_scores(np.array([0.71, 2.0]), q, list(cal.CALIBRATION_PROBABILITIES), ap, asc, raw_ceiling=0.5)
    assert s.tolist() == [100.0, 100.0]
