/**
 * Event-time hopping windows of trip activity per H3 cell, at several resolutions at once.
 *
 * Each (resolution, cell) keeps a ring of `hopMs` panes; a window of size S ending at a hop
 * boundary E is the sum of the S/hop panes before E, so one add touches one pane per
 * resolution and all window sizes share the panes. Pickups carry the trip's fare, miles and
 * speed (attributed to where and when the trip started); dropoffs only count.
 *
 * Watermark: ONE per instance (a processor owns a partition of cells), the largest dropoff
 * time seen minus `allowedLatenessMs` — not per cell as in TumblingWindows, because most
 * cells are sparse and would never close. Trips are published when they end (dropoff order),
 * so a pickup arrives up to a trip's duration after its pane: the lateness must cover typical
 * trip durations. Boundary E is emitted once the watermark reaches it; a pickup or dropoff
 * whose pane ends at or before the last emitted boundary is late: counted, changes no window.
 *
 * Every emitted boundary yields a row for every live cell, including cells with nothing in
 * the window — a collapse is a row of zeros where the baseline expects trips. A cell is live at
 * a boundary while it has a pane within `idleRetentionMs` of it, before (it has seen something
 * lately) or after (it is about to). A boundary without a live cell is skipped in O(1): the
 * watermark jumps to the next boundary where a cell is live. So a gap in the stream — a trip
 * of 1970 then one of today, in the same cell or not; a producer down for a week — costs at
 * most 2 × idleRetentionMs / hopMs boundaries however long it is, never one per hop of the
 * gap. Without a gap longer than the idle retention, rows are as if a cell stayed live from
 * its first pane until it had seen nothing for `idleRetentionMs`.
 *
 * Cost: an add is O(resolutions). A boundary costs O(live cells × Σ sizes/hop). Live cells ≈
 * distinct cells touched in the last idleRetentionMs: for a NYC-like stream a few thousand at
 * res 9, hundreds at res 8, under a hundred at res 7; each holds (maxSize + lateness)/hop + 2
 * panes × 7 doubles (≈ 1.1 kB with the defaults).
 */
import { decodeFloat64, encodeFloat64 } from './typed-array-codec.ts';

export interface CellWindowOptions {
  /** H3 resolutions, coarse to fine, matching the order of the cells given to add. @default [7, 8, 9] */
  resolutions: readonly number[];
  /** Hop between two emitted windows, ms. @default 300_000 */
  hopMs: number;
  /** Window lengths, each a multiple of hopMs, ms. @default [900_000, 3_600_000] */
  sizesMs: readonly number[];
  /** How far behind the newest dropoff a pickup or dropoff may still arrive, ms. @default 1_800_000 */
  allowedLatenessMs: number;
  /** A cell without events for this long stops emitting rows (≥ the longest window), ms. @default 21_600_000 */
  idleRetentionMs: number;
}

export const DEFAULT_CELL_WINDOWS: CellWindowOptions = {
  resolutions: [7, 8, 9],
  hopMs: 300_000,
  sizesMs: [900_000, 3_600_000],
  allowedLatenessMs: 1_800_000,
  idleRetentionMs: 21_600_000,
};

/** Sums over one window of one cell. */
export interface WindowStats {
  pickups: number;
  dropoffs: number;
  /** Σ fare_amount of pickups with miles > 0, USD. */
  fare: number;
  /** Σ trip_distance of those pickups, miles. */
  miles: number;
  /** Σ speed (mph) of pickups with a positive duration. */
  speedSum: number;
  speedCount: number;
}

export interface CellWindowRow {
  resolution: number;
  cell: string;
  /** Window end (exclusive), a multiple of hopMs, epoch ms. */
  end: number;
  /** One per sizesMs entry, same order. */
  windows: WindowStats[];
}

/** What the windows need of a trip (see tripCellInput for the H3 side). */
export interface TripCellInput {
  pickupTs: number;
  dropoffTs: number;
  /** Pickup cell at each configured resolution, same order. */
  pickupCells: readonly string[];
  dropoffCells: readonly string[];
  fare: number;
  miles: number;
}

