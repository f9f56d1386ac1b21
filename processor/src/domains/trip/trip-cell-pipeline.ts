/**
 * Trip events → `trip-cell@1` rows: H3 cells of each trip at the configured resolutions, the
 * hopping windows and the featurizer, in one pure object. One instance per partition; feed
 * trips in arrival order. The wiring adds snapshots and a heartbeat (`advanceTo`) for quiet
 * partitions.
 */
import { cellToParent, latLngToCell } from 'h3-js';
import type { TripEvent } from '../../../../contracts/index.ts';
import { CellHoppingWindows, type CellWindowOptions, type CellWindowRow, type CellWindowsSnapshot, type TripCellInput } from './cell-hopping-windows.ts';
import type { SeasonalBaselineSnapshot } from './seasonal-baseline.ts';
import { TRIP_CELL_WINDOWS, TripCellFeaturizer, type TripCellFeatureRow } from './trip-cell-features.ts';

/**
 * A finest cell's cells at every resolution (coarse to fine), memoised per resolutions list:
 * cellToParent parses and formats H3 strings on every call, while a city's trips keep landing
 * in the same few thousand cells. Exact (a parent is a function of the cell); the arrays are
 * shared, hence readonly. Each memo is cleared when it passes MAX_MEMO_CELLS, to stay bounded.
 */
const MAX_MEMO_CELLS = 200_000;
const cellMemos = new WeakMap<readonly number[], { finest: number; cells: Map<string, readonly string[]> }>();

function cellsOf(cell: string, resolutions: readonly number[]): readonly string[] {
  let memo = cellMemos.get(resolutions);
  if (!memo) {
    memo = { finest: Math.max(...resolutions), cells: new Map() };
    cellMemos.set(resolutions, memo);
  }
  let cells = memo.cells.get(cell);
  if (!cells) {
    const finest = memo.finest;
    cells = resolutions.map((r) => (r === finest ? cell : cellToParent(cell, r)));
    if (memo.cells.size >= MAX_MEMO_CELLS) memo.cells.clear();
    memo.cells.set(cell, cells);
  }
  return cells;
}

/** Cells of a trip at `resolutions` (finest computed once, coarser ones as its parents). */
export function tripCellInput(t: TripEvent, resolutions: readonly number[], into?: TripCellInput): TripCellInput {
  const finest = cellMemos.get(resolutions)?.finest ?? Math.max(...resolutions);
  const pickupCells = cellsOf(latLngToCell(t.pickup_lat, t.pickup_lng, finest), resolutions);
  const dropoffCells = cellsOf(latLngToCell(t.dropoff_lat, t.dropoff_lng, finest), resolutions);
  if (into) {
    into.pickupTs = t.pickup_ts;
    into.dropoffTs = t.dropoff_ts;
    into.pickupCells = pickupCells;
    into.dropoffCells = dropoffCells;
    into.fare = t.fare_amount;
    into.miles = t.trip_distance;
    return into;
  }
  return { pickupTs: t.pickup_ts, dropoffTs: t.dropoff_ts, pickupCells, dropoffCells, fare: t.fare_amount, miles: t.trip_distance };
}

export interface TripCellPipelineResult {
  pickupLate: boolean;
  dropoffLate: boolean;
  /** The trip's pickup and dropoff cells at each resolution (coarse to fine). */
  pickupCells: readonly string[];
  dropoffCells: readonly string[];
  rows: TripCellFeatureRow[];
}

/** What a TripCellPipeline has learned: its windows and the cells' seasonal baselines. */
export interface TripCellPipelineSnapshot {
  windows: CellWindowsSnapshot;
  baseline: SeasonalBaselineSnapshot;
}

export class TripCellPipeline {
  readonly windows: CellHoppingWindows;
  readonly featurizer: TripCellFeaturizer;
  readonly #input: TripCellInput = { pickupTs: 0, dropoffTs: 0, pickupCells: [], dropoffCells: [], fare: 0, miles: 0 };

  /** Lateness and idle retention are free; the window shape is pinned by trip-cell@1. */
  constructor(opts: Partial<Pick<CellWindowOptions, 'allowedLatenessMs' | 'idleRetentionMs'>> = {}) {
    this.windows = new CellHoppingWindows({ ...TRIP_CELL_WINDOWS, ...opts });
    this.featurizer = new TripCellFeaturizer({ hopMs: TRIP_CELL_WINDOWS.hopMs });
  }

  /** `input`: the trip's cells when the caller computed them already (tripCellInput). */
  add(t: TripEvent, input: TripCellInput = tripCellInput(t, this.windows.options.resolutions, this.#input)): TripCellPipelineResult {
    const r = this.windows.add(input);
    return { pickupLate: r.pickupLate, dropoffLate: r.dropoffLate, pickupCells: input.pickupCells, dropoffCells: input.dropoffCells, rows: this.#featurize(r.rows) };
  }

  advanceTo(ts: number): TripCellFeatureRow[] {
    return this.#featurize(this.windows.advanceTo(ts));
  }

  flush(): TripCellFeatureRow[] {
    return this.#featurize(this.windows.flush());
  }

  snapshot(): TripCellPipelineSnapshot {
    return { windows: this.windows.snapshot(), baseline: this.featurizer.baseline.snapshot() };
  }

  restore(snap: TripCellPipelineSnapshot): void {
    this.windows.restore(snap.windows);
    this.featurizer.baseline.restore(snap.baseline);
  }

  #featurize(rows: CellWindowRow[]): TripCellFeatureRow[] {
    if (rows.length === 0) return [];
    const out: TripCellFeatureRow[] = [];
    let from = 0;
    for (let i = 1; i <= rows.length; i++) {
      if (i === rows.length || rows[i]!.end !== rows[from]!.end) {
        out.push(...this.featurizer.featurizeBoundary(rows.slice(from, i)));
        from = i;
      }
    }
    return out;
  }
}
