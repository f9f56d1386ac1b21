import hashlib
import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from conftest import FAST, synthetic_columns, write_parquet
from vigia_models.feature_sets import FeatureSetMismatch, read_feature_parquet
from vigia_models.train_sensor_chain import main, train

REQUIRED = [
    "schemaVersion", "domain", "name", "version", "created", "featureSet", "features", "outputs", "onnx",
    "files", "training", "params", "calibration", "evaluation", "checks", "reference", "toolchain",
]


def test_card_is_complete(trained, features_parquet):
    out, card = trained
    assert [k for k in REQUIRED if k not in card] == []
    assert json.loads((out / "card.json").read_text()) == card
    assert (card["domain"], card["name"], card["version"]) == ("sensor", "sensor-chain", "7")
    assert card["featureSet"] == "sensor-chain@1"
    assert card["features"] == ["pressure", "temperature", "flow", "hour_sin", "hour_cos", "weekend"]
    assert [o["name"] for o in card["outputs"]] == ["cluster", "raw", "score"]
    k = card["params"]["kmeans"]["k"]
    assert 2 <= k <= 3
    assert [s["cluster"] for s in card["onnx"]["scorers"]] == list(range(k))
    assert [c["cluster"] for c in card["calibration"]["clusters"]] == list(range(k))
    t = card["training"]
    assert t["rows"] == 2700 and t["entities"] == 3
    assert t["sha256"] == hashlib.sha256(features_parquet.read_bytes()).hexdigest()
    assert t["tsMin"] < t["tsMax"]
    assert set(card["evaluation"]["faults"]) == {"leak", "spike"}
    assert 0 <= card["evaluation"]["normal"]["falseAlarmRate"] <= 0.05
    assert card["checks"]["sklearnParity"]["clusterMismatches"] == 0
    assert set(card["reference"]["features"]) == set(card["features"])
    for ref in card["reference"]["features"].values():
        assert sum(ref["histogram"]["counts"]) == 2700
        assert ref["quantiles"] == sorted(ref["quantiles"])


def test_files_match_the_card_and_load_in_onnxruntime(trained):
    out, card = trained
    for f in card["files"]:
        data = (out / f["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"]
    X = np.random.default_rng(3).normal(size=(17, 6)) + [7, 6, 1000, 0, 0, 0]
    router = card["onnx"]["router"]
    onnx.checker.check_model(str(out / router["file"]))
    label = ort.InferenceSession(str(out / router["file"]), providers=["CPUExecutionProvider"]).run([router["output"]], {router["input"]: X})[0]
    assert label.dtype == np.int64 and label.shape == (17,)
    assert set(label.tolist()) <= set(range(card["params"]["kmeans"]["k"]))
    for s in card["onnx"]["scorers"]:
        onnx.checker.check_model(str(out / s["file"]))
        raw = ort.InferenceSession(str(out / s["file"]), providers=["CPUExecutionProvider"]).run([s["output"]], {s["input"]: X})[0]
        assert raw.dtype == np.float32 and raw.shape == (17,)
        assert ((raw > 0) & (raw <= 1)).all()


def test_same_seed_same_model_other_seed_other_forests(tmp_path, features_parquet):
    a = train(features_parquet, tmp_path / "a", version="x", created="2026-01-01T00:00:00Z", **FAST)
    b = train(features_parquet, tmp_path / "b", version="x", created="2026-01-01T00:00:00Z", **FAST)
    assert a == b
    for name in ["card.json", "parity.json", *[f["path"] for f in a["files"]]]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    c = train(features_parquet, tmp_path / "c", version="x", seed=7, created="2026-01-01T00:00:00Z", **FAST)
    assert (tmp_path / "c" / "iforest-0.onnx").read_bytes() != (tmp_path / "a" / "iforest-0.onnx").read_bytes()
    assert c["params"]["seed"] == 7


@pytest.mark.parametrize(
    "change",
    [
        lambda cols: cols.pop("flow"),
        lambda cols: cols.__setitem__("pressure_bar", cols.pop("pressure")),
        lambda cols: cols.__setitem__("extra", list(cols["flow"])),
        # same names, wrong order: temperature before pressure
        lambda cols: cols.update({k: cols.pop(k) for k in ["pressure", "flow", "hour_sin", "hour_cos", "weekend", "truth_kind"]}),
    ],
    ids=["missing", "renamed", "extra", "reordered"],
)
def test_feature_check_rejects_other_columns(tmp_path, change):
    cols = synthetic_columns(entities=1, rows_per_entity=50)
    change(cols)
    path = write_parquet(tmp_path / "bad.parquet", cols)
    with pytest.raises(FeatureSetMismatch, match="sensor-chain@1"):
        read_feature_parquet(path)
    assert main(["--features", str(path), "--out", str(tmp_path / "m")]) == 2
    assert not (tmp_path / "m").exists()


def test_truth_kind_is_optional_and_never_fitted(tmp_path, features_parquet, trained):
    cols = synthetic_columns()
    cols.pop("truth_kind")
    card = train(write_parquet(tmp_path / "f.parquet", cols), tmp_path / "m", created="2026-01-01T00:00:00Z", **FAST)
    assert card["evaluation"] is None and card["training"]["truthCounts"] is None
    # Same features with and without labels → the same forests.
    _, labelled = trained
    assert [f["sha256"] for f in card["files"] if f["path"].endswith(".onnx")] == [
        f["sha256"] for f in labelled["files"] if f["path"].endswith(".onnx")
    ]


def test_non_finite_features_are_rejected(tmp_path):
    cols = synthetic_columns(entities=1, rows_per_entity=50)
    cols["flow"][3] = float("nan")
    with pytest.raises(FeatureSetMismatch, match="non-finite"):
        read_feature_parquet(write_parquet(tmp_path / "nan.parquet", cols))
