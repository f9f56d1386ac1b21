import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseConfig } from '../../../config/index.ts';
import { connectNats, ensureStreams, PipelinedPublisher } from '../../../nats/index.ts';
import { publishPaced } from '../../../producers/src/paced-publisher.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { cpuDelta, processCpuSeconds, threadCpuSeconds } from '../throughput/process-cpu.ts';
import { phaseProfiler } from '../throughput/phase-profiler.ts';
import { startPrivateStack } from '../private-stack.ts';
import { rawEventsOf, runTradeCore } from './offline-trade.ts';
import { evaluateTradeAccuracy, formatTradeReport, type FlaggedDeclaration, type Severity, type TradeAccuracyReport } from './trade-accuracy.ts';
import { tradeScenario, type TradeScenarioOptions } from './trade-scenario.ts';

export interface TradeBenchOptions extends TradeScenarioOptions {
  /** Least severity that counts as flagged. @default 'minor' */
  minSeverity: Severity;
  json?: string | undefined;
  /** Folder for the processor's CPU profile and sink timings of the measured span (trade.cpuprofile, trade.sinks.json). */
  profileDir?: string | undefined;
}

const RUN_ID = 'bench-trade';

export interface TradeThroughput {
  declarations: number;
  /** Published (first) → every declaration stored or dead-lettered, wall clock. */
  endToEndSeconds: number;
  endToEndPerSecond: number;
  /** CPU seconds of the processor process (all threads, chDB's included) over the same span. */
  processorCpuSeconds: number | null;
  processorPerCpuSecond: number | null;
  /** The processor's CPU seconds by thread group (main JS thread, libuv/onnxruntime, chDB's), from /proc; empty elsewhere. */
  processorCpuByThread: Record<string, number>;
  /** ingest + score of the same declarations in this process, no broker, no store. */
  coreCpuSeconds: number;
  corePerCpuSecond: number;
  loadAverage: number[];
}

/**
 * The labelled trade scenario through the real pipeline — simulated declarations → JetStream →
 * `vigia processor` (features, rules, score) → ClickHouse — on a private nats-server and chDB;
 * the stored scores judged against the producer's ground truth (trade-accuracy.ts), and the
 * throughput end to end, per CPU-second of the processor and of the pure core alone.
 */
