/**
 * Demand-anomaly score of every (resolution, H3 cell) row of a boundary: is the cell taking far
 * more (surge) or far fewer (collapse) of the city's pickups than it normally does at this hour?
 *
 * Evidence, per row:
 *   - the cell's own pickups in windows of 15 to 60 minutes (and, for collapses, 90 and 120)
 *     against the share baseline
 *     (demand-share-baseline.ts: `share × city count`, negative-binomial tails — small counts
 *     get their true, modest surprise; a collapse needs a cell that normally has many trips;
 *     the whole city dropping is no local anomaly). A window that straddles an hour is expected
 *     as the time-weighted mix of both hours' shares;
 *   - at `ringResolutions` (default the finest, 9), the same for the cell's k = 1 disk
 *     (ring_pickups_*): an event or a closure covers a few hundred metres, more than one
 *     res-9 cell, and the disk adds their evidence up. Of overlapping disks only the most
 *     surprising speaks, through the cell of that disk whose own excess (surge) or shortfall
 *     (collapse) is the largest — where the anomaly is, not a neighbour whose disk merely
 *     reaches it;
 *   - the demand Isolation Forest's calibrated score, when a model is loaded: it may add up to
 *     `ifBoost` points to a departure the baseline already sees (score ≥ `ifSupportFrom`), never
 *     raise an alarm on its own (it knows no direction and its false alarms are not calibrated
 *     against the multiplicity of thousands of cells).
 * Each one-sided tail probability is taken against a relaxed null — a surge must exceed
 * `surgeTolerance` × the expectation, a collapse fall below 1/`collapseTolerance` of it — so an
 * ordinary wobble of a busy cell, significant but small, is no alarm. The largest surprise (as an
 * equivalent |z|) becomes the 0–100 score on the shared scale (70 ⇔ z 5.56, P ≈ 3e-8 per
 * test: thousands of cells × 288 boundaries a day need that).
 *
 * Persistence is in the evidence: the 60-minute window needs a lasting departure, and the
 * alerts (cell-alert-episodes.ts) debounce with hysteresis.
 *
 * Warm-up: until a cell's hour has a daily profile (one day of history) its score is capped
 * below the alarm: with only the all-hours share, nightlife at 23:00 would look like a surge.
 *
 * Learning is robust: every count teaches the baseline clipped to ±`learnClipSd` predictive sds
 * and a factor `learnClipRatio` of the expectation, and only after the hour (see the baseline);
 * alarming cells (and the cells of an alarming disk) do not teach the over-dispersion. So an
 * episode does not become its own or next week's normal, while a lasting change — or a wrong
 * expectation that keeps alarming — is still learnt, one clipped step at a time.
 *
 * Causal: a boundary is scored with what earlier boundaries taught, then learnt from.
 * Deterministic: rows are processed in the order given (the pipeline emits them sorted).
 */
import { gridDisk } from 'h3-js';
import type { AnomalyDriver } from '../../../../contracts/index.ts';
import { checkOption, fmt } from '../../core/component.ts';
import { surpriseToScore } from '../../core/score-scale.ts';
import { zFromLogTail } from '../../core/tail.ts';
import { logNegBinLower, logNegBinUpper } from './count-tails.ts';
import { DemandShareBaseline, type DemandShareOptions, type DemandShareState, type ShareExpectation } from './demand-share-baseline.ts';
import { CountHistory, type CountHistoryState } from './count-history.ts';
import { TRIP_CELL_FEATURES, type TripCellFeatureRow } from './trip-cell-features.ts';

export type DemandDirection = 'surge' | 'collapse';

export interface CellVerdict {
  /** 0–100 (minor ≥ 70). */
  score: number;
  direction: DemandDirection | null;
  /** Pickups the baseline expected in the 15-minute window (null before any history). */
  expected: number | null;
  /** Pickups in the 15-minute window. */
  observed: number;
  /** Strongest first; explained in words from `explainFrom`, else only the top one, tersely. */
  drivers: AnomalyDriver[];
}

