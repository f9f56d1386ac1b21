"""Synthetic trip feature sets shaped like `vigia features export --domain trip` (small, fast):
the mechanics are what the tests check, not the models' quality on real data."""
from __future__ import annotations

import math

import numpy as np

from vigia_models.feature_sets import TRIP_CELL_FEATURES, TRIP_FARE_FEATURES

START_MS = 1_767_589_200_000  # 2026-01-05T05:00:00Z, Monday 00:00 New York
DAY_MS = 86_400_000
WEEK_MS = 7 * DAY_MS


def _time_features(ts: int) -> tuple[float, float, float, float, float]:
    wall = ts - 5 * 3_600_000
    day = (2 * math.pi * (wall % DAY_MS)) / DAY_MS
    since_monday = (wall - START_MS + 5 * 3_600_000) % WEEK_MS
    week = 2 * math.pi * since_monday / WEEK_MS
    dow = ((wall // DAY_MS) + 4) % 7
    return math.sin(week), math.cos(week), math.sin(day), math.cos(day), 1.0 if dow in (0, 6) else 0.0


def meter_fare(miles: float, minutes: float) -> float:
    """A TLC-like meter: $3 plus 70¢ per fast fifth-mile and per slow minute."""
    mph = miles / max(minutes / 60, 1 / 3600)
    slow = minutes * max(0.0, (18 - mph) / 14) if mph < 18 else 0.0
    fast = max(0.0, miles - slow * 4 / 60)
    return round(3.0 + 0.7 * (math.floor(fast * 5 + 1e-9) + math.floor(slow + 1e-9)), 2)


def fare_columns(rows: int = 3000, seed: int = 0) -> dict[str, list]:
    """Trips every 3 minutes; every 150th an overcharge (1.8–3.5× fare), every 211th a detour
    (2.5× miles, fare by the meter), 2 % JFK flat fares; labelled in truth_kind."""
    rng = np.random.default_rng(seed)
    cols: dict[str, list] = {c: [] for c in ["entity", "event_id", "ts_ms", *TRIP_FARE_FEATURES, "fare_amount", "truth_kind"]}
    for i in range(rows):
        ts = START_MS + i * 180_000
        miles = float(np.clip(rng.lognormal(0.7, 0.7), 0.2, 25))
        mph = float(rng.uniform(6, 25))
        straight = miles / float(rng.uniform(1.2, 1.6))
        kind = ""
        if i % 211 == 100:
            miles, kind = round(miles * 2.5, 2), "detour"
        minutes = miles / mph * 60
        jfk = 1.0 if rng.random() < 0.02 else 0.0
        fare = 70.0 if jfk else meter_fare(miles, minutes)
        if i % 150 == 75:
            fare, kind = round(fare * float(rng.uniform(1.8, 3.5)), 2), "overcharge"
        plat, plng = 40.70 + 0.1 * rng.random(), -74.02 + 0.08 * rng.random()
        how_s, how_c, h_s, h_c, weekend = _time_features(ts + int(minutes * 60_000))
        values = [
            miles, minutes, straight, miles / max(straight, 0.05), miles / max(minutes / 60, 1 / 3600),
            plat, plng, plat + 0.01 * rng.standard_normal(), plng + 0.01 * rng.standard_normal(),
            how_s, how_c, h_s, h_c, weekend, jfk, 0.0, jfk, float(rng.integers(1, 7)),
        ]
        cols["entity"].append(f"trip-{i}")
        cols["event_id"].append(f"trip-{i}")
        cols["ts_ms"].append(ts)
        for name, v in zip(TRIP_FARE_FEATURES, values):
            cols[name].append(float(v))
        cols["fare_amount"].append(float(fare))
        cols["truth_kind"].append(kind)
    return cols


def cell_columns(cells: int = 24, boundaries: int = 240, seed: int = 0) -> dict[str, list]:
    """Cells of very different volume, one row per cell and 5-minute boundary; the first 20 %
    of boundaries are baseline warm-up (baseline_weeks < 1); cell 3 surges, cell 5 collapses."""
    rng = np.random.default_rng(seed)
    cols: dict[str, list] = {c: [] for c in ["entity", "event_id", "ts_ms", *TRIP_CELL_FEATURES, "truth_kind"]}
    rates = np.geomspace(0.3, 30, cells)  # expected pickups per 60 minutes
    for b in range(boundaries):
        ts = START_MS + (b + 1) * 300_000
        _, _, h_s, h_c, weekend = _time_features(ts - 1)
        warm = b < boundaries // 5
        for c in range(cells):
            e60 = rates[c]
            e15 = e60 / 4
            p15, p60 = float(rng.poisson(e15)), float(rng.poisson(e60))
            d15, d60 = float(rng.poisson(e15)), float(rng.poisson(e60))
            kind = ""
            if c == 3 and 150 <= b < 162:
                p15, p60, kind = p15 + 8 + rng.poisson(4), p60 + 25 + rng.poisson(10), "surge"
            if c == 5 and 100 <= b < 118:
                p15, p60, kind = 0.0, float(rng.poisson(e60 * 0.1)), "collapse"
            ring60 = p60 + float(rng.poisson(6 * e60))
            ring_exp = 7 * e60
            z = lambda o, e: (o - e) / math.sqrt(max(e, 1.0))  # noqa: E731
            values = [
                p15, p60, d15, d60, 5.0 + rng.normal(0, 0.3), 12 + rng.normal(0, 2),
                1.0 if warm else (p15 + 1) / (e15 + 1), 0.0 if warm else z(p15, e15),
                1.0 if warm else (p60 + 1) / (e60 + 1), 0.0 if warm else z(p60, e60),
                1.0 if warm else (d60 + 1) / (e60 + 1), 0.0 if warm else z(d60, e60),
                0.5 if warm else 1.2,
                p15 + float(rng.poisson(6 * e15)), ring60, d60 + float(rng.poisson(6 * e60)),
                5.0 + rng.normal(0, 0.2), 12 + rng.normal(0, 1),
                1.0 if warm else (ring60 + 1) / (ring_exp + 1), p60 / ring60 if ring60 > 0 else 0.0,
                h_s, h_c, weekend,
            ]
            cell = f"89{c:013x}"
            res = 9 if c % 2 == 0 else 8
            cols["entity"].append(cell)
            cols["event_id"].append(f"{res}:{cell}:{ts}")
            cols["ts_ms"].append(ts)
            for name, v in zip(TRIP_CELL_FEATURES, values):
                cols[name].append(float(v))
            cols["truth_kind"].append(kind)
    return cols
