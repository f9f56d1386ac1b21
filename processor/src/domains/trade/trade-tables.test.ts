import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, type Store } from '../../../../store/src/index.ts';
import { tempDir } from '../../../../test/harness/temp-dir.ts';
import { TRADE_MIGRATIONS, TRADE_TABLES, type TradeDeclarationRow } from './trade-tables.ts';

const OLD_PER_DAY_TABLES = [
  TRADE_MIGRATIONS[0]!,
  ...[TRADE_TABLES.edgesDaily, TRADE_TABLES.routesDaily].flatMap((t) => [
    `CREATE TABLE ${t} (run_id String, day Date, exporter_id String, port String, declarations AggregateFunction(uniqExact, String), fob_usd SimpleAggregateFunction(sum, Float64)) ENGINE = AggregatingMergeTree ORDER BY (run_id, day, exporter_id, port)`,
    `CREATE MATERIALIZED VIEW ${t}_mv TO ${t} AS SELECT run_id, toDate(ts) AS day, exporter_id, port, uniqExactState(event_id) AS declarations, sum(fob_usd) AS fob_usd FROM ${TRADE_TABLES.declarations} GROUP BY run_id, day, exporter_id, port`,
  ]),
];

const dir = tempDir('trade-tables');
let store: Store;
before(async () => {
  store = await openStore({ database: 'vigia', dataDir: dir.path });
  // A store from before the views: the per-day tables filled by materialised views on insert.
  for (const query of OLD_PER_DAY_TABLES) await store.client.command({ query });
  // Twice, as every processor start runs them.
  for (let i = 0; i < 2; i++) for (const query of TRADE_MIGRATIONS) await store.client.command({ query });
});
after(async () => {
  await store.close();
  dir.remove();
});

const DAY = Date.UTC(2026, 2, 3);
function declaration(i: number, over: Partial<TradeDeclarationRow> = {}): TradeDeclarationRow {
  return {
    run_id: 'live', event_id: `d${i}`, partition: 0, ts: DAY + i * 60_000, exporter_id: 'E1', exporter_name: 'Exporter one',
    hs_code: '2903150000', subheading: '290315', port: i % 2 ? 'CLSAI' : 'CLVAP', destination: 'PE', transport_mode: 'sea',
    fob_usd: 1000 + i, net_kg: 10 + i, gross_kg: 11 + i, quantity: 10 + i, unit: 'KG', controlled: 0, licence: '', quota_kg: 0,
    truth_kind: '', truth_fault_id: '', stream_seq: i + 1, ingested_at: DAY + 3_600_000, ...over,
  };
}
async function rows<T>(query: string): Promise<T[]> {
  return (await (await store.client.query({ query, format: 'JSONEachRow' })).json()) as T[];
}

test('a batch written twice (redelivered after a crash) counts once in the per-day edges and routes: declarations and sums', async () => {
  const batch = Array.from({ length: 6 }, (_, i) => declaration(i));
  await store.client.insert({ table: TRADE_TABLES.declarations, values: batch, format: 'JSONEachRow' });
  // The redelivery is written later, so its ingested_at differs; the declarations are the same.
  const again = batch.map((d) => ({ ...d, ingested_at: d.ingested_at + 60_000 }));
  await store.client.insert({ table: TRADE_TABLES.declarations, values: again, format: 'JSONEachRow' });
  const fob = batch.reduce((s, d) => s + d.fob_usd, 0);
  const kg = batch.reduce((s, d) => s + d.net_kg, 0);
  for (const table of [TRADE_TABLES.edgesDaily, TRADE_TABLES.routesDaily]) {
    const [r] = await rows<{ n: string; fob: number; kg: number; routes: string }>(
      `SELECT sum(d) AS n, sum(f) AS fob, sum(k) AS kg, count() AS routes FROM
         (SELECT uniqExactMerge(declarations) AS d, sum(fob_usd) AS f, sum(net_kg) AS k FROM ${table}
          WHERE run_id = 'live' AND exporter_id = 'E1' AND day = toDate('2026-03-03') GROUP BY port)`,
    );
    assert.deepEqual({ n: Number(r!.n), fob: r!.fob, kg: r!.kg, routes: Number(r!.routes) }, { n: 6, fob, kg, routes: 2 }, table);
  }
});

test('the per-day tables of an earlier store become views: no materialised view is left', async () => {
  const left = await rows<{ name: string; engine: string }>(`SELECT name, engine FROM system.tables WHERE database = currentDatabase() AND name LIKE 'trade_%_daily%' ORDER BY name`);
  assert.deepEqual(left, [{ name: TRADE_TABLES.edgesDaily, engine: 'View' }, { name: TRADE_TABLES.routesDaily, engine: 'View' }]);
});

test('the graph read of trade-routes.ts gives one route per destination with its FOB', async () => {
  await store.client.insert({ table: TRADE_TABLES.declarations, values: [declaration(10, { run_id: 'r2', destination: 'BO', fob_usd: 7 }), declaration(11, { run_id: 'r2', destination: 'AR', fob_usd: 5 })], format: 'JSONEachRow' });
  const found = await rows<{ destination: string; declarations: string; fob_usd: number }>(
    `SELECT destination, uniqExactMerge(declarations) AS declarations, sum(fob_usd) AS fob_usd FROM ${TRADE_TABLES.routesDaily}
     WHERE run_id = 'r2' AND exporter_id = 'E1' AND day BETWEEN toDate('2026-03-01') AND toDate('2026-03-03')
     GROUP BY subheading, port, destination ORDER BY fob_usd DESC`,
  );
  assert.deepEqual(found.map((r) => [r.destination, Number(r.declarations), r.fob_usd]), [['BO', 1, 7], ['AR', 1, 5]]);
});