export interface CellDemandScorerOptions {
  /** Score at and above which a row is an alarm (warm-up cap). @default 70 */
  alarm: number;
  /** Factor a surge must exceed the expectation by, ≥ 1 (an event crowd is no +10 % wobble). @default 1.25 */
  surgeTolerance: number;
  /** Factor a collapse must fall below the expectation by, ≥ 1 (a closure empties a place). @default 1.1 */
  collapseTolerance: number;
  /** Resolutions whose k = 1 disk is tested as a whole. @default [9] */
  ringResolutions: number[];
  /** Most points the demand IF may add to a departure the baseline sees. @default 10 */
  ifBoost: number;
  /** Baseline score from which the IF may add its points. @default 50 */
  ifSupportFrom: number;
  /** Coarsest share level (index into the baseline's levels) allowed to alarm. @default 2 (hour of day) */
  maxAlarmLevel: number;
  /** Counts teach the baseline clipped to this many predictive sds around the expectation. @default 3 */
  learnClipSd: number;
  /** …and to this factor of it (a quiet week must not become next week's normal), > 1. @default 2 */
  learnClipRatio: number;
  /** Score from which every driver gets a reason in words (cheaper below). @default 40 */
  explainFrom: number;
  /** Share baseline options (hop, levels, prior). */
  share: Partial<DemandShareOptions>;
}

export const DEFAULT_CELL_DEMAND: Readonly<Omit<CellDemandScorerOptions, 'share'>> = Object.freeze({
  alarm: 70,
  surgeTolerance: 1.25,
  collapseTolerance: 1.1,
  ringResolutions: [9],
  ifBoost: 10,
  ifSupportFrom: 50,
  maxAlarmLevel: 2,
  learnClipSd: 3,
  learnClipRatio: 2,
  explainFrom: 40,
});

const F = (name: (typeof TRIP_CELL_FEATURES)[number]) => TRIP_CELL_FEATURES.indexOf(name);
const P15 = F('pickups_15m');
const P60 = F('pickups_60m');
const RP15 = F('ring_pickups_15m');
const RP60 = F('ring_pickups_60m');
const HOUR_MS = 3_600_000;
const BLOCK_MS = 900_000;
/** Windows scanned, in 15-minute blocks: up to the hour, expected from the boundary's hour and the previous one. */
const WINDOW_BLOCKS = [1, 2, 3, 4] as const;
/**
 * Longer windows (90 and 120 minutes) for collapses only, expected block by block from up to
 * three hours' shares: a long, thin closure — a place that loses a few pickups every quarter
 * hour for two hours — only adds up to a surprise over the whole of it, and its evidence is
 * bounded (at most the expected count goes missing), while a surge's excess is not and shows
 * within the hour. Long surge windows only added false alarms (a coarse profile's misfit summed
 * over two hours) in the offline trials.
 */
const LONG_BLOCKS = [6, 8] as const;
const HOURS_BACK = 3;
const NAMES = [false, true].map((ring) => Array.from({ length: LONG_BLOCKS[LONG_BLOCKS.length - 1]! + 1 }, (_, blocks) => `${ring ? 'ring_' : ''}pickups_${15 * blocks}m`));
/** Made once: the scorer names thousands of windows per boundary. */
const windowName = (blocks: number, ring: boolean) => NAMES[ring ? 1 : 0]![blocks]!;
const sum = (xs: readonly number[], n: number) => {
  let t = 0;
  for (let i = 0; i < n; i++) t += xs[i]!;
  return t;
};

interface Evidence {
  feature: string;
  /** Window length in 15-minute blocks. */
  blocks: number;
  surprise: number;
  direction: DemandDirection;
  observed: number;
  expected: number;
}

/** A cell's share expectation at this boundary: this hour's and the previous hour's. */
interface CellShares {
  cur: ShareExpectation;
  prev: ShareExpectation;
  /** Hours back 1 and 2, computed when a long window needs them (null until then). */
  back: ShareExpectation[] | null;
}

/** Predictive of one window: mean and negative-binomial shape. */
interface Predictive {
  mean: number;
  shape: number;
}

interface RowWork {
  row: TripCellFeatureRow;
  shares: CellShares;
  /** Coarsest level used (-1 = none). */
  level: number;
  p15: Predictive;
  p60: Predictive;
  tests: Evidence[];
  ring: Evidence[];
}

/**
 * A cell as the scorer sees it across boundaries: its k = 1 disk as nodes (resolved once), and
 * this boundary's memo of it (shares, prefix counts, row work, disk verdict, alarming area) in
 * fields stamped with the boundary they belong to. It replaces per-boundary Maps keyed by cell
 * strings (several lookups per cell and disk neighbour) and the prefix arrays made per cell and
 * boundary; the arithmetic and its order are unchanged.
 */
