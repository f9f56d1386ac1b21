// Usage: node --import tsx bench/src/profile/sink-costs.ts --rows DIR [--repeats 5] [--json OUT]
//
// What each ClickHouse sink costs per batch, on embedded chDB, with real rows: DIR holds one
// batch per table as `<table>[.<domain>].json` (written by `vigia bench throughput --profile`,
// DIR = <profile dir>/rows). Each batch is inserted `repeats` times into a fresh store (the
// real migrations) and timed: JSON serialisation alone, and the whole client.insert. Then the
// alternative layout: the event row carrying its own score (one insert instead of two).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ClickHouseClient } from '@clickhouse/client';
import { parseConfig } from '../../../config/index.ts';
import { openStore } from '../../../store/src/index.ts';
import { tempDir } from '../../../test/harness/temp-dir.ts';

type Row = Record<string, unknown>;

/** Written once per run or per snapshot interval, not per batch. */
const SKIP = new Set(['processor_snapshots', 'runs', 'schema_migrations']);

export interface SinkCost {
  /** `<table>[.<domain>]`. */
  sample: string;
  table: string;
  rows: number;
  jsonBytesPerRow: number;
  /** Median over the repeats, ms per batch. */
  serialiseMs: number;
  insertMs: number;
  /** Fastest of the repeats, ms per batch: on a shared machine the least disturbed figure. */
  insertMinMs: number;
  /** insertMinMs per row, µs. */
  usPerRow: number;
  /** Median CPU of the whole process per insert (JS thread + chDB's threads), ms: what other load moves least. */
  cpuMs: number;
  /** cpuMs per row, µs. */
  cpuUsPerRow: number;
}

const { values } = parseArgs({ options: { rows: { type: 'string' }, repeats: { type: 'string', default: '5' }, json: { type: 'string' } } });
if (!values.rows) {
  process.stderr.write('usage: sink-costs.ts --rows DIR [--repeats 5] [--json OUT]\n');
  process.exit(2);
}
const repeats = Number(values.repeats);
const samples = new Map<string, Row[]>();
for (const f of readdirSync(values.rows).filter((f) => f.endsWith('.json')).sort()) samples.set(f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(values.rows, f), 'utf8')) as Row[]);

const dir = tempDir('sink-costs');
const config = parseConfig({});
const store = await openStore({ ...config.clickhouse, dataDir: dir.path });
try {
  const client = store.client;
  // A statement's fixed cost: one row, many times.
  const [firstKey, firstRows] = [...samples].find(([k]) => !SKIP.has(tableOf(k)))!;
  const oneRow = await timeInsert(client, tableOf(firstKey), firstRows.slice(0, 1), repeats * 4);

  const costs: SinkCost[] = [];
  for (const [sample, rows] of samples) {
    if (SKIP.has(tableOf(sample))) continue;
    costs.push(await measure(client, sample, tableOf(sample), rows));
  }

  const merged: { domain: string; separate: SinkCost[]; merged: SinkCost }[] = [];
  for (const [events, scores, domain] of [
    ['sensor_events', 'scores.sensor', 'sensor'],
    ['trip_events', 'trip_scores', 'trip'],
  ] as const) {
    const ev = samples.get(events);
    const sc = samples.get(scores);
    if (!ev || !sc) continue;
    const table = `bench_${events}_scored`;
    const rows = await scoredEventRows(client, events, tableOf(scores), table, ev, sc);
    merged.push({ domain, separate: [await measure(client, events, events, ev), await measure(client, scores, tableOf(scores), sc)], merged: await measure(client, `${table} (events + score columns)`, table, rows) });
  }

  const out = { at: new Date().toISOString(), repeats, oneRowInsertMs: oneRow.median, oneRowInsertCpuMs: oneRow.cpu, costs, merged };
  process.stdout.write(format(out));
  if (values.json) writeFileSync(values.json, JSON.stringify(out, null, 2));
} finally {
  await store.close();
  dir.remove();
}

function tableOf(sample: string): string {
  return sample.split('.')[0]!;
}

async function measure(client: ClickHouseClient, sample: string, table: string, rows: Row[]): Promise<SinkCost> {
  const ser: number[] = [];
  let bytes = 0;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    let text = '';
    for (const r of rows) text += JSON.stringify(r) + '\n';
    ser.push(performance.now() - t0);
    bytes = text.length;
  }
  const ins = await timeInsert(client, table, rows, repeats);
  return {
    sample,
    table,
    rows: rows.length,
    jsonBytesPerRow: Math.round(bytes / rows.length),
    serialiseMs: round(median(ser)),
    insertMs: round(ins.median),
    insertMinMs: round(ins.min),
    usPerRow: round((ins.min * 1000) / rows.length),
    cpuMs: round(ins.cpu),
    cpuUsPerRow: round((ins.cpu * 1000) / rows.length),
  };
}

async function timeInsert(client: ClickHouseClient, table: string, rows: Row[], n: number): Promise<{ median: number; min: number; cpu: number }> {
  await client.insert({ table, values: rows, format: 'JSONEachRow' }); // warm-up
  const t: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await client.insert({ table, values: rows, format: 'JSONEachRow' });
    t.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { median: median(t), min: Math.min(...t), cpu: median(cpu) };
}

/** A copy of the events table with the score table's own columns added, and the batch's rows joined by event id. */
async function scoredEventRows(client: ClickHouseClient, events: string, scores: string, table: string, ev: Row[], sc: Row[]): Promise<Row[]> {
  const cols = async (t: string) => (await (await client.query({ query: `DESCRIBE TABLE ${t}`, format: 'JSONEachRow' })).json<{ name: string; type: string }>()).map((c) => [c.name, c.type] as const);
  const have = new Set((await cols(events)).map(([n]) => n));
  const extra = (await cols(scores)).filter(([n]) => !have.has(n));
  await client.command({ query: `CREATE TABLE IF NOT EXISTS ${table} AS ${events}` });
  for (const [n, t] of extra) await client.command({ query: `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS \`${n}\` ${t}` });
  const byId = new Map(sc.map((s) => [s.event_id, s]));
  return ev.map((e) => {
    const s = byId.get(e.event_id) ?? sc[0]!;
    const row: Row = { ...e };
    for (const [n] of extra) row[n] = s[n];
    return row;
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function round(x: number): number {
  return Number(x.toFixed(2));
}

function format(o: { oneRowInsertMs: number; oneRowInsertCpuMs: number; costs: SinkCost[]; merged: { domain: string; separate: SinkCost[]; merged: SinkCost }[] }): string {
  const row = (c: SinkCost) => `| ${c.sample} | ${c.rows} | ${c.jsonBytesPerRow} | ${c.serialiseMs} | ${c.insertMs} | ${c.insertMinMs} | ${c.usPerRow} | ${c.cpuMs} | ${c.cpuUsPerRow} |`;
  const head =
    '| batch | rows | JSON bytes/row | serialise ms | insert ms (median) | insert ms (min) | µs/row (min) | CPU ms/insert | CPU µs/row |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const lines = [`One-row INSERT (fixed cost of a statement): ${round(o.oneRowInsertMs)} ms wall, ${round(o.oneRowInsertCpuMs)} ms CPU`, '', head, ...o.costs.map(row), ''];
  for (const m of o.merged) {
    lines.push(`${m.domain}: events and scores as two inserts vs one scored event row`, '', head, ...m.separate.map(row), row(m.merged), '');
  }
  return lines.join('\n') + '\n';
}
