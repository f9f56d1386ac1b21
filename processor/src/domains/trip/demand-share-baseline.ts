/**
 * What share of the city's pickups each H3 cell normally takes, learned online at several
 * seasonal levels, and the predictive distribution of a cell's pickups in a window given the
 * city's total in that window.
 *
 * Why shares: the whole city's volume moves with the hour, the weekday, the weather and the
 * holidays; a cell's share of it moves far less. Expecting `share × city count` makes a
 * city-wide drop (or rise) no local anomaly, while a surge raises the cell's share and a
 * collapse empties it.
 *
 * Levels, finest first: hour of week (168 slots), hour of day × weekday/weekend (48), hour of
 * day (24), all hours (1). The finest level whose slot has at least `minVisits` boundaries of
 * history answers, shrunk towards the next coarser one (its prior, widened by the level's
 * `spread`). So a cold start uses the daily profile after one day and the weekly profile after
 * one week, and a thin slot of a known cell borrows from its coarser profile.
 *
 * Uncertainty, both kinds: the share is a Gamma posterior (shape = pickups seen + prior, rate =
 * city pickups seen), so a cell seen for an hour is judged loosely and one seen for weeks
 * tightly; and each level has an over-dispersion (a Gamma shape: how far a true rate strays
 * from that level's profile on an ordinary day). It is learnt online from the residuals of the
 * busy cells (method of moments, winsorized, weighted by m²: Σ[(x−m)² − m − m²/posterior] /
 * Σ m²), and capped by the level's `dispersion` — a level is never trusted more than its cap
 * (hour-of-day mixes weekdays and weekends: a small cap), and less when the data say it
 * misfits (real streams: weather, events). The predictive count is negative binomial with the
 * two combined (their squared coefficients of variation add).
 *
 * Decay: each slot's sums are exponentially weighted per visit. The weights are kept as a
 * per-slot growth factor (sums stored scaled up by it, so a visit touches only the cells that
 * have pickups and a quiet cell needs no update): shares are ratios, where the factor cancels.
 *
 * Counting: a boundary whose 15-minute window lies inside one slot adds the hop's worth of it
 * (pickups × hop / 15 min, so overlapping windows do not count a pickup three times); the two
 * boundaries per hour whose window straddles the slot change teach nothing (they would blur
 * the profile across hours). Windows that straddle a slot change are expected as the
 * time-weighted mix of both slots' shares (`slotsAt` gives the previous hour's slots).
 */
import { nycWallMs } from '../../../../contracts/index.ts';

