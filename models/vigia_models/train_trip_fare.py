"""Train the trip-fare expected-fare regressor on an exported trip-fare@1 feature set and write
a servable model folder.

    cd models && python3 -m vigia_models.train_trip_fare \
        --features /tmp/train/trip-fare.parquet --out trip-fare/1

HistGradientBoostingRegressor with the absolute-error loss predicts `fare_amount` from the 18
trip-fare@1 features (what the meter should charge). The export holds the injected anomalies
(overcharges, detours, impossible trips); they are not removed — labels are never read to
fit — the L1 loss makes the fit their median-like, so a few 3× fares barely move it. The
card's `residual` block turns (actual, expected) into a 0–100 score (residual.py).
Writes regressor.onnx, card.json and parity.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from . import calibration as cal
from .feature_sets import (
    TRIP_FARE_FEATURE_SET,
    TRIP_FARE_FEATURES,
    TRIP_FARE_TARGET,
    FeatureMatrix,
    FeatureSetMismatch,
    read_feature_parquet,
)
from .model_folder import CARD_FILE, PARITY_FILE, file_entries, now_iso, session, toolchain, training_summary
from .reference import reference_distributions
from .regression_evaluation import RESIDUAL_SUMMARY_PROBABILITIES, regression_metrics, residual_by_kind
from .regressor_onnx import INPUT_NAME, REGRESSOR_OPSET, REGRESSOR_OUTPUT, hgb_regressor_to_onnx
from .residual import DEFAULT_CEILING, DEFAULT_FLOOR, relative_residual, residual_calibration, residual_scores
from .parity_rows import pick_parity_rows

MODEL_NAME = "trip-fare"
DOMAIN = "trip"
REGRESSOR_FILE = "regressor.onnx"
# ONNX (float64 tree sum, another addition order) against scikit-learn's predict, USD.
SKLEARN_TOLERANCE = 1e-6


class ParityError(RuntimeError):
    """The ONNX graph does not reproduce scikit-learn's predictions on the training rows."""


def fit_regressor(X: np.ndarray, y: np.ndarray, params: dict) -> HistGradientBoostingRegressor:
    return HistGradientBoostingRegressor(**params).fit(X, y)


