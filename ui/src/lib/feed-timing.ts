// How the live feeds pace themselves: live messages are applied at most once a frame, and
// retries and refreshes wait on a timer that close() can cancel. Tests pass their own.

/** Runs a flush at the next frame (or microtask outside a browser). */
export type Schedule = (flush: () => void) => void;
/** Runs `fn` after `ms`; returns its cancel. */
export type Delay = (fn: () => void, ms: number) => () => void;

export const nextFrame: Schedule = (flush) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => flush());
  else queueMicrotask(flush);
};

export const afterDelay: Delay = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

export interface FlushRequester {
  /** Asks for one flush on the next schedule; asking again before it runs does nothing more. */
  request(): void;
  /** Forgets a flush asked for and not yet run (the feed closed): it will not run. */
  cancel(): void;
}

/** Coalesces a burst of live messages into one flush per frame. */
export function createFlushRequester(schedule: Schedule, flush: () => void): FlushRequester {
  let scheduled = false;
  let generation = 0;
  return {
    request() {
      if (scheduled) return;
      scheduled = true;
      const gen = generation;
      schedule(() => {
        if (gen !== generation) return;
        scheduled = false;
        flush();
      });
    },
    cancel() {
      generation++;
      scheduled = false;
    },
  };
}
