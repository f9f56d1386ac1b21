import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { latLngToCell } from 'h3-js';
import { CellSeriesPoint, FareAnomaly, LiveCellBoundary } from '../../../../contracts/index.ts';
import { openStore, type Store } from '../../../../store/src/index.ts';
import { TABLES, type TripCellWindowRow } from '../../../../store/src/rows.ts';
import { tempDir } from '../../../../test/harness/temp-dir.ts';
import { createTripRoutes } from './trip-routes.ts';

// The map's read models against real chDB: what the routes answer for rows the processor wrote.
const dir = tempDir('trip-routes');
let store: Store;
const cell8 = latLngToCell(40.7505, -73.9934, 8);
const T = Date.UTC(2026, 0, 5, 12);

function windowRow(end: number, score: number): TripCellWindowRow {
  return {
    run_id: 'live', resolution: 8, cell: cell8, window_end: end, pickups_15m: 4, pickups_60m: 12, dropoffs_15m: 3, dropoffs_60m: 10,
    fare_per_mile_60m: 4.2, speed_mph_60m: 11, expected_15m: 3.5, if_score: null, score, severity: score >= 70 ? 'minor' : '', direction: score >= 70 ? 'surge' : '',
    top_feature: 'pickups_15m', drivers: '[]', model: '', scored_at: Date.now(),
  };
}

before(async () => {
  store = await openStore({ database: 'vigia', dataDir: dir.path });
});
after(async () => {
  await store.close();
  dir.remove();
});

test('before anything is scored, the latest boundary is a 404 that says so', async () => {
  const res = await createTripRoutes(store.client).request('/cells?resolution=8');
  assert.equal(res.status, 404);
  assert.match(((await res.json()) as { error: string }).error, /no trip cells scored yet/);
});

test('the latest boundary, a cell series oldest first, and bad parameters as 400s', async () => {
  await store.client.insert({ table: TABLES.tripCellWindows, values: [windowRow(T, 10), windowRow(T + 300_000, 75), windowRow(T + 600_000, 20)], format: 'JSONEachRow' });
  const app = createTripRoutes(store.client);
  const latestRes = await app.request('/cells?resolution=8');
  const latestBody = await latestRes.json();
  assert.equal(latestRes.status, 200, JSON.stringify(latestBody));
  const latest = LiveCellBoundary.parse(latestBody);
  assert.equal(latest.windowEnd, T + 600_000);
  assert.deepEqual(latest.cells.map((c) => [c.cell, c.pickups, c.expected]), [[cell8, 4, 3.5]]);
  const series = (await (await app.request(`/cells/${cell8}/series?hours=1`)).json()) as { points: unknown[] };
  const points = series.points.map((p) => CellSeriesPoint.parse(p));
  assert.deepEqual(points.map((p) => p.windowEnd), [T, T + 300_000, T + 600_000]);
  assert.equal((await app.request('/cells?resolution=6')).status, 400);
  assert.equal((await app.request('/cells/not-a-cell/series')).status, 400);
  assert.equal((await app.request(`/cells/${latLngToCell(40.75, -73.99, 5)}/anomalies`)).status, 400);
  assert.equal((await app.request('/fare-anomalies?limit=0')).status, 400);
});

test('fare anomalies carry actual and expected fare, distance and duration', async () => {
  const trip = { run_id: 'live', event_id: 't-1', partition: 0, ts: T + 900_000, pickup_ts: T, pickup_lat: 40.75, pickup_lng: -73.99, dropoff_lat: 40.76, dropoff_lng: -73.98,
    pickup_cell_r7: '', pickup_cell_r8: cell8, pickup_cell_r9: '', dropoff_cell_r9: '', vendor: 1, passenger_count: 1, trip_distance: 2.5, rate_code: 1, payment_type: 1,
    fare_amount: 40, extra: 0, mta_tax: 0.5, tip_amount: 0, tolls_amount: 0, improvement_surcharge: 1, congestion_surcharge: 0, airport_fee: 0, cbd_congestion_fee: 0, total_amount: 41.5,
    pickup_late: 0, truth_kind: '', truth_fault_id: '', stream_seq: 1, ingested_at: Date.now() };
  await store.client.insert({ table: TABLES.tripEvents, values: [trip], format: 'JSONEachRow' });
  await store.client.insert({ table: TABLES.tripScores, values: [{ run_id: 'live', event_id: 't-1', ts: T + 900_000, pickup_cell: cell8, fare_amount: 40, expected_fare: 14.5, fare_score: 97, score: 97, severity: 'critical', kind: 'overcharge', top_feature: 'fare_residual', drivers: JSON.stringify([{ feature: 'fare_residual', score: 97, value: 40, expected: 14.5, reason: 'fare $40.00 where $14.50 is expected' }]), detector: 'trip-fare@1', model: 'trip-fare@1', scored_at: Date.now() }], format: 'JSONEachRow' });
  const body = (await (await createTripRoutes(store.client).request('/fare-anomalies')).json()) as { anomalies: unknown[] };
  const [a] = body.anomalies.map((x) => FareAnomaly.parse(x));
  assert.deepEqual([a!.tripId, a!.fare, a!.expectedFare, a!.distance, a!.durationMin, a!.driver], ['t-1', 40, 14.5, 2.5, 15, 'fare_residual']);
  assert.match(a!.reason, /expected/);
});
