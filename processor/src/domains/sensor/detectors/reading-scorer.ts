import type { AnomalyDriver } from '../../../../../contracts/index.ts';

/** The score of one reading: 0–100, who produced it, and what drove it (strongest first). */
export interface ReadingScore {
  score: number;
  detector: string;
  drivers: AnomalyDriver[];
}

/** Anything that scores sensor readings causally, one at a time, in log order. */
export interface ReadingScorer {
  score(station: string, ts: number, channels: Readonly<Record<string, number>>): ReadingScore;
  /** JSON-serialisable learned state, versioned by the scorer. */
  snapshot(): unknown;
  /** JSON.stringify(snapshot()) in consecutive pieces, built without the whole object tree. */
  snapshotParts?(): string[];
  /** Replace all state; throws when the snapshot does not fit this scorer. */
  restore(snapshot: unknown): void;
  /** Per-station hooks of the key budget (key-budget.ts); a scorer without them keeps its stations live. */
  stationBytes?(station: string): number;
  evictStation?(station: string): unknown;
  reviveStation?(state: unknown): void;
}
