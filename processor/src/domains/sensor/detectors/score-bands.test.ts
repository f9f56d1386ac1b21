import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScoreBands } from './score-bands.ts';

test('state scores are unchanged up to the alarm threshold and stay below the onset band', () => {
  const b = createScoreBands();
  assert.equal(b.state(42), 42);
  assert.equal(b.state(70), 70);
  assert.ok(b.state(100) < 90 && b.state(100) > 89.9);
  assert.ok(b.state(85) > b.state(80));
});

test('regime offsets reach 70 at regimeAt70, onsets start at the onset floor', () => {
  const b = createScoreBands();
  assert.ok(Math.abs(b.regimeScore(7) - 70) < 1e-9);
  assert.equal(b.onset(1), 0);
  assert.ok(b.onset(1.01) >= 90 && b.onset(2) === 95 && b.onset(1e9) < 100);
  assert.throws(() => createScoreBands({ onsetFloor: 60 }), /onsetFloor/);
});