interface ScorerCell {
  cell: string;
  disk: ScorerCell[] | null;
  /** The cell alone, as the list `longPredictive` takes (made once, not per row). */
  self: ScorerCell[];
  sharesStamp: number;
  shares: CellShares | null;
  /**
   * The objects `shares` fills each boundary (nothing keeps them past it): this hour's, the
   * previous hour's, and the long windows' hours back 1 and 2 with their list.
   */
  buf: { shares: CellShares; cur: ShareExpectation; prev: ShareExpectation; back1: ShareExpectation; back2: ShareExpectation; back: ShareExpectation[] };
  /** Counts over 1…8 blocks, own [0] and disk [1], valid when preStamp[ring] is this boundary. */
  preStamp: [number, number];
  pre: [Float64Array, Float64Array];
  workStamp: number;
  work: RowWork | null;
  ringStamp: number;
  ring: RingBest | null;
  areaStamp: number;
}

interface RingBest {
  node: ScorerCell;
  w: RowWork;
  tests: Evidence[];
  best: Evidence;
}

const PREFIX_LEN = LONG_BLOCKS[LONG_BLOCKS.length - 1]! + 1;

const blankShare = (): ShareExpectation => ({ mean: 0, shape: 0, level: -1, share: 0, postShape: 0 });

export class CellDemandScorer {
  readonly options: CellDemandScorerOptions;
  readonly baseline: DemandShareBaseline;
  readonly #cells = new Map<string, ScorerCell>();
  #stamp = 0;
  readonly #history = new CountHistory();

  constructor(opts: Partial<CellDemandScorerOptions> = {}) {
    const o: CellDemandScorerOptions = { ...DEFAULT_CELL_DEMAND, share: {}, ...opts };
    checkOption('cellDemand', 'alarm', o.alarm, 0, 100, false);
    checkOption('cellDemand', 'surgeTolerance', o.surgeTolerance, 1, 100);
    checkOption('cellDemand', 'collapseTolerance', o.collapseTolerance, 1, 100);
    checkOption('cellDemand', 'ifBoost', o.ifBoost, 0, 100);
    checkOption('cellDemand', 'ifSupportFrom', o.ifSupportFrom, 0, 100);
    checkOption('cellDemand', 'learnClipSd', o.learnClipSd, 0, 1e6, false);
    checkOption('cellDemand', 'learnClipRatio', o.learnClipRatio, 1, 1e6, false);
    this.options = o;
    this.baseline = new DemandShareBaseline(o.share);
    checkOption('cellDemand', 'maxAlarmLevel', o.maxAlarmLevel, 0, this.baseline.options.levels.length - 1);
  }

