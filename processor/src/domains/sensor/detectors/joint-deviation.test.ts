import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createJointDeviation } from './joint-deviation.ts';
import { gaussian, mulberry32 } from './test-series.ts';

/** Trains a 2-channel joint component on `n` normal offset vectors with correlation `rho`. */
function trained(rho: number, n = 3000, seed = 1) {
  const names = ['pressure', 'flow'];
  const j = createJointDeviation(names, { warmup: 100 });
  j.grow(2);
  const u = new Float64Array(2);
  const live = new Uint8Array([1, 1]);
  const rng = mulberry32(seed);
  for (let i = 0; i < n; i++) {
    const a = gaussian(rng);
    u[0] = a;
    u[1] = rho * a + Math.sqrt(1 - rho * rho) * gaussian(rng);
    j.update(u, live, i);
  }
  return {
    j,
    score(p: number, f: number) {
      u[0] = p;
      u[1] = f;
      return j.update(u, live, n).surprise;
    },
  };
}

test('two channels off together score higher than either alone', () => {
  const { j, score } = trained(0);
  const both = score(-4, 4);
  assert.equal(j.feature, "pressure+flow");
  assert.match(j.reason, /pressure −4σ and flow \+4σ|flow \+4σ and pressure −4σ/);
  const one = score(-4, 0);
  assert.ok(both > 5, `both ${both}`);
  assert.ok(one < 4, `one ${one}: a single channel is left to the per-channel score`);
});

test('normal variation is not inflated: surprise is |z|-like', () => {
  const { j } = trained(0, 1000, 2);
  const rng = mulberry32(3);
  const u = new Float64Array(2);
  const live = new Uint8Array([1, 1]);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < 5000; i++) {
    u[0] = gaussian(rng);
    u[1] = gaussian(rng);
    const s = j.update(u, live, i).surprise;
    sum += s;
    max = Math.max(max, s);
  }
  assert.ok(sum / 5000 < 1.2, `mean ${sum / 5000}`);
  assert.ok(max < 5, `max ${max}`);
});

test('offsets along the usual correlation are discounted, against it amplified', () => {
  const { score } = trained(-0.8);
  const along = score(-3, 3); // usual: flow up when pressure down
  const against = score(3, 3);
  assert.ok(against > along + 1, `along ${along}, against ${against}`);
});

test('channels that are absent or still warming up are ignored', () => {
  const j = createJointDeviation(['a', 'b', 'c'], { warmup: 10 });
  j.grow(3);
  const u = new Float64Array([5, 5, 5]);
  assert.equal(j.update(u, new Uint8Array([1, 1, 1]), 0).surprise, 0, 'warming up');
  const { j: t, score } = trained(0);
  assert.ok(score(5, 5) > 0);
  assert.equal(t.update(new Float64Array([5, 5]), new Uint8Array([1, 0]), 0).surprise, 0, 'one live channel');
});

test('snapshot and restore continue identically, and new channels can join later', () => {
  const { j } = trained(0.3, 500);
  const k = createJointDeviation(['pressure', 'flow'], { warmup: 100 });
  k.restore(JSON.parse(JSON.stringify(j.snapshot())));
  const rng = mulberry32(5);
  const u = new Float64Array(2);
  const live = new Uint8Array([1, 1]);
  for (let i = 0; i < 300; i++) {
    u[0] = gaussian(rng);
    u[1] = gaussian(rng);
    assert.equal(k.update(u, live, i).surprise, j.update(u, live, i).surprise);
  }
  j.grow(3);
  assert.equal(j.snapshot().dims, 3);
  assert.equal(j.snapshot().cov[8], 1);
});
