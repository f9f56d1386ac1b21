import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SensorReading } from '../../contracts/index.ts';
import { channelKey, fileReadings, parseFileTimestamp } from './file-readings.ts';

test('channel keys are contract-valid', () => {
  assert.equal(channelKey('Volume Flow RateRMS'), 'volume_flow_raterms');
  assert.equal(channelKey('Accelerometer1RMS'), 'accelerometer1rms');
  assert.equal(channelKey('1st'), 'c_1st');
});

test('timestamps without a zone are UTC', () => {
  assert.equal(parseFileTimestamp('2014-07-01 00:30:00'), Date.UTC(2014, 6, 1, 0, 30));
  assert.throws(() => parseFileTimestamp('yesterday'), /unreadable/);
});

test('NAB and SKAB files become schema-valid readings in file order, ids by row', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-files-'));
  writeFileSync(join(dir, 'a.csv'), 'timestamp,value\n2014-01-01 00:00:00,1.5\n2014-01-01 00:05:00,2\n2014-01-01 00:05:00,3\n');
  const nab = fileReadings(join(dir, 'a.csv'), 'nab', 'a');
  assert.deepEqual(nab.map((r) => [r.id, r.channels.value]), [['a@0', 1.5], ['a@1', 2], ['a@2', 3]]);
  nab.forEach((r) => SensorReading.parse(r));
  const header = 'datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;Voltage;Volume Flow RateRMS;anomaly;changepoint';
  writeFileSync(join(dir, 's.csv'), `${header}\r\n2020-03-09 10:14:33;0.02;0.04;1.2;0.05;70.1;25.0;229;32;0.0;0.0\r\n`);
  const skab = fileReadings(join(dir, 's.csv'), 'skab', 'valve1-0');
  assert.equal(skab.length, 1);
  assert.equal(skab[0]!.channels.volume_flow_raterms, 32);
  assert.equal(Object.keys(skab[0]!.channels).length, 8);
  SensorReading.parse(skab[0]);
});
