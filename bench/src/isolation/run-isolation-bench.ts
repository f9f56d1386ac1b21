import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { streams } from '../../../contracts/index.ts';
import { parseConfig, type VigiaConfigInput } from '../../../config/index.ts';
import { connectNats, ensureStreams, PipelinedPublisher } from '../../../nats/index.ts';
import { startPrivateStack } from '../private-stack.ts';
import { backlogProbe } from '../throughput/backlog.ts';
import { sensorFeed, tripFeed } from '../throughput/domain-feeds.ts';
import { startHttpProbe, type HttpProbeFigure } from './http-probe.ts';
import { formatSummary } from './latency-summary.ts';
import { processorRedeliveredTotal, watchSensorRedeliveries } from './sensor-redeliveries.ts';
import { runSensorStoredPhase } from './sensor-stored-latency.ts';
import { runSocketLatencyPhase } from './socket-reading-latency.ts';

export interface IsolationBenchOptions {
  /** Trips published as a backlog before phase 1. @default 100000 */
  trips: number;
  /** Sensor readings per second during the trip catch-up (as `vigia up`'s producer). @default 200 */
  sensorRate: number;
  /** Other stations' readings per second behind the watched station in phase 2. @default 10000 */
  backgroundRate: number;
  /** Length of each phase's publishing, seconds. @default 30 */
  seconds: number;
  /** processor.workers ('auto' or a count; absent = the config default). */
  workers?: number | 'auto' | undefined;
  jsonFile?: string | undefined;
}

/** The targets of issue #14, printed beside the figures (a benchmark, nothing is asserted). */
export const ISOLATION_TARGETS = { sensorStoredP99Ms: 2000, sensorRedeliveries: 0, httpP99Ms: 200, socketVerdictP99Ms: 250 } as const;

const PROBE_EVERY_MS = 100;
const PROBE_TIMEOUT_MS = 30_000;
/** After phase 1, how long the bench lets the processor finish the trips it already holds before phase 2. */
const TRIP_DRAIN_MS = 60_000;
const SENSOR_DRAIN_MS = 60_000;
const SOCKET_DRAIN_MS = 30_000;
const WATCHED_START = Date.UTC(2026, 0, 1);
const UI_DIST = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'), 'ui', 'dist');

/**
 * Issue #14's Isolation and Latency targets on a private stack (nats-server + `vigia
 * processor`, producers in this process):
 * 1. a trip backlog, then sensor readings at a `vigia up` rate while the processor works
 *    through it: sensor published → stored, sensor redeliveries, and /health, `/` and a UI
 *    asset polled every 100 ms;
 * 2. with the undelivered trips purged, a socket.io client on one station while other
 *    stations' readings run at a high rate: published → `reading` event.
 */