  /**
   * Verdicts for rows of one or more boundaries (in boundary order, as the pipeline emits
   * them), one per row in the same order. `ifScores[i]` is the demand IF's calibrated 0–100
   * score of rows[i], or null without a model.
   */
  scoreBoundary(rows: readonly TripCellFeatureRow[], ifScores: readonly (number | null)[] = []): CellVerdict[] {
    const out: CellVerdict[] = [];
    let from = 0;
    for (let i = 1; i <= rows.length; i++) {
      if (i === rows.length || rows[i]!.windowEnd !== rows[from]!.windowEnd) {
        out.push(...this.#scoreOne(rows.slice(from, i), ifScores.slice(from, i)));
        from = i;
      }
    }
    return out;
  }

  #scoreOne(rows: readonly TripCellFeatureRow[], ifScores: readonly (number | null)[]): CellVerdict[] {
    const o = this.options;
    const b = this.baseline;
    const end = rows[0]!.windowEnd;
    b.setBoundary(end);
    const hourStart = Math.floor((end - 1) / HOUR_MS) * HOUR_MS;
    // Fraction of a window of `blocks` × 15 min lying in the previous hour (hours are slots).
    const fPrevOf = Array.from({ length: LONG_BLOCKS[LONG_BLOCKS.length - 1]! + 1 }, (_, blocks) => Math.max(0, hourStart - (end - blocks * BLOCK_MS)) / (blocks * BLOCK_MS));
    const fPrev = (blocks: number) => fPrevOf[blocks]!;
    const prevSlots = fPrev(4) > 0 ? b.slotsAt(hourStart - 1) : null;
    let backSlots: number[][] | null = null;
    const stamp = ++this.#stamp;
    const shares = (node: ScorerCell): CellShares => {
      if (node.sharesStamp !== stamp) {
        const buf = node.buf;
        const s = buf.shares;
        s.cur = b.expect(node.cell, 1, buf.cur);
        s.prev = prevSlots ? b.expect(node.cell, 1, buf.prev, prevSlots) : s.cur;
        s.back = null;
        node.shares = s;
        node.sharesStamp = stamp;
      }
      return node.shares!;
    };
    // City totals: every pickup lies in exactly one cell of each resolution.
    const city15 = new Map<number, number>();
    const city60 = new Map<number, number>();
    for (const r of rows) {
      city15.set(r.resolution, (city15.get(r.resolution) ?? 0) + r.values[P15]!);
      city60.set(r.resolution, (city60.get(r.resolution) ?? 0) + r.values[P60]!);
    }
    const cityNow = Math.max(...city15.values());
    // Windows of 15, 30, 45 and 60 minutes: 30 and 45 are sums of earlier 15-minute windows
    // (history), available once those boundaries were scored.
    const cityBlocks = [cityNow];
    for (let j = 1; j < LONG_BLOCKS[LONG_BLOCKS.length - 1]!; j++) {
      const c = this.#history.city(end - j * BLOCK_MS);
      if (c === null) break;
      cityBlocks.push(c);
    }
    const cityW = (blocks: number, res: number) => (blocks === 4 ? city60.get(res)! : blocks === 1 ? city15.get(res)! : blocks <= cityBlocks.length ? sum(cityBlocks, blocks) : NaN);
    // Long windows: the city's pickups of each hour the window's blocks lie in (0 = this hour).
    const longCity = new Map<number, number[]>();
    for (const blocks of LONG_BLOCKS) {
      if (blocks > cityBlocks.length) continue;
      const c = new Array<number>(HOURS_BACK).fill(0);
      for (let j = 0; j < blocks; j++) {
        const bEnd = end - j * BLOCK_MS;
        for (let k = 0; k < HOURS_BACK; k++) {
          const hs = hourStart - k * HOUR_MS;
          const overlap = Math.min(bEnd, hs + HOUR_MS) - Math.max(bEnd - BLOCK_MS, hs);
          if (overlap > 0) c[k]! += (cityBlocks[j]! * overlap) / BLOCK_MS;
        }
      }
      longCity.set(blocks, c);
    }
    // A cell's shares of the hours a long window reaches back to (0 = this hour).
    const sharesBack = (node: ScorerCell): ShareExpectation[] => {
      const s = shares(node);
      if (!s.back) {
        backSlots ??= [b.slotsAt(hourStart - 1), b.slotsAt(hourStart - HOUR_MS - 1)];
        const buf = node.buf;
        buf.back[0] = s.cur;
        buf.back[1] = prevSlots ? s.prev : b.expect(node.cell, 1, buf.back1, backSlots[0]);
        buf.back[2] = b.expect(node.cell, 1, buf.back2, backSlots[1]);
        s.back = buf.back;
      }
      return s.back;
    };
    const longPredictive = (cells: readonly ScorerCell[], blocks: number): Predictive | null => {
      const city = longCity.get(blocks);
      if (!city) return null;
      let mean = 0;
      let variance = 0;
      for (const cell of cells) {
        const back = sharesBack(cell);
        for (let k = 0; k < HOURS_BACK; k++) {
          if (city[k] === 0) continue;
          const e = back[k]!;
          // Only profiles that may alarm speak: a long window is no way round the warm-up.
          if (e.level < 0 || e.level > o.maxAlarmLevel) return null;
          const m = e.share * city[k]!;
          mean += m;
          variance += (m * m) / e.shape;
        }
      }
      return { mean, shape: variance > 0 ? (mean * mean) / variance : 1e9 };
    };
    // A cell's counts over 1…8 blocks, summed once per boundary (the same additions in the
    // same order as block by block): the scans ask for them many times.
    const count = (node: ScorerCell, row: TripCellFeatureRow | undefined, blocks: number, ring: boolean): number => {
      if (blocks === 4) return row ? row.values[ring ? RP60 : P60]! : 0;
      const k = ring ? 1 : 0;
      const pre = node.pre[k];
      if (node.preStamp[k] !== stamp) {
        this.#history.prefixCounts(node.cell, row ? row.values[ring ? RP15 : P15]! : 0, end, BLOCK_MS, ring, pre);
        node.preStamp[k] = stamp;
      }
      return pre[blocks]!;
    };
    const work: RowWork[] = [];
    const nodes: ScorerCell[] = [];
    for (const row of rows) {
      const node = this.#node(row.cell);
      const s = shares(node);
      const level = s.cur.level < 0 || s.prev.level < 0 ? -1 : Math.max(s.cur.level, s.prev.level);
      const w: RowWork = { row, shares: s, level, p15: mixOne(s, fPrev(1), city15.get(row.resolution)!), p60: mixOne(s, fPrev(4), city60.get(row.resolution)!), tests: [], ring: [] };
      if (level >= 0) {
        for (const blocks of WINDOW_BLOCKS) {
          const city = cityW(blocks, row.resolution);
          if (Number.isNaN(city)) continue;
          const p = blocks === 1 ? w.p15 : blocks === 4 ? w.p60 : mixOne(s, fPrev(blocks), city);
          this.#test(w.tests, windowName(blocks, false), count(node, row, blocks, false), p, blocks);
        }
        for (const blocks of LONG_BLOCKS) {
          const p = longPredictive(node.self, blocks);
          if (p) this.#test(w.tests, windowName(blocks, false), count(node, row, blocks, false), p, blocks, 'collapse');
        }
      }
      work.push(w);
      nodes.push(node);
      node.work = w;
      node.workStamp = stamp;
    }
    // Disks: the k = 1 neighbourhood as one count. Of overlapping disks only the most
    // surprising speaks (non-maximum suppression), and it speaks through the cell of its disk
    // whose own departure over the same window is the largest: where the anomaly is, not a
    // neighbour whose disk merely reaches it.
    const ringBest: RingBest[] = [];
    // One list reused for every disk's shares (mix reads it at once).
    const diskShares: CellShares[] = [];
    // Cells inside an alarming area (areaStamp this boundary) do not teach the over-dispersion.
    for (let i = 0; i < work.length; i++) {
      const w = work[i]!;
      if (w.level < 0 || !o.ringResolutions.includes(w.row.resolution)) continue;
      const node = nodes[i]!;
      const ds = diskShares;
      ds.length = 0;
      let warm = true;
      for (const c of this.#disk(node)) {
        const s = shares(c);
        ds.push(s);
        if (s.cur.level < 0 || s.prev.level < 0) warm = false;
      }
      if (!warm) continue;
      const tests: Evidence[] = [];
      for (const blocks of WINDOW_BLOCKS) {
        const city = cityW(blocks, w.row.resolution);
        if (Number.isNaN(city)) continue;
        this.#test(tests, windowName(blocks, true), count(node, w.row, blocks, true), mix(ds, fPrev(blocks), city), blocks);
      }
      for (const blocks of LONG_BLOCKS) {
        const p = longPredictive(this.#disk(node), blocks);
        if (p) this.#test(tests, windowName(blocks, true), count(node, w.row, blocks, true), p, blocks, 'collapse');
      }
      let best: Evidence | null = null;
      for (const t of tests) if (!best || t.surprise > best.surprise) best = t;
      if (best) {
        node.ring = { node, w, tests, best };
        node.ringStamp = stamp;
        ringBest.push(node.ring);
      }
    }
    for (const { node, w, tests, best } of ringBest) {
      const cell = node.cell;
      const disk = this.#disk(node);
      let peak = true;
      for (const c of disk) {
        const n = c === node || c.ringStamp !== stamp ? undefined : c.ring!;
        if (!(!n || n.best.direction !== best.direction || n.best.surprise < best.surprise || (n.best.surprise === best.surprise && c.cell > cell))) {
          peak = false;
          break;
        }
      }
      if (!peak) continue;
      const city = cityW(best.blocks, w.row.resolution);
      let target = w;
      let own = -Infinity;
      for (const c of disk) {
        const x = c.workStamp === stamp ? c.work! : undefined;
        if (!x || x.level < 0) continue;
        const m = best.blocks > 4 ? longPredictive(c.self, best.blocks)?.mean : mixOne(x.shares, fPrev(best.blocks), city).mean;
        if (m === undefined) continue;
        const n = count(c, x.row, best.blocks, false);
        const d = best.direction === 'surge' ? n - m : m - n;
        if (d > own || (d === own && x === w)) {
          own = d;
          target = x;
        }
      }
      for (const t of tests) if (t.direction === best.direction) target.ring.push(t);
      if (surpriseToScore(best.surprise) >= o.alarm) for (const c of disk) c.areaStamp = stamp;
    }
    const verdicts: CellVerdict[] = [];
    const learnNow = fPrev(1) === 0;
    const learn = new Map<string, number>();
    const scratch = blankShare();
    for (let i = 0; i < work.length; i++) {
      const w = work[i]!;
      verdicts.push(this.#verdict(w, ifScores[i] ?? null));
      if (!learnNow) continue;
      // Robust update: every count teaches clipped to ±learnClipSd predictive sds and to a
      // factor learnClipRatio of its expectation, alarming or not. (Teaching an alarm its
      // expectation instead locked wrong expectations in: a place whose first-day surge was
      // learnt raw kept raising a false collapse at that hour every day, each one teaching the
      // inflated expectation again. Clipped, a false alarm's counts pull it back.)
      const x = w.row.values[P15]!;
      let learnt = x;
      if (w.level >= 0) {
        const { mean: m, shape } = w.p15;
        const sd = Math.sqrt(m + (m * m) / shape);
        const hi = Math.min(m + o.learnClipSd * sd, m * o.learnClipRatio) + 1;
        const lo = Math.max(m - o.learnClipSd * sd, m / o.learnClipRatio);
        const anomalous = nodes[i]!.areaStamp === stamp || verdicts[i]!.score >= o.alarm;
        learnt = Math.min(hi, Math.max(lo, x));
        // How far ordinary days stray is learnt from ordinary cells: an alarm's residual would
        // widen every cell's tails, and make the next surge of its size look ordinary.
        if (!anomalous) {
          const e = scratch;
          e.level = w.shares.cur.level;
          e.shape = w.shares.cur.shape;
          e.postShape = w.shares.cur.postShape;
          e.share = w.shares.cur.share;
          e.mean = m;
          b.learnDispersion(x, e);
        }
      }
      if (learnt > 0) learn.set(w.row.cell, learnt);
    }
    if (learnNow) b.learn(cityNow, learn);
    this.#history.record(end, cityNow, rows, o.ringResolutions);
    // Row work is not kept past its boundary.
    for (const node of nodes) {
      node.work = null;
      node.ring = null;
    }
    return verdicts;
  }

  /** Surge and collapse tails of one observation against the relaxed null. */
  #test(into: Evidence[], feature: string, x: number, p: Predictive, blocks: number, only?: DemandDirection): void {
    const mean = p.mean > 0 ? p.mean : 0;
    const hi = mean * this.options.surgeTolerance;
    if (x > hi && only !== 'collapse') {
      // Cheap bound first: a Gaussian z below 2 is never an alarm for a right-skewed count.
      const quick = (x - hi) / Math.sqrt(hi + (hi * hi) / p.shape + 1e-12);
      if (quick > 2) into.push({ feature, blocks, surprise: zFromLogTail(hi > 0 ? logNegBinUpper(x, hi, p.shape) : -Infinity), direction: 'surge', observed: x, expected: mean });
    }
    const lo = mean / this.options.collapseTolerance;
    if (x < lo && lo > 1) into.push({ feature, blocks, surprise: zFromLogTail(logNegBinLower(x, lo, p.shape)), direction: 'collapse', observed: x, expected: mean });
  }

  #verdict(w: RowWork, ifScore: number | null): CellVerdict {
    const o = this.options;
    const observed = w.row.values[P15]!;
    if (w.level < 0) {
      return { score: 0, direction: null, expected: null, observed, drivers: [{ feature: 'pickups_15m', score: 0, value: observed, expected: null, reason: 'no history for this cell and hour yet (warm-up)' }] };
    }
    const expected = w.p15.mean;
    let best: Evidence | null = null;
    for (const t of w.tests) if (!best || t.surprise > best.surprise) best = t;
    for (const t of w.ring) if (!best || t.surprise > best.surprise) best = t;
    let score = best ? surpriseToScore(best.surprise) : 0;
    const direction: DemandDirection | null = best && score > 0 ? best.direction : null;
    let ifDriver: AnomalyDriver | null = null;
    if (ifScore !== null && Number.isFinite(ifScore)) {
      const s = Math.min(100, Math.max(0, ifScore));
      if (direction !== null && score >= o.ifSupportFrom) score = Math.min(100, Math.max(score, Math.min(s, score + o.ifBoost)));
      ifDriver = { feature: 'demand_if', score: s, value: s, expected: null, reason: `demand Isolation Forest score ${fmt(s)}` };
    }
    const levelName = this.baseline.options.levels[w.level]!.name;
    let warmup = false;
    if (w.level > o.maxAlarmLevel && score >= o.alarm) {
      score = o.alarm - 1;
      warmup = true;
    }
    if (score < o.explainFrom && !warmup) {
      const top = best ? best.feature : 'pickups_15m';
      return { score, direction, expected, observed, drivers: [{ feature: top, score, value: best ? best.observed : observed, expected: best ? best.expected : expected, reason: '' }] };
    }
    const share = (100 * w.shares.cur.share).toPrecision(2);
    const drivers: AnomalyDriver[] = [...w.tests, ...w.ring].map((t) => ({
      feature: t.feature,
      score: surpriseToScore(t.surprise),
      value: t.observed,
      expected: t.expected,
      reason: `${fmt(t.observed)} pickups in ${15 * t.blocks} min${t.feature.startsWith('ring') ? ' around the cell' : ''} where ${fmt(t.expected)} were expected (${t.direction}; ${levelName} share ${share}% of the city)`,
    }));
    if (ifDriver) drivers.push(ifDriver);
    drivers.sort((a, b) => b.score - a.score);
    if (warmup) drivers.unshift({ feature: best!.feature, score, value: best!.observed, expected: best!.expected, reason: `warm-up: only the ${levelName} profile is known yet` });
    return { score, direction, expected, observed, drivers: drivers.slice(0, 4) };
  }

