"""A development training set for the trip models, shaped like `vigia features export --domain trip`.

    cd models && python3 dev/make_trip_dev_set.py --out /tmp/trip-dev [--days 14] [--seed 1] [--scale 0.01]

Runs dev/trip-dev-set.ts (the processor's pure core: createTripSimulation → tripFareFeatures
and TripCellPipeline) and converts its CSV files to Parquet with the export's column types:
    DIR/trip-fare.parquet  entity, event_id, ts_ms, trip-fare@1 features, fare_amount, truth_kind
    DIR/trip-cell.parquet  entity, event_id, ts_ms, trip-cell@1 features, truth_kind
For development and experiments only: the committed models are trained on the processor's export.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "trip-dev-set.ts"
STRING_COLUMNS = ("entity", "event_id", "truth_kind")


def csv_to_parquet(csv_path: Path, parquet_path: Path) -> int:
    header = csv_path.open().readline().strip().split(",")
    types = {c: (pa.string() if c in STRING_COLUMNS else pa.int64() if c == "ts_ms" else pa.float64()) for c in header}
    table = pacsv.read_csv(
        csv_path,
        convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    pq.write_table(table, parquet_path, compression="zstd")
    return table.num_rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="folder for trip-fare.parquet and trip-cell.parquet")
    ap.add_argument("--days", default="14", help="simulated days (the cell baselines need one week of history)")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--scale", default="0.01")
    ap.add_argument("--start", default="2026-01-05T05:00:00Z", help="Monday 00:00 New York time by default")
    ap.add_argument("--keep-csv", action="store_true")
    a = ap.parse_args(argv)
    out = Path(a.out).resolve()
    cmd = ["node", "--import", "tsx", str(SCRIPT), "--out", str(out), "--days", a.days, "--seed", a.seed, "--scale", a.scale, "--start", a.start]
    subprocess.run(cmd, cwd=REPO, check=True)
    for name in ("trip-fare", "trip-cell"):
        n = csv_to_parquet(out / f"{name}.csv", out / f"{name}.parquet")
        if not a.keep_csv:
            (out / f"{name}.csv").unlink()
        print(f"{out / name}.parquet: {n} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
