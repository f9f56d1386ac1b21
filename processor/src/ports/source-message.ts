import type { Observable } from 'rxjs';

/** A message from the event log, independent of the broker that delivered it. */
export interface SourceMessage {
  subject: string;
  /** Position in the event log (JetStream stream sequence). */
  seq: number;
  /** Partition the message belongs to (from the subject). */
  partition: number;
  data: Uint8Array;
  /** Delivered before and not acknowledged then. */
  redelivered: boolean;
  /**
   * Messages queued in the log (this source's partitions) when it was delivered that can still
   * be delivered before anything more is acked (each consumer's unacked limit caps its share);
   * unknown: absent.
   */
  backlog?: number;
  /** Done: never deliver again. Call only after every sink committed. */
  ack(): void;
  /**
   * True when ack() also acknowledges every message of this partition delivered before this one
   * (JetStream AckPolicy.All). A committer that acks in log order then acks only each
   * partition's last message of a batch and marks the others `covered()` (pipeline/ack-batch.ts).
   */
  cumulativeAck?: boolean;
  /** Done through a later cumulative ack() of its partition: nothing is sent to the broker. */
  covered?(): void;
  /** Not done: deliver again later. */
  nak(delayMs?: number): void;
  /** Still working: postpone the redelivery timeout. */
  working(): void;
}

/** Where the processor reads events from; one Observable over all the partitions it owns. */
export interface MessageSource {
  readonly messages$: Observable<SourceMessage>;
  /** Stop pulling; messages already delivered may still be acked. */
  close(): Promise<void>;
}