export async function runIsolationBench(opts: IsolationBenchOptions): Promise<void> {
  const log = (s: string) => process.stderr.write(s + '\n');
  const loadBefore = loadavg();
  const config: VigiaConfigInput = opts.workers === undefined ? {} : { processor: { workers: opts.workers } };
  const partitions = parseConfig(config).streams.partitions;
  const stack = await startPrivateStack('bench-isolation', config);
  const nc = await connectNats({ url: stack.natsUrl, name: 'vigia-bench-isolation' });
  const ncWatched = await connectNats({ url: stack.natsUrl, name: 'vigia-bench-isolation-watched' });
  const publisher = new PipelinedPublisher(nc, { maxInFlight: 2000 });
  const watchedPublisher = new PipelinedPublisher(ncWatched, { maxInFlight: 100 });
  try {
    await ensureStreams(nc, parseConfig(config).streams);
    const jsm = await jetstreamManager(nc);
    const backlog = backlogProbe(jsm, partitions);
    const { proc } = stack;
    const sensors = sensorFeed(parseConfig({}).producers.sensor.stations, partitions);
    const asset = firstAsset();
    if (!asset) log(`no built UI at ${UI_DIST} (npm run build in ui/): the UI probes are skipped`);

    // Phase 1: trip catch-up.
    log(`making ${opts.trips} trips…`);
    const trips = tripFeed(partitions);
    trips.refill(opts.trips);
    const t0 = performance.now();
    for (let m = trips.next(); m; m = trips.next()) await publisher.publish(m);
    await publisher.flush();
    const tripPublishSeconds = (performance.now() - t0) / 1000;
    const tripsPendingAtStart = await backlog('trip');
    log(`published ${opts.trips} trips in ${tripPublishSeconds.toFixed(1)} s; ${tripsPendingAtStart} not yet acked by the processor`);
    log(`phase 1: ${opts.sensorRate} sensor readings/s for ${opts.seconds} s during the trip catch-up; /health${asset ? `, /, ${asset}` : ''} every ${PROBE_EVERY_MS} ms…`);
    const redeliveredBefore = await processorRedeliveredTotal(proc.fetch, 'sensor');
    const probes = ['/health', ...(asset ? ['/', asset] : [])].map((p) => startHttpProbe(proc.httpUrl, proc.token, p, { everyMs: PROBE_EVERY_MS, timeoutMs: PROBE_TIMEOUT_MS }));
    const redeliveries = watchSensorRedeliveries(jsm, partitions);
    const sensorPhase = runSensorStoredPhase({ feed: sensors, publisher, proc, rate: opts.sensorRate, seconds: opts.seconds, drainMs: SENSOR_DRAIN_MS });
    // The probes cover the publishing time only: that is when the backlog is there.
    await sleep(opts.seconds * 1000);
    const http: HttpProbeFigure[] = await Promise.all(probes.map((p) => p.stop()));
    const tripsPendingAtEnd = await backlog('trip');
    const sensor = await sensorPhase;
    const redelivery = await redeliveries.stop();
    const processorRedelivered = (await processorRedeliveredTotal(proc.fetch, 'sensor')) - redeliveredBefore;
    log(`  sensor published → scored  ${formatSummary(sensor.scored)}`);
    log(`  sensor published → stored  ${formatSummary(sensor.stored)}  [target p99 ≤ ${ISOLATION_TARGETS.sensorStoredP99Ms} ms]${sensor.notStored ? `; ${sensor.notStored} sampled readings not stored after ${SENSOR_DRAIN_MS / 1000} s` : ''}`);
    log(`  sensor redeliveries: JetStream num_redelivered peak ${redelivery.maxNumRedelivered}, processor counter +${processorRedelivered}  [target 0]`);
    for (const h of http) {
      const odd = [...Object.entries(h.non2xx).map(([status, n]) => `${n}× ${status}`), ...(h.errors ? [`${h.errors} failed (${h.timeouts} timed out at ${PROBE_TIMEOUT_MS / 1000} s)`] : [])];
      log(`  GET ${h.path}  ${formatSummary(h)}${odd.length ? `; ${odd.join(', ')}` : ''}  [target p99 ≤ ${ISOLATION_TARGETS.httpP99Ms} ms]`);
    }
    log(`  trips not yet acked: ${tripsPendingAtStart} at the start, ${tripsPendingAtEnd} at the end of the phase`);

    // Phase 2: a screen on one station under background load. The catch-up has shown what it
    // had to; the trips not yet delivered are purged so that phase 2's load is the readings
    // alone, and the ones the processor already holds are let through first.
    const tripsUndelivered = await backlog('trip');
    await jsm.streams.purge(streams.events('trip'));
    log(`purged the trip stream (${tripsUndelivered} trips not yet acked); letting the processor finish the ones it holds (at most ${TRIP_DRAIN_MS / 1000} s)…`);
    const tripsSettled = await waitForTripsSettled(proc.fetch, TRIP_DRAIN_MS);
    const sensorsPendingAtPhase2 = await backlog('sensor');
    log(`phase 2: a socket.io client on one station (5 readings/s) while ${opts.backgroundRate} other readings/s run for ${opts.seconds} s (trips ${tripsSettled ? 'settled' : 'still being stored'})…`);
    const socket = await runSocketLatencyPhase({
      httpUrl: proc.httpUrl,
      token: proc.token,
      background: sensors,
      backgroundPublisher: publisher,
      watchedPublisher,
      partitions,
      startTs: WATCHED_START,
      backgroundRate: opts.backgroundRate,
      seconds: opts.seconds,
      drainMs: SOCKET_DRAIN_MS,
      log,
    });
    log(`  background achieved ${socket.backgroundPerSecond}/s of ${socket.backgroundAskedPerSecond}/s asked`);
    log(`  published → socket.io 'reading'  ${formatSummary(socket.verdict)}  [target p99 ≤ ${ISOLATION_TARGETS.socketVerdictP99Ms} ms]${socket.notReceived ? `; ${socket.notReceived} more not received within ${SOCKET_DRAIN_MS / 1000} s (not in the figures)` : ''}`);
    const sensorsPendingAfter = await backlog('sensor');

    const loadAfter = loadavg();
    log(`load average before ${fmtLoad(loadBefore)}, after ${fmtLoad(loadAfter)} (${cpus().length} CPUs)`);
    const result = {
      benchmark: 'isolation',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadavgBefore: loadBefore.map(round2), loadavgAfter: loadAfter.map(round2) },
      options: { trips: opts.trips, sensorRate: opts.sensorRate, backgroundRate: opts.backgroundRate, seconds: opts.seconds, workers: opts.workers ?? null },
      workers: opts.workers ?? 'config default',
      targets: ISOLATION_TARGETS,
      tripCatchUp: {
        tripsPublished: opts.trips,
        tripPublishSeconds: Number(tripPublishSeconds.toFixed(1)),
        tripsPendingAtStart,
        tripsPendingAtEnd,
        sensor,
        sensorRedeliveries: { ...redelivery, processorCounterDelta: processorRedelivered },
        http,
      },
      latencyUnderLoad: { tripsPurgedUnacked: tripsUndelivered, tripsSettledAtStart: tripsSettled, sensorsPendingAtStart: sensorsPendingAtPhase2, sensorsPendingAtEnd: sensorsPendingAfter, ...socket },
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (opts.jsonFile) {
      mkdirSync(dirname(opts.jsonFile), { recursive: true });
      writeFileSync(opts.jsonFile, JSON.stringify(result, null, 2));
      log(`written to ${opts.jsonFile}`);
    }
  } finally {
    await watchedPublisher.close().catch(() => undefined);
    await publisher.close().catch(() => undefined);
    await ncWatched.drain().catch(() => undefined);
    await nc.drain().catch(() => undefined);
    await stack.stop();
  }
}

/** The script the built UI's page loads first, or undefined when ui/dist is not built. */
function firstAsset(): string | undefined {
  const page = join(UI_DIST, 'index.html');
  if (!existsSync(page)) return undefined;
  return /src="\.?(\/assets\/[^"]+)"/.exec(readFileSync(page, 'utf8'))?.[1];
}

/**
 * Until the processor's stored-trips counter stops moving (five polls a second apart: a batch
 * commit takes seconds on a loaded machine), or `maxMs`. After a purge JetStream no longer
 * counts the trips the processor already holds, so the processor is asked; true when it settled.
 */
async function waitForTripsSettled(fetchPath: (path: string) => Promise<Response>, maxMs: number): Promise<boolean> {
  const stored = async () => Number(/^vigia_events_total\{domain="trip"\} ([0-9.e+-]+)$/m.exec(await (await fetchPath('/metrics')).text())?.[1] ?? 0);
  const until = Date.now() + maxMs;
  let last = await stored();
  let still = 0;
  while (Date.now() < until) {
    await sleep(1000);
    const now = await stored();
    still = now === last ? still + 1 : 0;
    if (still >= 5) return true;
    last = now;
  }
  return false;
}

const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
const round2 = (x: number) => Number(x.toFixed(2));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