export async function runTradeBench(opts: TradeBenchOptions): Promise<{ report: TradeAccuracyReport; throughput: TradeThroughput }> {
  const config = parseConfig({});
  const partitions = config.streams.partitions;
  const s = tradeScenario(opts, partitions);
  const n = s.messages.length;
  process.stderr.write(`trade: ${n} simulated declarations over ${opts.warmupDays + opts.days} days (${opts.warmupDays} warm-up), ${s.truths.length} labelled\n`);

  // The pure core first, on the same declarations (its own warm-up run is not timed).
  const events = rawEventsOf(s.messages, partitions);
  runTradeCore(events.slice(0, Math.min(n, 5_000)), partitions);
  const core = runTradeCore(events, partitions);

  const profiler = opts.profileDir ? phaseProfiler(opts.profileDir) : undefined;
  const stack = await startPrivateStack('bench-trade', { processor: { runId: RUN_ID, domains: ['trade'] } }, profiler?.env);
  const proc = stack.proc;
  const nc = await connectNats({ url: stack.natsUrl, name: 'vigia-bench-trade' });
  try {
    await ensureStreams(nc, config.streams);
    if (profiler) await profiler.cut(proc, 'startup');
    const cpu0 = processCpuSeconds(proc.child.pid!);
    const threads0 = threadCpuSeconds(proc.child.pid!);
    const started = performance.now();
    const publishing = publishPaced(s.messages, new PipelinedPublisher(nc, { maxInFlight: 2000 }), { rate: Infinity });
    await waitFor(
      async () => {
        const [r] = await proc.sql<{ n: string }>(`SELECT (SELECT count() FROM trade_declarations WHERE run_id = '${RUN_ID}') + (SELECT count() FROM dead_letters WHERE domain = 'trade') AS n`);
        const done = Number(r?.n ?? 0);
        process.stderr.write(`\rstored ${done}/${n}`);
        return done;
      },
      (done) => done >= n,
      3_600_000,
      'every declaration processed',
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu1 = processCpuSeconds(proc.child.pid!);
    const byThread = cpuDelta(threads0, threadCpuSeconds(proc.child.pid!));
    if (profiler) process.stderr.write(`\nprocessor profile of the measured span: ${await profiler.cut(proc, 'trade')}`);
    await publishing;
    process.stderr.write('\n');
    const flagged = (
      await proc.sql<{ id: string; ts: string; entity: string; severity: string; grp: string }>(
        `SELECT event_id AS id, toUnixTimestamp64Milli(ts) AS ts, exporter_id AS entity, severity, top_group AS grp FROM trade_scores FINAL WHERE run_id = '${RUN_ID}' AND severity != ''`,
      )
    ).map((r): FlaggedDeclaration => ({ id: r.id, ts: Number(r.ts), entity: r.entity, severity: r.severity as Severity, group: r.grp }));
    const [dl] = await proc.sql<{ n: string }>(`SELECT count() AS n FROM dead_letters WHERE domain = 'trade'`);
    // Every anomaly should carry the autoencoder's Shapley values when the model is on.
    const [unexplained] = await proc.sql<{ n: string }>(`SELECT count() AS n FROM trade_scores FINAL WHERE run_id = '${RUN_ID}' AND severity != '' AND length(shapley) = 0`);
    const model = config.scoring.tradeModel;
    const modelLine = model.enabled ? `model ${model.modelDir} alongside ${model.alongside}; anomalies without Shapley values: ${unexplained?.n ?? '?'}` : 'model disabled (interim score)';
    const report = evaluateTradeAccuracy({ fromTs: s.fromTs, untilTs: s.endTs, truths: s.truths, flagged, minSeverity: opts.minSeverity });
    const processorCpu = cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : null;
    const throughput: TradeThroughput = {
      declarations: n,
      endToEndSeconds: Number(seconds.toFixed(2)),
      endToEndPerSecond: Math.round(n / seconds),
      processorCpuSeconds: processorCpu === null ? null : Number(processorCpu.toFixed(2)),
      processorPerCpuSecond: processorCpu ? Math.round(n / processorCpu) : null,
      processorCpuByThread: byThread,
      coreCpuSeconds: Number(core.cpuSeconds.toFixed(3)),
      corePerCpuSecond: Math.round(core.declarations / core.cpuSeconds),
      loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    };
    process.stdout.write(`${modelLine}\n`);
    process.stdout.write(formatTradeReport(report));
    process.stdout.write(
      `throughput: ${n} declarations end to end in ${throughput.endToEndSeconds} s = ${throughput.endToEndPerSecond}/s; processor ${throughput.processorPerCpuSecond ?? '—'} per CPU-second (${throughput.processorCpuSeconds ?? '—'} CPU-s, all threads); pure core ${throughput.corePerCpuSecond} per CPU-second; load average ${throughput.loadAverage.join(' ')}; dead-lettered ${dl?.n ?? 0}\n`,
    );
    if (Object.keys(byThread).length) process.stdout.write(`processor CPU-s by thread: ${Object.entries(byThread).map(([k, v]) => `${k} ${v}`).join('; ')}\n`);
    if (opts.json) {
      mkdirSync(dirname(opts.json), { recursive: true });
      const { json: _json, profileDir: _profile, ...scenario } = opts;
      writeFileSync(opts.json, JSON.stringify({ benchmark: 'trade', at: new Date().toISOString(), scenario, model: { ...model, unexplainedAnomalies: Number(unexplained?.n ?? 0) }, deadLettered: Number(dl?.n ?? 0), throughput, report }, null, 2));
    }
    return { report, throughput };
  } finally {
    await nc.drain().catch(() => undefined);
    await stack.stop();
  }
}
