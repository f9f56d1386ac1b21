"""The trip models' cards against the TypeScript contract (contracts/model-card.ts, zod), and
the committed default models (models/trip-fare/1, models/trip-demand/1) against their parity
files."""
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from conftest import write_parquet
from trip_data import cell_columns, fare_columns
from vigia_models.feature_sets import TRIP_CELL_FEATURES
from vigia_models.residual import residual_scores
from vigia_models.train_sensor_chain import calibrate_all
from vigia_models import train_trip_demand, train_trip_fare

MODELS = Path(__file__).resolve().parents[1]
REPO = MODELS.parent
FARE_DIR = MODELS / "trip-fare" / "1"
DEMAND_DIR = MODELS / "trip-demand" / "1"

# Parses each card file with AnyModelCard and prints {file: kind or the issues}.
PARSE_CARDS = """
import { readFileSync } from 'node:fs';
import { AnyModelCard } from './contracts/index.ts';
const out = {};
for (const f of process.argv.slice(1)) {
  const r = AnyModelCard.safeParse(JSON.parse(readFileSync(f, 'utf8')));
  out[f] = r.success ? r.data.kind : 'invalid: ' + r.error.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ');
}
console.log(JSON.stringify(out));
"""


def _zod_kinds(*cards: Path) -> dict:
    if shutil.which("node") is None or not (REPO / "node_modules" / "tsx").exists():
        pytest.skip("node and the npm packages are needed to run the TypeScript contract")
    done = subprocess.run(
        ["node", "--import", "tsx", "--input-type=module", "-e", PARSE_CARDS, *map(str, cards)],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_freshly_trained_cards_parse_with_the_contract(tmp_path):
    fare = tmp_path / "fare"
    demand = tmp_path / "demand"
    train_trip_fare.train(write_parquet(tmp_path / "f.parquet", fare_columns(rows=800)), fare, max_iter=10, parity_rows=30, threads=1)
    train_trip_demand.train(write_parquet(tmp_path / "c.parquet", cell_columns(cells=12, boundaries=120)), demand, n_estimators=10, parity_rows=30)
    kinds = _zod_kinds(fare / "card.json", demand / "card.json", MODELS / "sensor-chain" / "1" / "card.json")
    assert list(kinds.values()) == ["regressor", "chain", "chain"], kinds


def _check_files(model_dir: Path, card: dict) -> None:
    for f in card["files"]:
        data = (model_dir / f["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"], f["path"]


def _session(path: Path) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


@pytest.mark.skipif(not (FARE_DIR / "card.json").exists(), reason="no committed trip-fare model")
def test_committed_trip_fare_reproduces_parity():
    card = json.loads((FARE_DIR / "card.json").read_text())
    _check_files(FARE_DIR, card)
    parity = json.loads((FARE_DIR / "parity.json").read_text())
    assert parity["features"] == card["features"]
    g = card["onnx"]["regressor"]
    expected = _session(FARE_DIR / g["file"]).run([g["output"]], {g["input"]: np.array(parity["inputs"], dtype=np.float64)})[0]
    np.testing.assert_array_equal(expected, parity["expected"])
    np.testing.assert_array_equal(residual_scores(np.array(parity["actual"]), expected, card["residual"]), parity["score"])
    assert max(parity["score"]) > 95 and min(parity["score"]) < 70


@pytest.mark.skipif(not (DEMAND_DIR / "card.json").exists(), reason="no committed trip-demand model")
def test_committed_trip_demand_reproduces_parity():
    card = json.loads((DEMAND_DIR / "card.json").read_text())
    _check_files(DEMAND_DIR, card)
    parity = json.loads((DEMAND_DIR / "parity.json").read_text())
    assert parity["features"] == card["features"] and parity["inputFeatures"] == list(TRIP_CELL_FEATURES)
    X = np.array(parity["inputs"], dtype=np.float64)[:, [TRIP_CELL_FEATURES.index(f) for f in card["features"]]]
    s = card["onnx"]["scorers"][0]
    raw = _session(DEMAND_DIR / s["file"]).run([s["output"]], {s["input"]: X})[0].astype(np.float64)
    np.testing.assert_array_equal(raw, parity["raw"])
    np.testing.assert_array_equal(calibrate_all(np.zeros(len(raw), dtype=int), raw, card["calibration"]), parity["score"])
    # Rows beyond every feature's training maximum take the forest's shortest paths: the
    # training maximum itself when the training rows already reach that corner.
    assert max(parity["score"]) >= 95 and min(parity["score"]) < 70


@pytest.mark.skipif(not (FARE_DIR / "card.json").exists() or not (DEMAND_DIR / "card.json").exists(), reason="no committed trip models")
def test_committed_trip_cards_parse_with_the_contract():
    assert list(_zod_kinds(FARE_DIR / "card.json", DEMAND_DIR / "card.json").values()) == ["regressor", "chain"]
