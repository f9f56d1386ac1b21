import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellToLatLng, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import type { TripEvent } from '../../../../contracts/index.ts';
import { CellDemandScorer, type CellVerdict } from './cell-demand-scorer.ts';
import type { TripCellFeatureRow } from './trip-cell-features.ts';
import { TripCellPipeline } from './trip-cell-pipeline.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 2, 10, 4); // Monday 00:00 New York
const BASE = latLngToCell(40.7549, -73.984, 9);
const CELLS = gridDisk(BASE, 3); // 37 res-9 cells around Midtown
const BUSY = CELLS[0]!; // the centre: 80 pickups an hour
const QUIET = CELLS[30]!; // 4 an hour
const DROP = cellToLatLng(latLngToCell(40.7075, -74.0113, 9));

/** Pickups per hour of a cell in the normal world. */
const rateOf = (cell: string) => (cell === BUSY ? 80 : cell === QUIET ? 4 : 8 + (CELLS.indexOf(cell) % 5) * 4);

interface World {
  /** Multiplier of a cell's rate at an instant (1 = normal). */
  factor?: (cell: string, ts: number) => number;
  /** Extra pickups per hour of a cell at an instant. */
  extra?: (cell: string, ts: number) => number;
}

/** Deterministic trips (evenly spaced per cell and 5-minute step), 6-minute rides, dropoff order. */
function trips(fromTs: number, toTs: number, w: World = {}): TripEvent[] {
  const out: TripEvent[] = [];
  const step = 5 * MIN;
  for (let t = fromTs; t < toTs; t += step) {
    CELLS.forEach((cell, ci) => {
      const perHour = rateOf(cell) * (w.factor?.(cell, t) ?? 1) + (w.extra?.(cell, t) ?? 0);
      // Pickups in this step: the integer part of the running total (no randomness, no drift).
      const k0 = Math.floor(((t - T0) / HOUR) * perHour + ci / CELLS.length);
      const k1 = Math.floor(((t + step - T0) / HOUR) * perHour + ci / CELLS.length);
      const [lat, lng] = cellToLatLng(cell);
      for (let k = 0; k < Math.max(0, k1 - k0); k++) {
        const pickup = t + Math.floor(((k + 0.5) / (k1 - k0)) * step);
        out.push({
          id: `${cell}-${pickup}-${k}`, vendor: 2, pickup_ts: pickup, dropoff_ts: pickup + 6 * MIN, pickup_lat: lat, pickup_lng: lng,
          dropoff_lat: DROP[0], dropoff_lng: DROP[1], passenger_count: 1, trip_distance: 2, rate_code: 1, payment_type: 2,
          fare_amount: 12, extra: 0, mta_tax: 0.5, tip_amount: 0, tolls_amount: 0, improvement_surcharge: 1,
          congestion_surcharge: 0, airport_fee: 0, cbd_congestion_fee: 0, total_amount: 13.5, truth: null,
        });
      }
    });
  }
  return out.sort((a, b) => a.dropoff_ts - b.dropoff_ts || (a.id < b.id ? -1 : 1));
}

interface Scored {
  row: TripCellFeatureRow;
  v: CellVerdict;
}

/** Run trips through the pipeline and the scorer; `cut` snapshots and restores the scorer at that time. */
function run(list: TripEvent[], scorer = new CellDemandScorer(), cut?: number): Scored[] {
  const p = new TripCellPipeline({ allowedLatenessMs: 10 * MIN });
  let s = scorer;
  const out: Scored[] = [];
  const score = (rows: TripCellFeatureRow[]) => {
    if (rows.length === 0) return;
    if (cut !== undefined && rows[0]!.windowEnd >= cut) {
      const fresh = new CellDemandScorer();
      fresh.restoreState(JSON.parse(JSON.stringify(s.captureState())));
      s = fresh;
      cut = undefined;
    }
    s.scoreBoundary(rows).forEach((v, i) => out.push({ row: rows[i]!, v }));
  };
  for (const t of list) score(p.add(t).rows);
  score(p.flush());
  return out;
}

const DAY = 24 * HOUR;
const alarms = (xs: Scored[], from: number, to: number) => xs.filter((x) => x.row.windowEnd >= from && x.row.windowEnd < to && x.v.score >= 70);
// Two normal days teach the daily profile; the events happen on day 3.
const EVENT = T0 + 2 * DAY + 14 * HOUR;
const normalRun = run(trips(T0, EVENT + 3 * HOUR));

test('a steady world raises no alarm once the daily profile is known; day one is warm-up', () => {
  assert.ok(normalRun.length > 10_000);
  assert.deepEqual(alarms(normalRun, T0, EVENT + 3 * HOUR).map((x) => `${x.row.cell} ${x.v.score}`), []);
  const late = normalRun.filter((x) => x.row.windowEnd > T0 + DAY + HOUR && x.row.windowEnd <= EVENT + 2 * HOUR && x.row.cell === BUSY);
  const off = late.filter((x) => !(x.v.expected !== null && Math.abs(x.v.expected - 20) < 3));
  assert.deepEqual(off.map((x) => `${new Date(x.row.windowEnd).toISOString()} ${x.v.expected}`), [], "busy cell expects ~20 per 15 min");
  assert.ok(Math.max(...late.map((x) => x.v.score)) < 50);
});

