import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { createFairStatementQueue } from '../adapters/clickhouse/fair-statement-queue.ts';
import { clickHouseHandlers } from './clickhouse-host.ts';

/** Records every INSERT it is given as `table: row,row`; each takes a turn of the event loop. */
function recordingClient(log: string[]) {
  return {
    async exec(p: { query: string; values: Readable }) {
      let body = '';
      for await (const c of p.values) body += String(c);
      await new Promise((r) => setImmediate(r));
      log.push(`${/INTO (\w+)/.exec(p.query)![1]}: ${body.trim().split('\n').join(',')}`);
      return { stream: (async function* () {})() };
    },
  } as unknown as ClickHouseClient;
}
const lines = (...rows: number[]) => rows.map((r) => `{"r":${r}}\n`).join('');

test("batches that queue behind a worker's write go together, table by table, in the list's order, and an empty table is skipped", async () => {
  const log: string[] = [];
  const host = clickHouseHandlers([recordingClient(log)], createFairStatementQueue(), 'w', 100);
  const batch = (a: number, ev: number) => [
    { table: 'cells', text: a ? lines(a) : '' },
    { table: 'events', text: lines(ev) },
  ];
  await Promise.all([host.insertTables(batch(1, 10)), host.insertTables(batch(0, 20)), host.insertTables(batch(3, 30))]);
  assert.deepEqual(log, ['cells: {"r":1}', 'events: {"r":10}', 'cells: {"r":3}', 'events: {"r":20},{"r":30}']);
});

test("a large table is cut into statements, and another worker's statement runs between them", async () => {
  const log: string[] = [];
  const scheduler = createFairStatementQueue();
  const trip = clickHouseHandlers([recordingClient(log)], scheduler, 'trip', 2);
  const sensor = clickHouseHandlers([recordingClient(log)], scheduler, 'sensor', 2);
  const tripWrite = trip.insertTables([{ table: 'cells', text: lines(1, 2, 3, 4, 5) }]);
  await new Promise((r) => setImmediate(r));
  await Promise.all([tripWrite, sensor.insertTables([{ table: 'readings', text: lines(9) }])]);
  assert.deepEqual(log, ['cells: {"r":1},{"r":2}', 'readings: {"r":9}', 'cells: {"r":3},{"r":4}', 'cells: {"r":5}']);
});
