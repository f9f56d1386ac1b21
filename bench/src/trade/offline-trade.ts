/**
 * The trade scenario through the pure core in-process (no NATS, no store): the same
 * TradeBatchProcessor the processor runs, fed the producer's messages in micro-batches, its
 * score rows judged by trade-accuracy.ts. Fast enough to choose thresholds on some seeds and
 * report on others, and the "pure core" figure of `vigia bench trade` (declarations per
 * CPU-second of ingest + score alone).
 *
 *   node --import tsx bench/src/trade/offline-trade.ts [--seeds 1,2,3] [--days 14] [--warmup-days 7]
 *        [--companies 2000] [--anomaly-rate 0.01] [--episodes-per-day 6] [--min-severity minor] [--json F]
 *        [--model models/trade-ae/4 --alongside rules|interim] [--self-rate R]
 *
 * With --model the trade autoencoder stage runs per micro-batch as in the processor
 * (loadTradeModelStage: model score, combined verdict, Shapley values of every anomaly); the
 * report then also counts anomalies without Shapley values (should be 0). --self-rate overrides
 * scoring.tradeModel.selfCalibrationRate (0 = the card's calibration alone).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { DEFAULT_SEVERITY_BANDS } from '../../../contracts/index.ts';
import { parseConfig } from '../../../config/index.ts';
import { keyLimitsOf } from '../../../processor/src/core/key-budget.ts';
import type { RawEvent } from '../../../processor/src/core/raw-event.ts';
import { TRADE_NEW_KEY_BYTES, TradeBatchProcessor } from '../../../processor/src/domains/trade/trade-batch.ts';
import { REPORTING_THRESHOLD_USD, tradeModelLevelsOf } from '../../../processor/src/domains/trade/trade-runtime.ts';
import type { TradeMessage } from '../../../producers/src/trade/trade-messages.ts';
import { loadTradeModelStage } from '../../../processor/src/domains/trade/onnx/trade-model-stage.ts';
import type { TradeAlongside } from '../../../processor/src/domains/trade/trade-model-verdict.ts';
import { createLogger } from '../../../stack/logger.ts';
import { evaluateTradeAccuracy, formatTradeReport, type FlaggedDeclaration, type Severity, type TradeAccuracyReport } from './trade-accuracy.ts';
import { DEFAULT_TRADE_SCENARIO, tradeScenario, type TradeScenarioOptions } from './trade-scenario.ts';

export const OFFLINE_PARTITIONS = 4;
export const OFFLINE_BATCH = 500;

export interface CoreRun {
  flagged: FlaggedDeclaration[];
  declarations: number;
  /** CPU seconds (user + system) of ingest + score alone. */
  cpuSeconds: number;
  wallSeconds: number;
}

/** Messages → RawEvents as the consumer hands them over (per-partition sequence numbers). */
export function rawEventsOf(messages: readonly TradeMessage[], partitions: number): RawEvent[] {
  const enc = new TextEncoder();
  const seqs = new Array<number>(partitions).fill(0);
  return messages.map((m) => {
    const partition = Number(m.subject.split('.')[2]);
    if (!(partition >= 0 && partition < partitions)) throw new Error(`subject ${m.subject} names no partition below ${partitions}`);
    return { subject: m.subject, seq: ++seqs[partition]!, partition, data: enc.encode(m.data as string) };
  });
}

/**
 * The pure trade core over `events` in micro-batches, with the processor's default key limits
 * (so a company silent past processor.limits.forgetEvictedMs starts afresh, as in the pipeline).
 */
export function runTradeCore(events: readonly RawEvent[], partitions: number, batchSize = OFFLINE_BATCH): CoreRun {
  const limits = keyLimitsOf(parseConfig({}).processor.limits, TRADE_NEW_KEY_BYTES);
  const p = new TradeBatchProcessor({ runId: 'offline', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: partitions, limits, features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD } });
  const flagged: FlaggedDeclaration[] = [];
  let declarations = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += batchSize) {
    const batch = events.slice(i, i + batchSize);
    const r = p.score(p.ingest(batch, Date.now()), null);
    declarations += r.events;
    for (const s of r.records.scores) if (s.severity) flagged.push({ id: s.event_id, ts: s.ts, entity: s.exporter_id, severity: s.severity as Severity, group: s.top_group });
  }
  const cpu = process.cpuUsage(cpu0);
  return { flagged, declarations, cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: (performance.now() - t0) / 1000 };
}

export interface ModelCoreRun extends CoreRun {
  /** Anomalies whose score row carries no Shapley values (every one should carry them). */
  unexplained: number;
}

/**
 * runTradeCore with the autoencoder stage between ingest and score, as the processor runs it
 * (the model's per-company self-calibration at `selfRate`, default the config's).
 */
