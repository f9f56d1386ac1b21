import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { createFairStatementQueue } from './fair-statement-queue.ts';
import { scheduledClient } from './scheduled-client.ts';

/** Records each statement it is given; an insert into `failTable` fails once. */
function recordingClient(log: string[], failTable?: string) {
  let failed = false;
  const client = {
    async insert(p: { table: string; values: unknown[] }) {
      await new Promise((r) => setImmediate(r));
      if (p.table === failTable && !failed) {
        failed = true;
        throw new Error(`insert into ${p.table} failed`);
      }
      log.push(`${p.table}:${p.values.join(',')}`);
      return { executed: true, query_id: '' };
    },
    async query(p: { query: string }) {
      log.push(p.query);
      return { text: async () => '' };
    },
  };
  return client as unknown as ClickHouseClient;
}

test("a large insert is cut into statements of maxRows, and another lane's statement runs between them", async () => {
  const log: string[] = [];
  const raw = recordingClient(log);
  const scheduler = createFairStatementQueue();
  const trip = scheduledClient([raw], scheduler, 'trip', 2);
  const sensor = scheduledClient([raw], scheduler, 'sensor', 2);
  const tripWrite = trip.insert({ table: 'trip_cell_windows', values: [1, 2, 3, 4, 5], format: 'JSONEachRow' });
  await new Promise((r) => setImmediate(r));
  const sensorWrite = sensor.insert({ table: 'sensor_scored_in', values: [9], format: 'JSONEachRow' });
  await Promise.all([tripWrite, sensorWrite]);
  assert.deepEqual(log, ['trip_cell_windows:1,2', 'sensor_scored_in:9', 'trip_cell_windows:3,4', 'trip_cell_windows:5']);
});

test('a chunk that fails rejects the whole insert, and the chunks after it are not written', async () => {
  const log: string[] = [];
  const client = scheduledClient([recordingClient(log, 't')], createFairStatementQueue(), 'x', 2);
  await assert.rejects(client.insert({ table: 't', values: [1, 2, 3], format: 'JSONEachRow' }), /failed/);
  assert.deepEqual(log, []);
  // The caller writes it again: every chunk, as a whole.
  await client.insert({ table: 't', values: [1, 2, 3], format: 'JSONEachRow' });
  assert.deepEqual(log, ['t:1,2', 't:3']);
});

test('queries wait for their lane turn like inserts', async () => {
  const log: string[] = [];
  const raw = recordingClient(log);
  const scheduler = createFairStatementQueue();
  const a = scheduledClient([raw], scheduler, 'a', 1);
  const http = scheduledClient([raw], scheduler, 'http', 1);
  const write = a.insert({ table: 't', values: [1, 2, 3], format: 'JSONEachRow' });
  await new Promise((r) => setImmediate(r));
  await Promise.all([write, http.query({ query: 'SELECT 1' })]);
  assert.deepEqual(log, ['t:1', 'SELECT 1', 't:2', 't:3']);
});
