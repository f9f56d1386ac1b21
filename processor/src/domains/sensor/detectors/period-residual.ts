// Period-aligned residual: "this part of the day (or week) looks unlike the same part of the last
// few days (weeks)". A holiday, a missing rush hour or a day-long plateau moves no reading far from
// the channel's recent level and breaks no local shape, yet it is plain against the series' own
// period.
//
// The period comes from the data's own sampling: the median of the first intervals between
// readings gives readings per day, so a day and a week are known in readings whatever the source's
// rate. Readings are averaged into blocks (`blocksPerDay` per day), and each completed block mean
// is compared with the median of the same phase one, two … `history` periods earlier, for each
// period in `periodsDays`. The mean of the last `span` such residuals, against its own running mean
// absolute size (winsorised, so an episode does not widen its own band; blended with the size usual
// at that time of day, see `phaseWeight`), is the statistic; like the
// onset's shape scales it is reported as a record ratio (value / decayed running maximum), which is
// scale-free and stops alarming on a series whose seasonal residual is always wild.
// Bounded state: `history` × the longest period in blocks (one week of hourly blocks ≈ 500 numbers).
// Data sampled slower than the longest period, or series shorter than `history` periods, never
// warm up and report nothing.

import { checkOption } from '../../../core/component.ts';
import { decodeF64, encodeF64 } from './f64-base64.ts';

export interface PeriodResidualOptions {
  /** Blocks per day (integer ≥ 1); default 24 (hourly blocks). */
  blocksPerDay: number;
  /** Periods compared, in days; default [1, 7]. */
  periodsDays: readonly number[];
  /** Past periods whose same-phase median is the expectation; default 3. */
  history: number;
  /** Blocks averaged into the statistic; default 3. */
  span: number;
  /** Smoothing weight per block of the residual's normal size; default 1/200. */
  spreadBeta: number;
  /** Residuals are winsorised at this many normal sizes when learning it (and block means when stored, see cleanHistory); default 4. */
  clip: number;
  /** Store a block mean at most `clip` normal sizes from its expectation (robust seasonal smoothing), so an anomalous period is not the next periods' expectation; default true. */
  cleanHistory: boolean;
  /** Half-life of the record maximum, in readings; default 3000. */
  halfLife: number;
  /** Residual blocks, per period, before a record counts (in periods); default 1. */
  warmupPeriods: number;
  /** When > 0, the ratio is the statistic over this fixed level (in normal sizes: a calibrated tail, comparable across series) instead of a record ratio against its own decayed maximum; default 4. */
  level: number;
  /** First intervals whose median fixes the sampling interval; default 15. */
  intervals: number;
  /** Weight (0–1) of the same time of day's own residual size in the normal size (geometric blend with the all-day size; 0 = all-day only); default 0.75. */
  phaseWeight: number;
  /** The blended normal size never falls below this fraction of the all-day size (a quiet hour learnt from a few days is not trusted fully); default 0.7. */
  phaseFloor: number;
  /** Smoothing weight per day of each time of day's residual size; default 1/10. */
  phaseBeta: number;
}

export const DEFAULT_PERIOD_RESIDUAL: Readonly<PeriodResidualOptions> = Object.freeze({
  blocksPerDay: 24,
  periodsDays: Object.freeze([1, 7]),
  history: 3,
  span: 3,
  spreadBeta: 1 / 200,
  clip: 4,
  cleanHistory: true,
  halfLife: 3000,
  warmupPeriods: 1,
  intervals: 15,
  level: 4,
  phaseWeight: 0.75,
  phaseFloor: 0.7,
  phaseBeta: 1 / 10,
});

