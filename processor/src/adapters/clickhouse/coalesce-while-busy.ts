export interface CoalesceOptions<T> {
  /** What an item counts toward `minWeight` (a batch: its events). @default 1 */
  weight?: (item: T) => number;
  /** A run starts only once the items waiting weigh this much… @default 0 (at once) */
  minWeight?: number;
  /** …or the oldest of them has waited this long, ms. @default 0 */
  maxWaitMs?: number;
  /**
   * …and only while items arrive at this weight per second or more; slower, a run starts at
   * once as without a linger. @default 0 (always linger)
   */
  lingerFromRate?: number;
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
 * With `lingerFromRate` it lingers only while items arrive that fast: at a trickle the fixed
 * cost is affordable and the wait is not (200 readings/s would each wait the full maxWaitMs).
 */
export function coalesceWhileBusy<T>(run: (items: readonly T[]) => Promise<void>, opts: CoalesceOptions<T> = {}): (item: T) => Promise<void> {
  const weight = opts.weight ?? (() => 1);
  const minWeight = opts.minWeight ?? 0;
  const maxWaitMs = opts.maxWaitMs ?? 0;
  const arrivals = arrivalRate(Math.max(maxWaitMs, 1));
  const lingerFromRate = opts.lingerFromRate ?? 0;
  let queue: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let queuedWeight = 0;
  // When the oldest item waiting arrived.
  let oldestAt = 0;
  let busy = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** ms until the queue may run: 0 = now. */
  const lingerLeft = (): number =>
    queuedWeight >= minWeight || arrivals.perSecond(Date.now()) < lingerFromRate ? 0 : Math.max(0, oldestAt + maxWaitMs - Date.now());

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
      const w = weight(item);
      queuedWeight += w;
      if (lingerFromRate > 0) arrivals.add(Date.now(), w);
      if (busy) return;
      if (timer !== undefined && lingerLeft() > 0) return;
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      void drain();
    });
}

/**
 * Weight arrived per second, over the last whole window and the current one: the larger of the
 * last window's rate and the current window's weight so far over a whole window (a lower bound
 * of its rate that rises as soon as a burst starts). A window with no arrivals counts as 0.
 */
function arrivalRate(windowMs: number) {
  let start = 0;
  let current = 0;
  let last = 0;
  const roll = (now: number) => {
    if (now - start < windowMs) return;
    last = now - start < 2 * windowMs ? current : 0;
    start = now;
    current = 0;
  };
  return {
    add(now: number, w: number) {
      roll(now);
      current += w;
    },
    perSecond(now: number): number {
      roll(now);
      return (Math.max(last, current) * 1000) / windowMs;
    },
  };
}
