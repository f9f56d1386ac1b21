/**
 * Chooses noveltyFrom, destinationNoveltyFrom and destinationPeerWeight (the least surprise of
 * a company's new subheading or port, and of a new destination, and the peers' share in the
 * latter; see trade-interim-score.ts) on some seeds and reports them on others, beside the rule
 * without them (both 0: every first use by an established company fires) and the rule before
 * the count since the last opening (the thirty-day rate alone). The objective is the mean F1
 * of the three route-novelty kinds on the training seeds. Features are computed once per seed.
 *
 *   node --import tsx bench/src/trade/tune-route-novelty.ts [--train 1,2] [--test 3,4,5]
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
  seed: number;
  scenario: TradeScenario;
  items: { id: string; ts: number; entity: string; values: number[]; habit: RouteHabit | undefined }[];
}

function featuresOf(seed: number): SeedFeatures {
  const scenario = tradeScenario({ ...DEFAULT_TRADE_SCENARIO, seed }, OFFLINE_PARTITIONS);
  const p = new TradeBatchProcessor({ runId: 'tune', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: OFFLINE_PARTITIONS, features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD } });
  const events = rawEventsOf(scenario.messages, OFFLINE_PARTITIONS);
  const items: SeedFeatures['items'] = [];
  for (let i = 0; i < events.length; i += OFFLINE_BATCH) for (const it of p.ingest(events.slice(i, i + OFFLINE_BATCH), 0).items) items.push({ id: it.declaration.id, ts: it.declaration.ts, entity: it.declaration.exporter_id, values: it.values, habit: it.habit });
  return { seed, scenario, items };
}

function judge(f: SeedFeatures, t: TradeSignalThresholds, withHabit = true): TradeAccuracyReport {
  const flagged: FlaggedDeclaration[] = [];
  for (const it of f.items) {
    const v = scoreTradeFeatures(it.values, t, withHabit ? it.habit : undefined);
    const severity = severityOf(v.score, DEFAULT_SEVERITY_BANDS);
    if (severity) flagged.push({ id: it.id, ts: it.ts, entity: it.entity, severity: severity as Severity, group: v.group });
  }
  return evaluateTradeAccuracy({ fromTs: f.scenario.fromTs, untilTs: f.scenario.endTs, truths: f.scenario.truths, flagged });
}

const KINDS = ['new_subheading', 'new_port', 'new_destination'] as const;
const QUOTA_KINDS = ['quota_exceeded', 'unusual_route'] as const;
const objective = (rs: TradeAccuracyReport[]) => KINDS.reduce((s, k) => s + rs.reduce((a, r) => a + (r.kinds[k].f1 ?? 0), 0) / rs.length, 0) / KINDS.length;
const line = (r: TradeAccuracyReport) =>
  [...KINDS, ...QUOTA_KINDS].map((k) => `${k} ${r.kinds[k].tp}/${r.kinds[k].incidents} F1 ${(r.kinds[k].f1 ?? 0).toFixed(3)}`).join(' · ') +
  ` · route false alarms ${r.falseAlarms.byGroup.route ?? 0} (${((r.falseAlarms.byGroup.route ?? 0) / r.days).toFixed(2)}/day) · quota false alarms ${r.falseAlarms.byGroup.quota ?? 0} · all false alarms ${r.falseAlarms.perDay.toFixed(2)}/day`;

const { values } = parseArgs({ options: { train: { type: 'string', default: '1,2' }, test: { type: 'string', default: '3,4,5' } } });
const train = values.train!.split(',').map(Number).map(featuresOf);
const GRID = [0, 2, 2.5, 3, 3.25, 3.5, 3.75, 4, 4.25, 4.5, 4.75, 5, 5.5, 6];
const PEER_WEIGHTS = [0, 0.25, 0.5];
let best = { t: { ...DEFAULT_SIGNAL_THRESHOLDS }, score: -1 };
for (const noveltyFrom of GRID) {
  for (const destinationNoveltyFrom of GRID) {
    for (const destinationPeerWeight of PEER_WEIGHTS) {
      const t = { ...DEFAULT_SIGNAL_THRESHOLDS, noveltyFrom, destinationNoveltyFrom, destinationPeerWeight };
      const score = objective(train.map((f) => judge(f, t)));
      if (score > best.score + 1e-9) best = { t, score };
    }
  }
}
// Every first use by an established company; and the rule before the count since the last opening
// (the thirty-day rate alone, destinations from 4 nats).
const before = { ...DEFAULT_SIGNAL_THRESHOLDS, noveltyFrom: 0, destinationNoveltyFrom: 0, destinationPeerWeight: 0, controlledRouteFrom: 0 };
const rateOnly = { ...DEFAULT_SIGNAL_THRESHOLDS, noveltyFrom: 0, destinationNoveltyFrom: 4, destinationPeerWeight: 0, controlledRouteFrom: 0 };
const chosen = (t: TradeSignalThresholds) => `noveltyFrom ${t.noveltyFrom}, destinationNoveltyFrom ${t.destinationNoveltyFrom}, destinationPeerWeight ${t.destinationPeerWeight}, controlledRouteFrom ${t.controlledRouteFrom}`;
process.stdout.write(
  `train ${values.train}: mean route F1 ${objective(train.map((f) => judge(f, before))).toFixed(3)} every first use, ${objective(train.map((f) => judge(f, rateOnly, false))).toFixed(3)} rate only (0 / 4), ${best.score.toFixed(3)} with ${chosen(best.t)}\n`,
);
// Then a controlled substance's new route, given the above: the mean F1 of the quota group's kinds.
const quotaObjective = (rs: TradeAccuracyReport[]) => QUOTA_KINDS.reduce((s, k) => s + rs.reduce((a, r) => a + (r.kinds[k].f1 ?? 0), 0) / rs.length, 0) / QUOTA_KINDS.length;
let bestQuota = { from: 0, score: -1 };
for (const controlledRouteFrom of GRID) {
  const score = quotaObjective(train.map((f) => judge(f, { ...best.t, controlledRouteFrom })));
  if (score > bestQuota.score + 1e-9) bestQuota = { from: controlledRouteFrom, score };
}
process.stdout.write(`train ${values.train}: mean quota-group F1 ${quotaObjective(train.map((f) => judge(f, best.t))).toFixed(3)} with every controlled new route, ${bestQuota.score.toFixed(3)} with controlledRouteFrom ${bestQuota.from}\n`);
best.t.controlledRouteFrom = bestQuota.from;
for (const f of train) process.stdout.write(`train seed ${f.seed} chosen: ${line(judge(f, best.t))}\n`);
for (const f of values.test!.split(',').map(Number).map(featuresOf)) {
  process.stdout.write(`seed ${f.seed} every first use: ${line(judge(f, before))}\n`);
  process.stdout.write(`seed ${f.seed} rate only:       ${line(judge(f, rateOnly, false))}\n`);
  process.stdout.write(`seed ${f.seed} chosen:          ${line(judge(f, best.t))}\n`);
}
