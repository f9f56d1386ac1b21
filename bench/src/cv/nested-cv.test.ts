import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossValidate, CvSetupError, selectCandidate, type CvItem } from './nested-cv.ts';
import { assessBench, fitBench, pooledHeldOut, thresholdTransfer, type BenchCvItem, type NabCvItem, type ScoresOf } from './benchmark-cv.ts';

interface Toy extends CvItem {
  /** Per candidate, how well it does on this item. */
  gain: number[];
}

const toyFit = (c: number, train: readonly Toy[]) => ({ objective: train.reduce((s, i) => s + i.gain[c]!, 0), fit: train.map((i) => i.name) });

test('each fold is fitted on the other folds and the shared items only, never on its own', () => {
  const items: Toy[] = [
    { name: 'a1', fold: 'A', gain: [1, 0] },
    { name: 'b1', fold: 'B', gain: [0, 1] },
    { name: 'c1', fold: 'C', gain: [0, 0] },
    { name: 'shared', fold: null, gain: [0, 0] },
  ];
  const folds = crossValidate(items, 2, toyFit, (_c, _f, test) => test.map((i) => i.name));
  assert.deepEqual(folds.map((f) => f.fold), ['A', 'B', 'C']);
  for (const f of folds) {
    assert.deepEqual(f.assessment, f.heldOut);
    for (const name of f.heldOut) assert.ok(!f.fit.includes(name), `fold ${f.fold} was fitted on its held-out ${name}`);
    assert.ok(f.fit.includes('shared'));
  }
  assert.ok(!folds.flatMap((f) => f.heldOut).includes('shared'));
});

test('a held-out item cannot move its fold’s choice, however extreme it is', () => {
  const base: Toy[] = [
    { name: 'a1', fold: 'A', gain: [0, 0, 0] },
    { name: 'b1', fold: 'B', gain: [2, 1, 0] },
    { name: 'c1', fold: 'C', gain: [2, 1, 0] },
  ];
  const before = crossValidate(base, 3, toyFit, () => null);
  // The held-out file now strongly prefers candidate 2; were it leaking into the fit, fold A would pick 2.
  const leaky = base.map((i) => (i.name === 'a1' ? { ...i, gain: [0, 0, 1e9] } : i));
  const after = crossValidate(leaky, 3, toyFit, () => null);
  assert.equal(after[0]!.candidate, before[0]!.candidate);
  assert.equal(after[0]!.candidate, 0);
  // …whereas the same change does move the folds it trains (so this test can fail).
  assert.equal(after[1]!.candidate, 2);
});

test('ties go to the lower (default) candidate; fewer than two folds is refused', () => {
  assert.equal(selectCandidate(3, [{ name: 'x', fold: 'A', gain: [1, 1, 1] }], toyFit).candidate, 0);
  assert.throws(() => crossValidate([{ name: 'x', fold: 'A', gain: [1] }], 1, toyFit, () => null), CvSetupError);
});

// Synthetic NAB files: 100 rows, one window at rows 60–69.
const stamps = Array.from({ length: 100 }, (_, i) => `2020-01-01 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`);
const nab = (name: string, fold: string): NabCvItem => ({ kind: 'nab', name, fold, timestamps: stamps, windows: [[stamps[60]!, stamps[69]!]] });
const profiles = { standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 } };
const opts = { profiles, selectBy: 'standard', skabThresholds: [50, 70], skabMaxFar: 0.15 };

