// Awkward but anomaly-free series for the robustness tests: each is something a real source
// produces routinely, and none holds an anomaly, so every alarm on them is a false one.
import { DAY, gaussian, MINUTE, mulberry32, START_TS, type Row } from './test-series.ts';

const FIVE_MIN = 5 * MINUTE;

function daily(i: number, stepMs: number): number {
  return Math.sin((2 * Math.PI * i * stepMs) / DAY);
}

/** A noisy daily cycle, 5-minute readings, `days` long; `scale` multiplies every value. */
export function cleanDaily(seed: number, days: number, scale = 1, offset = 0): Row[] {
  const rng = mulberry32(seed);
  const n = Math.round((days * DAY) / FIVE_MIN);
  return Array.from({ length: n }, (_, i) => ({ ts: START_TS + i * FIVE_MIN, channels: { v: offset + scale * (10 + 3 * daily(i, FIVE_MIN) + 0.3 * gaussian(rng)) } }));
}

/** cleanDaily with the readings of `gapHours` missing every `everyDays` days (the source was down). */
export function withGaps(seed: number, days: number, gapHours: number, everyDays: number): Row[] {
  return cleanDaily(seed, days).filter((r) => {
    const t = (r.ts - START_TS) % (everyDays * DAY);
    return !(t >= DAY / 2 && t < DAY / 2 + gapHours * 3_600_000);
  });
}

/** cleanDaily sampled at irregular times: intervals uniform in [1, 9] minutes. */
export function irregular(seed: number, days: number): Row[] {
  const rng = mulberry32(seed);
  const rows: Row[] = [];
  for (let ts = START_TS; ts < START_TS + days * DAY; ts += Math.round((1 + 8 * rng()) * MINUTE)) {
    const i = (ts - START_TS) / FIVE_MIN;
    rows.push({ ts, channels: { v: 10 + 3 * daily(i, FIVE_MIN) + 0.3 * gaussian(rng) } });
  }
  return rows;
}

/** A value that holds still for random stretches (2–`maxHold` readings) and then moves: a sensor that reports on change. */
export function constantStretches(seed: number, days: number, maxHold = 12): Row[] {
  const rng = mulberry32(seed);
  const n = Math.round((days * DAY) / FIVE_MIN);
  let hold = 0;
  let v = 10;
  return Array.from({ length: n }, (_, i) => {
    if (hold-- <= 0) {
      hold = 2 + Math.floor((maxHold - 1) * rng());
      v = 10 + 3 * daily(i, FIVE_MIN) + 0.3 * gaussian(rng);
    }
    return { ts: START_TS + i * FIVE_MIN, channels: { v } };
  });
}

/** A machine that is off (exactly 0) from 22:00 to 06:00 and runs noisily otherwise. */
export function offAtNight(seed: number, days: number): Row[] {
  const rng = mulberry32(seed);
  const n = Math.round((days * DAY) / FIVE_MIN);
  return Array.from({ length: n }, (_, i) => {
    const hour = ((i * FIVE_MIN) % DAY) / 3_600_000;
    const on = hour >= 6 && hour < 22;
    return { ts: START_TS + i * FIVE_MIN, channels: { v: on ? 50 + 5 * gaussian(rng) : 0 } };
  });
}

/** Poisson counts per 5 minutes around a daily rate between 0.5 and 5.5 (many zeros at night). */
export function integerCounts(seed: number, days: number): Row[] {
  const rng = mulberry32(seed);
  const n = Math.round((days * DAY) / FIVE_MIN);
  return Array.from({ length: n }, (_, i) => {
    const rate = 3 + 2.5 * daily(i, FIVE_MIN);
    // Knuth's method: fine for small rates.
    let k = 0;
    for (let p = rng(), l = Math.exp(-rate); p > l; p *= rng()) k++;
    return { ts: START_TS + i * FIVE_MIN, channels: { v: k } };
  });
}

/** Daily cycle with Student-t noise of 3 degrees of freedom (heavy tails, finite variance). */
export function heavyTails(seed: number, days: number): Row[] {
  const rng = mulberry32(seed);
  const n = Math.round((days * DAY) / FIVE_MIN);
  return Array.from({ length: n }, (_, i) => {
    let chi = 0;
    for (let k = 0; k < 3; k++) chi += gaussian(rng) ** 2;
    const t = gaussian(rng) / Math.sqrt(chi / 3);
    return { ts: START_TS + i * FIVE_MIN, channels: { v: 10 + 3 * daily(i, FIVE_MIN) + 0.3 * t } };
  });
}

/** `rows` with every value multiplied by `factor`. */
export function scaled(rows: readonly Row[], factor: number): Row[] {
  return rows.map((r) => ({ ts: r.ts, channels: Object.fromEntries(Object.entries(r.channels).map(([k, v]) => [k, v * factor])) }));
}
