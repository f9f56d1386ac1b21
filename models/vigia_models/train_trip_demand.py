"""Train the trip-demand Isolation Forest on an exported trip-cell@1 feature set and write a
servable model folder.

    cd models && python3 -m vigia_models.train_trip_demand \
        --features /tmp/train/trip-cell.parquet --out trip-demand/1

One row per (resolution, H3 cell, 5-minute boundary). Cells differ in volume by orders of
magnitude, so the forest sees only scale-free pickup features (DEMAND_FEATURES: 15- and
60-minute pickup ratios and z-scores against the cell's hour-of-week baseline, the ring ratio,
the cell's share of its ring): raw counts would only find the busy cells. Left out on purpose:
time of day (the baseline is already per hour of week, and three more uniformly spread
dimensions dilute the isolation), the dropoff ratio/z (demand is pickups; on the development
sets they added noise: surge AUC 0.92 → 0.91 and 0.95 → 0.94, collapse AUC in busy res-9 cells
0.81 → 0.76), fares and speeds (0 for an empty window). Rows whose baseline has less than
`--min-baseline-weeks` of history (ratio 1 and z 0 by construction while it warms up) are not
fitted. The card is a chain card without a router: one forest (cluster 0), cluster-percentile
calibration. Writes iforest-0.onnx, card.json and parity.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

from . import calibration as cal
from .evaluation import evaluate
from .feature_sets import TRIP_CELL_FEATURE_SET, TRIP_CELL_FEATURES, FeatureMatrix, FeatureSetMismatch, read_feature_parquet
from .model_folder import CARD_FILE, PARITY_FILE, file_entries, now_iso, session, toolchain, training_summary
from .onnx_export import IFOREST_OUTPUT, INPUT_NAME, TARGET_OPSET, iforest_to_onnx
from .reference import reference_distributions
from .parity_rows import pick_parity_rows

MODEL_NAME = "trip-demand"
DOMAIN = "trip"
SCORER_FILE = "iforest-0.onnx"
# The ONNX input columns, in order: a subset of trip-cell@1.
DEMAND_FEATURES: tuple[str, ...] = (
    "pickups_15m_ratio",
    "pickups_15m_z",
    "pickups_60m_ratio",
    "pickups_60m_z",
    "ring_pickups_60m_ratio",
    "cell_share_60m",
)
BASELINE_FEATURE = "baseline_weeks"
SKLEARN_RAW_TOLERANCE = 1e-5
MIN_ROWS = 500


class ParityError(RuntimeError):
    """The ONNX graph does not reproduce scikit-learn's scores on the training rows."""


