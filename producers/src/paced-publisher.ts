import type { JetStreamPublisher, OutgoingMessage } from '../../processor/src/adapters/nats/jetstream-publisher.ts';

export interface PacedPublishOptions {
  /** Messages per second (wall clock); Infinity = as fast as acks allow. */
  rate: number;
  /** Instead of `rate`: when (ms after the start) message `index` is due, e.g. by event time / speed. */
  dueAfterMs?: (m: OutgoingMessage, index: number) => number;
  /** Publishes awaiting an ack at once. */
  maxInFlight: number;
  /** Stop early (Ctrl-C). */
  signal?: AbortSignal;
  /** Called about once a second with the count published so far. */
  onProgress?: (published: number) => void;
  /** Event time a message may not run ahead of the wall clock (live simulation). */
  notAfterWallClock?: (m: OutgoingMessage) => number | undefined;
}

/**
 * Publish messages from an iterator at a steady rate with a bounded number in flight.
 * JetStream acks each one (with the event id as msg id, so a retried publish is stored once).
 * Returns the number published; rejects if a publish keeps failing.
 */
export async function publishPaced(messages: Iterable<OutgoingMessage>, publisher: JetStreamPublisher, opts: PacedPublishOptions): Promise<number> {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let published = 0;
  const started = performance.now();
  let lastProgress = started;
  for (const m of messages) {
    if (opts.signal?.aborted || failure) break;
    const dueAfter = opts.dueAfterMs ? opts.dueAfterMs(m, published) : Number.isFinite(opts.rate) ? (published * 1000) / opts.rate : 0;
    const wait = started + dueAfter - performance.now();
    if (wait > 2) await sleep(wait);
    const notBefore = opts.notAfterWallClock?.(m);
    while (notBefore !== undefined && notBefore > Date.now() && !opts.signal?.aborted) await sleep(Math.min(1000, notBefore - Date.now()));
    const p = publisher.publishOne(m).then(
      () => void inFlight.delete(p),
      (err) => {
        failure ??= err;
        inFlight.delete(p);
      },
    );
    inFlight.add(p);
    published++;
    if (inFlight.size >= opts.maxInFlight) await Promise.race(inFlight);
    if (opts.onProgress && performance.now() - lastProgress > 1000) {
      lastProgress = performance.now();
      opts.onProgress(published);
    }
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return published;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
