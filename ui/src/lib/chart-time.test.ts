import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatUtc, utcTickLabels } from './chart-time.ts';

const H = 3_600_000;
const D0 = Date.UTC(2026, 2, 2);

describe('utcTickLabels', () => {
  it('shows 24-hour UTC clock times, with the date on the first tick and where the day changes', () => {
    assert.deepEqual(utcTickLabels([D0 + 20 * H, D0 + 22 * H, D0 + 24 * H, D0 + 26 * H], 2 * H), ['20:00\n03-02', '22:00', '00:00\n03-03', '02:00']);
  });

  it('shows dates only for day ticks and seconds for sub-minute ticks', () => {
    assert.deepEqual(utcTickLabels([D0, D0 + 24 * H], 24 * H), ['03-02', '03-03']);
    assert.deepEqual(utcTickLabels([D0 + 13 * H + 5_000, D0 + 13 * H + 35_000], 30_000), ['13:00:05\n03-02', '13:00:35']);
  });

  it('leaves non-finite ticks blank', () => {
    assert.deepEqual(utcTickLabels([Number.NaN], H), ['']);
  });
});

describe('formatUtc', () => {
  it('formats date and time in UTC', () => {
    assert.equal(formatUtc(D0 + 14 * H + 3 * 60_000 + 7_250), '2026-03-02 14:03:07');
    assert.equal(formatUtc(Number.NaN), '—');
  });
});
