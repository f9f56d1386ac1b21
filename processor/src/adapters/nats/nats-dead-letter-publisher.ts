import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type DeadLetter } from '../../../../contracts/index.ts';
import type { DeadLetterPublisher } from '../../ports/sinks.ts';
import { JetStreamPublisher } from './jetstream-publisher.ts';

/** Header with the rejection reason, so subscribers can filter without parsing the body. */
export const DEAD_LETTER_REASON_HEADER = 'Vigia-Error';

export function createNatsDeadLetterPublisher(nc: NatsConnection): DeadLetterPublisher {
  const publisher = new JetStreamPublisher(nc, 100);
  return {
    publish: function publishDeadLetters(letters) {
      return publisher.publishAll(
        letters.map((d: DeadLetter) => ({
          subject: subjects.deadLetter(d.domain),
          data: JSON.stringify(d),
          msgId: `dlq:${d.subject}:${d.streamSeq}`,
          // Headers must be single-line ASCII-safe.
          headers: { [DEAD_LETTER_REASON_HEADER]: `${d.kind}: ${d.reason}`.replace(/[\r\n]+/g, ' ').slice(0, 512) },
        })),
      );
    },
  };
}
