import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SEVERITY_BANDS, severityOf } from '../../../contracts/severity.ts';
import { createScoreScale, ScoreScaleOptionsError, surpriseToScore } from './score-scale.ts';

test('score is 0 at no surprise, 50 at z0 and tends to 100', () => {
  const s = createScoreScale();
  assert.equal(s.toScore(0), 0);
  assert.equal(s.toScore(Number.NaN), 0);
  assert.equal(s.toScore(-3), 0);
  assert.ok(Math.abs(s.toScore(s.options.z0) - 50) < 1e-9);
  assert.equal(s.toScore(Infinity), 100);
  assert.ok(s.toScore(1e6) <= 100 && s.toScore(1e6) > 99.99);
});

test('score is monotone in the surprise', () => {
  const s = createScoreScale();
  let prev = -1;
  for (let z = 0; z < 30; z += 0.01) {
    const v = s.toScore(z);
    assert.ok(v >= prev, `not monotone at z=${z}`);
    prev = v;
  }
});

test('defaults keep ordinary noise far below the minor band and clear faults above it', () => {
  const s = createScoreScale();
  assert.ok(s.toScore(3) < 20, 'a 3σ reading is ordinary');
  assert.ok(s.toScore(4) < 40, 'a 4σ reading is still not an anomaly');
  assert.equal(severityOf(s.toScore(6)), 'minor');
  assert.equal(severityOf(s.toScore(8)), 'major');
  assert.equal(severityOf(s.toScore(10)), 'critical');
  // The band edges sit at the documented surprises.
  assert.ok(Math.abs(s.toSurprise(DEFAULT_SEVERITY_BANDS.minor) - 5.56) < 0.01);
  assert.ok(Math.abs(s.toSurprise(DEFAULT_SEVERITY_BANDS.major) - 6.94) < 0.01);
  assert.ok(Math.abs(s.toSurprise(DEFAULT_SEVERITY_BANDS.critical) - 9.40) < 0.01);
});

test('toSurprise inverts toScore', () => {
  const s = createScoreScale({ z0: 3, k: 2.5 });
  for (const score of [1, 10, 50, 70, 85, 95, 99.9]) assert.ok(Math.abs(s.toScore(s.toSurprise(score)) - score) < 1e-9);
  assert.equal(s.toSurprise(0), 0);
  assert.equal(s.toSurprise(100), Infinity);
  assert.equal(surpriseToScore(3, 3, 2.5), 50);
});

test('invalid parameters are rejected with a named error', () => {
  assert.throws(() => createScoreScale({ z0: 0 }), ScoreScaleOptionsError);
  assert.throws(() => createScoreScale({ k: Number.NaN }), /k must be a finite number > 0/);
});
