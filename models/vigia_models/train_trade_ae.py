"""Train the trade autoencoder on an exported trade-ae feature set and write a servable folder.

    cd models && python3 -m vigia_models.train_trade_ae \
        --features /tmp/trade/trade-features.parquet --groups /tmp/trade/trade-feature-groups.json --out trade-ae/4

The feature names and order are read from the export (every column between the keys and
truth_kind) and must equal the groups file's features (written by the processor's code,
models/dev/trade-dev-set.ts), so a change of trade-features.ts needs no edit here — only a
retrain (models/dev/retrain-trade-ae.sh). The serving side refuses a card whose features differ
from TRADE_FEATURES.

scikit-learn MLPRegressor (relu, a bottleneck) learns to reproduce the standardised vector of
every row; labels are never read to fit (the injected anomalies are a few per cent of rows).
Raw score = mean squared reconstruction error in standardised units; its percentile among the
training rows goes through calibration.py's anchors to 0–100. The alarm quantile (score 70, the
'minor' band) is chosen by a budget of flags per simulated day on the training rows, not by
labels: with `--alarm-flags-per-day F` over D days and N rows, the quantile is 1 − F·D/N, so the
model alone flags at most F declarations a day of the (clean-dominated) training run; the exact
alarm and major quantiles join the quantile table so the serving side hits them exactly. The card also carries the
background rows the Shapley explanations are computed against (k-means medoids of the training
rows) and the per-kind evaluation against truth_kind (evaluation only).
Writes autoencoder.onnx, card.json and parity.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from sklearn.cluster import KMeans
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPRegressor
from threadpoolctl import threadpool_limits

from . import calibration as cal
from .autoencoder_onnx import AE_OPSET, INPUT_NAME, OUTPUT_NAME, autoencoder_to_onnx, reconstruction_error
from .feature_sets import KEY_COLUMNS, TRUTH_COLUMN, FeatureSetMismatch, read_feature_parquet
from .model_folder import CARD_FILE, PARITY_FILE, file_entries, now_iso, session, toolchain, training_summary
from .parity_rows import pick_parity_rows
from .reference import reference_distributions
from .shapley import group_shapley

MODEL_NAME = "trade-ae"
DOMAIN = "trade"
GRAPH_FILE = "autoencoder.onnx"
# float64 graph against numpy's forward pass of the same weights.
SKLEARN_TOLERANCE = 1e-9
# The smallest standard deviation a feature is divided by: a nearly constant feature (a flag
# almost never set) would otherwise turn its rare value into an error of millions.
MIN_SCALE = 0.05
# Raw error at which the score reaches 100, as a multiple of the training maximum.
CEILING_FACTOR = 10.0


def read_groups(path: str | Path) -> tuple[str, tuple[str, ...], dict[str, list[str]]]:
    g = json.loads(Path(path).read_text())
    features = tuple(g["features"])
    groups = {k: list(v) for k, v in g["groups"].items()}
    if [f for fs in groups.values() for f in fs] != list(features):
        raise FeatureSetMismatch(f"{path}: the groups, concatenated, are not the feature list in order")
    return g["featureSet"], features, groups


def export_features(path: str | Path) -> tuple[str, ...]:
    names = pq.read_schema(path).names
    return tuple(c for c in names if c not in KEY_COLUMNS and c != TRUTH_COLUMN)


def fit(X: np.ndarray, params: dict) -> tuple[np.ndarray, np.ndarray, MLPRegressor]:
    mean = X.mean(axis=0)
    scale = np.maximum(X.std(axis=0), MIN_SCALE)
    z = (X - mean) / scale
    mlp = MLPRegressor(**params).fit(z, z)
    return mean, scale, mlp


def pick_background(X: np.ndarray, mean: np.ndarray, scale: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Row indices: the training row nearest each of n k-means centres (standardised space)."""
    z = (X - mean) / scale
    km = KMeans(n_clusters=n, n_init=4, random_state=seed).fit(z)
    picks = []
    for c in km.cluster_centers_:
        d = ((z - c) ** 2).sum(axis=1)
        d[picks] = np.inf
        picks.append(int(np.argmin(d)))
    return np.array(sorted(picks))


def training_days(ts_ms: np.ndarray) -> float:
    """Simulated days the training rows span (at least one)."""
    return max(1.0, float(ts_ms.max() - ts_ms.min()) / 86_400_000.0)


def alarm_quantile_for_budget(flags_per_day: float, days: float, rows: int) -> float:
    """The training-error quantile above which the model alone flags `flags_per_day` rows a day."""
    if flags_per_day <= 0:
        raise ValueError(f"alarm budget must be positive flags per day, got {flags_per_day}")
    q = 1.0 - flags_per_day * days / rows
    if not 0.5 <= q < 1.0:
        raise ValueError(f"a budget of {flags_per_day} flags/day over {days:.1f} days and {rows} rows gives quantile {q}; it must lie in [0.5, 1)")
    return q


