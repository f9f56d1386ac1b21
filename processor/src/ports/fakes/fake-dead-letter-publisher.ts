import { subjects, type DeadLetter } from '../../../../contracts/index.ts';
import type { DeadLetterPublisher } from '../sinks.ts';
import { createFakeDedupPublisher, type FakeDedupPublisher, type FakePublished } from './fake-dedup-publisher.ts';

/** A dead letter as a subscriber of `dlq.<domain>` would see it. */
export type FakePublishedDeadLetter = FakePublished<'letter', DeadLetter>;

export type FakeDeadLetterPublisher = DeadLetterPublisher & FakeDedupPublisher<'letter', DeadLetter>;

/**
 * Dead letters in memory, de-duplicated by the message they reject (its subject and stream
 * sequence), so a redelivered bad message is one letter. Letters are not cut to a size bound:
 * that is the NATS adapter's concern, tested against a real server.
 */
export const createFakeDeadLetterPublisher = (): FakeDeadLetterPublisher =>
  createFakeDedupPublisher('letter', (d: DeadLetter) => `${d.subject}\u0000${d.streamSeq}`, (d) => subjects.deadLetter(d.domain));