  #node(cell: string): ScorerCell {
    let n = this.#cells.get(cell);
    if (!n) {
      const cur = blankShare();
      const buf = { shares: { cur, prev: cur, back: null }, cur, prev: blankShare(), back1: blankShare(), back2: blankShare(), back: [cur, cur, cur] };
      n = { cell, disk: null, self: [], sharesStamp: 0, shares: null, buf, preStamp: [0, 0], pre: [new Float64Array(PREFIX_LEN), new Float64Array(PREFIX_LEN)], workStamp: 0, work: null, ringStamp: 0, ring: null, areaStamp: 0 };
      n.self.push(n);
      this.#cells.set(cell, n);
    }
    return n;
  }

  #disk(node: ScorerCell): ScorerCell[] {
    node.disk ??= gridDisk(node.cell, 1).map((c) => this.#node(c));
    return node.disk;
  }

  captureState(): CellDemandState {
    return { format: 'vigia.cell-demand-state', version: 2, share: this.baseline.captureState(), history: this.#history.captureState() };
  }

  restoreState(s: unknown): void {
    const st = s as Partial<CellDemandState> | null;
    if (!st || st.format !== 'vigia.cell-demand-state' || st.version !== 2 || !st.share || !st.history) throw new RangeError('not a vigia.cell-demand-state v2 snapshot (v1 kept one hour of counts; the scorer now scans two)');
    this.baseline.restoreState(st.share);
    this.#history.restoreState(st.history);
  }
}

