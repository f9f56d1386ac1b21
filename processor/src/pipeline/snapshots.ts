import type { Logger } from 'pino';
import type { ProcessorMetrics } from '../metrics.ts';
import type { SnapshotKey, SnapshotStore } from '../ports/snapshot-store.ts';

import type { SerializedSnapshot } from '../core/serialized-snapshot.ts';

export type { LogPosition, SerializedSnapshot } from '../core/serialized-snapshot.ts';
export { stateAsText } from '../core/serialized-snapshot.ts';

/** Periodic state snapshots of one domain instance. */
export interface SnapshotSettings {
  store: SnapshotStore;
  key: SnapshotKey;
  intervalMs: number;
}

/**
 * The state as text, at once: the captured object tree (with 10 000 stations ~390 MiB, about 3×
 * its text) is garbage before the batch's commit and the snapshot's insert, instead of living
 * through them (measured: the processor's RSS peaked over 2.5 GB with it). Undefined, with a
 * warning, when the state does not fit in a string.
 */
export function serializeSnapshot(capture: () => SerializedSnapshot, logger: Pick<Logger, 'warn'>): SerializedSnapshot | undefined {
  try {
    return capture();
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'snapshot too large to serialize; skipped (lower processor.limits.stateBudgetBytes)');
    return undefined;
  }
}

export async function saveSnapshot(
  snap: { store: SnapshotStore; key: SnapshotKey },
  s: SerializedSnapshot,
  deps: { now: () => number; metrics: ProcessorMetrics; logger: Pick<Logger, 'debug'> },
): Promise<void> {
  const takenAt = deps.now();
  await snap.store.save(snap.key, { state: s.text, seqs: s.seqs, format: s.format, version: s.version, takenAt });
  deps.metrics.lastSnapshot.set(takenAt / 1000);
  deps.logger.debug({ seqs: s.seqs }, 'snapshot saved');
}
