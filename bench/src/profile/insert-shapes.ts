// Usage: node --import tsx bench/src/profile/insert-shapes.ts --rows DIR [--batch 2000] [--repeats 7] [--json OUT]
//
// What a sensor batch's writes cost on embedded chDB in different shapes, with the real rows
// the profiler kept (DIR = <profile dir>/rows, from `vigia bench throughput --profile`): the
// events and scores as two JSONEachRow inserts (the shape before issue #14's sensor work),
// the same in JSONCompactEachRow, and one insert into a Null-engine table whose materialised
// views fan the rows out to both tables; then a whole batch (readings, scores, windows,
// anomalies) as four JSONEachRow inserts against the sensor module's writes today. CPU of the whole process (JS thread + chDB
// threads) per batch, median of the repeats, after the merges of the previous repeat settled.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ClickHouseClient } from '@clickhouse/client';
import { parseConfig } from '../../../config/index.ts';
import { openStore } from '../../../store/src/index.ts';
import { tempDir } from '../../../test/harness/temp-dir.ts';
import { createClickHouseRecordWriter } from '../../../processor/src/adapters/clickhouse/clickhouse-record-writer.ts';
import { sensorModule } from '../../../processor/src/domains/sensor/sensor-module.ts';
import type { SensorBatchResult } from '../../../processor/src/domains/sensor/sensor-batch.ts';
import type { AnomalyRow, ScoreRow, SensorEventRow, SensorWindowRow } from '../../../store/src/rows.ts';

type Row = Record<string, unknown>;

const { values } = parseArgs({ options: { rows: { type: 'string' }, batch: { type: 'string', default: '2000' }, repeats: { type: 'string', default: '7' }, json: { type: 'string' } } });
if (!values.rows) {
  process.stderr.write('usage: insert-shapes.ts --rows DIR [--batch 2000] [--repeats 7] [--json OUT]\n');
  process.exit(2);
}
const repeats = Number(values.repeats);
const batch = Number(values.batch);
const load = (name: string) => JSON.parse(readFileSync(join(values.rows!, `${name}.json`), 'utf8')) as Row[];
const events = resize(load('sensor_events'), batch);
const scores = resize(load('scores.sensor'), batch);
// Windows and anomalies in the proportion the real batch had them.
const realBatch = load('sensor_events').length;
const windows = resize(load('sensor_windows'), Math.round((load('sensor_windows').length * batch) / realBatch), 'window_start');
const anomalies = resize(load('anomalies.sensor'), Math.round((load('anomalies.sensor').length * batch) / realBatch));

