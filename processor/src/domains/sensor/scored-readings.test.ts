import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, type Store } from '../../../../store/src/index.ts';
import type { ScoreRow, SensorEventRow } from '../../../../store/src/rows.ts';
import { tempDir } from '../../../../test/harness/temp-dir.ts';
import { createClickHouseRecordWriter } from '../../adapters/clickhouse/clickhouse-record-writer.ts';
import type { SensorBatchResult } from './sensor-batch.ts';
import { sensorModule } from './sensor-module.ts';

const dir = tempDir('scored-readings');
let store: Store;
before(async () => {
  store = await openStore({ database: 'vigia', dataDir: dir.path });
});
after(async () => {
  await store.close();
  dir.remove();
});

const event = (run: string, i: number): SensorEventRow => ({
  run_id: run,
  event_id: `st-1@${1000 + i}`,
  station: 'st-1',
  partition: 2,
  ts: Date.UTC(2026, 0, 1, 0, i),
  channels: { pressure: 6.5 + i, flow: 800 },
  late: i === 1 ? 1 : 0,
  truth_kind: i === 0 ? 'leak' : '',
  truth_fault_id: i === 0 ? 'f-1' : '',
  stream_seq: 10 + i,
  ingested_at: Date.UTC(2026, 0, 2),
});
const score = (e: SensorEventRow, i: number): ScoreRow => ({
  run_id: e.run_id,
  domain: 'sensor',
  entity: e.station,
  event_id: e.event_id,
  ts: e.ts,
  detector: 'sensor-online@2',
  score: i * 40,
  severity: i === 2 ? 'minor' : '',
  top_feature: 'pressure',
  drivers: JSON.stringify([{ feature: 'pressure', score: i * 40, value: 6.5 + i, expected: 6.5, reason: `it's "${i}"` }]),
  scored_at: Date.UTC(2026, 0, 2),
  // The second reading has no model verdict: its columns take the table's defaults.
  ...(i === 1 ? {} : { cluster: i, model: 'sensor-chain@1', model_score: 12.5, model_raw: 0.25 }),
});
const batch = (run: string): SensorBatchResult => {
  const events = [0, 1, 2].map((i) => event(run, i));
  return { rows: { events, scores: events.map(score), anomalies: [], windows: [], deadLetters: [], features: [] }, anomalies: [], deadLetters: [], redelivered: 0, late: 0 };
};
const rowsOf = async (table: string, run: string) =>
  (await (await store.client.query({ query: `SELECT * EXCEPT run_id FROM ${table} FINAL WHERE run_id = {run:String} ORDER BY event_id`, query_params: { run }, format: 'JSONEachRow' })).json()) as object[];

test('one write through sensor_scored_in stores exactly the rows two separate inserts stored', async () => {
  // Before: each table on its own, as JSONEachRow.
  const old = batch('separate');
  await store.client.insert({ table: 'scores', values: old.rows.scores, format: 'JSONEachRow' });
  await store.client.insert({ table: 'sensor_events', values: old.rows.events, format: 'JSONEachRow' });
  // Now: the module's writes, as the processor's writer sends them (JSONCompactEachRow)…
  await createClickHouseRecordWriter(store.client, sensorModule.store.writes).write(batch('compact'));
  // …and as a writer that only knows the object rows (a worker's) sends them.
  const plain = sensorModule.store.writes.map(({ compact: _, ...w }) => w);
  await createClickHouseRecordWriter(store.client, plain).write(batch('objects'));

  for (const table of ['sensor_events', 'scores']) {
    const expected = await rowsOf(table, 'separate');
    assert.equal(expected.length, 3);
    assert.deepEqual(await rowsOf(table, 'compact'), expected, table);
    assert.deepEqual(await rowsOf(table, 'objects'), expected, table);
  }
});
