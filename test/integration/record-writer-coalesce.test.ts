// The ClickHouse record writer's group commit on a private embedded chDB: batches whose writes
// arrive while an INSERT runs go together, one INSERT per table, each write resolving only once
// its rows are stored, and the store ends up holding exactly what one write at a time stores.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import type { AnomalyRow, ScoreRow, SensorEventRow, SensorWindowRow } from '../../store/src/rows.ts';
import { createClickHouseRecordWriter } from '../../processor/src/adapters/clickhouse/clickhouse-record-writer.ts';
import type { SensorBatchResult } from '../../processor/src/domains/sensor/sensor-batch.ts';
import { sensorModule } from '../../processor/src/domains/sensor/sensor-module.ts';
import { useTempStore } from '../harness/temp-store.ts';

const chdb = useTempStore('record-writer-coalesce');

const T0 = Date.UTC(2026, 0, 1);

/** Batch k of a run: three readings of its own, one anomaly, one closed window. */
function batch(run: string, k: number): SensorBatchResult {
  const events: SensorEventRow[] = [0, 1, 2].map((i) => ({
    run_id: run,
    event_id: `st-${k}@${i}`,
    station: `st-${k}`,
    partition: k % 4,
    ts: T0 + (k * 3 + i) * 60_000,
    channels: { pressure: 6.5 + i / 10, flow: 800 + k },
    late: 0,
    truth_kind: i === 2 ? 'leak' : '',
    truth_fault_id: i === 2 ? `f-${k}` : '',
    stream_seq: k * 3 + i + 1,
    ingested_at: T0 + 86_400_000,
  }));
  const scores: ScoreRow[] = events.map((e, i) => ({
    run_id: run,
    domain: 'sensor',
    entity: e.station,
    event_id: e.event_id,
    ts: e.ts,
    detector: 'sensor-online@2',
    score: i * 45,
    severity: i === 2 ? 'major' : '',
    top_feature: 'pressure',
    drivers: JSON.stringify([{ feature: 'pressure', score: i * 45, value: 6.5, expected: 6.4, reason: `batch "${k}"` }]),
    scored_at: T0 + 86_400_000,
    cluster: k,
    model: 'sensor-chain@1',
    model_score: 10 + k,
    model_raw: 0.5,
  }));
  const s = scores[2]!;
  const anomalies: AnomalyRow[] = [{ run_id: run, domain: 'sensor', entity: s.entity, event_id: s.event_id, ts: s.ts, detector: s.detector, score: s.score, severity: s.severity, top_feature: s.top_feature, drivers: s.drivers, values: events[2]!.channels, emitted_at: s.scored_at }];
  const windows: SensorWindowRow[] = [{ run_id: run, station: `st-${k}`, window_start: T0, window_end: T0 + 300_000, readings: 3, mean: { pressure: 6.6 }, min: { pressure: 6.5 }, max: { pressure: 6.7 }, max_score: 90, closed_at: T0 + 86_400_000 }];
  return { rows: { events, scores, anomalies, windows, deadLetters: [], features: [] }, anomalies: [], deadLetters: [], redelivered: 0, late: 0 };
}