test('a surge in a quiet cell alarms there (all resolutions containing it), direction surge', () => {
  const xs = run(trips(T0, EVENT + 3 * HOUR, { extra: (c, ts) => (c === QUIET && ts >= EVENT && ts < EVENT + 45 * MIN ? 60 : 0) }));
  const a = alarms(xs, EVENT, EVENT + 2 * HOUR);
  const at9 = a.filter((x) => x.row.cell === QUIET);
  assert.ok(at9.length > 0, 'the cell alarms');
  assert.ok(at9.every((x) => x.v.direction === 'surge'));
  assert.ok(at9[0]!.row.windowEnd <= EVENT + 20 * MIN, `first alarm ${(at9[0]!.row.windowEnd - EVENT) / MIN} min in`);
  assert.ok(at9[0]!.v.drivers[0]!.reason.includes('pickups'), at9[0]!.v.drivers[0]!.reason);
  const allowed = new Set([QUIET, cellToParent(QUIET, 8), cellToParent(QUIET, 7)]);
  assert.deepEqual(a.filter((x) => !allowed.has(x.row.cell)).map((x) => x.row.cell), [], 'no other cell is blamed');
});

test('a busy cell that empties alarms as a collapse; a city-wide halving does not alarm', () => {
  const xs = run(trips(T0, EVENT + 3 * HOUR, { factor: (c, ts) => (c === BUSY && ts >= EVENT && ts < EVENT + HOUR ? 0 : 1) }));
  const a = alarms(xs, EVENT, EVENT + 2 * HOUR).filter((x) => x.row.resolution === 9);
  assert.ok(a.length > 0);
  assert.ok(a.every((x) => x.row.cell === BUSY && x.v.direction === 'collapse'), a.map((x) => x.row.cell).join());
  const half = run(trips(T0, EVENT + 3 * HOUR, { factor: (_, ts) => (ts >= EVENT && ts < EVENT + HOUR ? 0.5 : 1) }));
  assert.deepEqual(alarms(half, EVENT, EVENT + 2 * HOUR).map((x) => x.row.cell), []);
});

test('causal: a different future never changes a past verdict', () => {
  const future = run(trips(T0, EVENT + 3 * HOUR, { factor: (c, ts) => (c === BUSY && ts >= EVENT ? 0 : 1) }));
  const key = (x: Scored) => `${x.row.windowEnd} ${x.row.cell} ${x.v.score} ${x.v.direction} ${x.v.expected}`;
  // Verdicts of boundaries whose windows end before the change are identical.
  const before = (xs: Scored[]) => xs.filter((x) => x.row.windowEnd <= EVENT).map(key);
  assert.deepEqual(before(future), before(normalRun));
});

test('state round trip (JSON) mid-run gives identical subsequent verdicts', () => {
  const list = trips(T0, EVENT + 2 * HOUR, { extra: (c, ts) => (c === QUIET && ts >= EVENT && ts < EVENT + 45 * MIN ? 60 : 0) });
  const whole = run(list);
  const cut = run(list, new CellDemandScorer(), EVENT - 10 * MIN);
  assert.equal(cut.length, whole.length);
  assert.deepEqual(cut.map((x) => x.v), whole.map((x) => x.v));
  assert.throws(() => new CellDemandScorer().restoreState({ format: 'x' }), RangeError);
});

test('a long, thin closure (20 pickups an hour gone for two hours) is found through the 90/120-minute windows', () => {
  const THIN = CELLS[3]!; // 20 an hour
  assert.equal(rateOf(THIN), 20);
  const xs = run(trips(T0, EVENT + 4 * HOUR, { factor: (c, ts) => (c === THIN && ts >= EVENT && ts < EVENT + 2 * HOUR ? 0 : 1) }));
  const a = alarms(xs, EVENT, EVENT + 3 * HOUR).filter((x) => x.row.resolution === 9);
  assert.ok(a.length > 0, 'the closure alarms');
  assert.ok(a.every((x) => x.row.cell === THIN && x.v.direction === 'collapse'), a.map((x) => x.row.cell).join());
  const first = a[0]!;
  assert.match(first.v.drivers[0]!.feature, /^pickups_(90|120)m$/, 'the hour alone is not enough evidence at 20 an hour');
  assert.match(first.v.drivers[0]!.reason, /0 pickups in (90|120) min/);
});

test('a wrong expectation that keeps alarming is unlearnt: a first-day surge (learnt raw, in warm-up) fades from the profile', () => {
  // Day one, 00:00–01:00: 300 extra pickups an hour in a cell that normally has 20, learnt as
  // they are (no profile to clip against yet). Every later day that hour looks like a collapse
  // there; each false alarm must pull the expectation back towards the counts.
  const CELL = CELLS[3]!;
  const SURGE = T0;
  const days = 12;
  const xs = run(trips(T0, T0 + days * DAY, { extra: (c, ts) => (c === CELL && ts >= SURGE && ts < SURGE + HOUR ? 300 : 0) }));
  const expectedAt = (day: number) => xs.find((x) => x.row.cell === CELL && x.row.windowEnd === SURGE + day * DAY + 45 * MIN)!.v.expected!;
  const alarmsOn = (day: number) => alarms(xs, SURGE + day * DAY, SURGE + day * DAY + 3 * HOUR).filter((x) => x.row.cell === CELL).length > 0;
  const series = Array.from({ length: days - 1 }, (_, i) => i + 1).map((d) => `${expectedAt(d).toFixed(1)}${alarmsOn(d) ? '!' : ''}`).join(' → ');
  assert.ok(alarmsOn(1) && expectedAt(1) > 15, `day two expects the surge again, and alarms (${series}; normal is 5 per 15 min)`);
  assert.ok(expectedAt(days - 1) < expectedAt(1) / 2, `the expectation comes down: ${series}`);
  assert.ok(!alarmsOn(days - 1), `the false alarms stop: ${series}`);
});