export interface DemandShareLevel {
  name: string;
  slots: number;
  /** Slot of an instant (New York local time). */
  slotOf(ts: number): number;
  /** Decay of the slot's sums per visit (memory ≈ 1/alpha visits), 0–1. */
  alpha: number;
  /** Visits before the level answers on its own. */
  minVisits: number;
  /** Cap of the Gamma shape of the level's own misfit (the learnt one may only be smaller). */
  dispersion: number;
  /** Relative sd of a slot's share around the next coarser level's (its prior). */
  spread: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function wallParts(ts: number): { dayIndex: number; hour: number } {
  const wall = nycWallMs(ts);
  const dayIndex = Math.floor(wall / DAY_MS);
  return { dayIndex, hour: Math.floor((wall - dayIndex * DAY_MS) / HOUR_MS) };
}
const mondayBased = (dayIndex: number) => (((dayIndex + 3) % 7) + 7) % 7;

export interface DemandShareOptions {
  /** Hop between boundaries, ms. @default 300_000 */
  hopMs: number;
  /** Length of the window whose counts are learned from, ms. @default 900_000 */
  learnWindowMs: number;
  /** Gamma prior shape of every share (pickups-equivalent; 0.5 = Jeffreys). @default 0.5 */
  priorShape: number;
  /** Levels, finest first; defaults to defaultShareLevels(hopMs). */
  levels: DemandShareLevel[];
  /** Memory of the learnt over-dispersion, boundaries. @default 576 (two days) */
  dispersionMemory: number;
  /** Effective residual samples before the learnt over-dispersion is used. @default 200 */
  dispersionMinSamples: number;
  /** Expected 15-minute count from which a residual teaches the over-dispersion. @default 3 */
  dispersionMinMean: number;
}

/** The default levels for a given hop (visits per slot = boundaries per hour that teach). */
export function defaultShareLevels(hopMs = 300_000, learnWindowMs = 900_000): DemandShareLevel[] {
  const perHour = Math.max(1, (HOUR_MS - learnWindowMs) / hopMs + 1);
  return [
    { name: 'hour-of-week', slots: 168, slotOf: (ts) => { const w = wallParts(ts); return mondayBased(w.dayIndex) * 24 + w.hour; }, alpha: 1 / (4 * perHour), minVisits: perHour, dispersion: 200, spread: 0.3 },
    { name: 'hour-of-day×daytype', slots: 48, slotOf: (ts) => { const w = wallParts(ts); return (mondayBased(w.dayIndex) >= 5 ? 24 : 0) + w.hour; }, alpha: 1 / (5 * perHour), minVisits: perHour, dispersion: 50, spread: 0.5 },
    { name: 'hour-of-day', slots: 24, slotOf: (ts) => wallParts(ts).hour, alpha: 1 / (7 * perHour), minVisits: perHour, dispersion: 10, spread: 1 },
    { name: 'all-hours', slots: 1, slotOf: () => 0, alpha: 1 / (7 * 24 * perHour), minVisits: 2 * perHour, dispersion: 2, spread: 0 },
  ];
}

/** Predictive distribution of a cell's pickups in a window. */
export interface ShareExpectation {
  /** Expected pickups. */
  mean: number;
  /** Negative-binomial shape (uncertainty of the share and the level's misfit combined). */
  shape: number;
  /** Index of the level that answered (-1: nothing learned yet). */
  level: number;
  /** Posterior mean share of the city. */
  share: number;
  /** Shape of the share posterior alone (without the level's misfit). */
  postShape: number;
}

const RESCALE_AT = 1e120;

export class DemandShareBaseline {
  readonly options: DemandShareOptions;
  readonly #offsets: number[];
  readonly #width: number;
  /** Per level and slot: growth factor, scaled city sum, visits. */
  readonly #growth: Float64Array;
  readonly #city: Float64Array;
  readonly #visits: Float64Array;
  /** Per cell: scaled pickup sums of every level's slots, concatenated. */
  readonly #cells = new Map<string, Float64Array>();
  readonly #slots: number[];
  /** Learning of the current hour, committed when the slots change (see setBoundary). */
  #pendingSlots: number[] = [];
  #pendingVisits = 0;
  #pendingCity = 0;
  #pendingCells = new Map<string, number>();
  /** Per level: EW Σ excess variance, Σ m², Σ samples (learnt over-dispersion). */
  readonly #disp: Float64Array;

