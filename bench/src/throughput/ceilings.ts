import { type OutgoingMessage, type PipelinedPublisher } from '../../../nats/index.ts';
import { AckPolicy, jetstream, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

export interface Ceilings {
  /** Pipelined JetStream publish, acked messages per second. */
  publishPerSecond: number;
  /** Pull consume with an explicit ack per message and no other work, per second. */
  consumeAckPerSecond: number;
  messages: number;
  messageBytes: number;
}

/**
 * The two ceilings of the pipeline, on a stream of its own: nothing a processor does can beat
 * publishing into JetStream or consuming-and-acking out of it on the same server and machine.
 */
export async function measureCeilings(nc: NatsConnection, jsm: JetStreamManager, publisher: PipelinedPublisher, sample: Uint8Array | string, seconds: number, log: (s: string) => void): Promise<Ceilings> {
  await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['bench.raw.>'], max_bytes: 2 * 1024 ** 3 });
  log(`ceiling 1/2: raw JetStream publish (${seconds}s, pipelined, ${sample.length}-byte messages)…`);
  let i = 0;
  const raw = await timedPublish(publisher, () => ({ subject: `bench.raw.${i % 4}`, data: sample, msgId: `raw-${i++}` }), seconds);
  log(`  ${Math.round(raw.perSecond)} msg/s`);

  log('ceiling 2/2: raw JetStream consume (pull, explicit ack, no processing)…');
  await jsm.consumers.add('BENCH_RAW', { durable_name: 'raw', ack_policy: AckPolicy.Explicit, max_ack_pending: 10_000 });
  const consumer = await jetstream(nc).consumers.get('BENCH_RAW', 'raw');
  const started = performance.now();
  let consumed = 0;
  await new Promise<void>((resolve) => {
    void consumer.consume({
      max_messages: 1000,
      callback: (m) => {
        m.ack();
        if (++consumed === raw.count) resolve();
      },
    });
  });
  const consumeAckPerSecond = consumed / ((performance.now() - started) / 1000);
  log(`  ${Math.round(consumeAckPerSecond)} msg/s`);
  // The raw messages would otherwise sit in the server's memory and files during the real phases.
  await jsm.streams.delete('BENCH_RAW');
  return { publishPerSecond: raw.perSecond, consumeAckPerSecond, messages: raw.count, messageBytes: sample.length };
}

/** Publish for `seconds`, then wait for the last acks: the rate counts acknowledged messages. */
export async function timedPublish(publisher: PipelinedPublisher, next: () => OutgoingMessage, seconds: number): Promise<{ count: number; perSecond: number }> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let count = 0;
  while (performance.now() < deadline) {
    await publisher.publish(next());
    count++;
  }
  await publisher.flush();
  return { count, perSecond: count / ((performance.now() - started) / 1000) };
}
