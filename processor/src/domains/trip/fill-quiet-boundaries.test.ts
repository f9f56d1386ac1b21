import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillQuietBoundaries } from './fill-quiet-boundaries.ts';

const HOP = 300_000;
const point = (windowEnd: number, pickups15m: number) => ({ windowEnd, pickups15m, pickups60m: pickups15m, dropoffs60m: 0, expected15m: 1.5, score: 3 });

test('the boundaries missing between stored points come back as zeros, oldest first', () => {
  const out = fillQuietBoundaries([point(0, 2), point(3 * HOP, 1)], HOP, 100);
  assert.deepEqual(out.map((p) => [p.windowEnd, p.pickups15m, p.expected15m, p.score]), [
    [0, 2, 1.5, 3],
    [HOP, 0, null, 0],
    [2 * HOP, 0, null, 0],
    [3 * HOP, 1, 1.5, 3],
  ]);
});

test('only the newest `max` points are kept, so the series spans the hours asked for', () => {
  const out = fillQuietBoundaries([point(0, 2), point(10 * HOP, 1)], HOP, 4);
  assert.deepEqual(out.map((p) => p.windowEnd), [7 * HOP, 8 * HOP, 9 * HOP, 10 * HOP]);
});

test('consecutive points and an empty series are left as they are', () => {
  assert.deepEqual(fillQuietBoundaries([], HOP, 10), []);
  const pts = [point(HOP, 1), point(2 * HOP, 2)];
  assert.deepEqual(fillQuietBoundaries(pts, HOP, 10), pts);
});
