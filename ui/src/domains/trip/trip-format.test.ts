import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fareGap, formatDirection, formatPickups, formatTripShape, formatUsd } from './trip-format.ts';

describe('formatUsd', () => {
  it('writes dollars with cents and thousands separators', () => {
    assert.equal(formatUsd(12.5), '$12.50');
    assert.equal(formatUsd(1234), '$1,234.00');
    assert.equal(formatUsd(-3), '-$3.00');
    assert.equal(formatUsd(0.005), '$0.01');
    assert.equal(formatUsd(null), '—');
    assert.equal(formatUsd(Number.NaN), '—');
  });
});

describe('fareGap', () => {
  it('says how far over or under the expected fare a trip is', () => {
    assert.deepEqual(fareGap(80, 22.5), { amount: '+$57.50', percent: '+256%', sign: 'over' });
    assert.deepEqual(fareGap(10, 12.5), { amount: '-$2.50', percent: '-20%', sign: 'under' });
    assert.deepEqual(fareGap(10, 10), { amount: '$0.00', percent: '+0%', sign: 'none' });
  });

  it('has nothing to say without an expectation', () => {
    assert.deepEqual(fareGap(10, null), { amount: '—', percent: '', sign: 'none' });
    assert.deepEqual(fareGap(10, 0).percent, '');
  });
});

describe('formatPickups / formatDirection / formatTripShape', () => {
  it('puts pickups next to the baseline', () => {
    assert.equal(formatPickups(42, 18.46), '42 vs 18.5 expected');
    assert.equal(formatPickups(3, null), '3 (no baseline yet)');
  });

  it('names the direction or a dash', () => {
    assert.equal(formatDirection('collapse'), 'collapse');
    assert.equal(formatDirection(null), '—');
  });

  it('leaves unknown parts of a trip out', () => {
    assert.equal(formatTripShape(3.14159, 14), '3.14 mi · 14 min');
    assert.equal(formatTripShape(Number.NaN, 14), '14 min');
    assert.equal(formatTripShape(Number.NaN, Number.NaN), '—');
  });
});
