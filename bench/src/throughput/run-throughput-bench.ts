import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats, ensureStreams, PipelinedPublisher } from '../../../nats/index.ts';
import { parseConfig } from '../../../config/index.ts';
import { startNatsServer } from '../../../stack/nats-server.ts';
import { startProcessorProcess, type ProcessorProcess } from '../../../stack/processor-process.ts';
import { killOnExit, onProcessExit } from '../../../stack/kill-on-exit.ts';
import { tempDir } from '../../../test/harness/temp-dir.ts';
import { backlogProbe, type BenchDomain } from './backlog.ts';
import { measureCeilings } from './ceilings.ts';
import { sensorFeed, tripFeed, type DomainFeed } from './domain-feeds.ts';
import { runE2ePhase, type PhaseProbes, type PhaseResult } from './e2e-phase.ts';
import { runLatencyPhase, type LatencyFigure } from './latency-phase.ts';
import { phaseProfiler, type PhaseProfiler } from './phase-profiler.ts';
import { cpuDelta, processCpuSeconds, threadCpuSeconds } from './process-cpu.ts';

export const THROUGHPUT_PHASES = ['sensor', 'trip', 'mixed'] as const;
export type ThroughputPhase = (typeof THROUGHPUT_PHASES)[number];

export interface ThroughputBenchOptions {
  /** Length of each measured phase (publishing time), seconds. */
  seconds: number;
  jsonFile?: string | undefined;
  stations: number;
  /** End-to-end phases to run, in this order: sensor alone, trips alone, both at once. @default all */
  phases: readonly ThroughputPhase[];
  /** Unacked events the publisher lets pile up in the processor's consumers. @default 20000 */
  maxBacklog: number;
  /** Seconds of the paced latency phase (0 = none). @default 5 */
  latencySeconds: number;
  /** Folder for one CPU profile + sink timings per phase (the processor runs with phase-profiler-preload.mjs). */
  profileDir?: string | undefined;
}

const IN_FLIGHT = 2000;
/** Trips made ahead per second of a phase: above what the trip pipeline sustains today (~2k/s). */
const TRIPS_PER_PHASE_SECOND = 6000;
/** The latency phase paces each domain at this share of the rate it sustained in the mixed phase. */
const LATENCY_LOAD = 0.3;

/**
 * On one nats-server and one machine, the producers included: (1) the raw JetStream publish
 * and consume-and-ack ceilings; (2) end to end through the real `vigia processor` (both
 * domains on, as deployed) — sensor readings alone, trips alone, then both at once — each
 * event counted when its rows are in ClickHouse (every sink committed); (3) latency at a
 * paced 30 % load. Each rate is reported as a ratio of the consume ceiling.
 */
