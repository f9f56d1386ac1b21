import hashlib
import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from conftest import write_parquet
from trip_data import cell_columns
from vigia_models.feature_sets import TRIP_CELL_FEATURES, FeatureSetMismatch
from vigia_models.train_sensor_chain import calibrate_all
from vigia_models.train_trip_demand import DEMAND_FEATURES, main, train

FAST = dict(n_estimators=30, max_samples=128, parity_rows=60)
CREATED = "2026-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def cell_parquet(tmp_path_factory):
    return write_parquet(tmp_path_factory.mktemp("trip") / "trip-cell.parquet", cell_columns())


@pytest.fixture(scope="module")
def demand_model(tmp_path_factory, cell_parquet):
    out = tmp_path_factory.mktemp("demand") / "4"
    return out, train(cell_parquet, out, created=CREATED, **FAST)


def test_card_is_a_chain_without_router(demand_model, cell_parquet):
    out, card = demand_model
    assert json.loads((out / "card.json").read_text()) == card
    assert (card["kind"], card["domain"], card["name"], card["version"]) == ("chain", "trip", "trip-demand", "4")
    assert card["featureSet"] == "trip-cell@1" and card["features"] == list(DEMAND_FEATURES)
    assert set(card["features"]) <= set(TRIP_CELL_FEATURES)
    assert card["onnx"]["router"] is None
    assert [s["cluster"] for s in card["onnx"]["scorers"]] == [0]
    assert [c["cluster"] for c in card["calibration"]["clusters"]] == [0]
    assert card["calibration"]["method"] == "cluster-percentile"
    rf = card["params"]["rowFilter"]
    assert rf["rowsUsed"] + rf["rowsDropped"] == card["training"]["rows"] == 5760
    assert rf["rowsDropped"] == 48 * 24  # the warm-up boundaries
    assert card["calibration"]["clusters"][0]["rows"] == rf["rowsUsed"]
    assert card["training"]["sha256"] == hashlib.sha256(cell_parquet.read_bytes()).hexdigest()
    assert card["checks"]["sklearnParity"]["maxAbsRawDiff"] <= 1e-5
    assert set(card["reference"]["features"]) == set(card["features"])


def test_evaluation(demand_model):
    _, card = demand_model
    ev = card["evaluation"]
    assert set(ev["faults"]) == {"surge", "collapse"}
    assert ev["faults"]["surge"]["auc"] > 0.9 and ev["faults"]["surge"]["episodesDetected"] == 1
    assert ev["normal"]["falseAlarmRate"] <= 0.02
    assert set(ev["details"]["byResolution"]) == {"8", "9"}
    assert ev["details"]["scoreQuantiles"]["surge"][-1] > 70


def test_onnx_and_parity_file(demand_model):
    out, card = demand_model
    for f in card["files"]:
        data = (out / f["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"]
    s = card["onnx"]["scorers"][0]
    onnx.checker.check_model(str(out / s["file"]))
    parity = json.loads((out / "parity.json").read_text())
    assert parity["features"] == card["features"] and parity["inputFeatures"] == list(TRIP_CELL_FEATURES)
    full = np.array(parity["inputs"], dtype=np.float64)
    assert full.shape[1] == len(TRIP_CELL_FEATURES)
    X = full[:, [TRIP_CELL_FEATURES.index(f) for f in card["features"]]]
    raw = ort.InferenceSession(str(out / s["file"]), providers=["CPUExecutionProvider"]).run([s["output"]], {s["input"]: X})[0]
    assert raw.dtype == np.float32 and ((raw > 0) & (raw <= 1)).all()
    np.testing.assert_array_equal(raw.astype(np.float64), parity["raw"])
    np.testing.assert_array_equal(calibrate_all(np.zeros(len(raw), dtype=int), raw.astype(np.float64), card["calibration"]), parity["score"])
    assert max(parity["score"]) >= 95 and min(parity["score"]) < 70  # extremes reach the tail


def test_same_seed_same_model(tmp_path, cell_parquet, demand_model):
    _, a = demand_model
    assert train(cell_parquet, tmp_path / "4", created=CREATED, **FAST) == a


def test_feature_subset_is_the_onnx_input(tmp_path, cell_parquet):
    chosen = ("pickups_60m_z", "pickups_15m_z", "hour_sin")
    card = train(cell_parquet, tmp_path / "m", demand_features=chosen, created=CREATED, **FAST)
    assert card["features"] == list(chosen)
    g = onnx.load(str(tmp_path / "m" / "iforest-0.onnx")).graph
    assert g.input[0].type.tensor_type.shape.dim[1].dim_value == 3
    with pytest.raises(ValueError, match="pickups_5m"):
        train(cell_parquet, tmp_path / "n", demand_features=("pickups_5m",), **FAST)


def test_truth_kind_is_optional_and_never_fitted(tmp_path, demand_model):
    cols = cell_columns()
    cols.pop("truth_kind")
    card = train(write_parquet(tmp_path / "c.parquet", cols), tmp_path / "m", created=CREATED, **FAST)
    _, labelled = demand_model
    assert card["evaluation"] is None and card["training"]["truthCounts"] is None
    assert card["files"][0] == labelled["files"][0]  # iforest-0.onnx, byte-identical
    assert card["calibration"] == labelled["calibration"]


def test_baseline_warm_up_only_is_refused(tmp_path, cell_parquet):
    assert main(["--features", str(cell_parquet), "--out", str(tmp_path / "m"), "--min-baseline-weeks", "5"]) == 2
    assert not (tmp_path / "m").exists()


def test_other_columns_are_refused(tmp_path):
    cols = cell_columns(cells=4, boundaries=20)
    cols.pop("cell_share_60m")
    path = write_parquet(tmp_path / "bad.parquet", cols)
    with pytest.raises(FeatureSetMismatch, match="trip-cell@1"):
        train(path, tmp_path / "m", **FAST)
    assert main(["--features", str(path), "--out", str(tmp_path / "m")]) == 2
