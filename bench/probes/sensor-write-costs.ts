// Usage: node --import tsx bench/probes/sensor-write-costs.ts --rows DIR [--batch 2000] [--total 24000] [--ddl FILE] [--json OUT]
//
// What the sensor module's writes cost per reading on embedded chDB, as a function of the
// readings per INSERT, with the real rows a profiled bench run kept (DIR = <profile dir>/rows,
// from `vigia bench throughput --phases sensor --profile`): `total` readings (with their
// windows and anomalies in the proportion the real batch had them) written through the
// module's writer in batches of `batch`, then the store left alone until its background
// merges settle. CPU of the whole process (JS thread, the libuv thread running chDB, chDB's
// own threads) per reading, split into the inserts and the merges they caused, and per table.
// One store per process (chDB allows one engine per process): run it once per batch size.
// `--ddl FILE` runs extra statements after the migrations (table settings to compare).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ClickHouseClient } from '@clickhouse/client';
import { parseConfig } from '../../config/index.ts';
import { openStore } from '../../store/src/index.ts';
import { tempDir } from '../../test/harness/temp-dir.ts';
import { createClickHouseRecordWriter } from '../../processor/src/adapters/clickhouse/clickhouse-record-writer.ts';
import { sensorModule } from '../../processor/src/domains/sensor/sensor-module.ts';
import { SCORED_READING_COLUMNS } from '../../processor/src/domains/sensor/scored-readings.ts';
import type { SensorBatchResult } from '../../processor/src/domains/sensor/sensor-batch.ts';
import { liveWrites } from '../../processor/src/pipeline/live-writes.ts';
import type { RecordWriter } from '../../processor/src/ports/sinks.ts';

type Row = Record<string, unknown>;

const { values } = parseArgs({
  options: { rows: { type: 'string' }, batch: { type: 'string', default: '2000' }, total: { type: 'string', default: '24000' }, ddl: { type: 'string' }, json: { type: 'string' }, label: { type: 'string' } },
});
if (!values.rows) {
  process.stderr.write('usage: sensor-write-costs.ts --rows DIR [--batch 2000] [--total 24000] [--ddl FILE] [--json OUT]\n');
  process.exit(2);
}
const batch = Number(values.batch);
const total = Math.ceil(Number(values.total) / batch) * batch;
const load = (name: string) => JSON.parse(readFileSync(join(values.rows!, `${name}.json`), 'utf8')) as unknown[];

// The profiled batch: readings as sensor_scored_in value arrays, windows and anomalies as objects.
const readings = load('sensor_scored_in') as unknown[][];
const windows = load('sensor_windows') as Row[];
const anomalies = load('anomalies.sensor') as Row[];
const col = (c: (typeof SCORED_READING_COLUMNS)[number]) => SCORED_READING_COLUMNS.indexOf(c);

/** Batch k of the run: the profiled rows repeated with fresh keys (ids suffixed, windows an hour on per round). */
function batchAt(k: number): SensorBatchResult {
  const events: Row[] = [];
  const scores: Row[] = [];
  const start = k * batch;
  for (let i = start; i < start + batch; i++) {
    const v = readings[i % readings.length]!;
    const round = Math.floor(i / readings.length);
    const id = round === 0 ? v[col('event_id')] : `${String(v[col('event_id')])}#${round}`;
    const e: Row = {};
    const s: Row = {};
    for (const c of ['run_id', 'station', 'partition', 'ts', 'channels', 'late', 'truth_kind', 'truth_fault_id', 'stream_seq', 'ingested_at'] as const) e[c] = v[col(c)];
    e.event_id = id;
    for (const c of ['detector', 'score', 'severity', 'top_feature', 'drivers', 'scored_at', 'cluster', 'model', 'model_score', 'model_raw'] as const) s[c] = v[col(c)];
    events.push(e);
    scores.push(s);
  }
  const share = (rows: Row[], key: string, shift: (r: Row, round: number) => unknown) => {
    const from = Math.round((k * batch * rows.length) / readings.length);
    const to = Math.round(((k + 1) * batch * rows.length) / readings.length);
    const out: Row[] = [];
    for (let i = from; i < to; i++) {
      const r = rows[i % rows.length]!;
      const round = Math.floor(i / rows.length);
      out.push(round === 0 ? r : { ...r, [key]: shift(r, round) });
    }
    return out;
  };
  return {
    rows: {
      events,
      scores,
      windows: share(windows, 'window_start', (r, round) => (r.window_start as number) + round * 3_600_000),
      anomalies: share(anomalies, 'event_id', (r, round) => `${String(r.event_id)}#${round}`),
      deadLetters: [],
      features: [],
    },
    anomalies: [],
    deadLetters: [],
    redelivered: 0,
    late: 0,
  } as unknown as SensorBatchResult;
}

