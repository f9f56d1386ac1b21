// Random streams of the trip simulation. Each purpose × index (a half-hour slot, a day, an
// episode) gets its own stream, so batch sizes, start times and the anomaly overlay never
// shift the random numbers of normal trips.
import { createRng, deriveSeed, type Rng, type RngStream } from '../sensor/rng.ts';

/** Stream ids ≥ 100 so they never collide with the sensor simulation's. */
export const TripStream = {
  volume: 101,
  anomalies: 102,
  episodes: 103,
  surge: 104,
  collapse: 105,
} as const;
export type TripStream = (typeof TripStream)[keyof typeof TripStream];

export function tripRng(seed: number, stream: TripStream, index: number, sub = 0): Rng {
  // deriveSeed only mixes the number; the sensor's stream type is a closed set of its own ids.
  const s = deriveSeed(seed, stream as number as RngStream, index);
  return createRng(sub === 0 ? s : deriveSeed(s, stream as number as RngStream, sub));
}

/** Poisson draw; normal approximation above 30 (the simulation only needs the right spread). */
export function poisson(rng: Rng, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.gaussian()));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}
