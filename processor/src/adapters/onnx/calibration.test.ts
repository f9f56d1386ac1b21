import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibratedScore, percentileOf, type ClusterCalibration } from './calibration.ts';

const cal: ClusterCalibration = {
  probabilities: [0, 0.5, 0.99, 0.999, 1],
  quantiles: [0.3, 0.45, 0.6, 0.65, 0.7],
  anchorPercentiles: [0, 0.99, 0.999, 1],
  anchorScores: [0, 70, 85, 95],
  rawCeiling: 1,
};

test('anchors: 99th percentile ↦ 70, 99.9th ↦ 85, training maximum ↦ 95, ceiling ↦ 100', () => {
  assert.equal(calibratedScore(0.2, cal), 0);
  assert.equal(calibratedScore(0.6, cal), 70);
  assert.ok(Math.abs(calibratedScore(0.65, cal) - 85) < 1e-12);
  assert.equal(calibratedScore(0.7, cal), 95);
  assert.ok(Math.abs(calibratedScore(0.85, cal) - 97.5) < 1e-12);
  assert.equal(calibratedScore(1, cal), 100);
  assert.equal(calibratedScore(5, cal), 100);
});

test('monotone, also across tied quantiles', () => {
  const tied: ClusterCalibration = { ...cal, quantiles: [0.4, 0.4, 0.5, 0.5, 0.7] };
  for (const c of [cal, tied]) {
    let prev = -1;
    for (let r = 0; r <= 1.0001; r += 0.0005) {
      const s = calibratedScore(r, c);
      assert.ok(s >= prev && s >= 0 && s <= 100, `raw ${r}: ${s} after ${prev}`);
      prev = s;
    }
  }
});

test('percentile interpolates between quantiles', () => {
  assert.equal(percentileOf(0.375, cal.quantiles, cal.probabilities), 0.25);
  assert.equal(percentileOf(0.29, cal.quantiles, cal.probabilities), 0);
  assert.equal(percentileOf(0.7, cal.quantiles, cal.probabilities), 1);
});
