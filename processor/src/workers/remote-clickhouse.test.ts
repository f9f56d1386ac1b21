import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { openStore, type Store } from '../../../store/src/index.ts';
import { TABLES, type SensorEventRow } from '../../../store/src/rows.ts';
import { tempDir } from '../../../test/harness/temp-dir.ts';
import { createClickHouseRecordWriter } from '../adapters/clickhouse/clickhouse-record-writer.ts';
import { createClickHouseSnapshotStore } from '../adapters/clickhouse/clickhouse-snapshot-store.ts';
import { createFairStatementQueue } from '../adapters/clickhouse/fair-statement-queue.ts';
import { clickHouseHandlers } from './clickhouse-host.ts';
import { createRpc } from './message-rpc.ts';
import { createRemoteClickHouse, createRemoteRecordWriter } from './remote-clickhouse.ts';
import { compactFields } from '../domains/domain-module.ts';

const dir = tempDir('remote-clickhouse');
let store: Store;
const { port1, port2 } = new MessageChannel();
before(async () => {
  store = await openStore({ database: 'vigia', dataDir: dir.path });
  // 3 rows per statement: the tests' inserts are cut into several.
  createRpc(port2, clickHouseHandlers([store.client], createFairStatementQueue(), 'worker', 3));
});
after(async () => {
  port1.close();
  await store.close();
  dir.remove();
});

const row = (i: number, run: string): SensorEventRow => ({
  run_id: run,
  event_id: `e${i}`,
  station: `s"${i}\n`,
  partition: 0,
  ts: Date.UTC(2026, 0, 1) + i,
  channels: { pressure: i / 3, flow: -i },
  late: 0,
  truth_kind: '',
  truth_fault_id: '',
  stream_seq: i + 1,
  ingested_at: Date.UTC(2026, 0, 2),
});

const read = async (run: string) =>
  (await (await store.client.query({ query: `SELECT * FROM ${TABLES.sensorEvents} FINAL WHERE run_id = {run:String} ORDER BY stream_seq`, query_params: { run }, format: 'JSONEachRow' })).json()) as object[];

test('rows written through the worker stand-in are stored exactly as the direct client stores them', async () => {
  const remote = createRemoteClickHouse(createRpc(port1, {}));
  const writes = [{ table: TABLES.sensorEvents, rows: (r: SensorEventRow[]) => r }];
  await createClickHouseRecordWriter(remote, writes).write(Array.from({ length: 50 }, (_, i) => row(i, 'remote')));
  await createClickHouseRecordWriter(store.client, writes).write(Array.from({ length: 50 }, (_, i) => row(i, 'direct')));
  const strip = (rows: object[]) => rows.map((r) => ({ ...r, run_id: undefined }));
  const viaRemote = await read('remote');
  assert.equal(viaRemote.length, 50);
  assert.deepEqual(strip(viaRemote), strip(await read('direct')));
});

test("a batch's tables go in one message and are stored as the direct writer stores them", async () => {
  let calls = 0;
  const rpc = createRpc(port1, {});
  const counting = { call: <T>(op: string, args?: unknown) => (calls++, rpc.call<T>(op, args)) };
  const writes = [
    { table: TABLES.sensorEvents, rows: (r: SensorEventRow[]) => r },
    { table: TABLES.anomalies, rows: () => [] },
  ];
  await createRemoteRecordWriter(counting, writes).write(Array.from({ length: 30 }, (_, i) => row(i, 'batch')));
  assert.equal(calls, 1);
  const strip = (rows: object[]) => rows.map((r) => ({ ...r, run_id: undefined }));
  assert.deepEqual(strip(await read('batch')), strip((await read('direct')).slice(0, 30)));
  await createRemoteRecordWriter(counting, writes).write([]);
  assert.equal(calls, 1, 'an empty batch sends nothing');
});

test('with a linger, batches written one after another go in one message, each write resolving once stored', async () => {
  let calls = 0;
  const rpc = createRpc(port1, {});
  const counting = { call: <T>(op: string, args?: unknown) => (calls++, rpc.call<T>(op, args)) };
  const writes = [{ table: TABLES.sensorEvents, rows: (r: SensorEventRow[]) => r }];
  const writer = createRemoteRecordWriter(counting, writes, { events: (r) => r.length, minEvents: 40, maxWaitMs: 60_000 });
  const first = writer.write(Array.from({ length: 20 }, (_, i) => row(i, 'lingered')));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(calls, 0, '20 of 40 events: nothing sent yet');
  const second = writer.write(Array.from({ length: 20 }, (_, i) => row(20 + i, 'lingered')));
  await Promise.all([first, second]);
  assert.equal(calls, 1);
  const strip = (rows: object[]) => rows.map((r) => ({ ...r, run_id: undefined }));
  assert.deepEqual(strip(await read('lingered')), strip((await read('direct')).slice(0, 40)));
});

test('a snapshot saved and loaded through the stand-in round-trips (gzip happens in the worker)', async () => {
  const snapshots = createClickHouseSnapshotStore(createRemoteClickHouse(createRpc(port1, {})));
  const key = { runId: 'live', domain: 'sensor', partitions: [0, 2] };
  const state = JSON.stringify({ seqs: { '0': 7 }, big: 'x'.repeat(100_000) });
  assert.equal(await snapshots.load(key), undefined);
  await snapshots.save(key, { state: [state.slice(0, 10), state.slice(10)], seqs: { '0': 7 }, format: 'f', version: 1, takenAt: Date.UTC(2026, 0, 1) });
  assert.deepEqual(await snapshots.load(key), { state, takenAt: Date.UTC(2026, 0, 1) });
});

test('a store error reaches the worker as a rejected write (the committer retries it)', async () => {
  const remote = createRemoteClickHouse(createRpc(port1, {}));
  await assert.rejects(remote.insert({ table: 'no_such_table', values: [{ a: 1 }], format: 'JSONEachRow' }), /insert: .*no_such_table/i);
  await assert.rejects(remote.insert({ table: 'x; DROP TABLE scores', values: [{ a: 1 }], format: 'JSONEachRow' }), /BadTableNameError/);
  await assert.rejects(remote.command({ query: 'SELECT 1' }), /not available in a worker/);
});

test("a table's compact form crosses as JSONCompactEachRow with its columns and is stored as the direct writer stores it", async () => {
  const writes = [{ table: TABLES.sensorEvents, rows: (r: SensorEventRow[]) => r, compact: compactFields<SensorEventRow[], SensorEventRow>(['run_id', 'event_id', 'station', 'partition', 'ts', 'channels', 'late', 'truth_kind', 'truth_fault_id', 'stream_seq', 'ingested_at'], (r) => r) }];
  await createRemoteRecordWriter(createRpc(port1, {}), writes).write(Array.from({ length: 20 }, (_, i) => row(i, 'compact')));
  const strip = (rows: object[]) => rows.map((r) => ({ ...r, run_id: undefined }));
  assert.deepEqual(strip(await read('compact')), strip((await read('direct')).slice(0, 20)));
});
