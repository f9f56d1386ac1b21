// An exponentially decayed sum in event time: what "declarations in the last day" becomes when
// it must cost O(1) state and be exact after a restore. With half-life H, a steady rate r per
// ms converges to r · H / ln 2, so `perDay` turns the sum back into a rate.

export interface Decayed {
  /** Sum as of `t`. */
  v: number;
  /** Event time of the last update, epoch ms. */
  t: number;
}

export const emptyDecayed = (): Decayed => ({ v: 0, t: 0 });

/** The sum as of `ts` (never decays backwards: an out-of-order event counts at the newer time). */
export function decayedAt(d: Decayed, ts: number, halfLifeMs: number): number {
  return ts > d.t ? d.v * Math.pow(2, -(ts - d.t) / halfLifeMs) : d.v;
}

/** Adds `x` at `ts`. */
export function addDecayed(d: Decayed, ts: number, x: number, halfLifeMs: number): void {
  d.v = decayedAt(d, ts, halfLifeMs) + x;
  if (ts > d.t) d.t = ts;
}

/** A decayed count as a rate per day. */
export function perDay(sum: number, halfLifeMs: number): number {
  return (sum * Math.LN2 * 86_400_000) / halfLifeMs;
}
