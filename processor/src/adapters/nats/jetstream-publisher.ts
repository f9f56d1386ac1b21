import { InvalidArgumentError, type NatsConnection } from '@nats-io/transport-node';
import { PipelinedPublisher, type OutgoingMessage } from '../../../../nats/index.ts';
import { PermanentSinkError } from '../../ports/sink-errors.ts';

/**
 * The processor's acked publishing (alerts, dead letters), through the shared pipelined
 * publisher: a batch's messages go out together with at most `maxInFlight` awaiting an ack,
 * instead of a `js.publish()` — a request, a timer and a promise — awaited per message. Every
 * ack is checked: `publishAll` resolves once each message is stored, and rejects when one is
 * refused by JetStream or never acknowledged after its resends (same msg id, so a retry of the
 * batch cannot double it). A message the client refuses to send (over the server's
 * max_payload) is a PermanentSinkError: no retry can send it.
 */
export class JetStreamPublisher {
  readonly #publisher: PipelinedPublisher;

  constructor(nc: NatsConnection, maxInFlight = 1000) {
    // ~1 min before a batch fails for want of acks (a restarting server answers "not ready"
    // for a while), as the retries of js.publish() allowed; the committer then retries it.
    this.#publisher = new PipelinedPublisher(nc, { maxInFlight, ackTimeoutMs: 10_000, maxAttempts: 6, retryNotReadyMs: 1000 });
  }

  async publishAll(messages: readonly OutgoingMessage[]): Promise<void> {
    try {
      await this.#publisher.publishAll(messages);
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw new PermanentSinkError('nats', `a message could not be sent: ${err.message}`, { cause: err });
      throw err;
    }
  }
}