export function resolvePeriodResidualOptions(opts: Partial<PeriodResidualOptions> = {}): PeriodResidualOptions {
  const o = { ...DEFAULT_PERIOD_RESIDUAL, ...opts };
  const c = 'periodResidual';
  checkOption(c, 'blocksPerDay', o.blocksPerDay, 1, 1e4);
  if (!Array.isArray(o.periodsDays)) checkOption(c, 'periodsDays (an array)', NaN, 0, 1e3);
  o.periodsDays.forEach((p) => checkOption(c, 'periodsDays[]', p, 0, 1e3, false));
  checkOption(c, 'history', o.history, 1, 100);
  checkOption(c, 'span', o.span, 1, 1e4);
  checkOption(c, 'spreadBeta', o.spreadBeta, 0, 1, false);
  checkOption(c, 'clip', o.clip, 0, 1e6, false);
  if (typeof o.cleanHistory !== 'boolean') checkOption(c, 'cleanHistory (a boolean)', NaN, 0, 1);
  checkOption(c, 'halfLife', o.halfLife, 1, 1e12);
  checkOption(c, 'warmupPeriods', o.warmupPeriods, 0, 1e6);
  checkOption(c, 'level', o.level, 0, 1e6);
  checkOption(c, 'intervals', o.intervals, 1, 1e4);
  checkOption(c, 'phaseWeight', o.phaseWeight, 0, 1);
  checkOption(c, 'phaseFloor', o.phaseFloor, 0, 1);
  checkOption(c, 'phaseBeta', o.phaseBeta, 0, 1, false);
  return o;
}

/** Persisted state of one channel (JSON-safe). */
export interface PeriodResidualState {
  lastTs: number;
  gaps: number[];
  block: number;
  acc: number;
  cnt: number;
  /** Ring of block means: base64 of float64 (f64-base64.ts), only the slots written (a prefix until it wraps; '' before the first block) since snapshot version 6; the whole ring as a number list before. */
  means: string | number[];
  nBlocks: number;
  periods: { sum: number; res: number[]; spread: number; n: number; peak: number; phaseSpread: number[]; phaseN: number[] }[];
}

class PeriodTrack {
  /** Period in blocks (0 until the sampling interval is known). */
  p = 0;
  /**
   * The last `span` residuals (ring, indexed by block count), then the residual size per time of
   * day (block of the day), then the blocks each of those has learnt from: one array, allocated
   * at the track's first residual (after `history` periods; slots never written read as 0 either
   * way), so a young station holds none of it and a warm one one array instead of three.
   */
  buf: Float64Array | null = null;
  sum = 0;
  spread = 0;
  n = 0;
  peak = 0;
  /** Statistic of the latest block, in normal sizes (diagnostics). */
  z = 0;
  constructor(
    readonly span: number,
    readonly phases: number,
  ) {}

  /** `buf`, allocated. */
  get data(): Float64Array {
    return (this.buf ??= new Float64Array(this.span + 2 * this.phases));
  }
}

/** Scratch for the same-phase medians, shared by every channel: used within one `update` only. */
let medScratch = new Float64Array(3);

export class PeriodResidual {
  /** Record ratio of the latest completed block's statistic (0 when no block completed or not warm). */
  ratio = 0;
  private lastTs = NaN;
  private readonly gaps: number[] = [];
  /** Readings per block (0 until the sampling interval is known). */
  private block = 0;
  private acc = 0;
  private cnt = 0;
  /**
   * Ring of block means, indexed by block count; allocated at the first block (4 KB per channel
   * that a station seen a few times never needs). Slots never written read as 0 either way.
   */
  private means: Float64Array | null = null;
  private readonly meansLength: number;
  private nBlocks = 0;
  /** One per period in `periodsDays` (read-only use: diagnostics). */
  readonly tracks: PeriodTrack[];
  private readonly keepPerReading: number;
  /** Blocks per day (0 until known, or when it exceeds the per-phase arrays). */
  private dayBlocks = 0;

  constructor(private readonly o: PeriodResidualOptions) {
    const longest = Math.max(1, ...o.periodsDays.map((d) => Math.round(d * o.blocksPerDay)));
    this.meansLength = o.history * longest + 1;
    this.tracks = o.periodsDays.map(() => new PeriodTrack(o.span, 2 * o.blocksPerDay));
    this.keepPerReading = Math.pow(0.5, 1 / o.halfLife);
  }

  /** Bytes of the arrays allocated as history arrives: the block-mean ring (first block) and the tracks' (first residual). */
  get meansBytes(): number {
    let b = this.means?.byteLength ?? 0;
    for (const t of this.tracks) b += t.buf?.byteLength ?? 0;
    return b;
  }