export interface CellWindowAddResult {
  pickupLate: boolean;
  dropoffLate: boolean;
  /** Rows of the boundaries this trip's watermark closed, by boundary, resolution, cell. */
  rows: CellWindowRow[];
}

/** The windows' state, for processor snapshots (typed arrays as base64). */
export interface CellWindowsSnapshot {
  options: CellWindowOptions;
  maxTs: number | null;
  nextBoundary: number | null;
  emittedThrough: number | null;
  lateCount: number;
  /** Per resolution: [cell, ids, panes, lastPaneEnd, lastPastPaneEnd] (the last absent in older snapshots). */
  cells: [cell: string, ids: string, panes: string, lastPaneEnd: number | null, lastPastPaneEnd?: number | null][][];
}

/** ±Infinity do not survive JSON: stored as null and read back per field. */
const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export class CellWindowOptionsError extends Error {
  override name = 'CellWindowOptionsError';
}

const F = 6; // pane fields: pickups, dropoffs, fare, miles, speedSum, speedCount
const NO_ROWS: CellWindowRow[] = [];

interface CellState {
  /** Pane index held by each ring slot (NaN = empty). */
  ids: Float64Array;
  panes: Float64Array;
  lastPaneEnd: number;
  /** End of the newest pane a boundary has summed (≤ that boundary): what the cell saw lately. */
  lastPastPaneEnd: number;
}

export class CellHoppingWindows {
  readonly options: CellWindowOptions;
  readonly #ring: number;
  readonly #byRes: Map<string, CellState>[];
  /** Each resolution's cells in emit order, kept until a cell comes or goes (null = to sort). */
  readonly #sorted: (string[] | null)[];
  #maxTs = -Infinity;
  #nextBoundary = Infinity;
  #emittedThrough = -Infinity;
  #lateCount = 0;

  constructor(opts: Partial<CellWindowOptions> = {}) {
    const o = { ...DEFAULT_CELL_WINDOWS, ...opts };
    if (!(Number.isSafeInteger(o.hopMs) && o.hopMs > 0)) throw new CellWindowOptionsError(`hopMs must be a positive integer, got ${o.hopMs}`);
    if (o.sizesMs.length === 0 || o.sizesMs.some((s) => !(s > 0) || s % o.hopMs !== 0)) throw new CellWindowOptionsError(`sizesMs must be positive multiples of hopMs (${o.hopMs}), got ${o.sizesMs.join(', ')}`);
    if (!(o.allowedLatenessMs >= 0)) throw new CellWindowOptionsError(`allowedLatenessMs must be ≥ 0, got ${o.allowedLatenessMs}`);
    const maxSize = Math.max(...o.sizesMs);
    if (!(o.idleRetentionMs >= maxSize)) throw new CellWindowOptionsError(`idleRetentionMs must be ≥ the longest window (${maxSize} ms), got ${o.idleRetentionMs}`);
    if (o.resolutions.length === 0) throw new CellWindowOptionsError('resolutions must not be empty');
    this.options = o;
    this.#ring = Math.ceil((maxSize + o.allowedLatenessMs) / o.hopMs) + 2;
    this.#byRes = o.resolutions.map(() => new Map());
    this.#sorted = o.resolutions.map(() => null);
  }

  /** Watermark: newest dropoff seen minus the allowed lateness, epoch ms. */
  get watermark(): number {
    return this.#maxTs - this.options.allowedLatenessMs;
  }

  /** Pickups and dropoffs that arrived after their window was emitted. */
  get lateCount(): number {
    return this.#lateCount;
  }

  /** Live cells per resolution (for metrics). */
  liveCells(): number[] {
    return this.#byRes.map((m) => m.size);
  }

