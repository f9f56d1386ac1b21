// Seeded synthetic sensor series for the detector tests (not used in production code).

import type { SensorDetector, SensorScore } from './sensor-detector.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** mulberry32: a tiny, fast, seedable 32-bit PRNG returning uniforms in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw (Box–Muller) from a uniform generator. */
export function gaussian(rng: () => number): number {
  const u = 1 - rng(); // (0, 1], keeps log finite
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface ChannelSpec {
  /** Mean level. */
  base: number;
  /** Amplitude of the daily sinusoid. */
  amp: number;
  /** Phase of the sinusoid, radians; default 0. */
  phase?: number;
  /** Standard deviation of the white noise. */
  noise: number;
  /** Round values to this many decimals (quantised sensor); default: no rounding. */
  decimals?: number;
}

export interface Row {
  ts: number;
  channels: Record<string, number>;
}

export interface SeriesSpec {
  seed: number;
  /** Number of readings. */
  steps: number;
  /** Default 2024-01-01T00:00:00Z. */
  startTs?: number;
  /** Default 1 minute. */
  stepMs?: number;
  /** Sinusoid period; default 1 day. */
  periodMs?: number;
  channels: Record<string, ChannelSpec>;
}

export const START_TS = Date.UTC(2024, 0, 1);

/** A noisy daily sinusoid per channel, with independent noise per channel. */
export function dailySeries(spec: SeriesSpec): Row[] {
  const rng = mulberry32(spec.seed);
  const startTs = spec.startTs ?? START_TS;
  const stepMs = spec.stepMs ?? MINUTE;
  const periodMs = spec.periodMs ?? DAY;
  const names = Object.keys(spec.channels);
  const rows: Row[] = [];
  for (let i = 0; i < spec.steps; i++) {
    const ts = startTs + i * stepMs;
    const channels: Record<string, number> = {};
    for (const name of names) {
      const c = spec.channels[name]!;
      let v = c.base + c.amp * Math.sin((2 * Math.PI * (ts - startTs)) / periodMs + (c.phase ?? 0)) + c.noise * gaussian(rng);
      if (c.decimals !== undefined) v = Number(v.toFixed(c.decimals));
      channels[name] = v;
    }
    rows.push({ ts, channels });
  }
  return rows;
}

/** Deep copy of rows, so a test can inject a fault without touching the clean series. */
export function cloneRows(rows: readonly Row[]): Row[] {
  return rows.map((r) => ({ ts: r.ts, channels: { ...r.channels } }));
}

/** Feeds every row to the detector as `station`, returning the scores in order. */
export function runSeries(detector: SensorDetector, station: string, rows: readonly Row[]): SensorScore[] {
  return rows.map((r) => detector.score(station, r.ts, r.channels));
}

/** Index and value of the maximum score in [from, to). */
export function maxScore(scores: readonly SensorScore[], from = 0, to = scores.length): { index: number; score: number } {
  let index = -1;
  let score = -1;
  for (let i = from; i < to; i++) {
    if (scores[i]!.score > score) {
      score = scores[i]!.score;
      index = i;
    }
  }
  return { index, score };
}

/** First index in [from, to) whose score is ≥ threshold, or -1. */
export function firstAtLeast(scores: readonly SensorScore[], threshold: number, from = 0, to = scores.length): number {
  for (let i = from; i < to; i++) if (scores[i]!.score >= threshold) return i;
  return -1;
}

export interface DemandSeriesSpec {
  seed: number;
  steps: number;
  /** Default 1 minute. */
  stepMs?: number;
  startTs?: number;
}

/** Noise σ of the demand-driven series' channels. */
export const DEMAND_NOISE = { pressure: 0.01, flow: 10 } as const;

/**
 * A station whose demand follows a daily shape times a slow random walk (weather), so the level
 * of pressure and flow wanders far more than their noise from day to day, while pressure keeps
 * its physical relation to flow: p = 7.5 − 0.5·(f/1000)² (+ noise).
 */
export function demandSeries(spec: DemandSeriesSpec): Row[] {
  const rng = mulberry32(spec.seed);
  const startTs = spec.startTs ?? START_TS;
  const stepMs = spec.stepMs ?? MINUTE;
  const rows: Row[] = [];
  const phi = Math.exp(-stepMs / (0.5 * DAY));
  let weather = 0;
  for (let i = 0; i < spec.steps; i++) {
    const ts = startTs + i * stepMs;
    weather = phi * weather + 0.25 * Math.sqrt(1 - phi * phi) * gaussian(rng);
    const hour = ((ts - startTs) % DAY) / HOUR;
    const shape = 0.7 + 0.5 * Math.exp(-0.5 * ((hour - 7) / 1.5) ** 2) + 0.4 * Math.exp(-0.5 * ((hour - 19) / 2) ** 2);
    const rel = shape * (1 + weather);
    const flow = 1000 * rel + DEMAND_NOISE.flow * gaussian(rng);
    const pressure = 7.5 - 0.5 * rel * rel + DEMAND_NOISE.pressure * gaussian(rng);
    rows.push({ ts, channels: { pressure, flow } });
  }
  return rows;
}
