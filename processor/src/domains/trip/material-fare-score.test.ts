import assert from 'node:assert/strict';
import { test } from 'node:test';
import { materialFareScore } from './material-fare-score.ts';

test('a statistically rare but small overcharge stays below the alarm; a material one keeps its score', () => {
  assert.ok(materialFareScore(13.1, 12, 88) < 70, '9 % over');
  assert.equal(materialFareScore(6.4, 4.2, 95), 95, '$2.20 over a short fare: 44 % of the $5 floor');
  assert.ok(materialFareScore(52, 45, 93) < 70, '$7 over $45 is only 16 %');
  assert.equal(materialFareScore(30, 12, 96), 96);
  assert.equal(materialFareScore(7.6, 5, 91), 91, '$2.60 and 52 % over');
  assert.ok(materialFareScore(5.9, 4, 90) < 70, 'under $2 over is never material');
  assert.equal(materialFareScore(10, 12, 40), 40, 'scores below the alarm pass unchanged');
});
