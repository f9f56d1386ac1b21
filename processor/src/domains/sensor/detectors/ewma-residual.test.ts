import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEwmaResidual } from './ewma-residual.ts';
import { DetectorOptionsError } from '../../../core/component.ts';
import { gaussian, mulberry32 } from './test-series.ts';

function noisy(seed: number, n: number, level = 10, sigma = 1): number[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => level + sigma * gaussian(rng));
}

test('reports no surprise during warm-up', () => {
  const c = createEwmaResidual({ warmup: 30 });
  const xs = noisy(1, 30);
  xs[10] = 1000;
  for (const x of xs) assert.equal(c.update(x, 0).surprise, 0);
});

test('surprise of ordinary Gaussian noise is |z|-like', () => {
  const c = createEwmaResidual();
  let max = 0;
  let sumSq = 0;
  const xs = noisy(2, 5000);
  xs.forEach((x, i) => {
    const s = c.update(x, i).surprise;
    if (i >= 100) {
      max = Math.max(max, s);
      sumSq += s * s;
    }
  });
  const rms = Math.sqrt(sumSq / 4900);
  assert.ok(rms > 0.85 && rms < 1.25, `rms surprise ${rms}`);
  assert.ok(max < 5.5, `max surprise ${max}`);
});

test('a spike is flagged with its expected value, and does not blind the next one', () => {
  const c = createEwmaResidual();
  const xs = noisy(3, 400);
  xs[300] = 10 + 12;
  xs[304] = 10 - 12;
  let s300 = 0;
  let s304 = 0;
  xs.forEach((x, i) => {
    const out = c.update(x, i);
    if (i === 300) {
      s300 = out.surprise;
      assert.ok(Math.abs(out.expected! - 10) < 1.5);
      assert.match(out.reason, /above the recent level/);
    }
    if (i === 304) s304 = out.surprise;
  });
  assert.ok(s300 > 9, `first spike ${s300}`);
  assert.ok(s304 > 8, `second spike ${s304}`);
});

test('a near-constant series does not explode on its smallest step', () => {
  const c = createEwmaResidual();
  // A quantised, mostly flat channel: 20.0 with an occasional 0.1 step.
  let max = 0;
  for (let i = 0; i < 2000; i++) {
    const x = i % 97 === 0 ? 20.1 : 20.0;
    max = Math.max(max, c.update(x, i).surprise);
  }
  assert.ok(max < 2, `max ${max}`);
  // A constant channel, then a tiny float wiggle.
  const k = createEwmaResidual();
  for (let i = 0; i < 200; i++) k.update(5, i);
  assert.ok(k.update(5 + 1e-9, 200).surprise < 1);
});

test('a genuine step is relearnt after a few readings instead of alarming for long', () => {
  const c = createEwmaResidual({ relearnAfter: 5 });
  const xs = noisy(4, 600);
  for (let i = 300; i < 600; i++) xs[i] = xs[i]! + 30;
  const s = xs.map((x, i) => c.update(x, i).surprise);
  assert.ok(s[300]! > 20);
  assert.ok(Math.max(...s.slice(310)) < 6, `after relearning ${Math.max(...s.slice(310))}`);
});

test('options are validated', () => {
  assert.throws(() => createEwmaResidual({ alphaMin: 0 }), DetectorOptionsError);
  assert.throws(() => createEwmaResidual({ clip: -1 }), /clip must be a finite number/);
});

test('snapshot and restore continue identically', () => {
  const a = createEwmaResidual();
  const xs = noisy(5, 300);
  for (let i = 0; i < 200; i++) a.update(xs[i]!, i);
  const b = createEwmaResidual();
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  for (let i = 200; i < 300; i++) assert.equal(b.update(xs[i]!, i).surprise, a.update(xs[i]!, i).surprise);
});

test('the level follows a wandering channel closely and smooths a steady noisy one', () => {
  const rng = mulberry32(6);
  const walk = createEwmaResidual();
  const steady = createEwmaResidual();
  let level = 0;
  let walkSq = 0;
  let steadySq = 0;
  for (let i = 0; i < 3000; i++) {
    level += 2 * gaussian(rng); // random walk, innovations 2× the noise
    const w = walk.update(level + gaussian(rng), i);
    const s = steady.update(10 + gaussian(rng), i);
    if (i >= 500) {
      walkSq += w.z * w.z;
      steadySq += s.z * s.z;
    }
  }
  assert.ok(walk.alpha() > 0.6, `walk α ${walk.alpha()}`);
  assert.ok(steady.alpha() <= 0.15, `steady α ${steady.alpha()}`);
  // Either way the residuals are standardised: |z| has roughly unit spread.
  for (const sq of [walkSq, steadySq]) assert.ok(Math.sqrt(sq / 2500) < 1.3);
});