const dir = tempDir('insert-shapes');
const store = await openStore({ ...parseConfig({}).clickhouse, dataDir: dir.path });
const client = store.client;
const out: { shape: string; cpuMs: number; wallMs: number; cpuUsPerEvent: number }[] = [];
try {
  const columnsOf = async (t: string) => (await (await client.query({ query: `DESCRIBE TABLE ${t}`, format: 'JSONEachRow' })).json<{ name: string }>()).map((c) => c.name);
  const evCols = await columnsOf('sensor_events');
  const scCols = await columnsOf('scores');
  const compact = (rows: Row[], cols: string[]) => rows.map((r) => cols.map((c) => r[c] ?? defaultOf(c)));

  out.push(await shape('two inserts, JSONEachRow', async () => {
    await client.insert({ table: 'sensor_events', values: events, format: 'JSONEachRow' });
    await client.insert({ table: 'scores', values: scores, format: 'JSONEachRow' });
  }));
  out.push(await shape('two inserts, JSONCompactEachRow (rows mapped to arrays)', async () => {
    await client.insert({ table: 'sensor_events', values: compact(events, evCols), columns: evCols as [string, ...string[]], format: 'JSONCompactEachRow' });
    await client.insert({ table: 'scores', values: compact(scores, scCols), columns: scCols as [string, ...string[]], format: 'JSONCompactEachRow' });
  }));

  // One row carrying both: a Null table, fanned out by two materialised views.
  const scOnly = scCols.filter((c) => !evCols.includes(c) && !['domain', 'entity'].includes(c));
  await client.command({ query: `CREATE TABLE bench_scored_in AS sensor_events ENGINE = Null` });
  const types = (await (await client.query({ query: 'DESCRIBE TABLE scores', format: 'JSONEachRow' })).json<{ name: string; type: string }>()).filter((c) => scOnly.includes(c.name));
  for (const c of types) await client.command({ query: `ALTER TABLE bench_scored_in ADD COLUMN \`${c.name}\` ${c.type}` });
  await client.command({ query: `CREATE MATERIALIZED VIEW bench_mv_events TO sensor_events AS SELECT ${evCols.map((c) => `\`${c}\``).join(', ')} FROM bench_scored_in` });
  await client.command({
    query: `CREATE MATERIALIZED VIEW bench_mv_scores TO scores AS SELECT ${scCols.map((c) => (c === 'domain' ? `'sensor' AS domain` : c === 'entity' ? 'station AS entity' : `\`${c}\``)).join(', ')} FROM bench_scored_in`,
  });
  const byId = new Map(scores.map((s) => [s.event_id, s]));
  const scored = events.map((e) => {
    const s = byId.get(e.event_id)!;
    const r: Row = { ...e };
    for (const c of scOnly) r[c] = s[c];
    return r;
  });
  const inCols = [...evCols, ...scOnly];
  out.push(await shape('one insert into a Null table + 2 materialised views, JSONEachRow', async () => {
    await client.insert({ table: 'bench_scored_in', values: scored, format: 'JSONEachRow' });
  }));
  out.push(await shape('one insert into a Null table + 2 materialised views, JSONCompactEachRow', async () => {
    await client.insert({ table: 'bench_scored_in', values: compact(scored, inCols), columns: inCols as [string, ...string[]], format: 'JSONCompactEachRow' });
  }));
  out.push(await shape('events only, JSONCompactEachRow (lower bound: one table)', async () => {
    await client.insert({ table: 'sensor_events', values: compact(events, evCols), columns: evCols as [string, ...string[]], format: 'JSONCompactEachRow' });
  }));

  const whole: SensorBatchResult = {
    rows: { events: events as unknown as SensorEventRow[], scores: scores as unknown as ScoreRow[], anomalies: anomalies as unknown as AnomalyRow[], windows: windows as unknown as SensorWindowRow[], deadLetters: [], features: [] },
    anomalies: [],
    deadLetters: [],
    redelivered: 0,
    late: 0,
  };
  out.push(await shape(`whole batch (+${windows.length} windows, ${anomalies.length} anomalies): four JSONEachRow inserts (before)`, async () => {
    for (const [table, rows] of [['scores', scores], ['anomalies', anomalies], ['sensor_windows', windows], ['sensor_events', events]] as const) await client.insert({ table, values: rows, format: 'JSONEachRow' });
  }));
  const writer = createClickHouseRecordWriter(client, sensorModule.store.writes);
  out.push(await shape('whole batch: the sensor module\'s writes today', () => writer.write(whole)));

  process.stdout.write(`batch of ${batch} readings, ${repeats} repeats\n\n| shape | CPU ms per batch | wall ms | CPU µs per reading |\n|---|---:|---:|---:|\n`);
  for (const o of out) process.stdout.write(`| ${o.shape} | ${o.cpuMs} | ${o.wallMs} | ${o.cpuUsPerEvent} |\n`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ at: new Date().toISOString(), batch, repeats, shapes: out }, null, 2));
} finally {
  await store.close();
  dir.remove();
}

async function shape(name: string, write: () => Promise<void>): Promise<{ shape: string; cpuMs: number; wallMs: number; cpuUsPerEvent: number }> {
  await write(); // warm-up
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < repeats; i++) {
    await optimize(client);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await write();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const cpuMs = median(cpu);
  return { shape: name, cpuMs: round(cpuMs), wallMs: round(median(wall)), cpuUsPerEvent: round((cpuMs * 1000) / batch) };
}

/** Settle merges between repeats, so one shape does not pay for the last one's parts. */
async function optimize(c: ClickHouseClient): Promise<void> {
  for (const t of ['sensor_events', 'scores', 'sensor_windows', 'anomalies']) await c.command({ query: `OPTIMIZE TABLE ${t} FINAL` });
}

/** The rows repeated (with fresh keys: `key` a string id, or a time moved on by a day) or cut to n. */
function resize(rows: Row[], n: number, key = 'event_id'): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < n; i++) {
    const r = rows[i % rows.length]!;
    const round = Math.floor(i / rows.length);
    if (round === 0) out.push(r);
    else out.push({ ...r, [key]: typeof r[key] === 'number' ? (r[key] as number) + round * 86_400_000 : `${String(r[key])}#${round}` });
  }
  return out;
}

function defaultOf(column: string): unknown {
  return { cluster: -1, model: '', model_score: 0, model_raw: 0 }[column] ?? null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function round(x: number): number {
  return Number(x.toFixed(2));
}