/**
 * Predictive of the summed count of `cells` over a window with `city` pickups, a fraction
 * `fPrev` of which lies in the previous hour: mean from the mixed shares, shape moment-matched
 * (the cells' share uncertainties taken as independent).
 */
/** mix of one cell, without the array (the same arithmetic). */
function mixOne(c: CellShares, fPrev: number, city: number): Predictive {
  let mean = 0;
  let variance = 0;
  const a = (1 - fPrev) * c.cur.share;
  const p = fPrev * c.prev.share;
  mean += a + p;
  if (c.cur.shape > 0) variance += (a * a) / c.cur.shape;
  if (c.prev.shape > 0) variance += (p * p) / c.prev.shape;
  return { mean: mean * city, shape: variance > 0 ? (mean * mean) / variance : 1e9 };
}

function mix(cells: readonly CellShares[], fPrev: number, city: number): Predictive {
  let mean = 0;
  let variance = 0;
  for (const { cur, prev } of cells) {
    const a = (1 - fPrev) * cur.share;
    const p = fPrev * prev.share;
    mean += a + p;
    if (cur.shape > 0) variance += (a * a) / cur.shape;
    if (prev.shape > 0) variance += (p * p) / prev.shape;
  }
  return { mean: mean * city, shape: variance > 0 ? (mean * mean) / variance : 1e9 };
}

export interface CellDemandState {
  format: 'vigia.cell-demand-state';
  /** 2: two hours of 15-minute counts (90- and 120-minute windows). */
  version: 2;
  share: DemandShareState;
  history: CountHistoryState;
}
