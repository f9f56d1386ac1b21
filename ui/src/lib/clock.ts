// A shared wall clock for relative times ("12s ago") and the "is it today" check. Only the UI
// shell reads it; formatters take `now` as an argument so they stay testable.
import { readable, type Readable } from 'svelte/store';

/** Epoch ms, updated every `intervalMs` while anyone is subscribed. */
export function createClock(intervalMs = 1000): Readable<number> {
  return readable(Date.now(), (set) => {
    set(Date.now());
    const timer = setInterval(() => set(Date.now()), intervalMs);
    return () => clearInterval(timer);
  });
}

/** The page's one-second clock. */
export const clock: Readable<number> = createClock();

/** The zone the operator's browser reads times in. */
export const localTimeZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone;
