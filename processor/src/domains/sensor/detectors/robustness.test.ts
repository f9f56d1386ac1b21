// Robustness of the whole sensor detector on series that are awkward but hold no anomaly: every
// alarm on them is false. What "no alarm storm" means here: after the first day (warm-up), no
// reading at all scores ≥ 70 on a well-behaved series, and on heavy-tailed noise at most one
// alarm run per day. And the verdicts do not depend on the stream's absolute scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSensorDetector } from './sensor-detector.ts';
import { cleanDaily, constantStretches, heavyTails, integerCounts, irregular, scaled, withGaps } from './robustness-series.ts';
import { DAY, runSeries, START_TS, type Row } from './test-series.ts';

const ALARM = 70;
const DAYS = 14;

/** Alarm readings and alarm runs after the first day. */
function alarms(rows: readonly Row[]): { readings: number; runs: number; max: number; scores: number[] } {
  const scores = runSeries(createSensorDetector(), 's', rows).map((s) => s.score);
  let readings = 0;
  let runs = 0;
  let max = 0;
  let prev = false;
  rows.forEach((r, i) => {
    const s = scores[i]!;
    assert.ok(Number.isFinite(s) && s >= 0 && s <= 100, `score ${s} at reading ${i} is not in [0, 100]`);
    if (r.ts < START_TS + DAY) return;
    const on = s >= ALARM;
    if (on) readings++;
    if (on && !prev) runs++;
    if (s > max) max = s;
    prev = on;
  });
  return { readings, runs, max, scores };
}

const QUIET: [string, () => Row[]][] = [
  ['a clean noisy daily cycle', () => cleanDaily(1, DAYS)],
  ['gaps of 6 hours every 3 days (the level is stale after one)', () => withGaps(2, DAYS, 6, 3)],
  ['irregular sampling (1–9 minutes apart)', () => irregular(3, DAYS)],
  ['values around 1e-6', () => scaled(cleanDaily(1, DAYS), 1e-7)],
  ['values around 1e9', () => scaled(cleanDaily(1, DAYS), 1e8)],
];

for (const [name, make] of QUIET) {
  test(`no false alarm on ${name}`, () => {
    const a = alarms(make());
    assert.equal(a.readings, 0, `${a.readings} alarm readings in ${a.runs} runs (max score ${a.max.toFixed(1)})`);
  });
}

for (const [name, make] of [
  ['heavy-tailed noise (Student t, 3 degrees of freedom)', () => heavyTails(6, DAYS)],
  ['integer counts (Poisson, many zeros at night)', () => integerCounts(5, DAYS)],
  ['constant stretches of 2–12 readings (report on change)', () => constantStretches(4, DAYS)],
] as [string, () => Row[]][]) {
  test(`${name}: at most one short alarm run per day`, () => {
    const a = alarms(make());
    assert.ok(a.runs <= DAYS - 1, `${a.runs} alarm runs in ${DAYS - 1} days`);
    assert.ok(a.readings <= 3 * a.runs, `${a.readings} alarm readings in ${a.runs} runs: alarms should not persist on noise`);
  });
}

test('constant stretches with repeatsTeachScale off: no false alarm at all', () => {
  const scores = runSeries(createSensorDetector({ ewma: { repeatsTeachScale: false } }), 's', constantStretches(4, DAYS)).map((s) => s.score);
  assert.equal(scores.filter((s, i) => i >= 288 && s >= ALARM).length, 0);
});

test('a stale level after a gap is no alarm, but a spike right after the gap still is one', () => {
  const rows = withGaps(2, DAYS, 6, 3);
  const i = rows.findIndex((r, k) => k > 0 && r.ts - rows[k - 1]!.ts > 3_600_000 && r.ts > START_TS + 4 * DAY);
  assert.ok(i > 0);
  const spiked = rows.map((r, k) => (k === i + 3 ? { ts: r.ts, channels: { v: r.channels.v! + 6 } } : r));
  const a = alarms(spiked);
  assert.ok(a.scores[i + 3]! >= ALARM, `the spike three readings after the gap scores ${a.scores[i + 3]!.toFixed(1)}`);
  assert.equal(a.readings, a.scores.slice(i + 3, i + 6).filter((s) => s >= ALARM).length, 'no other alarm');
});

// The same series in other units: every verdict (score ≥ 70 or not) is the same, and the scores
// agree to far below a score point. Each series is also given a spike so an alarm verdict is compared.
for (const [name, make] of [
  ['a clean daily cycle', () => cleanDaily(1, 7)],
  ['integer counts', () => integerCounts(5, 7)],
  ['heavy tails', () => heavyTails(6, 7)],
  ['gaps', () => withGaps(2, 7, 6, 3)],
  ['constant stretches', () => constantStretches(4, 7)],
] as [string, () => Row[]][]) {
  test(`scale invariance: ${name} × 1e-6 and × 1e6 give the same verdicts`, () => {
    const rows = make();
    const k = Math.floor(rows.length * 0.8);
    rows[k] = { ts: rows[k]!.ts, channels: { v: rows[k]!.channels.v! + 30 } };
    const base = alarms(rows).scores;
    assert.ok(base[k]! >= ALARM, `the injected spike alarms (${base[k]!.toFixed(1)})`);
    for (const f of [1e-6, 1e6]) {
      const other = alarms(scaled(rows, f)).scores;
      other.forEach((s, i) => {
        assert.equal(s >= ALARM, base[i]! >= ALARM, `reading ${i} × ${f}: ${s} vs ${base[i]}`);
        assert.ok(Math.abs(s - base[i]!) < 0.5, `reading ${i} × ${f}: ${s} vs ${base[i]}`);
      });
    }
  });
}
