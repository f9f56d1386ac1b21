import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  channelParts,
  formatAge,
  formatChannelValues,
  formatCompact,
  formatCount,
  formatDriverValue,
  formatEventTime,
  formatNumber,
  formatRate,
  formatScore,
  severityClass,
  totalRate,
} from './format.ts';

// 2024-03-10T14:03:07.250Z
const TS = Date.UTC(2024, 2, 10, 14, 3, 7, 250);

describe('formatEventTime', () => {
  it('shows only HH:MM:SS when the event is today in the given zone', () => {
    assert.equal(formatEventTime(TS, { timeZone: 'UTC', now: TS + 60_000 }), '14:03:07');
  });

  it('adds the date when the event is not today', () => {
    assert.equal(formatEventTime(TS, { timeZone: 'UTC', now: TS + 86_400_000 }), '2024-03-10 14:03:07');
  });

  it('uses the given zone for both the clock and the "today" check', () => {
    // 14:03 UTC is 23:03 in Tokyo; one hour later it is already the 11th there.
    assert.equal(formatEventTime(TS, { timeZone: 'Asia/Tokyo', now: TS }), '23:03:07');
    assert.equal(formatEventTime(TS, { timeZone: 'Asia/Tokyo', now: TS + 3_600_000 }), '2024-03-10 23:03:07');
  });

  it('uses a 24-hour clock with midnight as 00', () => {
    const midnight = Date.UTC(2024, 2, 10, 0, 0, 5);
    assert.equal(formatEventTime(midnight, { timeZone: 'UTC', now: midnight }), '00:00:05');
  });

  it('shows a dash for a non-finite time', () => {
    assert.equal(formatEventTime(Number.NaN, { timeZone: 'UTC', now: TS }), '—');
  });
});

describe('formatAge', () => {
  it('counts seconds, minutes, hours and days', () => {
    assert.equal(formatAge(TS, TS + 400), 'now');
    assert.equal(formatAge(TS, TS + 12_900), '12s');
    assert.equal(formatAge(TS, TS + 4 * 60_000 + 5_000), '4m');
    assert.equal(formatAge(TS, TS + 3 * 3_600_000), '3h');
    assert.equal(formatAge(TS, TS + 2 * 86_400_000), '2d');
  });

  it('reads "now" for event times in the future (clock skew)', () => {
    assert.equal(formatAge(TS + 5_000, TS), 'now');
  });
});

describe('formatScore', () => {
  it('shows one decimal and keeps 100 short', () => {
    assert.equal(formatScore(97.34), '97.3');
    assert.equal(formatScore(70), '70.0');
    assert.equal(formatScore(100), '100');
  });

  it('clamps to 0–100 and dashes non-finite scores', () => {
    assert.equal(formatScore(101), '100');
    assert.equal(formatScore(-1), '0.0');
    assert.equal(formatScore(Number.NaN), '—');
  });
});

describe('severityClass', () => {
  it('maps each severity to its class and null to a neutral one', () => {
    assert.equal(severityClass('minor'), 'sev-minor');
    assert.equal(severityClass('major'), 'sev-major');
    assert.equal(severityClass('critical'), 'sev-critical');
    assert.equal(severityClass(null), 'sev-none');
  });
});

describe('channel values', () => {
  it('formats known channels with units and fixed precision, in a stable order', () => {
    assert.equal(
      formatChannelValues({ temperature: 7.43, flow: 812.4, pressure: 5.1234 }),
      'pressure 5.12 bar · flow 812 m³/h · temperature 7.4 °C',
    );
  });

  it('shows unknown channels plainly after the known ones, in their given order', () => {
    assert.equal(formatChannelValues({ vibration: 0.01234, pressure: 5, level: 1520.6 }), 'pressure 5.00 bar · vibration 0.012 · level 1521');
  });

  it('returns structured parts for styled rendering', () => {
    assert.deepEqual(channelParts({ flow: 3, rpm: 12.25 }), [
      { name: 'flow', value: '3', unit: 'm³/h' },
      { name: 'rpm', value: '12.3', unit: '' },
    ]);
  });

  it('is empty for no values', () => {
    assert.equal(formatChannelValues({}), '');
  });
});

describe('formatNumber', () => {
  it('shrinks precision with magnitude and trims zeros', () => {
    assert.equal(formatNumber(0.5), '0.5');
    assert.equal(formatNumber(2.5), '2.5');
    assert.equal(formatNumber(12.34), '12.3');
    assert.equal(formatNumber(123.4), '123');
    assert.equal(formatNumber(-0.0001), '0');
    assert.equal(formatNumber(null), '—');
  });
});

describe('formatDriverValue', () => {
  it('shows observed and expected values in the channel unit', () => {
    assert.equal(formatDriverValue({ feature: 'pressure', value: 5.123, expected: 3.4 }), '5.12 bar, expected 3.40 bar');
  });

  it('shows plain numbers for non-channel features and omits what is unknown', () => {
    assert.equal(formatDriverValue({ feature: 'pressure~flow', value: 0.91, expected: null }), '0.91');
    assert.equal(formatDriverValue({ feature: 'pressure', value: null, expected: 3 }), '');
  });
});

describe('rates and counts', () => {
  it('formats events per second compactly', () => {
    assert.equal(formatRate(0), '0/s');
    assert.equal(formatRate(0.44), '0.4/s');
    assert.equal(formatRate(3), '3/s');
    assert.equal(formatRate(850.4), '850/s');
    assert.equal(formatRate(1234), '1.2k/s');
    assert.equal(formatRate(12_345), '12.3k/s');
    assert.equal(formatRate(250_400), '250k/s');
    assert.equal(formatRate(1_500_000), '1.5M/s');
  });

  it('rolls over to the next unit instead of showing 1000 of the previous', () => {
    assert.equal(formatCompact(999.7), '1k');
    assert.equal(formatCompact(999_960), '1M');
    assert.equal(formatCompact(99_960), '100k');
    assert.equal(formatCompact(9.96), '10');
  });

  it('treats negative and non-finite rates as zero', () => {
    assert.equal(formatRate(-5), '0/s');
    assert.equal(formatRate(Number.NaN), '0/s');
  });

  it('formats exact counts with thousands separators', () => {
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(1_234_567), '1,234,567');
  });

  it('sums per-domain rates, skipping non-finite ones', () => {
    assert.equal(totalRate({ sensor: 1000, trip: 200.5, trade: Number.NaN }), 1200.5);
    assert.equal(totalRate({}), 0);
  });
});
