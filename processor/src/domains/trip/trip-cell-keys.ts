// The trip domain's keys for the key budget (key-budget.ts): the finest H3 cells (r9) that trips
// start or end in. Each holds windows, seasonal baselines, count history and demand shares at its
// own and its parents' resolutions, so r9 cells bound all of it. Valid coordinates only bound the
// cells to the NYC box (~90 000 r9 cells), hence a limit. Cells are not evicted: their
// hour-of-week baselines are their value, and the windows already drop idle cells after
// idleRetentionMs.
import { KeyBudget, type KeyLimits } from '../../core/key-budget.ts';

/**
 * Bytes per r9 cell, measured by `vigia bench state-size` (V8 heap + ArrayBuffers after GC,
 * simulated NYC trips at the bench's volume, divided by the r9 cells seen): windows, baselines,
 * count history, demand shares and alert tracks of the cell and its share of its parents'.
 */
export const TRIP_CELL_BYTES = 16 * 1024;

export function tripCellBudget(limits: Pick<KeyLimits, 'maxKeys' | 'budgetBytes' | 'configPath'>): KeyBudget {
  return new KeyBudget(
    { ...limits, idleMs: 0, forgetMs: 0, newKeyBytes: TRIP_CELL_BYTES },
    { bytesOf: () => TRIP_CELL_BYTES, evict: () => undefined, revive: () => undefined },
  );
}
