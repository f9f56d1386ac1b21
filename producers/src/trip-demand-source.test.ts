import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { tempDir } from '../../test/harness/temp-dir.ts';
import { DemandSourceError, resolveDemandSource } from './trip-demand-source.ts';

const WEEK = 7 * 86_400_000;

test("'shape': the committed weekly shape, even when the NAB series is present", () => {
  const s = resolveDemandSource('shape', Date.UTC(2026, 4, 5));
  assert.equal(s.series, undefined);
  assert.match(s.description, /committed weekly shape/);
});

test('a series file: read, shifted by whole weeks so its first week lands on the week of the start', () => {
  const dir = tempDir('demand');
  try {
    const path = `${dir.path}/demand.csv`;
    writeFileSync(path, 'timestamp,value\n2014-07-01 00:00:00,100\n2014-07-01 00:30:00,200\n');
    const start = Date.UTC(2026, 4, 7, 12); // a Thursday
    const s = resolveDemandSource(path, start);
    assert.equal(s.series?.length, 2);
    const first = s.series![0]!.ts;
    assert.equal(s.timeShiftMs % WEEK, 0);
    assert.ok(first + s.timeShiftMs <= start && start < first + s.timeShiftMs + WEEK);
    assert.match(s.description, /2 half hours, 2014-07-01 … 2014-07-01/);
  } finally {
    dir.remove();
  }
});

test('a missing or malformed file is an error naming --demand', () => {
  assert.throws(() => resolveDemandSource('/nonexistent/demand.csv', 0), (e: unknown) => e instanceof DemandSourceError && /^--demand \/nonexistent\/demand\.csv does not exist/.test(e.message));
  const dir = tempDir('demand');
  try {
    writeFileSync(`${dir.path}/bad.csv`, 'timestamp,value\nyesterday,1\n');
    assert.throws(() => resolveDemandSource(`${dir.path}/bad.csv`, 0), (e: unknown) => e instanceof DemandSourceError && /^--demand .*bad\.csv:2: cannot parse/.test(e.message));
  } finally {
    dir.remove();
  }
});