test('the NAB threshold is chosen on the training files: a held-out file’s scores do not move it', () => {
  const items: BenchCvItem[] = [nab('A/a.csv', 'A'), nab('B/b.csv', 'B'), nab('C/c.csv', 'C')];
  // Every file fires 95 at the window's left edge and 80 on a false positive at row 30; the
  // held-out file A is then changed to fire only at 85 inside its window.
  const plain: ScoresOf = () => Float64Array.from({ length: 100 }, (_, i) => (i === 60 ? 95 : i === 30 ? 80 : 0));
  const changed: ScoresOf = (c, name) => (name === 'A/a.csv' ? Float64Array.from({ length: 100 }, (_, i) => (i === 60 ? 85 : 0)) : plain(c, name));
  const run = (s: ScoresOf) => crossValidate(items, 1, (c, tr) => fitBench(c, tr, s, opts), (c, f, te) => assessBench(c, f, te, s, opts));
  const a = run(plain);
  const b = run(changed);
  assert.equal(a[0]!.fit.nabThreshold['standard'], 0.95);
  assert.equal(b[0]!.fit.nabThreshold['standard'], a[0]!.fit.nabThreshold['standard']);
  // Assessed at 0.95 (from training), the changed file now misses its window: −1 raw.
  assert.equal(b[0]!.assessment.nab['standard']![0]!.raw, -1);
  assert.ok(a[0]!.assessment.nab['standard']![0]!.raw > 0.9);
  const pooled = pooledHeldOut(b, items as NabCvItem[], profiles);
  assert.ok(pooled.nab['standard']! < pooledHeldOut(a, items as NabCvItem[], profiles).nab['standard']!);
});

test('threshold transfer: a held-out fold scored at the training threshold and at its own best one', () => {
  const items: BenchCvItem[] = [nab('A/a.csv', 'A'), nab('B/b.csv', 'B'), nab('C/c.csv', 'C')];
  // B and C fire 95 in their window; A fires only 85 there: trained on B and C, fold A gets 0.95
  // and misses its window, whereas its own best threshold (0.85) catches it.
  const s: ScoresOf = (_c, name) => Float64Array.from({ length: 100 }, (_, i) => (i === 60 ? (name === 'A/a.csv' ? 85 : 95) : 0));
  const folds = crossValidate(items, 1, (c, tr) => fitBench(c, tr, s, opts), (c, f, te) => assessBench(c, f, te, s, opts));
  const a = thresholdTransfer(folds[0]!, [items[0] as NabCvItem], s, profiles)['standard']!;
  assert.equal(a.atTraining, 0);
  assert.equal(a.ownThreshold, 0.85);
  assert.ok(a.atOwnBest > 90);
  const b = thresholdTransfer(folds[1]!, [items[1] as NabCvItem], s, profiles)['standard']!;
  assert.equal(b.atTraining, b.atOwnBest);
});

test('the SKAB threshold is chosen on the training folds under the false-alarm cap', () => {
  const labels = Array.from({ length: 500 }, (_, i) => (i >= 450 ? 1 : 0));
  const items: BenchCvItem[] = [
    { kind: 'skab', name: '0.csv', fold: 'A', labels },
    { kind: 'skab', name: '1.csv', fold: 'B', labels },
  ];
  // Scores 60 everywhere and 80 on the anomaly: 50 would flag every row (FAR 100 %), so 70 is chosen.
  const s: ScoresOf = () => Float64Array.from(labels, (l) => (l ? 80 : 60));
  const folds = crossValidate(items, 1, (c, tr) => fitBench(c, tr, s, opts), (c, f, te) => assessBench(c, f, te, s, opts));
  for (const f of folds) assert.equal(f.fit.skabThreshold, 70);
  assert.equal(pooledHeldOut(folds, [], profiles).skab.f1, 1);
});

test('the declared folds: NAB by category (artificialNoAnomaly trains every fold), SKAB valve1 in three runs of experiments', async () => {
  const { NAB_FOLDS, skabFold } = await import('./run-cv.ts');
  assert.deepEqual(NAB_FOLDS, { realKnownCause: 'A', realAdExchange: 'B', artificialWithAnomaly: 'C' });
  assert.equal((NAB_FOLDS as Record<string, string>)['artificialNoAnomaly'], undefined);
  assert.deepEqual(
    Array.from({ length: 16 }, (_, i) => skabFold(`${i}.csv`)),
    ['A', 'A', 'A', 'A', 'A', 'A', 'B', 'B', 'B', 'B', 'B', 'C', 'C', 'C', 'C', 'C'],
  );
});
