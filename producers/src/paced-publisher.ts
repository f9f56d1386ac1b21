import type { OutgoingMessage, PipelinedPublisher } from '../../nats/index.ts';

export interface PacedPublishOptions {
  /** Messages per second (wall clock); Infinity = as fast as acks allow. */
  rate: number;
  /** Instead of `rate`: when (ms after the start) message `index` is due, e.g. by event time / speed. */
  dueAfterMs?: ((m: OutgoingMessage, index: number) => number) | undefined;
  /** Stop early (Ctrl-C). */
  signal?: AbortSignal;
  /** Called about once a second with the count published so far. */
  onProgress?: (published: number) => void;
  /** Event time a message may not run ahead of the wall clock (live simulation). */
  notAfterWallClock?: (m: OutgoingMessage) => number | undefined;
}

/**
 * Publish messages from an iterator at a steady rate (the publisher bounds how many await a
 * JetStream ack). Resolves with the number published once every one is acknowledged; rejects
 * if JetStream refuses one.
 */
export async function publishPaced(messages: Iterable<OutgoingMessage>, publisher: PipelinedPublisher, opts: PacedPublishOptions): Promise<number> {
  let published = 0;
  const started = performance.now();
  let lastProgress = started;
  for (const m of messages) {
    if (opts.signal?.aborted) break;
    const dueAfter = opts.dueAfterMs ? opts.dueAfterMs(m, published) : Number.isFinite(opts.rate) ? (published * 1000) / opts.rate : 0;
    const wait = started + dueAfter - performance.now();
    if (wait > 2) await sleep(wait);
    const notBefore = opts.notAfterWallClock?.(m);
    while (notBefore !== undefined && notBefore > Date.now() && !opts.signal?.aborted) await sleep(Math.min(1000, notBefore - Date.now()));
    await publisher.publish(m);
    published++;
    if (opts.onProgress && performance.now() - lastProgress > 1000) {
      lastProgress = performance.now();
      opts.onProgress(published);
    }
  }
  await publisher.flush();
  return published;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
