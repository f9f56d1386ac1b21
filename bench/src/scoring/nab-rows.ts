// Per-row NAB weights of one file, independent of profile and threshold: which window a row
// belongs to and its scaled-sigmoid position. Mirrors numenta/NAB nab/sweeper.py calcSweepScore.
import type { NabFile } from './nab-types.ts';
import { locateWindows, timestampKeys } from './nab-windows.ts';
import { ScoringInputError } from './scoring-error.ts';

/** Fraction of each file treated as probation. */
export const NAB_PROBATION_FRACTION = 0.15;
/** Probation never exceeds this many rows (NAB: 0.15 × 5000). */
export const NAB_PROBATION_MAX_ROWS = 750;

/** Rows ignored at the start of a file of `rows` rows: min(floor(0.15 · rows), 750). */
export function probationLength(rows: number): number {
  // Same float product as NAB, so a rounding edge (0.15 · n just under an integer) agrees.
  return Math.min(Math.floor(NAB_PROBATION_FRACTION * rows), NAB_PROBATION_MAX_ROWS);
}

/**
 * NAB's scaled sigmoid: 2/(1 + e^(5y)) − 1, and −1 from y = 3 on. NAB's sweeper uses `>= 3`
 * (the prose rule says `> 3`; the two differ by 6e-7 at exactly y = 3).
 */
export function scaledSigmoid(y: number): number {
  if (y >= 3) return -1;
  return 2 * (1 / (1 + Math.exp(5 * y))) - 1;
}

/** S(−1): the weight of a detection at a window's left edge before scaling to tpWeight. */
export const NAB_MAX_TP = scaledSigmoid(-1);

/** One file reduced to its scorable rows (those after probation). */
export interface PreparedNabFile {
  readonly name: string;
  readonly rows: number;
  readonly probation: number;
  /** All labelled windows, including those inside probation. */
  readonly windows: number;
  /** Windows reaching past probation; ids 0..windowsScored-1 in file order. */
  readonly windowsScored: number;
  /** Anomaly score of each scorable row. */
  readonly scores: Float64Array;
  /** Scored-window id of each scorable row, or −1 outside every window. */
  readonly window: Int32Array;
  /** S(y) of each scorable row: a TP position inside a window, an FP distance outside. */
  readonly sigmoid: Float64Array;
}

function checkScores(file: NabFile): void {
  if (file.scores.length !== file.timestamps.length) {
    throw new ScoringInputError(
      file.name,
      `${file.scores.length} anomaly scores for ${file.timestamps.length} rows; need one per row`,
    );
  }
  for (let i = 0; i < file.scores.length; i++) {
    const s = file.scores[i]!;
    if (!(s >= 0 && s <= 1)) {
      throw new ScoringInputError(file.name, `row ${i + 1}: anomaly score ${s} is not in [0, 1]`);
    }
  }
}

export function prepareNabFile(file: NabFile): PreparedNabFile {
  checkScores(file);
  const n = file.timestamps.length;
  const spans = locateWindows(file.name, timestampKeys(file.name, file.timestamps), file.windows);
  const probation = probationLength(n);
  const m = n - probation;
  const scores = new Float64Array(m);
  const window = new Int32Array(m);
  const sigmoid = new Float64Array(m);

  // A window wholly inside probation earns nothing, but still is "the most recent window" for
  // the false positives after it, exactly as in NAB's sweeper.
  const firstScored = spans.findIndex((s) => s.right >= probation);
  const windowsScored = firstScored < 0 ? 0 : spans.length - firstScored;

  let next = 0;
  let cur = -1;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (cur < 0 && next < spans.length && i === spans[next]!.left) cur = next++;
    if (i >= probation) {
      const j = i - probation;
      scores[j] = file.scores[i]!;
      if (cur >= 0) {
        const { left, right } = spans[cur]!;
        window[j] = cur - firstScored;
        sigmoid[j] = scaledSigmoid(-(right - i + 1) / (right - left + 1));
      } else if (prev >= 0) {
        const { left, right } = spans[prev]!;
        const width = right - left + 1;
        window[j] = -1;
        // A one-row window has no scale for distance; NAB divides by zero there, i.e. S = −1.
        sigmoid[j] = width > 1 ? scaledSigmoid(Math.abs(i - right) / (width - 1)) : -1;
      } else {
        window[j] = -1;
        sigmoid[j] = -1;
      }
    }
    if (cur >= 0 && i === spans[cur]!.right) {
      prev = cur;
      cur = -1;
    }
  }
  return { name: file.name, rows: n, probation, windows: spans.length, windowsScored, scores, window, sigmoid };
}
