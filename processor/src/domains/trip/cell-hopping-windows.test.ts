import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellHoppingWindows, CellWindowOptionsError, type CellWindowRow, type TripCellInput } from './cell-hopping-windows.ts';

const M = 60_000;
const T0 = Date.UTC(2025, 0, 6);

function trip(pickupMin: number, from: string, dropoffMin: number, to: string, fare: number, miles: number): TripCellInput {
  return { pickupTs: T0 + pickupMin * M, dropoffTs: T0 + dropoffMin * M, pickupCells: [from], dropoffCells: [to], fare, miles };
}

/** Compact view: cell@endMin → [pickups, dropoffs, fare, miles, speedSum, speedCount] per window. */
function view(rows: CellWindowRow[]): Record<string, number[][]> {
  const out: Record<string, number[][]> = {};
  for (const r of rows) out[`${r.cell}@${(r.end - T0) / M}`] = r.windows.map((w) => [w.pickups, w.dropoffs, w.fare, w.miles, w.speedSum, w.speedCount]);
  return out;
}

const opts = { resolutions: [9], hopMs: 5 * M, sizesMs: [10 * M, 20 * M], allowedLatenessMs: 5 * M, idleRetentionMs: 20 * M };

test('options are validated', () => {
  assert.throws(() => new CellHoppingWindows({ ...opts, sizesMs: [7 * M] }), CellWindowOptionsError);
  assert.throws(() => new CellHoppingWindows({ ...opts, idleRetentionMs: 10 * M }), /idleRetentionMs/);
});

test('golden: hopping sums, watermark, out-of-order and late events', () => {
  const w = new CellHoppingWindows(opts);
  // 2 mi in 3 min = 40 mph; nothing closes: watermark = 4 − 5 min.
  let r = w.add(trip(1, 'A', 4, 'B', 10, 2));
  assert.deepEqual(r, { pickupLate: false, dropoffLate: false, rows: [] });
  // 3 mi in 9 min = 20 mph; watermark 7 min closes the boundary at 5.
  r = w.add(trip(3, 'A', 12, 'B', 20, 3));
  assert.deepEqual(view(r.rows), {
    'A@5': [
      [2, 0, 30, 5, 60, 2],
      [2, 0, 30, 5, 60, 2],
    ],
    'B@5': [
      [0, 1, 0, 0, 0, 0],
      [0, 1, 0, 0, 0, 0],
    ],
  });
  // Out of order: its pickup pane [0, 5) is already emitted → late; the dropoff is not.
  r = w.add(trip(2, 'A', 13, 'C', 99, 9));
  assert.deepEqual([r.pickupLate, r.dropoffLate, r.rows.length], [true, false, 0]);
  // A zero-mile trip: counted, no fare per mile, speed 0.
  r = w.add(trip(6, 'B', 16, 'A', 8, 0));
  assert.deepEqual(view(r.rows), {
    'A@10': [
      [2, 0, 30, 5, 60, 2],
      [2, 0, 30, 5, 60, 2],
    ],
    'B@10': [
      [1, 1, 0, 0, 0, 1],
      [1, 1, 0, 0, 0, 1],
    ],
    'C@10': [
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ],
  });
  // Both ends inside the emitted [5, 10) pane: late, no window changes.
  r = w.add(trip(7, 'A', 9, 'B', 5, 1));
  assert.deepEqual([r.pickupLate, r.dropoffLate, r.rows.length], [true, true, 0]);
  assert.equal(w.lateCount, 3);
  assert.deepEqual(view(w.flush()), {
    'A@15': [
      [0, 0, 0, 0, 0, 0],
      [2, 0, 30, 5, 60, 2],
    ],
    'B@15': [
      [1, 1, 0, 0, 0, 1],
      [1, 2, 0, 0, 0, 1],
    ],
    'C@15': [
      [0, 1, 0, 0, 0, 0],
      [0, 1, 0, 0, 0, 0],
    ],
    'A@20': [
      [0, 1, 0, 0, 0, 0],
      [2, 1, 30, 5, 60, 2],
    ],
    'B@20': [
      [0, 1, 0, 0, 0, 0],
      [1, 2, 0, 0, 0, 1],
    ],
    'C@20': [
      [0, 1, 0, 0, 0, 0],
      [0, 1, 0, 0, 0, 0],
    ],
  });
});

