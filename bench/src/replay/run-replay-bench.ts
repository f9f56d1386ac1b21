// How fast `vigia replay` re-reads a sensor log:
//   vigia bench replay [--readings 200000] [--stations 50] [--range all|none] [--profile DIR] [--json F]
// A private nats-server and embedded chDB in a temp folder; simulated readings are published
// into the sensor log first (not timed), then the replay runs in this process exactly as
// `vigia replay` does when no processor answers: an ordered consumer over the whole log, the
// sensor core from empty state, its ONNX chain, and the rows of the range written to chDB.
// `--range none` asks for a range holding no reading: everything is read and scored, nothing
// written, which tells the store's share from the rest.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from 'node:inspector/promises';
import { connectNats, ensureStreams, PipelinedPublisher } from '../../../nats/index.ts';
import { parseConfig } from '../../../config/index.ts';
import type { ReplayRequest } from '../../../contracts/index.ts';
import { sensorMessages } from '../../../producers/src/sensor-messages.ts';
import { publishPaced } from '../../../producers/src/paced-publisher.ts';
import { createReplayCore } from '../../../processor/src/replay/replay-cores.ts';
import { runReplay } from '../../../processor/src/replay/run-replay.ts';
import { openStore } from '../../../store/src/index.ts';
import { createLogger } from '../../../stack/logger.ts';
import { startNatsServer } from '../../../stack/nats-server.ts';
import { killOnExit, onProcessExit } from '../../../stack/kill-on-exit.ts';
import { tempDir } from '../../../test/harness/temp-dir.ts';

export interface ReplayBenchOptions {
  readings: number;
  stations: number;
  /** `all`: the range holds every reading (all rows written); `none`: no reading (read and scored only). */
  range: 'all' | 'none';
  /** Write a CPU profile of the replay (not of the publishing) into this folder. */
  profileDir?: string | undefined;
  jsonFile?: string | undefined;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const START = Date.UTC(2026, 4, 4);
const TARGET = 100_000;

export async function runReplayBench(o: ReplayBenchOptions): Promise<void> {
  const log = (s: string) => process.stderr.write(s + '\n');
  const dir = tempDir('bench-replay');
  const forgetDir = onProcessExit(() => dir.remove());
  const nats = await startNatsServer({ port: 0, dir: join(dir.path, 'nats'), allowInstall: true });
  const forgetNats = killOnExit(nats.pid);
  const config = parseConfig({ dataDir: dir.path });
  const nc = await connectNats({ url: nats.url, name: 'vigia-bench-replay' });
  const store = await openStore({ ...config.clickhouse, dataDir: dir.path });
  try {
    await ensureStreams(nc, config.streams);
    log(`publishing ${o.readings} readings from ${o.stations} stations into the sensor log (not timed)…`);
    const published = await publishPaced(sensorMessages({ stations: o.stations, seed: 1, faultRate: 2, startTs: START }, config.streams.partitions, o.readings), new PipelinedPublisher(nc, { maxInFlight: 2000 }), {
      rate: Infinity,
    });
    // A year either side holds every simulated reading; a range before them holds none.
    const YEAR = 365 * 86_400_000;
    const req: ReplayRequest = {
      domain: 'sensor',
      from: o.range === 'all' ? START - YEAR : START - 3 * YEAR,
      to: o.range === 'all' ? START + YEAR : START - 2 * YEAR,
      speed: null,
      runId: 'bench-replay',
      model: null,
    };
    const logger = createLogger('bench-replay', 'warn');
    const core = await createReplayCore(req, { store: store.client, config, logger, projectRoot: ROOT });
    const load = { start: loadavg().map(round2) };
    log(`replaying (range ${o.range}: ${o.range === 'all' ? 'every reading written' : 'read and scored, nothing written'})… load average ${load.start[0]}`);
    const profiler = o.profileDir ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const cpu = process.cpuUsage();
    const started = performance.now();
    const final = await runReplay(req, { nc, store: store.client, config, logger, core, onProgress: () => {} });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    let profileFile: string | undefined;
    if (profiler && o.profileDir) {
      const { profile } = await profiler.post('Profiler.stop');
      mkdirSync(o.profileDir, { recursive: true });
      profileFile = join(o.profileDir, `replay-${o.range}.cpuprofile`);
      writeFileSync(profileFile, JSON.stringify(profile));
      profiler.disconnect();
    }
    if (final.status !== 'done') throw new Error(`the replay ${final.status}: ${final.error ?? ''}`);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const result = {
      benchmark: 'replay',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, natsServer: nats.version },
      loadAverage: { ...load, end: loadavg().map(round2) },
      readings: published,
      stations: o.stations,
      range: o.range,
      scanned: final.scanned,
      written: final.written,
      anomalies: final.anomalies,
      seconds: round2(seconds),
      readingsPerSecond: Math.round(final.scanned / seconds),
      // The whole process: the replay's JS thread, chDB's threads (embedded) and Node's others.
      processCpuSeconds: round2(cpuSeconds),
      readingsPerCpuSecond: Math.round(final.scanned / cpuSeconds),
      target: TARGET,
      toTarget: Number((final.scanned / seconds / TARGET).toFixed(3)),
      profile: profileFile,
    };
    log(
      `${final.scanned} readings in ${result.seconds} s: ${result.readingsPerSecond} readings/s (${result.toTarget} of the ${TARGET} target), ` +
        `${result.readingsPerCpuSecond} per process CPU-second; ${final.written} rows written; load average ${result.loadAverage.end[0]}`,
    );
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (o.jsonFile) {
      mkdirSync(dirname(o.jsonFile), { recursive: true });
      writeFileSync(o.jsonFile, JSON.stringify(result, null, 2) + '\n');
    }
  } finally {
    await nc.drain().catch(() => undefined);
    await store.close();
    await nats.stop();
    forgetNats();
    dir.remove();
    forgetDir();
  }
}

const round2 = (x: number) => Number(x.toFixed(2));
