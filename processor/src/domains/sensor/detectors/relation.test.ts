import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRelation } from './relation.ts';
import { createScoreScale } from '../../../core/score-scale.ts';
import { DEMAND_NOISE, cloneRows, demandSeries, type Row } from './test-series.ts';

const z70 = createScoreScale().toSurprise(70);
const z50 = createScoreScale().toSurprise(50);

function run(rows: Row[], target = 'pressure', regressor = 'flow') {
  const rel = createRelation(target, regressor);
  return rows.map((r) => {
    const o = rel.update(r.channels[target]!, r.channels[regressor]!);
    return { surprise: o.surprise, live: o.live, expected: o.expected, reason: o.reason, structure: o.structure };
  });
}

test('learns pressure from flow and stays quiet on normal data', () => {
  for (const seed of [1, 2, 3]) {
    const rows = demandSeries({ seed, steps: 4 * 1440 });
    const out = run(rows);
    const firstLive = out.findIndex((o) => o.live);
    assert.ok(firstLive > 1440 && firstLive < 2 * 1440, `live from ${firstLive}`);
    const max = Math.max(...out.map((o) => o.surprise));
    assert.ok(max < z70 - 0.5, `seed ${seed}: max ${max}`);
    const late = out[3 * 1440]!;
    assert.ok(Math.abs(late.expected! - rows[3 * 1440]!.channels.pressure!) < 5 * DEMAND_NOISE.pressure);
  }
});

test('a drift hidden in demand swings breaks the relation and is flagged before it ends', () => {
  for (const seed of [4, 5]) {
    const rows = cloneRows(demandSeries({ seed, steps: 4 * 1440 }));
    const start = 2 * 1440 + 600;
    const len = 240;
    for (let i = start; i < start + len; i++) rows[i]!.channels.pressure! -= (5 * DEMAND_NOISE.pressure * (i - start)) / len;
    const out = run(rows);
    const first = out.findIndex((o, i) => i >= start && o.surprise >= z70);
    assert.ok(first > start && first < start + len, `seed ${seed}: flagged at +${first - start}`);
    assert.match(out[first]!.reason, /pressure [\d.]+ persistently below the [\d.]+ that flow [\d.]+ implies/);
    // Once the drift is gone the sustained evidence stops at once instead of decaying slowly.
    assert.ok(Math.max(...out.slice(start + len + 5, start + len + 120).map((o) => o.surprise)) < z50);
  }
});

test('a spike in one channel is a point break of the relation', () => {
  const rows = cloneRows(demandSeries({ seed: 6, steps: 3 * 1440 }));
  const at = 2 * 1440 + 100;
  rows[at]!.channels.pressure! += 10 * DEMAND_NOISE.pressure;
  const out = run(rows);
  assert.ok(out[at]!.surprise >= z70, `spike ${out[at]!.surprise}`);
  assert.match(out[at]!.reason, /above the/);
});

test('a fault is not learnt: after a long offset the relation is intact', () => {
  const rows = cloneRows(demandSeries({ seed: 7, steps: 4 * 1440 }));
  const start = 2 * 1440;
  for (let i = start; i < start + 300; i++) rows[i]!.channels.pressure! -= 0.3;
  const out = run(rows);
  assert.ok(out.slice(start + 10, start + 300).every((o) => o.surprise >= z70), 'flagged throughout');
  assert.ok(Math.max(...out.slice(start + 310).map((o) => o.surprise)) < z70, 'quiet afterwards');
});

test('a curve the quadratic only approximates shows as structure', () => {
  const rows = demandSeries({ seed: 8, steps: 4 * 1440 });
  const pf = run(rows, 'pressure', 'flow').at(-1)!;
  const fp = run(rows, 'flow', 'pressure').at(-1)!;
  assert.ok(pf.structure < 2, `pressure|flow ${pf.structure}`);
  assert.ok(fp.structure > pf.structure, `flow|pressure ${fp.structure}`);
});

test('snapshot and restore continue identically', () => {
  const rows = demandSeries({ seed: 9, steps: 3 * 1440 });
  const a = createRelation('pressure', 'flow');
  const cut = 1700;
  for (let i = 0; i < cut; i++) a.update(rows[i]!.channels.pressure!, rows[i]!.channels.flow!);
  const b = createRelation('pressure', 'flow');
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  for (let i = cut; i < rows.length; i++) {
    const { pressure, flow } = rows[i]!.channels;
    assert.equal(b.update(pressure!, flow!).surprise, a.update(pressure!, flow!).surprise);
  }
});