test('idle cells keep emitting zero rows for idleRetentionMs, then drop out; empty stretches are skipped', () => {
  const w = new CellHoppingWindows(opts);
  const rows = [...w.add(trip(1, 'A', 4, 'B', 10, 2)).rows];
  rows.push(...w.add(trip(6, 'A', 16, 'A', 10, 2)).rows); // A's last pane ends at 20, B's at 5
  rows.push(...w.advanceTo(T0 + 60 * M)); // watermark 55
  const ends = (cell: string) => rows.filter((r) => r.cell === cell).map((r) => (r.end - T0) / M);
  assert.deepEqual(ends('A'), [5, 10, 15, 20, 25, 30, 35]);
  assert.deepEqual(ends('B'), [5, 10, 15, 20]);
  assert.deepEqual(w.liveCells(), [0]);
  // The stretch up to the watermark was skipped: an event inside it is late.
  assert.equal(w.add(trip(50, 'A', 61, 'A', 1, 1)).pickupLate, true);
  assert.equal(w.add(trip(58, 'A', 62, 'A', 1, 1)).pickupLate, false);
});

test('rows come out by boundary, then resolution, then cell; every resolution gets its own cells', () => {
  const w = new CellHoppingWindows({ ...opts, resolutions: [7, 9] });
  w.add({ pickupTs: T0 + M, dropoffTs: T0 + 2 * M, pickupCells: ['p7', 'z9'], dropoffCells: ['p7', 'a9'], fare: 5, miles: 1 });
  const rows = w.flush();
  assert.deepEqual(
    rows.map((r) => `${r.resolution}:${r.cell}:${r.windows[0]!.pickups}/${r.windows[0]!.dropoffs}`),
    ['7:p7:1/1', '9:a9:0/1', '9:z9:1/0'],
  );
});

const DEFAULT = { resolutions: [9], hopMs: 5 * M, sizesMs: [15 * M, 60 * M], allowedLatenessMs: 30 * M, idleRetentionMs: 360 * M };
const at = (ts: number, cell: string): TripCellInput => ({ pickupTs: ts, dropoffTs: ts, pickupCells: [cell], dropoffCells: [cell], fare: 5, miles: 1 });
const GAP = (30 * 1440 + 35) * M; // not a whole number of rings: the old pane is not overwritten
// Walking a 30-day gap hop by hop emits 8 640 boundaries (a row each for every cell live
// across it); skipping it, only the idle retention after the old activity and the lead-in
// before the new one remain.
const BOUND = (2 * DEFAULT.idleRetentionMs) / DEFAULT.hopMs + 2;

for (const [name, oldCell, newCell] of [
  ['in another cell', 'OLD', 'NEW'],
  ['in the same cell', 'A', 'A'],
] as const) {
  test(`a gap in the stream is skipped, not walked: a 1970 trip then one 30 days later ${name}`, () => {
    const w = new CellHoppingWindows(DEFAULT);
    assert.deepEqual(w.add(at(0, oldCell)).rows, []);
    const rows = w.add(at(GAP, newCell)).rows;
    assert.ok(rows.length <= BOUND, `${rows.length} rows > ${BOUND}`);
    assert.ok(rows.every((r) => r.end <= DEFAULT.idleRetentionMs + DEFAULT.hopMs || r.end >= GAP - DEFAULT.idleRetentionMs), 'no row in the middle of the gap');
    assert.ok(rows.some((r) => r.end === 5 * M && r.windows[0]!.pickups === 1), 'the old trip is still counted in its windows');
    // The windows go on normally after the gap.
    const next = w.add(at(GAP + 60 * M, newCell)).rows;
    assert.ok(next.length > 0 && next.every((r) => r.cell === newCell && r.end > GAP - DEFAULT.idleRetentionMs));
    assert.equal(w.add(at(GAP - 120 * M, newCell)).pickupLate, true, 'a pickup far behind the new watermark is late');
  });
}

test('a fresh partition whose first trip was picked up in 1970 and dropped off today walks no gap', () => {
  const w = new CellHoppingWindows(DEFAULT);
  const rows = w.add({ pickupTs: 0, dropoffTs: GAP, pickupCells: ['A'], dropoffCells: ['B'], fare: 5, miles: 1 }).rows;
  assert.ok(rows.length <= BOUND, `${rows.length} rows > ${BOUND}`);
});

test('what a cell saw lately survives a snapshot, and a snapshot without it restores as before', () => {
  const w = new CellHoppingWindows(opts);
  w.add(trip(1, 'A', 4, 'B', 10, 2));
  const snap = w.snapshot();
  assert.equal(snap.cells[0]![0]!.length, 5);
  const old = { ...snap, cells: snap.cells.map((l) => l.map(([c, i, p, last]) => [c, i, p, last] as [string, string, string, number | null])) };
  const a = new CellHoppingWindows(opts);
  a.restore(snap);
  const b = new CellHoppingWindows(opts);
  b.restore(old);
  assert.deepEqual(view(a.add(trip(20, 'A', 30, 'B', 10, 2)).rows), view(b.add(trip(20, 'A', 30, 'B', 10, 2)).rows));
});
