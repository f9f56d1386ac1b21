import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../harness/temp-dir.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vigia.js');
let dir: ReturnType<typeof tempDir>;
before(() => {
  dir = tempDir('bench-nab');
});
after(() => dir?.remove());

test('bench nab: one short file in the NAB layout goes through the real pipeline and is scored', () => {
  // A daily-ish noisy series at 5-minute steps with a level jump at row 500.
  const rows: string[] = [];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  const t0 = Date.UTC(2014, 0, 1);
  const ts = (i: number) => new Date(t0 + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
  for (let i = 0; i < 700; i++) rows.push(`${ts(i)},${(50 + 10 * Math.sin((2 * Math.PI * i) / 288) + 2 * rnd() + (i >= 500 ? 40 : 0)).toFixed(3)}`);
  const data = join(dir.path, 'data');
  mkdirSync(join(data, 'synthetic'), { recursive: true });
  writeFileSync(join(data, 'synthetic', 'jump.csv'), `timestamp,value\n${rows.join('\n')}\n`);
  writeFileSync(join(dir.path, 'labels.json'), JSON.stringify({ 'synthetic/jump.csv': [[`${ts(490)}.000000`, `${ts(530)}.000000`]] }));
  writeFileSync(join(dir.path, 'profiles.json'), JSON.stringify({ standard: { CostMatrix: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 } } }));

  const out = join(dir.path, 'out');
  const r = spawnSync(process.execPath, [BIN, 'bench', 'nab', '--data', data, '--out', out, '--labels', join(dir.path, 'labels.json'), '--profiles', join(dir.path, 'profiles.json')], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(join(out, 'synthetic', 'jump.csv'), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'timestamp,value,anomaly_score');
  assert.equal(lines.length, 701, 'one output row per input row');
  const scores = lines.slice(1).map((l) => Number(l.split(',')[2]));
  assert.ok(scores.every((s) => s >= 0 && s <= 1));
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), rows.map((l) => l.split(',')[0]), 'input order kept');
  assert.ok(Math.max(...scores.slice(500, 531)) >= 0.7, 'the level jump is detected inside its window');
  const score = Number(/standard\s+(-?[\d.]+)/.exec(r.stdout)?.[1]);
  assert.ok(score > 0, `NAB standard on this file: ${r.stdout}`);
});
