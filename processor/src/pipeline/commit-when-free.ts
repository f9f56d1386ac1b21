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
 */
export function commitWhenFree<T, O>(opts: CommitWhenFreeOptions<T, O>): OperatorFunction<T, O> {
  const scheduler = opts.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<O>((subscriber) => {
      const buffer: T[] = [];
      let timer: Subscription | undefined;
      let due = false;
      let running = 0;
      let sourceDone = false;

      const finishIfDone = () => {
        if (sourceDone && running === 0 && buffer.length === 0) subscriber.complete();
      };
      const cut = () => {
        // After an error (or an unsubscribe) nothing more is cut: the stream is over.
        if (subscriber.closed) return;
        while (running < opts.concurrency && buffer.length > 0 && (buffer.length >= opts.maxItems || due || sourceDone)) {
          const batch = buffer.splice(0, opts.maxItems);
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
        }
      };

      const upstream = source.subscribe({
        next: (item) => {
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