/** The real client, counting its INSERTs per table (chDB does the work). */
function counting(client: ClickHouseClient): { client: ClickHouseClient; inserts: Map<string, number> } {
  const inserts = new Map<string, number>();
  const proxy = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'insert') {
        return (params: { table: string }) => {
          inserts.set(params.table, (inserts.get(params.table) ?? 0) + 1);
          return target.insert(params as Parameters<ClickHouseClient['insert']>[0]);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { client: proxy, inserts };
}

/** Every table a sensor batch fills, and the order its rows compare in. */
const STORED_TABLES = [
  ['sensor_events', 'event_id'],
  ['scores', 'event_id'],
  ['anomalies', 'event_id'],
  ['sensor_windows', 'station'],
] as const;

const rowsOf = async (table: string, run: string, order: string) =>
  (await (await chdb.store.client.query({ query: `SELECT * EXCEPT run_id FROM ${table} FINAL WHERE run_id = {run:String} ORDER BY ${order}`, query_params: { run }, format: 'JSONEachRow' })).json()) as object[];
const storedEvents = async (run: string, station: string) =>
  Number(((await (await chdb.store.client.query({ query: `SELECT count() AS n FROM sensor_events FINAL WHERE run_id = {run:String} AND station = {station:String}`, query_params: { run, station }, format: 'JSONEachRow' })).json()) as { n: string }[])[0]!.n);

test('writes that arrive during an INSERT go together, one INSERT per table, and each resolves only with its rows stored', async () => {
  const writes = sensorModule.store.writes.filter((w) => !w.trainingOnly);
  // One at a time: the reference.
  const apart = createClickHouseRecordWriter(chdb.store.client, writes);
  for (let k = 0; k < 4; k++) await apart.write(batch('apart', k));

  const spy = counting(chdb.store.client);
  const together = createClickHouseRecordWriter(spy.client, writes);
  const seenAtResolve: number[] = [];
  // The first finds the writer idle and goes alone; the other three arrive while it runs.
  const done = [0, 1, 2, 3].map((k) => together.write(batch('together', k)).then(async () => seenAtResolve.push(await storedEvents('together', `st-${k}`))));
  await Promise.all(done);

  assert.deepEqual(seenAtResolve, [3, 3, 3, 3], "every write's readings were stored when it resolved");
  for (const table of ['sensor_scored_in', 'sensor_windows', 'anomalies']) assert.equal(spy.inserts.get(table), 2, `${table}: the first batch alone, then the three that waited in one INSERT`);
  assert.equal(spy.inserts.has('dead_letters'), false, 'an empty table gets no INSERT');

  for (const [table, order] of STORED_TABLES) {
    const expected = await rowsOf(table, 'apart', order);
    assert.ok(expected.length >= 4, `${table} holds the reference rows`);
    assert.deepEqual(await rowsOf(table, 'together', order), expected, table);
  }
});

test('a failed group INSERT fails every write in it, and writing them again stores them once', async () => {
  const writes = sensorModule.store.writes.filter((w) => !w.trainingOnly);
  let failing = true;
  const flaky = new Proxy(chdb.store.client, {
    get(target, prop, receiver) {
      if (prop === 'insert') {
        return (params: { table: string }) => {
          if (failing && params.table === 'sensor_scored_in') return Promise.reject(new Error('store down'));
          return target.insert(params as Parameters<ClickHouseClient['insert']>[0]);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const writer = createClickHouseRecordWriter(flaky, writes);
  const results = await Promise.allSettled([0, 1, 2].map((k) => writer.write(batch('retried', k))));
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
  failing = false;
  // The committer retries each batch's write; the rows of the failed attempt (windows and
  // anomalies went in before the failing table) collapse with the retry's on the table keys.
  await Promise.all([0, 1, 2].map((k) => writer.write(batch('retried', k))));
  for (const [table, order] of [
    ['sensor_events', 'event_id'],
    ['anomalies', 'event_id'],
    ['sensor_windows', 'station'],
  ] as const) {
    const reference = (await rowsOf(table, 'apart', order)).slice(0, table === 'sensor_events' ? 9 : 3);
    assert.deepEqual(await rowsOf(table, 'retried', order), reference, table);
  }
});

test('with a linger, writes that come one after another wait for each other and go in one INSERT per table, each resolving with its rows stored', async () => {
  const writes = sensorModule.store.writes.filter((w) => !w.trainingOnly);
  const spy = counting(chdb.store.client);
  // 12 readings (four batches of three) reach minEvents; the wait bound is far beyond the test.
  const writer = createClickHouseRecordWriter(spy.client, writes, { events: (r) => r.rows.events.length, minEvents: 12, maxWaitMs: 60_000 });
  const seenAtResolve: number[] = [];
  const done: Promise<void>[] = [];
  for (let k = 0; k < 4; k++) {
    done.push(writer.write(batch('lingered', k)).then(async () => void seenAtResolve.push(await storedEvents('lingered', `st-${k}`))));
    // Each arrives after the previous one would have run on its own.
    await new Promise((r) => setTimeout(r, 50));
    if (k < 3) assert.equal(spy.inserts.size, 0, `after ${k + 1} batches (${(k + 1) * 3} readings) nothing is written yet`);
  }
  await Promise.all(done);
  assert.deepEqual(seenAtResolve, [3, 3, 3, 3]);
  for (const table of ['sensor_scored_in', 'sensor_windows', 'anomalies']) assert.equal(spy.inserts.get(table), 1, `${table}: one INSERT for the four batches`);
  for (const [table, order] of STORED_TABLES) {
    assert.deepEqual(await rowsOf(table, 'lingered', order), await rowsOf(table, 'apart', order), table);
  }
});
