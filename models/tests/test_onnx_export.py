"""The ONNX graphs against scikit-learn's own predictions."""
import numpy as np
import onnxruntime as ort
from sklearn.cluster import KMeans
from sklearn.ensemble import IsolationForest
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from vigia_models.onnx_export import chain_to_onnx, iforest_to_onnx

# raw = 2^(-sum of per-tree float64 leaf weights), summed by onnxruntime in float32 → ~1e-7.
RAW_TOLERANCE = 1e-5


def _run(model, output, X):
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run([output], {"X": X})[0]


def _data(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6)) * [0.4, 3.0, 350.0, 0.7, 0.7, 0.45] + [7.0, 6.0, 1200.0, 0.0, 0.0, 0.3]
    X[:, 5] = (X[:, 5] > 0.5).astype(float)
    return X


def test_chain_labels_equal_sklearn():
    X = _data()
    scaler = StandardScaler().fit(X)
    km = KMeans(n_clusters=5, n_init=2, random_state=1).fit(scaler.transform(X))
    pipe = Pipeline([("scaler", scaler), ("kmeans", km)])
    fresh = _data(3000, seed=9)
    np.testing.assert_array_equal(_run(chain_to_onnx(pipe, 6), "label", fresh), pipe.predict(fresh))


def test_iforest_raw_is_minus_score_samples():
    X = _data()
    forest = IsolationForest(n_estimators=50, max_samples=128, max_features=1.0, random_state=3).fit(X)
    fresh = np.vstack([_data(3000, seed=11), X[:500], X[:20] * 3.0])
    raw = _run(iforest_to_onnx(forest, 6, "t"), "raw", fresh)
    expected = -forest.score_samples(fresh)
    assert raw.dtype == np.float32
    np.testing.assert_allclose(raw.astype(np.float64), expected, rtol=0, atol=RAW_TOLERANCE)
    assert np.abs(raw - expected).max() < 1e-6  # in practice float32 rounding only


def test_iforest_with_feature_subsets():
    # max_features < 1 permutes/subsets features per tree; the graph must map them back.
    X = _data(2000, seed=5)
    forest = IsolationForest(n_estimators=30, max_samples=64, max_features=0.5, random_state=4).fit(X)
    raw = _run(iforest_to_onnx(forest, 6, "t"), "raw", X)
    np.testing.assert_allclose(raw.astype(np.float64), -forest.score_samples(X), rtol=0, atol=RAW_TOLERANCE)
