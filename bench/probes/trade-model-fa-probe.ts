/**
 * The model stage's flags on unlabelled declarations of one group, with the quota features: why
 * the autoencoder alone raises quota false alarms. Analysis only.
 *
 *   node --import tsx bench/probes/trade-model-fa-probe.ts --seed 3 --model models/trade-ae/4 --group quota
 */
import { parseArgs } from 'node:util';
import { parseConfig } from '../../config/index.ts';
import { DEFAULT_SEVERITY_BANDS } from '../../contracts/index.ts';
import { createLogger } from '../../stack/logger.ts';
import { loadTradeModelStage } from '../../processor/src/domains/trade/onnx/trade-model-stage.ts';
import { TradeBatchProcessor } from '../../processor/src/domains/trade/trade-batch.ts';
import { TRADE_FEATURE_INDEX as F } from '../../processor/src/domains/trade/trade-features.ts';
import { REPORTING_THRESHOLD_USD, tradeModelLevelsOf } from '../../processor/src/domains/trade/trade-runtime.ts';
import { OFFLINE_BATCH, OFFLINE_PARTITIONS, rawEventsOf } from '../src/trade/offline-trade.ts';
import { DEFAULT_TRADE_SCENARIO, tradeScenario } from '../src/trade/trade-scenario.ts';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '3' }, model: { type: 'string', default: 'models/trade-ae/4' }, group: { type: 'string', default: 'quota' } } });
const sc = tradeScenario({ ...DEFAULT_TRADE_SCENARIO, seed: Number(values.seed) }, OFFLINE_PARTITIONS);
const truth = new Set(sc.truths.map((t) => t.id));
const p = new TradeBatchProcessor({ runId: 'probe', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: OFFLINE_PARTITIONS, features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD }, modelLevels: tradeModelLevelsOf(parseConfig({})) });
const stage = await loadTradeModelStage({ enabled: true, modelDir: values.model!, intraOpThreads: 1, alongside: 'interim' }, DEFAULT_SEVERITY_BANDS.minor, process.cwd(), createLogger('probe', 'warn'));
const events = rawEventsOf(sc.messages, OFFLINE_PARTITIONS);
for (let i = 0; i < events.length; i += OFFLINE_BATCH) {
  const staged = p.ingest(events.slice(i, i + OFFLINE_BATCH), 0);
  const out = await stage.score(staged);
  staged.items.forEach((it, j) => {
    const v = out!.verdicts[j]!;
    const d = it.declaration;
    if (d.ts < sc.fromTs || truth.has(d.id) || v.score < DEFAULT_SEVERITY_BANDS.minor || v.group !== values.group) return;
    const x = it.values;
    process.stdout.write(`${d.id} ${d.exporter_id} ${d.hs_code} ${d.licence ?? '-'} ${d.port}->${d.destination} kg ${d.net_kg} | ${v.detector} ${v.score.toFixed(0)} | quota_used ${x[F.quota_used]!.toFixed(3)} controlled_route_new ${x[F.controlled_route_new]} company_n ${x[F.company_n]!.toFixed(2)}\n`);
  });
}
await stage.release();
