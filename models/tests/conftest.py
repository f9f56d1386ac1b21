"""Synthetic feature-set Parquet files shaped like `vigia features export --domain sensor`."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

FEATURES = ["pressure", "temperature", "flow", "hour_sin", "hour_cos", "weekend"]
DAY_MS = 86_400_000
START_MS = 1_767_571_200_000  # 2026-01-05T00:00:00Z, a Monday


def synthetic_columns(entities: int = 3, rows_per_entity: int = 900, seed: int = 0) -> dict[str, list]:
    """Readings every 10 minutes with a daily flow cycle, plus a few injected faults labelled
    in truth_kind (evaluation only)."""
    rng = np.random.default_rng(seed)
    cols: dict[str, list] = {c: [] for c in ["entity", "event_id", "ts_ms", *FEATURES, "truth_kind"]}
    for e in range(entities):
        base_p, base_f = 6.5 + 0.3 * e, 900 + 250 * e
        for i in range(rows_per_entity):
            ts = START_MS + i * 600_000
            angle = 2 * math.pi * (ts % DAY_MS) / DAY_MS
            weekday = (4 + ts // DAY_MS) % 7  # 1970-01-01 was a Thursday; 0 = Sunday
            p = base_p + rng.normal(0, 0.08)
            t = 6 + 4 * math.sin(angle) + rng.normal(0, 0.5)
            f = base_f * (1 + 0.4 * math.sin(angle - 1)) + rng.normal(0, 30)
            kind = ""
            if i % 300 == 150:
                p, f, kind = p - 1.5, f * 2.2, "leak"
            elif i % 300 == 220:
                t, kind = t + 25, "spike"
            cols["entity"].append(f"st-{e + 1:03d}")
            cols["event_id"].append(f"st-{e + 1:03d}@{ts}")
            cols["ts_ms"].append(ts)
            for name, v in zip(FEATURES, [p, t, f, math.sin(angle), math.cos(angle), 1.0 if weekday in (0, 6) else 0.0]):
                cols[name].append(float(v))
            cols["truth_kind"].append(kind)
    return cols


def write_parquet(path: Path, cols: dict[str, list]) -> Path:
    types = {"entity": pa.string(), "event_id": pa.string(), "ts_ms": pa.int64(), "truth_kind": pa.string()}
    table = pa.table({name: pa.array(values, type=types.get(name, pa.float64())) for name, values in cols.items()})
    pq.write_table(table, path)
    return path


@pytest.fixture(scope="session")
def features_parquet(tmp_path_factory) -> Path:
    return write_parquet(tmp_path_factory.mktemp("features") / "sensor-features.parquet", synthetic_columns())


# Small and quick: the tests check the mechanics, not the model's quality.
FAST = dict(n_estimators=20, max_samples=64, k_min=2, k_max=3, silhouette_sample=1000, min_cluster_rows=100, parity_rows=60)


@pytest.fixture(scope="session")
def trained(tmp_path_factory, features_parquet):
    from vigia_models.train_sensor_chain import train

    out = tmp_path_factory.mktemp("model") / "7"
    card = train(features_parquet, out, created="2026-01-01T00:00:00Z", **FAST)
    return out, card
