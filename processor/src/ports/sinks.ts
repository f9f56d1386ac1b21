import type { Anomaly, DeadLetter, LiveStats } from '../../../contracts/index.ts';

/** Durable, idempotent storage of a batch's records; resolves only when all rows are committed. */
export interface RecordWriter<R> {
  write(records: R): Promise<void>;
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
  /** To the rooms of each anomaly's domain and entity. */
  anomalies(list: readonly Anomaly[]): void;
  stats(stats: LiveStats): void;
  /** Whether anyone watches this entity (so a domain builds payloads only for them). */
  isWatched(domain: string, entity: string): boolean;
  /** A domain payload to the screens watching one entity. */
  toEntity(domain: string, entity: string, event: string, payload: unknown): void;
  /** A domain payload to one of its own rooms (DomainModule.socketRooms). */
  toRoom(room: string, event: string, payload: unknown): void;
}
