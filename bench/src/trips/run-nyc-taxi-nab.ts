import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { nycWallMs } from '../../../contracts/index.ts';
import { parseConfig } from '../../../config/index.ts';
import { connectNats, ensureStreams, PipelinedPublisher } from '../../../nats/index.ts';
import { publishPaced } from '../../../producers/src/paced-publisher.ts';
import { simulatedTripMessages } from '../../../producers/src/trip-messages.ts';
import { createTripSimulation } from '../../../producers/src/trip/index.ts';
import { readNycTaxiSeries } from '../../../producers/src/trip/nyc-taxi-series.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { startPrivateStack } from '../private-stack.ts';
import { tempDir } from '../../../test/harness/temp-dir.ts';
import { runNabBench } from '../nab/run-nab-bench.ts';

export const NYC_TAXI_FILE = join('realKnownCause', 'nyc_taxi.csv');
const HALF_HOUR = 1_800_000;
const RUN_ID = 'bench-nyc-taxi';

export interface NycTaxiNabOptions {
  /** NAB corpus folder holding realKnownCause/nyc_taxi.csv. */
  dataDir: string;
  labels: string;
  profiles: string;
  /** Trips per unit of the series (0.002 ≈ 30 per half hour). @default 0.002 */
  scale: number;
  seed: number;
  outDir: string;
  json?: string | undefined;
}

/**
 * The city-wide half-hour counts the trip pipeline computes, judged by NAB as nyc_taxi.
 *
 * Trips are simulated over the series' own dates (July 2014 – January 2015) with its demand
 * and no injected anomalies, so the only disruptions are the real ones NAB labels (the
 * marathon, Thanksgiving, Christmas, New Year, the blizzard). They go through the real trip
 * pipeline (counting only: `processor.tripCellWindows` off, half a year of sparse H3 cells would
 * cost an hour here and the counts do not need them); the half-hour pickup counts come back from the `trip_pickups_per_minute_r7` view
 * (New York local time, like the file), replace nyc_taxi.csv in a copy of the corpus, and the
 * whole corpus is scored by `bench nab` — one threshold for all files, as NAB does. Compare
 * with the corpus score on the original file.
 */
export async function runNycTaxiNab(opts: NycTaxiNabOptions): Promise<Record<string, number> | undefined> {
  const original = join(opts.dataDir, NYC_TAXI_FILE);
  if (!existsSync(original)) throw new Error(`${original} not found: --data must be a NAB corpus folder with ${NYC_TAXI_FILE}`);
  const series = readNycTaxiSeries(original);
  const startTs = series[0]!.ts;
  const endTs = series[series.length - 1]!.ts + HALF_HOUR;
  const sim = createTripSimulation({ startTs, seed: opts.seed, scale: opts.scale, demand: series, timeShiftMs: 0, anomalyRate: 0, episodesPerDay: 0 });
  const config = parseConfig({});
  const messages = [...simulatedTripMessages(sim, { startTs, endTs }, config.streams.partitions)];
  process.stderr.write(`nyc_taxi: ${messages.length} trips over ${Math.round((endTs - startTs) / 86_400_000)} days at scale ${opts.scale}, no injected anomalies\n`);

  const stack = await startPrivateStack('bench-nyc-taxi', { processor: { runId: RUN_ID, domains: ['trip'], tripCellWindows: false } });
  const proc = stack.proc;
  const nc = await connectNats({ url: stack.natsUrl, name: 'vigia-bench-nyc-taxi' });
  const bar = new SingleBar({ format: 'nyc_taxi trips |{bar}| {value}/{total} stored · ETA {eta_formatted}', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  let counts: Map<number, number>;
  try {
    await ensureStreams(nc, config.streams);
    bar.start(messages.length, 0);
    const publishing = publishPaced(messages, new PipelinedPublisher(nc, { maxInFlight: 2000 }), { rate: Infinity });
    await waitFor(
      async () => {
        const n = Number((await proc.sql<{ n: string }>(`SELECT count() AS n FROM trip_events WHERE run_id = '${RUN_ID}'`))[0]?.n ?? 0);
        bar.update(Math.min(n, messages.length));
        return n;
      },
      (n) => n >= messages.length,
      4 * 3_600_000,
      'every trip stored',
    );
    await publishing;
    bar.stop();
    const rows = await proc.sql<{ t: string; n: string }>(
      `SELECT toUnixTimestamp(toStartOfInterval(minute, INTERVAL 30 MINUTE)) * 1000 AS t, sum(pickups) AS n FROM trip_pickups_per_minute_r7 WHERE run_id = '${RUN_ID}' GROUP BY t ORDER BY t LIMIT 20000`,
    );
    counts = new Map(rows.map((r) => [Number(r.t), Number(r.n)]));
  } finally {
    bar.stop();
    await nc.drain().catch(() => undefined);
    await stack.stop();
  }

  // The file's own timestamps (New York wall time), each with the pipeline's count of the
  // half hour that starts then; DST-ambiguous local half hours get the first UTC one.
  const corpus = tempDir('nyc-taxi-corpus');
  try {
    cpSync(opts.dataDir, corpus.path, { recursive: true, filter: (src) => !src.endsWith('.json') });
    const lines = readFileSync(original, 'utf8').trim().split('\n');
    const byWall = new Map<number, number>();
    for (const [utc, n] of counts) {
      const wall = Math.floor(nycWallMs(utc) / HALF_HOUR) * HALF_HOUR;
      if (!byWall.has(wall)) byWall.set(wall, n);
    }
    const out = [lines[0]!];
    for (const line of lines.slice(1)) {
      const ts = line.split(',')[0]!;
      const wall = Date.parse(`${ts.replace(' ', 'T')}Z`);
      out.push(`${ts},${byWall.get(wall) ?? 0}`);
    }
    mkdirSync(join(corpus.path, 'realKnownCause'), { recursive: true });
    writeFileSync(join(corpus.path, NYC_TAXI_FILE), `${out.join('\n')}\n`);
    if (opts.outDir) {
      mkdirSync(opts.outDir, { recursive: true });
      writeFileSync(join(opts.outDir, 'nyc_taxi_from_trips.csv'), `${out.join('\n')}\n`);
    }
    process.stderr.write(`nyc_taxi counts from the pipeline written; scoring the corpus with them in place of the original file\n`);
    return await runNabBench({ dataDir: corpus.path, outDir: join(opts.outDir, 'scores'), labels: opts.labels, profiles: opts.profiles, json: opts.json });
  } finally {
    corpus.remove();
  }
}
