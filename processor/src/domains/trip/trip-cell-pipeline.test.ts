import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellToParent, latLngToCell } from 'h3-js';
import type { TripEvent } from '../../../../contracts/index.ts';
import { createTripSimulation, listDemandEpisodes } from '../../../../producers/src/trip/index.ts';
import { TRIP_CELL_FEATURES, type TripCellFeatureRow } from './trip-cell-features.ts';
import { TripCellPipeline, tripCellInput } from './trip-cell-pipeline.ts';

const M = 60_000;
const T0 = Date.UTC(2025, 2, 10, 16);
const P15 = TRIP_CELL_FEATURES.indexOf('pickups_15m');

function trip(id: number, pickupMin: number, minutes: number, lat: number, lng: number): TripEvent {
  return {
    id: `t${id}`, vendor: 2, pickup_ts: T0 + pickupMin * M, dropoff_ts: T0 + (pickupMin + minutes) * M,
    pickup_lat: lat, pickup_lng: lng, dropoff_lat: 40.7075, dropoff_lng: -74.0113, passenger_count: 1, trip_distance: 2,
    rate_code: 1, payment_type: 2, fare_amount: 12, extra: 0, mta_tax: 0.5, tip_amount: 0, tolls_amount: 0,
    improvement_surcharge: 1, congestion_surcharge: 2.5, airport_fee: 0, cbd_congestion_fee: 0.75, total_amount: 16.75, truth: null,
  };
}

test('cells of a trip: finest computed, coarser as parents', () => {
  const c = tripCellInput(trip(1, 0, 10, 40.7549, -73.984), [7, 8, 9]);
  const c9 = latLngToCell(40.7549, -73.984, 9);
  assert.deepEqual(c.pickupCells, [cellToParent(c9, 7), cellToParent(c9, 8), c9]);
  assert.equal(c.dropoffCells[2], latLngToCell(40.7075, -74.0113, 9));
});

test('out-of-order arrival within the allowed lateness gives the same rows as arrival in pickup order', () => {
  const trips = Array.from({ length: 60 }, (_, i) => trip(i, i, 5 + ((i * 7) % 20), 40.75 + (i % 5) * 0.004, -73.99 + (i % 3) * 0.004));
  const byDropoff = [...trips].sort((a, b) => a.dropoff_ts - b.dropoff_ts);
  const run = (order: TripEvent[]) => {
    const p = new TripCellPipeline({ allowedLatenessMs: 30 * M });
    const rows: TripCellFeatureRow[] = [];
    let late = 0;
    for (const t of order) {
      const r = p.add(t);
      late += Number(r.pickupLate) + Number(r.dropoffLate);
      rows.push(...r.rows);
    }
    rows.push(...p.flush());
    return { late, rows: rows.map((r) => `${r.windowEnd} ${r.resolution} ${r.cell} ${[...r.values].map((v) => v.toFixed(6)).join(',')}`) };
  };
  const a = run(trips);
  const b = run(byDropoff);
  assert.equal(a.late, 0);
  assert.equal(b.late, 0);
  assert.ok(a.rows.length > 100);
  assert.deepEqual(a.rows, b.rows);
  // With too little lateness the dropoff-ordered stream loses pickups, and says so.
  const tight = new TripCellPipeline({ allowedLatenessMs: 0 });
  let late = 0;
  for (const t of byDropoff) late += Number(tight.add(t).pickupLate);
  assert.ok(late > 0);
});

test('on the simulator, a surge shows in its cell’s 15-minute pickups', () => {
  // One day at a small scale; pick the first surge and compare its cell during and before it.
  const start = Date.UTC(2025, 2, 10, 4);
  const episodes = listDemandEpisodes({ seed: 7, episodesPerDay: 4 }, start, start + 86_400_000);
  const surge = episodes.find((e) => e.kind === 'surge' && e.k === 0 && e.startTs > start + 2 * 3_600_000)!;
  assert.ok(surge, 'the seed plans a surge');
  const sim = createTripSimulation({ startTs: start, seed: 7, episodesPerDay: 4, scale: 0.005, anomalyRate: 0 });
  const p = new TripCellPipeline();
  const during: number[] = [];
  const before: number[] = [];
  for (const t of sim.nextBatch(surge.endTs + 3_600_000)) {
    for (const r of p.add(t).rows) {
      if (r.cell !== surge.cell) continue;
      if (r.windowEnd > surge.startTs + 15 * M && r.windowEnd <= surge.endTs) during.push(r.values[P15]!);
      else if (r.windowEnd <= surge.startTs) before.push(r.values[P15]!);
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  assert.ok(during.length > 0);
  assert.ok(mean(during) > 3 * mean(before) + 2, `during ${mean(during)} vs before ${mean(before)}`);
});

test('a snapshot taken mid-stream and restored elsewhere continues with identical rows', () => {
  const start = Date.UTC(2026, 0, 5);
  const sim = createTripSimulation({ startTs: start, seed: 3, scale: 0.004 });
  const trips = sim.nextBatch(start + 2 * 86_400_000);
  const cut = Math.floor(trips.length * 0.6);
  const straight = new TripCellPipeline();
  const before = new TripCellPipeline();
  for (const t of trips.slice(0, cut)) {
    straight.add(t);
    before.add(t);
  }
  const restored = new TripCellPipeline();
  restored.restore(JSON.parse(JSON.stringify(before.snapshot())));
  const a: string[] = [];
  const b: string[] = [];
  for (const t of trips.slice(cut)) {
    for (const r of straight.add(t).rows) a.push(`${r.cell}@${r.windowEnd}:${[...r.values].join(',')}`);
    for (const r of restored.add(t).rows) b.push(`${r.cell}@${r.windowEnd}:${[...r.values].join(',')}`);
  }
  assert.ok(a.length > 100, `expected rows after the cut, got ${a.length}`);
  assert.deepEqual(b, a);
});
