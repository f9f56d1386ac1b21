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

/**
 * Which of x's 2^k · B coalition rows are distinct. Row (m, b) takes from x the groups in m and
 * from b the rest, so where x and b agree on a group (often: the quota group is all zeros for
 * most declarations and most background rows) the group's bit does not change the row; and
 * every row whose m covers all the groups where x and b differ is x itself. Scoring each
 * distinct row once gives the same numbers as scoring all 2^k · B (same rows, same model).
 */
export interface CoalitionPlan {
  /** Distinct rows to score. */
  readonly rows: number;
  /** (m · B + b) → index of its distinct row. */
  readonly index: Int32Array;
  /** Per distinct row: the groups taken from x (a mask), and the background row (−1 for x itself). */
  readonly masks: Int32Array;
  readonly backgroundRow: Int32Array;
}

/** Mask of the groups on which x and background row `b` differ in any feature. */
function differingGroups(x: ArrayLike<number>, background: Float64Array, b: number, groupOf: Int32Array): number {
  const F = groupOf.length;
  let diff = 0;
  for (let j = 0; j < F; j++) if (x[j] !== background[b * F + j]) diff |= 1 << groupOf[j]!;
  return diff;
}

export function planCoalitionRows(x: ArrayLike<number>, background: Float64Array, layout: GroupLayout): CoalitionPlan {
  const F = layout.groupOf.length;
  const B = background.length / F;
  const n = 1 << layout.k;
  const index = new Int32Array(n * B);
  const masks: number[] = [];
  const backgroundRow: number[] = [];
  const seen = new Int32Array(n);
  let xRow = -1;
  for (let b = 0; b < B; b++) {
    const diff = differingGroups(x, background, b, layout.groupOf);
    seen.fill(-1);
    for (let m = 0; m < n; m++) {
      const eff = m & diff;
      let row: number;
      if (eff === diff) {
        if (xRow < 0) {
          xRow = masks.length;
          masks.push(n - 1);
          backgroundRow.push(-1);
        }
        row = xRow;
      } else {
        row = seen[eff]!;
        if (row < 0) {
          row = seen[eff] = masks.length;
          masks.push(eff);
          backgroundRow.push(b);
        }
      }
      index[m * B + b] = row;
    }
  }
  return { rows: masks.length, index, masks: Int32Array.from(masks), backgroundRow: Int32Array.from(backgroundRow) };
}

/** Writes the plan's distinct rows of x into `out` from row `atRow` on (row-major, F columns). */
export function writePlannedRows(plan: CoalitionPlan, x: ArrayLike<number>, background: Float64Array, layout: GroupLayout, out: Float64Array, atRow: number): void {
  const F = layout.groupOf.length;
  const groupOf = layout.groupOf;
  for (let r = 0; r < plan.rows; r++) {
    const o = (atRow + r) * F;
    const b = plan.backgroundRow[r]!;
    if (b < 0) {
      for (let j = 0; j < F; j++) out[o + j] = x[j]!;
      continue;
    }
    const m = plan.masks[r]!;
    const bo = b * F;
    for (let j = 0; j < F; j++) out[o + j] = (m >> groupOf[j]!) & 1 ? x[j]! : background[bo + j]!;
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

/**
 * φ from the scores of the rows writeCoalitionRows wrote (from `atRow` on), or, given the plan,
 * of the distinct rows writePlannedRows wrote; the sums run in the same order either way.
 */
export function shapleyFromScores(scores: ArrayLike<number>, atRow: number, backgroundRows: number, layout: GroupLayout, plan?: CoalitionPlan): GroupShapley {
  const { k, weights } = layout;
  const n = 1 << k;
  const v = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    let s = 0;
    const base = m * backgroundRows;
    if (plan) for (let b = 0; b < backgroundRows; b++) s += scores[atRow + plan.index[base + b]!]!;
    else for (let b = 0; b < backgroundRows; b++) s += scores[atRow + base + b]!;
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
