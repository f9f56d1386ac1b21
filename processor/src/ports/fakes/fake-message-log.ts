import { Observable, type Subscriber } from 'rxjs';
import type { MessageSource, SourceMessage } from '../source-message.ts';

/** One message of the fake log. */
export interface FakeLogEntry {
  /** Position in the whole log (like a stream sequence): increasing across partitions. */
  seq: number;
  partition: number;
  subject: string;
  data: Uint8Array;
}

export interface FakeMessageLogOptions {
  /** The subject of a message. @default `events.fake.<partition>.<key>` */
  subjectOf?: (partition: number, key: string) => string;
  /** Delivered, unacknowledged messages per partition before new ones wait (JetStream max_ack_pending). @default Infinity */
  maxAckPending?: number;
}

export interface FakeMessageLog {
  /** Add a message at the end of the log; an open source of its partition gets it soon after. */
  append(partition: number, key: string, data: Uint8Array | string): FakeLogEntry;
  /**
   * A source over `partitions`, one durable consumer per partition as with JetStream: it starts
   * after the messages delivered before (acked or still pending) and delivers each partition
   * in log order. One open source per partition at a time.
   */
  source(partitions: readonly number[]): MessageSource;
  /**
   * Play an expired ack wait: every message delivered and neither acked nor nak'd is delivered
   * again (marked redelivered) to the open source of its partition, or to the next one opened.
   * Returns how many.
   */
  redeliverUnacked(): number;
  /** Seqs acknowledged, in the order of the acks (repeats included). */
  readonly acks: readonly number[];
  readonly naks: readonly { seq: number; delayMs?: number }[];
  /** Seqs whose handler called working(). */
  readonly workings: readonly number[];
  /** Every delivery, in order. */
  readonly deliveries: readonly { seq: number; redelivered: boolean }[];
  /** Seqs delivered at least once and not acknowledged, ascending. */
  unacked(): number[];
}

/** A partition's consumer state: what JetStream keeps for one durable pull consumer. */
interface PartitionState {
  entries: FakeLogEntry[];
  /** Index in `entries` of the next first delivery. */
  cursor: number;
  /** Delivered, not acked, waiting for the ack wait to run out. */
  pending: Set<number>;
  /** Due for redelivery (nak'd, or its ack wait ran out), oldest first. */
  redeliver: number[];
  delivered: Set<number>;
  acked: Set<number>;
  subscriber?: Subscriber<SourceMessage>;
}

/** Thrown when a second source opens a partition an open source already consumes. */
export class PartitionAlreadyOpenError extends Error {
  override name = 'PartitionAlreadyOpenError';
  constructor(readonly partition: number) {
    super(`partition ${partition} is already consumed by an open source of this fake log; close it first`);
  }
}

/**
 * An in-memory event log with JetStream's delivery rules as the processor relies on them: per
 * partition in order, redelivery after a nak (or on demand for an expired ack wait), acks kept
 * across sources. Deliveries happen in a microtask, never inside the caller's own call.
 */
export function createFakeMessageLog(opts: FakeMessageLogOptions = {}): FakeMessageLog {
  const subjectOf = opts.subjectOf ?? ((p: number, key: string) => `events.fake.${p}.${key}`);
  const maxAckPending = opts.maxAckPending ?? Infinity;
  const parts = new Map<number, PartitionState>();
  const bySeq = new Map<number, FakeLogEntry>();
  const acks: number[] = [];
  const naks: { seq: number; delayMs?: number }[] = [];
  const workings: number[] = [];
  const deliveries: { seq: number; redelivered: boolean }[] = [];
  let lastSeq = 0;
  let drainQueued = false;

  const part = (p: number): PartitionState => {
    let s = parts.get(p);
    if (!s) parts.set(p, (s = { entries: [], cursor: 0, pending: new Set(), redeliver: [], delivered: new Set(), acked: new Set() }));
    return s;
  };

  const scheduleDrain = () => {
    if (drainQueued) return;
    drainQueued = true;
    queueMicrotask(() => {
      drainQueued = false;
      for (const s of parts.values()) drainPartition(s);
    });
  };

  const drainPartition = (s: PartitionState) => {
    while (s.subscriber && !s.subscriber.closed) {
      let entry: FakeLogEntry | undefined;
      const due = s.redeliver.shift();
      if (due !== undefined) {
        if (s.acked.has(due)) continue;
        entry = bySeq.get(due)!;
      } else if (s.cursor < s.entries.length && s.delivered.size - s.acked.size < maxAckPending) {
        entry = s.entries[s.cursor++]!;
      } else {
        return;
      }
      const redelivered = s.delivered.has(entry.seq);
      s.delivered.add(entry.seq);
      s.pending.add(entry.seq);
      deliveries.push({ seq: entry.seq, redelivered });
      s.subscriber.next(toMessage(entry, redelivered, s));
    }
  };

  const toMessage = (e: FakeLogEntry, redelivered: boolean, s: PartitionState): SourceMessage => ({
    subject: e.subject,
    seq: e.seq,
    partition: e.partition,
    data: e.data,
    redelivered,
    // Like JetStream, an ack counts whether or not the source that delivered it is still open.
    ack() {
      acks.push(e.seq);
      s.acked.add(e.seq);
      s.pending.delete(e.seq);
      scheduleDrain();
    },
    nak(delayMs) {
      naks.push(delayMs === undefined ? { seq: e.seq } : { seq: e.seq, delayMs });
      if (s.acked.has(e.seq) || !s.pending.delete(e.seq)) return;
      const requeue = () => {
        s.redeliver.push(e.seq);
        scheduleDrain();
      };
      if (delayMs && delayMs > 0) setTimeout(requeue, delayMs);
      else requeue();
    },
    working() {
      workings.push(e.seq);
    },
  });

  return {
    acks,
    naks,
    workings,
    deliveries,
    append(partition, key, data) {
      const entry: FakeLogEntry = { seq: ++lastSeq, partition, subject: subjectOf(partition, key), data: typeof data === 'string' ? new TextEncoder().encode(data) : data };
      part(partition).entries.push(entry);
      bySeq.set(entry.seq, entry);
      scheduleDrain();
      return entry;
    },
    source(partitions) {
      const attached = new Set<PartitionState>();
      let closed = false;
      const messages$ = new Observable<SourceMessage>(function subscribeFakeSource(subscriber) {
        if (closed) return subscriber.complete();
        for (const p of partitions) {
          const s = part(p);
          if (s.subscriber && !s.subscriber.closed) throw new PartitionAlreadyOpenError(p);
        }
        for (const p of partitions) {
          const s = part(p);
          s.subscriber = subscriber;
          attached.add(s);
        }
        scheduleDrain();
        return () => {
          for (const s of attached) if (s.subscriber === subscriber) s.subscriber = undefined;
          attached.clear();
        };
      });
      return {
        messages$,
        async close() {
          closed = true;
          const subscribers = new Set([...attached].map((s) => s.subscriber));
          for (const s of attached) s.subscriber = undefined;
          attached.clear();
          for (const sub of subscribers) sub?.complete();
        },
      };
    },
    redeliverUnacked() {
      let n = 0;
      for (const s of parts.values()) {
        const expired = [...s.pending].sort((a, b) => a - b);
        s.pending.clear();
        s.redeliver.push(...expired);
        n += expired.length;
      }
      scheduleDrain();
      return n;
    },
    unacked() {
      const out: number[] = [];
      for (const s of parts.values()) for (const seq of s.delivered) if (!s.acked.has(seq)) out.push(seq);
      return out.sort((a, b) => a - b);
    },
  };
}
