import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { TripEvent } from '../../../contracts/index.ts';
import { parseConfig } from '../../../config/index.ts';
import { connectNats, ensureStreams, PipelinedPublisher } from '../../../nats/index.ts';
import { publishPaced } from '../../../producers/src/paced-publisher.ts';
import { resolveDemandSource } from '../../../producers/src/trip-demand-source.ts';
import { simulatedTripMessages } from '../../../producers/src/trip-messages.ts';
import { createTripSimulation } from '../../../producers/src/trip/index.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { startPrivateStack } from '../private-stack.ts';
import { DEFAULT_TRIPS_START } from './offline-trips.ts';
import { DEMAND_KINDS, demandEvidence, evaluateTripAccuracy, TRIP_LEVEL_KINDS, type AccuracyReport, type DemandAlert, type FlaggedTrip, type TruthTrip } from './trip-accuracy.ts';

export interface TripsBenchOptions {
  /** Evaluated simulated days (after the warm-up). @default 7 */
  days: number;
  /**
   * Days the detectors learn before the evaluated period (excluded from the metrics). @default 7 —
   * the steady state of a running system, where every hour of the week has its own profile; with
   * fewer, weekends are judged against weekday-mixed profiles (the demand scorer needs at least
   * one day to alarm at all). `--warmup-days 2` measures the cold start.
   */
  warmupDays: number;
  seed: number;
  /**
   * Trips per unit of the demand series. @default 0.1 — at 0.01 a closed res-9 area loses a
   * handful of pickups an hour, within chance (see --oracle of the offline harness).
   */
  scale: number;
  /** Injected surge + collapse episodes per simulated day (more episodes, tighter F1 estimates). @default 4 */
  episodesPerDay: number;
  /** Least normal pickups per minute a planned closure takes away (TripSimulationOptions). @default 0.4 */
  minCollapsePerMinute: number;
  /** Demand series (nyc_taxi.csv layout) or 'shape'; default: the NAB series when present. */
  demand?: string | undefined;
  json?: string | undefined;
}

const DAY_MS = 86_400_000;
const RUN_ID = 'bench-trips';

/**
 * The labelled trip scenario through the real pipeline — simulated trips → JetStream →
 * `vigia processor` (H3 windows, models, scorers, alert episodes) → ClickHouse — on a private
 * nats-server and chDB, then the stored verdicts judged against the simulator's ground truth
 * (trip-accuracy.ts: per kind precision/recall/F1, delay, false alarms per day).
 */
