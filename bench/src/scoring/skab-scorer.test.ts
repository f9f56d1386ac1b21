import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreSkab, type SkabFile } from './skab-scorer.ts';
import { ScoringInputError } from './scoring-error.ts';

/** 400 unscored rows (here: all anomalies, all flagged, to prove they are skipped) + a tail. */
function skabFile(name: string, labels: number[], predictions: number[]): SkabFile {
  return {
    name,
    labels: [...Array<number>(400).fill(1), ...labels],
    predictions: [...Array<number>(400).fill(0), ...predictions],
  };
}

test('F1, FAR and MAR pool the counts over files and skip the first 400 rows', () => {
  const r = scoreSkab([
    skabFile('a', [1, 1, 0, 0, 1], [1, 0, 1, 0, 0]), // tp 1, fn 2, fp 1, tn 1
    skabFile('b', [0, 1], [1, 1]), // fp 1, tp 1
  ]);
  assert.deepEqual({ tp: r.tp, fp: r.fp, fn: r.fn, tn: r.tn }, { tp: 2, fp: 2, fn: 2, tn: 1 });
  assert.equal(r.f1, 0.5); // 4 / (4 + 2 + 2)
  assert.equal(r.far, 2 / 3); // 2 / (2 + 1)
  assert.equal(r.mar, 0.5); // 2 / (2 + 2)
  assert.deepEqual(r.perFile[1], { name: 'b', tp: 1, fp: 1, fn: 0, tn: 0 });
});

test('pooling is not averaging per file', () => {
  const r = scoreSkab(
    [
      { name: 'a', labels: [1, 1, 1, 0], predictions: [true, true, true, false] },
      { name: 'b', labels: [1, 0, 0, 0], predictions: [false, true, false, false] },
    ],
    { skipRows: 0 },
  );
  assert.equal(r.f1, 6 / 8); // per-file F1s would average to 0.5
  assert.equal(r.far, 1 / 4);
  assert.equal(r.mar, 1 / 4);
});

test('empty cases give 0 instead of NaN; bad input names the file', () => {
  const r = scoreSkab([{ name: 'x', labels: [0, 0], predictions: [0, 0] }], { skipRows: 0 });
  assert.deepEqual([r.f1, r.far, r.mar], [0, 0, 0]);
  assert.throws(() => scoreSkab([{ name: 'x', labels: [0, 0], predictions: [0] }]), ScoringInputError);
  assert.throws(
    () => scoreSkab([{ name: 'x', labels: [0, 2], predictions: [0, 0] }], { skipRows: 0 }),
    /x: row 2: label 2/,
  );
});
