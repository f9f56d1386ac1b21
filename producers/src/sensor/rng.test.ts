import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng, deriveSeed, RngStream } from './rng.ts';

const draw = (seed: number, n: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    assert.deepEqual(draw(42, 100), draw(42, 100));
    assert.notDeepEqual(draw(42, 100), draw(43, 100));
  });

  it('draws uniforms in [0, 1) with the right mean', () => {
    const xs = draw(7, 100_000);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  });

  it('draws finite standard normals', () => {
    const rng = createRng(9);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const g = rng.gaussian();
      assert.ok(Number.isFinite(g));
      sum += g;
      sumSq += g * g;
    }
    const mean = sum / n;
    const sd = Math.sqrt(sumSq / n - mean * mean);
    assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
    assert.ok(Math.abs(sd - 1) < 0.02, `sd ${sd}`);
  });
});

describe('deriveSeed', () => {
  it('separates streams, indices and seeds (including seeds beyond 32 bits)', () => {
    const seeds = new Set([
      deriveSeed(1, RngStream.weather, 0),
      deriveSeed(1, RngStream.faults, 0),
      deriveSeed(1, RngStream.faults, 1),
      deriveSeed(2, RngStream.faults, 0),
      deriveSeed(1 + 2 ** 32, RngStream.faults, 0),
    ]);
    assert.equal(seeds.size, 5);
    assert.equal(deriveSeed(5, RngStream.stationNoise, 3), deriveSeed(5, RngStream.stationNoise, 3));
  });
});
