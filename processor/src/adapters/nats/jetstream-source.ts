import { Observable, merge } from 'rxjs';
import { AckPolicy, DeliverPolicy, JetStreamApiError, jetstream, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { streams, subjects, type Domain } from '../../../../contracts/index.ts';
import type { MessageSource, SourceMessage } from '../../ports/source-message.ts';
import { jetStreamDelivery } from '../../../../nats/index.ts';

export interface JetStreamSourceOptions {
  domain: Domain;
  /** Partitions to consume, one durable pull consumer each. */
  partitions: readonly number[];
  /** Durable name prefix; `<prefix>-<domain>-p<N>`. @default 'proc' */
  durablePrefix?: string;
  maxAckPending: number;
  ackWaitSeconds: number;
  /** Messages requested per pull. @default 1000 */
  pullBatch?: number;
  /**
   * Where each partition's consumer starts: a stream sequence (just after a restored snapshot)
   * or 'all' (rebuild state from the whole retained log). Absent: resume at the ack floor.
   * Repositioning recreates the durable consumer; rows re-written by it are idempotent.
   */
  startAt?: ReadonlyMap<number, number | 'all'>;
  /**
   * Consumers with AckPolicy.All: acking a message acknowledges every earlier one of its
   * partition, so a committer that acks in log order sends one ack per partition and batch
   * (pipeline/ack-batch.ts) instead of one per message. A resumed consumer made with the other
   * policy is recreated at its ack floor (JetStream cannot change a consumer's ack policy).
   * @default false
   */
  cumulativeAcks?: boolean;
  /** Called when lost deliveries made a partition's consumer restart at `fromSeq`. */
  onReposition?: (partition: number, fromSeq: number | 'start', lostDeliveries: number) => void;
}

/** The durable consumer name of one domain × partition: stable, so a restart resumes. */
export function durableName(prefix: string, domain: Domain, partition: number): string {
  return `${prefix}-${domain}-p${partition}`;
}

/**
 * Durable pull consumers (one per partition, a single filter subject each, so nats-server 2.9
 * works) exposed as one Observable. Callback mode: the fastest consume path in nats.js.
 *
 * Each partition is passed on strictly in stream order, without gaps. Deliveries lost in
 * flight (a connection drop while a pull was being answered) show as a jump in the consumer's
 * delivery sequence; the partition's consumer is then recreated just after the last message
 * passed on, instead of letting the lost ones come back later behind newer ones — the core
 * treats anything at or below a sequence it has seen as an already-scored redelivery.
 */
export async function createJetStreamSource(nc: NatsConnection, jsm: JetStreamManager, opts: JetStreamSourceOptions): Promise<MessageSource> {
  const js = jetstream(nc);
  const stream = streams.events(opts.domain);
  const prefix = opts.durablePrefix ?? 'proc';
  const stops: (() => Promise<void>)[] = [];
  const cumulative = opts.cumulativeAcks ?? false;

  // Per partition: what its consumer last said is queued, and its deliveries not yet acked or
  // nak'd (beyond maxAckPending of them the server sends nothing more). A message's backlog is
  // what all partitions can still deliver before anything is acked: what a batch may wait for.
  const flows: Flow[] = opts.partitions.map(() => ({ pending: 0, unacked: 0 }));
  const deliverable = () => {
    let n = 0;
    for (const f of flows) n += Math.max(0, Math.min(f.pending, opts.maxAckPending - f.unacked));
    return n;
  };

  const perPartition = opts.partitions.map((partition, index) => {
    const name = durableName(prefix, opts.domain, partition);
    const config = {
      durable_name: name,
      ack_policy: opts.cumulativeAcks ? AckPolicy.All : AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: subjects.eventsOfPartition(opts.domain, partition),
      max_ack_pending: opts.maxAckPending,
      ack_wait: nanos(opts.ackWaitSeconds * 1000),
      max_deliver: -1,
    };
    const recreate = async (start: number | 'all') => {
      await jsm.consumers.delete(stream, name).catch((err) => {
        if (!(err instanceof JetStreamApiError)) throw err;
      });
      await jsm.consumers.add(stream, start === 'all' ? config : { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start });
    };
    const resume = async () => {
      try {
        const info = await jsm.consumers.info(stream, name);
        if (info.config.ack_policy !== config.ack_policy) {
          // Everything up to the ack floor is done; above it, at worst something acked out of
          // order comes again (rows are idempotent, and the core skips what it has seen).
          const floor = info.ack_floor.stream_seq;
          await recreate(floor > 0 ? floor + 1 : 'all');
          return;
        }
        await jsm.consumers.update(stream, name, { max_ack_pending: config.max_ack_pending, ack_wait: config.ack_wait, max_deliver: -1 });
      } catch (err) {
        if (!(err instanceof JetStreamApiError)) throw err;
        await jsm.consumers.add(stream, config);
      }
    };

    return new Observable<SourceMessage>((subscriber) => {
      const initial = opts.startAt?.get(partition);
      let iter: ConsumerMessages | undefined;
      let generation = 0;
      let expectedDelivery: number | undefined;
      let lastSeq: number | undefined;
      let closing = false;

      const consumeFrom = async (position: number | 'all' | undefined) => {
        const gen = ++generation;
        await iter?.close().catch(() => undefined);
        if (position === undefined) await resume();
        else await recreate(position);
        // A new consumer owes nothing for the old one's deliveries (their acks go to a deleted
        // consumer), so it gets a flow of its own; messages still held settle the old one.
        const flow: Flow = { pending: 0, unacked: 0 };
        flows[index] = flow;
        // A recreated consumer numbers its deliveries from 1; a resumed one we learn from.
        expectedDelivery = position === undefined ? undefined : 1;
        const consumer = await js.consumers.get(stream, name);
        iter = await consumer.consume({
          max_messages: opts.pullBatch ?? 1000,
          callback: function onMessage(m: JsMsg) {
            if (gen !== generation) return; // from a consumer we already replaced
            // nats.js's message has its reply subject (decoded once, the ack reuses it) but does
            // not declare it; without it, its own parse.
            const reply = (m as JsMsg & { reply?: unknown }).reply;
            const d = typeof reply === 'string' ? jetStreamDelivery(reply) : m.info;
            const delivery = d.deliverySequence;
            if (expectedDelivery !== undefined && delivery > expectedDelivery) {
              opts.onReposition?.(partition, lastSeq === undefined ? 'start' : lastSeq + 1, delivery - expectedDelivery);
              generation++;
              void consumeFrom(lastSeq === undefined ? (initial ?? 'all') : lastSeq + 1).catch((err) => subscriber.error(err));
              return;
            }
            expectedDelivery = delivery + 1;
            const redelivered = d.deliveryCount > 1;
            if (!redelivered && (lastSeq === undefined || d.streamSequence > lastSeq)) lastSeq = d.streamSequence;
            flow.unacked++;
            flow.pending = d.pending;
            subscriber.next(new JetStreamSourceMessage(m, partition, d.streamSequence, redelivered, deliverable(), flow, cumulative));
          },
        });
        const current = iter;
        current.closed().then((err) => {
          if (gen !== generation && !closing) return; // replaced on purpose
          if (err) subscriber.error(err);
          else subscriber.complete();
        });
      };

      consumeFrom(initial).catch((err) => subscriber.error(err));
      const stop = async () => {
        closing = true;
        await iter?.close().catch(() => undefined);
      };
      stops.push(stop);
      return () => void stop();
    });
  });
  return {
    messages$: merge(...perPartition),
    async close() {
      await Promise.all(stops.map((s) => s()));
    },
  };
}

interface Flow {
  pending: number;
  unacked: number;
}

/**
 * One consumed message. A class, not an object of closures: this is built for every message,
 * and the subject (only a dead letter reads it) is decoded only when asked for.
 */
class JetStreamSourceMessage implements SourceMessage {
  constructor(
    private readonly m: JsMsg,
    readonly partition: number,
    readonly seq: number,
    readonly redelivered: boolean,
    /** Queued in the log and deliverable before anything is acked (see SourceMessage). */
    readonly backlog: number,
    private readonly flow: Flow,
    /** The consumer's acks are cumulative (AckPolicy.All); see SourceMessage. */
    readonly cumulativeAck: boolean,
  ) {}
  #settled = false;
  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.flow.unacked = Math.max(0, this.flow.unacked - 1);
  }
  get subject(): string {
    return this.m.subject;
  }
  get data(): Uint8Array {
    return this.m.data;
  }
  ack(): void {
    this.#settle();
    this.m.ack();
  }
  covered(): void {
    this.#settle();
  }
  nak(delayMs?: number): void {
    this.#settle();
    this.m.nak(delayMs);
  }
  working(): void {
    this.m.working();
  }
}
