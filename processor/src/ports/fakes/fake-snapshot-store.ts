import type { SnapshotKey, SnapshotStore, StoredSnapshot } from '../snapshot-store.ts';
import { armedFailures } from './armed-failures.ts';

/** One accepted save, as the fake kept it. */
export interface FakeSavedSnapshot {
  key: SnapshotKey;
  state: string;
  seqs: Record<string, number>;
  format: string;
  version: number;
  takenAt: number;
}

export interface FakeSnapshotStore extends SnapshotStore {
  /** Every accepted save, oldest first. */
  readonly saves: readonly FakeSavedSnapshot[];
  /** The next `times` saves reject with `err` (a store outage); nothing is kept for them. */
  failSaves(err: Error, times?: number): void;
  /** The next `times` loads reject with `err` (an unreadable snapshot, a store outage). */
  failLoads(err: Error, times?: number): void;
}

// The partition set is a set: [1, 0] and [0, 1] name the same instance.
const keyOf = (k: SnapshotKey) => `${k.runId}\u0000${k.domain}\u0000${[...k.partitions].sort((a, b) => a - b).join(',')}`;

/**
 * Snapshots in a Map, with the ClickHouse store's rule for which one is "the latest": the
 * greatest `takenAt` (a ReplacingMergeTree versioned by taken_at), not the last save — a slow
 * save of an older state must not replace a newer one.
 */
export function createFakeSnapshotStore(): FakeSnapshotStore {
  const latest = new Map<string, FakeSavedSnapshot>();
  const saves: FakeSavedSnapshot[] = [];
  const saveFailures = armedFailures();
  const loadFailures = armedFailures();
  return {
    saves,
    failSaves: (err, times) => saveFailures.arm(err, times),
    failLoads: (err, times) => loadFailures.arm(err, times),
    async load(key): Promise<StoredSnapshot | undefined> {
      loadFailures.throwIfArmed();
      const s = latest.get(keyOf(key));
      return s && { state: s.state, takenAt: s.takenAt };
    },
    async save(key, s) {
      saveFailures.throwIfArmed();
      // Joined and copied now: the caller may reuse its pieces and seqs after the save.
      const saved: FakeSavedSnapshot = {
        key: { runId: key.runId, domain: key.domain, partitions: [...key.partitions] },
        state: typeof s.state === 'string' ? s.state : s.state.join(''),
        seqs: { ...s.seqs },
        format: s.format,
        version: s.version,
        takenAt: s.takenAt,
      };
      saves.push(saved);
      const k = keyOf(key);
      const current = latest.get(k);
      if (!current || saved.takenAt >= current.takenAt) latest.set(k, saved);
    },
  };
}
