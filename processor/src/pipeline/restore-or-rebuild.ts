import type { Logger } from '../../../stack/logger.ts';
import { parseStoreOutage, withStoreOutage } from '../adapters/clickhouse/outage-injector.ts';
import { SnapshotUnreadableError } from '../core/processor-state.ts';
import type { SnapshotKey, SnapshotStore } from '../ports/snapshot-store.ts';

/**
 * Restore the latest snapshot and start each partition's consumer just after the position it
 * covers; without a usable snapshot, rebuild the state from the whole retained log. Consumers
 * are always (re)positioned, so a process sees every partition in sequence order from a known
 * point — never a crashed predecessor's unacked messages after newer ones. Rows written again
 * on the way are idempotent.
 */
export async function restoreOrRebuild(core: { restoreState(raw: unknown): { seqs: Record<string, number> } }, store: SnapshotStore, key: SnapshotKey, log: Logger): Promise<Map<number, number | 'all'>> {
  const fromScratch = new Map(key.partitions.map((p) => [p, 'all' as const]));
  const snapshot = await store.load(key);
  if (!snapshot) {
    log.info('no snapshot: building the state from the retained log');
    return fromScratch;
  }
  try {
    const state = core.restoreState(JSON.parse(snapshot.state));
    log.info({ takenAt: new Date(snapshot.takenAt).toISOString(), seqs: state.seqs, bytes: snapshot.state.length }, 'state restored from snapshot');
    return new Map(key.partitions.map((p) => [p, state.seqs[String(p)] !== undefined ? state.seqs[String(p)]! + 1 : ('all' as const)]));
  } catch (err) {
    if (!(err instanceof SnapshotUnreadableError) && !(err instanceof SyntaxError)) throw err;
    log.error({ err: (err as Error).message }, 'snapshot unreadable: rebuilding the state from the log');
    return fromScratch;
  }
}

export function maybeWithOutage<R>(store: { write(rows: R): Promise<void> }, log: Logger): { write(rows: R): Promise<void> } {
  const outage = parseStoreOutage(process.env.VIGIA_FAULT_STORE_OUTAGE);
  if (!outage) return store;
  log.warn(outage, 'fault injection: the store will be unavailable for a while');
  return withStoreOutage(store, outage);
}

