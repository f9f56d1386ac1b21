/**
 * Per-kind recall, precision and the cost of the Shapley explanations of the trade scoring as
 * served (the processor's TradeBatchProcessor + the autoencoder stage), on a simulated run —
 * use another seed than the model's training set (models/dev/retrain-trade-ae.sh uses seed 1).
 *
 *   node --import tsx models/dev/trade-eval.ts [--seed 7] [--days 28] [--companies 1000] [--anomaly-rate 0.02]
 *       [--episodes-per-day 4] [--alongside rules|interim] [--disabled] [--model models/trade-ae/4] [--json F]
 *
 * Prints JSON: per kind rows / flagged / recall; overall precision; false alarms per simulated day;
 * the top-Shapley-group hit rate per kind; ms of CPU in the explain runs per explained anomaly.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_SEVERITY_BANDS, partitionOf, subjects } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import type { RawEvent } from '../../processor/src/core/raw-event.ts';
import { loadTradeAeModel } from '../../processor/src/domains/trade/onnx/trade-ae-model.ts';
import { loadTradeModelStage } from '../../processor/src/domains/trade/onnx/trade-model-stage.ts';
import { TradeBatchProcessor, type TradeModelOutputs } from '../../processor/src/domains/trade/trade-batch.ts';
import { REPORTING_THRESHOLD_USD, tradeModelLevelsOf } from '../../processor/src/domains/trade/trade-runtime.ts';
import { createTradeSimulation } from '../../producers/src/trade/index.ts';
import { createLogger } from '../../stack/logger.ts';

const HOUR = 3_600_000;
const PARTITIONS = 4;
/** The feature group an injected kind should be explained by (the explanation hit rate). */
const KIND_GROUP: Record<string, string[]> = {
  under_invoicing: ['price'],
  over_invoicing: ['price'],
  misclassification: ['price'],
  weight_inconsistency: ['weight'],
  new_subheading: ['route'],
  new_port: ['route'],
  new_destination: ['route'],
  burst: ['company'],
  structuring: ['company'],
  new_company: ['company', 'volume'],
  quota_exceeded: ['quota'],
  unusual_route: ['quota', 'route'],
};

const { values: a } = parseArgs({
  options: {
    seed: { type: 'string', default: '7' },
    days: { type: 'string', default: '28' },
    companies: { type: 'string', default: '1000' },
    'anomaly-rate': { type: 'string', default: '0.02' },
    'episodes-per-day': { type: 'string', default: '4' },
    start: { type: 'string', default: '2026-03-02T00:00:00Z' },
    alongside: { type: 'string', default: 'rules' },
    model: { type: 'string', default: 'models/trade-ae/4' },
    disabled: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const startTs = Date.parse(a.start!);
const endTs = startTs + Number(a.days) * 24 * HOUR;
const sim = createTradeSimulation({ seed: Number(a.seed), startTs, companies: Number(a.companies), anomalyRate: Number(a['anomaly-rate']), episodesPerDay: Number(a['episodes-per-day']) });
const processor = new TradeBatchProcessor({ runId: 'eval', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Infinity, partitionCount: PARTITIONS, features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD }, modelLevels: tradeModelLevelsOf(parseConfig({})) });
const stage = await loadTradeModelStage(
  { enabled: !a.disabled, modelDir: a.model!, intraOpThreads: 1, alongside: a.alongside as 'rules' | 'interim' },
  DEFAULT_SEVERITY_BANDS.minor,
  process.cwd(),
  createLogger('trade-eval', 'warn'),
);

const kinds: Record<string, { rows: number; flagged: number; explained: number; hits: number }> = {};
let normal = 0;
let falseAlarms = 0;
let flaggedTotal = 0;
let truePositives = 0;
let modelCpuUs = 0;
let explainedTotal = 0;
const anomalyVectors: number[][] = [];
const enc = new TextEncoder();
const seqs = new Map<number, number>();
const truth = new Map<string, string>();
let batch: RawEvent[] = [];
let batchEnd = startTs + HOUR;

async function flush(): Promise<void> {
  const s = processor.ingest(batch, batchEnd);
  const t0 = process.cpuUsage();
  const outputs: TradeModelOutputs = await stage.score(s);
  const dt = process.cpuUsage(t0);
  modelCpuUs += dt.user + dt.system;
  const r = processor.score(s, outputs);
  for (let i = 0; i < r.records.scores.length; i++) {
    const row = r.records.scores[i]!;
    if (row.severity !== '' && anomalyVectors.length < 2000) anomalyVectors.push(s.items[i]!.values);
    const kind = truth.get(row.event_id) ?? '';
    const flagged = row.severity !== '';
    const explained = Object.keys(row.shapley).length > 0;
    if (explained) explainedTotal++;
    if (flagged) flaggedTotal++;
    if (!kind) {
      normal++;
      if (flagged) falseAlarms++;
      continue;
    }
    const k = (kinds[kind] ??= { rows: 0, flagged: 0, explained: 0, hits: 0 });
    k.rows++;
    if (flagged) {
      k.flagged++;
      truePositives++;
      if (explained) {
        k.explained++;
        if (KIND_GROUP[kind]?.includes(row.top_group)) k.hits++;
      }
    }
  }
  batch = [];
  truth.clear();
}

const wall0 = performance.now();
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
const wallMs = performance.now() - wall0;
await stage.release();

/** CPU µs per explained anomaly, explaining `per` anomalies per graph run (a micro-batch's alerts). */
async function shapleyCost(per: number): Promise<number> {
  const model = await loadTradeAeModel(a.model!);
  await model.explain(anomalyVectors.slice(0, per));
  const t0 = process.cpuUsage();
  for (let i = 0; i < anomalyVectors.length; i += per) await model.explain(anomalyVectors.slice(i, i + per));
  const dt = process.cpuUsage(t0);
  await model.release();
  return (dt.user + dt.system) / anomalyVectors.length;
}
const cost = a.disabled || anomalyVectors.length === 0 ? null : { anomalies: anomalyVectors.length, cpuUsPerAnomalyAlone: await shapleyCost(1), cpuUsPerAnomalyBatchOf20: await shapleyCost(20) };

const result = {
  shapleyCost: cost,
  seed: Number(a.seed),
  days: Number(a.days),
  model: a.disabled ? 'disabled (interim score)' : `${stage.modelId} + ${a.alongside}`,
  rows: normal + Object.values(kinds).reduce((s, k) => s + k.rows, 0),
  byKind: Object.fromEntries(
    Object.entries(kinds)
      .sort()
      .map(([k, v]) => [k, { rows: v.rows, flagged: v.flagged, recall: v.flagged / v.rows, topGroupHitRate: v.explained ? v.hits / v.explained : null }]),
  ),
  precision: flaggedTotal ? truePositives / flaggedTotal : null,
  falseAlarmsPerDay: falseAlarms / Number(a.days),
  normalRows: normal,
  falseAlarms,
  explained: explainedTotal,
  modelStageCpuMs: modelCpuUs / 1000,
  wallMs,
  loadavg: (await import('node:os')).loadavg(),
};
console.log(JSON.stringify(result, null, 1));
if (a.json) writeFileSync(a.json, JSON.stringify(result, null, 2) + '\n');
