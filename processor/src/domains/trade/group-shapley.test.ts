import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coalitionRowCount, groupLayout, planCoalitionRows, shapleyFromScores, ShapleyLayoutError, topGroup, writeCoalitionRows, writePlannedRows } from './group-shapley.ts';

const FEATURES = ['a1', 'a2', 'b1', 'c1', 'c2', 'd1'];
const GROUPS = { a: ['a1', 'a2'], b: ['b1'], c: ['c1', 'c2'], d: ['d1'] };
const layout = groupLayout(FEATURES, GROUPS);
const F = FEATURES.length;

/** Scores every coalition row of x with f and returns the explanation. */
function explain(f: (row: Float64Array) => number, x: number[], background: number[][]) {
  const bg = Float64Array.from(background.flat());
  const n = coalitionRowCount(layout, background.length);
  const rows = new Float64Array(n * F);
  writeCoalitionRows(x, bg, layout, rows, 0);
  const scores = Float64Array.from({ length: n }, (_, i) => f(rows.subarray(i * F, i * F + F)));
  return shapleyFromScores(scores, 0, background.length, layout);
}

const background = [
  [0, 1, 2, 0, 0, 1],
  [1, 0, -1, 2, 1, 0],
  [0.5, 0.5, 0, 1, -1, 3],
];
const x = [3, -2, 4, 1, 5, -1];
const sum = (v: Float64Array) => v.reduce((s, y) => s + y, 0);
const mean = (f: (r: Float64Array) => number) => background.reduce((s, b) => s + f(Float64Array.from(b)), 0) / background.length;

test('efficiency: the values add up to f(x) − mean f(background), also for a non-linear f', () => {
  const f = (r: Float64Array) => Math.max(0, r[0]! * r[2]!) + Math.tanh(r[3]! - r[5]!) * 10 + r[4]! ** 2;
  const s = explain(f, x, background);
  assert.ok(Math.abs(s.score - f(Float64Array.from(x))) < 1e-12);
  assert.ok(Math.abs(s.baseline - mean(f)) < 1e-12);
  assert.ok(Math.abs(sum(s.values) - (s.score - s.baseline)) < 1e-9, `${sum(s.values)} vs ${s.score - s.baseline}`);
});

test('additive f: each group gets exactly its own term against the background mean', () => {
  const w = [1, 2, -3, 0.5, 4, 7];
  const f = (r: Float64Array) => r.reduce((s, v, j) => s + w[j]! * v, 0);
  const s = explain(f, x, background);
  const expected = Object.values(GROUPS).map((fs) =>
    fs.reduce((acc, name) => {
      const j = FEATURES.indexOf(name);
      return acc + w[j]! * (x[j]! - background.reduce((m, b) => m + b[j]!, 0) / background.length);
    }, 0),
  );
  expected.forEach((e, i) => assert.ok(Math.abs(s.values[i]! - e) < 1e-9, `group ${i}: ${s.values[i]} vs ${e}`));
});

test('dummy: a group f never reads gets 0; symmetry: interchangeable groups get equal values', () => {
  // f reads b1 and d1 symmetrically, never groups a and c.
  const f = (r: Float64Array) => Math.max(r[2]!, r[5]!) + r[2]! * r[5]!;
  const s = explain(f, [9, 9, 2, 9, 9, 2], [[0, 0, 0, 0, 0, 0]]);
  assert.equal(s.values[0], 0);
  assert.equal(s.values[2], 0);
  assert.ok(Math.abs(s.values[1]! - s.values[3]!) < 1e-12);
  assert.ok(s.values[1]! > 0);
  assert.ok(['b', 'd'].includes(topGroup(s, layout)));
});

test('a feature in no group, or in two, is refused with its name', () => {
  assert.throws(() => groupLayout(FEATURES, { a: ['a1', 'a2'], b: ['b1'] }), (e: Error) => e instanceof ShapleyLayoutError && /c1, c2, d1/.test(e.message));
  assert.throws(() => groupLayout(FEATURES, { ...GROUPS, e: ['a1'] }), /a1 is in two groups/);
  assert.throws(() => groupLayout(FEATURES, { ...GROUPS, e: ['zz'] }), /zz, which is not a feature/);
});

test('rows of several explanations sit side by side in one buffer', () => {
  const f = (r: Float64Array) => r[0]! + 2 * r[3]! * r[1]!;
  const bg = Float64Array.from(background.flat());
  const per = coalitionRowCount(layout, background.length);
  const xs = [x, [1, 1, 1, 1, 1, 1]];
  const rows = new Float64Array(per * xs.length * F);
  xs.forEach((xi, i) => writeCoalitionRows(xi, bg, layout, rows, i * per));
  const scores = Float64Array.from({ length: per * xs.length }, (_, i) => f(rows.subarray(i * F, i * F + F)));
  xs.forEach((xi, i) => assert.deepEqual(shapleyFromScores(scores, i * per, background.length, layout), explain(f, xi, background)));
});

test('the plan scores each distinct coalition row once and gives the same values as all 2^k · B rows', () => {
  const f = (r: Float64Array) => Math.max(0, r[0]! * r[2]!) + Math.tanh(r[3]! - r[5]!) * 10 + r[4]! ** 2 + r[1]!;
  // x agrees with background row 0 on groups b and d, with row 1 on group a, with row 2 on nothing.
  const bgRows = [
    [0, 1, 4, 0, 0, -1],
    [3, -2, -1, 2, 1, 0],
    [0.5, 0.5, 0, 1, -1, 3],
  ];
  const bg = Float64Array.from(bgRows.flat());
  const plan = planCoalitionRows(x, bg, layout);
  // Row 0 differs on {a, c}: 4 distinct, one of them x; row 1 on {b, c, d}: 8; row 2 on all: 16; x shared.
  assert.equal(plan.rows, 4 + 8 + 16 - 2);
  const rows = new Float64Array(plan.rows * F + 2 * F);
  writePlannedRows(plan, x, bg, layout, rows, 2);
  const scores = Float64Array.from({ length: plan.rows + 2 }, (_, i) => f(rows.subarray(i * F, i * F + F)));
  const planned = shapleyFromScores(scores, 2, bgRows.length, layout, plan);
  const full = explain(f, x, bgRows);
  assert.deepEqual(planned, full);
  // Every (m, b) points at a row equal to the one writeCoalitionRows writes there.
  const all = new Float64Array(coalitionRowCount(layout, bgRows.length) * F);
  writeCoalitionRows(x, bg, layout, all, 0);
  for (let i = 0; i < plan.index.length; i++) {
    const r = plan.index[i]! + 2;
    assert.deepEqual(rows.subarray(r * F, r * F + F), all.subarray(i * F, i * F + F), `coalition row ${i}`);
  }
});
