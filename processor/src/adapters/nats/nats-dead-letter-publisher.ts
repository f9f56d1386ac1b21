import type { NatsConnection } from '@nats-io/transport-node';
import { boundDeadLetter, DeadLetterBoundError, subjects, type DeadLetter } from '../../../../contracts/index.ts';
import { PermanentSinkError } from '../../ports/sink-errors.ts';
import type { DeadLetterPublisher } from '../../ports/sinks.ts';
import { JetStreamPublisher } from './jetstream-publisher.ts';

/** Header with the rejection reason, so subscribers can filter without parsing the body. */
export const DEAD_LETTER_REASON_HEADER = 'Vigia-Error';
/** Room left under max_payload for the headers (reason ≤ 512, msg id) and framing, bytes. */
export const DEAD_LETTER_HEADER_MARGIN = 4096;
/** NATS's default max_payload, when the server has not said (not connected yet). */
const DEFAULT_MAX_PAYLOAD = 1_048_576;

export interface DeadLetterPublisherOptions {
  /** Largest message body, bytes. @default the server's `max_payload` (nc.info) minus DEAD_LETTER_HEADER_MARGIN */
  maxBodyBytes?: number;
}

/**
 * Dead letters on `dlq.<domain>`, each cut to fit the server's max_payload (payload first, the
 * reason kept): the offending message may be as large as the server allows, and its dead
 * letter — the message plus a reason — one that no retry could ever publish would hold the
 * partition's acks forever. A refusal that is still permanent becomes a PermanentSinkError.
 */
export function createNatsDeadLetterPublisher(nc: NatsConnection, opts: DeadLetterPublisherOptions = {}): DeadLetterPublisher {
  const publisher = new JetStreamPublisher(nc, 100);
  const maxBody = () => opts.maxBodyBytes ?? (nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD) - DEAD_LETTER_HEADER_MARGIN;
  return {
    publish: async function publishDeadLetters(letters) {
      const limit = maxBody();
      try {
        await publisher.publishAll(
          letters.map((letter: DeadLetter) => {
            const d = boundDeadLetter(letter, limit);
            return {
              subject: subjects.deadLetter(d.domain),
              data: JSON.stringify(d),
              msgId: `dlq:${d.subject.slice(0, 256)}:${d.streamSeq}`,
              // Headers must be single-line ASCII: anything else becomes a space.
              headers: { [DEAD_LETTER_REASON_HEADER]: `${d.kind}: ${d.reason}`.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 512) },
            };
          }),
        );
      } catch (err) {
        // Refused before sending (over max_payload, see JetStreamPublisher) or too small a bound.
        if (err instanceof PermanentSinkError || err instanceof DeadLetterBoundError) {
          throw new PermanentSinkError('dlq', `dead letters cannot be published: ${err.message}`, { cause: err });
        }
        throw err;
      }
    },
  };
}
