"""A trade training set shaped like `vigia features export --domain trade`.

    cd models && python3 dev/make_trade_dev_set.py --out /tmp/trade-dev [--days 28] [--seed 1] [--companies 1000] [...]

Runs dev/trade-dev-set.ts (the trade producer's simulation through the processor's own
TradeBatchProcessor.ingest) and converts its CSV to Parquet with the export's column types:
    DIR/trade-features.parquet       entity, event_id, ts_ms, trade-ae features, truth_kind
    DIR/trade-feature-groups.json    the feature set, names in order and groups (trade-features.ts)
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_trip_dev_set import csv_to_parquet  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "trade-dev-set.ts"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--days", default="28")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--companies", default="1000")
    ap.add_argument("--anomaly-rate", default="0.003")
    ap.add_argument("--episodes-per-day", default="2")
    a = ap.parse_args(argv)
    out = Path(a.out).resolve()
    cmd = ["node", "--import", "tsx", str(SCRIPT), "--out", str(out), "--days", a.days, "--seed", a.seed, "--companies", a.companies,
           "--anomaly-rate", a.anomaly_rate, "--episodes-per-day", a.episodes_per_day]
    subprocess.run(cmd, cwd=REPO, check=True)
    n = csv_to_parquet(out / "trade-features.csv", out / "trade-features.parquet")
    (out / "trade-features.csv").unlink()
    print(f"{out}/trade-features.parquet: {n} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
