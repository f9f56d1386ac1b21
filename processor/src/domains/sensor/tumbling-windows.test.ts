import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TumblingWindows, windowMeans } from './tumbling-windows.ts';

const MIN = 60_000;

test('a window closes when the watermark (max ts − lateness) passes its end', () => {
  const w = new TumblingWindows(5 * MIN, 2 * MIN);
  assert.deepEqual(w.add('a', 0, { p: 1 }, 10).closed, []);
  assert.deepEqual(w.add('a', 4 * MIN, { p: 3 }, 20).closed, []);
  // max ts 6 min → watermark 4 min < 5 min: still open
  assert.deepEqual(w.add('a', 6 * MIN, { p: 5 }, 0).closed, []);
  const r = w.add('a', 7 * MIN, { p: 7 }, 0);
  assert.equal(r.closed.length, 1);
  const c = r.closed[0]!;
  assert.equal(c.start, 0);
  assert.equal(c.end, 5 * MIN);
  assert.equal(c.count, 2);
  assert.deepEqual(windowMeans(c), { p: 2 });
  assert.deepEqual([c.min.p, c.max.p, c.maxScore], [1, 3, 20]);
});

test('out-of-order readings within the allowed lateness land in their window', () => {
  const w = new TumblingWindows(5 * MIN, 2 * MIN);
  w.add('a', 6 * MIN, { p: 10 }, 0);
  assert.equal(w.add('a', 4 * MIN, { p: 2 }, 0).late, false); // watermark 4 min, window [0,5) open
  const closed = w.add('a', 8 * MIN, { p: 0 }, 0).closed;
  assert.equal(closed[0]!.count, 1);
  assert.equal(closed[0]!.sum.p, 2);
});

test('a reading for an already closed window is late and changes nothing', () => {
  const w = new TumblingWindows(5 * MIN, 0);
  w.add('a', 1 * MIN, { p: 1 }, 0);
  assert.equal(w.add('a', 5 * MIN, { p: 1 }, 0).closed.length, 1);
  assert.deepEqual(w.add('a', 2 * MIN, { p: 99 }, 0), { late: true, closed: [] });
});

test('keys have independent watermarks', () => {
  const w = new TumblingWindows(5 * MIN, 0);
  w.add('a', 0, { p: 1 }, 0);
  w.add('b', 0, { p: 1 }, 0);
  assert.equal(w.add('a', 60 * MIN, { p: 1 }, 0).closed.length, 1);
  assert.equal(w.add('b', 1 * MIN, { p: 1 }, 0).late, false);
});

test('a jump closes several windows in order; flush closes the rest', () => {
  const w = new TumblingWindows(5 * MIN, MIN);
  w.add('a', 0, { p: 1 }, 0);
  w.add('a', 5 * MIN, { p: 1 }, 0);
  const closed = w.add('a', 30 * MIN, { p: 1 }, 0).closed;
  assert.deepEqual(closed.map((c) => c.start), [0, 5 * MIN]);
  assert.deepEqual(w.flush().map((c) => c.start), [30 * MIN]);
});

test('snapshot → JSON → restore continues exactly where it left off', () => {
  const a = new TumblingWindows(5 * MIN, MIN);
  a.add('a', 0, { p: 1 }, 0);
  a.add('a', 3 * MIN, { p: 3 }, 0);
  const b = new TumblingWindows(5 * MIN, MIN);
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  assert.deepEqual(b.add('a', 9 * MIN, { p: 5 }, 0), a.add('a', 9 * MIN, { p: 5 }, 0));
  assert.deepEqual(b.add('b', 0, { p: 1 }, 0), a.add('b', 0, { p: 1 }, 0));
  assert.throws(() => new TumblingWindows(MIN, 0).restore(a.snapshot()), /ms/);
});
