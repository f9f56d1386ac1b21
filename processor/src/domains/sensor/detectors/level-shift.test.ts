import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLevelShift } from './level-shift.ts';
import { createScoreScale } from '../../../core/score-scale.ts';
import { DAY, HOUR, MINUTE, START_TS, cloneRows, dailySeries } from './test-series.ts';

const z70 = createScoreScale().toSurprise(70);
const SIGMA = 0.5;
const series = (seed: number, days: number) =>
  dailySeries({ seed, steps: days * 1440, channels: { x: { base: 100, amp: 20, noise: SIGMA } } });

function run(rows: { ts: number; channels: Record<string, number> }[], opts = {}) {
  const c = createLevelShift(opts);
  return rows.map((r) => {
    const out = c.update(r.channels.x!, r.ts);
    return { surprise: out.surprise, warm: out.warm, u: out.u, expected: out.expected };
  });
}

test('is silent until the daily profile is complete, then learns a daily cycle without alarms', () => {
  for (const seed of [1, 2, 3]) {
    const out = run(series(seed, 5));
    assert.ok(out.slice(0, 1440).every((o) => o.surprise === 0 && !o.warm), 'first day is warm-up');
    const max = Math.max(...out.map((o) => o.surprise));
    assert.ok(max < z70 - 1, `seed ${seed}: max surprise ${max}`);
    const late = out.slice(3 * 1440);
    const rms = Math.sqrt(late.reduce((s, o) => s + o.u * o.u, 0) / late.length);
    assert.ok(rms > 0.4 && rms < 1.5, `seed ${seed}: rms u ${rms}`);
    // The expectation tracks the sinusoid.
    const mid = out[4 * 1440 + 360]!;
    assert.ok(Math.abs(mid.expected! - 120) < 1, `expected ${mid.expected}`);
  }
});

test('a slow drift of a few σ over hours is flagged before it ends, and the next day is clean', () => {
  for (const seed of [4, 5, 6]) {
    const rows = cloneRows(series(seed, 5));
    const start = 2 * 1440 + 9 * 60;
    const len = 4 * 60; // 4 h ramp to +4σ, then back to normal
    for (let i = start; i < start + len; i++) rows[i]!.channels.x! += (4 * SIGMA * (i - start)) / len;
    const out = run(rows);
    const first = out.findIndex((o, i) => i >= start && o.surprise >= z70);
    assert.ok(first > start && first < start + len, `seed ${seed}: flagged at +${first - start} min`);
    assert.ok(out[first]!.u > 0, 'drift is upwards');
    const nextDay = out.slice(start + 1440 - 120, start + 1440 + len + 120);
    const max = Math.max(...nextDay.map((o) => o.surprise));
    assert.ok(max < z70, `seed ${seed}: next day max ${max}`);
  }
});

test('a single spike does not look like a shift', () => {
  const rows = cloneRows(series(7, 4));
  rows[3 * 1440]!.channels.x! += 50 * SIGMA;
  const out = run(rows);
  assert.ok(Math.max(...out.slice(3 * 1440, 3 * 1440 + 60).map((o) => o.surprise)) < 3);
});

test('works on the event-time phase, whatever the sampling step', () => {
  // 5-minute steps, starting at 07:00: still no alarms.
  const rows = dailySeries({
    seed: 8,
    steps: 5 * 288,
    startTs: START_TS + 7 * HOUR,
    stepMs: 5 * MINUTE,
    channels: { x: { base: 100, amp: 20, noise: SIGMA } },
  });
  const out = run(rows);
  assert.ok(out[2 * 288]!.warm);
  assert.ok(Math.max(...out.map((o) => o.surprise)) < z70);
});

test('snapshot and restore continue identically', () => {
  const rows = series(9, 3);
  const a = createLevelShift();
  const cut = Math.floor(1.7 * 1440);
  for (let i = 0; i < cut; i++) a.update(rows[i]!.channels.x!, rows[i]!.ts);
  const b = createLevelShift();
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  for (let i = cut; i < rows.length; i++) {
    const r = rows[i]!;
    assert.equal(b.update(r.channels.x!, r.ts).surprise, a.update(r.channels.x!, r.ts).surprise);
  }
  assert.equal(DAY, 1440 * MINUTE);
});
