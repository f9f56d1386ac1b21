import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellAlertEpisodes, type CellAlertEvent, type CellAlertInput } from './cell-alert-episodes.ts';
import type { CellVerdict, DemandDirection } from './cell-demand-scorer.ts';

const HOP = 300_000;
const verdict = (score: number, direction: DemandDirection | null = 'surge'): CellVerdict => ({
  score,
  direction,
  expected: 1,
  observed: 5,
  drivers: [{ feature: 'pickups_15m', score, value: 5, expected: 1, reason: 'test' }],
});

/** Run one cell through a score sequence (one boundary each); returns the events with their boundary index. */
function run(scores: (number | [number, DemandDirection] | null)[], opts: ConstructorParameters<typeof CellAlertEpisodes>[0] = {}, cell = 'c1', resolution = 9) {
  const a = new CellAlertEpisodes(opts);
  const out: { i: number; e: CellAlertEvent }[] = [];
  scores.forEach((s, i) => {
    const items: CellAlertInput[] = [{ resolution: 7, cell: 'other', windowEnd: (i + 1) * HOP, verdict: verdict(0, null) }];
    if (s !== null) {
      const [score, dir] = Array.isArray(s) ? s : [s, 'surge' as const];
      items.push({ resolution, cell, windowEnd: (i + 1) * HOP, verdict: verdict(score, dir) });
    }
    for (const e of a.update(items)) out.push({ i, e });
  });
  for (const e of a.flush()) out.push({ i: scores.length, e });
  return out;
}

test('one alert per episode: open at the first alarm, peaks as updates, close after calm boundaries', () => {
  const ev = run([10, 75, 80, 72, 90, 60, 40, 30, 20, 10]);
  assert.deepEqual(
    ev.map(({ i, e }) => `${i}:${e.type}`),
    ['1:open', '2:peak', '4:peak', '8:close'],
  );
  const closed = ev.at(-1)!.e.episode;
  assert.equal(closed.start, 2 * HOP);
  assert.equal(closed.end, 5 * HOP, 'end = last alarming boundary');
  assert.equal(closed.peakScore, 90);
});

test('hysteresis: dipping between closeBelow and openAt keeps the episode open', () => {
  const ev = run([80, 60, 65, 55, 71, 45, 45, 45]);
  assert.deepEqual(
    ev.map(({ i, e }) => `${i}:${e.type}`),
    ['0:open', '7:close'],
  );
});

test('confirm: a single alarming boundary is not enough when confirm = 2', () => {
  assert.deepEqual(run([80, 10, 10], { confirm: 2 }).length, 0);
  const ev = run([80, 80, 10, 10, 10], { confirm: 2 });
  assert.equal(ev[0]!.e.type, 'open');
  assert.equal(ev[0]!.e.episode.firstAlarmAt, 1 * HOP);
  assert.equal(ev[0]!.e.episode.start, 2 * HOP);
});

test('a cell that goes quiet (no row) closes; a direction flip starts a new episode', () => {
  const quiet = run([80, null, null, null]);
  assert.deepEqual(quiet.map(({ i, e }) => `${i}:${e.type}`), ['0:open', '3:close']);
  const flip = run([[80, 'surge'], [85, 'collapse'], [10, 'collapse'], [10, 'collapse'], [10, 'collapse']]);
  assert.deepEqual(flip.map(({ i, e }) => `${i}:${e.type}:${e.episode.direction}`), ['0:open:surge', '1:close:surge', '1:open:collapse', '4:close:collapse']);
});

test('only configured resolutions alert', () => {
  assert.equal(run([80, 80], { resolutions: [8, 9] }, 'c7', 7).length, 0);
  assert.equal(run([80, 80], { resolutions: [8, 9] }, 'c9', 9).length, 2);
});

test('state round trip mid-episode continues identically', () => {
  const seq = [10, 80, 60, 90, 30, 20, 85, 10, 10, 10, 10];
  const play = (cut: number | null) => {
    let x = new CellAlertEpisodes();
    const out: string[] = [];
    for (let i = 0; i < seq.length; i++) {
      if (i === cut) {
        const y = new CellAlertEpisodes();
        y.restoreState(JSON.parse(JSON.stringify(x.captureState())));
        x = y;
      }
      for (const e of x.update([{ resolution: 9, cell: 'c1', windowEnd: (i + 1) * HOP, verdict: verdict(seq[i]!) }])) out.push(`${i}:${e.type}:${e.episode.peakScore}:${e.episode.start}`);
    }
    for (const e of x.flush()) out.push(`end:${e.type}:${e.episode.peakScore}:${e.episode.end}`);
    return out;
  };
  const whole = play(null);
  assert.ok(whole.length >= 3);
  for (const cut of [2, 4, 7]) assert.deepEqual(play(cut), whole);
});
