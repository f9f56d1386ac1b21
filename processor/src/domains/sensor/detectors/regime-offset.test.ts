import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRegimeOffset } from './regime-offset.ts';

function noise(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

test('a step that lasts stays flagged for as long as it lasts, then clears', () => {
  const r = createRegimeOffset();
  const rnd = noise(1);
  for (let i = 0; i < 800; i++) r.update(10 + rnd());
  assert.ok(r.surprise < 5, `calm before the step, got ${r.surprise}`);
  let flagged = 0;
  for (let i = 0; i < 400; i++) if (r.update(8 + rnd()).surprise >= 7) flagged++;
  assert.ok(flagged > 340, `step flagged on most readings, got ${flagged}/400`);
  for (let i = 0; i < 100; i++) r.update(10 + rnd());
  assert.ok(r.surprise < 4, `clears once the level is back, got ${r.surprise}`);
});

test('a slow drift is followed rather than frozen out', () => {
  const r = createRegimeOffset();
  const rnd = noise(2);
  for (let i = 0; i < 800; i++) r.update(10 + rnd());
  let flagged = 0;
  for (let i = 0; i < 3000; i++) if (r.update(10 + i * 0.002 + rnd()).surprise >= 7) flagged++;
  assert.ok(flagged < 300, `a gradual drift does not hold an alarm for its whole length, got ${flagged}`);
});

test('nothing is reported during warm-up, and snapshot/restore continues identically', () => {
  const a = createRegimeOffset({ warmup: 50 });
  const rnd = noise(3);
  for (let i = 0; i < 49; i++) assert.equal(a.update(5 + rnd()).surprise, 0);
  for (let i = 0; i < 200; i++) a.update(5 + rnd());
  const b = createRegimeOffset({ warmup: 50 });
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  for (let i = 0; i < 50; i++) {
    const v = 4 + rnd();
    assert.equal(b.update(v).surprise, a.update(v).surprise);
  }
  assert.throws(() => createRegimeOffset({ alpha: 0 }), /regimeOffset option alpha/);
});
