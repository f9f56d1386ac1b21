/** Which processor instance a snapshot belongs to: run, domain and its partition set. */
export interface SnapshotKey {
  runId: string;
  domain: string;
  partitions: readonly number[];
}

export interface StoredSnapshot {
  /** The JSON text of a ProcessorState. */
  state: string;
  takenAt: number;
}

/** Durable storage of the latest processor snapshot per key. */
export interface SnapshotStore {
  load(key: SnapshotKey): Promise<StoredSnapshot | undefined>;
  /** `state`: the JSON text of a ProcessorState, whole or in consecutive pieces (joined, they are the text). */
  save(key: SnapshotKey, snapshot: { state: string | readonly string[]; seqs: Record<string, number>; format: string; version: number; takenAt: number }): Promise<void>;
}
