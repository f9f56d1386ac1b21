// NAB scoring of a detector over a corpus: one threshold per profile chosen over all files,
// raw score, null-detector baseline and normalisation. Mirrors numenta/NAB (sweeper.py,
// optimizer.py, runner.normalize).
import { NAB_MAX_TP, prepareNabFile, type PreparedNabFile } from './nab-rows.ts';
import type { NabCorpusResult, NabFile, NabFileResult, NabProfile } from './nab-types.ts';
import { ScoringInputError } from './scoring-error.ts';

export type { NabCorpusResult, NabFile, NabFileResult, NabProfile } from './nab-types.ts';

/** Threshold meaning "no detection at all" (NAB's 1.1: above every score in [0, 1]). */
export const NAB_NO_DETECTION = 1.1;

/** A corpus prepared once and scorable under any number of profiles. */
export interface PreparedNabCorpus {
  readonly files: readonly PreparedNabFile[];
  /** Labelled windows over all files (the perfect score counts these). */
  readonly windows: number;
  /** Windows reaching past probation over all files; corpus-wide ids 0..windowsScored-1. */
  readonly windowsScored: number;
  /** All scorable rows of all files, sorted by anomaly score, highest first. */
  readonly sorted: {
    readonly scores: Float64Array;
    /** Corpus-wide window id, or −1 outside every window. */
    readonly window: Int32Array;
    readonly sigmoid: Float64Array;
  };
}

export function prepareNabCorpus(files: readonly NabFile[]): PreparedNabCorpus {
  const prepared = files.map(prepareNabFile);
  const n = prepared.reduce((s, f) => s + f.scores.length, 0);
  const scores = new Float64Array(n);
  const window = new Int32Array(n);
  const sigmoid = new Float64Array(n);
  let at = 0;
  let windowsScored = 0;
  for (const f of prepared) {
    scores.set(f.scores, at);
    sigmoid.set(f.sigmoid, at);
    for (let r = 0; r < f.window.length; r++) {
      const w = f.window[r]!;
      window[at + r] = w < 0 ? -1 : windowsScored + w;
    }
    at += f.scores.length;
    windowsScored += f.windowsScored;
  }
  // Stable sort (ties stay in corpus order, as in NAB's Python `sorted`).
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const pick = <T extends Float64Array | Int32Array>(src: T, dst: T): T => {
    order.forEach((o, i) => (dst[i] = src[o]!));
    return dst;
  };
  return {
    files: prepared,
    windows: prepared.reduce((s, f) => s + f.windows, 0),
    windowsScored,
    sorted: {
      scores: pick(scores, new Float64Array(n)),
      window: pick(window, new Int32Array(n)),
      sigmoid: pick(sigmoid, new Float64Array(n)),
    },
  };
}

const tpWeight = (sigmoid: number, p: NabProfile): number => (sigmoid * p.tpWeight) / NAB_MAX_TP;

/**
 * Raw score of each threshold, from "no detection" down through every distinct score, kept
 * incrementally: lowering the threshold only adds detections, so the whole sweep is one pass
 * over the sorted rows (plus a sum over windows per distinct score). Returns the best; a tie
 * keeps the higher threshold (it was seen first).
 */
export function optimiseNabThreshold(corpus: PreparedNabCorpus, profile: NabProfile): { threshold: number; raw: number } {
  const { scores, window, sigmoid } = corpus.sorted;
  const parts = new Float64Array(corpus.windowsScored).fill(-profile.fnWeight);
  let fp = 0;
  // Re-summed rather than updated by differences, so that equal scores are bit-identical ties.
  const sum = (): number => {
    let s = fp;
    for (let w = 0; w < parts.length; w++) s += parts[w]!;
    return s;
  };
  let best = { threshold: NAB_NO_DETECTION, raw: sum() };
  for (let k = 0; k < scores.length; ) {
    const t = scores[k]!;
    for (; k < scores.length && scores[k] === t; k++) {
      const w = window[k]!;
      if (w < 0) fp += sigmoid[k]! * profile.fpWeight;
      else parts[w] = Math.max(parts[w]!, tpWeight(sigmoid[k]!, profile));
    }
    const raw = sum();
    if (raw > best.raw) best = { threshold: t, raw };
  }
  return best;
}

/** Raw score of one prepared file at `threshold` (detection = score ≥ threshold). */
export function scorePreparedNabFile(f: PreparedNabFile, profile: NabProfile, threshold: number): NabFileResult {
  const parts = new Float64Array(f.windowsScored).fill(-profile.fnWeight);
  const hit = new Uint8Array(f.windowsScored);
  let fp = 0;
  let falsePositives = 0;
  for (let r = 0; r < f.scores.length; r++) {
    if (!(f.scores[r]! >= threshold)) continue;
    const w = f.window[r]!;
    if (w < 0) {
      fp += f.sigmoid[r]! * profile.fpWeight;
      falsePositives++;
    } else {
      // Only the earliest detection counts: its weight is the largest in the window.
      parts[w] = Math.max(parts[w]!, tpWeight(f.sigmoid[r]!, profile));
      hit[w] = 1;
    }
  }
  let raw = fp;
  for (const p of parts) raw += p;
  return {
    name: f.name,
    raw,
    rows: f.rows,
    probation: f.probation,
    windows: f.windows,
    windowsScored: f.windowsScored,
    windowsDetected: hit.reduce((s, h) => s + h, 0),
    falsePositives,
  };
}

/** Raw score of one file at a given threshold (detection = score ≥ threshold). */
export function scoreNabFile(file: NabFile, profile: NabProfile, threshold: number): NabFileResult {
  return scorePreparedNabFile(prepareNabFile(file), profile, threshold);
}

const sumRaw = (rs: readonly NabFileResult[]): number => rs.reduce((s, r) => s + r.raw, 0);

/** Full NAB evaluation of a prepared corpus under one profile. */
export function scorePreparedNabCorpus(corpus: PreparedNabCorpus, profile: NabProfile): NabCorpusResult {
  const { threshold } = optimiseNabThreshold(corpus, profile);
  const perFile = corpus.files.map((f) => scorePreparedNabFile(f, profile, threshold));
  const raw = sumRaw(perFile);

  // The null detector emits one constant, so its only choices are "nothing" and "everything";
  // optimised like any detector, a tie goes to the higher threshold, i.e. nothing.
  const nothing = sumRaw(corpus.files.map((f) => scorePreparedNabFile(f, profile, NAB_NO_DETECTION)));
  const everything = sumRaw(corpus.files.map((f) => scorePreparedNabFile(f, profile, Number.NEGATIVE_INFINITY)));
  const nullFlagsEverything = everything > nothing;
  const nullRaw = nullFlagsEverything ? everything : nothing;

  const perfect = profile.tpWeight * corpus.windows;
  if (!(perfect - nullRaw > 0)) {
    throw new ScoringInputError(
      'NAB corpus',
      `perfect score ${perfect} does not exceed the null detector's ${nullRaw}; include files with labelled windows`,
    );
  }
  const score = (100 * (raw - nullRaw)) / (perfect - nullRaw);
  return { score, threshold, raw, nullRaw, nullFlagsEverything, perfect, perFile };
}

/** Full NAB evaluation of a detector's output on `files` under one profile. */
export function scoreNabCorpus(files: readonly NabFile[], profile: NabProfile): NabCorpusResult {
  return scorePreparedNabCorpus(prepareNabCorpus(files), profile);
}
