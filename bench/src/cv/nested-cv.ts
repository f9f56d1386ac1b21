// The fold logic of the honest protocol: for each outer fold, every choice (detector parameters
// from a declared grid, thresholds) is made by `fit` on the other folds' items only, and the
// held-out fold is then only assessed with that choice. Items whose fold is `null` take part in
// every fold's training and are never held out (NAB's artificialNoAnomaly: it has no windows to
// score, only false positives to charge).
//
// "Nested": the inner loop is the selection over the grid (and the threshold sweep) on the
// training folds, the outer loop the assessment on the held-out fold. A candidate's objective is
// whatever `fit` returns; ties go to the lower index, so the declared default (index 0) wins a tie.

export interface CvItem {
  readonly name: string;
  /** Outer fold of the item, or null: training in every fold, never held out. */
  readonly fold: string | null;
}

export interface CvFit<F> {
  /** Higher is better. */
  objective: number;
  /** What was chosen besides the candidate (thresholds …), passed on to `assess`. */
  fit: F;
}

export interface CvFoldResult<F, A> {
  fold: string;
  heldOut: string[];
  /** Index of the grid candidate chosen on the training items. */
  candidate: number;
  trainObjective: number;
  fit: F;
  assessment: A;
}

export class CvSetupError extends Error {
  override name = 'CvSetupError';
}

/** Fold names, sorted. */
export function foldsOf(items: readonly CvItem[]): string[] {
  return [...new Set(items.map((i) => i.fold).filter((f): f is string => f !== null))].sort();
}

/** The candidate `fit` likes best on `train` (ties → lower index). */
export function selectCandidate<I extends CvItem, F>(candidates: number, train: readonly I[], fit: (candidate: number, train: readonly I[]) => CvFit<F>): { candidate: number } & CvFit<F> {
  if (!(candidates >= 1)) throw new CvSetupError(`the grid holds ${candidates} candidates; declare at least one`);
  let best: ({ candidate: number } & CvFit<F>) | undefined;
  for (let c = 0; c < candidates; c++) {
    const r = fit(c, train);
    if (best === undefined || r.objective > best.objective) best = { candidate: c, ...r };
  }
  return best!;
}

export function crossValidate<I extends CvItem, F, A>(
  items: readonly I[],
  candidates: number,
  fit: (candidate: number, train: readonly I[]) => CvFit<F>,
  assess: (candidate: number, fit: F, heldOut: readonly I[]) => A,
): CvFoldResult<F, A>[] {
  const folds = foldsOf(items);
  if (folds.length < 2) throw new CvSetupError(`cross-validation needs at least two folds, got ${folds.length} (${folds.join(', ') || 'none'}): give the items fold names`);
  return folds.map((fold) => {
    const train = items.filter((i) => i.fold !== fold);
    const test = items.filter((i) => i.fold === fold);
    const pick = selectCandidate(candidates, train, fit);
    return { fold, heldOut: test.map((i) => i.name), candidate: pick.candidate, trainObjective: pick.objective, fit: pick.fit, assessment: assess(pick.candidate, pick.fit, test) };
  });
}
