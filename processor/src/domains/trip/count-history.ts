/**
 * The last two hours of 15-minute pickup counts per cell (own and k = 1 disk) and of the city,
 * by boundary, so the demand scorer can scan 30-, 45-, 90- and 120-minute windows as sums of
 * earlier non-overlapping 15-minute windows (trip-cell@1 carries only 15 and 60). A cell without a row
 * at a boundary had no pickups in it; a boundary that was never scored (cold start) is unknown,
 * and windows that need it are not scanned.
 */
import { TRIP_CELL_FEATURES, type TripCellFeatureRow } from './trip-cell-features.ts';

const SLOTS = 24; // 120 min of 5-minute boundaries
const P15 = TRIP_CELL_FEATURES.indexOf('pickups_15m');
const RING15 = TRIP_CELL_FEATURES.indexOf('ring_pickups_15m');

interface Entry {
  /** Boundary of each slot (NaN = empty). */
  ends: Float64Array;
  own: Float64Array;
  ring: Float64Array;
  last: number;
}

export interface CountHistoryState {
  hopMs: number;
  cityEnds: number[];
  city: number[];
  cells: [string, number[], number[], number[], number][];
}

export class CountHistory {
  readonly hopMs: number;
  readonly #cityEnds = new Float64Array(SLOTS).fill(NaN);
  readonly #city = new Float64Array(SLOTS);
  readonly #cells = new Map<string, Entry>();

  constructor(hopMs = 300_000) {
    this.hopMs = hopMs;
  }

  #slot(end: number): number {
    return ((Math.round(end / this.hopMs) % SLOTS) + SLOTS) % SLOTS;
  }

  /** The city's 15-minute count at a scored boundary, or null when it was not scored. */
  city(end: number): number | null {
    const i = this.#slot(end);
    return this.#cityEnds[i] === end ? this.#city[i]! : null;
  }

  /** A cell's 15-minute count (own or disk) at a scored boundary; 0 when it had no row. */
  count(cell: string, end: number, ring: boolean): number {
    const e = this.#cells.get(cell);
    if (!e) return 0;
    const i = this.#slot(end);
    return e.ends[i] === end ? (ring ? e.ring : e.own)[i]! : 0;
  }

  /**
   * `into[k]` = `first` + the cell's counts at the k − 1 boundaries `blockMs` apart before `end`
   * (k ≥ 1), added in that order: one lookup of the cell instead of one per boundary.
   */
  prefixCounts(cell: string, first: number, end: number, blockMs: number, ring: boolean, into: Float64Array): void {
    const e = this.#cells.get(cell);
    let n = first;
    into[1] = n;
    for (let j = 1; j + 1 < into.length; j++) {
      if (e) {
        const t = end - j * blockMs;
        const i = this.#slot(t);
        if (e.ends[i] === t) n += (ring ? e.ring : e.own)[i]!;
      }
      into[j + 1] = n;
    }
  }

  /** Remember a scored boundary; forget cells without a row for two hours. */
  record(end: number, city15: number, rows: readonly TripCellFeatureRow[], ringResolutions: readonly number[]): void {
    const i = this.#slot(end);
    this.#cityEnds[i] = end;
    this.#city[i] = city15;
    for (const r of rows) {
      let e = this.#cells.get(r.cell);
      if (!e) {
        e = { ends: new Float64Array(SLOTS).fill(NaN), own: new Float64Array(SLOTS), ring: new Float64Array(SLOTS), last: end };
        this.#cells.set(r.cell, e);
      }
      e.ends[i] = end;
      e.own[i] = r.values[P15]!;
      e.ring[i] = ringResolutions.includes(r.resolution) ? r.values[RING15]! : 0;
      e.last = end;
    }
    if (Math.round(end / this.hopMs) % SLOTS === 0) {
      for (const [cell, e] of this.#cells) if (e.last <= end - SLOTS * this.hopMs) this.#cells.delete(cell);
    }
  }

  captureState(): CountHistoryState {
    const cells: CountHistoryState['cells'] = [...this.#cells.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([c, e]) => [c, Array.from(e.ends, (x) => (Number.isNaN(x) ? -1 : x)), Array.from(e.own), Array.from(e.ring), e.last]);
    return { hopMs: this.hopMs, cityEnds: Array.from(this.#cityEnds, (x) => (Number.isNaN(x) ? -1 : x)), city: Array.from(this.#city), cells };
  }

  restoreState(s: CountHistoryState): void {
    if (s.hopMs !== this.hopMs) throw new RangeError(`count history of hop ${s.hopMs} ms, this one ${this.hopMs}`);
    if (s.cityEnds.length !== SLOTS) throw new RangeError(`count history of ${s.cityEnds.length} boundaries, this one keeps ${SLOTS}`);
    const nan = (x: number) => (x === -1 ? NaN : x);
    this.#cityEnds.set(s.cityEnds.map(nan));
    this.#city.set(s.city);
    this.#cells.clear();
    for (const [c, ends, own, ring, last] of s.cells) this.#cells.set(c, { ends: Float64Array.from(ends, nan), own: Float64Array.from(own), ring: Float64Array.from(ring), last });
  }
}
