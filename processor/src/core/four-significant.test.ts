import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fourSignificant } from './four-significant.ts';

const slow = (x: number): string => String(Number(x.toPrecision(4)));

function check(x: number): boolean {
  const fast = fourSignificant(x);
  if (fast !== null) assert.equal(fast, slow(x), `x = ${x}`);
  return fast !== null;
}

test('the same text as String(Number(x.toPrecision(4))) wherever it answers, on random doubles of every magnitude it takes', () => {
  let answered = 0;
  fc.assert(
    fc.property(fc.double({ min: 1, max: 10, noNaN: true }), fc.integer({ min: -4, max: 6 }), fc.boolean(), fc.double({ noNaN: true }), (m, e, neg, any) => {
      if (check((neg ? -m : m) * 10 ** e)) answered++;
      check(any);
    }),
    { numRuns: 100_000, seed: 14 },
  );
  assert.ok(answered > 60_000, `the fast path answers most values in its range: ${answered} of 100 000`);
});

test('ties, decade edges, short decimals and the ends of the range: right or left to the slow path', () => {
  const xs: number[] = [0.001, 0.0010001, 0.00099999, 999999.4, 999999.6, 1e6, 0.01, 0.1, 1, 10, 100, 1000, 1e4, 1e5];
  for (let d = 1; d <= 9999; d++) for (const e of [-6, -5, -4, -3, -2, -1, 0, 1, 2]) xs.push(d * 10 ** e, (d + 0.5) * 10 ** e, d / 8, d / 1024 + 0.5);
  let answered = 0;
  for (const x of xs) {
    if (check(x)) answered++;
    check(-x);
    check(x * (1 + Number.EPSILON));
    check(x * (1 - Number.EPSILON / 2));
  }
  for (const x of [0, -0, NaN, Infinity, -Infinity, 5e-4, 2e6]) assert.equal(fourSignificant(x), null);
  assert.ok(answered > xs.length / 3, `answered ${answered} of ${xs.length}`);
});
