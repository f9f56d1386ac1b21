/**
 * Chooses the behavioural signals' thresholds (burst, structuring, newcomer) on some seeds and
 * reports them on others, so the figures in the README are not fitted to the seeds they quote.
 * Features are computed once per seed by the pure core (they do not depend on the thresholds);
 * each candidate is scored by scoreTradeFeatures and judged by trade-accuracy.ts. The objective
 * is the mean F1 of the three kinds, under the constraint that the company group's false alarms
 * per day do not exceed those of the defaults.
 *
 *   node --import tsx bench/src/trade/tune-trade-signals.ts [--train 1,2] [--test 3,4,5]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SEVERITY_BANDS, severityOf } from '../../../contracts/index.ts';
import { DEFAULT_SIGNAL_THRESHOLDS, scoreTradeFeatures, type TradeSignalThresholds } from '../../../processor/src/domains/trade/trade-interim-score.ts';
import { TradeBatchProcessor } from '../../../processor/src/domains/trade/trade-batch.ts';
import type { RouteHabit } from '../../../processor/src/domains/trade/trade-features.ts';
import { REPORTING_THRESHOLD_USD } from '../../../processor/src/domains/trade/trade-runtime.ts';
import { OFFLINE_BATCH, OFFLINE_PARTITIONS, rawEventsOf } from './offline-trade.ts';
import { evaluateTradeAccuracy, type FlaggedDeclaration, type Severity, type TradeAccuracyReport } from './trade-accuracy.ts';
import { DEFAULT_TRADE_SCENARIO, tradeScenario, type TradeScenario } from './trade-scenario.ts';

interface SeedFeatures {
  scenario: TradeScenario;
  items: { id: string; ts: number; entity: string; values: number[]; habit: RouteHabit | undefined }[];
}

function featuresOf(seed: number): SeedFeatures {
  const scenario = tradeScenario({ ...DEFAULT_TRADE_SCENARIO, seed }, OFFLINE_PARTITIONS);
  const p = new TradeBatchProcessor({ runId: 'tune', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: OFFLINE_PARTITIONS, features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD } });
  const events = rawEventsOf(scenario.messages, OFFLINE_PARTITIONS);
  const items: SeedFeatures['items'] = [];
  for (let i = 0; i < events.length; i += OFFLINE_BATCH) for (const it of p.ingest(events.slice(i, i + OFFLINE_BATCH), 0).items) items.push({ id: it.declaration.id, ts: it.declaration.ts, entity: it.declaration.exporter_id, values: it.values, habit: it.habit });
  return { scenario, items };
}

function judge(f: SeedFeatures, t: TradeSignalThresholds): TradeAccuracyReport {
  const flagged: FlaggedDeclaration[] = [];
  for (const it of f.items) {
    const v = scoreTradeFeatures(it.values, t, it.habit);
    const severity = severityOf(v.score, DEFAULT_SEVERITY_BANDS);
    if (severity) flagged.push({ id: it.id, ts: it.ts, entity: it.entity, severity: severity as Severity, group: v.group });
  }
  return evaluateTradeAccuracy({ fromTs: f.scenario.fromTs, untilTs: f.scenario.endTs, truths: f.scenario.truths, flagged });
}

const KINDS = ['burst', 'structuring', 'new_company'] as const;
const summary = (rs: TradeAccuracyReport[]) => {
  const tp = (k: string) => rs.reduce((s, r) => s + r.kinds[k as 'burst'].tp, 0);
  const inc = (k: string) => rs.reduce((s, r) => s + r.kinds[k as 'burst'].incidents, 0);
  const f1 = (k: string) => rs.reduce((s, r) => s + (r.kinds[k as 'burst'].f1 ?? 0), 0) / rs.length;
  const days = rs.reduce((s, r) => s + r.days, 0);
  return {
    objective: KINDS.reduce((s, k) => s + f1(k), 0) / KINDS.length,
    companyFalseAlarmsPerDay: rs.reduce((s, r) => s + (r.falseAlarms.byGroup.company ?? 0), 0) / days,
    falseAlarmsPerDay: rs.reduce((s, r) => s + r.falseAlarms.count, 0) / days,
    kinds: Object.fromEntries(KINDS.map((k) => [k, `${tp(k)}/${inc(k)} F1 ${f1(k).toFixed(3)}`])),
  };
};

const { values } = parseArgs({ options: { train: { type: 'string', default: '1,2' }, test: { type: 'string', default: '3,4,5' } } });
const train = values.train!.split(',').map(Number).map(featuresOf);
const base = summary(train.map((f) => judge(f, DEFAULT_SIGNAL_THRESHOLDS)));
process.stdout.write(`defaults on train: ${JSON.stringify(base)}\n`);

const grid: Partial<Record<keyof TradeSignalThresholds, number[]>> = {
  burstFrom: [2, 2.5, 3, 3.5, 4, 5],
  burstScale: [0.5, 1, 2],
  structuringFrom: [1.5, 2, 2.5, 3, 3.5],
  structuringScale: [0.5, 1, 2],
  newcomerFrom: [0.6, 0.8, 1, 1.2, 1.4],
  newcomerScale: [0.2, 0.3, 0.5],
};
// Coordinate descent: one parameter at a time, twice over.
let best = { ...DEFAULT_SIGNAL_THRESHOLDS };
let bestScore = base;
for (let round = 0; round < 2; round++) {
  for (const [key, candidates] of Object.entries(grid) as [keyof TradeSignalThresholds, number[]][]) {
    for (const x of candidates) {
      const t = { ...best, [key]: x };
      const s = summary(train.map((f) => judge(f, t)));
      if (s.companyFalseAlarmsPerDay <= base.companyFalseAlarmsPerDay + 1e-9 && s.objective > bestScore.objective + 1e-9) {
        best = t;
        bestScore = s;
      }
    }
  }
}
process.stdout.write(`chosen on train ${values.train}: ${JSON.stringify(best)}\n  train: ${JSON.stringify(bestScore)}\n`);
const test = values.test!.split(',').map(Number).map(featuresOf);
process.stdout.write(`test ${values.test} with the defaults: ${JSON.stringify(summary(test.map((f) => judge(f, DEFAULT_SIGNAL_THRESHOLDS))))}\n`);
process.stdout.write(`test ${values.test} with the chosen:   ${JSON.stringify(summary(test.map((f) => judge(f, best))))}\n`);
