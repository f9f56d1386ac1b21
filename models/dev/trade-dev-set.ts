/**
 * A training set for the trade autoencoder, shaped exactly like `vigia features export --domain
 * trade`: the trade producer's simulation, micro-batched by event hour through the processor's
 * own TradeBatchProcessor.ingest (the code a live run and a replay execute), and the feature
 * rows it emits written out. Also writes the feature groups the processor explains with, so the
 * trainer never hard-codes the feature set (another change of trade-features.ts only needs a
 * retrain: models/dev/retrain-trade-ae.sh).
 *
 *   node --import tsx models/dev/trade-dev-set.ts --out DIR [--days 21] [--seed 1] [--companies 500]
 *       [--anomaly-rate 0.003] [--episodes-per-day 2] [--start 2026-03-02T00:00:00Z]
 *
 * - DIR/trade-features.csv: entity, event_id, ts_ms, trade-ae@2 features, truth_kind
 *   ('' normal; evaluation only, never for fitting).
 * - DIR/trade-feature-groups.json: { featureSet, features, groups } from trade-features.ts.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SEVERITY_BANDS, partitionOf, subjects } from '../../contracts/index.ts';
import type { RawEvent } from '../../processor/src/core/raw-event.ts';
import { TRADE_NEW_KEY_BYTES, TradeBatchProcessor } from '../../processor/src/domains/trade/trade-batch.ts';
import { keyLimitsOf } from '../../processor/src/core/key-budget.ts';
import { parseConfig } from '../../config/index.ts';
import { TRADE_FEATURE_GROUPS, TRADE_FEATURE_SET, TRADE_FEATURES } from '../../processor/src/domains/trade/trade-features.ts';
import { REPORTING_THRESHOLD_USD } from '../../processor/src/domains/trade/trade-runtime.ts';
import { createTradeSimulation } from '../../producers/src/trade/index.ts';

const HOUR = 3_600_000;
const PARTITIONS = 4;

const { values: a } = parseArgs({
  options: {
    out: { type: 'string' },
    days: { type: 'string', default: '21' },
    seed: { type: 'string', default: '1' },
    companies: { type: 'string', default: '500' },
    'anomaly-rate': { type: 'string', default: '0.003' },
    'episodes-per-day': { type: 'string', default: '2' },
    start: { type: 'string', default: '2026-03-02T00:00:00Z' },
  },
});
if (!a.out) {
  console.error('usage: node --import tsx models/dev/trade-dev-set.ts --out DIR [--days N] [--seed S] [--companies N]');
  process.exit(2);
}
const startTs = Date.parse(a.start!);
const endTs = startTs + Number(a.days) * 24 * HOUR;
if (!Number.isFinite(startTs) || !(endTs > startTs)) {
  console.error(`bad --start ${a.start} or --days ${a.days}`);
  process.exit(2);
}
mkdirSync(a.out, { recursive: true });
writeFileSync(join(a.out, 'trade-feature-groups.json'), JSON.stringify({ featureSet: TRADE_FEATURE_SET, features: TRADE_FEATURES, groups: TRADE_FEATURE_GROUPS }, null, 2) + '\n');

const sim = createTradeSimulation({ seed: Number(a.seed), startTs, companies: Number(a.companies), anomalyRate: Number(a['anomaly-rate']), episodesPerDay: Number(a['episodes-per-day']) });
// The processor's default key limits, as a live run serves: a company silent past
// processor.limits.forgetEvictedMs starts afresh and leaves its subheadings' and ports' degrees,
// so the model learns the degrees it will be served.
const limits = keyLimitsOf(parseConfig({}).processor.limits, TRADE_NEW_KEY_BYTES);
const processor = new TradeBatchProcessor({ runId: 'dev', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Infinity, partitionCount: PARTITIONS, limits, features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD } });
const out = createWriteStream(join(a.out, 'trade-features.csv'));
out.write(['entity', 'event_id', 'ts_ms', ...TRADE_FEATURES, 'truth_kind'].join(',') + '\n');
const enc = new TextEncoder();
const seqs = new Map<number, number>();
const truth = new Map<string, string>();
let batch: RawEvent[] = [];
let batchEnd = startTs + HOUR;
let rows = 0;
let dead = 0;

async function flush(): Promise<void> {
  const stage = processor.ingest(batch, batchEnd);
  dead += stage.deadLetters.length;
  for (const f of stage.records.features) {
    rows++;
    const line = `${f.entity},${f.event_id},${f.ts},${f.values.join(',')},${truth.get(f.event_id) ?? ''}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  batch = [];
  truth.clear();
}

for (const d of sim.declarations()) {
  if (d.ts >= endTs) break;
  while (d.ts >= batchEnd) {
    if (batch.length) await flush();
    batchEnd += HOUR;
  }
  const partition = partitionOf(d.exporter_id, PARTITIONS);
  const seq = (seqs.get(partition) ?? 0) + 1;
  seqs.set(partition, seq);
  if (d.truth) truth.set(d.id, d.truth.kind);
  batch.push({ subject: subjects.event('trade', partition, d.exporter_id), seq, partition, data: enc.encode(JSON.stringify(d)) });
}
if (batch.length) await flush();
await new Promise<void>((resolve) => out.end(() => resolve()));
console.log(JSON.stringify({ rows, deadLetters: dead, startTs, endTs }));