export async function runThroughputBench(opts: ThroughputBenchOptions): Promise<void> {
  const dir = tempDir('bench');
  const log = (s: string) => process.stderr.write(s + '\n');
  const loadBefore = loadavg();
  // Whatever ends the bench (an uncaught error, Ctrl-C), its private servers end with it.
  const forgetDir = onProcessExit(() => dir.remove());
  const nats = await startNatsServer({ port: 0, dir: `${dir.path}/nats`, allowInstall: true });
  const forgetNats = killOnExit(nats.pid);
  const config = parseConfig({});
  const partitions = config.streams.partitions;
  const nc = await connectNats({ url: nats.url, name: 'vigia-bench' });
  let proc: ProcessorProcess | undefined;
  let publisher: PipelinedPublisher | undefined;
  try {
    await ensureStreams(nc, config.streams);
    const jsm = await jetstreamManager(nc);
    publisher = new PipelinedPublisher(nc, { maxInFlight: IN_FLIGHT });
    const sensors = sensorFeed(opts.stations, partitions);
    const trips = tripFeed(partitions);
    const sample = sensors.next()!.data;
    const ceilings = await measureCeilings(nc, jsm, publisher, sample, opts.seconds, log);

    const profiler: PhaseProfiler | undefined = opts.profileDir ? phaseProfiler(opts.profileDir) : undefined;
    proc = await startProcessorProcess({
      natsUrl: nats.url,
      dataDir: dir.path,
      env: { VIGIA_LOG_LEVEL: 'warn', ...profiler?.env },
      onSpawn: (child) => void killOnExit(child.pid!),
    });
    const running = proc;
    const probes: PhaseProbes = { backlog: backlogProbe(jsm, partitions), stored: storedCounter(running) };
    const phaseOpts = { publisher, seconds: opts.seconds, maxBacklog: opts.maxBacklog, probes, log };
    const feedsOf: Record<ThroughputPhase, DomainFeed[]> = { sensor: [sensors], trip: [trips], mixed: [sensors, trips] };
    const results: (PhaseResult & { processorCpuSeconds: number; processorCpuSecondsByThread: Record<string, number>; eventsPerProcessorCpuSecond: number })[] = [];
    const profiles: Record<string, string> = {};
    if (profiler) await profiler.cut(running, 'startup');
    for (const name of opts.phases) {
      const feeds = feedsOf[name];
      if (feeds.includes(trips)) {
        log(`  making ${opts.seconds * TRIPS_PER_PHASE_SECOND} trips ahead…`);
        trips.refill(opts.seconds * TRIPS_PER_PHASE_SECOND);
      }
      log(`phase ${name}: ${feeds.map((f) => f.domain).join(' + ')} → JetStream → processor (decode, windows, detectors, ONNX) → ClickHouse + alerts + ack…`);
      const cpu0 = processCpuSeconds(running.child.pid!);
      const threads0 = threadCpuSeconds(running.child.pid!);
      const r = await runE2ePhase(name, feeds, phaseOpts);
      const cpu = (processCpuSeconds(running.child.pid!) ?? NaN) - (cpu0 ?? NaN);
      const byThread = cpuDelta(threads0, threadCpuSeconds(running.child.pid!));
      const events = Object.values(r.perDomain).reduce((n, f) => n + f.published, 0);
      results.push({ ...r, processorCpuSeconds: Number(cpu.toFixed(1)), processorCpuSecondsByThread: byThread, eventsPerProcessorCpuSecond: Math.round(events / cpu) });
      log(`  ${Object.entries(r.perDomain).map(([d, f]) => `${d} ${f.perSecond}/s`).join(', ')} (all: ${r.eventsPerSecond}/s; ${Math.round(events / cpu)} events per processor CPU-second)`);
      if (profiler) profiles[name] = await profiler.cut(running, name);
    }

    let latency: { load: number; perDomain: Partial<Record<BenchDomain, LatencyFigure>>; batchCommitMeanMs: number } | undefined;
    const mixed = results.find((r) => r.name === 'mixed') ?? results[results.length - 1];
    if (opts.latencySeconds > 0 && mixed) {
      const feeds = [sensors, trips];
      const paced = Object.entries(mixed.perDomain).map(([d, f]) => ({ feed: feeds.find((x) => x.domain === d)!, rate: f.perSecond * LATENCY_LOAD }));
      if (paced.some((p) => p.feed === trips)) trips.refill(Math.ceil(paced.find((p) => p.feed === trips)!.rate * opts.latencySeconds) + 1);
      log(`latency: ${paced.map((p) => `${p.feed.domain} at ${Math.round(p.rate)}/s`).join(' + ')} for ${opts.latencySeconds}s…`);
      const before = await batchCommitSeconds(running);
      const perDomain = await runLatencyPhase(paced, { publisher, seconds: opts.latencySeconds, ingestedAt: ingestedAtReader(running), stored: probes.stored });
      const after = await batchCommitSeconds(running);
      latency = { load: LATENCY_LOAD, perDomain, batchCommitMeanMs: Math.round(((after.sum - before.sum) / Math.max(1, after.count - before.count)) * 1000) };
      log(`  ${Object.entries(perDomain).map(([d, l]) => `${d} p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms`).join('; ')}; mean batch commit ${latency.batchCommitMeanMs} ms`);
    }

    const metrics = await (await running.fetch('/metrics')).text();
    const rssMiB = Number(/vigia_process_process_resident_memory_bytes (\d+)/.exec(metrics)?.[1] ?? NaN) / 1024 ** 2;
    const anomalies = await running.sql<{ n: string }>('SELECT count() AS n FROM anomalies');
    const consume = ceilings.consumeAckPerSecond;
    const ratio = (x: number) => Number((x / consume).toFixed(3));
    const result = {
      benchmark: 'throughput',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, natsServer: nats.version, loadavgBefore: loadBefore.map((x) => Number(x.toFixed(2))), loadavgAfter: loadavg().map((x) => Number(x.toFixed(2))) },
      secondsPerPhase: opts.seconds,
      stations: opts.stations,
      maxBacklog: opts.maxBacklog,
      publisher: { msgsPerSecond: Math.round(ceilings.publishPerSecond), messageBytes: ceilings.messageBytes },
      ceiling: { jetstreamPublishPerSecond: Math.round(ceilings.publishPerSecond), jetstreamConsumeAckPerSecond: Math.round(consume) },
      phases: results.map((r) => ({
        ...r,
        perDomain: Object.fromEntries(Object.entries(r.perDomain).map(([d, f]) => [d, { ...f, toConsumeCeiling: ratio(f.perSecond) }])),
        toConsumeCeiling: ratio(r.eventsPerSecond),
      })),
      latency,
      anomalies: Number(anomalies[0]?.n ?? 0),
      processorRssMiB: Math.round(rssMiB),
      profiles: opts.profileDir ? profiles : undefined,
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (opts.jsonFile) {
      mkdirSync(dirname(opts.jsonFile), { recursive: true });
      writeFileSync(opts.jsonFile, JSON.stringify(result, null, 2));
      log(`written to ${opts.jsonFile}`);
    }
  } finally {
    await proc?.stop();
    await publisher?.close();
    await nc.drain().catch(() => undefined);
    await nats.stop();
    forgetNats();
    dir.remove();
    forgetDir();
  }
}

const EVENTS_TABLE: Record<BenchDomain, string> = { sensor: 'sensor_events', trip: 'trip_events' };

/** Events whose every sink committed: the events table is written last in each batch; dead letters count as handled. */
function storedCounter(proc: ProcessorProcess): PhaseProbes['stored'] {
  return async (domain) => {
    const [r] = await proc.sql<{ n: string }>(`SELECT (SELECT count() FROM ${EVENTS_TABLE[domain]}) + (SELECT count() FROM dead_letters WHERE domain = '${domain}') AS n`);
    return Number(r?.n ?? 0);
  };
}

function ingestedAtReader(proc: ProcessorProcess) {
  return async (domain: BenchDomain, ids: string[]): Promise<Map<string, number>> => {
    if (!ids.length) return new Map();
    const list = ids.map((id) => `'${id.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(',');
    const rows = await proc.sql<{ id: string; t: string }>(`SELECT event_id AS id, toUnixTimestamp64Milli(min(ingested_at)) AS t FROM ${EVENTS_TABLE[domain]} WHERE event_id IN (${list}) GROUP BY event_id`);
    return new Map(rows.map((r) => [r.id, Number(r.t)]));
  };
}

async function batchCommitSeconds(proc: ProcessorProcess): Promise<{ sum: number; count: number }> {
  const text = await (await proc.fetch('/metrics')).text();
  const num = (name: string) => Number(new RegExp(`^vigia_batch_commit_seconds_${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: num('sum'), count: num('count') };
}
