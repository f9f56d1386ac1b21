export interface RestartBackoff {
  /** Wait before the first restart, ms. @default 1000 */
  initialMs: number;
  /** Longest wait between restarts, ms. @default 60000 */
  maxMs: number;
  /** A child that ran this long before it crashed starts the backoff over, ms. @default 300000 */
  resetAfterMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoff = { initialMs: 1000, maxMs: 60_000, resetAfterMs: 300_000 };

/**
 * How long to wait before restarting a child that crashed, given how many crashes came in a
 * row: doubling from `initialMs` up to `maxMs`. A crash loop (a poison message that kills the
 * processor at every start) then costs a restart a minute, not a CPU; a child that had run
 * for `resetAfterMs` is treated as healthy again.
 */
export function restartDelayMs(crashesInARow: number, b: RestartBackoff = DEFAULT_RESTART_BACKOFF): number {
  const n = Math.max(1, crashesInARow);
  return Math.min(b.maxMs, b.initialMs * 2 ** Math.min(n - 1, 30));
}

/** Crashes in a row after one more crash, given how long the child had been running. */
export function crashesInARow(previous: number, ranForMs: number, b: RestartBackoff = DEFAULT_RESTART_BACKOFF): number {
  return ranForMs >= b.resetAfterMs ? 1 : previous + 1;
}
