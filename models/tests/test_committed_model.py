"""The committed default model (models/sensor-chain/1) is intact and reproduces its parity file."""
import hashlib
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from vigia_models.train_sensor_chain import calibrate_all, score_with_onnx

MODEL_DIR = Path(__file__).resolve().parents[1] / "sensor-chain" / "1"
pytestmark = pytest.mark.skipif(not (MODEL_DIR / "card.json").exists(), reason="no committed model")


def test_committed_model_reproduces_parity():
    card = json.loads((MODEL_DIR / "card.json").read_text())
    for f in card["files"]:
        assert hashlib.sha256((MODEL_DIR / f["path"]).read_bytes()).hexdigest() == f["sha256"], f["path"]
    parity = json.loads((MODEL_DIR / "parity.json").read_text())
    assert parity["features"] == card["features"]
    session = lambda f: ort.InferenceSession(str(MODEL_DIR / f), providers=["CPUExecutionProvider"])  # noqa: E731
    chain = session(card["onnx"]["router"]["file"])
    forests = [session(s["file"]) for s in card["onnx"]["scorers"]]
    cluster, raw = score_with_onnx(chain, forests, np.array(parity["inputs"], dtype=np.float64))
    np.testing.assert_array_equal(cluster, parity["cluster"])
    np.testing.assert_allclose(raw, parity["raw"], rtol=0, atol=1e-6)
    score = calibrate_all(cluster, raw, card["calibration"])
    np.testing.assert_allclose(score, parity["score"], rtol=0, atol=1e-5)
    assert max(parity["score"]) > 95  # the synthetic extremes reach the tail
