// SKAB outlier-detection scoring: per-row binary classification pooled over files, with each
// file's first rows left to the detector for fitting and not scored.
import { ScoringInputError } from './scoring-error.ts';

/** Rows at the start of each SKAB file that are not scored. */
export const SKAB_SKIP_ROWS = 400;

/** One SKAB file: the detector's binary decision and the ground-truth `anomaly` label per row. */
export interface SkabFile {
  readonly name: string;
  /** 1 (or true) where the detector flags the row. */
  readonly predictions: readonly (number | boolean)[];
  /** The file's `anomaly` column: 1 on anomalous rows, 0 elsewhere. */
  readonly labels: readonly number[];
}

export interface SkabCounts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

export interface SkabResult extends SkabCounts {
  /** 2TP / (2TP + FP + FN); 0 when there is nothing to find and nothing flagged. */
  readonly f1: number;
  /** False-alarm rate FP / (FP + TN); 0 without negatives. */
  readonly far: number;
  /** Missed-alarm rate FN / (FN + TP); 0 without positives. */
  readonly mar: number;
  readonly perFile: readonly (SkabCounts & { readonly name: string })[];
}

export interface SkabScoreOptions {
  /** Leading rows of each file excluded from scoring; default SKAB_SKIP_ROWS (400). */
  readonly skipRows?: number;
}

const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

function countFile(file: SkabFile, skip: number): SkabCounts {
  if (file.predictions.length !== file.labels.length) {
    throw new ScoringInputError(
      file.name,
      `${file.predictions.length} predictions for ${file.labels.length} labelled rows; need one per row`,
    );
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = skip; i < file.labels.length; i++) {
    const actual = file.labels[i] === 1;
    if (!actual && file.labels[i] !== 0) {
      throw new ScoringInputError(file.name, `row ${i + 1}: label ${file.labels[i]} is neither 0 nor 1`);
    }
    const flagged = file.predictions[i] === true || file.predictions[i] === 1;
    if (flagged && actual) tp++;
    else if (flagged) fp++;
    else if (actual) fn++;
    else tn++;
  }
  return { tp, fp, fn, tn };
}

/** F1, FAR and MAR with TP/FP/FN/TN pooled over all files. */
export function scoreSkab(files: readonly SkabFile[], options: SkabScoreOptions = {}): SkabResult {
  const skip = options.skipRows ?? SKAB_SKIP_ROWS;
  const perFile = files.map((f) => ({ name: f.name, ...countFile(f, skip) }));
  const sum = (k: keyof SkabCounts): number => perFile.reduce((s, c) => s + c[k], 0);
  const tp = sum('tp');
  const fp = sum('fp');
  const fn = sum('fn');
  const tn = sum('tn');
  return {
    tp,
    fp,
    fn,
    tn,
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    far: ratio(fp, fp + tn),
    mar: ratio(fn, fn + tp),
    perFile,
  };
}
