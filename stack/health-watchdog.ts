export interface HealthWatchdogOptions {
  /** The URL to poll; any HTTP answer, even 503 "degraded", means the process is alive. */
  url: () => string | undefined;
  /** Between polls, ms. @default 5000 */
  intervalMs?: number;
  /** One poll gives up after this long, ms. @default 5000 */
  timeoutMs?: number;
  /** Unanswered polls in a row that mean the process hangs. @default 12 (a minute) */
  misses?: number;
  /** Extra headers for the poll (a token). */
  headers?: () => Record<string, string>;
  onHung: (missed: number) => void;
}

/**
 * Liveness, not health: a process whose event loop no longer answers (a heap at its limit
 * collecting garbage forever answered nothing for five minutes) is killed so its supervisor
 * restarts it. A "degraded" answer is left alone: restarting cannot fix a stuck sink.
 */
export function startHealthWatchdog(opts: HealthWatchdogOptions): () => void {
  const misses = opts.misses ?? 12;
  const timeoutMs = opts.timeoutMs ?? 5000;
  let missed = 0;
  let busy = false;
  const timer = setInterval(async () => {
    const url = opts.url();
    if (busy || !url) return;
    busy = true;
    try {
      await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: opts.headers?.() });
      missed = 0;
    } catch {
      if (++missed >= misses) {
        missed = 0;
        opts.onHung(misses);
      }
    } finally {
      busy = false;
    }
  }, opts.intervalMs ?? 5000);
  timer.unref();
  return () => clearInterval(timer);
}
