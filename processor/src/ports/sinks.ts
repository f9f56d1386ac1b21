import type { Anomaly, DeadLetter, LiveCellBoundary, LiveReading, LiveStats } from '../../../contracts/index.ts';
import type { AnomalyRow, DeadLetterRow, FeatureRow, ScoreRow, SensorEventRow, SensorWindowRow } from '../../../store/src/rows.ts';

/** Everything one micro-batch produced, as rows for the store. */
export interface SensorBatchRows {
  events: SensorEventRow[];
  scores: ScoreRow[];
  anomalies: AnomalyRow[];
  windows: SensorWindowRow[];
  deadLetters: DeadLetterRow[];
  features: FeatureRow[];
}

/** Durable, idempotent storage of a batch; resolves only when all rows are committed. */
export interface BatchStore {
  write(batch: SensorBatchRows): Promise<void>;
}

/** Alerts for subscribers (NATS `anomalies.<domain>.<severity>.<entity>`). Idempotent by anomaly id. */
export interface AnomalyPublisher {
  publish(anomalies: readonly Anomaly[]): Promise<void>;
}

/** Rejected input with its reason (NATS `dlq.<domain>`). Idempotent by (subject, seq). */
export interface DeadLetterPublisher {
  publish(letters: readonly DeadLetter[]): Promise<void>;
}

/** Best-effort live push to screens (socket.io); never blocks or fails the pipeline. */
export interface LiveFeed {
  anomalies(list: readonly Anomaly[]): void;
  stats(stats: LiveStats): void;
  /** Whether anyone watches this entity (so the pipeline builds readings only for them). */
  isWatched(domain: string, entity: string): boolean;
  readings(list: readonly LiveReading[]): void;
  /** Scored trip cells per boundary, to the screens watching that resolution's map. */
  cellBoundaries(list: readonly LiveCellBoundary[]): void;
}
