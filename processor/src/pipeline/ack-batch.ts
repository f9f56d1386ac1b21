import type { SourceMessage } from '../ports/source-message.ts';

/**
 * Ack a committed batch. Messages whose acks are cumulative (JetStream AckPolicy.All) cost one
 * ack per partition: the one with the highest sequence, which acknowledges every message of its
 * partition delivered before it; the others are only marked done. That is safe because batches
 * ack in log order (commit-batch.ts): everything a cumulative ack covers was in this batch or in
 * one already committed. Per-message acks were ~15 µs of the main thread per reading (and one
 * protocol message each for nats-server); per partition and batch they are noise.
 */
export function ackBatch(batch: readonly SourceMessage[]): void {
  let last: Map<number, SourceMessage> | undefined;
  for (const m of batch) {
    if (!m.cumulativeAck) {
      m.ack();
      continue;
    }
    last ??= new Map();
    const top = last.get(m.partition);
    if (!top || m.seq > top.seq) last.set(m.partition, m);
  }
  if (!last) return;
  for (const m of batch) if (m.cumulativeAck && last.get(m.partition) !== m) m.covered?.();
  for (const m of last.values()) m.ack();
}
