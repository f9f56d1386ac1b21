/**
 * The trade core with the autoencoder stage (decode → keys → features → model score → Shapley
 * values of every anomaly → verdict rows; no NATS, no store), in fixed micro-batches with a fixed
 * clock: CPU per part and a SHA-256 of everything it makes (declaration, score, anomaly, feature
 * and dead-letter rows, the anomalies, the model outputs), so a speed change can be checked for
 * identical output, as bench/probes/trip-core-bench.ts does for trips.
 *
 *   node --import tsx bench/probes/trade-model-hash.ts [--seed 3] [--model models/trade-ae/3] [--alongside interim]
 *        [--batch 500] [--repeat 1] [--no-model]
 *
 * Prints one JSON line: declarations, explained (anomalies given Shapley values), CPU ms per
 * part (ingest, model stage, score), declarations per CPU-second of the three, the load average
 * and the hash. With --repeat N the whole run is made N times (fresh state each time) and the
 * best CPU is kept; the hash must be the same every time (it throws otherwise).
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_SEVERITY_BANDS } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { keyLimitsOf } from '../../processor/src/core/key-budget.ts';
import { loadTradeModelStage } from '../../processor/src/domains/trade/onnx/trade-model-stage.ts';
import { TRADE_NEW_KEY_BYTES, TradeBatchProcessor } from '../../processor/src/domains/trade/trade-batch.ts';
import type { TradeAlongside } from '../../processor/src/domains/trade/trade-model-verdict.ts';
import { REPORTING_THRESHOLD_USD, tradeModelLevelsOf } from '../../processor/src/domains/trade/trade-runtime.ts';
import { createLogger } from '../../stack/logger.ts';
import { OFFLINE_PARTITIONS, rawEventsOf } from '../src/trade/offline-trade.ts';
import { DEFAULT_TRADE_SCENARIO, tradeScenario } from '../src/trade/trade-scenario.ts';

const { values: a } = parseArgs({
  options: {
    seed: { type: 'string', default: '3' },
    model: { type: 'string', default: 'models/trade-ae/3' },
    alongside: { type: 'string', default: 'interim' },
    batch: { type: 'string', default: '500' },
    repeat: { type: 'string', default: '1' },
    'no-model': { type: 'boolean', default: false },
  },
});
const batchSize = Number(a.batch);
const s = tradeScenario({ ...DEFAULT_TRADE_SCENARIO, seed: Number(a.seed) }, OFFLINE_PARTITIONS);
const events = rawEventsOf(s.messages, OFFLINE_PARTITIONS);
const limits = keyLimitsOf(parseConfig({}).processor.limits, TRADE_NEW_KEY_BYTES);
/** A fixed clock: the rows' ingested_at / scored_at / computed_at are then part of the hash too. */
const NOW = Date.UTC(2026, 11, 7);
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;

interface Run {
  hash: string;
  explained: number;
  anomalies: number;
  ingestMs: number;
  modelMs: number;
  scoreMs: number;
}

async function once(): Promise<Run> {
  const p = new TradeBatchProcessor({ runId: 'hash', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: OFFLINE_PARTITIONS, limits, features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD }, modelLevels: tradeModelLevelsOf(parseConfig({})) });
  const stage = a['no-model'] ? null : await loadTradeModelStage({ enabled: true, modelDir: a.model!, intraOpThreads: 1, alongside: a.alongside as TradeAlongside }, DEFAULT_SEVERITY_BANDS.minor, process.cwd(), createLogger('trade-model-hash', 'warn'));
  const hash = createHash('sha256');
  const run: Run = { hash: '', explained: 0, anomalies: 0, ingestMs: 0, modelMs: 0, scoreMs: 0 };
  try {
    for (let i = 0; i < events.length; i += batchSize) {
      const batch = events.slice(i, i + batchSize);
      let c0 = process.cpuUsage();
      const staged = p.ingest(batch, NOW);
      run.ingestMs += cpuMs(process.cpuUsage(c0));
      c0 = process.cpuUsage();
      const outputs = stage ? await stage.score(staged) : null;
      run.modelMs += cpuMs(process.cpuUsage(c0));
      c0 = process.cpuUsage();
      const r = p.score(staged, outputs);
      run.scoreMs += cpuMs(process.cpuUsage(c0));
      run.anomalies += r.anomalies.length;
      for (const v of outputs?.verdicts ?? []) if (v.attributions.length) run.explained++;
      hash.update(JSON.stringify(r.records));
      hash.update(JSON.stringify(r.anomalies));
      hash.update(JSON.stringify(r.deadLetters));
      hash.update(JSON.stringify(outputs));
    }
  } finally {
    await stage?.release();
  }
  run.hash = hash.digest('hex');
  return run;
}

const runs: Run[] = [];
for (let r = 0; r < Number(a.repeat); r++) {
  runs.push(await once());
  if (runs[r]!.hash !== runs[0]!.hash) throw new Error(`run ${r} hashed ${runs[r]!.hash}, run 0 ${runs[0]!.hash}: the output is not deterministic`);
}
const best = (k: 'ingestMs' | 'modelMs' | 'scoreMs') => Math.min(...runs.map((r) => r[k]));
const total = Math.min(...runs.map((r) => r.ingestMs + r.modelMs + r.scoreMs));
console.log(
  JSON.stringify({
    declarations: events.length,
    anomalies: runs[0]!.anomalies,
    explained: runs[0]!.explained,
    cpuMs: { ingest: Math.round(best('ingestMs')), model: Math.round(best('modelMs')), score: Math.round(best('scoreMs')), total: Math.round(total) },
    perCpuSecond: Math.round(events.length / (total / 1000)),
    load: loadavg().map((x) => +x.toFixed(2)),
    sha256: runs[0]!.hash,
  }),
);
