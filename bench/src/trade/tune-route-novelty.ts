/**
 * Chooses noveltyFrom (the least surprise of a company's new subheading, port or destination,
 * see trade-interim-score.ts) on some seeds and reports it on others, beside the rule without it
 * (noveltyFrom 0: every first use by an established company fires). The objective is the mean F1
 * of the three route-novelty kinds on the training seeds. Features are computed once per seed.
 *
 *   node --import tsx bench/src/trade/tune-route-novelty.ts [--train 1,2] [--test 3,4,5]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SEVERITY_BANDS, severityOf } from '../../../contracts/index.ts';
import { DEFAULT_SIGNAL_THRESHOLDS, scoreTradeFeatures, type TradeSignalThresholds } from '../../../processor/src/domains/trade/trade-interim-score.ts';
import { TradeBatchProcessor } from '../../../processor/src/domains/trade/trade-batch.ts';
import { REPORTING_THRESHOLD_USD } from '../../../processor/src/domains/trade/trade-runtime.ts';
import { OFFLINE_BATCH, OFFLINE_PARTITIONS, rawEventsOf } from './offline-trade.ts';
import { evaluateTradeAccuracy, type FlaggedDeclaration, type Severity, type TradeAccuracyReport } from './trade-accuracy.ts';
import { DEFAULT_TRADE_SCENARIO, tradeScenario, type TradeScenario } from './trade-scenario.ts';

interface SeedFeatures {
  seed: number;
  scenario: TradeScenario;
  items: { id: string; ts: number; entity: string; values: number[] }[];
}

function featuresOf(seed: number): SeedFeatures {
  const scenario = tradeScenario({ ...DEFAULT_TRADE_SCENARIO, seed }, OFFLINE_PARTITIONS);
  const p = new TradeBatchProcessor({ runId: 'tune', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: OFFLINE_PARTITIONS, features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD } });
  const events = rawEventsOf(scenario.messages, OFFLINE_PARTITIONS);
  const items: SeedFeatures['items'] = [];
  for (let i = 0; i < events.length; i += OFFLINE_BATCH) for (const it of p.ingest(events.slice(i, i + OFFLINE_BATCH), 0).items) items.push({ id: it.declaration.id, ts: it.declaration.ts, entity: it.declaration.exporter_id, values: it.values });
  return { seed, scenario, items };
}

function judge(f: SeedFeatures, t: TradeSignalThresholds): TradeAccuracyReport {
  const flagged: FlaggedDeclaration[] = [];
  for (const it of f.items) {
    const v = scoreTradeFeatures(it.values, t);
    const severity = severityOf(v.score, DEFAULT_SEVERITY_BANDS);
    if (severity) flagged.push({ id: it.id, ts: it.ts, entity: it.entity, severity: severity as Severity, group: v.group });
  }
  return evaluateTradeAccuracy({ fromTs: f.scenario.fromTs, untilTs: f.scenario.endTs, truths: f.scenario.truths, flagged });
}

const KINDS = ['new_subheading', 'new_port', 'new_destination'] as const;
const objective = (rs: TradeAccuracyReport[]) => KINDS.reduce((s, k) => s + rs.reduce((a, r) => a + (r.kinds[k].f1 ?? 0), 0) / rs.length, 0) / KINDS.length;
const line = (r: TradeAccuracyReport) =>
  KINDS.map((k) => `${k} ${r.kinds[k].tp}/${r.kinds[k].incidents} F1 ${(r.kinds[k].f1 ?? 0).toFixed(3)}`).join(' · ') +
  ` · route false alarms ${r.falseAlarms.byGroup.route ?? 0} (${((r.falseAlarms.byGroup.route ?? 0) / r.days).toFixed(2)}/day) · all false alarms ${r.falseAlarms.perDay.toFixed(2)}/day`;

const { values } = parseArgs({ options: { train: { type: 'string', default: '1,2' }, test: { type: 'string', default: '3,4,5' } } });
const train = values.train!.split(',').map(Number).map(featuresOf);
let best = { from: 0, score: -1 };
for (const from of [0, 1.5, 2, 2.25, 2.5, 2.6, 2.7, 2.8, 2.9, 3, 3.1, 3.2, 3.4, 3.6, 4]) {
  const score = objective(train.map((f) => judge(f, { ...DEFAULT_SIGNAL_THRESHOLDS, noveltyFrom: from })));
  process.stdout.write(`train ${values.train} noveltyFrom ${from}: mean route F1 ${score.toFixed(3)}\n`);
  if (score > best.score + 1e-9) best = { from, score };
}
process.stdout.write(`chosen on train ${values.train}: noveltyFrom ${best.from}\n`);
for (const f of values.test!.split(',').map(Number).map(featuresOf)) {
  process.stdout.write(`seed ${f.seed} before (noveltyFrom 0): ${line(judge(f, { ...DEFAULT_SIGNAL_THRESHOLDS, noveltyFrom: 0 }))}\n`);
  process.stdout.write(`seed ${f.seed} after  (noveltyFrom ${best.from}): ${line(judge(f, { ...DEFAULT_SIGNAL_THRESHOLDS, noveltyFrom: best.from }))}\n`);
}
