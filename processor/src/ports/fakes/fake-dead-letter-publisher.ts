import { subjects, type DeadLetter } from '../../../../contracts/index.ts';
import type { DeadLetterPublisher } from '../sinks.ts';
import { armedFailures } from './armed-failures.ts';

/** A dead letter as a subscriber of `dlq.<domain>` would see it. */
export interface FakePublishedDeadLetter {
  subject: string;
  letter: DeadLetter;
}

export interface FakeDeadLetterPublisher extends DeadLetterPublisher {
  /** Letters stored, one per (source subject, stream seq) (the first copy), in publish order. */
  readonly published: readonly FakePublishedDeadLetter[];
  /** publish() calls, successful or not. */
  readonly calls: number;
  /** The next `times` publish() calls reject with `err` and store nothing (a broker outage). */
  failNext(err: Error, times?: number): void;
}

/**
 * Dead letters in memory, de-duplicated by the message they reject (its subject and stream
 * sequence), so a redelivered bad message is one letter. Letters are not cut to a size bound:
 * that is the NATS adapter's concern, tested against a real server.
 */
export function createFakeDeadLetterPublisher(): FakeDeadLetterPublisher {
  const published: FakePublishedDeadLetter[] = [];
  const seen = new Set<string>();
  const failures = armedFailures();
  let calls = 0;
  return {
    published,
    get calls() {
      return calls;
    },
    failNext: (err, times) => failures.arm(err, times),
    async publish(letters) {
      calls++;
      failures.throwIfArmed();
      for (const d of letters) {
        const id = `${d.subject}\u0000${d.streamSeq}`;
        if (seen.has(id)) continue;
        seen.add(id);
        published.push({ subject: subjects.deadLetter(d.domain), letter: structuredClone(d) });
      }
    },
  };
}
