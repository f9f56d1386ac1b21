// Small seeded PRNG for the simulation. The pure core may not use Math.random(): every run
// must be reproducible from its seed, and the fault overlay needs streams of its own so
// that injecting faults never shifts the random numbers of the normal signal.

/** A deterministic source of uniform and standard-normal numbers. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (mean 0, sd 1). */
  gaussian(): number;
}

/** Independent purposes get independent streams, so one consumer never shifts another. */
export const RngStream = {
  stationSpec: 1,
  weather: 2,
  stationNoise: 3,
  faults: 4,
} as const;
export type RngStream = (typeof RngStream)[keyof typeof RngStream];

// splitmix32 finaliser: spreads nearby inputs (seed 1, 2, 3…) across the whole 32-bit space.
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** The 32-bit seed of one stream (purpose + index, e.g. station 3's noise) of a run seed. */
export function deriveSeed(seed: number, stream: RngStream, index: number): number {
  // Seeds may exceed 32 bits; fold the high word in rather than silently dropping it.
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  return mix32(lo ^ mix32(hi ^ mix32(stream ^ mix32(index))));
}

/** sfc32: 128-bit state, passes PractRand far beyond what a simulation run draws, 4 int ops. */
export function createRng(seed32: number): Rng {
  let a = mix32(seed32);
  let b = mix32(a);
  let c = mix32(b);
  let d = 1;
  let spare = 0;
  let hasSpare = false;

  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 0x1_0000_0000;
  };

  // Let the state diffuse before the first output is used.
  for (let i = 0; i < 12; i++) next();

  const gaussian = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    // Box–Muller; 1 − u keeps the log argument in (0, 1] so the result is always finite.
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    spare = r * Math.sin(theta);
    hasSpare = true;
    return r * Math.cos(theta);
  };

  return { next, gaussian };
}
