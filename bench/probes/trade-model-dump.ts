/**
 * Every declaration's model raw error, calibrated model score, interim score and group, the
 * model's top Shapley group (anomalies only), with the ground truth: a JSON-lines dump for
 * studying how the autoencoder's calibration transfers between seeds. Analysis only.
 *
 *   node --import tsx bench/probes/trade-model-dump.ts --seeds 1,2 --model models/trade-ae/4 --out /tmp/dump.jsonl [--batch 500]
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_SEVERITY_BANDS } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { keyLimitsOf } from '../../processor/src/core/key-budget.ts';
import { createLogger } from '../../stack/logger.ts';
import { loadTradeAeModel } from '../../processor/src/domains/trade/onnx/trade-ae-model.ts';
import { loadTradeModelStage } from '../../processor/src/domains/trade/onnx/trade-model-stage.ts';
import { TRADE_NEW_KEY_BYTES, TradeBatchProcessor } from '../../processor/src/domains/trade/trade-batch.ts';
import { TRADE_FEATURE_INDEX as F } from '../../processor/src/domains/trade/trade-features.ts';
import { scoreTradeFeatures } from '../../processor/src/domains/trade/trade-interim-score.ts';
import { REPORTING_THRESHOLD_USD, tradeModelLevelsOf } from '../../processor/src/domains/trade/trade-runtime.ts';
import { OFFLINE_BATCH, OFFLINE_PARTITIONS, rawEventsOf } from '../src/trade/offline-trade.ts';
import { DEFAULT_TRADE_SCENARIO, tradeScenario } from '../src/trade/trade-scenario.ts';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '5' }, model: { type: 'string', default: 'models/trade-ae/4' }, out: { type: 'string', default: '/tmp/trade-model-dump.jsonl' }, batch: { type: 'string', default: String(OFFLINE_BATCH) } } });
const batchSize = Number(values.batch);
const out = createWriteStream(values.out!);
const model = await loadTradeAeModel(values.model!);
for (const seed of values.seeds!.split(',').map(Number)) {
  const sc = tradeScenario({ ...DEFAULT_TRADE_SCENARIO, seed }, OFFLINE_PARTITIONS);
  const truth = new Map(sc.truths.map((t) => [t.id, t.kind]));
  const limits = keyLimitsOf(parseConfig({}).processor.limits, TRADE_NEW_KEY_BYTES);
  const p = new TradeBatchProcessor({ runId: 'probe', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: OFFLINE_PARTITIONS, limits, features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD }, modelLevels: tradeModelLevelsOf(parseConfig({})) });
  const stage = await loadTradeModelStage({ enabled: true, modelDir: values.model!, intraOpThreads: 1, alongside: 'interim' }, DEFAULT_SEVERITY_BANDS.minor, process.cwd(), createLogger('probe', 'warn'));
  const events = rawEventsOf(sc.messages, OFFLINE_PARTITIONS);
  for (let i = 0; i < events.length; i += batchSize) {
    const staged = p.ingest(events.slice(i, i + batchSize), 0);
    const o = await stage.score(staged);
    const { raw } = await model.score(staged.items.map((it) => it.values));
    staged.items.forEach((it, j) => {
      const v = o!.verdicts[j]!;
      const b = scoreTradeFeatures(it.values, undefined, it.habit);
      const d = it.declaration;
      const x = it.values;
      out.write(
        JSON.stringify({ seed, id: d.id, c: d.exporter_id, ts: d.ts, ev: d.ts >= sc.fromTs, kind: truth.get(d.id) ?? '', raw: raw[j], ms: v.modelScore, base: v.baseline, shap: v.attributions.map((a) => [a.group, a.value]), bs: b.score, bg: b.group, fs: v.score, fg: v.group, top: v.attributions[0]?.group ?? '', n: x[F.company_n], age: x[F.company_age_days], vel: x[F.velocity_24h] }) + '\n',
      );
    });
  }
  await stage.release();
}
await model.release();
out.end();
