// NAB and SKAB under the nested cross-validation of nested-cv.ts: what is fitted on the training
// folds (a grid candidate, one NAB threshold per profile, one SKAB alarm threshold) and how a
// held-out fold is assessed with it. Pure: detector scores come in through `scoresOf`, so the
// fold logic is testable with synthetic scores.
import { prepareNabCorpus, scorePreparedNabCorpus, scorePreparedNabFile, type NabFile, type NabFileResult, type NabProfile } from '../scoring/nab-scorer.ts';
import { prepareNabFile } from '../scoring/nab-rows.ts';
import { scoreSkab, type SkabCounts } from '../scoring/skab-scorer.ts';
import type { CvFit, CvFoldResult, CvItem } from './nested-cv.ts';

export interface NabCvItem extends CvItem {
  readonly kind: 'nab';
  readonly timestamps: readonly string[];
  readonly windows: readonly (readonly [string, string])[];
}

export interface SkabCvItem extends CvItem {
  readonly kind: 'skab';
  readonly labels: readonly number[];
}

export type BenchCvItem = NabCvItem | SkabCvItem;

/** Detector output of grid candidate `c` on item `name`: 0–100 per row, in file order. */
export type ScoresOf = (candidate: number, name: string) => ArrayLike<number>;

export interface BenchCvOptions {
  profiles: Record<string, NabProfile>;
  /** Profile whose normalised training score is the NAB part of the objective; 'standard'. */
  selectBy: string;
  /** SKAB alarm thresholds (0–100) the training folds choose from. */
  skabThresholds: readonly number[];
  /** A SKAB threshold whose training false-alarm rate exceeds this is not eligible. */
  skabMaxFar: number;
}

export interface BenchFit {
  /** NAB threshold (on score / 100) per profile, chosen on the training NAB files. */
  nabThreshold: Record<string, number>;
  /** Normalised NAB score of the training files per profile (in-sample for this fold). */
  nabTrain: Record<string, number>;
  skabThreshold: number;
  skabTrain: { f1: number; far: number };
}

export interface BenchAssessment {
  /** Per profile, each held-out NAB file at the training threshold. */
  nab: Record<string, NabFileResult[]>;
  skab: (SkabCounts & { name: string })[];
}

export type BenchFold = CvFoldResult<BenchFit, BenchAssessment>;

const clamp01 = (v: number): number => (v <= 0 ? 0 : v >= 100 ? 1 : v / 100);

export function nabFileOf(item: NabCvItem, scores: ArrayLike<number>): NabFile {
  return { name: item.name, timestamps: item.timestamps, windows: item.windows, scores: Array.from(scores, clamp01) };
}

function skabPredictions(scores: ArrayLike<number>, threshold: number): number[] {
  return Array.from(scores, (v) => (v >= threshold ? 1 : 0));
}

/** The objective and fit of candidate `c` on `train`: NAB (selectBy profile) + 100 × SKAB F1. */
export function fitBench(c: number, train: readonly BenchCvItem[], scoresOf: ScoresOf, o: BenchCvOptions): CvFit<BenchFit> {
  const nab = train.filter((i): i is NabCvItem => i.kind === 'nab');
  const skab = train.filter((i): i is SkabCvItem => i.kind === 'skab');
  const nabThreshold: Record<string, number> = {};
  const nabTrain: Record<string, number> = {};
  let objective = 0;
  if (nab.length > 0) {
    const corpus = prepareNabCorpus(nab.map((i) => nabFileOf(i, scoresOf(c, i.name))));
    for (const [name, p] of Object.entries(o.profiles)) {
      const r = scorePreparedNabCorpus(corpus, p);
      nabThreshold[name] = r.threshold;
      nabTrain[name] = r.score;
    }
    objective += nabTrain[o.selectBy] ?? 0;
  }
  let skabThreshold = o.skabThresholds[0] ?? 70;
  let skabTrain = { f1: 0, far: 0 };
  if (skab.length > 0) {
    let best = -1;
    for (const t of o.skabThresholds) {
      const r = scoreSkab(skab.map((i) => ({ name: i.name, labels: i.labels, predictions: skabPredictions(scoresOf(c, i.name), t) })));
      const eligible = r.far <= o.skabMaxFar;
      if (eligible && r.f1 > best) {
        best = r.f1;
        skabThreshold = t;
        skabTrain = { f1: r.f1, far: r.far };
      }
    }
    objective += 100 * Math.max(0, best);
  }
  return { objective, fit: { nabThreshold, nabTrain, skabThreshold, skabTrain } };
}

