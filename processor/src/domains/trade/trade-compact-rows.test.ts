import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_SEVERITY_BANDS, partitionOf, subjects, type TradeDeclaration } from '../../../../contracts/index.ts';
import { openStore, type Store } from '../../../../store/src/index.ts';
import { tempDir } from '../../../../test/harness/temp-dir.ts';
import { createClickHouseRecordWriter } from '../../adapters/clickhouse/clickhouse-record-writer.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import { TradeBatchProcessor, type TradeRecords } from './trade-batch.ts';
import { TRADE_DECLARATION_COLUMNS, TRADE_SCORE_COLUMNS } from './trade-compact-rows.ts';
import { tradeModule } from './trade-module.ts';
import { TRADE_TABLES } from './trade-tables.ts';

const dir = tempDir('trade-compact-rows');
let store: Store;
before(async () => {
  store = await openStore({ database: 'vigia', dataDir: dir.path });
  for (const q of tradeModule.store.migrations ?? []) await store.client.command({ query: q });
});
after(async () => {
  await store.close();
  dir.remove();
});

const P = 4;
const T0 = Date.UTC(2026, 2, 2, 8);
const enc = new TextEncoder();
const declaration = (i: number): TradeDeclaration => ({
  id: `d${i}`,
  ts: T0 + i * 3_600_000,
  exporter_id: `E${i % 2}`,
  exporter_name: i % 2 ? 'Flores "del" Café S.A.S' : 'E SAS',
  hs_code: i === 2 ? '2915240000' : '0901119000',
  port: 'COCTG',
  destination: 'US',
  transport_mode: 'sea',
  fob_usd: 40_000.37 + i,
  net_kg: 10_000.125,
  gross_kg: 10_200,
  quantity: 10_000,
  unit: 'KGM',
  // A controlled declaration over its quota: the rules flag it (an anomaly row with drivers).
  controlled: i === 2,
  ...(i === 2 ? { licence: 'L-7', quota_kg: 5_000 } : {}),
  ...(i === 1 ? { truth: { kind: 'burst', faultId: 'f-1' } } : {}),
});
/** Three declarations through the real batch core; the second carries Shapley values as the model stage would give them. */
function records(run: string): TradeRecords {
  const seqs = new Map<number, number>();
  const batch: RawEvent[] = [0, 1, 2].map((i) => {
    const d = declaration(i);
    const partition = partitionOf(d.exporter_id, P);
    const seq = (seqs.get(partition) ?? 0) + 1;
    seqs.set(partition, seq);
    return { subject: subjects.event('trade', partition, d.exporter_id), seq, partition, data: enc.encode(JSON.stringify(d)) };
  });
  const p = new TradeBatchProcessor({ runId: run, bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: P, features: { reportingThresholdUsd: 10_000 } });
  const stage = p.ingest(batch, T0 + 100 * 3_600_000);
  const r = p.score(stage, null).records;
  r.scores[1] = { ...r.scores[1]!, shapley: { price: 12.5, route: -0.125, quota: 1 / 3 } };
  return r;
}
const rowsOf = async (table: string, run: string) =>
  (await (await store.client.query({ query: `SELECT * EXCEPT run_id FROM ${table} FINAL WHERE run_id = {run:String} ORDER BY event_id`, query_params: { run }, format: 'JSONEachRow' })).json()) as object[];

test('the compact columns are every column of the rows the batch core makes, in their order', () => {
  const r = records('keys');
  assert.deepEqual(Object.keys(r.declarations[0]!), [...TRADE_DECLARATION_COLUMNS]);
  assert.deepEqual(Object.keys(r.scores[0]!), [...TRADE_SCORE_COLUMNS]);
});

test('the module writes (JSONCompactEachRow) store exactly the rows JSONEachRow objects stored', async () => {
  const old = records('objects');
  await store.client.insert({ table: TRADE_TABLES.scores, values: old.scores, format: 'JSONEachRow' });
  await store.client.insert({ table: TRADE_TABLES.declarations, values: old.declarations, format: 'JSONEachRow' });
  await createClickHouseRecordWriter(store.client, tradeModule.store.writes).write(records('compact'));
  for (const table of [TRADE_TABLES.scores, TRADE_TABLES.declarations]) {
    const expected = await rowsOf(table, 'objects');
    assert.equal(expected.length, 3);
    assert.deepEqual(await rowsOf(table, 'compact'), expected, table);
  }
  const shapley = (await rowsOf(TRADE_TABLES.scores, 'compact')).map((r) => (r as { shapley: object }).shapley);
  assert.deepEqual(shapley[1], { price: 12.5, route: -0.125, quota: 0.33333334 });
});