export async function runTradeCoreWithModel(events: readonly RawEvent[], partitions: number, modelDir: string, alongside: TradeAlongside, batchSize = OFFLINE_BATCH, selfRate?: number): Promise<ModelCoreRun> {
  const config = parseConfig({});
  const limits = keyLimitsOf(config.processor.limits, TRADE_NEW_KEY_BYTES);
  const modelLevels = { ...tradeModelLevelsOf(config), ...(selfRate === undefined ? {} : { rate: selfRate }) };
  const p = new TradeBatchProcessor({ runId: 'offline', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: partitions, limits, features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD }, modelLevels });
  const stage = await loadTradeModelStage({ enabled: true, modelDir, intraOpThreads: 1, alongside }, DEFAULT_SEVERITY_BANDS.minor, process.cwd(), createLogger('offline-trade', 'warn'));
  const flagged: FlaggedDeclaration[] = [];
  let declarations = 0;
  let unexplained = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    for (let i = 0; i < events.length; i += batchSize) {
      const staged = p.ingest(events.slice(i, i + batchSize), Date.now());
      const r = p.score(staged, await stage.score(staged));
      declarations += r.events;
      for (const s of r.records.scores) {
        if (!s.severity) continue;
        if (Object.keys(s.shapley).length === 0) unexplained++;
        flagged.push({ id: s.event_id, ts: s.ts, entity: s.exporter_id, severity: s.severity as Severity, group: s.top_group });
      }
    }
  } finally {
    await stage.release();
  }
  const cpu = process.cpuUsage(cpu0);
  return { flagged, declarations, unexplained, cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: (performance.now() - t0) / 1000 };
}

export function runOfflineTrade(opts: TradeScenarioOptions, minSeverity: Severity = 'minor'): { report: TradeAccuracyReport; core: CoreRun } {
  const s = tradeScenario(opts, OFFLINE_PARTITIONS);
  const core = runTradeCore(rawEventsOf(s.messages, OFFLINE_PARTITIONS), OFFLINE_PARTITIONS);
  return { report: evaluateTradeAccuracy({ fromTs: s.fromTs, untilTs: s.endTs, truths: s.truths, flagged: core.flagged, minSeverity }), core };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '1' },
      days: { type: 'string' },
      'warmup-days': { type: 'string' },
      companies: { type: 'string' },
      'anomaly-rate': { type: 'string' },
      'episodes-per-day': { type: 'string' },
      'min-severity': { type: 'string', default: 'minor' },
      json: { type: 'string' },
      model: { type: 'string' },
      alongside: { type: 'string', default: 'interim' },
      'self-rate': { type: 'string' },
    },
  });
  const num = (x: string | undefined, d: number) => (x === undefined ? d : Number(x));
  const base = DEFAULT_TRADE_SCENARIO;
  const out: unknown[] = [];
  for (const seed of values.seeds!.split(',').map(Number)) {
    const opts: TradeScenarioOptions = {
      seed,
      days: num(values.days, base.days),
      warmupDays: num(values['warmup-days'], base.warmupDays),
      companies: num(values.companies, base.companies),
      anomalyRate: num(values['anomaly-rate'], base.anomalyRate),
      episodesPerDay: num(values['episodes-per-day'], base.episodesPerDay),
    };
    if (values.model) {
      const alongside = values.alongside as TradeAlongside;
      const sc = tradeScenario(opts, OFFLINE_PARTITIONS);
      const selfRate = values['self-rate'] === undefined ? undefined : Number(values['self-rate']);
      const core = await runTradeCoreWithModel(rawEventsOf(sc.messages, OFFLINE_PARTITIONS), OFFLINE_PARTITIONS, values.model, alongside, OFFLINE_BATCH, selfRate);
      const report = evaluateTradeAccuracy({ fromTs: sc.fromTs, untilTs: sc.endTs, truths: sc.truths, flagged: core.flagged, minSeverity: values['min-severity'] as Severity });
      process.stdout.write(
        `seed ${seed}: ${core.declarations} declarations, model ${values.model} alongside ${alongside}, self-calibration rate ${selfRate ?? tradeModelLevelsOf(parseConfig({})).rate}, ${Math.round(core.declarations / core.cpuSeconds)} per CPU-second with the model; anomalies without Shapley values: ${core.unexplained}\n${formatTradeReport(report)}\n`,
      );
      out.push({ seed, scenario: opts, model: values.model, alongside, selfRate: selfRate ?? tradeModelLevelsOf(parseConfig({})).rate, declarations: core.declarations, coreCpuSeconds: core.cpuSeconds, unexplained: core.unexplained, report });
      continue;
    }
    const { report, core } = runOfflineTrade(opts, values['min-severity'] as Severity);
    process.stdout.write(`seed ${seed}: ${core.declarations} declarations, pure core ${Math.round(core.declarations / core.cpuSeconds)} per CPU-second\n${formatTradeReport(report)}\n`);
    out.push({ seed, scenario: opts, declarations: core.declarations, coreCpuSeconds: core.cpuSeconds, report });
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(out, null, 2));
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href)
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
