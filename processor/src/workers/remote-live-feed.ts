import type { Anomaly, LiveStats } from '../../../contracts/index.ts';
import type { LiveFeed } from '../ports/sinks.ts';

/** One LiveFeed call, as it crosses to the main thread. */
export type LiveCall =
  | ['anomalies', readonly Anomaly[]]
  | ['stats', LiveStats]
  | ['toEntity', string, string, string, unknown]
  | ['toRoom', string, string, unknown];

export interface RemoteLiveFeed extends LiveFeed {
  /** The entities screens watch in a domain, as the main thread last told (replaces the previous set). */
  setWatched(domain: string, entities: readonly string[]): void;
}

/**
 * A worker's LiveFeed: calls are queued and sent to the main thread (which owns socket.io) as
 * one message per turn of the event loop, so a batch's payloads cost one postMessage.
 * `isWatched` must answer synchronously while a batch's payloads are built, so it reads the set
 * the main thread pushes whenever it changes (at most ~500 ms old: a new screen may miss a
 * few readings, as it may join between batches anyway).
 */
export function createRemoteLiveFeed(send: (calls: LiveCall[]) => void): RemoteLiveFeed {
  let queued: LiveCall[] = [];
  const watched = new Map<string, Set<string>>();
  const push = (call: LiveCall) => {
    if (queued.length === 0) queueMicrotask(flush);
    queued.push(call);
  };
  function flush() {
    const calls = queued;
    queued = [];
    if (calls.length) send(calls);
  }
  return {
    anomalies: (list) => {
      if (list.length) push(['anomalies', list]);
    },
    stats: (stats) => push(['stats', stats]),
    isWatched: (domain, entity) => watched.get(domain)?.has(entity) ?? false,
    toEntity: (domain, entity, event, payload) => push(['toEntity', domain, entity, event, payload]),
    toRoom: (room, event, payload) => push(['toRoom', room, event, payload]),
    setWatched: (domain, entities) => void watched.set(domain, new Set(entities)),
  };
}

/** The main thread's side: a worker's queued calls on the real feed. */
export function applyLiveCalls(live: LiveFeed, calls: readonly LiveCall[]): void {
  for (const c of calls) {
    if (c[0] === 'anomalies') live.anomalies(c[1]);
    else if (c[0] === 'stats') live.stats(c[1]);
    else if (c[0] === 'toEntity') live.toEntity(c[1], c[2], c[3], c[4]);
    else live.toRoom(c[1], c[2], c[3]);
  }
}