  get surprise(): number {
    return this.ratio;
  }

  update(value: number, ts: number): this {
    this.ratio = 0;
    if (this.block === 0) {
      this.learnInterval(ts);
      if (this.block === 0) return this;
    }
    this.acc += value;
    if (++this.cnt < this.block) return this;
    const v = this.acc / this.cnt;
    this.acc = 0;
    this.cnt = 0;
    const o = this.o;
    const L = this.meansLength;
    const means = (this.means ??= new Float64Array(L));
    const t = this.nBlocks++;
    means[t % L] = v;
    const keep = Math.pow(this.keepPerReading, this.block);
    let best = 0;
    let cleaned = !o.cleanHistory;
    for (const tr of this.tracks) {
      const p = tr.p;
      if (p === 0 || t < o.history * p) continue;
      if (medScratch.length !== o.history) medScratch = new Float64Array(o.history);
      const m = medScratch;
      for (let h = 1; h <= o.history; h++) m[h - 1] = means[(t - h * p) % L]!;
      const med = median(m);
      const r = v - med;
      // Robust seasonal smoothing (Gelper, Fried & Croux 2010, "Robust forecasting with
      // exponential and Holt-Winters smoothing", J. Forecasting 29: a value far off its forecast
      // enters the state cleaned, forecast ± clip × scale): the ring keeps the block at most `clip`
      // normal sizes from its expectation, so an anomalous day does not become the expectation of
      // the following days and echo there as a second, false episode. Cleaned against the
      // shortest warm period only (the ring is shared); a lasting change still moves the ring, by
      // up to `clip` normal sizes a period, while the normal size itself widens.
      if (!cleaned && tr.spread > 0 && tr.n >= o.span) {
        cleaned = true;
        const lim = o.clip * tr.spread;
        if (r > lim) means[t % L] = med + lim;
        else if (r < -lim) means[t % L] = med - lim;
      }
      const slot = tr.n % o.span;
      const buf = tr.data;
      tr.sum += r - buf[slot]!;
      buf[slot] = r;
      tr.n++;
      if (tr.n < o.span) continue;
      const s = Math.abs(tr.sum / o.span);
      const k = tr.n - o.span + 1;
      const b = Math.max(o.spreadBeta, 1 / k);
      // Many series vary far more at some times of day (rush hour) than at others (night): the
      // normal size blends the all-day size with this time of day's own, once it has a few days.
      let spread = tr.spread;
      const ph = this.dayBlocks > 0 ? t % this.dayBlocks : -1;
      const S = o.span;
      const P = tr.phases;
      const pn = ph >= 0 ? buf[S + P + ph]! : 0;
      const ps = ph >= 0 ? buf[S + ph]! : 0;
      if (o.phaseWeight > 0 && pn >= 3 && ps > 0 && spread > 0) spread = Math.max(o.phaseFloor * spread, Math.pow(spread, 1 - o.phaseWeight) * Math.pow(ps, o.phaseWeight));
      const clipped = spread > 0 ? Math.min(s, o.clip * spread) : s;
      const z = spread > 0 ? s / spread : 0;
      tr.z = z;
      tr.spread += b * ((tr.spread > 0 ? Math.min(s, o.clip * tr.spread) : s) - tr.spread);
      if (ph >= 0) {
        buf[S + P + ph] = pn + 1;
        buf[S + ph] = ps + Math.max(o.phaseBeta, 1 / (pn + 1)) * (clipped - ps);
      }
      // Capped in level mode: past 10× the level the episode is certain (score ≈ 99), and an
      // uncapped ratio growing block by block would keep breaking through the onset's suppression.
      const ratio = o.level > 0 ? Math.min(10, z / o.level) : tr.peak > 0 ? z / tr.peak : 0;
      const decayed = tr.peak * keep;
      tr.peak = z > decayed ? z : decayed;
      if (k > o.warmupPeriods * p && ratio > best) best = ratio;
    }
    this.ratio = best;
    return this;
  }

