#!/usr/bin/env bash
# Retrain the trade autoencoder after a change of the trade feature set (trade-features.ts):
# simulate → the processor's feature code → export-shaped Parquet → train → models/trade-ae/<version>.
#   models/dev/retrain-trade-ae.sh [version=4] [workdir=/tmp/trade-ae-train]
# 2 000 companies: the population `vigia bench trade` scores (DEFAULT_TRADE_SCENARIO); with 1 000 the
# model had seen too few large precursor traders and flagged their ordinary filings (2026-12-07).
# Then run the parity tests: node --import tsx --test processor/src/domains/trade/onnx/*.test.ts
set -euo pipefail
cd "$(dirname "$0")/../.."
version="${1:-4}"
work="${2:-/tmp/trade-ae-train}"
python3 models/dev/make_trade_dev_set.py --out "$work" --days 28 --seed 1 --companies 2000
cd models
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1796601600}" python3 -m vigia_models.train_trade_ae \
  --features "$work/trade-features.parquet" --groups "$work/trade-feature-groups.json" --out "trade-ae/$version"
