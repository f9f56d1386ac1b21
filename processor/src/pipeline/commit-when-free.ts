import { asyncScheduler, from, Observable, type ObservableInput, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';

export interface CommitWhenFreeOptions<T, O> {
  /** A batch is cut once it holds this many items… */
  maxItems: number;
  /** …or this long after its first item, whichever comes first (while a commit slot is free). */
  maxMs: number;
  /** Commits running at once. */
  concurrency: number;
  /** Commit one batch; its one value is the batch's outcome (a Promise, or an Observable in tests). */
  commit: (batch: T[]) => ObservableInput<O>;
  /**
   * How many more items the source can deliver without waiting for anything (JetStream: queued
   * in the log, within each consumer's unacked limit), as the latest item says. While that is
   * enough to fill the batch, the time bound waits
   * for them, up to `maxHoldMs` after the first item: a reader behind the log then writes full
   * batches, not a crumb per free slot. Unset: never held.
   */
  behind?: (item: T) => number;
  /** The longest a batch is held for items already queued. @default maxMs */
  maxHoldMs?: number;
  /** For tests (TestScheduler); run mode virtualises asyncScheduler anyway. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Micro-batches cut when a commit slot is free. A batch is cut when it holds `maxItems`, or
 * `maxMs` after its first item; but while every slot is busy nothing is cut: items accumulate
 * and the next free slot takes up to `maxItems` at once. A store slowed down by another
 * domain's large inserts then gets fewer, fuller inserts instead of a queue of 100-ms crumbs
 * that it can never catch up with (measured: sensor batches of ~10 readings queued behind trip
 * inserts of several seconds). Batches go to `commit` in arrival order; outcomes come out as
 * commits finish. A failed commit errors the stream; completion waits for every commit.
 *
 * A slot that frees while the log still holds a full batch's worth behind the last item waits
 * for them (`behind`, `maxHoldMs`): under a backlog, batches of ~500 readings cost ~3× the
 * insert CPU per reading of 2 000-reading ones, and make more parts for chDB to merge
 * (bench/src/profile/insert-shapes.ts, docs/perf/after.md). Near the head of the log nothing
 * is queued and batches are cut as before, so latency at low load is unchanged.
 */
export function commitWhenFree<T, O>(opts: CommitWhenFreeOptions<T, O>): OperatorFunction<T, O> {
  const scheduler = opts.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<O>((subscriber) => {
      const buffer: T[] = [];
      let timer: Subscription | undefined;
      let due = false;
      // When the oldest item waiting arrived (scheduler time).
      let firstAt = 0;
      const maxHoldMs = opts.maxHoldMs ?? opts.maxMs;
      const holdLeft = (): number => {
        if (!opts.behind || buffer.length === 0 || buffer.length >= opts.maxItems) return 0;
        if (buffer.length + opts.behind(buffer[buffer.length - 1]!) < opts.maxItems) return 0;
        return Math.max(0, firstAt + maxHoldMs - scheduler.now());
      };
      let running = 0;
      let sourceDone = false;

      const finishIfDone = () => {
        if (sourceDone && running === 0 && buffer.length === 0) subscriber.complete();
      };
      const cut = () => {
        // After an error (or an unsubscribe) nothing more is cut: the stream is over.
        if (subscriber.closed) return;
        while (running < opts.concurrency && buffer.length > 0 && (buffer.length >= opts.maxItems || sourceDone || (due && holdLeft() === 0))) {
          const batch = buffer.splice(0, opts.maxItems);
          if (buffer.length > 0) firstAt = scheduler.now();
          timer?.unsubscribe();
          timer = undefined;
          due = false;
          running++;
          from(opts.commit(batch)).subscribe({
            next: (outcome) => subscriber.next(outcome),
            error: (err: unknown) => subscriber.error(err),
            complete: () => {
              running--;
              cut();
              finishIfDone();
            },
          });
        }
        // The time bound counts from the first item waiting; it keeps a quiet stream's latency low.
        if (buffer.length > 0 && !timer && !due) {
          timer = scheduler.schedule(() => {
            timer = undefined;
            due = true;
            cut();
          }, opts.maxMs);
        } else if (due && !timer && running < opts.concurrency) {
          // Held for queued items: look again when the hold runs out.
          const left = holdLeft();
          if (left > 0) {
            timer = scheduler.schedule(() => {
              timer = undefined;
              cut();
            }, left);
          }
        }
      };

      const upstream = source.subscribe({
        next: (item) => {
          if (buffer.length === 0) firstAt = scheduler.now();
          buffer.push(item);
          cut();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          cut();
          finishIfDone();
        },
      });
      return () => {
        upstream.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