export async function runTripsBench(opts: TripsBenchOptions): Promise<AccuracyReport> {
  const startTs = DEFAULT_TRIPS_START;
  const fromTs = startTs + opts.warmupDays * DAY_MS;
  const endTs = fromTs + opts.days * DAY_MS;
  const demand = resolveDemandSource(opts.demand, startTs);
  const sim = createTripSimulation({ startTs, seed: opts.seed, scale: opts.scale, demand: demand.series, timeShiftMs: demand.timeShiftMs, episodesPerDay: opts.episodesPerDay, minCollapsePerMinute: opts.minCollapsePerMinute });
  const config = parseConfig({});
  const truths: TruthTrip[] = [];
  const messages = [...simulatedTripMessages(sim, { startTs, endTs }, config.streams.partitions)];
  for (const m of messages) {
    const t = m.trip as TripEvent;
    if (t.truth) truths.push({ id: t.id, ts: t.dropoff_ts, kind: t.truth.kind });
  }
  const episodes = sim.demandEpisodes(endTs).map((e) => ({ faultId: e.faultId, kind: e.kind, cells: e.cells, startTs: e.startTs, endTs: e.endTs }));
  process.stderr.write(
    `trips: ${messages.length} simulated trips over ${opts.warmupDays + opts.days} days (${opts.warmupDays} warm-up), ${truths.length} labelled trips, ${episodes.length} demand episodes; demand: ${demand.description}\n`,
  );

  const stack = await startPrivateStack('bench-trips', { processor: { runId: RUN_ID, domains: ['trip'] } });
  const proc = stack.proc;
  const nc = await connectNats({ url: stack.natsUrl, name: 'vigia-bench-trips' });
  const bar = new SingleBar({ format: 'trips |{bar}| {value}/{total} stored · {rate}/s · ETA {eta_formatted}', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  const started = performance.now();
  try {
    await ensureStreams(nc, config.streams);
    bar.start(messages.length, 0, { rate: 0 });
    const publishing = publishPaced(messages, new PipelinedPublisher(nc, { maxInFlight: 2000 }), { rate: Infinity });
    // Every trip is stored or dead-lettered: events written last in each batch mean "processed".
    await waitFor(
      async () => {
        const [r] = await proc.sql<{ n: string }>(`SELECT (SELECT count() FROM trip_events WHERE run_id = '${RUN_ID}') + (SELECT count() FROM dead_letters WHERE domain = 'trip') AS n`);
        const n = Number(r?.n ?? 0);
        bar.update(Math.min(n, messages.length), { rate: Math.round(n / ((performance.now() - started) / 1000)) });
        return n;
      },
      (n) => n >= messages.length,
      3_600_000,
      'every trip processed',
    );
    await publishing;
    bar.stop();
    const pipelineSeconds = (performance.now() - started) / 1000;
    const flagged = (
      await proc.sql<{ id: string; ts: string; kind: string; score: number }>(
        `SELECT event_id AS id, toUnixTimestamp64Milli(ts) AS ts, kind, score FROM trip_scores FINAL WHERE run_id = '${RUN_ID}' AND severity != '' ORDER BY ts LIMIT 10000`,
      )
    ).map((r): FlaggedTrip => ({ id: r.id, ts: Number(r.ts), kind: (r.kind || null) as FlaggedTrip['kind'], score: r.score }));
    const alerts = (
      await proc.sql<{ cell: string; resolution: number; surge: number; start: string; feature: string }>(
        `SELECT entity AS cell, values['resolution'] AS resolution, values['surge'] AS surge, toUnixTimestamp64Milli(ts) AS start,
                JSONExtractString(drivers, 1, 'feature') AS feature
         FROM anomalies FINAL WHERE run_id = '${RUN_ID}' AND domain = 'trip' AND detector LIKE 'trip-demand%' ORDER BY ts LIMIT 10000`,
      )
    ).map(
      (r): DemandAlert => ({
        cell: r.cell,
        resolution: Number(r.resolution),
        direction: Number(r.surge) === 1 ? 'surge' : 'collapse',
        start: Number(r.start),
        evidence: demandEvidence(r.feature),
      }),
    );
    const [late] = await proc.sql<{ late: string; n: string }>(`SELECT countIf(pickup_late = 1) AS late, count() AS n FROM trip_events FINAL WHERE run_id = '${RUN_ID}'`);
    const report = evaluateTripAccuracy({ fromTs, untilTs: endTs, truths, flagged, episodes, alerts });
    process.stdout.write(formatReport(report, pipelineSeconds, messages.length));
    process.stdout.write(`late pickups (arrived after their window was scored): ${late?.late} of ${late?.n}\n`);
    if (opts.json) {
      mkdirSync(dirname(opts.json), { recursive: true });
      writeFileSync(
        opts.json,
        JSON.stringify(
          {
            benchmark: 'trips',
            at: new Date().toISOString(),
            seed: opts.seed,
            scale: opts.scale,
            episodesPerDay: opts.episodesPerDay,
            minCollapsePerMinute: opts.minCollapsePerMinute,
            days: opts.days,
            warmupDays: opts.warmupDays,
            demand: demand.description,
            trips: messages.length,
            pipelineSeconds: Number(pipelineSeconds.toFixed(1)),
            latePickups: Number(late?.late ?? 0),
            report,
          },
          null,
          2,
        ),
      );
    }
    return report;
  } finally {
    bar.stop();
    await nc.drain().catch(() => undefined);
    await stack.stop();
  }
}

function formatReport(r: AccuracyReport, seconds: number, trips: number): string {
  const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '—' : x.toFixed(d));
  const lines = [`evaluated ${r.days.toFixed(1)} simulated days; ${trips} trips through the pipeline in ${seconds.toFixed(1)} s`, 'kind          truths  pred    tp    fp    fn  precision  recall     F1   median delay'];
  for (const k of [...TRIP_LEVEL_KINDS, ...DEMAND_KINDS]) {
    const m = r.kinds[k];
    const delay = m.medianDelayMs === null ? '—' : `${(m.medianDelayMs / 60_000).toFixed(0)} min`;
    lines.push(
      `${k.padEnd(12)} ${String(m.truths).padStart(6)} ${String(m.predictions).padStart(5)} ${String(m.tp).padStart(5)} ${String(m.fp).padStart(5)} ${String(m.fn).padStart(5)}  ${f(m.precision).padStart(9)} ${f(m.recall).padStart(7)} ${f(m.f1).padStart(6)}   ${delay}`,
    );
  }
  lines.push(`false alarms per simulated day: ${f(r.falseAlarms.perDay, 2)} (trips ${f(r.falseAlarms.tripsPerDay, 2)}, demand ${f(r.falseAlarms.demandPerDay, 2)})`);
  lines.push(`episodes found through an overlapping one of their kind (recall only, no delay): ${DEMAND_KINDS.map((k) => `${k} ${r.kinds[k].mergedHits ?? 0}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
