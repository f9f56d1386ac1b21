export interface CoalesceOptions<T> {
  /** What an item counts toward `minWeight` (a batch: its events). @default 1 */
  weight?: (item: T) => number;
  /** A run starts only once the items waiting weigh this much… @default 0 (at once) */
  minWeight?: number;
  /** …or the oldest of them has waited this long, ms. @default 0 */
  maxWaitMs?: number;
}

/**
 * Group commit: `run` takes every item that arrived while the previous run was busy, in arrival
 * order, and each item's promise settles with the run that carried it (a failed run rejects
 * every item in it, and each caller retries its own). Runs never overlap.
 *
 * By default an item that finds nothing running runs at once and alone, so nothing waits that
 * did not have to; under load the runs grow with the queue. With `minWeight` and `maxWaitMs` a
 * run also waits (linger) until the items waiting weigh `minWeight`, or the oldest has waited
 * `maxWaitMs`: a run's fixed cost (a MergeTree part per table) is then paid once for several
 * batches even when nothing queues on its own, at the price of that much more time to commit.
 */
export function coalesceWhileBusy<T>(run: (items: readonly T[]) => Promise<void>, opts: CoalesceOptions<T> = {}): (item: T) => Promise<void> {
  const weight = opts.weight ?? (() => 1);
  const minWeight = opts.minWeight ?? 0;
  const maxWaitMs = opts.maxWaitMs ?? 0;
  let queue: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let queuedWeight = 0;
  // When the oldest item waiting arrived.
  let oldestAt = 0;
  let busy = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** ms until the queue may run: 0 = now. */
  const lingerLeft = (): number => (queuedWeight >= minWeight ? 0 : Math.max(0, oldestAt + maxWaitMs - Date.now()));

  async function drain(): Promise<void> {
    busy = true;
    while (queue.length > 0) {
      const left = lingerLeft();
      if (left > 0) {
        timer ??= setTimeout(function lingerOver() {
          timer = undefined;
          if (!busy) void drain();
        }, left);
        break;
      }
      const group = queue;
      queue = [];
      queuedWeight = 0;
      try {
        await run(group.map((q) => q.item));
        for (const q of group) q.resolve();
      } catch (err) {
        for (const q of group) q.reject(err);
      }
    }
    busy = false;
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      if (queue.length === 0) oldestAt = Date.now();
      queue.push({ item, resolve, reject });
      queuedWeight += weight(item);
      if (busy) return;
      if (timer !== undefined && lingerLeft() > 0) return;
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      void drain();
    });
}
