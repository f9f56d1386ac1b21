import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anomalyLikelihood, NUMENTA_LIKELIHOOD } from './anomaly-likelihood.ts';

const o = { ...NUMENTA_LIKELIHOOD, learning: 50, history: 500 };

test('causal: the output for row t does not change when later rows do', () => {
  const a = Float64Array.from({ length: 400 }, (_, i) => 20 + 10 * Math.sin(i / 7));
  const b = Float64Array.from(a);
  for (let i = 300; i < 400; i++) b[i] = 100;
  const la = anomalyLikelihood(a, o);
  const lb = anomalyLikelihood(b, o);
  assert.deepEqual(la.subarray(0, 300), lb.subarray(0, 300));
  assert.notDeepEqual(la.subarray(300), lb.subarray(300));
});

test('a burst after a calm history is red once, then yellow; calm stays low', () => {
  const s = Float64Array.from({ length: 400 }, (_, i) => 20 + 2 * Math.sin(i / 7));
  for (let i = 300; i < 320; i++) s[i] = 100;
  const l = anomalyLikelihood(s, o);
  const calmMax = Math.max(...l.subarray(60, 300));
  const burst = l.subarray(300, 320);
  const first = burst.findIndex((v) => v >= 50);
  assert.ok(calmMax < 50, `calm history scores up to ${calmMax}`);
  assert.ok(first >= 0 && first < 5, 'the burst is flagged within a few readings');
  // Red (tail ≤ 1e-5 ⇒ score ≥ 50) is reported once; the rest of the run at most yellow (tail 1e-3 ⇒ 30).
  assert.equal(burst.filter((v) => v >= 50).length, 1);
});