  constructor(opts: Partial<DemandShareOptions> = {}) {
    const hopMs = opts.hopMs ?? 300_000;
    const learnWindowMs = opts.learnWindowMs ?? 900_000;
    this.options = { hopMs, learnWindowMs, priorShape: 0.5, levels: defaultShareLevels(hopMs, learnWindowMs), dispersionMemory: 576, dispersionMinSamples: 200, dispersionMinMean: 3, ...opts };
    let w = 0;
    this.#offsets = this.options.levels.map((l) => {
      const o = w;
      w += l.slots;
      return o;
    });
    this.#width = w;
    this.#growth = new Float64Array(w).fill(1);
    this.#city = new Float64Array(w);
    this.#visits = new Float64Array(w);
    this.#slots = this.options.levels.map(() => 0);
    this.#disp = new Float64Array(this.options.levels.length * 3);
  }

  get cellCount(): number {
    return this.#cells.size;
  }

  /**
   * Fix the slots of every level for the boundary ending at `end` (window [end − size, end)).
   * A change of slot commits what the previous slot learnt: expectations inside an hour come
   * from earlier days and weeks only, never from the same hour's first boundaries (a surge
   * building up must not become its own baseline).
   */
  setBoundary(end: number): void {
    const levels = this.options.levels;
    for (let l = 0; l < levels.length; l++) this.#slots[l] = this.#offsets[l]! + levels[l]!.slotOf(end - 1);
    if (this.#pendingVisits > 0 && this.#slots.some((s, l) => s !== this.#pendingSlots[l])) this.#commit();
  }

  /** Visits of the current slot of a level (committed history). */
  visits(level: number): number {
    return this.#visits[this.#slots[level]!]!;
  }

  /** Slot indexes of every level at an instant, for `expect` (e.g. the previous hour's). */
  slotsAt(ts: number): number[] {
    return this.options.levels.map((l, i) => this.#offsets[i]! + l.slotOf(ts));
  }

  /**
   * Expected pickups of `cell` in a window whose city-wide count is `cityCount`, at the current
   * boundary's slots (setBoundary first) or the given ones.
   */
  expect(cell: string, cityCount: number, out: ShareExpectation, slots: readonly number[] = this.#slots): ShareExpectation {
    const levels = this.options.levels;
    const sums = this.#cells.get(cell);
    const a0 = this.options.priorShape;
    // Coarsest first: the coarsest level with history holds the Jeffreys-like prior; each
    // finer level takes the posterior above it as its prior, widened by the level's `spread`
    // (how far a slot's share strays from the coarser share, relatively: scale-free, so an
    // unseen cell keeps a tiny but honest expectation and a busy cell's prior is soon
    // outweighed by its own history).
    let shape = NaN;
    let rate = NaN;
    let answered = -1;
    for (let l = levels.length - 1; l >= 0; l--) {
      const i = slots[l]!;
      const v = this.#visits[i]!;
      if (v === 0) continue;
      const g = this.#growth[i]!;
      const city = this.#city[i]! / g;
      const mine = sums ? sums[i]! / g : 0;
      if (Number.isNaN(shape)) {
        shape = a0 + mine;
        rate = city + 1e-9;
      } else {
        const cv2 = 1 / shape;
        const c2 = levels[l]!.spread * levels[l]!.spread;
        const priorShape = 1 / (cv2 + c2 + cv2 * c2);
        const priorRate = (priorShape * rate) / shape;
        shape = priorShape + mine;
        rate = priorRate + city;
      }
      if (v >= levels[l]!.minVisits) answered = l;
    }
    if (answered < 0 || !(rate > 0)) {
      out.mean = 0;
      out.shape = a0;
      out.postShape = a0;
      out.level = -1;
      out.share = 0;
      return out;
    }
    const share = shape / rate;
    out.share = share;
    out.mean = share * cityCount;
    out.postShape = shape;
    out.shape = 1 / (1 / shape + 1 / this.dispersion(answered));
    out.level = answered;
    return out;
  }

  /** The over-dispersion (Gamma shape of the misfit) a level is judged with now. */
  dispersion(level: number): number {
    const cap = this.options.levels[level]!.dispersion;
    const d = this.#disp;
    if (!(d[level * 3 + 2]! >= this.options.dispersionMinSamples) || !(d[level * 3 + 1]! > 0)) return cap;
    const inv = d[level * 3]! / d[level * 3 + 1]!;
    return inv > 1 / cap ? 1 / inv : cap;
  }

  /**
   * Teach the over-dispersion one residual: a count `x` whose expectation was `e` (from
   * `expect` at this boundary, single-slot window). Busy cells only; winsorized at 4 sd.
   */
  learnDispersion(x: number, e: ShareExpectation): void {
    if (e.level < 0 || !(e.mean >= this.options.dispersionMinMean)) return;
    const m = e.mean;
    const v = m + (m * m) / e.shape;
    const r2 = Math.min((x - m) * (x - m), 16 * v);
    const d = this.#disp;
    const i = e.level * 3;
    d[i] = d[i]! + r2 - m - (m * m) / e.postShape;
    d[i + 1] = d[i + 1]! + m * m;
    d[i + 2] = d[i + 2]! + 1;
  }

  /**
   * Learn one boundary: the city's 15-minute count and each cell's (cells absent from `cells`
   * had none). Call after every expect of the boundary; pass clipped counts for a robust
   * update (an anomaly should not become next week's normal).
   */
  learn(cityCount15: number, cells: ReadonlyMap<string, number>): void {
    const keep = 1 - 1 / this.options.dispersionMemory;
    for (let i = 0; i < this.#disp.length; i++) this.#disp[i] = this.#disp[i]! * keep;
    if (this.#pendingVisits === 0) this.#pendingSlots = [...this.#slots];
    this.#pendingVisits++;
    this.#pendingCity += cityCount15;
    for (const [cell, count] of cells) if (count > 0) this.#pendingCells.set(cell, (this.#pendingCells.get(cell) ?? 0) + count);
  }

  /** Fold the pending hour into every level's slot: n visits of decay, then the new sums. */
  #commit(): void {
    const levels = this.options.levels;
    const k = this.options.hopMs / this.options.learnWindowMs;
    const n = this.#pendingVisits;
    const slots = this.#pendingSlots;
    for (let l = 0; l < levels.length; l++) {
      const i = slots[l]!;
      this.#visits[i] = this.#visits[i]! + n;
      // Sums are stored × growth: decaying everything by (1 − alpha)^n = growing the factor.
      let g = this.#growth[i]! / Math.pow(1 - levels[l]!.alpha, n);
      if (g > RESCALE_AT) {
        for (const s of this.#cells.values()) s[i] = s[i]! / g;
        this.#city[i] = this.#city[i]! / g;
        g = 1;
      }
      this.#growth[i] = g;
      this.#city[i] = this.#city[i]! + this.#pendingCity * k * g;
    }
    for (const [cell, count] of [...this.#pendingCells].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      let s = this.#cells.get(cell);
      if (!s) {
        s = new Float64Array(this.#width);
        this.#cells.set(cell, s);
      }
      for (let l = 0; l < levels.length; l++) {
        const i = slots[l]!;
        s[i] = s[i]! + count * k * this.#growth[i]!;
      }
    }
    this.#pendingVisits = 0;
    this.#pendingCity = 0;
    this.#pendingCells = new Map();
  }

  captureState(): DemandShareState {
    const cells: [string, number[]][] = [];
    for (const [c, s] of [...this.#cells].sort((a, b) => (a[0] < b[0] ? -1 : 1))) cells.push([c, Array.from(s)]);
    const pending = { slots: [...this.#pendingSlots], visits: this.#pendingVisits, city: this.#pendingCity, cells: [...this.#pendingCells].sort((a, b) => (a[0] < b[0] ? -1 : 1)) };
    return { width: this.#width, growth: Array.from(this.#growth), city: Array.from(this.#city), visits: Array.from(this.#visits), cells, pending, dispersion: Array.from(this.#disp) };
  }

  restoreState(s: DemandShareState): void {
    if (s.width !== this.#width) throw new RangeError(`demand share state has ${s.width} slots, this baseline ${this.#width}: different levels`);
    this.#growth.set(s.growth);
    this.#city.set(s.city);
    this.#visits.set(s.visits);
    this.#cells.clear();
    for (const [c, v] of s.cells) this.#cells.set(c, Float64Array.from(v));
    this.#pendingSlots = [...s.pending.slots];
    this.#pendingVisits = s.pending.visits;
    this.#pendingCity = s.pending.city;
    this.#pendingCells = new Map(s.pending.cells);
    this.#disp.set(s.dispersion);
  }
}

export interface DemandShareState {
  width: number;
  growth: number[];
  city: number[];
  visits: number[];
  cells: [string, number[]][];
  pending: { slots: number[]; visits: number; city: number; cells: [string, number][] };
  dispersion: number[];
}