def select_features(names: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [n for n in names if n not in TRIP_CELL_FEATURES]
    if unknown or not names or len(set(names)) != len(names):
        raise ValueError(f"demand features must be distinct names of {TRIP_CELL_FEATURE_SET}; unknown {unknown}")
    return tuple(names)


def resolution_of(event_id: np.ndarray) -> np.ndarray | None:
    """The resolution prefix of `<res>:<cell>:<windowEnd>` event ids (None when absent)."""
    try:
        return np.array([int(str(e).split(":", 1)[0]) for e in event_id], dtype=np.int64)
    except ValueError:
        return None


def _parity_rows(fm: FeatureMatrix, used: np.ndarray, columns: list[int], n_rows: int, seed: int):
    """Full trip-cell@1 rows (the TS model selects its columns itself): random fitted rows, some
    of every truth kind, and synthetic extremes far outside the training ranges."""
    rng = np.random.default_rng(seed + 1)
    picks, sources, n_extreme = pick_parity_rows(fm.truth_kind, used, n_rows, rng)
    rows = fm.X[picks]
    extremes = fm.X[rng.choice(used, size=n_extreme)].copy()
    fitted = fm.X[used][:, columns]
    std, top = fitted.std(axis=0), fitted.max(axis=0)
    for k, j in enumerate(columns):
        extremes[:, j] += rng.choice([-1.0, 1.0], size=n_extreme) * rng.uniform(4, 12, size=n_extreme) * std[k]
    # Half of them beyond the training maximum of every feature: the forest's shortest paths,
    # the top of the calibration (its tail above 95 when no training row is that isolated).
    corner = np.arange(n_extreme) % 2 == 0
    for k, j in enumerate(columns):
        extremes[corner, j] = top[k] + rng.uniform(1, 10, size=int(corner.sum())) * std[k]
    return np.vstack([rows, extremes]), sources + ["synthetic-extreme"] * n_extreme


def _details(scores: np.ndarray, raw: np.ndarray, truth: np.ndarray, resolution: np.ndarray | None, threshold: float) -> dict:
    """Per resolution: flag rates and AUC per kind (the model pools resolutions)."""
    out: dict = {"scoreQuantiles": {}, "byResolution": {}}
    probs = [0.0, 0.5, 0.9, 0.99, 0.999, 1.0]
    out["scoreQuantileProbabilities"] = probs
    for kind in sorted(set(truth.tolist())):
        out["scoreQuantiles"][kind] = [round(float(v), 3) for v in np.quantile(scores[truth == kind], probs)]
    if resolution is None:
        return out
    for res in sorted(set(resolution.tolist())):
        at = resolution == res
        normal = at & (truth == "")
        entry = {"rows": int(at.sum()), "falseAlarmRate": _rate((scores[normal] >= threshold).sum(), normal.sum()), "kinds": {}}
        for kind in sorted(set(truth[at].tolist()) - {""}):
            rows = at & (truth == kind)
            both = rows | normal
            entry["kinds"][kind] = {
                "rows": int(rows.sum()),
                "detectionRate": _rate((scores[rows] >= threshold).sum(), rows.sum()),
                "auc": round(float(roc_auc_score(rows[both], raw[both])), 4) if normal.any() else None,
            }
        out["byResolution"][str(res)] = entry
    return out


def _rate(num, den) -> float | None:
    return round(float(num) / float(den), 4) if den else None


def train(
    features: str | Path,
    out: str | Path,
    *,
    version: str | None = None,
    seed: int = 42,
    demand_features: tuple[str, ...] = DEMAND_FEATURES,
    min_baseline_weeks: float = 1.0,
    n_estimators: int = 100,
    max_samples: int = 256,
    alarm_quantile: float = 0.99,
    parity_rows: int = 300,
    created: str | None = None,
) -> dict:
    out = Path(out)
    chosen = select_features(tuple(demand_features))
    anchor_p, anchor_s = cal.score_anchors(alarm_quantile)
    fm = read_feature_parquet(features, TRIP_CELL_FEATURES, TRIP_CELL_FEATURE_SET, domain=DOMAIN)
    version = version or out.name
    columns = [TRIP_CELL_FEATURES.index(n) for n in chosen]
    baseline = fm.X[:, TRIP_CELL_FEATURES.index(BASELINE_FEATURE)]
    used = np.nonzero(baseline >= min_baseline_weeks)[0]
    if len(used) < MIN_ROWS:
        raise ValueError(
            f"only {len(used)} of {len(fm.X)} rows have {BASELINE_FEATURE} ≥ {min_baseline_weeks} (need {MIN_ROWS}); "
            "export a run longer than the baseline warm-up or lower --min-baseline-weeks"
        )
    X = np.ascontiguousarray(fm.X[used][:, columns])

    forest = IsolationForest(n_estimators=n_estimators, max_samples=min(max_samples, len(X)), random_state=seed).fit(X)
    onnx_model = iforest_to_onnx(forest, len(chosen), f"{MODEL_NAME}-iforest-0")
    sess = session(onnx_model)
    score_onnx = lambda Z: sess.run([IFOREST_OUTPUT], {INPUT_NAME: np.ascontiguousarray(Z, dtype=np.float64)})[0].astype(np.float64)  # noqa: E731
    raw = score_onnx(X)
    max_raw_diff = float(np.abs(raw - (-forest.score_samples(X))).max())
    if max_raw_diff > SKLEARN_RAW_TOLERANCE:
        raise ParityError(f"ONNX vs scikit-learn: max |raw diff| {max_raw_diff:.3g}")

    probabilities = list(cal.CALIBRATION_PROBABILITIES)
    calibration = {
        "method": "cluster-percentile",
        "threshold": cal.ALARM_SCORE,
        "probabilities": probabilities,
        "anchors": {"percentiles": anchor_p, "scores": anchor_s},
        "rawCeiling": cal.RAW_CEILING,
        "clusters": [{"cluster": 0, "rows": int(len(raw)), "quantiles": cal.quantile_table(raw, tuple(probabilities))}],
    }
    scalar = lambda r: cal.calibrated_score(float(r), calibration["clusters"][0]["quantiles"], probabilities, anchor_p, anchor_s, cal.RAW_CEILING)  # noqa: E731
    scores = cal.calibrated_scores(raw, calibration["clusters"][0]["quantiles"], probabilities, anchor_p, anchor_s, cal.RAW_CEILING)

    out.mkdir(parents=True, exist_ok=True)
    (out / SCORER_FILE).write_bytes(onnx_model.SerializeToString())

    parity_full, parity_sources = _parity_rows(fm, used, columns, parity_rows, seed)
    p_raw = score_onnx(parity_full[:, columns])
    parity = {
        "model": MODEL_NAME,
        "version": version,
        "features": list(chosen),
        "inputFeatures": list(TRIP_CELL_FEATURES),
        "tolerance": 1e-5,
        "note": "inputs are full trip-cell@1 vectors (inputFeatures); the model reads `features` from them. "
        "raw from Python onnxruntime, score from vigia_models.calibration; the TS model must agree",
        "inputs": [[float(v) for v in row] for row in parity_full],
        "sources": parity_sources,
        "cluster": [0] * len(p_raw),
        "raw": [float(r) for r in p_raw],
        "score": [float(scalar(r)) for r in p_raw],
    }
    (out / PARITY_FILE).write_text(json.dumps(parity, separators=(",", ":")) + "\n")

    evaluation = None
    if fm.truth_kind is not None:
        truth = fm.truth_kind[used].astype(str)
        res = resolution_of(fm.event_id[used])
        evaluation = {
            "data": f"the fitted rows ({BASELINE_FEATURE} ≥ {min_baseline_weeks}), in-sample; an episode is a run of one "
            "cell's consecutive labelled rows; truth_kind is used here only, never for fitting",
            **evaluate(scores, truth, fm.entity[used], fm.ts_ms[used], cal.ALARM_SCORE),
            "details": _details(scores, raw, truth, res, cal.ALARM_SCORE),
        }
    kept = fm.truth_kind[used] if fm.truth_kind is not None else None
    card = {
        "schemaVersion": 1,
        "kind": "chain",
        "domain": DOMAIN,
        "name": MODEL_NAME,
        "version": version,
        "created": now_iso(created),
        "description": "Isolation Forest over scale-free trip-cell@1 features (demand ratios and z-scores against the "
        "cell's hour-of-week baseline, ring ratio, cell share): one row per (resolution, H3 cell, 5-minute boundary); "
        "answers the raw anomaly score and a calibrated 0–100 score. No router: every row is cluster 0.",
        "featureSet": fm.feature_set,
        "features": list(chosen),
        "outputs": [
            {"name": "raw", "type": "float32", "meaning": "-IsolationForest.score_samples = 2^(-mean path length / c(max_samples)); (0, 1], higher = more anomalous, ~0.4–0.5 typical"},
            {"name": "score", "type": "float64", "meaning": "0–100: raw → percentile within the training raw scores → anchors (see calibration); ≥ 70 is an anomaly"},
        ],
        "onnx": {
            "opset": {"ai.onnx": TARGET_OPSET[""], "ai.onnx.ml": TARGET_OPSET["ai.onnx.ml"]},
            "router": None,
            "scorers": [{"cluster": 0, "file": SCORER_FILE, "input": INPUT_NAME, "inputType": "float64", "output": IFOREST_OUTPUT, "outputType": "float32"}],
        },
        "files": file_entries(out, [SCORER_FILE, PARITY_FILE]),
        "training": training_summary(fm),
        "params": {
            "seed": seed,
            "featureSelection": {
                "from": fm.feature_set,
                "chosen": list(chosen),
                "why": "scale-free pickup features: ratios and z-scores against the cell's own hour-of-week baseline, the "
                "ring ratio and the cell's share of its ring; raw counts left out (they separate busy from quiet cells), "
                "fares and speeds too (0 for an empty window), time of day too (the baseline is already per hour of "
                "week), dropoff ratio/z too (added noise to surge and collapse detection on the development sets)",
            },
            "rowFilter": {
                "feature": BASELINE_FEATURE,
                "min": min_baseline_weeks,
                "rowsUsed": int(len(used)),
                "rowsDropped": int(len(fm.X) - len(used)),
                "truthCountsUsed": {str(k): int(n) for k, n in zip(*np.unique(kept.astype(str), return_counts=True))} if kept is not None else None,
            },
            "isolationForest": {
                "nEstimators": n_estimators,
                "maxSamples": int(forest.max_samples_),
                "maxFeatures": 1.0,
                "bootstrap": False,
                "randomState": seed,
                "contamination": "auto (unused: the score is calibrated on percentiles)",
            },
        },
        "calibration": calibration,
        "evaluation": evaluation,
        "checks": {"sklearnParity": {"rows": int(len(X)), "clusterMismatches": 0, "maxAbsRawDiff": max_raw_diff, "tolerance": SKLEARN_RAW_TOLERANCE}},
        "reference": reference_distributions(X, chosen),
        "toolchain": toolchain(),
    }
    (out / CARD_FILE).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n")
    return card


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m vigia_models.train_trip_demand", description=__doc__.split("\n\n")[0])
    ap.add_argument("--features", required=True, help="Parquet from `vigia features export --domain trip --set trip-cell@1`")
    ap.add_argument("--out", required=True, help="model folder, e.g. trip-demand/1 (its name is the version)")
    ap.add_argument("--version", help="version in the card (default: the --out folder's name)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--demand-features", default=",".join(DEMAND_FEATURES), help="comma-separated trip-cell@1 names, the ONNX input order")
    ap.add_argument("--min-baseline-weeks", type=float, default=1.0, help="fit only rows whose baseline has this much history")
    ap.add_argument("--n-estimators", type=int, default=100)
    ap.add_argument("--max-samples", type=int, default=256, help="rows per tree")
    ap.add_argument("--alarm-quantile", type=float, default=0.99, help="training percentile that maps to score 70")
    ap.add_argument("--parity-rows", type=int, default=300)
    ap.add_argument("--created", help="ISO time for the card (default: SOURCE_DATE_EPOCH or now)")
    a = ap.parse_args(argv)
    try:
        card = train(
            a.features, a.out, version=a.version, seed=a.seed,
            demand_features=tuple(n.strip() for n in a.demand_features.split(",") if n.strip()),
            min_baseline_weeks=a.min_baseline_weeks, n_estimators=a.n_estimators, max_samples=a.max_samples,
            alarm_quantile=a.alarm_quantile, parity_rows=a.parity_rows, created=a.created,
        )
    except (FeatureSetMismatch, ParityError, ValueError, FileNotFoundError) as e:
        print(f"train_trip_demand: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    rf = card["params"]["rowFilter"]
    print(f"wrote {a.out}: {len(card['features'])} features, {rf['rowsUsed']} rows fitted ({rf['rowsDropped']} in baseline warm-up)")
    ev = card.get("evaluation")
    if ev:
        print(f"false alarms {ev['normal']['falseAlarmRate']}; " + ", ".join(f"{k} detection {v['detectionRate']} AUC {v['auc']}" for k, v in ev["faults"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
