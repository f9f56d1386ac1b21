import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { streams, type Domain } from '../../../../contracts/index.ts';
import type { RawEvent } from '../../core/raw-event.ts';

export interface LogBatch {
  events: (RawEvent & { publishedAt: number })[];
  /** Messages read so far, and the log's last sequence when reading started. */
  scanned: number;
  total: number;
}

/**
 * The retained log of a domain, from its first message to the last one present when reading
 * starts, in sequence order, in batches. An ordered consumer: no durable state on the server,
 * nothing to ack, and it never touches the live consumers.
 */
export async function* readLogRange(nc: NatsConnection, domain: Domain, partitions: number, batchSize = 1000): AsyncGenerator<LogBatch> {
  const jsm = await jetstreamManager(nc);
  const stream = streams.events(domain);
  const info = await jsm.streams.info(stream);
  const last = info.state.last_seq;
  const total = info.state.messages;
  if (total === 0) return;
  const consumer = await jetstream(nc).consumers.get(stream);
  const messages = await consumer.consume({ max_messages: batchSize });
  let batch: LogBatch['events'] = [];
  let scanned = 0;
  try {
    for await (const m of messages) {
      const token = m.subject.split('.')[2];
      const partition = Number(token);
      batch.push({
        subject: m.subject,
        seq: m.seq,
        partition: Number.isInteger(partition) && partition >= 0 && partition < partitions ? partition : 0,
        data: m.data,
        publishedAt: Math.floor(m.info.timestampNanos / 1e6),
      });
      scanned++;
      const done = m.seq >= last;
      if (batch.length >= batchSize || done || m.info.pending === 0) {
        yield { events: batch, scanned, total };
        batch = [];
      }
      if (done) break;
    }
  } finally {
    await messages.close().catch(() => undefined);
  }
}
