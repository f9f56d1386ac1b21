"""The trade autoencoder: training on an export-shaped Parquet, the ONNX graph, calibration,
parity file, the feature-set checks, and exact group Shapley values against shap's
KernelExplainer with the same background (synthetic data made here, and the committed model)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shap
from shap.utils._legacy import DenseData

from vigia_models import calibration as cal
from vigia_models.autoencoder_onnx import INPUT_NAME, OUTPUT_NAME
from vigia_models.feature_sets import FeatureSetMismatch
from vigia_models.model_folder import session
from vigia_models.shapley import coalition_rows, group_shapley
from vigia_models.train_trade_ae import train

GROUPS = {"price": ["uv_z", "log_uv"], "weight": ["tare"], "company": ["n", "burst", "age"], "quota": ["quota_used"]}
FEATURES = [f for fs in GROUPS.values() for f in fs]
# The served model: the newest version folder (a feature-set change retrains into the next one).
COMMITTED = max((p for p in (Path(__file__).resolve().parents[1] / "trade-ae").iterdir() if p.name.isdigit()), key=lambda p: int(p.name))


def write_export(tmp: Path, rows: int = 3000, seed: int = 0, features: list[str] = FEATURES) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    X = np.column_stack([
        rng.normal(0, 1, rows), rng.normal(2, 0.3, rows), np.abs(rng.normal(0.02, 0.01, rows)),
        rng.uniform(0, 3, rows), rng.normal(0, 0.3, rows), rng.uniform(0, 365, rows), np.where(rng.random(rows) < 0.05, rng.uniform(0, 0.9, rows), 0),
    ])
    X[:, 1] += 0.3 * X[:, 0]  # correlated, so the autoencoder has structure to learn
    truth = np.array([""] * rows, dtype=object)
    bad = rng.choice(rows, 30, replace=False)
    X[bad[:15], 0] = -9  # under-invoicing
    truth[bad[:15]] = "under_invoicing"
    X[bad[15:], 2] = 1.5  # impossible tare
    truth[bad[15:]] = "weight_inconsistency"
    cols = {"entity": [f"E{i % 40}" for i in range(rows)], "event_id": [f"d{i}" for i in range(rows)], "ts_ms": pa.array(1_772_409_600_000 + np.arange(rows) * 60_000, pa.int64())}
    cols.update({f: X[:, j] for j, f in enumerate(features)})
    cols["truth_kind"] = truth.tolist()
    pq.write_table(pa.table(cols), tmp / "trade-features.parquet")
    (tmp / "groups.json").write_text(json.dumps({"featureSet": "trade-ae@1", "features": FEATURES, "groups": GROUPS}))
    return tmp / "trade-features.parquet", tmp / "groups.json"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("trade")
    features, groups = write_export(tmp)
    out = tmp / "trade-ae" / "2"
    card = train(str(features), str(groups), str(out), hidden=(8, 3, 8), background_rows=8, max_iter=200, parity_rows=120, shapley_rows=6, created="2026-12-07T00:00:00Z")
    return out, card


def kernel_shap(f, x: np.ndarray, background: np.ndarray, groups: dict[str, list[str]], features: list[str]) -> np.ndarray:
    """shap's KernelExplainer over feature groups with the same background rows (equal weights);
    with all 2^k − 2 coalitions enumerated its weighted regression gives the exact values."""
    idx = [np.array([features.index(f) for f in fs]) for fs in groups.values()]
    data = DenseData(background, list(groups), idx)
    explainer = shap.KernelExplainer(f, data)
    return np.asarray(explainer.shap_values(x.reshape(1, -1), nsamples=2 ** len(groups) + 2 * len(groups), silent=True)).reshape(-1)


def test_card_graph_and_calibration(trained):
    out, card = trained
    assert card["kind"] == "autoencoder" and card["features"] == FEATURES and card["groups"] == GROUPS
    assert (out / "autoencoder.onnx").exists() and card["files"][0]["path"] == "autoencoder.onnx"
    c = card["calibration"]
    assert c["quantiles"] == sorted(c["quantiles"]) and c["rawCeiling"] > c["quantiles"][-1]
    assert len(card["background"]["rows"]) == 8 and all(len(r) == len(FEATURES) for r in card["background"]["rows"])
    # The injected rows (labels only evaluate) score above the normal ones.
    by = card["evaluation"]["byKind"]
    for kind in ("weight_inconsistency", "under_invoicing"):
        assert by[kind]["auc"] > 0.75 and by[kind]["meanScore"] > by["normal"]["meanScore"] + 20, (kind, by[kind])
    assert by["normal"]["flaggedRate"] < 0.02


def test_parity_file_is_what_onnxruntime_answers(trained):
    out, card = trained
    parity = json.loads((out / "parity.json").read_text())
    sess = session(onnx.load(str(out / "autoencoder.onnx")))
    X = np.array(parity["inputs"])
    raw = sess.run([OUTPUT_NAME], {INPUT_NAME: X})[0]
    assert np.array_equal(raw, np.array(parity["raw"]))
    c = card["calibration"]
    scores = cal.calibrated_scores(raw, c["quantiles"], c["probabilities"], c["anchors"]["percentiles"], c["anchors"]["scores"], c["rawCeiling"])
    assert np.array_equal(scores, np.array(parity["score"]))
    assert min(parity["score"]) < 70 and max(parity["score"]) > 95


def test_exact_shapley_adds_up_and_matches_kernel_explainer(trained):
    out, card = trained
    parity = json.loads((out / "parity.json").read_text())
    sess = session(onnx.load(str(out / "autoencoder.onnx")))
    c = card["calibration"]

    def f(X):
        r = sess.run([OUTPUT_NAME], {INPUT_NAME: np.ascontiguousarray(X, dtype=np.float64)})[0]
        return cal.calibrated_scores(r, c["quantiles"], c["probabilities"], c["anchors"]["percentiles"], c["anchors"]["scores"], c["rawCeiling"])

    background = np.array(card["background"]["rows"])
    group_of = np.array([list(GROUPS).index(g) for g, fs in GROUPS.items() for _ in fs])
    for s in parity["shapley"]:
        x = np.array(parity["inputs"][s["row"]])
        phi, baseline = group_shapley(f, x, background, group_of, len(GROUPS))
        assert np.allclose(phi, s["values"], atol=1e-9)
        assert abs(phi.sum() - (f(x[None])[0] - baseline)) < 1e-9
        assert np.allclose(phi, kernel_shap(f, x, background, GROUPS, FEATURES), atol=1e-4), (phi, s["row"])


def test_committed_model_shapley_matches_kernel_explainer():
    card = json.loads((COMMITTED / "card.json").read_text())
    parity = json.loads((COMMITTED / "parity.json").read_text())
    sess = session(onnx.load(str(COMMITTED / "autoencoder.onnx")))
    c = card["calibration"]

    def f(X):
        r = sess.run([OUTPUT_NAME], {INPUT_NAME: np.ascontiguousarray(X, dtype=np.float64)})[0]
        return cal.calibrated_scores(r, c["quantiles"], c["probabilities"], c["anchors"]["percentiles"], c["anchors"]["scores"], c["rawCeiling"])

    background = np.array(card["background"]["rows"])
    assert abs(f(background).mean() - card["background"]["baselineScore"]) < 1e-9
    for s in parity["shapley"][:4]:
        x = np.array(parity["inputs"][s["row"]])
        ks = kernel_shap(f, x, background, card["groups"], card["features"])
        assert np.allclose(ks, s["values"], atol=1e-4), (ks, s["values"])


def test_coalition_rows_take_each_group_from_x_or_the_background():
    x = np.arange(7, dtype=float) + 100
    bg = np.zeros((2, 7))
    group_of = np.array([0, 0, 1, 2, 2, 2, 3])
    rows = coalition_rows(x, bg, group_of, 4)
    assert rows.shape == (32, 7)
    assert (rows[0] == 0).all() and (rows[-1] == x).all()
    assert list(rows[2 * 0b0101]) == [100, 101, 0, 103, 104, 105, 0]


def test_export_and_groups_must_agree(tmp_path):
    features, groups = write_export(tmp_path, rows=200, features=[f if f != "tare" else "tare_ratio" for f in FEATURES])
    with pytest.raises(FeatureSetMismatch, match="tare_ratio"):
        train(str(features), str(groups), str(tmp_path / "out"), max_iter=5)
    (tmp_path / "bad.json").write_text(json.dumps({"featureSet": "x", "features": FEATURES, "groups": {"a": FEATURES[::-1]}}))
    with pytest.raises(FeatureSetMismatch, match="not the feature list in order"):
        train(str(features), str(tmp_path / "bad.json"), str(tmp_path / "out"), max_iter=5)


def test_alarm_band_is_a_budget_of_flags_per_training_day(trained, tmp_path):
    """The minor band (70) sits at the training-error quantile 1 − F·D/N (F = 0.5 flags a day),
    chosen without labels: the model alone flags about F declarations a day of its training run."""
    out, card = trained
    c = card["calibration"]
    b = c["alarmBudget"]
    assert b["flagsPerDay"] == 0.5 and b["trainingRows"] == 3000
    assert abs(b["trainingDays"] - 2999 * 60_000 / 86_400_000) < 1e-9
    q = c["alarmQuantile"]
    assert abs(q - (1 - 0.5 * b["trainingDays"] / 3000)) < 1e-12 and q in c["probabilities"]
    i = c["probabilities"].index(q)
    at = cal.calibrated_scores(np.array([c["quantiles"][i]]), c["quantiles"], c["probabilities"], c["anchors"]["percentiles"], c["anchors"]["scores"], c["rawCeiling"])
    assert abs(at[0] - 70) < 1e-9
    features, _ = write_export(tmp_path)
    X = np.column_stack([pq.read_table(features).column(f).to_numpy() for f in FEATURES])
    raw = session(onnx.load(str(out / "autoencoder.onnx"))).run([OUTPUT_NAME], {INPUT_NAME: X})[0]
    flagged = int((cal.calibrated_scores(raw, c["quantiles"], c["probabilities"], c["anchors"]["percentiles"], c["anchors"]["scores"], c["rawCeiling"]) >= 70).sum())
    assert 0 < flagged <= int(np.ceil(0.5 * b["trainingDays"])) + 1, flagged
