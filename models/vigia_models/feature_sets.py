"""Reading an exported feature set and checking it is the set a model expects.

The names and order mirror `SENSOR_CHAIN_FEATURES` in
processor/src/domains/sensor/sensor-chain-features.ts, `TRIP_FARE_FEATURES` in
processor/src/domains/trip/trip-fare-features.ts and `TRIP_CELL_FEATURES` in
processor/src/domains/trip/trip-cell-features.ts; the TypeScript loaders reject a model card
whose feature list differs from the processor's, so a drift between the two cannot serve.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

SENSOR_CHAIN_FEATURE_SET = "sensor-chain@1"
SENSOR_CHAIN_FEATURES = ("pressure", "temperature", "flow", "hour_sin", "hour_cos", "weekend")

TRIP_FARE_FEATURE_SET = "trip-fare@1"
TRIP_FARE_FEATURES = (
    "trip_distance", "duration_min", "straight_line_mi", "detour_ratio", "speed_mph",
    "pickup_lat", "pickup_lng", "dropoff_lat", "dropoff_lng", "how_sin", "how_cos",
    "hour_sin", "hour_cos", "weekend", "pickup_airport", "dropoff_airport", "jfk_flat_rate",
    "passenger_count",
)
# The regression target the trip-fare@1 export carries after the features.
TRIP_FARE_TARGET = "fare_amount"

TRIP_CELL_FEATURE_SET = "trip-cell@1"
TRIP_CELL_FEATURES = (
    "pickups_15m", "pickups_60m", "dropoffs_15m", "dropoffs_60m", "fare_per_mile_60m",
    "speed_mph_60m", "pickups_15m_ratio", "pickups_15m_z", "pickups_60m_ratio", "pickups_60m_z",
    "dropoffs_60m_ratio", "dropoffs_60m_z", "baseline_weeks", "ring_pickups_15m",
    "ring_pickups_60m", "ring_dropoffs_60m", "ring_fare_per_mile_60m", "ring_speed_mph_60m",
    "ring_pickups_60m_ratio", "cell_share_60m", "hour_sin", "hour_cos", "weekend",
)

# Columns `vigia features export` writes around the feature columns.
KEY_COLUMNS = ("entity", "event_id", "ts_ms")
TRUTH_COLUMN = "truth_kind"


class FeatureSetMismatch(ValueError):
    """The Parquet file's columns are not the feature set the model is trained on."""


@dataclass(frozen=True)
class FeatureMatrix:
    feature_set: str
    features: tuple[str, ...]
    X: np.ndarray  # float64, rows × features, in the set's order
    entity: np.ndarray  # str
    event_id: np.ndarray  # str
    ts_ms: np.ndarray  # int64
    truth_kind: np.ndarray | None  # str, '' = normal; evaluation only, never for fitting
    sha256: str
    path: str
    bytes: int
    y: np.ndarray | None = None  # float64 target (e.g. fare_amount) when the set has one
    target: str | None = None


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_columns(columns: list[str], features: tuple[str, ...], feature_set: str, target: str | None = None, domain: str = "sensor") -> None:
    """Exactly the export's layout: keys, the set's features in order, the target when the
    set has one, optionally truth_kind."""
    expected = list(KEY_COLUMNS) + list(features) + ([target] if target else [])
    got = [c for c in columns if c != TRUTH_COLUMN]
    if got != expected:
        missing = [c for c in expected if c not in columns]
        extra = [c for c in got if c not in expected]
        detail = []
        if missing:
            detail.append(f"missing {missing}")
        if extra:
            detail.append(f"unexpected {extra}")
        if not missing and not extra:
            detail.append(f"order is {got[len(KEY_COLUMNS):]}")
        raise FeatureSetMismatch(
            f"columns do not match feature set '{feature_set}' ({'; '.join(detail)}); "
            f"expected {expected} (+ optional '{TRUTH_COLUMN}'). Re-export with "
            f"`vigia features export --domain {domain}` from a processor that computes '{feature_set}'."
        )


def read_feature_parquet(
    path: str | Path,
    features: tuple[str, ...] = SENSOR_CHAIN_FEATURES,
    feature_set: str = SENSOR_CHAIN_FEATURE_SET,
    target: str | None = None,
    domain: str = "sensor",
) -> FeatureMatrix:
    path = Path(path)
    table = pq.read_table(path)
    check_columns(table.column_names, features, feature_set, target, domain)
    if table.num_rows == 0:
        raise FeatureSetMismatch(f"{path} has no rows")
    X = np.column_stack([table.column(c).to_numpy(zero_copy_only=False).astype(np.float64) for c in features])
    bad = ~np.isfinite(X)
    if bad.any():
        rows, cols = np.nonzero(bad)
        raise FeatureSetMismatch(
            f"{int(bad.any(axis=1).sum())} rows have missing or non-finite features "
            f"(first: row {int(rows[0])}, '{features[int(cols[0])]}')"
        )
    y = None
    if target:
        y = table.column(target).to_numpy(zero_copy_only=False).astype(np.float64)
        if not np.isfinite(y).all():
            raise FeatureSetMismatch(f"{int((~np.isfinite(y)).sum())} rows have a missing or non-finite '{target}'")
    truth = None
    if TRUTH_COLUMN in table.column_names:
        truth = np.array([t or "" for t in table.column(TRUTH_COLUMN).to_pylist()], dtype=object)
    return FeatureMatrix(
        feature_set=feature_set,
        features=features,
        X=X,
        entity=np.array(table.column("entity").to_pylist(), dtype=object),
        event_id=np.array(table.column("event_id").to_pylist(), dtype=object),
        ts_ms=table.column("ts_ms").to_numpy().astype(np.int64),
        truth_kind=truth,
        sha256=sha256_file(path),
        path=str(path),
        bytes=path.stat().st_size,
        y=y,
        target=target,
    )
