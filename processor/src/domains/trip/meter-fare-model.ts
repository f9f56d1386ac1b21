/**
 * The honest fallback of the expected-fare regressor: an online robust estimate of what the
 * meter charges per mile and per minute. NYC meters charge by distance when the cab moves and by
 * time when it crawls, so fare ≈ a + b·miles + c·minutes is close for every metered trip
 * (RatecodeID 1); flat and negotiated rates (the others) are judged against the usual fare of
 * their rate code. No location, no hour: it asks only "is this fare what the meter gives for
 * these miles and minutes?", which is exactly what an overcharge breaks and a detour does not.
 *
 * Learning: exponentially weighted least squares with Huber weights on the log residual, so an
 * overcharged fare barely moves the fit; the residual's spread (median, IQR) comes from an
 * exponentially weighted histogram that skips trips already judged anomalous.
 * Read before update: a trip is judged by what earlier trips taught.
 */
import { EwHistogram, type EwHistogramState } from './ew-histogram.ts';

export interface MeterFareOptions {
  /** Memory of the fit and the residual spread, trips. @default 20_000 */
  memoryTrips: number;
  /** Metered trips before the model judges. @default 300 */
  minTrips: number;
  /** Trips of a non-metered rate code before it is judged. @default 30 */
  minFlatTrips: number;
  /** Floor of the residual's robust sd (log units; the 70¢ units make ~5 % steps). @default 0.05 */
  minSd: number;
  /** Huber constant, in robust sds. @default 2 */
  huber: number;
}

export const DEFAULT_METER_FARE: Readonly<MeterFareOptions> = Object.freeze({ memoryTrips: 20_000, minTrips: 300, minFlatTrips: 30, minSd: 0.05, huber: 2 });

export interface FareJudgement {
  /** Expected fare_amount, USD (null before the model judges). */
  expected: number | null;
  /** Robust z of ln((fare + 1) / (expected + 1)); 0 during warm-up. */
  z: number;
  warm: boolean;
}

const METERED = 1;

export class MeterFareModel {
  readonly options: MeterFareOptions;
  /** EW sums: xx (6: 00 01 02 11 12 22), xy (3), growth-scaled. */
  readonly #xx = new Float64Array(6);
  readonly #xy = new Float64Array(3);
  #growth = 1;
  #n = 0;
  readonly #resid: EwHistogram;
  readonly #flat = new Map<number, EwHistogram>();
  readonly #coef = new Float64Array(3);

  constructor(opts: Partial<MeterFareOptions> = {}) {
    this.options = { ...DEFAULT_METER_FARE, ...opts };
    this.#resid = new EwHistogram(-3, 3, 600, 1 / this.options.memoryTrips);
  }

