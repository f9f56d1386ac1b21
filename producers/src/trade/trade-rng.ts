// Seeded random streams of the trade simulation (the sensor producer's sfc32 + splitmix), one
// per purpose and day: the population, a day's normal traffic and a day's anomalies never
// shift one another, so turning anomalies off leaves the normal declarations unchanged.
import { createRng, deriveSeed, type Rng, type RngStream } from '../sensor/rng.ts';

export const TradeRngStream = { population: 101, traffic: 102, anomalies: 103 } as const;

export interface TradeRng extends Rng {
  uniform(lo: number, hi: number): number;
  int(lo: number, hiExclusive: number): number;
  pick<T>(xs: readonly T[]): T;
  /** An index drawn with the given weights. */
  weighted(weights: readonly number[]): number;
  /** exp(N(0, sigma)). */
  lognormal(sigma: number): number;
  poisson(lambda: number): number;
}

export function tradeRng(seed: number, stream: number, index: number): TradeRng {
  const r = createRng(deriveSeed(seed, stream as RngStream, index));
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * r.next();
  return {
    next: r.next,
    gaussian: r.gaussian,
    uniform,
    int: (lo, hi) => lo + Math.floor(r.next() * (hi - lo)),
    pick: (xs) => xs[Math.floor(r.next() * xs.length)]!,
    weighted(weights) {
      let total = 0;
      for (const w of weights) total += w;
      let u = r.next() * total;
      for (let i = 0; i < weights.length; i++) if ((u -= weights[i]!) < 0) return i;
      return weights.length - 1;
    },
    lognormal: (sigma) => Math.exp(sigma * r.gaussian()),
    poisson(lambda) {
      if (lambda <= 0) return 0;
      if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * r.gaussian()));
      const l = Math.exp(-lambda);
      let k = 0;
      for (let p = r.next(); p > l; p *= r.next()) k++;
      return k;
    },
  };
}
