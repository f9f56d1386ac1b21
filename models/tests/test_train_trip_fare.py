import hashlib
import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from conftest import write_parquet
from trip_data import fare_columns
from vigia_models.feature_sets import TRIP_FARE_FEATURES, FeatureSetMismatch, read_feature_parquet
from vigia_models.residual import residual_score
from vigia_models.train_trip_fare import main, time_split, train

# Small and quick: the tests check the mechanics, not the model's quality.
FAST = dict(max_iter=40, max_leaf_nodes=31, parity_rows=60, threads=1)
CREATED = "2026-01-01T00:00:00Z"
REQUIRED = [
    "schemaVersion", "kind", "domain", "name", "version", "created", "description", "featureSet", "features", "target",
    "outputs", "onnx", "files", "training", "params", "residual", "evaluation", "checks", "reference", "toolchain",
]


@pytest.fixture(scope="module")
def fare_parquet(tmp_path_factory):
    return write_parquet(tmp_path_factory.mktemp("trip") / "trip-fare.parquet", fare_columns())


@pytest.fixture(scope="module")
def fare_model(tmp_path_factory, fare_parquet):
    out = tmp_path_factory.mktemp("fare") / "3"
    return out, train(fare_parquet, out, created=CREATED, **FAST)


def test_card_is_complete(fare_model, fare_parquet):
    out, card = fare_model
    assert [k for k in REQUIRED if k not in card] == []
    assert json.loads((out / "card.json").read_text()) == card
    assert (card["kind"], card["domain"], card["name"], card["version"]) == ("regressor", "trip", "trip-fare", "3")
    assert card["featureSet"] == "trip-fare@1" and card["features"] == list(TRIP_FARE_FEATURES)
    assert card["target"]["name"] == "fare_amount" and card["target"]["reference"]["max"] == pytest.approx(171.7)
    assert [o["name"] for o in card["outputs"]] == ["expected", "residual", "score"]
    assert card["onnx"]["regressor"]["outputType"] == "float64"
    t = card["training"]
    assert t["rows"] == 3000 and t["entities"] == 3000 and t["entityIds"] is None
    assert t["sha256"] == hashlib.sha256(fare_parquet.read_bytes()).hexdigest()
    assert t["truthCounts"] == {"": 2966, "detour": 14, "overcharge": 20}
    assert card["checks"]["sklearnParity"]["maxAbsDiff"] <= 1e-6
    r = card["residual"]
    assert r["floor"] == 5.0 and len(r["quantiles"]) == len(r["probabilities"]) == 27
    assert r["quantiles"] == sorted(r["quantiles"]) and r["rawCeiling"] > r["quantiles"][-1]
    assert set(card["reference"]["features"]) == set(card["features"])


def test_evaluation_holdout_and_kinds(fare_model):
    _, card = fare_model
    ev = card["evaluation"]
    ho = ev["holdout"]
    assert ho["rows"] == 600 and ho["trainRows"] == 2400 and ho["fraction"] == 0.2
    assert ho["metrics"]["normal"]["mae"] < 1.5 and ho["metrics"]["normal"]["r2"] > 0.8
    assert set(ho["byKind"]) <= {"", "overcharge", "detour"} and "" in ho["byKind"]
    kinds = ev["inSample"]["byKind"]
    assert kinds["overcharge"]["flaggedRate"] >= 0.9 and kinds["overcharge"]["auc"] > 0.95
    assert kinds[""]["flaggedRate"] <= 0.03
    assert kinds[""]["auc"] is None
    assert len(kinds[""]["residualQuantiles"]) == len(ev["residualSummaryProbabilities"])


def test_time_split_is_by_event_time():
    ts = np.array([5, 1, 4, 2, 3, 3])
    ids = np.array(["f", "a", "e", "b", "d", "c"])
    train_rows, test_rows = time_split(ts, ids, 1 / 3)
    assert sorted(ids[train_rows].tolist()) == ["a", "b", "c", "d"] and sorted(ids[test_rows].tolist()) == ["e", "f"]