  add(t: TripCellInput): CellWindowAddResult {
    const hop = this.options.hopMs;
    const pPane = Math.floor(t.pickupTs / hop);
    const dPane = Math.floor(t.dropoffTs / hop);
    if (this.#emittedThrough === -Infinity) this.#nextBoundary = Math.min(this.#nextBoundary, (Math.min(pPane, dPane) + 1) * hop);
    const pickupLate = (pPane + 1) * hop <= this.#emittedThrough;
    const dropoffLate = (dPane + 1) * hop <= this.#emittedThrough;
    if (pickupLate) this.#lateCount++;
    if (dropoffLate) this.#lateCount++;
    const durationH = (t.dropoffTs - t.pickupTs) / 3_600_000;
    for (let r = 0; r < this.#byRes.length; r++) {
      if (!pickupLate) {
        const i = this.#pane(r, t.pickupCells[r]!, pPane);
        const panes = this.#byRes[r]!.get(t.pickupCells[r]!)!.panes;
        panes[i]!++;
        if (t.miles > 0) {
          panes[i + 2]! += t.fare;
          panes[i + 3]! += t.miles;
        }
        if (durationH > 0) {
          panes[i + 4]! += t.miles / durationH;
          panes[i + 5]!++;
        }
      }
      if (!dropoffLate) {
        const i = this.#pane(r, t.dropoffCells[r]!, dPane);
        this.#byRes[r]!.get(t.dropoffCells[r]!)!.panes[i + 1]!++;
      }
    }
    return { pickupLate, dropoffLate, rows: this.advanceTo(t.dropoffTs) };
  }

  /** Move the watermark with an event time (e.g. a partition heartbeat); returns rows emitted. */
  advanceTo(ts: number): CellWindowRow[] {
    if (ts > this.#maxTs) this.#maxTs = ts;
    return this.#emitUpTo(this.watermark);
  }

  /** Emit every boundary up to the newest event (end of a bounded replay or a test). */
  flush(): CellWindowRow[] {
    return this.#emitUpTo(Math.ceil(this.#maxTs / this.options.hopMs) * this.options.hopMs);
  }

  snapshot(): CellWindowsSnapshot {
    return {
      options: { ...this.options, resolutions: [...this.options.resolutions], sizesMs: [...this.options.sizesMs] },
      maxTs: finiteOrNull(this.#maxTs),
      nextBoundary: finiteOrNull(this.#nextBoundary),
      emittedThrough: finiteOrNull(this.#emittedThrough),
      lateCount: this.#lateCount,
      cells: this.#byRes.map((m) => [...m].map(([cell, s]) => [cell, encodeFloat64(s.ids), encodeFloat64(s.panes), finiteOrNull(s.lastPaneEnd), finiteOrNull(s.lastPastPaneEnd)])),
    };
  }

  /** Replace the state with a snapshot taken with the same options; throws CellWindowOptionsError otherwise. */
  restore(snap: CellWindowsSnapshot): void {
    const a = this.options;
    const b = snap.options;
    if (JSON.stringify([a.resolutions, a.hopMs, a.sizesMs, a.allowedLatenessMs, a.idleRetentionMs]) !== JSON.stringify([b.resolutions, b.hopMs, b.sizesMs, b.allowedLatenessMs, b.idleRetentionMs])) {
      throw new CellWindowOptionsError(`window snapshot was taken with other options (${JSON.stringify(b)}) than these (${JSON.stringify(a)})`);
    }
    if (snap.cells.length !== this.#byRes.length) throw new CellWindowOptionsError(`window snapshot has ${snap.cells.length} resolutions, expected ${this.#byRes.length}`);
    const byRes = snap.cells.map((list) => {
      const m = new Map<string, CellState>();
      for (const [cell, ids, panes, last, lastPast] of list) {
        // An older snapshot has no past pane: its newest pane stands in (live as it was then).
        const lastPaneEnd = last ?? -Infinity;
        m.set(cell, { ids: decodeFloat64(ids, this.#ring, `window ids of ${cell}`), panes: decodeFloat64(panes, this.#ring * F, `window panes of ${cell}`), lastPaneEnd, lastPastPaneEnd: lastPast === undefined ? lastPaneEnd : (lastPast ?? -Infinity) });
      }
      return m;
    });
    byRes.forEach((m, r) => {
      this.#sorted[r] = null;
      this.#byRes[r]!.clear();
      for (const [k, v] of m) this.#byRes[r]!.set(k, v);
    });
    this.#maxTs = snap.maxTs ?? -Infinity;
    this.#nextBoundary = snap.nextBoundary ?? Infinity;
    this.#emittedThrough = snap.emittedThrough ?? -Infinity;
    this.#lateCount = snap.lateCount;
  }

  /** Offset of pane `p` of `cell` in its panes array, creating/recycling as needed. */
  #pane(r: number, cell: string, p: number): number {
    const map = this.#byRes[r]!;
    let s = map.get(cell);
    if (!s) {
      s = { ids: new Float64Array(this.#ring).fill(NaN), panes: new Float64Array(this.#ring * F), lastPaneEnd: -Infinity, lastPastPaneEnd: -Infinity };
      map.set(cell, s);
      this.#sorted[r] = null;
    }
    const slot = p % this.#ring;
    const off = slot * F;
    if (s.ids[slot] !== p) {
      s.ids[slot] = p;
      s.panes.fill(0, off, off + F);
    }
    const end = (p + 1) * this.options.hopMs;
    if (end > s.lastPaneEnd) s.lastPaneEnd = end;
    return off;
  }

  #emitUpTo(watermark: number): CellWindowRow[] {
    const { hopMs, idleRetentionMs, sizesMs, resolutions } = this.options;
    if (!(this.#nextBoundary <= watermark)) return NO_ROWS;
    const rows: CellWindowRow[] = [];
    while (this.#nextBoundary <= watermark) {
      const end = this.#nextBoundary;
      let live = 0;
      let nextLive = Infinity;
      for (let r = 0; r < this.#byRes.length; r++) {
        const map = this.#byRes[r]!;
        const cells = (this.#sorted[r] ??= [...map.keys()].sort());
        for (const cell of cells) {
          const s = map.get(cell)!;
          if (s.lastPaneEnd <= end - idleRetentionMs) {
            map.delete(cell);
            this.#sorted[r] = null;
            continue;
          }
          const windows: WindowStats[] = [];
          for (const size of sizesMs) windows.push(this.#sum(s, end, size));
          if (s.lastPastPaneEnd <= end - idleRetentionMs) {
            // Nothing lately: live only if something comes within the idle retention (a gap
            // in the cell's own activity is skipped like a gap in the stream).
            const next = this.#nextPaneEnd(s, end);
            if (next > end + idleRetentionMs) {
              if (next - idleRetentionMs < nextLive) nextLive = next - idleRetentionMs;
              continue;
            }
          }
          live++;
          rows.push({ resolution: resolutions[r]!, cell, end, windows });
        }
      }
      this.#emittedThrough = end;
      // Nothing live: jump over the empty stretch instead of walking it hop by hop, to the
      // first boundary where a cell becomes live, or past the watermark.
      if (live === 0) {
        const pastWatermark = Math.floor(watermark / hopMs) * hopMs + hopMs;
        this.#nextBoundary = Math.max(end + hopMs, Math.min(pastWatermark, Math.ceil(nextLive / hopMs) * hopMs));
        this.#emittedThrough = this.#nextBoundary - hopMs;
      } else {
        this.#nextBoundary = end + hopMs;
      }
    }
    return rows;
  }

  #sum(s: CellState, end: number, size: number): WindowStats {
    const hop = this.options.hopMs;
    const w: WindowStats = { pickups: 0, dropoffs: 0, fare: 0, miles: 0, speedSum: 0, speedCount: 0 };
    for (let p = (end - size) / hop; p < end / hop; p++) {
      const slot = p % this.#ring;
      if (s.ids[slot] !== p) continue;
      if ((p + 1) * hop > s.lastPastPaneEnd) s.lastPastPaneEnd = (p + 1) * hop;
      const o = slot * F;
      w.pickups += s.panes[o]!;
      w.dropoffs += s.panes[o + 1]!;
      w.fare += s.panes[o + 2]!;
      w.miles += s.panes[o + 3]!;
      w.speedSum += s.panes[o + 4]!;
      w.speedCount += s.panes[o + 5]!;
    }
    return w;
  }

  /** End of the cell's earliest pane after `end` (its newest pane is always in the ring). */
  #nextPaneEnd(s: CellState, end: number): number {
    const hop = this.options.hopMs;
    let next = Infinity;
    for (let i = 0; i < this.#ring; i++) {
      const e = (s.ids[i]! + 1) * hop;
      if (e > end && e < next) next = e;
    }
    return next;
  }
}
