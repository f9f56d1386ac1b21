/**
 * The `trip-cell@1` feature vector: one row per (resolution, cell, 5-minute boundary), from
 * the hopping windows (15 and 60 minutes), the cell's hour-of-week baseline and its k = 1
 * neighbourhood (gridDisk, the cell included). Computed here once for live scoring, replays
 * and training exports; names and order are versioned with the set name.
 *
 * Rows of one boundary must be featurized together (`featurizeBoundary`): neighbours are looked
 * up among them, and baselines are updated only after the whole boundary is featurized, so the
 * result does not depend on the order of cells. Zero values for a missing fare or speed.
 */
import { gridDisk } from 'h3-js';
import { nycHourOfWeek, nycWallMs } from '../../../../contracts/index.ts';
import type { CellWindowOptions, CellWindowRow, WindowStats } from './cell-hopping-windows.ts';
import { countRatio, countZ, SeasonalBaseline } from './seasonal-baseline.ts';

export const TRIP_CELL_FEATURE_SET = 'trip-cell@1';
export const TRIP_CELL_FEATURES = [
  'pickups_15m',
  'pickups_60m',
  'dropoffs_15m',
  'dropoffs_60m',
  'fare_per_mile_60m',
  'speed_mph_60m',
  'pickups_15m_ratio',
  'pickups_15m_z',
  'pickups_60m_ratio',
  'pickups_60m_z',
  'dropoffs_60m_ratio',
  'dropoffs_60m_z',
  'baseline_weeks',
  'ring_pickups_15m',
  'ring_pickups_60m',
  'ring_dropoffs_60m',
  'ring_fare_per_mile_60m',
  'ring_speed_mph_60m',
  'ring_pickups_60m_ratio',
  'cell_share_60m',
  'hour_sin',
  'hour_cos',
  'weekend',
] as const;

/** The window configuration trip-cell@1 is defined on (a different one is a different set). */
export const TRIP_CELL_WINDOWS: Pick<CellWindowOptions, 'resolutions' | 'hopMs' | 'sizesMs'> = {
  resolutions: [7, 8, 9],
  hopMs: 300_000,
  sizesMs: [900_000, 3_600_000],
};

export interface TripCellFeatureRow {
  resolution: number;
  cell: string;
  /** Window end, epoch ms. */
  windowEnd: number;
  /** TRIP_CELL_FEATURES, in order. */
  values: Float64Array;
}

const DAY_MS = 86_400_000;

/**
 * A cell as the featurizer sees it across boundaries: its k = 1 disk as nodes (resolved once),
 * and what this boundary knows of it — its row, and its baseline read (one read per cell and
 * boundary instead of one per disk it lies in: a boundary reads before any update, so a cell's
 * read is the same for every disk). `stamp` says which boundary those fields belong to.
 */
interface CellNode {
  cell: string;
  disk: CellNode[] | null;
  rowStamp: number;
  row: CellWindowRow | null;
  readStamp: number;
  /** Observation count of the boundary's slot. */
  n: number;
  /** Baseline mean of pickups 60m at the boundary's slot. */
  mean60: number;
}
// Baseline quantities: pickups 15m, pickups 60m, dropoffs 60m.
const Q_P15 = 0;
const Q_P60 = 1;
const Q_D60 = 2;

export class TripCellFeaturizer {
  readonly baseline: SeasonalBaseline;
  readonly #hopsPerHour: number;
  readonly #nodes = new Map<string, CellNode>();
  #stamp = 0;
  readonly #obs = new Float64Array(3);
  readonly #slot = new Float64Array(6);
  readonly #ring = new Float64Array(6);

