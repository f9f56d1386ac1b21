// Publishes trip messages in event-time order, paced by event time: at `speed`× the wall clock,
// or as fast as JetStream acks (`speed` = Infinity). Takes an async source (a chDB stream of a
// TLC file) as well as a sync one (the simulation), which publishPaced cannot.
import type { PipelinedPublisher } from '../../nats/index.ts';
import type { TripMessage } from './trip-messages.ts';

export interface TripPublishOptions {
  /** Event time runs this many times faster than the wall clock; Infinity = no pacing. */
  speed: number;
  /** Event time that maps to the moment publishing starts; undefined = the first message's. */
  originTs?: number | undefined;
  /** Never publish a message before the wall clock reaches its event time (live simulation). */
  notAheadOfClock: boolean;
  /** Stop early (Ctrl-C): what was published is still flushed. */
  signal?: AbortSignal | undefined;
  /** Called about once a second. */
  onProgress?: ((published: number, lastEventTs: number) => void) | undefined;
  /** Wall clock, ms; injectable for tests. @default Date.now */
  now?: () => number;
}

export interface TripPublishResult {
  published: number;
  /** Event time of the first and last published message (NaN when none). */
  firstEventTs: number;
  lastEventTs: number;
}

/** When message `eventTs` is due on the wall clock, ms since epoch. Pure. */
export function dueAt(eventTs: number, originTs: number, wallStart: number, opts: Pick<TripPublishOptions, 'speed' | 'notAheadOfClock'>): number {
  const paced = Number.isFinite(opts.speed) ? wallStart + (eventTs - originTs) / opts.speed : -Infinity;
  return opts.notAheadOfClock ? Math.max(paced, eventTs) : paced;
}

/** Resolves once every published message is acknowledged; rejects if JetStream refuses one. */
export async function publishTrips(messages: Iterable<TripMessage> | AsyncIterable<TripMessage>, publisher: Pick<PipelinedPublisher, 'publish' | 'flush'>, opts: TripPublishOptions): Promise<TripPublishResult> {
  const now = opts.now ?? Date.now;
  const wallStart = now();
  let origin = opts.originTs;
  let published = 0;
  let firstEventTs = NaN;
  let lastEventTs = NaN;
  let lastProgress = wallStart;
  for await (const m of messages) {
    if (opts.signal?.aborted) break;
    origin ??= m.eventTs;
    const due = dueAt(m.eventTs, origin, wallStart, opts);
    // A loop: a timer fires early past ~24.8 days, and the wall clock may jump.
    for (let wait = due - now(); wait > 2 && !opts.signal?.aborted; wait = due - now()) await sleep(wait, opts.signal);
    if (opts.signal?.aborted) break;
    await publisher.publish(m);
    published++;
    if (published === 1) firstEventTs = m.eventTs;
    lastEventTs = m.eventTs;
    if (opts.onProgress && now() - lastProgress >= 1000) {
      lastProgress = now();
      opts.onProgress(published, lastEventTs);
    }
  }
  await publisher.flush();
  return { published, firstEventTs, lastEventTs };
}

/** setTimeout that an abort cuts short (a live run may wait minutes for the next trip). */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(ms, 2 ** 31 - 1));
    signal?.addEventListener('abort', done, { once: true });
  });
}
