import type { Command } from 'commander';
import { tripSubject } from '../../contracts/index.ts';
import { connectNats, ensureStreams, PipelinedPublisher } from '../../nats/index.ts';
import { createTripSimulation } from '../../producers/src/trip/index.ts';
import { DemandSourceError, resolveDemandSource, type DemandSource } from '../../producers/src/trip-demand-source.ts';
import { openTripFile, TripFileError, type TripFile } from '../../producers/src/trip-file-reader.ts';
import { emptyTripFileStats, fileTripMessages, simulatedTripMessages, type TripMessage } from '../../producers/src/trip-messages.ts';
import { publishTrips, type TripPublishResult } from '../../producers/src/trip-publish.ts';
import type { VigiaConfig } from '../../config/index.ts';
import { cliConfig } from '../cli-config.ts';
import { UsageError } from '../usage-error.ts';
import { checkTripSimulationConfig, parseProduceTripFlags, type ProduceTripFlags, type ReplayTripFileRun, type SimulateTripsRun } from './produce-trip-options.ts';
import { natsUrlFor } from '../../stack/access/nats-credentials.ts';

const iso = (ts: number) => (Number.isFinite(ts) ? new Date(ts).toISOString() : null);
const log = (line: string) => process.stderr.write(line + '\n');

/** Ctrl-C / SIGTERM stop publishing; what was published is flushed and summarised. */
function stopSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  return controller.signal;
}

async function publishAll(config: VigiaConfig, natsUrl: string | undefined, name: string, messages: Iterable<TripMessage> | AsyncIterable<TripMessage>, opts: { speed: number; originTs?: number; notAheadOfClock: boolean }): Promise<TripPublishResult & { seconds: number }> {
  const nc = await connectNats({ url: natsUrlFor(config, natsUrl), name: `vigia-producer-${name}-${process.pid}` });
  try {
    await ensureStreams(nc, config.streams);
    const publisher = new PipelinedPublisher(nc, { maxInFlight: config.producers.trip.maxInFlight });
    const started = performance.now();
    const result = await publishTrips(messages, publisher, {
      ...opts,
      signal: stopSignal(),
      onProgress: (n, ts) => process.stderr.write(`\rpublished ${n} trips, event time ${iso(ts)}…`),
    });
    await publisher.close();
    process.stderr.write('\n');
    return { ...result, seconds: (performance.now() - started) / 1000 };
  } finally {
    await nc.drain().catch(() => undefined);
  }
}

async function simulate(run: SimulateTripsRun, flags: ProduceTripFlags, cmd: Command): Promise<void> {
  const config = cliConfig(cmd, { producers: { trip: run.overrides } });
  const p = config.producers.trip;
  checkTripSimulationConfig(p);
  let demand: DemandSource;
  try {
    demand = resolveDemandSource(p.demandFile, run.startTs);
  } catch (err) {
    if (err instanceof DemandSourceError) throw new UsageError(err.message);
    throw err;
  }
  const sim = createTripSimulation({
    startTs: run.startTs,
    seed: p.seed,
    scale: p.scale,
    demand: demand.series,
    timeShiftMs: demand.timeShiftMs,
    anomalyRate: p.anomalyRate,
    episodesPerDay: p.episodesPerDay,
  });
  const speed = p.speed === 'max' ? Infinity : p.speed;
  const subject = tripSubject(config.streams.partitions);
  log(
    `produce trip: seed ${p.seed}, scale ${p.scale}, anomaly rate ${p.anomalyRate}, ${p.episodesPerDay} episodes/day; ` +
      `event time from ${iso(run.startTs)} (${run.startLabel})${run.endTs !== undefined ? ` until ${iso(run.endTs)}` : ''}` +
      `${run.count !== undefined ? `, at most ${run.count} trips` : ''}; speed ${p.speed === 'max' ? 'max' : `${p.speed}×`}, never ahead of the clock; subject ${subject}`,
  );
  log(`demand: ${demand.description}`);
  const labelled: Record<string, number> = {};
  const messages = (function* () {
    for (const m of simulatedTripMessages(sim, { startTs: run.startTs, endTs: run.endTs, count: run.count }, config.streams.partitions)) {
      const kind = m.trip.truth?.kind;
      if (kind) labelled[kind] = (labelled[kind] ?? 0) + 1;
      yield m;
    }
  })();
  const r = await publishAll(config, flags.natsUrl, 'trip', messages, { speed, originTs: run.startTs, notAheadOfClock: true });
  const episodes: Record<string, number> = {};
  if (r.published > 0) for (const e of sim.demandEpisodes(r.lastEventTs)) episodes[e.kind] = (episodes[e.kind] ?? 0) + 1;
  process.stdout.write(
    JSON.stringify({
      published: r.published,
      seconds: Number(r.seconds.toFixed(2)),
      perSecond: Math.round(r.published / Math.max(r.seconds, 1e-3)),
      subject,
      from: iso(run.startTs),
      to: iso(r.lastEventTs),
      demand: demand.description,
      labelled,
      episodes,
    }) + '\n',
  );
}

