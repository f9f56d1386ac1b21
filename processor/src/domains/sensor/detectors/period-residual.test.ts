import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPeriodResidual } from './period-residual.ts';
import { DetectorOptionsError } from '../../../core/component.ts';

// Hourly readings of a noisy daily cycle; `odd(day, hour)` replaces some values.
function run(odd: (day: number, hour: number) => number | null): { day: number; hour: number; ratio: number }[] {
  const pr = createPeriodResidual();
  let s = 7;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648 - 0.5);
  const out: { day: number; hour: number; ratio: number }[] = [];
  for (let i = 0; i < 24 * 40; i++) {
    const day = Math.floor(i / 24);
    const hour = i % 24;
    const normal = 100 + 40 * Math.sin((2 * Math.PI * hour) / 24) + 4 * rnd();
    pr.update(odd(day, hour) ?? normal, i * 3_600_000);
    out.push({ day, hour, ratio: pr.ratio });
  }
  return out;
}

test('ordinary days stay below the alarm level; a day shaped unlike its predecessors exceeds it', () => {
  const calm = run(() => null).filter((r) => r.day >= 25);
  assert.ok(Math.max(...calm.map((r) => r.ratio)) < 1.5, 'no alarm on ordinary days');
  // Day 30 runs flat at the daily mean: no reading leaves the daily range.
  const flat = run((d) => (d === 30 ? 100 : null));
  const hit = flat.filter((r) => r.day === 30 && r.ratio >= 1.5);
  assert.ok(hit.length > 0, 'the flat day is flagged');
  assert.ok(flat.filter((r) => r.day >= 25 && r.day < 30).every((r) => r.ratio < 1.5), 'not before it');
});

test('a time of day that always varies a lot (rush hour) neither alarms itself nor hides a small night-time bump', () => {
  const go = (phaseWeight: number): { calm: number; bump: number } => {
    const pr = createPeriodResidual({ phaseWeight });
    let s = 7;
    const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648 - 0.5);
    let calm = 0;
    let bump = 0;
    for (let i = 0; i < 24 * 40; i++) {
      const day = Math.floor(i / 24);
      const hour = i % 24;
      const rush = hour >= 7 && hour < 10;
      let v = 100 + 40 * Math.sin((2 * Math.PI * hour) / 24) + (rush ? 60 : 4) * rnd();
      if (day === 33 && hour >= 1 && hour < 5) v += 8;
      pr.update(v, i * 3_600_000);
      if (day === 33) bump = Math.max(bump, pr.ratio);
      else if (day >= 20) calm = Math.max(calm, pr.ratio);
    }
    return { calm, bump };
  };
  const allDay = go(0);
  assert.ok(allDay.calm >= 1.5, 'one all-day size alarms on ordinary rush hours');
  const byHour = go(0.75);
  assert.ok(byHour.calm < 1.5, 'no alarm on ordinary days');
  assert.ok(byHour.bump >= 1.5, 'the night-time bump is flagged');
});

test('series sampled too slowly for the period never report', () => {
  const pr = createPeriodResidual({ periodsDays: [1] });
  for (let i = 0; i < 200; i++) assert.equal(pr.update(i % 3, i * 7 * 86_400_000).ratio, 0);
});

test('snapshot → restore continues identically', () => {
  const a = createPeriodResidual();
  const b = createPeriodResidual();
  const v = (i: number): number => Math.sin(i / 5) + (i % 7) * 0.1;
  for (let i = 0; i < 2000; i++) a.update(v(i), i * 1_800_000);
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  for (let i = 2000; i < 3000; i++) assert.equal(b.update(v(i), i * 1_800_000).ratio, a.update(v(i), i * 1_800_000).ratio);
});

test('invalid options fail at construction', () => {
  assert.throws(() => createPeriodResidual({ history: 0 }), DetectorOptionsError);
  assert.throws(() => createPeriodResidual({ periodsDays: [0] }), /periodsDays/);
});

test('an anomalous day is not the expectation of the next days: no echo after it (cleanHistory)', () => {
  // Days 30 and 31 run far above their usual level; afterwards the series is ordinary again. Left
  // in the history, they pull the same-phase median of the following days up (two of three past
  // days), so the ordinary days 33 and 34 look like a drop: a second, false episode. (Day 32 opens
  // with the episode's end inside the statistic's span, which alarms either way.)
  const echo = (cleanHistory: boolean): number => {
    const pr = createPeriodResidual({ cleanHistory });
    let s = 7;
    const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648 - 0.5);
    let after = 0;
    for (let i = 0; i < 24 * 40; i++) {
      const day = Math.floor(i / 24);
      const hour = i % 24;
      const v = 100 + 40 * Math.sin((2 * Math.PI * hour) / 24) + 4 * rnd() + (day === 30 || day === 31 ? 60 : 0);
      pr.update(v, i * 3_600_000);
      if (day >= 33) after = Math.max(after, pr.ratio);
    }
    return after;
  };
  assert.ok(echo(false) >= 1.5, 'without cleaning the ordinary days after the episode alarm');
  assert.ok(echo(true) < 1.5, 'with cleaning they do not');
});
