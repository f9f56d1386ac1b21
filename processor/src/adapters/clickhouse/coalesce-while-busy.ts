/**
 * Group commit: `run` takes every item that arrived while the previous run was busy, in arrival
 * order, and each item's promise settles with the run that carried it (a failed run rejects
 * every item in it, and each caller retries its own). Idle, an item runs at once and alone, so
 * nothing waits that did not have to; under load the runs grow with the queue. Runs never
 * overlap.
 */
export function coalesceWhileBusy<T>(run: (items: readonly T[]) => Promise<void>): (item: T) => Promise<void> {
  let queue: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let busy = false;

  async function drain(): Promise<void> {
    busy = true;
    while (queue.length > 0) {
      const group = queue;
      queue = [];
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
      queue.push({ item, resolve, reject });
      if (!busy) void drain();
    });
}