const dir = tempDir('sensor-write-costs');
const store = await openStore({ ...parseConfig({}).clickhouse, dataDir: dir.path });
const client = store.client;
try {
  if (values.ddl) for (const q of readFileSync(values.ddl, 'utf8').split(';').map((s) => s.trim()).filter(Boolean)) await client.command({ query: q });
  const writes = liveWrites(sensorModule, false);
  const batches = Array.from({ length: total / batch }, (_, k) => batchAt(k));
  // Per table: time each write on its own (same statements as the module's writer, one table at a time).
  const perTable = new Map<string, { cpuMs: number; rows: number }>();
  const writers: [string, RecordWriter<SensorBatchResult>][] = writes.map((w) => [w.table, createClickHouseRecordWriter(client, [w])]);
  await settle(client);
  const idle = await idleCpuMsPerS();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const b of batches) {
    for (const [table, writer] of writers) {
      const c = process.cpuUsage();
      await writer.write(b);
      const d = process.cpuUsage(c);
      const t = perTable.get(table) ?? { cpuMs: 0, rows: 0 };
      t.cpuMs += (d.user + d.system) / 1000;
      t.rows += tableRows(table, b);
      perTable.set(table, t);
    }
  }
  const insertWallMs = performance.now() - t0;
  const ci = process.cpuUsage(c0);
  const partsBefore = await activeParts(client);
  const settleStart = performance.now();
  await settle(client);
  const settleS = (performance.now() - settleStart) / 1000;
  const cm = process.cpuUsage(c0);
  const insertCpuMs = (ci.user + ci.system) / 1000;
  const mergeCpuMs = Math.max(0, (cm.user + cm.system) / 1000 - insertCpuMs - idle * settleS);
  const partsAfter = await activeParts(client);
  const out = {
    label: values.label ?? '',
    at: new Date().toISOString(),
    batch,
    total,
    ddl: values.ddl ?? null,
    load1: (await import('node:os')).loadavg()[0],
    insertCpuUsPerReading: round((insertCpuMs * 1000) / total),
    mergeCpuUsPerReading: round((mergeCpuMs * 1000) / total),
    allCpuUsPerReading: round(((insertCpuMs + mergeCpuMs) * 1000) / total),
    insertWallUsPerReading: round((insertWallMs * 1000) / total),
    perTable: Object.fromEntries([...perTable].map(([t, v]) => [t, { rows: v.rows, rowsPerReading: round(v.rows / total), cpuUsPerReading: round((v.cpuMs * 1000) / total), cpuMsPerInsert: round(v.cpuMs / batches.length) }])),
    partsBefore,
    partsAfter,
    idleCpuMsPerS: round(idle),
    settleS: round(settleS),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  if (values.json) writeFileSync(values.json, JSON.stringify(out, null, 2));
} finally {
  await store.close();
  dir.remove();
}

function tableRows(table: string, b: SensorBatchResult): number {
  const r = b.rows;
  return table === 'sensor_windows' ? r.windows.length : table === 'anomalies' ? r.anomalies.length : table === 'dead_letters' ? r.deadLetters.length : r.events.length;
}

async function activeParts(c: ClickHouseClient): Promise<Record<string, number>> {
  const rs = await c.query({ query: `SELECT table, count() AS n FROM system.parts WHERE active AND database = currentDatabase() GROUP BY table ORDER BY table`, format: 'JSONEachRow' });
  return Object.fromEntries((await rs.json<{ table: string; n: string }>()).map((r) => [r.table, Number(r.n)]));
}

/** Wait until no merge has run and the parts stayed the same for three polls in a row, at most 20 s (background merges are picked every few hundred ms). */
async function settle(c: ClickHouseClient): Promise<void> {
  let quiet = 0;
  let last = '';
  for (let i = 0; i < 40 && quiet < 3; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const rs = await c.query({ query: `SELECT (SELECT count() FROM system.merges) AS m, (SELECT count() FROM system.parts WHERE active AND database = currentDatabase()) AS p`, format: 'JSONEachRow' });
    const [row] = await rs.json<{ m: string; p: string }>();
    const now = `${row!.m}/${row!.p}`;
    quiet = row!.m === '0' && now === last ? quiet + 1 : 0;
    last = now;
  }
}

/** chDB's own background CPU with nothing to do, ms per second (subtracted from the settle time). */
async function idleCpuMsPerS(): Promise<number> {
  const c = process.cpuUsage();
  const t = performance.now();
  await new Promise((r) => setTimeout(r, 2000));
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000 / ((performance.now() - t) / 1000);
}

function round(x: number): number {
  return Number(x.toFixed(2));
}
