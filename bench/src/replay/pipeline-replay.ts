import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { SensorReading } from '../../../contracts/index.ts';
import { connectNats } from '../../../processor/src/adapters/nats/connect-nats.ts';
import { ensureStreams } from '../../../processor/src/adapters/nats/ensure-streams.ts';
import { PipelinedPublisher } from '../../../processor/src/adapters/nats/pipelined-publisher.ts';
import { parseConfig } from '../../../config/index.ts';
import { publishPaced } from '../../../producers/src/paced-publisher.ts';
import { toMessage } from '../../../producers/src/sensor-messages.ts';
import { startNatsServer } from '../../../stack/nats-server.ts';
import { startProcessorProcess, waitFor } from '../../../test/harness/processor-process.ts';
import { tempDir } from '../../../test/harness/temp-dir.ts';

export interface ReplaySeries {
  station: string;
  readings: SensorReading[];
}

export interface ReplayResult {
  /** score 0–100 per event id, as the processor stored it */
  scores: Map<string, number>;
  seconds: number;
}

/**
 * Runs readings through the real pipeline — JetStream → `vigia processor` (decode, windows,
 * detectors) → ClickHouse — on a private nats-server and chDB in a temp folder, and reads the
 * stored scores back. The processor is the same code and configuration as live.
 */
export async function replayThroughPipeline(series: readonly ReplaySeries[], opts: { runId: string; label: string }): Promise<ReplayResult> {
  const dir = tempDir('replay');
  const total = series.reduce((n, s) => n + s.readings.length, 0);
  const config = parseConfig({});
  const nats = await startNatsServer({ port: 0, dir: join(dir.path, 'nats'), allowInstall: true });
  writeFileSync(join(dir.path, 'vigia.json'), JSON.stringify({ processor: { runId: opts.runId } }));
  const proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path, env: { VIGIA_CONFIG: join(dir.path, 'vigia.json'), VIGIA_LOG_LEVEL: 'warn' } });
  const nc = await connectNats({ url: nats.url, name: 'vigia-bench-replay' });
  const bar = new SingleBar({ format: `${opts.label} |{bar}| {value}/{total} scored · {rate}/s · ETA {eta_formatted}`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  const started = performance.now();
  try {
    await ensureStreams(nc, config.streams);
    bar.start(total, 0, { rate: 0 });
    const messages = series.flatMap((s) => s.readings.map((r) => toMessage(r, config.streams.partitions)));
    const publishing = publishPaced(messages, new PipelinedPublisher(nc, { maxInFlight: 2000 }), { rate: Infinity });
    await waitFor(
      async () => {
        const [r] = await proc.sql<{ n: string }>('SELECT count() AS n FROM scores');
        const n = Number(r?.n ?? 0);
        bar.update(Math.min(n, total), { rate: Math.round(n / ((performance.now() - started) / 1000)) });
        return n;
      },
      (n) => n >= total,
      3_600_000,
      'every row scored',
    );
    await publishing;
    bar.stop();
    const rows = await fetchScores(proc.httpUrl, total);
    return { scores: new Map(rows.map((r) => [r.event_id, Number(r.score)])), seconds: (performance.now() - started) / 1000 };
  } finally {
    bar.stop();
    await nc.drain().catch(() => undefined);
    await proc.stop();
    await nats.stop();
    dir.remove();
  }
}

/** Pages through the scores (the SQL API caps a response at 10 000 rows). */
async function fetchScores(httpUrl: string, total: number): Promise<{ event_id: string; score: number }[]> {
  const out: { event_id: string; score: number }[] = [];
  const page = 10_000;
  for (let offset = 0; offset < total; offset += page) {
    const res = await fetch(`${httpUrl}/api/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `SELECT event_id, score FROM scores FINAL ORDER BY event_id LIMIT ${page} OFFSET ${offset}` }),
    });
    const body = (await res.json()) as { rows: { event_id: string; score: number }[]; error?: string };
    if (!res.ok) throw new Error(`reading scores failed: ${body.error}`);
    out.push(...body.rows);
  }
  return out;
}

/** A station id (contract: 1–64 of [A-Za-z0-9_-]) for a file path such as `realKnownCause/nyc_taxi.csv`. */
export function stationForFile(name: string): string {
  const s = name.replace(/\.csv$/i, '').replace(/[^A-Za-z0-9_-]+/g, '-');
  return s.length <= 64 ? s : `${s.slice(0, 55)}-${hash(s)}`;
}

function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
