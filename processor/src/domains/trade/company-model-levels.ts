// Each company's usual reconstruction error, so that the autoencoder's score judges a
// declaration against the company's own past as well as against the training population.
//
// Why: the model is calibrated on one simulated population (its training run). A company unlike
// any it saw — on held-out seed 5, an exporter filing ~28 declarations a day, more than any in
// training — has every ordinary filing at the top of the training errors, so its calibrated
// score sits just under the minor band and crosses it on 17 ordinary filings in 14 days. Its own
// errors say it: their usual level is ~20× the population's median. The level is the
// exponentially weighted geometric mean of the company's errors in units of the model's
// training median (ln, starting at 0 = the population's median, rate `rate` per declaration,
// so a company with few filings is judged as the population is), and the error the calibration
// sees is raw / max(1, level): only a company whose ordinary filings are already unusual to
// the model is judged against its own scale, the others exactly as before. This is the
// sensor onset's self-calibration (onset-novelty.ts `typicalRate`) and Numenta's anomaly
// likelihood idea: a raw score judged against the same entity's past raw scores, causally (the
// level before a declaration reads only the company's earlier declarations). Pure.

export interface CompanyModelLevel {
  /** ln of the company's usual error / the model's training median. */
  ln: number;
  /** Event time of its last declaration (ms). */
  ts: number;
}

export interface CompanyModelLevelsOptions {
  /** Weight of each declaration in the level (0 = off: every divisor 1). */
  rate: number;
  /**
   * A company silent this long starts again from the population's level, as the key budget
   * forgets its graph node (processor.limits.forgetEvictedMs); 0 = never.
   */
  forgetMs: number;
}

/** Companies remembered; past this a new company is judged as the population (divisor 1). */
export const MAX_COMPANY_LEVELS = 200_000;

export class CompanyModelLevelsError extends Error {
  override name = 'CompanyModelLevelsError';
}

export type CompanyModelLevelsSnapshot = [string, CompanyModelLevel][];

export class CompanyModelLevels {
  readonly #levels = new Map<string, CompanyModelLevel>();
  /** Declarations of companies the full map could not remember. */
  full = 0;

  constructor(readonly options: CompanyModelLevelsOptions) {
    if (!(options.rate >= 0 && options.rate < 1)) throw new CompanyModelLevelsError(`rate ${options.rate}: must be in [0, 1) (0 turns the self-calibration off)`);
    if (!(options.forgetMs >= 0)) throw new CompanyModelLevelsError(`forgetMs ${options.forgetMs}: must be ≥ 0 (0 = never)`);
  }

  get size(): number {
    return this.#levels.size;
  }

  /**
   * The divisor of `company`'s error for its declaration at `ts`, from its earlier declarations
   * only, then learns this one's `ratio` (raw error / the model's training median). Call in log
   * order per company: the result depends only on the company's sequence, not on batches.
   */
  divideAndLearn(company: string, ts: number, ratio: number): number {
    const { rate, forgetMs } = this.options;
    if (rate === 0) return 1;
    let l = this.#levels.get(company);
    if (l !== undefined && forgetMs > 0 && ts - l.ts > forgetMs) l.ln = 0;
    const divisor = l === undefined ? 1 : Math.max(1, Math.exp(l.ln));
    if (l === undefined) {
      if (this.#levels.size >= MAX_COMPANY_LEVELS) {
        this.full++;
        return divisor;
      }
      this.#levels.set(company, (l = { ln: 0, ts }));
    }
    // A zero error (never seen in practice) counts as the training minimum's order, not −∞.
    l.ln += rate * (Math.log(Math.max(ratio, 1e-6)) - l.ln);
    l.ts = Math.max(l.ts, ts);
    return divisor;
  }

  snapshot(): CompanyModelLevelsSnapshot {
    return [...this.#levels].map(([k, v]) => [k, { ...v }]);
  }

  /** Absent in snapshots from before the self-calibration: every company starts afresh. */
  restore(s: CompanyModelLevelsSnapshot | undefined): void {
    this.#levels.clear();
    for (const [k, v] of s ?? []) {
      if (!Number.isFinite(v?.ln) || !Number.isFinite(v?.ts)) throw new CompanyModelLevelsError(`company ${k}: level ${JSON.stringify(v)} is not {ln, ts} numbers`);
      this.#levels.set(k, { ln: v.ln, ts: v.ts });
    }
  }
}
