import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { headers, InvalidArgumentError, type NatsConnection } from '@nats-io/transport-node';
import type { OutgoingMessage } from '../../../../nats/index.ts';
import { PermanentSinkError } from '../../ports/sink-errors.ts';

/**
 * Publishes with acks and at most `maxInFlight` awaiting an ack. A failed publish is retried
 * (same msgId, so it cannot double); `publishAll` resolves when every message is stored. A
 * message the client refuses to send (over the server's max_payload, a bad subject) is a
 * PermanentSinkError at once: no retry can send it.
 */
export class JetStreamPublisher {
  readonly #js: JetStreamClient;
  constructor(
    nc: NatsConnection,
    private readonly maxInFlight = 1000,
    private readonly retries = 5,
  ) {
    this.#js = jetstream(nc, { timeout: 10_000 });
  }

  async publishAll(messages: readonly OutgoingMessage[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < messages.length) {
        const m = messages[next++]!;
        await this.publishOne(m);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.maxInFlight, messages.length) }, worker));
  }

  async publishOne(m: OutgoingMessage): Promise<void> {
    let h;
    if (m.headers) {
      h = headers();
      for (const [k, v] of Object.entries(m.headers)) h.set(k, v);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#js.publish(m.subject, m.data, { msgID: m.msgId, headers: h });
        return;
      } catch (err) {
        if (err instanceof InvalidArgumentError) throw new PermanentSinkError('nats', `${m.subject}: ${err.message}`, { cause: err });
        if (attempt >= this.retries) throw err;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }
}