def test_files_match_the_card_and_the_parity_file(fare_model):
    out, card = fare_model
    for f in card["files"]:
        data = (out / f["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"]
    g = card["onnx"]["regressor"]
    onnx.checker.check_model(str(out / g["file"]))
    parity = json.loads((out / "parity.json").read_text())
    sess = ort.InferenceSession(str(out / g["file"]), providers=["CPUExecutionProvider"])
    got = sess.run([g["output"]], {g["input"]: np.array(parity["inputs"], dtype=np.float64)})[0]
    assert got.dtype == np.float64 and got.shape == (len(parity["inputs"]),)
    # The trainer's session runs on one thread; another thread count may add the trees in another order.
    np.testing.assert_allclose(got, parity["expected"], rtol=0, atol=1e-9)
    scores = [residual_score(a, e, card["residual"]) for a, e in zip(parity["actual"], parity["expected"])]
    np.testing.assert_array_equal(scores, parity["score"])
    assert "synthetic-extreme" in parity["sources"] and max(parity["score"]) > 95


def test_same_seed_same_model(tmp_path, fare_parquet, fare_model):
    _, a = fare_model
    b = train(fare_parquet, tmp_path / "3", created=CREATED, **FAST)
    assert a == b


def test_truth_kind_is_optional_and_never_fitted(tmp_path, fare_model):
    cols = fare_columns()
    cols.pop("truth_kind")
    card = train(write_parquet(tmp_path / "f.parquet", cols), tmp_path / "m", created=CREATED, **FAST)
    _, labelled = fare_model
    assert card["training"]["truthCounts"] is None
    assert card["evaluation"]["inSample"]["byKind"] is None and card["evaluation"]["holdout"]["byKind"] is None
    assert card["evaluation"]["holdout"]["metrics"]["all"] == labelled["evaluation"]["holdout"]["metrics"]["all"]
    sha = lambda c: [f["sha256"] for f in c["files"] if f["path"].endswith(".onnx")]  # noqa: E731
    assert sha(card) == sha(labelled)
    assert card["residual"] == labelled["residual"]


@pytest.mark.parametrize(
    "change",
    [
        lambda cols: cols.pop("fare_amount"),
        lambda cols: cols.pop("detour_ratio"),
        lambda cols: cols.__setitem__("extra", list(cols["speed_mph"])),
        # same names, wrong order: duration_min before trip_distance
        lambda cols: cols.update({k: cols.pop(k) for k in [TRIP_FARE_FEATURES[0], *TRIP_FARE_FEATURES[2:], "fare_amount", "truth_kind"]}),
    ],
    ids=["no-target", "missing", "extra", "reordered"],
)
def test_feature_check_rejects_other_columns(tmp_path, change):
    cols = fare_columns(rows=40)
    change(cols)
    path = write_parquet(tmp_path / "bad.parquet", cols)
    with pytest.raises(FeatureSetMismatch, match="trip-fare@1.*--domain trip"):
        read_feature_parquet(path, TRIP_FARE_FEATURES, "trip-fare@1", target="fare_amount", domain="trip")
    assert main(["--features", str(path), "--out", str(tmp_path / "m")]) == 2
    assert not (tmp_path / "m").exists()


def test_non_finite_target_is_rejected(tmp_path):
    cols = fare_columns(rows=40)
    cols["fare_amount"][7] = float("nan")
    path = write_parquet(tmp_path / "nan.parquet", cols)
    with pytest.raises(FeatureSetMismatch, match="fare_amount"):
        read_feature_parquet(path, TRIP_FARE_FEATURES, "trip-fare@1", target="fare_amount", domain="trip")


def test_cli_writes_a_model(tmp_path, fare_parquet, capsys):
    assert main(["--features", str(fare_parquet), "--out", str(tmp_path / "9"), "--max-iter", "10", "--parity-rows", "30", "--threads", "1"]) == 0
    assert "holdout" in capsys.readouterr().out
    assert json.loads((tmp_path / "9" / "card.json").read_text())["version"] == "9"
