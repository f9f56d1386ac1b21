import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { nycHalfHourOfWeek } from '../../../contracts/index.ts';
import { NycTaxiSeriesError, parseNycTaxiSeries, readNycTaxiSeries } from './nyc-taxi-series.ts';
import { NYC_WEEKLY_SHAPE } from './nyc-weekly-shape.ts';

const NAB = new URL('../../../../shared/data/nab/realKnownCause/nyc_taxi.csv', import.meta.url).pathname;

test('parses New York local times to UTC, across DST', () => {
  const s = parseNycTaxiSeries('timestamp,value\n2014-07-01 00:00:00,10844\n2014-12-01 00:30:00,8127\n');
  assert.deepEqual(s, [
    { ts: Date.UTC(2014, 6, 1, 4), count: 10844 },
    { ts: Date.UTC(2014, 11, 1, 5, 30), count: 8127 },
  ]);
});

test('a malformed row names the line', () => {
  assert.throws(() => parseNycTaxiSeries('timestamp,value\n2014-07-01 00:00:00,1\nnope,2\n', 'x.csv'), (e: unknown) => e instanceof NycTaxiSeriesError && e.line === 3 && /x\.csv:3/.test(e.message));
  assert.throws(() => parseNycTaxiSeries('timestamp,value\n'), NycTaxiSeriesError);
});

test('the committed weekly shape is reproducible from the NAB file', { skip: !existsSync(NAB) && 'NAB data not present' }, () => {
  const series = readNycTaxiSeries(NAB);
  assert.equal(series.length, 10_320);
  const slots: number[][] = Array.from({ length: 336 }, () => []);
  for (const p of series) slots[nycHalfHourOfWeek(p.ts)]!.push(p.count);
  const med = slots.map((xs) => {
    const s = xs.sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  });
  const mean = med.reduce((a, b) => a + b, 0) / 336;
  for (let i = 0; i < 336; i++) assert.ok(Math.abs(med[i]! / mean - NYC_WEEKLY_SHAPE[i]!) < 0.0006, `slot ${i}`);
});
