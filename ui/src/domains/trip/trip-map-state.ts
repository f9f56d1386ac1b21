// The scored cells the map shows: the latest boundary of each resolution, indexed by cell.
// Boundaries reach the page two ways (the HTTP answer with the latest one, then the socket room
// pushing each new one) in no guaranteed order, so a boundary only replaces a newer one never:
// an older answer that lands after a live message is dropped. Pure.
import type { LiveCellBoundary, LiveCellScore, Severity, TripResolution } from '../../../../contracts/index.ts';

export interface BoundarySummary {
  cells: number;
  /** Cells with at least one pickup in the 15-minute window. */
  active: number;
  /** Cells with a severity, by direction (`other`: a severity without a direction). */
  anomalies: { surge: number; collapse: number; other: number };
  bySeverity: Record<Severity, number>;
}

export interface HeldBoundary {
  resolution: TripResolution;
  windowEnd: number;
  cells: readonly LiveCellScore[];
  byCell: ReadonlyMap<string, LiveCellScore>;
  summary: BoundarySummary;
}

/** The latest boundary held per resolution. */
export type BoundariesByResolution = Readonly<Partial<Record<TripResolution, HeldBoundary>>>;

export function holdBoundary(b: LiveCellBoundary): HeldBoundary {
  const byCell = new Map<string, LiveCellScore>();
  // A cell listed twice keeps its last entry (the contract lists each once; this keeps the index honest).
  for (const c of b.cells) byCell.set(c.cell, c);
  const cells = byCell.size === b.cells.length ? b.cells : [...byCell.values()];
  return { resolution: b.resolution, windowEnd: b.windowEnd, cells, byCell, summary: summarize(cells) };
}

export function summarize(cells: readonly LiveCellScore[]): BoundarySummary {
  const s: BoundarySummary = { cells: cells.length, active: 0, anomalies: { surge: 0, collapse: 0, other: 0 }, bySeverity: { minor: 0, major: 0, critical: 0 } };
  for (const c of cells) {
    if (c.pickups > 0) s.active++;
    if (!c.severity) continue;
    s.bySeverity[c.severity]++;
    s.anomalies[c.direction ?? 'other']++;
  }
  return s;
}

/**
 * `held` with `incoming` applied: it replaces the boundary of its resolution unless that one
 * is newer. A boundary of the same window end replaces it (a re-send after a reconnect carries
 * the same or a corrected scoring). Returns `held` itself when nothing changed.
 */
export function applyBoundary(held: BoundariesByResolution, incoming: LiveCellBoundary): BoundariesByResolution {
  const current = held[incoming.resolution];
  if (current && current.windowEnd > incoming.windowEnd) return held;
  return { ...held, [incoming.resolution]: holdBoundary(incoming) };
}

/** The `n` highest-scoring cells with a severity, highest first (ties: more pickups first, then by id). */
export function topAnomalousCells(b: HeldBoundary | null | undefined, n: number): LiveCellScore[] {
  if (!b) return [];
  return b.cells
    .filter((c) => c.severity !== null)
    .sort((x, y) => y.score - x.score || y.pickups - x.pickups || (x.cell < y.cell ? -1 : x.cell > y.cell ? 1 : 0))
    .slice(0, Math.max(0, n));
}
