import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompanyModelLevels, CompanyModelLevelsError } from './company-model-levels.ts';

const DAY = 86_400_000;

test('a company whose errors sit at the population median is judged as the population (divisor 1)', () => {
  const l = new CompanyModelLevels({ rate: 0.1, forgetMs: 7 * DAY });
  for (let i = 0; i < 100; i++) assert.equal(l.divideAndLearn('A', i * 1000, 1), 1);
  // Below the median: never a divisor under 1 (the self-calibration only ever lowers the score).
  for (let i = 0; i < 100; i++) assert.equal(l.divideAndLearn('B', i * 1000, 0.2), 1);
});

test('the divisor is the geometric mean of the earlier errors, exponentially weighted, from the first declaration on', () => {
  const rate = 0.1;
  const l = new CompanyModelLevels({ rate, forgetMs: 0 });
  // The first declaration has no past: divisor 1; it learns ln 20 × rate.
  assert.equal(l.divideAndLearn('A', 0, 20), 1);
  let ln = rate * Math.log(20);
  assert.ok(Math.abs(l.divideAndLearn('A', 1, 20) - Math.exp(ln)) < 1e-12);
  ln += rate * (Math.log(20) - ln);
  for (let i = 2; i < 200; i++) {
    const d = l.divideAndLearn('A', i, 20);
    assert.ok(Math.abs(d - Math.max(1, Math.exp(ln))) < 1e-9, `declaration ${i}: ${d}`);
    ln += rate * (Math.log(20) - ln);
  }
  // Converged to the company's own scale; another company is untouched.
  assert.ok(Math.abs(l.divideAndLearn('A', 300, 20) - 20) < 1e-6);
  assert.equal(l.divideAndLearn('B', 300, 20), 1);
});

test('the divisor of a declaration reads only earlier ones: one huge error does not lower its own score', () => {
  const l = new CompanyModelLevels({ rate: 0.5, forgetMs: 0 });
  for (let i = 0; i < 10; i++) l.divideAndLearn('A', i, 1);
  assert.equal(l.divideAndLearn('A', 10, 1e6), 1);
  assert.ok(l.divideAndLearn('A', 11, 1) > 100);
});

test('a company silent past forgetMs starts again from the population level', () => {
  const l = new CompanyModelLevels({ rate: 0.2, forgetMs: 7 * DAY });
  for (let i = 0; i < 50; i++) l.divideAndLearn('A', i * 1000, 30);
  assert.ok(l.divideAndLearn('A', 50_000, 30) > 20);
  assert.equal(l.divideAndLearn('A', 50_000 + 8 * DAY, 30), 1);
  // Within forgetMs the level is kept.
  assert.ok(l.divideAndLearn('A', 50_000 + 9 * DAY, 30) > 1);
});

test('rate 0 is off: divisor 1 and nothing remembered', () => {
  const l = new CompanyModelLevels({ rate: 0, forgetMs: DAY });
  for (let i = 0; i < 10; i++) assert.equal(l.divideAndLearn('A', i, 100), 1);
  assert.equal(l.size, 0);
});

test('snapshot and restore continue exactly; an absent snapshot starts afresh; a malformed one is refused', () => {
  const a = new CompanyModelLevels({ rate: 0.05, forgetMs: DAY });
  const b = new CompanyModelLevels({ rate: 0.05, forgetMs: DAY });
  const errs = Array.from({ length: 80 }, (_, i) => 1 + ((i * 37) % 11));
  for (let i = 0; i < 40; i++) a.divideAndLearn('A', i, errs[i]!);
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  for (let i = 40; i < 80; i++) assert.equal(b.divideAndLearn('A', i, errs[i]!), a.divideAndLearn('A', i, errs[i]!));
  b.restore(undefined);
  assert.equal(b.size, 0);
  assert.throws(() => b.restore([['A', { ln: 'x', ts: 1 } as never]]), CompanyModelLevelsError);
  assert.throws(() => new CompanyModelLevels({ rate: 1, forgetMs: DAY }), CompanyModelLevelsError);
});