/** Scores held-out items at what was fitted on the training folds; nothing is chosen here. */
export function assessBench(c: number, fit: BenchFit, heldOut: readonly BenchCvItem[], scoresOf: ScoresOf, o: BenchCvOptions): BenchAssessment {
  const nabItems = heldOut.filter((i): i is NabCvItem => i.kind === 'nab');
  const prepared = nabItems.map((i) => prepareNabFile(nabFileOf(i, scoresOf(c, i.name))));
  const nab: Record<string, NabFileResult[]> = {};
  for (const [name, p] of Object.entries(o.profiles)) nab[name] = prepared.map((f) => scorePreparedNabFile(f, p, fit.nabThreshold[name]!));
  const skabItems = heldOut.filter((i): i is SkabCvItem => i.kind === 'skab');
  const skab = scoreSkab(skabItems.map((i) => ({ name: i.name, labels: i.labels, predictions: skabPredictions(scoresOf(c, i.name), fit.skabThreshold) }))).perFile.map((f) => ({ ...f }));
  return { nab, skab };
}

/** Perfect and null raw scores of a set of NAB files (they do not depend on the detector). */
export function nabBounds(items: readonly NabCvItem[], profile: NabProfile): { perfect: number; nullRaw: number } {
  const r = scorePreparedNabCorpus(prepareNabCorpus(items.map((i) => nabFileOf(i, new Float64Array(i.timestamps.length)))), profile);
  return { perfect: r.perfect, nullRaw: r.nullRaw };
}

/** NAB normalisation of summed raw over a set of files: 100 (raw − null) / (perfect − null). */
export function normaliseNab(raw: number, bounds: { perfect: number; nullRaw: number }): number {
  return (100 * (raw - bounds.nullRaw)) / (bounds.perfect - bounds.nullRaw);
}

/** Held-out figures pooled over the folds: NAB per profile (normalised over `labelled`), SKAB F1/FAR. */
export function pooledHeldOut(folds: readonly BenchFold[], labelled: readonly NabCvItem[], profiles: Record<string, NabProfile>) {
  const nab: Record<string, number> = {};
  for (const [name, p] of Object.entries(profiles)) {
    if (labelled.length === 0) break;
    const raw = folds.reduce((s, f) => s + (f.assessment.nab[name] ?? []).reduce((t, r) => t + r.raw, 0), 0);
    nab[name] = normaliseNab(raw, nabBounds(labelled, p));
  }
  const sum = (k: keyof SkabCounts): number => folds.reduce((s, f) => s + f.assessment.skab.reduce((t, r) => t + r[k], 0), 0);
  const tp = sum('tp');
  const fp = sum('fp');
  const fn = sum('fn');
  const tn = sum('tn');
  const skab = { tp, fp, fn, tn, f1: 2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn), far: fp + tn === 0 ? 0 : fp / (fp + tn) };
  return { nab, skab };
}

/**
 * How much of a held-out fold's NAB figure the threshold transfer costs: per profile, the fold's
 * normalised score at the threshold chosen on the training folds, beside its score at its own
 * best threshold (NAB's optimiser on the held-out files: a diagnostic, never a choice). The
 * second is what NAB's own protocol reports for a corpus of unseen series (each detector's best
 * threshold on that corpus), so the pair separates the ranking of the scores within the held-out
 * category from the transfer of one threshold across categories.
 */
export function thresholdTransfer(fold: BenchFold, heldOut: readonly NabCvItem[], scoresOf: ScoresOf, profiles: Record<string, NabProfile>) {
  const out: Record<string, { atTraining: number; atOwnBest: number; ownThreshold: number }> = {};
  if (heldOut.length === 0) return out;
  const corpus = prepareNabCorpus(heldOut.map((i) => nabFileOf(i, scoresOf(fold.candidate, i.name))));
  for (const [name, p] of Object.entries(profiles)) {
    const own = scorePreparedNabCorpus(corpus, p);
    const raw = (fold.assessment.nab[name] ?? []).reduce((t, r) => t + r.raw, 0);
    out[name] = { atTraining: (100 * (raw - own.nullRaw)) / (own.perfect - own.nullRaw), atOwnBest: own.score, ownThreshold: own.threshold };
  }
  return out;
}
