"""Train the sensor model chain on an exported feature set and write a servable model folder.

    cd models && python3 -m vigia_models.train_sensor_chain \
        --features /tmp/train/sensor-features.parquet --out sensor-chain/2

Chain (the one the gas-network system used): StandardScaler → KMeans → one Isolation Forest
per cluster. Writes chain.onnx, iforest-<cluster>.onnx, card.json and parity.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import sklearn
import skl2onnx
from sklearn.cluster import KMeans
from sklearn.ensemble import IsolationForest
from sklearn.metrics import silhouette_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from . import calibration as cal
from .evaluation import evaluate
from .feature_sets import (
    SENSOR_CHAIN_FEATURE_SET,
    SENSOR_CHAIN_FEATURES,
    FeatureMatrix,
    FeatureSetMismatch,
    read_feature_parquet,
    sha256_file,
)
from .onnx_export import CHAIN_OUTPUT, IFOREST_OUTPUT, INPUT_NAME, TARGET_OPSET, chain_to_onnx, iforest_to_onnx
from .reference import reference_distributions
from .parity_rows import pick_parity_rows

MODEL_NAME = "sensor-chain"
DOMAIN = "sensor"
CARD_FILE = "card.json"
PARITY_FILE = "parity.json"
CHAIN_FILE = "chain.onnx"
# ONNX (float32 accumulation of the tree sum) against scikit-learn's float64 score_samples.
SKLEARN_RAW_TOLERANCE = 1e-5


class ParityError(RuntimeError):
    """The ONNX graphs do not reproduce scikit-learn's predictions on the training rows."""


def choose_k(Z: np.ndarray, k_min: int, k_max: int, seed: int, sample_rows: int, min_cluster_rows: int, n_init: int):
    """Largest silhouette (on a seeded sample) among k whose smallest cluster has at least
    `min_cluster_rows` rows, so every cluster has enough data for its own forest."""
    rng = np.random.default_rng(seed)
    sample = rng.choice(len(Z), size=min(sample_rows, len(Z)), replace=False)
    candidates, fitted = [], {}
    for k in range(k_min, k_max + 1):
        if k * min_cluster_rows > len(Z):
            break
        km = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(Z)
        sizes = np.bincount(km.labels_, minlength=k)
        labels = km.labels_[sample]
        sil = float(silhouette_score(Z[sample], labels)) if len(set(labels.tolist())) > 1 else -1.0
        eligible = bool(sizes.min() >= min_cluster_rows)
        candidates.append({"k": k, "silhouette": round(sil, 5), "smallestCluster": int(sizes.min()), "eligible": eligible})
        fitted[k] = km
    eligible = [c for c in candidates if c["eligible"]]
    if not eligible:
        raise ValueError(
            f"no k in {k_min}..{k_max} gives clusters of at least {min_cluster_rows} rows "
            f"({len(Z)} rows); use more data or lower --min-cluster-rows"
        )
    best = max(eligible, key=lambda c: (c["silhouette"], -c["k"]))
    return fitted[best["k"]], candidates