def per_kind(truth: np.ndarray | None, scores: np.ndarray, threshold: float) -> dict | None:
    if truth is None:
        return None
    normal = truth == ""
    out = {}
    for kind in sorted(set(truth.tolist())):
        m = truth == kind
        auc = None
        if kind and normal.any():
            y = np.r_[np.zeros(normal.sum()), np.ones(m.sum())]
            auc = float(roc_auc_score(y, np.r_[scores[normal], scores[m]]))
        out[kind or "normal"] = {"rows": int(m.sum()), "flagged": int((scores[m] >= threshold).sum()), "flaggedRate": float((scores[m] >= threshold).mean()), "meanScore": float(scores[m].mean()), "auc": auc}
    return out


def train(features: str, groups_file: str, out: str, seed: int = 42, hidden: tuple[int, ...] = (24, 8, 24), background_rows: int = 16,
          alarm_quantile: float = 0.99, alarm_flags_per_day: float | None = 0.5, max_iter: int = 400, parity_rows: int = 300, shapley_rows: int = 12, created: str | None = None, version: str | None = None) -> dict:
    feature_set, names, groups = read_groups(groups_file)
    got = export_features(features)
    if got != names:
        raise FeatureSetMismatch(f"{features} has features {list(got)}, the groups file {groups_file} names {list(names)}; export and groups must come from the same processor")
    fm = read_feature_parquet(features, names, feature_set, domain=DOMAIN)
    params = {"hidden_layer_sizes": list(hidden), "activation": "relu", "solver": "adam", "alpha": 1e-4, "max_iter": max_iter, "early_stopping": True,
              "validation_fraction": 0.1, "n_iter_no_change": 20, "random_state": seed}
    with threadpool_limits(1):
        mean, scale, mlp = fit(fm.X, {**params, "hidden_layer_sizes": tuple(hidden)})
        raw_ref = reconstruction_error(mean, scale, mlp, fm.X)
        graph = autoencoder_to_onnx(mean, scale, mlp, len(names))
        sess = session(graph)
        raw = sess.run([OUTPUT_NAME], {INPUT_NAME: fm.X})[0]
    diff = float(np.max(np.abs(raw - raw_ref)))
    if diff > SKLEARN_TOLERANCE * max(1.0, float(raw_ref.max())):
        raise RuntimeError(f"ONNX graph differs from the numpy forward pass by {diff}")

    days = training_days(fm.ts_ms)
    if alarm_flags_per_day is not None:
        alarm_quantile = alarm_quantile_for_budget(alarm_flags_per_day, days, len(raw))
    a_pct, a_scores = cal.score_anchors(alarm_quantile)
    probabilities = sorted(set(cal.CALIBRATION_PROBABILITIES) | set(a_pct))
    quantiles = cal.quantile_table(raw, tuple(probabilities))
    ceiling = CEILING_FACTOR * quantiles[-1]
    calib = {"method": "reconstruction-error-percentile", "definition": "mean over features of (reconstruction − standardised value)², standardised by the training mean and max(std, %g)" % MIN_SCALE,
             "threshold": cal.ALARM_SCORE, "alarmQuantile": alarm_quantile,
             "alarmBudget": None if alarm_flags_per_day is None else {"flagsPerDay": alarm_flags_per_day, "trainingDays": days, "trainingRows": int(len(raw)),
                                                                     "rule": "alarm quantile = 1 − flagsPerDay × trainingDays / trainingRows; chosen without labels"},
             "probabilities": probabilities, "anchors": {"percentiles": a_pct, "scores": a_scores}, "rawCeiling": ceiling, "rows": int(len(raw)), "quantiles": quantiles}

    def score_of(X: np.ndarray) -> np.ndarray:
        r = sess.run([OUTPUT_NAME], {INPUT_NAME: np.ascontiguousarray(X, dtype=np.float64)})[0]
        return cal.calibrated_scores(r, quantiles, probabilities, a_pct, a_scores, ceiling)

    scores = cal.calibrated_scores(raw, quantiles, probabilities, a_pct, a_scores, ceiling)
    bg_idx = pick_background(fm.X, mean, scale, background_rows, seed)
    background = fm.X[bg_idx]
    group_names = list(groups)
    group_of = np.array([group_names.index(next(g for g, fs in groups.items() if f in fs)) for f in names])
    baseline = float(score_of(background).mean())

    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / GRAPH_FILE).write_bytes(graph.SerializeToString())

    rng = np.random.default_rng(seed)
    picks, sources, n_extreme = pick_parity_rows(fm.truth_kind, np.arange(len(fm.X)), parity_rows, rng)
    extremes = fm.X[rng.choice(len(fm.X), n_extreme)] + rng.normal(0, 1, (n_extreme, len(names))) * scale * 20
    inputs = np.vstack([fm.X[picks], extremes])
    sources = sources + ["extreme"] * n_extreme
    p_raw = sess.run([OUTPUT_NAME], {INPUT_NAME: inputs})[0]
    p_score = cal.calibrated_scores(p_raw, quantiles, probabilities, a_pct, a_scores, ceiling)
    # Shapley rows: the highest-scoring parity rows (what alerts look like) plus a few ordinary ones.
    order = np.argsort(-p_score)
    sh_idx = np.r_[order[: shapley_rows - 2], order[-2:]]
    shap_rows = [{"row": int(i), "values": group_shapley(score_of, inputs[i], background, group_of, len(group_names))[0].tolist()} for i in sh_idx]
    parity = {"features": list(names), "groups": group_names, "tolerance": 1e-5, "inputs": inputs.tolist(), "sources": sources, "raw": p_raw.tolist(), "score": p_score.tolist(),
              "baseline": baseline, "shapley": shap_rows}
    (out_dir / PARITY_FILE).write_text(json.dumps(parity) + "\n")

    evaluation = {"data": Path(features).name, "threshold": cal.ALARM_SCORE, "note": "the model alone, in sample; the serving score is max(model, rules) — see models/README.md for the held-out figures",
                  "byKind": per_kind(fm.truth_kind.astype(str) if fm.truth_kind is not None else None, scores, cal.ALARM_SCORE)}
    card = {
        "schemaVersion": 1, "kind": "autoencoder", "domain": DOMAIN, "name": MODEL_NAME, "version": version or out_dir.name, "created": now_iso(created),
        "description": "Trade declarations: an MLP autoencoder's reconstruction error of the trade-ae feature vector, calibrated to 0–100; explained by exact group Shapley values against `background`.",
        "featureSet": feature_set, "features": list(names), "groups": groups,
        "outputs": [{"name": OUTPUT_NAME, "type": "float64", "meaning": "raw anomaly score: mean squared reconstruction error in standardised units, higher = more anomalous"}],
        "files": file_entries(out_dir, [GRAPH_FILE]), "training": training_summary(fm),
        "params": {**params, "minScale": MIN_SCALE, "alarmQuantile": alarm_quantile, "ceilingFactor": CEILING_FACTOR, "iterations": int(mlp.n_iter_), "backgroundRows": background_rows},
        "checks": {"onnxVsNumpyMaxAbsDiff": diff},
        "reference": reference_distributions(fm.X, names),
        "toolchain": toolchain(),
        "onnx": {"opset": {"ai.onnx": AE_OPSET}, "autoencoder": {"file": GRAPH_FILE, "input": INPUT_NAME, "inputType": "float64", "output": OUTPUT_NAME, "outputType": "float64"}},
        "calibration": calib,
        "background": {"method": f"the training row nearest each of {background_rows} k-means centres (standardised space)", "eventIds": [str(e) for e in fm.event_id[bg_idx]], "rows": background.tolist(), "baselineScore": baseline},
        "evaluation": evaluation,
    }
    (out_dir / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n")
    return card


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--features", required=True, help="Parquet written by `vigia features export --domain trade` (or models/dev/make_trade_dev_set.py)")
    ap.add_argument("--groups", required=True, help="trade-feature-groups.json (models/dev/trade-dev-set.ts writes it)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--hidden", default="24,8,24")
    ap.add_argument("--background-rows", type=int, default=16)
    ap.add_argument("--alarm-quantile", type=float, default=0.99, help="used only with --alarm-flags-per-day 0 (off)")
    ap.add_argument("--alarm-flags-per-day", type=float, default=0.5, help="model-alone flags per simulated day of the training run at the minor band; 0 = use --alarm-quantile")
    ap.add_argument("--max-iter", type=int, default=400)
    ap.add_argument("--created")
    ap.add_argument("--version")
    a = ap.parse_args(argv)
    card = train(a.features, a.groups, a.out, seed=a.seed, hidden=tuple(int(h) for h in a.hidden.split(",")), background_rows=a.background_rows,
                 alarm_quantile=a.alarm_quantile, alarm_flags_per_day=a.alarm_flags_per_day or None, max_iter=a.max_iter, created=a.created, version=a.version)
    print(json.dumps({"out": a.out, "rows": card["training"]["rows"], "iterations": card["params"]["iterations"], "byKind": card["evaluation"]["byKind"]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
