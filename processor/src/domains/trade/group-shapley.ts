// Exact Shapley values of a score over k named feature groups, interventional, against a
// background set: v(S) = mean over background rows b of f(x with the groups in S from x, the
// rest from b). With k ≈ 6 groups all 2^k coalitions are cheap to score, so the values are
// exact (no sampling) and add up: Σφ = f(x) − mean f(background). Pure: it writes the rows to
// score and reads the scores back; the caller scores all rows of many explanations in one model
// run. The same arithmetic as models/vigia_models/shapley.py (parity-tested).

/** Feature → group index, and the Shapley weights |S|!(k−|S|−1)!/k! by coalition size. */
export interface GroupLayout {
  readonly groups: readonly string[];
  readonly groupOf: Int32Array;
  readonly k: number;
  readonly weights: Float64Array;
}

export class ShapleyLayoutError extends Error {
  override name = 'ShapleyLayoutError';
}

/** Groups must cover the features exactly once; more than 16 groups would be 65 536 coalitions a row. */
export function groupLayout(features: readonly string[], groups: Readonly<Record<string, readonly string[]>>): GroupLayout {
  const names = Object.keys(groups);
  if (names.length === 0 || names.length > 16) throw new ShapleyLayoutError(`${names.length} groups: exact Shapley values need 1 to 16`);
  const groupOf = new Int32Array(features.length).fill(-1);
  const index = new Map(features.map((f, i) => [f, i]));
  names.forEach((g, gi) => {
    for (const f of groups[g]!) {
      const j = index.get(f);
      if (j === undefined) throw new ShapleyLayoutError(`group ${g} names ${f}, which is not a feature`);
      if (groupOf[j] !== -1) throw new ShapleyLayoutError(`feature ${f} is in two groups`);
      groupOf[j] = gi;
    }
  });
  const missing = features.filter((_, j) => groupOf[j] === -1);
  if (missing.length) throw new ShapleyLayoutError(`features in no group: ${missing.join(', ')}`);
  const k = names.length;
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  const weights = Float64Array.from({ length: k }, (_, s) => (fact(s) * fact(k - s - 1)) / fact(k));
  return { groups: names, groupOf, k, weights };
}

/** Rows one explanation needs: 2^k coalitions × background rows. */
export const coalitionRowCount = (layout: GroupLayout, backgroundRows: number) => (1 << layout.k) * backgroundRows;

/**
 * Writes the 2^k · B coalition rows of `x` into `out` from row `atRow` on (row-major, F columns):
 * row m·B + b takes group g's features from x when bit g of m is set, else from background row b.
 */
export function writeCoalitionRows(x: ArrayLike<number>, background: Float64Array, layout: GroupLayout, out: Float64Array, atRow: number): void {
  const F = layout.groupOf.length;
  const B = background.length / F;
  let o = atRow * F;
  for (let m = 0; m < 1 << layout.k; m++) {
    for (let b = 0; b < B; b++) {
      const bo = b * F;
      for (let j = 0; j < F; j++) out[o + j] = (m >> layout.groupOf[j]!) & 1 ? x[j]! : background[bo + j]!;
      o += F;
    }
  }
}

export interface GroupShapley {
  /** One value per group, in layout order. */
  values: Float64Array;
  /** v(∅): the mean score of the background rows. */
  baseline: number;
  /** v(N): the score of x itself. */
  score: number;
}

/** φ from the scores of the rows writeCoalitionRows wrote (from `atRow` on). */
export function shapleyFromScores(scores: ArrayLike<number>, atRow: number, backgroundRows: number, layout: GroupLayout): GroupShapley {
  const { k, weights } = layout;
  const n = 1 << k;
  const v = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    let s = 0;
    const base = atRow + m * backgroundRows;
    for (let b = 0; b < backgroundRows; b++) s += scores[base + b]!;
    v[m] = s / backgroundRows;
  }
  const values = new Float64Array(k);
  for (let m = 0; m < n; m++) {
    const size = popcount(m);
    for (let i = 0; i < k; i++) {
      if ((m >> i) & 1) continue;
      values[i] = values[i]! + weights[size]! * (v[m | (1 << i)]! - v[m]!);
    }
  }
  return { values, baseline: v[0]!, score: v[n - 1]! };
}

/** The group with the largest value ('' for no groups). */
export function topGroup(s: GroupShapley, layout: GroupLayout): string {
  let best = -1;
  for (let i = 0; i < s.values.length; i++) if (best < 0 || s.values[i]! > s.values[best]!) best = i;
  return best < 0 ? '' : layout.groups[best]!;
}

function popcount(m: number): number {
  let c = 0;
  for (; m; m &= m - 1) c++;
  return c;
}
