import { SingleBar, Presets } from 'cli-progress';
import type { SensorReading } from '../../../contracts/index.ts';
import { connectNats, ensureStreams, PipelinedPublisher } from '../../../nats/index.ts';
import { parseConfig } from '../../../config/index.ts';
import { publishPaced } from '../../../producers/src/paced-publisher.ts';
import { toMessage } from '../../../producers/src/sensor-messages.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { startPrivateStack } from '../private-stack.ts';

export interface ReplaySeries {
  station: string;
  readings: SensorReading[];
}

export interface ReplayResult {
  /** score 0–100 per event id, as the processor stored it */
  scores: Map<string, number>;
  seconds: number;
}

/** An already running stack to replay through instead of a private one. */
export interface RunningStack {
  natsUrl: string;
  /** The processor's HTTP base URL (its /api/sql serves the scores). */
  httpUrl: string;
  /** Its API token (undefined: none found; the API's 401 says where to look). */
  token: string | undefined;
}

/**
 * Runs readings through the real pipeline — JetStream → `vigia processor` (decode, windows,
 * detectors) → ClickHouse — and reads the stored scores back. By default on a private
 * nats-server and chDB in a temp folder, with the same code and configuration as live; with
 * `stack`, through that running stack (its processor's run id, so the series' stations must be
 * unique to this bench: see benchStationPrefix).
 */
export async function replayThroughPipeline(series: readonly ReplaySeries[], opts: { runId: string; label: string; stack?: RunningStack | undefined }): Promise<ReplayResult> {
  const total = series.reduce((n, s) => n + s.readings.length, 0);
  const config = parseConfig({});
  // Benchmark files come from different years through one processor: by event time, one file's
  // station looks idle for years while another's newest reading is the domain's watermark, and
  // processor.limits would evict and then forget its learned state (changing its scores with
  // the interleaving of the files). Live stations share one clock; here no key is idle.
  const own = opts.stack ? undefined : await startPrivateStack('replay', { processor: { runId: opts.runId, domains: ['sensor'], limits: { idleEvictMs: 0, forgetEvictedMs: 0 } } });
  const natsUrl = opts.stack?.natsUrl ?? own!.natsUrl;
  const httpUrl = opts.stack?.httpUrl ?? own!.proc.httpUrl;
  const api = { httpUrl, token: opts.stack ? opts.stack.token : own!.proc.token };
  const stations = series.map((s) => `'${s.station}'`).join(',');
  const nc = await connectNats({ url: natsUrl, name: 'vigia-bench-replay' });
  const bar = new SingleBar({ format: `${opts.label} |{bar}| {value}/{total} scored · {rate}/s · ETA {eta_formatted}`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  const started = performance.now();
  try {
    await ensureStreams(nc, config.streams);
    bar.start(total, 0, { rate: 0 });
    const messages = series.flatMap((s) => s.readings.map((r) => toMessage(r, config.streams.partitions)));
    const publishing = publishPaced(messages, new PipelinedPublisher(nc, { maxInFlight: 2000 }), { rate: Infinity });
    await waitFor(
      async () => {
        const [r] = await sqlVia<{ n: string }>(api, `SELECT count() AS n FROM scores WHERE domain = 'sensor' AND entity IN (${stations})`);
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
    const rows = await fetchScores(api, total, stations);
    return { scores: new Map(rows.map((r) => [r.event_id, Number(r.score)])), seconds: (performance.now() - started) / 1000 };
  } finally {
    bar.stop();
    await nc.drain().catch(() => undefined);
    await own?.stop();
  }
}

/**
 * A prefix that makes this bench run's station names unique on a shared stack (its rows live
 * beside live data, in the processor's own run): `b` + 8 hex digits + `-`.
 */
export function benchStationPrefix(): string {
  return `b${Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0')}-`;
}

interface Api {
  httpUrl: string;
  token: string | undefined;
}

const jsonHeaders = (api: Api) => ({ 'content-type': 'application/json', ...(api.token ? { authorization: `Bearer ${api.token}` } : {}) });

async function sqlVia<T>(api: Api, query: string): Promise<T[]> {
  const res = await fetch(`${api.httpUrl}/api/sql`, { method: 'POST', headers: jsonHeaders(api), body: JSON.stringify({ query }) });
  const body = (await res.json()) as { rows: T[]; error?: string };
  if (!res.ok) throw new Error(`${api.httpUrl}/api/sql: ${body.error}`);
  return body.rows;
}

/** Pages through the scores (the SQL API caps a response at 10 000 rows). */
async function fetchScores(api: Api, total: number, stations: string): Promise<{ event_id: string; score: number }[]> {
  const out: { event_id: string; score: number }[] = [];
  const page = 10_000;
  for (let offset = 0; offset < total; offset += page) {
    const res = await fetch(`${api.httpUrl}/api/sql`, {
      method: 'POST',
      headers: jsonHeaders(api),
      body: JSON.stringify({ query: `SELECT event_id, score FROM scores FINAL WHERE domain = 'sensor' AND entity IN (${stations}) ORDER BY event_id LIMIT ${page} OFFSET ${offset}` }),
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