def time_split(ts_ms: np.ndarray, event_id: np.ndarray, fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """Earliest (1 − fraction) of the rows by event time (ties by event id) and the rest."""
    order = np.lexsort((event_id.astype(str), ts_ms))
    cut = int(round(len(order) * (1.0 - fraction)))
    return np.sort(order[:cut]), np.sort(order[cut:])


def _by_kind(truth, r, scores):
    return residual_by_kind(r, scores, truth.astype(str), cal.ALARM_SCORE) if truth is not None else None


def _metrics(y, pred, truth) -> dict:
    out = {"all": regression_metrics(y, pred), "normal": None}
    if truth is not None and (truth == "").any():
        normal = truth == ""
        out["normal"] = regression_metrics(y[normal], pred[normal])
    return out


def holdout_evaluation(fm: FeatureMatrix, params: dict, fraction: float, floor: float, alarm_quantile: float, ceiling: float) -> dict | None:
    """A model with the same parameters fitted on the earliest rows, judged on the latest ones:
    MAE/R², and the residual score computed with that model's own calibration."""
    if not 0 < fraction < 1:
        return None
    train_rows, test_rows = time_split(fm.ts_ms, fm.event_id, fraction)
    if len(train_rows) < 100 or len(test_rows) < 10:
        return None
    model = fit_regressor(fm.X[train_rows], fm.y[train_rows], params)
    r_train = relative_residual(fm.y[train_rows], model.predict(fm.X[train_rows]), floor)
    calib = residual_calibration(r_train, floor, alarm_quantile, ceiling)
    pred = model.predict(fm.X[test_rows])
    y = fm.y[test_rows]
    truth = fm.truth_kind[test_rows] if fm.truth_kind is not None else None
    return {
        "split": f"time-ordered: the last {fraction:.0%} of rows by ts_ms are held out; a model with the same parameters "
        "is fitted on the rest and calibrated on its own training rows",
        "fraction": fraction,
        "splitTs": int(fm.ts_ms[test_rows].min()),
        "trainRows": int(len(train_rows)),
        "rows": int(len(test_rows)),
        "metrics": _metrics(y, pred, truth),
        "byKind": _by_kind(truth, relative_residual(y, pred, floor), residual_scores(y, pred, calib)),
    }


def _parity_rows(fm: FeatureMatrix, expected_fn, n_rows: int, seed: int):
    """Random training rows, some of every truth kind, and synthetic extremes: longer, shorter
    and faster trips than any in training, charged 2.5–6× their expected fare (the score's tail)."""
    rng = np.random.default_rng(seed + 1)
    picks, sources, n_extreme = pick_parity_rows(fm.truth_kind, np.arange(len(fm.X)), n_rows, rng)
    idx = picks
    X = fm.X[idx]
    actual = fm.y[idx]
    extremes = fm.X[rng.choice(len(fm.X), size=n_extreme)].copy()
    d, t = TRIP_FARE_FEATURES.index("trip_distance"), TRIP_FARE_FEATURES.index("duration_min")
    extremes[:, d] *= rng.uniform(2.0, 10.0, size=n_extreme)
    extremes[:, t] *= rng.choice([0.05, 1.0, 4.0], size=n_extreme)
    extreme_actual = expected_fn(extremes) * rng.uniform(2.5, 6.0, size=n_extreme)
    extreme_actual = np.round(extreme_actual, 2)
    return np.vstack([X, extremes]), np.concatenate([actual, extreme_actual]), sources + ["synthetic-extreme"] * n_extreme


def train(
    features: str | Path,
    out: str | Path,
    *,
    version: str | None = None,
    seed: int = 42,
    max_iter: int = 500,
    learning_rate: float = 0.1,
    max_leaf_nodes: int = 63,
    min_samples_leaf: int = 20,
    floor: float = DEFAULT_FLOOR,
    alarm_quantile: float = 0.99,
    ceiling: float = DEFAULT_CEILING,
    holdout_fraction: float = 0.2,
    parity_rows: int = 300,
    threads: int | None = 1,
    created: str | None = None,
) -> dict:
    """Fits, checks and writes the model folder; returns the card. `threads` caps the OpenMP
    threads of the boosting (None: all cores). 1 by default: on a shared machine OpenMP
    oversubscription slowed the fit ~15× (38 s → 8.5 min on the 14-day development set), and
    the model does not depend on it."""
    with threadpool_limits(limits=threads, user_api="openmp"):
        return _train(
            features, out, version=version, seed=seed, max_iter=max_iter, learning_rate=learning_rate,
            max_leaf_nodes=max_leaf_nodes, min_samples_leaf=min_samples_leaf, floor=floor, alarm_quantile=alarm_quantile,
            ceiling=ceiling, holdout_fraction=holdout_fraction, parity_rows=parity_rows, created=created,
        )


def _train(
    features, out, *, version, seed, max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, floor, alarm_quantile,
    ceiling, holdout_fraction, parity_rows, created,
) -> dict:
    out = Path(out)
    fm = read_feature_parquet(features, TRIP_FARE_FEATURES, TRIP_FARE_FEATURE_SET, target=TRIP_FARE_TARGET, domain=DOMAIN)
    version = version or out.name
    cal.score_anchors(alarm_quantile)  # validates before the slow part
    if not floor > 0:
        raise ValueError(f"--floor must be > 0, got {floor}")
    params = {
        "loss": "absolute_error",
        "max_iter": max_iter,
        "learning_rate": learning_rate,
        "max_leaf_nodes": max_leaf_nodes,
        "min_samples_leaf": min_samples_leaf,
        "l2_regularization": 0.0,
        "early_stopping": False,
        "random_state": seed,
    }

    holdout = holdout_evaluation(fm, params, holdout_fraction, floor, alarm_quantile, ceiling)

    model = fit_regressor(fm.X, fm.y, params)
    onnx_model = hgb_regressor_to_onnx(model, len(fm.features), f"{MODEL_NAME}-regressor")
    sess = session(onnx_model)
    predict_onnx = lambda X: sess.run([REGRESSOR_OUTPUT], {INPUT_NAME: np.ascontiguousarray(X, dtype=np.float64)})[0]  # noqa: E731
    expected = predict_onnx(fm.X)
    max_diff = float(np.abs(expected - model.predict(fm.X)).max())
    if max_diff > SKLEARN_TOLERANCE:
        raise ParityError(f"ONNX vs scikit-learn: max |expected diff| {max_diff:.3g} USD")

    r = relative_residual(fm.y, expected, floor)
    residual = residual_calibration(r, floor, alarm_quantile, ceiling)
    scores = residual_scores(fm.y, expected, residual)

    out.mkdir(parents=True, exist_ok=True)
    (out / REGRESSOR_FILE).write_bytes(onnx_model.SerializeToString())

    parity_X, parity_actual, parity_sources = _parity_rows(fm, predict_onnx, parity_rows, seed)
    parity_expected = predict_onnx(parity_X)
    parity = {
        "model": MODEL_NAME,
        "version": version,
        "features": list(fm.features),
        "tolerance": 1e-5,
        "note": "expected from Python onnxruntime; residual and score from vigia_models.residual; the TS model must agree",
        "inputs": [[float(v) for v in row] for row in parity_X],
        "sources": parity_sources,
        "actual": [float(v) for v in parity_actual],
        "expected": [float(v) for v in parity_expected],
        "residual": [float(v) for v in relative_residual(parity_actual, parity_expected, floor)],
        "score": [float(s) for s in residual_scores(parity_actual, parity_expected, residual)],
    }
    (out / PARITY_FILE).write_text(json.dumps(parity, separators=(",", ":")) + "\n")

    truth = fm.truth_kind
    evaluation = {
        "data": "holdout: a time-ordered split (see holdout.split); inSample: the served model on every training row. "
        "truth_kind is used here only, never for fitting",
        "threshold": cal.ALARM_SCORE,
        "residualSummaryProbabilities": list(RESIDUAL_SUMMARY_PROBABILITIES),
        "holdout": holdout,
        "inSample": {"metrics": _metrics(fm.y, expected, truth), "byKind": _by_kind(truth, r, scores)},
    }
    card = {
        "schemaVersion": 1,
        "kind": "regressor",
        "domain": DOMAIN,
        "name": MODEL_NAME,
        "version": version,
        "created": now_iso(created),
        "description": "Expected-fare regressor (HistGradientBoostingRegressor, absolute-error loss) on trip-fare@1: "
        "what the TLC meter should charge for the trip; the relative residual of the actual fare, calibrated on the "
        "training rows, is the fare anomaly score.",
        "featureSet": fm.feature_set,
        "features": list(fm.features),
        "target": {
            "name": TRIP_FARE_TARGET,
            "unit": "USD",
            "meaning": "the trip's fare_amount (meter or flat fare, without extras, tolls, tips, taxes)",
            "reference": reference_distributions(fm.y[:, None], (TRIP_FARE_TARGET,))["features"][TRIP_FARE_TARGET],
        },
        "outputs": [
            {"name": "expected", "type": "float64", "meaning": "expected fare_amount, USD (the regressor's prediction)"},
            {"name": "residual", "type": "float64", "meaning": "r = (actual - expected) / max(expected, residual.floor); > 0 = charged more than expected"},
            {"name": "score", "type": "float64", "meaning": "0–100: percentile of r among the training rows' r → anchors (see residual); ≥ 70 is an anomaly; only overcharges score high"},
        ],
        "onnx": {
            "opset": {"ai.onnx": REGRESSOR_OPSET[""], "ai.onnx.ml": REGRESSOR_OPSET["ai.onnx.ml"]},
            "regressor": {"file": REGRESSOR_FILE, "input": INPUT_NAME, "inputType": "float64", "output": REGRESSOR_OUTPUT, "outputType": "float64"},
        },
        "files": file_entries(out, [REGRESSOR_FILE, PARITY_FILE]),
        "training": training_summary(fm),
        "params": {
            "seed": seed,
            "regressor": "HistGradientBoostingRegressor",
            "hyperparameters": params,
            "nIterations": int(model.n_iter_),
            "baseline": float(np.asarray(model._baseline_prediction).ravel()[0]),
            "robustness": "absolute-error loss (median-like leaves); rows with injected anomalies stay in the fit, labels are never read",
            "holdoutFraction": holdout_fraction,
        },
        "residual": residual,
        "evaluation": evaluation,
        "checks": {"sklearnParity": {"rows": int(len(fm.X)), "maxAbsDiff": max_diff, "tolerance": SKLEARN_TOLERANCE}},
        "reference": reference_distributions(fm.X, fm.features),
        "toolchain": toolchain(),
    }
    (out / CARD_FILE).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n")
    return card


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m vigia_models.train_trip_fare", description=__doc__.split("\n\n")[0])
    ap.add_argument("--features", required=True, help="Parquet from `vigia features export --domain trip --set trip-fare@1`")
    ap.add_argument("--out", required=True, help="model folder, e.g. trip-fare/1 (its name is the version)")
    ap.add_argument("--version", help="version in the card (default: the --out folder's name)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--max-iter", type=int, default=500, help="boosting iterations (trees)")
    ap.add_argument("--learning-rate", type=float, default=0.1)
    ap.add_argument("--max-leaf-nodes", type=int, default=63)
    ap.add_argument("--min-samples-leaf", type=int, default=20)
    ap.add_argument("--floor", type=float, default=DEFAULT_FLOOR, help="USD: r = (actual - expected) / max(expected, floor)")
    ap.add_argument("--alarm-quantile", type=float, default=0.99, help="training percentile of r that maps to score 70")
    ap.add_argument("--ceiling", type=float, default=DEFAULT_CEILING, help="r that maps to score 100 (raised to 2× the training max)")
    ap.add_argument("--holdout-fraction", type=float, default=0.2, help="latest share of rows for the holdout figures (0 = none)")
    ap.add_argument("--parity-rows", type=int, default=300)
    ap.add_argument("--threads", type=int, default=1, help="OpenMP threads for the boosting (0 = all cores; the model does not depend on it)")
    ap.add_argument("--created", help="ISO time for the card (default: SOURCE_DATE_EPOCH or now)")
    a = ap.parse_args(argv)
    try:
        card = train(
            a.features, a.out, version=a.version, seed=a.seed, max_iter=a.max_iter, learning_rate=a.learning_rate,
            max_leaf_nodes=a.max_leaf_nodes, min_samples_leaf=a.min_samples_leaf, floor=a.floor,
            alarm_quantile=a.alarm_quantile, ceiling=a.ceiling, holdout_fraction=a.holdout_fraction,
            parity_rows=a.parity_rows, threads=a.threads or None, created=a.created,
        )
    except (FeatureSetMismatch, ParityError, ValueError, FileNotFoundError) as e:
        print(f"train_trip_fare: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    total = sum(f["bytes"] for f in card["files"])
    print(f"wrote {a.out}: {card['params']['nIterations']} trees, {total / 1e6:.2f} MB")
    ho = card["evaluation"]["holdout"]
    if ho:
        m = ho["metrics"]["all"]
        print(f"holdout ({ho['rows']} rows): MAE {m['mae']:.3f} USD, R² {m['r2']}")
        if ho["byKind"]:
            print("flagged ≥ 70: " + ", ".join(f"{k or 'normal'} {v['flaggedRate']}" for k, v in ho["byKind"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
