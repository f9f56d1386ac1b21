import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nycWallToUtc } from './nyc-wall-time.ts';

const wall = (s: string) => Date.parse(s.replace(' ', 'T') + 'Z');
const utc = (s: string) => Date.parse(s);

test('standard and daylight time', () => {
  assert.equal(nycWallToUtc(wall('2015-01-15 12:00:00')), utc('2015-01-15T17:00:00Z'));
  assert.equal(nycWallToUtc(wall('2015-07-15 12:00:00')), utc('2015-07-15T16:00:00Z'));
  assert.equal(nycWallToUtc(wall('2009-01-01 00:00:00')), utc('2009-01-01T05:00:00Z'));
});

test('March: the last EST minute, the skipped hour (read as EST) and the first EDT minute', () => {
  assert.equal(nycWallToUtc(wall('2015-03-08 01:59:00')), utc('2015-03-08T06:59:00Z'));
  assert.equal(nycWallToUtc(wall('2015-03-08 02:30:00')), utc('2015-03-08T07:30:00Z'));
  assert.equal(nycWallToUtc(wall('2015-03-08 03:00:00')), utc('2015-03-08T07:00:00Z'));
});

test('November: the repeated hour is read as EDT, 02:00 is EST', () => {
  assert.equal(nycWallToUtc(wall('2024-11-03 00:59:00')), utc('2024-11-03T04:59:00Z'));
  assert.equal(nycWallToUtc(wall('2024-11-03 01:30:00')), utc('2024-11-03T05:30:00Z'));
  assert.equal(nycWallToUtc(wall('2024-11-03 02:00:00')), utc('2024-11-03T07:00:00Z'));
});