async function replayFile(run: ReplayTripFileRun, flags: ProduceTripFlags, cmd: Command): Promise<void> {
  const config = cliConfig(cmd, { producers: { trip: run.overrides } });
  const speed = config.producers.trip.speed === 'max' ? Infinity : config.producers.trip.speed;
  let file: TripFile;
  try {
    file = openTripFile(run.file, { zonesFile: run.zones, limit: run.limit });
  } catch (err) {
    if (err instanceof TripFileError) throw new UsageError(err.message);
    throw err;
  }
  try {
    const subject = tripSubject(config.streams.partitions);
    const where = file.layout.location === 'coordinates' ? 'coordinates' : `zone ids → centroids of ${run.zones} (${file.zoneCount} zones)`;
    if (file.layout.location === 'coordinates' && run.zones) log(`--zones ignored: ${run.file} has coordinates`);
    log(
      `produce trip --file ${run.file}: ${file.format}, locations from ${where}; dropoff (event-time) order` +
        `${run.limit !== undefined ? `, first ${run.limit} trips` : ''}; speed ${Number.isFinite(speed) ? `${speed}×` : 'max'}; subject ${subject}; ids ${file.idPrefix}-<row>`,
    );
    const stats = emptyTripFileStats();
    const r = await publishAll(config, flags.natsUrl, 'trip-file', fileTripMessages(file.rows(), config.streams.partitions, stats), { speed, notAheadOfClock: false });
    if (stats.unconvertible > 0) {
      log(`not published: ${stats.unconvertible} rows without a parseable dropoff time (rows ${stats.unconvertibleRows.map((u) => u.row).join(', ')}${stats.unconvertible > stats.unconvertibleRows.length ? ', …' : ''})`);
    }
    if (stats.rejected > 0) {
      const byField = Object.entries(stats.rejectedByField).sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} ${n}`).join(', ');
      log(`published but outside the TripEvent contract (the processor dead-letters them with the reason): ${stats.rejected} (first failing field: ${byField})`);
    }
    process.stdout.write(
      JSON.stringify({
        published: r.published,
        seconds: Number(r.seconds.toFixed(2)),
        perSecond: Math.round(r.published / Math.max(r.seconds, 1e-3)),
        subject,
        file: run.file,
        layout: file.layout.location,
        from: iso(r.firstEventTs),
        to: iso(r.lastEventTs),
        rows: stats.rows,
        blank: stats.blank,
        unconvertible: stats.unconvertible,
        unconvertibleRows: stats.unconvertibleRows,
        rejected: stats.rejected,
        rejectedByField: stats.rejectedByField,
      }) + '\n',
    );
  } finally {
    file.close();
  }
}

export function registerProduceTrip(produce: Command): void {
  produce
    .command('trip')
    .description('Simulated NYC yellow-taxi trips with labelled anomalies, or a TLC trip file (--file) replayed in dropoff order')
    .option('--seed <s>', 'PRNG seed (same seed and start → same trips; default from config, 1)')
    .option('--scale <x>', 'trips per unit of demand, i.e. per 2014 NYC taxi trip (default 0.01 ≈ 150 per half hour)')
    .option('--start <time>', "event time the simulation starts: ISO time, 'now', or relative like -7d (default: now − days with --days, else now)")
    .option('--days <n>', 'simulated span in days: publish trips ending before start + n days (default: unbounded)')
    .option('--speed <x|max>', "event time runs x times the wall clock, or 'max' = as fast as JetStream acks (default max; a simulation never runs ahead of the clock)")
    .option('--demand <file|shape>', "demand series in nyc_taxi.csv layout, or 'shape' (default: ../shared/data/nab/realKnownCause/nyc_taxi.csv if present, else the committed weekly shape)")
    .option('--anomaly-rate <p>', 'probability that a trip is an overcharge, impossible trip or detour (default 0.002)')
    .option('--episodes-per-day <n>', 'expected demand surges + collapses per simulated day (default 2)')
    .option('--count <n>', 'stop after n trips')
    .option('--file <path>', 'replay a TLC yellow-taxi trip file (.parquet or .csv, 2009+) instead of simulating')
    .option('--limit <n>', 'with --file: publish only the first n trips in dropoff order')
    .option('--zones <csv>', 'with --file: taxi-zone centroids LocationID,lat,lng for files with PULocationID/DOLocationID (2016+)')
    .option('--nats-url <url>', 'NATS server (default: NATS_URL, else the local port from config)')
    .action(async (flags: ProduceTripFlags, cmd: Command) => {
      const run = parseProduceTripFlags(flags, Date.now());
      if (run.mode === 'file') return replayFile(run, flags, cmd);
      return simulate(run, flags, cmd);
    });
}