  constructor(opts: { hopMs?: number; baseline?: SeasonalBaseline } = {}) {
    const hop = opts.hopMs ?? TRIP_CELL_WINDOWS.hopMs;
    this.#hopsPerHour = 3_600_000 / hop;
    // Each hour-of-week slot is updated once per hop: 1/alphaMin ≈ 4 weeks of them.
    this.baseline = opts.baseline ?? new SeasonalBaseline({ quantities: 3, alphaMin: 1 / (4 * this.#hopsPerHour) });
  }

  /** Features of every row of ONE boundary (all rows share `end`), then the baselines learn. */
  featurizeBoundary(rows: readonly CellWindowRow[]): TripCellFeatureRow[] {
    if (rows.length === 0) return [];
    const end = rows[0]!.end;
    const slot = nycHourOfWeek(end - 1);
    const wall = nycWallMs(end - 1);
    const angle = (2 * Math.PI * (wall - Math.floor(wall / DAY_MS) * DAY_MS)) / DAY_MS;
    const dow = (Math.floor(wall / DAY_MS) + 4) % 7;
    const weekend = dow === 0 || dow === 6 ? 1 : 0;
    const stamp = ++this.#stamp;
    const nodes: CellNode[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r.end !== end) throw new RangeError(`featurizeBoundary got rows of ${r.end} and ${end}: featurize one boundary at a time`);
      const node = this.#node(r.cell);
      node.row = r;
      node.rowStamp = stamp;
      nodes[i] = node;
    }
    const b = this.baseline;
    const out: TripCellFeatureRow[] = [];
    // One buffer for the boundary's vectors, each row a view of it: a Float64Array of its own
    // per row is an off-heap buffer that the GC has to track and free, for every live cell
    // of every boundary.
    const width = TRIP_CELL_FEATURES.length;
    const block = new Float64Array(rows.length * width);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      // Index reads, not destructuring: this runs for every cell row and its 7 disk cells.
      const w15 = r.windows[0]!;
      const w60 = r.windows[1]!;
      const v = block.subarray(i * width, (i + 1) * width);
      const bs = this.#slot;
      const n = b.read(r.cell, slot, bs);
      // bs = [mean, variance] × (pickups 15m, pickups 60m, dropoffs 60m)
      v[0] = w15.pickups;
      v[1] = w60.pickups;
      v[2] = w15.dropoffs;
      v[3] = w60.dropoffs;
      v[4] = w60.miles > 0 ? w60.fare / w60.miles : 0;
      v[5] = w60.speedCount > 0 ? w60.speedSum / w60.speedCount : 0;
      v[6] = n ? countRatio(w15.pickups, bs[2 * Q_P15]!) : 1;
      v[7] = countZ(w15.pickups, bs[2 * Q_P15]!, bs[2 * Q_P15 + 1]!, n);
      v[8] = n ? countRatio(w60.pickups, bs[2 * Q_P60]!) : 1;
      v[9] = countZ(w60.pickups, bs[2 * Q_P60]!, bs[2 * Q_P60 + 1]!, n);
      v[10] = n ? countRatio(w60.dropoffs, bs[2 * Q_D60]!) : 1;
      v[11] = countZ(w60.dropoffs, bs[2 * Q_D60]!, bs[2 * Q_D60 + 1]!, n);
      v[12] = n / this.#hopsPerHour;
      // k = 1 neighbourhood, the cell included; neighbours without a row had no trips.
      let p15 = 0;
      let p60 = 0;
      let d60 = 0;
      let fare = 0;
      let miles = 0;
      let speedSum = 0;
      let speedCount = 0;
      let expected60 = 0;
      let withHistory = 0;
      for (const c of this.#disk(r.cell, nodes[i]!)) {
        if (c.readStamp !== stamp) {
          c.n = b.read(c.cell, slot, this.#ring);
          c.mean60 = this.#ring[2 * Q_P60]!;
          c.readStamp = stamp;
        }
        if (c.n > 0) {
          expected60 += c.mean60;
          withHistory++;
        }
        if (c.rowStamp !== stamp) continue;
        const cw = c.row!.windows;
        const a15 = cw[0]!;
        const a60 = cw[1]!;
        p15 += a15.pickups;
        p60 += a60.pickups;
        d60 += a60.dropoffs;
        fare += a60.fare;
        miles += a60.miles;
        speedSum += a60.speedSum;
        speedCount += a60.speedCount;
      }
      v[13] = p15;
      v[14] = p60;
      v[15] = d60;
      v[16] = miles > 0 ? fare / miles : 0;
      v[17] = speedCount > 0 ? speedSum / speedCount : 0;
      v[18] = withHistory ? countRatio(p60, expected60) : 1;
      v[19] = p60 > 0 ? w60.pickups / p60 : 0;
      v[20] = Math.sin(angle);
      v[21] = Math.cos(angle);
      v[22] = weekend;
      out.push({ resolution: r.resolution, cell: r.cell, windowEnd: end, values: v });
    }
    const obs = this.#obs;
    for (const r of rows) {
      obs[Q_P15] = r.windows[0]!.pickups;
      obs[Q_P60] = r.windows[1]!.pickups;
      obs[Q_D60] = r.windows[1]!.dropoffs;
      b.update(r.cell, slot, obs);
    }
    // Rows are not kept past their boundary.
    for (const node of nodes) node.row = null;
    return out;
  }

  #node(cell: string): CellNode {
    let n = this.#nodes.get(cell);
    if (!n) {
      n = { cell, disk: null, rowStamp: 0, row: null, readStamp: 0, n: 0, mean60: 0 };
      this.#nodes.set(cell, n);
    }
    return n;
  }

  #disk(cell: string, node: CellNode): CellNode[] {
    node.disk ??= gridDisk(cell, 1).map((c) => this.#node(c));
    return node.disk;
  }
}
