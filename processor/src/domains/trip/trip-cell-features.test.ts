import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gridDisk, latLngToCell } from 'h3-js';
import type { CellWindowRow, WindowStats } from './cell-hopping-windows.ts';
import { TRIP_CELL_FEATURE_SET, TRIP_CELL_FEATURES, TripCellFeaturizer } from './trip-cell-features.ts';

const close = (a: number, b: number, name: string) => assert.ok(Math.abs(a - b) < 1e-6, `${name}: ${a} ≠ ${b}`);
const WEEK = 7 * 86_400_000;
const END = Date.UTC(2025, 2, 10, 16); // Monday 12:00 EDT; the window's last instant is 11:59 → slot 11

const cell = latLngToCell(40.75, -73.99, 9);
const neighbour = gridDisk(cell, 1).find((c) => c !== cell)!;
const far = latLngToCell(40.65, -73.78, 9);

function stats(pickups: number, dropoffs: number, fare: number, miles: number, speedSum: number, speedCount: number): WindowStats {
  return { pickups, dropoffs, fare, miles, speedSum, speedCount };
}
function rows(end: number, p15 = 3): CellWindowRow[] {
  return [
    { resolution: 9, cell, end, windows: [stats(p15, 1, 30, 6, 30, 3), stats(6, 4, 50, 10, 48, 4)] },
    { resolution: 9, cell: neighbour, end, windows: [stats(1, 0, 5, 1, 10, 1), stats(2, 1, 10, 2, 10, 1)] },
    { resolution: 9, cell: far, end, windows: [stats(0, 0, 0, 0, 0, 0), stats(5, 5, 40, 20, 100, 5)] },
  ];
}
const named = (v: Float64Array) => Object.fromEntries(TRIP_CELL_FEATURES.map((n, i) => [n, v[i]!]));

test('trip-cell@1 golden values without history: own windows, k-ring sums, neutral baseline, local time', () => {
  assert.equal(TRIP_CELL_FEATURE_SET, 'trip-cell@1');
  const fz = new TripCellFeaturizer();
  const out = fz.featurizeBoundary(rows(END));
  assert.deepEqual(out.map((r) => [r.resolution, r.cell, r.windowEnd]), rows(END).map((r) => [9, r.cell, END]));
  const f = named(out[0]!.values);
  const expected: Record<string, number> = {
    pickups_15m: 3, pickups_60m: 6, dropoffs_15m: 1, dropoffs_60m: 4, fare_per_mile_60m: 5, speed_mph_60m: 12,
    pickups_15m_ratio: 1, pickups_15m_z: 0, pickups_60m_ratio: 1, pickups_60m_z: 0, dropoffs_60m_ratio: 1, dropoffs_60m_z: 0, baseline_weeks: 0,
    ring_pickups_15m: 4, ring_pickups_60m: 8, ring_dropoffs_60m: 5, ring_fare_per_mile_60m: 60 / 12, ring_speed_mph_60m: 58 / 5, ring_pickups_60m_ratio: 1, cell_share_60m: 0.75,
    weekend: 0,
  };
  for (const [k, v] of Object.entries(expected)) close(f[k]!, v, k);
  // 11:59:59.999 local: a hair before noon on the daily circle.
  close(f.hour_sin!, Math.sin(2 * Math.PI * (1 - 1 / 86_400_000) / 2), 'hour_sin');
  close(f.hour_cos!, -1, 'hour_cos');
  // The far cell's ring is itself alone.
  close(named(out[2]!.values).ring_pickups_60m!, 5, 'far ring');
  close(named(out[2]!.values).cell_share_60m!, 1, 'far share');
});

test('a week later the same hour-of-week slot compares the window with what it learnt', () => {
  const fz = new TripCellFeaturizer();
  fz.featurizeBoundary(rows(END));
  // Another hour's slot stays empty: no history there.
  assert.equal(named(fz.featurizeBoundary(rows(END + 3_600_000))[0]!.values).baseline_weeks, 0);
  const f = named(fz.featurizeBoundary(rows(END + WEEK, 7))[0]!.values);
  close(f.baseline_weeks!, 1 / 12, 'baseline_weeks'); // one update; 12 hops make an hour-week
  close(f.pickups_15m_ratio!, 8 / 4, 'pickups_15m_ratio'); // (7 + 1) / (3 + 1)
  close(f.pickups_15m_z!, 4 / Math.sqrt(3), 'pickups_15m_z'); // (7 − 3) / √max(0, 3, 1)
  close(f.pickups_60m_ratio!, 1, 'pickups_60m_ratio');
  close(f.pickups_60m_z!, 0, 'pickups_60m_z');
  close(f.ring_pickups_60m_ratio!, 1, 'ring ratio'); // (8 + 1) / (6 + 2 + 1)
});

test('the result does not depend on the order of rows within a boundary', () => {
  const a = new TripCellFeaturizer().featurizeBoundary(rows(END));
  const b = new TripCellFeaturizer().featurizeBoundary([...rows(END)].reverse());
  const key = (r: { cell: string }) => r.cell;
  assert.deepEqual(
    a.map((r) => [key(r), [...r.values]]).sort(),
    b.map((r) => [key(r), [...r.values]]).sort(),
  );
  assert.throws(() => new TripCellFeaturizer().featurizeBoundary([...rows(END), ...rows(END + 300_000)]), /one boundary at a time/);
});