def score_with_onnx(chain: ort.InferenceSession, forests: list[ort.InferenceSession], X: np.ndarray):
    """What the TypeScript scorer does: the chain on the whole batch, then each cluster's rows
    through that cluster's forest."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    cluster = chain.run([CHAIN_OUTPUT], {INPUT_NAME: X})[0].astype(np.int64)
    raw = np.zeros(len(X), dtype=np.float64)
    for c, session in enumerate(forests):
        rows = np.nonzero(cluster == c)[0]
        if len(rows):
            raw[rows] = session.run([IFOREST_OUTPUT], {INPUT_NAME: X[rows]})[0].astype(np.float64)
    return cluster, raw


def calibrate_all(cluster: np.ndarray, raw: np.ndarray, calibration: dict) -> np.ndarray:
    probs = calibration["probabilities"]
    ap, asc = calibration["anchors"]["percentiles"], calibration["anchors"]["scores"]
    tables = {c["cluster"]: c["quantiles"] for c in calibration["clusters"]}
    return np.array(
        [cal.calibrated_score(float(r), tables[int(c)], probs, ap, asc, calibration["rawCeiling"]) for c, r in zip(cluster, raw)]
    )


def _session(model: onnx.ModelProto) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    return ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])


def _parity_rows(fm: FeatureMatrix, n_rows: int, seed: int) -> tuple[np.ndarray, list[str]]:
    """Random training rows, some of every fault kind, and synthetic extremes beyond anything in
    training (to exercise the calibration tail above the cluster maxima)."""
    rng = np.random.default_rng(seed + 1)
    picks, sources, n_extreme = pick_parity_rows(fm.truth_kind, np.arange(len(fm.X)), n_rows, rng)
    rows = fm.X[picks]
    extremes = fm.X[rng.choice(len(fm.X), size=n_extreme)].copy()
    std = fm.X.std(axis=0)
    for j in range(3):  # the channel features only; hour/weekend stay valid
        extremes[:, j] += rng.choice([-1.0, 1.0], size=n_extreme) * rng.uniform(4, 12, size=n_extreme) * std[j]
    return np.vstack([rows, extremes]), sources + ["synthetic-extreme"] * n_extreme


def train(
    features: str | Path,
    out: str | Path,
    *,
    version: str | None = None,
    seed: int = 42,
    k_min: int = 2,
    k_max: int = 6,
    n_init: int = 4,
    silhouette_sample: int = 5000,
    min_cluster_rows: int = 200,
    n_estimators: int = 100,
    max_samples: int = 128,
    alarm_quantile: float = 0.99,
    parity_rows: int = 300,
    created: str | None = None,
) -> dict:
    out = Path(out)
    fm = read_feature_parquet(features)
    version = version or out.name
    n_features = len(fm.features)

    scaler = StandardScaler().fit(fm.X)
    Z = scaler.transform(fm.X)
    kmeans, candidates = choose_k(Z, k_min, k_max, seed, silhouette_sample, min_cluster_rows, n_init)
    k = int(kmeans.n_clusters)
    labels = kmeans.labels_
    forests: list[IsolationForest] = []
    for c in range(k):
        rows = fm.X[labels == c]
        forests.append(
            IsolationForest(
                n_estimators=n_estimators, max_samples=min(max_samples, len(rows)), random_state=seed + c
            ).fit(rows)
        )

    pipeline = Pipeline([("scaler", scaler), ("kmeans", kmeans)])
    chain_model = chain_to_onnx(pipeline, n_features)
    forest_models = [iforest_to_onnx(f, n_features, f"{MODEL_NAME}-iforest-{c}") for c, f in enumerate(forests)]

    # The graphs must reproduce scikit-learn before anything is written.
    chain_sess, forest_sess = _session(chain_model), [_session(m) for m in forest_models]
    cluster, raw = score_with_onnx(chain_sess, forest_sess, fm.X)
    sk_raw = np.empty(len(fm.X))
    for c, f in enumerate(forests):
        rows = labels == c
        sk_raw[rows] = -f.score_samples(fm.X[rows])
    mismatches = int((cluster != labels).sum())
    same = cluster == labels
    max_raw_diff = float(np.abs(raw[same] - sk_raw[same]).max())
    if mismatches or max_raw_diff > SKLEARN_RAW_TOLERANCE:
        raise ParityError(f"ONNX vs scikit-learn: {mismatches} cluster mismatches, max |raw diff| {max_raw_diff:.3g}")

    probabilities = list(cal.CALIBRATION_PROBABILITIES)
    anchor_p, anchor_s = cal.score_anchors(alarm_quantile)
    calibration = {
        "method": "cluster-percentile",
        "threshold": cal.ALARM_SCORE,
        "probabilities": probabilities,
        "anchors": {"percentiles": anchor_p, "scores": anchor_s},
        "rawCeiling": cal.RAW_CEILING,
        "clusters": [
            {"cluster": c, "rows": int((cluster == c).sum()), "quantiles": cal.quantile_table(raw[cluster == c], tuple(probabilities))}
            for c in range(k)
        ],
    }
    scores = calibrate_all(cluster, raw, calibration)

    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("iforest-*.onnx"):
        stale.unlink()
    files = {CHAIN_FILE: chain_model}
    files.update({f"iforest-{c}.onnx": m for c, m in enumerate(forest_models)})
    for name, model in files.items():
        (out / name).write_bytes(model.SerializeToString())

    parity_X, parity_sources = _parity_rows(fm, parity_rows, seed)
    p_cluster, p_raw = score_with_onnx(chain_sess, forest_sess, parity_X)
    parity = {
        "model": MODEL_NAME,
        "version": version,
        "features": list(fm.features),
        "tolerance": 1e-5,
        "note": "outputs from Python onnxruntime + vigia_models.calibration; the TS scorer must agree",
        "inputs": [[float(v) for v in row] for row in parity_X],
        "sources": parity_sources,
        "cluster": [int(c) for c in p_cluster],
        "raw": [float(r) for r in p_raw],
        "score": [float(s) for s in calibrate_all(p_cluster, p_raw, calibration)],
    }
    (out / PARITY_FILE).write_text(json.dumps(parity, separators=(",", ":")) + "\n")

    entities = sorted(set(fm.entity.tolist()))
    truth_counts = None
    if fm.truth_kind is not None:
        kinds, counts = np.unique(fm.truth_kind.astype(str), return_counts=True)
        truth_counts = {str(kd): int(n) for kd, n in zip(kinds, counts)}
    card = {
        "schemaVersion": 1,
        "domain": DOMAIN,
        "name": MODEL_NAME,
        "version": version,
        "created": created or _now_iso(),
        "description": "StandardScaler → KMeans → one Isolation Forest per cluster (the gas-network chain); "
        "answers the cluster, the cluster forest's raw anomaly score and a calibrated 0–100 score.",
        "featureSet": fm.feature_set,
        "features": list(fm.features),
        "outputs": [
            {"name": "cluster", "type": "int", "meaning": "k-means cluster of the scaled feature vector (0..k-1); selects the forest"},
            {"name": "raw", "type": "float32", "meaning": "-IsolationForest.score_samples of the cluster's forest = 2^(-mean path length / c(max_samples)); (0, 1], higher = more anomalous, ~0.5 typical"},
            {"name": "score", "type": "float64", "meaning": "0–100: raw → percentile within the cluster's training raw scores → anchors (see calibration); ≥ 70 is an anomaly"},
        ],
        "onnx": {
            "opset": {"ai.onnx": TARGET_OPSET[""], "ai.onnx.ml": TARGET_OPSET["ai.onnx.ml"]},
            "router": {"file": CHAIN_FILE, "input": INPUT_NAME, "inputType": "float64", "output": CHAIN_OUTPUT, "outputType": "int64"},
            "scorers": [
                {"cluster": c, "file": f"iforest-{c}.onnx", "input": INPUT_NAME, "inputType": "float64", "output": IFOREST_OUTPUT, "outputType": "float32"}
                for c in range(k)
            ],
        },
        "files": [{"path": name, "sha256": sha256_file(out / name), "bytes": (out / name).stat().st_size} for name in [*files, PARITY_FILE]],
        "training": {
            "file": Path(fm.path).name,
            "sha256": fm.sha256,
            "bytes": fm.bytes,
            "rows": int(len(fm.X)),
            "entities": len(entities),
            "entityIds": entities if len(entities) <= 100 else None,
            "tsMin": int(fm.ts_ms.min()),
            "tsMax": int(fm.ts_ms.max()),
            "truthCounts": truth_counts,
        },
        "params": {
            "seed": seed,
            "scaler": {"mean": [float(v) for v in scaler.mean_], "scale": [float(v) for v in scaler.scale_]},
            "kmeans": {
                "k": k,
                "rule": f"max silhouette on a seeded {min(silhouette_sample, len(Z))}-row sample over k={k_min}..{k_max}, "
                f"among k whose smallest cluster has ≥ {min_cluster_rows} rows",
                "kRange": [k_min, k_max],
                "nInit": n_init,
                "randomState": seed,
                "silhouetteSample": min(silhouette_sample, len(Z)),
                "minClusterRows": min_cluster_rows,
                "candidates": candidates,
                "centersScaled": [[float(v) for v in row] for row in kmeans.cluster_centers_],
            },
            "isolationForest": {
                "input": "unscaled features (trees are invariant to per-feature scaling)",
                "nEstimators": n_estimators,
                "maxSamples": max_samples,
                "maxFeatures": 1.0,
                "bootstrap": False,
                "randomState": f"seed + cluster ({seed}..{seed + k - 1})",
                "perCluster": [{"cluster": c, "rows": int((labels == c).sum()), "maxSamples": int(f.max_samples_)} for c, f in enumerate(forests)],
            },
        },
        "calibration": calibration,
        "evaluation": None,
        "checks": {
            "sklearnParity": {
                "rows": int(len(fm.X)),
                "clusterMismatches": mismatches,
                "maxAbsRawDiff": max_raw_diff,
                "tolerance": SKLEARN_RAW_TOLERANCE,
            }
        },
        "reference": reference_distributions(fm.X, fm.features),
        "toolchain": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "skl2onnx": skl2onnx.__version__,
            "onnx": onnx.__version__,
            "onnxruntime": ort.__version__,
            "numpy": np.__version__,
        },
    }
    if fm.truth_kind is not None:
        card["evaluation"] = {
            "data": "the training file itself (in-sample); truth_kind is used here only, never for fitting",
            **evaluate(scores, fm.truth_kind, fm.entity, fm.ts_ms, cal.ALARM_SCORE),
        }
    (out / CARD_FILE).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n")
    return card


def _now_iso() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    t = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m vigia_models.train_sensor_chain", description=__doc__.split("\n\n")[0])
    ap.add_argument("--features", required=True, help="Parquet from `vigia features export --domain sensor`")
    ap.add_argument("--out", required=True, help="model folder, e.g. sensor-chain/2 (its name is the version)")
    ap.add_argument("--version", help="version in the card (default: the --out folder's name)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--k-min", type=int, default=2)
    ap.add_argument("--k-max", type=int, default=6)
    ap.add_argument("--silhouette-sample", type=int, default=5000, help="rows the silhouette is computed on")
    ap.add_argument("--min-cluster-rows", type=int, default=200)
    ap.add_argument("--n-estimators", type=int, default=100, help="trees per forest")
    ap.add_argument("--max-samples", type=int, default=128, help="rows per tree (capped at the cluster's size)")
    ap.add_argument("--alarm-quantile", type=float, default=0.99, help="training percentile that maps to score 70")
    ap.add_argument("--parity-rows", type=int, default=300)
    ap.add_argument("--created", help="ISO time for the card (default: SOURCE_DATE_EPOCH or now)")
    a = ap.parse_args(argv)
    try:
        card = train(
            a.features, a.out, version=a.version, seed=a.seed, k_min=a.k_min, k_max=a.k_max,
            silhouette_sample=a.silhouette_sample, min_cluster_rows=a.min_cluster_rows,
            n_estimators=a.n_estimators, max_samples=a.max_samples, alarm_quantile=a.alarm_quantile,
            parity_rows=a.parity_rows, created=a.created,
        )
    except (FeatureSetMismatch, ParityError, ValueError, FileNotFoundError) as e:
        print(f"train_sensor_chain: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    total = sum(f["bytes"] for f in card["files"])
    print(f"wrote {a.out}: k={card['params']['kmeans']['k']}, {len(card['files'])} files, {total / 1e6:.2f} MB")
    ev = card.get("evaluation")
    if ev:
        print(f"false alarms {ev['normal']['falseAlarmRate']}; detection " + ", ".join(f"{kd} {v['detectionRate']}" for kd, v in ev["faults"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
