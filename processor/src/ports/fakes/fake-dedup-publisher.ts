import { armedFailures } from './armed-failures.ts';

/** What a fake publisher stored: the subject a subscriber would read it on, and a copy of it under `K`. */
export type FakePublished<K extends string, T> = { subject: string } & { [P in K]: T };

export interface FakeDedupPublisher<K extends string, T> {
  /** Items stored, one per id (the first copy), in publish order. */
  readonly published: readonly FakePublished<K, T>[];
  /** publish() calls, successful or not. */
  readonly calls: number;
  /** The next `times` publish() calls reject with `err` and store nothing (a broker outage). */
  failNext(err: Error, times?: number): void;
  publish(items: readonly T[]): Promise<void>;
}

/**
 * The shape every JetStream publisher of the pipeline has, in memory: a message id makes a
 * second copy of the same item a no-op (JetStream's de-duplication window), and an outage
 * rejects a whole call. The alert and dead-letter fakes differ only in their id and subject.
 */
export function createFakeDedupPublisher<K extends string, T>(key: K, idOf: (item: T) => string, subjectOf: (item: T) => string): FakeDedupPublisher<K, T> {
  const published: FakePublished<K, T>[] = [];
  const seen = new Set<string>();
  const failures = armedFailures();
  let calls = 0;
  return {
    published,
    get calls() {
      return calls;
    },
    failNext: (err, times) => failures.arm(err, times),
    async publish(items) {
      calls++;
      failures.throwIfArmed();
      for (const item of items) {
        const id = idOf(item);
        if (seen.has(id)) continue;
        seen.add(id);
        // A copy, as the wire would take: later changes to the caller's object are not published.
        published.push({ subject: subjectOf(item), [key]: structuredClone(item) } as FakePublished<K, T>);
      }
    },
  };
}
