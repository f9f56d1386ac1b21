import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFlatline } from './flatline.ts';
import { gaussian, mulberry32 } from './test-series.ts';
import { createScoreScale } from '../../../core/score-scale.ts';

const z70 = createScoreScale().toSurprise(70);

/** Feeds `clean` readings, then repeats the last one; returns the repeat count at which z70 is reached. */
function repeatsToAlarm(clean: number[], maxRepeats = 500, opts = {}): number {
  const c = createFlatline(opts);
  clean.forEach((x, i) => c.update(x, i));
  const stuck = clean[clean.length - 1]!;
  for (let r = 1; r <= maxRepeats; r++) {
    if (c.update(stuck, clean.length + r).surprise >= z70) return r;
  }
  return Infinity;
}

test('a stuck noisy float channel is flagged within a few repeats', () => {
  const rng = mulberry32(1);
  const clean = Array.from({ length: 500 }, () => 50 + gaussian(rng));
  const r = repeatsToAlarm(clean);
  assert.ok(r <= 10, `needed ${r} repeats`);
  const c = createFlatline();
  clean.forEach((x, i) => c.update(x, i));
  for (let i = 0; i < 12; i++) c.update(clean[499]!, 500 + i);
  assert.match(c.reason, /unchanged for 13 readings/);
});

test('a quantised channel with normal repeats needs a longer run, but still within ~30', () => {
  const rng = mulberry32(2);
  const clean = Array.from({ length: 2000 }, () => Number((20 + 0.2 * gaussian(rng)).toFixed(1)));
  const noisyFloat = repeatsToAlarm(Array.from({ length: 2000 }, () => 20 + 0.2 * gaussian(rng)));
  const r = repeatsToAlarm(clean);
  assert.ok(r > noisyFloat, `quantised ${r} vs float ${noisyFloat}`);
  assert.ok(r <= 30, `needed ${r} repeats`);
});

test('normal repeats of a quantised channel do not alarm', () => {
  const rng = mulberry32(3);
  const c = createFlatline();
  let max = 0;
  for (let i = 0; i < 20000; i++) {
    // Slow daily-like wave quantised to 0.1: values sit on the same step for a while near peaks.
    const x = Number((20 + 2 * Math.sin(i / 229) + 0.1 * gaussian(rng)).toFixed(1));
    max = Math.max(max, c.update(x, i).surprise);
  }
  assert.ok(max < z70, `max ${max}`);
});

test('a channel that is normally constant is never flagged', () => {
  const c = createFlatline();
  for (let i = 0; i < 5000; i++) assert.equal(c.update(i < 2500 ? 1 : 0, i).surprise, 0);
});

test('one past stuck episode does not stop the next one from being detected', () => {
  const rng = mulberry32(4);
  const c = createFlatline();
  const z: number[] = [];
  let x = 0;
  for (let i = 0; i < 3000; i++) {
    const stuck = (i >= 1000 && i < 1100) || (i >= 2000 && i < 2100);
    if (!stuck) x = 10 + gaussian(rng);
    z.push(c.update(x, i).surprise);
  }
  const first = z.findIndex((s, i) => i >= 1000 && s >= z70) - 1000;
  const second = z.findIndex((s, i) => i >= 2000 && s >= z70) - 2000;
  assert.ok(first >= 0 && first <= 10, `first ${first}`);
  assert.ok(second >= 0 && second <= 30, `second ${second}`);
});
