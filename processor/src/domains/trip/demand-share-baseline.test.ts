import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DemandShareBaseline, type ShareExpectation } from './demand-share-baseline.ts';

const HOP = 300_000;
const T0 = Date.UTC(2025, 2, 10, 4); // Monday 00:00 New York
const fresh = (): ShareExpectation => ({ mean: 0, shape: 0, level: -1, share: 0, postShape: 0 });

/** Feed `boundaries` hops: city count per 15-min window and each cell's. */
function feed(b: DemandShareBaseline, from: number, boundaries: number, city: (end: number) => number, cells: (end: number) => Record<string, number>): number {
  let end = from;
  for (let i = 0; i < boundaries; i++) {
    end += HOP;
    b.setBoundary(end);
    b.learn(city(end), new Map(Object.entries(cells(end))));
  }
  return end;
}

test('nothing learnt: no expectation; after a day, the daily profile answers', () => {
  const b = new DemandShareBaseline();
  b.setBoundary(T0 + HOP);
  assert.equal(b.expect('a', 100, fresh()).level, -1);
  const end = feed(b, T0, 288, () => 100, () => ({ a: 10 }));
  b.setBoundary(end + HOP);
  const e = b.expect('a', 100, fresh());
  assert.equal(b.options.levels[e.level]!.name, 'hour-of-day×daytype');
  assert.ok(Math.abs(e.mean - 10) < 0.3, `mean ${e.mean}`);
  assert.ok(Math.abs(e.share - 0.1) < 0.003);
});

test('expectations are shares: a city-wide halving halves what each cell is expected to do', () => {
  const b = new DemandShareBaseline();
  const end = feed(b, T0, 288 * 2, () => 200, () => ({ a: 20, b: 2 }));
  b.setBoundary(end + HOP);
  const full = b.expect('a', 200, fresh()).mean;
  const half = b.expect('a', 100, fresh()).mean;
  assert.ok(Math.abs(half - full / 2) < 1e-9);
  assert.ok(Math.abs(b.expect('b', 200, fresh()).mean - 2) < 0.15);
});

test('an unseen cell expects almost nothing, with a wide (small-shape) predictive', () => {
  const b = new DemandShareBaseline();
  const end = feed(b, T0, 288 * 2, () => 200, () => ({ a: 20 }));
  b.setBoundary(end + HOP);
  const e = b.expect('never-seen', 200, fresh());
  assert.ok(e.level >= 0);
  assert.ok(e.mean < 0.05, `mean ${e.mean}`);
  assert.ok(e.shape < 1, `shape ${e.shape}`);
  const busy = b.expect('a', 200, fresh());
  assert.ok(busy.shape > 5, `a busy cell is known tightly, shape ${busy.shape}`);
});

test('inside an hour, the expectation comes from earlier days only (a surge does not teach itself)', () => {
  const b = new DemandShareBaseline();
  let end = feed(b, T0, 288, () => 100, () => ({ a: 5 }));
  // Tuesday 00:00–00:30: cell a triples; its expectation for the rest of that hour stays put.
  b.setBoundary(end + HOP);
  const before = b.expect('a', 100, fresh()).mean;
  end = feed(b, end, 6, () => 100, () => ({ a: 15 }));
  b.setBoundary(end + HOP);
  assert.equal(b.expect('a', 100, fresh()).mean, before);
});

test('state round trip (JSON) continues identically', () => {
  const a = new DemandShareBaseline();
  const mix = (end: number) => ({ x: (end / HOP) % 7, y: 3 + ((end / HOP) % 3) });
  let end = feed(a, T0, 400, (e) => 80 + ((e / HOP) % 11), mix);
  const b = new DemandShareBaseline();
  b.restoreState(JSON.parse(JSON.stringify(a.captureState())));
  for (let i = 0; i < 300; i++) {
    end = feed(a, end, 1, () => 90, mix);
    feed(b, end - HOP, 1, () => 90, mix);
    a.setBoundary(end + HOP);
    b.setBoundary(end + HOP);
    assert.deepEqual(a.expect('x', 90, fresh()), b.expect('x', 90, fresh()));
    assert.deepEqual(a.expect('z', 90, fresh()), b.expect('z', 90, fresh()));
  }
});
