"""The directly written HistGradientBoostingRegressor graph against scikit-learn's predict."""
import numpy as np
import onnxruntime as ort
import pytest
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from vigia_models.regressor_onnx import hgb_regressor_to_onnx

TOLERANCE = 1e-5


@pytest.fixture(autouse=True)
def one_openmp_thread():
    # OpenMP oversubscription on a shared machine slows the boosting down many times over.
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def _run(model, X):
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(["expected"], {"X": X})[0]


def _data(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 20, size=(n, 5))
    y = 3 + 3.5 * np.floor(X[:, 0] * 5) / 5 + 0.7 * np.floor(X[:, 1]) + 20 * (X[:, 4] > 18) + rng.normal(0, 0.2, n)
    return X, y


@pytest.mark.parametrize("loss", ["absolute_error", "squared_error", "quantile"])
def test_expected_equals_predict(loss):
    X, y = _data()
    kw = {"quantile": 0.5} if loss == "quantile" else {}
    model = HistGradientBoostingRegressor(loss=loss, max_iter=60, max_leaf_nodes=31, early_stopping=False, random_state=0, **kw).fit(X, y)
    fresh = np.vstack([_data(2000, seed=3)[0], X[:300], X[:50] * 5.0 - 40.0])
    got = _run(hgb_regressor_to_onnx(model, 5, "t"), fresh)
    assert got.dtype == np.float64 and got.shape == (len(fresh),)
    assert np.abs(got - model.predict(fresh)).max() <= TOLERANCE
    assert np.abs(got - model.predict(fresh)).max() < 1e-9  # float64 all the way: only the addition order differs


def test_missing_values_follow_sklearn():
    X, y = _data()
    X[::7, 1] = np.nan
    model = HistGradientBoostingRegressor(loss="absolute_error", max_iter=40, early_stopping=False, random_state=0).fit(X, y)
    fresh = _data(1000, seed=5)[0]
    fresh[::3, 1] = np.nan
    fresh[::5, 0] = np.nan  # never missing in training: sklearn sends it to the child with more samples
    np.testing.assert_allclose(_run(hgb_regressor_to_onnx(model, 5, "t"), fresh), model.predict(fresh), rtol=0, atol=1e-9)


def test_single_leaf_trees():
    X, _ = _data(500)
    model = HistGradientBoostingRegressor(max_iter=5, early_stopping=False).fit(X, np.full(500, 7.25))
    assert all(len(p[0].nodes) == 1 for p in model._predictors)
    np.testing.assert_allclose(_run(hgb_regressor_to_onnx(model, 5, "t"), X[:20]), model.predict(X[:20]), rtol=0, atol=1e-12)


def test_non_identity_link_is_refused():
    X, y = _data(500)
    model = HistGradientBoostingRegressor(loss="poisson", max_iter=5).fit(X, np.abs(y))
    with pytest.raises(ValueError, match="identity"):
        hgb_regressor_to_onnx(model, 5, "t")
