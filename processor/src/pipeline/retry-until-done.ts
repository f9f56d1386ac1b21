import { isPermanentSinkError } from '../ports/sink-errors.ts';

export interface RetryOptions {
  /** Called before each wait, with the attempt number and the error. */
  onRetry?: (attempt: number, err: unknown) => void;
  /** First wait, ms; doubles up to `maxDelayMs`. @default 100 */
  baseDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
  /** Stop retrying (and rethrow) when this says so, e.g. on shutdown. */
  shouldStop?: () => boolean;
}

/**
 * Retry a sink write until it succeeds. Nothing is acked meanwhile, so the consumer's
 * max_ack_pending bounds memory and JetStream holds the rest: back-pressure, not loss.
 * A PermanentSinkError is rethrown at once: no retry can make it succeed, and retrying it
 * forever would stall the partition (see ports/sink-errors.ts).
 */
export async function retryUntilDone<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const base = opts.baseDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (isPermanentSinkError(err) || opts.shouldStop?.()) throw err;
      opts.onRetry?.(attempt, err);
      await new Promise((r) => setTimeout(r, Math.min(max, base * 2 ** (attempt - 1))));
    }
  }
}
