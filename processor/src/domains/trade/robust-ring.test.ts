import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RobustRing } from './robust-ring.ts';

test('median and MAD of the last values, golden', () => {
  const r = new RobustRing(5);
  for (const v of [1, 2, 3, 4, 100]) r.add(v);
  assert.deepEqual(r.stats(), { median: 3, mad: 1 });
  r.add(5); // evicts 1: [2, 3, 4, 100, 5]
  assert.deepEqual(r.stats(), { median: 4, mad: 1 });
  assert.equal(r.n, 6);
  assert.equal(r.size, 5);
  // (10 − 4) / (1.4826 · 1)
  assert.ok(Math.abs(r.z(10, 5, 0.01) - 4.046944556859571) < 1e-12);
});

test('z is 0 before minCount and the MAD is floored', () => {
  const r = new RobustRing(8);
  for (let i = 0; i < 3; i++) r.add(2);
  assert.equal(r.z(50, 4, 0.1), 0);
  r.add(2);
  assert.ok(Math.abs(r.z(2.3, 4, 0.1) - 0.3 / 0.14826) < 1e-9);
});

test('a restored ring answers and evolves exactly like the original', () => {
  const a = new RobustRing(4);
  for (const v of [5, 1, 9, 3, 7, 2]) a.add(v);
  const b = RobustRing.restore(4, JSON.parse(JSON.stringify(a.snapshot())));
  assert.deepEqual(b.snapshot(), a.snapshot());
  for (const v of [11, 4, 6]) {
    a.add(v);
    b.add(v);
    assert.deepEqual(b.stats(), a.stats());
    assert.deepEqual(b.snapshot(), a.snapshot());
  }
});

test('median and MAD from the sorted copy equal a sort of the held values, through evictions', () => {
  const r = new RobustRing(16);
  let x = 7;
  const held: number[] = [];
  for (let i = 0; i < 200; i++) {
    // A small LCG with repeats, so ties and evictions of equal values happen.
    x = (x * 1103515245 + 12345) % 2147483648;
    const v = (x % 37) / 4;
    r.add(v);
    held.push(v);
    if (held.length > 16) held.shift();
    const s = [...held].sort((a, b) => a - b);
    const mid = s.length >> 1;
    const med = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
    const dev = s.map((y) => Math.abs(y - med)).sort((a, b) => a - b);
    const mad = dev.length % 2 ? dev[mid]! : (dev[mid - 1]! + dev[mid]!) / 2;
    assert.deepEqual(r.stats(), { median: med, mad });
    assert.equal(r.median(), med);
  }
});