  /** Judge a fare against the model (no learning). */
  judge(rateCode: number, miles: number, minutes: number, fare: number): FareJudgement {
    const o = this.options;
    if (rateCode !== METERED) {
      const h = this.#flat.get(rateCode);
      if (!h || h.count < o.minFlatTrips) return { expected: null, z: 0, warm: false };
      const { median, sd } = h.centre();
      return { expected: Math.exp(median) - 1, z: (Math.log(fare + 1) - median) / Math.max(sd, o.minSd), warm: true };
    }
    if (this.#n < o.minTrips || !this.#solve()) return { expected: null, z: 0, warm: false };
    const c = this.#coef;
    const expected = Math.max(0, c[0]! + c[1]! * miles + c[2]! * minutes);
    const { median, sd } = this.#resid.centre();
    const r = Math.log((fare + 1) / (expected + 1));
    return { expected, z: (r - median) / Math.max(sd, o.minSd), warm: true };
  }

  /** Learn from a trip; `anomalous` trips are down-weighted in the fit and kept out of the spread. */
  learn(rateCode: number, miles: number, minutes: number, fare: number, anomalous: boolean): void {
    const o = this.options;
    if (!(fare >= 0) || !(miles >= 0) || !(minutes >= 0)) return;
    if (rateCode !== METERED) {
      if (anomalous) return;
      let h = this.#flat.get(rateCode);
      if (!h) {
        h = new EwHistogram(-1, 7, 800, 1 / Math.min(o.memoryTrips, 2000));
        this.#flat.set(rateCode, h);
      }
      h.add(Math.log(fare + 1));
      return;
    }
    const j = this.#n >= o.minTrips && this.#solve() ? this.judge(rateCode, miles, minutes, fare) : null;
    const w = j ? Math.min(1, o.huber / Math.max(1e-9, Math.abs(j.z))) : 1;
    if (j && !anomalous) {
      const c = this.#coef;
      const expected = Math.max(0, c[0]! + c[1]! * miles + c[2]! * minutes);
      this.#resid.add(Math.log((fare + 1) / (expected + 1)));
    }
    this.#n++;
    this.#growth /= 1 - 1 / o.memoryTrips;
    if (this.#growth > 1e120) {
      for (let i = 0; i < 6; i++) this.#xx[i] = this.#xx[i]! / this.#growth;
      for (let i = 0; i < 3; i++) this.#xy[i] = this.#xy[i]! / this.#growth;
      this.#growth = 1;
    }
    const g = w * this.#growth;
    const xx = this.#xx;
    xx[0] = xx[0]! + g;
    xx[1] = xx[1]! + g * miles;
    xx[2] = xx[2]! + g * minutes;
    xx[3] = xx[3]! + g * miles * miles;
    xx[4] = xx[4]! + g * miles * minutes;
    xx[5] = xx[5]! + g * minutes * minutes;
    this.#xy[0] = this.#xy[0]! + g * fare;
    this.#xy[1] = this.#xy[1]! + g * fare * miles;
    this.#xy[2] = this.#xy[2]! + g * fare * minutes;
    if (!j) this.#seedResidual(miles, minutes, fare);
  }

  /** During warm-up the spread is learnt from the fit so far (no trip is judged yet). */
  #seedResidual(miles: number, minutes: number, fare: number): void {
    if (this.#n < Math.min(50, this.options.minTrips) || !this.#solve()) return;
    const c = this.#coef;
    const expected = Math.max(0, c[0]! + c[1]! * miles + c[2]! * minutes);
    this.#resid.add(Math.log((fare + 1) / (expected + 1)));
  }

  /** Solve the 3×3 normal equations (Cramer, tiny ridge); false when singular. */
  #solve(): boolean {
    const [a, b, c, d, e, f] = this.#xx as unknown as [number, number, number, number, number, number];
    const ridge = 1e-9 * (a + d + f);
    const A = a + ridge;
    const D = d + ridge;
    const Fm = f + ridge;
    const det = A * (D * Fm - e * e) - b * (b * Fm - e * c) + c * (b * e - D * c);
    if (!(Math.abs(det) > 1e-12 * Math.abs(A * D * Fm))) return false;
    const [y0, y1, y2] = this.#xy as unknown as [number, number, number];
    this.#coef[0] = (y0 * (D * Fm - e * e) - b * (y1 * Fm - e * y2) + c * (y1 * e - D * y2)) / det;
    this.#coef[1] = (A * (y1 * Fm - e * y2) - y0 * (b * Fm - e * c) + c * (b * y2 - y1 * c)) / det;
    this.#coef[2] = (A * (D * y2 - y1 * e) - b * (b * y2 - y1 * c) + y0 * (b * e - D * c)) / det;
    return true;
  }

  /** Current coefficients [base USD, per mile, per minute] (NaN before any fit). */
  coefficients(): [number, number, number] {
    if (!this.#solve()) return [NaN, NaN, NaN];
    return [this.#coef[0]!, this.#coef[1]!, this.#coef[2]!];
  }

  captureState(): MeterFareState {
    return {
      xx: Array.from(this.#xx),
      xy: Array.from(this.#xy),
      growth: this.#growth,
      n: this.#n,
      resid: this.#resid.captureState(),
      flat: [...this.#flat.entries()].sort((x, y) => x[0] - y[0]).map(([code, h]) => [code, h.captureState()]),
    };
  }

  restoreState(s: MeterFareState): void {
    this.#xx.set(s.xx);
    this.#xy.set(s.xy);
    this.#growth = s.growth;
    this.#n = s.n;
    this.#resid.restoreState(s.resid);
    this.#flat.clear();
    for (const [code, hs] of s.flat) {
      const h = new EwHistogram(-1, 7, 800, 1 / Math.min(this.options.memoryTrips, 2000));
      h.restoreState(hs);
      this.#flat.set(code, h);
    }
  }
}

export interface MeterFareState {
  xx: number[];
  xy: number[];
  growth: number;
  n: number;
  resid: EwHistogramState;
  flat: [number, EwHistogramState][];
}
