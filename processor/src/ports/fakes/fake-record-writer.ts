import type { RecordWriter } from '../sinks.ts';
import { armedFailures } from './armed-failures.ts';
import { deferred } from './deferred.ts';

/** A write the test holds open: the store "is slow" until it releases or fails it. */
export interface HeldWrite<R> {
  readonly records: R;
  /** The write commits (its records join `written`) and resolves. */
  release(): void;
  /** The write rejects with `err`; nothing is kept. */
  fail(err: Error): void;
}

export interface FakeRecordWriter<R> extends RecordWriter<R> {
  /** Records of every committed write, in the order the writes resolved. */
  readonly written: readonly R[];
  /** write() calls, successful or not. */
  readonly calls: number;
  /** The next `times` writes reject with `err` at once and keep nothing (a store outage). */
  failNext(err: Error, times?: number): void;
  /**
   * Hold the next write that is not failed: it waits until the test releases or fails it.
   * Resolves with that write once the committer has called it.
   */
  holdNext(): Promise<HeldWrite<R>>;
}

/**
 * A store in memory for pipeline tests. It keeps each committed write whole; whether a
 * repeated write is an idempotent rewrite is the test's to judge from `written` (the ClickHouse
 * writer's idempotence is tested against chDB).
 */
export function createFakeRecordWriter<R>(): FakeRecordWriter<R> {
  const written: R[] = [];
  const failures = armedFailures();
  const holds: ((w: HeldWrite<R>) => void)[] = [];
  let calls = 0;
  return {
    written,
    get calls() {
      return calls;
    },
    failNext: (err, times) => failures.arm(err, times),
    holdNext() {
      return new Promise<HeldWrite<R>>((resolve) => holds.push(resolve));
    },
    async write(records) {
      calls++;
      failures.throwIfArmed();
      const hold = holds.shift();
      if (hold) {
        const gate = deferred();
        hold({ records, release: () => gate.resolve(), fail: (err) => gate.reject(err) });
        await gate.promise;
      }
      written.push(records);
    },
  };
}