  private learnInterval(ts: number): void {
    const dt = ts - this.lastTs;
    this.lastTs = ts;
    if (!(dt > 0)) return;
    this.gaps.push(dt);
    if (this.gaps.length < this.o.intervals) return;
    const sorted = [...this.gaps].sort((a, b) => a - b);
    const perDay = 86_400_000 / sorted[sorted.length >> 1]!;
    this.setBlock(perDay);
  }

  private setBlock(perDay: number): void {
    const o = this.o;
    this.block = Math.max(1, Math.round(perDay / o.blocksPerDay));
    const day = Math.round(perDay / this.block);
    this.dayBlocks = day >= 2 && day <= 2 * o.blocksPerDay ? day : 0;
    const cap = (this.meansLength - 1) / o.history;
    this.o.periodsDays.forEach((d, i) => {
      const p = Math.round((d * perDay) / this.block);
      this.tracks[i]!.p = p >= 2 && p <= cap ? p : 0;
    });
  }

  snapshot(): PeriodResidualState {
    return {
      lastTs: Number.isFinite(this.lastTs) ? this.lastTs : -1,
      gaps: [...this.gaps],
      block: this.block,
      acc: this.acc,
      cnt: this.cnt,
      // Only the slots written so far: until the ring wraps, the rest are zeros.
      means: this.means ? encodeF64(this.means.subarray(0, Math.min(this.nBlocks, this.meansLength))) : '',
      nBlocks: this.nBlocks,
      periods: this.tracks.map((t) => ({
        sum: t.sum,
        res: t.buf ? Array.from(t.buf.subarray(0, t.span)) : [],
        spread: t.spread,
        n: t.n,
        peak: t.peak,
        phaseSpread: t.buf ? Array.from(t.buf.subarray(t.span, t.span + t.phases)) : [],
        phaseN: t.buf ? Array.from(t.buf.subarray(t.span + t.phases)) : [],
      })),
    };
  }

  restore(s: PeriodResidualState): void {
    this.lastTs = s.lastTs < 0 ? NaN : s.lastTs;
    this.gaps.length = 0;
    this.gaps.push(...s.gaps);
    this.acc = s.acc;
    this.cnt = s.cnt;
    // Version 5 wrote an unallocated ring as zeros; slots never written read as 0 either way.
    const means = typeof s.means === 'string' ? (s.means === '' ? null : decodeF64(s.means, 'period.means')) : s.means.some((x) => x !== 0) ? s.means : null;
    this.means = means === null ? null : new Float64Array(this.meansLength);
    this.means?.set(means!.length > this.meansLength ? means!.slice(0, this.meansLength) : means!);
    this.nBlocks = s.nBlocks;
    s.periods.forEach((x, i) => {
      const t = this.tracks[i]!;
      t.sum = x.sum;
      // Version 5 wrote unallocated arrays as zeros: they stay unallocated.
      const any = (a: number[]) => a.some((v) => v !== 0);
      t.buf = null;
      if (any(x.res) || any(x.phaseSpread) || any(x.phaseN)) {
        const buf = t.data;
        buf.set(x.res.slice(0, t.span));
        buf.set(x.phaseSpread.slice(0, t.phases), t.span);
        buf.set(x.phaseN.slice(0, t.phases), t.span + t.phases);
      }
      t.spread = x.spread;
      t.n = x.n;
      t.peak = x.peak;
    });
    this.block = 0;
    this.dayBlocks = 0;
    for (const t of this.tracks) t.p = 0;
    if (this.gaps.length >= this.o.intervals) {
      const sorted = [...this.gaps].sort((a, b) => a - b);
      this.setBlock(86_400_000 / sorted[sorted.length >> 1]!);
    }
    this.ratio = 0;
  }
}

function median(a: Float64Array): number {
  const n = a.length;
  if (n === 1) return a[0]!;
  if (n === 2) return (a[0]! + a[1]!) / 2;
  if (n === 3) {
    const x = a[0]!, y = a[1]!, z = a[2]!;
    return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
  }
  const s = Array.from(a).sort((p, q) => p - q);
  return n % 2 ? s[n >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

export function createPeriodResidual(opts: Partial<PeriodResidualOptions> = {}): PeriodResidual {
  return new PeriodResidual(resolvePeriodResidualOptions(opts));
}
