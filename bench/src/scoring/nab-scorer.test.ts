import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probationLength, scaledSigmoid } from './nab-rows.ts';
import {
  NAB_NO_DETECTION,
  optimiseNabThreshold,
  prepareNabCorpus,
  scoreNabCorpus,
  scoreNabFile,
  scorePreparedNabFile,
  type NabFile,
  type NabProfile,
} from './nab-scorer.ts';
import { ScoringInputError } from './scoring-error.ts';

const STANDARD: NabProfile = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };
const LOW_FN: NabProfile = { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 };
const close = (actual: number, expected: number, eps = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= eps, `${actual} ≠ ${expected}`);

// Hand formula: 2/(1+e^(5y)) − 1 = tanh(−5y/2); S(−1) = tanh(2.5).
const S = (y: number): number => Math.tanh((-5 * y) / 2);
const TP_AT = (y: number): number => S(y) / S(-1);

/** Row i is at 2020-01-01 00:00 + i minutes. */
function ts(i: number): string {
  const h = Math.floor(i / 60);
  const m = i % 60;
  return `2020-01-0${1 + Math.floor(h / 24)} ${String(h % 24).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
}
const label = (i: number): string => `${ts(i)}.000000`;

/** 100 rows (probation 15), windows given as row ranges, detections (score 1) at `hits`. */
function file(windows: [number, number][], hits: number[], n = 100, name = 'f.csv'): NabFile {
  const scores = Array.from({ length: n }, (_, i) => (hits.includes(i) ? 1 : 0));
  return {
    name,
    timestamps: Array.from({ length: n }, (_, i) => ts(i)),
    scores,
    windows: windows.map(([a, b]) => [label(a), label(b)] as [string, string]),
  };
}
const raw = (f: NabFile, p = STANDARD): number => scoreNabFile(f, p, 0.5).raw;
const W: [number, number][] = [[40, 49]]; // width 10, after probation

test('scaled sigmoid and probation length', () => {
  close(scaledSigmoid(-1), 0.9866142981514303);
  close(scaledSigmoid(0), 0);
  close(scaledSigmoid(2.5), S(2.5));
  assert.equal(scaledSigmoid(3), -1);
  assert.equal(scaledSigmoid(40), -1);
  assert.deepEqual([0, 7, 100, 4032, 5000, 22695].map(probationLength), [0, 1, 15, 604, 750, 750]);
});

test('a window detected at its left edge earns tpWeight, at its right edge S(−1/w)/S(−1)', () => {
  close(raw(file(W, [40])), 1);
  close(raw(file(W, [49])), TP_AT(-0.1));
  close(raw(file(W, [49]), { tpWeight: 2, fpWeight: 0.11, fnWeight: 1 }), 2 * TP_AT(-0.1));
});

test('a window with no detection costs fnWeight', () => {
  close(raw(file(W, [])), -1);
  close(raw(file(W, []), LOW_FN), -2);
});

test('only the earliest detection in a window counts', () => {
  close(raw(file(W, [42, 45, 49])), TP_AT(-0.8));
  const r = scoreNabFile(file(W, [42, 45, 49]), STANDARD, 0.5);
  assert.equal(r.windowsDetected, 1);
  assert.equal(r.falsePositives, 0);
});

test('a false positive before the first window costs fpWeight', () => {
  close(raw(file(W, [20, 40])), 1 - 0.11);
  close(raw(file([], [20, 60])), -0.22);
});

test('a false positive just after a window costs little, far after it fpWeight', () => {
  // y = |i − R′| / (w′ − 1) with R′ = 49, w′ = 10.
  close(raw(file(W, [40, 50])), 1 + 0.11 * S(1 / 9));
  assert.ok(0.11 * S(1 / 9) > -0.03);
  close(raw(file(W, [40, 67])), 1 + 0.11 * S(2)); // y = 2: nearly the full cost
  close(raw(file(W, [40, 99])), 1 - 0.11); // y = 50/9 > 3
  // Distance counts from the most recent window only.
  close(raw(file([[20, 29], [60, 69]], [20, 60, 70])), 2 + 0.11 * S(1 / 9));
});

test('probation rows earn and cost nothing; a window inside probation is not scored', () => {
  close(raw(file(W, [3, 10, 14, 40])), 1);
  const inside = file([[2, 8]], []);
  close(raw(inside), 0);
  // …but is the most recent window for later false positives: row 20, y = 12/6 = 2.
  close(raw(file([[2, 8]], [20])), 0.11 * S(2));
  const r = scoreNabCorpus([file([[2, 8]], []), file(W, [40], 100, 'g.csv')], STANDARD);
  assert.equal(r.perfect, 2); // both windows count towards perfect
  assert.equal(r.perFile[0]!.windowsScored, 0);
  // A window straddling probation is scored from its first row after probation only.
  close(raw(file([[10, 19]], [14, 15])), TP_AT(-0.5));
  close(raw(file([[10, 19]], [14])), -1);
});

test('the corpus threshold maximises the summed raw score; ties go to the higher threshold', () => {
  const f = file(W, []);
  const tie: NabFile = { ...f, scores: f.scores.map((_, i) => (i === 40 ? 0.9 : i === 45 ? 0.8 : 0.1)) };
  const r = scoreNabCorpus([tie], STANDARD);
  assert.equal(r.threshold, 0.9);
  close(r.raw, 1);
  // With tpWeight = fnWeight = 0 a detection in the window is worth exactly what a miss costs:
  // flagging nothing ties with it and, being the higher threshold, wins.
  const zero = optimiseNabThreshold(prepareNabCorpus([tie]), { tpWeight: 0, fpWeight: 0.11, fnWeight: 0 });
  assert.deepEqual(zero, { threshold: NAB_NO_DETECTION, raw: 0 });
});

test('the threshold is shared across files', () => {
  const a = file(W, [], 100, 'a.csv');
  const b = file(W, [], 100, 'b.csv');
  const fa: NabFile = { ...a, scores: a.scores.map((_, i) => (i === 40 ? 0.6 : i === 20 ? 0.7 : 0)) };
  const fb: NabFile = { ...b, scores: b.scores.map((_, i) => (i === 41 ? 0.8 : 0)) };
  const r = scoreNabCorpus([fa, fb], STANDARD);
  assert.equal(r.threshold, 0.6); // 0.6 catches a's window despite a's FP at 0.7
  close(r.raw, 1 - 0.11 + TP_AT(-0.9));
  close(r.perFile[0]!.raw + r.perFile[1]!.raw, r.raw);
});

test('normalisation: never firing scores 0, perfect scores 100, null may flag everything', () => {
  const windows: [number, number][] = [[30, 39], [70, 79]];
  assert.equal(scoreNabCorpus([file(windows, [])], STANDARD).score, 0);
  const perfect = scoreNabCorpus([file(windows, [30, 70]), file([], [], 100, 'quiet.csv')], STANDARD);
  close(perfect.score, 100);
  assert.equal(perfect.perfect, 2);
  assert.equal(perfect.nullRaw, -2);
  assert.equal(perfect.nullFlagsEverything, false);
  // Mostly-window file: flagging every row (left edge +1, five FPs before it) beats flagging none.
  const r = scoreNabCorpus([file([[20, 99]], [20])], LOW_FN);
  assert.equal(r.nullFlagsEverything, true);
  close(r.nullRaw, 1 - 5 * 0.11);
  close(r.score, 100);
});

test('a repeated hour: windows are matched by row, first occurrence of the end', () => {
  // Rows 0..99, then rows 100..111 repeat the timestamps of rows 88..99.
  const base = file([], []);
  const timestamps = [...base.timestamps, ...base.timestamps.slice(88, 100), ...Array.from({ length: 20 }, (_, i) => ts(100 + i))];
  const n = timestamps.length;
  const mk = (w: [string, string], hits: number[]): NabFile => ({
    name: 'dup.csv',
    timestamps,
    scores: Array.from({ length: n }, (_, i) => (hits.includes(i) ? 1 : 0)),
    windows: [w],
  });
  // Window 105..115 (in file order rows 117..127 hold ts 105..115 — timestamps after the repeat).
  close(scoreNabFile(mk([label(105), label(115)], [117]), STANDARD, 0.5).raw, 1);
  // A window ending on a repeated timestamp ends at its first occurrence (row 95, width 6);
  // the repeat rows after it are false positives close to the window.
  const w: [string, string] = [label(90), label(95)];
  close(scoreNabFile(mk(w, [90]), STANDARD, 0.5).raw, 1);
  close(scoreNabFile(mk(w, [90, 100]), STANDARD, 0.5).raw, 1 + 0.11 * S(5 / 5));
});

test('the incremental sweep agrees with brute force over every threshold', () => {
  let seed = 12345;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let trial = 0; trial < 25; trial++) {
    const files: NabFile[] = Array.from({ length: 3 }, (_, k) => {
      const n = 60 + Math.floor(rnd() * 80);
      const windows: [number, number][] = [];
      for (let at = Math.floor(rnd() * 20); at < n - 5; at += 10 + Math.floor(rnd() * 40)) {
        const end = Math.min(n - 1, at + 1 + Math.floor(rnd() * 10));
        windows.push([at, end]);
        at = end;
      }
      const f = file(windows, [], n, `r${k}.csv`);
      // Coarse scores so that many rows share a threshold.
      return { ...f, scores: f.scores.map(() => Math.round(rnd() * rnd() * 20) / 20) };
    });
    for (const profile of [STANDARD, LOW_FN, { tpWeight: 1, fpWeight: 0.5, fnWeight: 0.2 }]) {
      const corpus = prepareNabCorpus(files);
      const at = (t: number): number => corpus.files.reduce((s, f) => s + scorePreparedNabFile(f, profile, t).raw, 0);
      const candidates = [NAB_NO_DETECTION, ...new Set(files.flatMap((f) => f.scores))].sort((a, b) => b - a);
      let best = { threshold: NAB_NO_DETECTION, raw: at(NAB_NO_DETECTION) };
      for (const t of candidates) if (at(t) > best.raw + 1e-12) best = { threshold: t, raw: at(t) };
      const swept = optimiseNabThreshold(corpus, profile);
      close(swept.raw, best.raw, 1e-9);
      close(at(swept.threshold), best.raw, 1e-9);
    }
  }
});

test('unusable input is rejected with the file named', () => {
  const f = file(W, []);
  const bad = (g: NabFile, re: RegExp): void =>
    assert.throws(() => scoreNabCorpus([g], STANDARD), (e: unknown) => e instanceof ScoringInputError && re.test(e.message) && /f\.csv/.test(e.message));
  bad({ ...f, scores: f.scores.slice(1) }, /one per row/);
  bad({ ...f, scores: f.scores.map((s, i) => (i === 3 ? 1.5 : s)) }, /row 4.*not in \[0, 1\]/);
  bad({ ...f, scores: f.scores.map((s, i) => (i === 3 ? Number.NaN : s)) }, /row 4/);
  bad({ ...f, windows: [['2031-01-01 00:00:00', '2031-01-02 00:00:00']] }, /no row/);
  bad({ ...f, windows: [[label(10), label(30)], [label(20), label(40)]] }, /overlaps/);
  bad({ ...f, timestamps: f.timestamps.map((t, i) => (i === 2 ? '2020/01/01' : t)) }, /row 3.*timestamp/);
  assert.throws(() => scoreNabCorpus([file([], [])], STANDARD), /labelled windows/);
});
