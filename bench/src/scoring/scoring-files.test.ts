import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDelimited } from './delimited-text.ts';
import { listNabDataFiles, readNabLabels, readNabProfiles, readNabResults, readNabSeries } from './nab-files.ts';
import { readSkabDir, readSkabFile } from './skab-files.ts';
import { ScoringInputError } from './scoring-error.ts';

// The benchmark data sits beside the repository (../shared/data), as in CI.
const DATA = process.env.VIGIA_BENCH_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));

test('delimited text: CRLF, BOM, trailing newline and blank lines', () => {
  const t = parseDelimited('\uFEFFa;b\r\n1;2\r\n\r\n3;4\r\n', ';', 'x');
  assert.deepEqual(t, { header: ['a', 'b'], rows: [['1', '2'], ['3', '4']] });
  assert.throws(() => parseDelimited('a,b\n1\n', ',', 'x.csv'), /x\.csv: line 2 has 1 fields/);
  assert.throws(() => parseDelimited('\n', ',', 'x.csv'), ScoringInputError);
});

const tempDir = (t: { after(fn: () => void): void }, prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

test('NAB layout: series, results, labels and profiles', (t) => {
  const dir = tempDir(t, 'vigia-nab-');
  mkdirSync(join(dir, 'data', 'cat'), { recursive: true });
  mkdirSync(join(dir, 'results', 'cat'), { recursive: true });
  writeFileSync(join(dir, 'data', 'cat', 's.csv'), 'timestamp,value\n2020-01-01 00:00:00,1.5\n2020-01-01 00:05:00,2\n');
  writeFileSync(
    join(dir, 'results', 'cat', 'det_s.csv'),
    'timestamp,value,anomaly_score\r\n2020-01-01 00:00:00,1.5,0.0\r\n2020-01-01 00:05:00,2,0.75\r\n',
  );
  writeFileSync(join(dir, 'labels.json'), JSON.stringify({ 'cat/s.csv': [['2020-01-01 00:05:00.000000', '2020-01-01 00:05:00.000000']] }));
  writeFileSync(join(dir, 'profiles.json'), JSON.stringify({ standard: { CostMatrix: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1, tnWeight: 1 } } }));

  assert.deepEqual(listNabDataFiles(join(dir, 'data')), ['cat/s.csv']);
  assert.deepEqual(readNabSeries(join(dir, 'data', 'cat', 's.csv')), {
    timestamps: ['2020-01-01 00:00:00', '2020-01-01 00:05:00'],
    values: [1.5, 2],
  });
  const labels = readNabLabels(join(dir, 'labels.json'));
  const [f] = readNabResults(join(dir, 'results'), labels, 'det');
  assert.deepEqual(f?.scores, [0, 0.75]);
  assert.equal(f?.name, 'cat/s.csv');
  assert.deepEqual(readNabProfiles(join(dir, 'profiles.json')), { standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 } });
  assert.throws(() => readNabResults(join(dir, 'results'), labels, 'other'), /missing results file/);
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ 'cat/s.csv': [['only-one']] }));
  assert.throws(() => readNabLabels(join(dir, 'bad.json')), /\[start, end\]/);
});

test('SKAB file: semicolons, CRLF, label columns optional', (t) => {
  const dir = tempDir(t, 'vigia-skab-');
  const header = 'datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;Voltage;Volume Flow RateRMS';
  const row = '2020-03-09 10:14:33;0.02;0.04;1.3;0.05;79.3;26.0;233.0;32.0';
  writeFileSync(join(dir, '0.csv'), `${header};anomaly;changepoint\r\n${row};0.0;0.0\r\n${row};1.0;1.0\r\n`);
  writeFileSync(join(dir, '10.csv'), `${header};anomaly;changepoint\r\n${row};1.0;0.0\r\n`);
  writeFileSync(join(dir, '2.csv'), `${header};anomaly;changepoint\r\n${row};0.0;0.0\r\n`);
  const s = readSkabFile(join(dir, '0.csv'), '0.csv');
  assert.deepEqual(s.anomaly, [0, 1]);
  assert.deepEqual(s.changepoint, [0, 1]);
  assert.deepEqual(s.channels['Volume Flow RateRMS'], [32, 32]);
  assert.deepEqual(readSkabDir(dir).map((f) => f.name), ['0.csv', '2.csv', '10.csv']);
  writeFileSync(join(dir, 'free.txt'), `${header}\r\n${row}\r\n`);
  assert.equal(readSkabFile(join(dir, 'free.txt')).anomaly, undefined);
});

test('the shared benchmark data loads', { skip: existsSync(join(DATA, 'skab')) ? false : `no benchmark data under ${DATA}` }, () => {
  const valve = readSkabDir(join(DATA, 'skab', 'valve1'));
  assert.equal(valve.length, 16);
  assert.equal(valve.reduce((s, f) => s + f.timestamps.length, 0), 18160);
  assert.ok(valve.every((f) => f.anomaly?.some((a) => a === 1)));
  assert.equal(readSkabFile(join(DATA, 'skab', 'anomaly-free', 'anomaly-free.csv')).timestamps.length, 9405);
  assert.equal(listNabDataFiles(join(DATA, 'nab')).length, 24);
});
