import type { Anomaly, LiveStats } from '../../../../contracts/index.ts';
import type { LiveFeed } from '../sinks.ts';

export interface FakeLiveFeed extends LiveFeed {
  /** Everything pushed, in order, per kind. */
  readonly pushed: {
    anomalies: Anomaly[];
    stats: LiveStats[];
    /** Domain payloads to one entity's screens. */
    toEntity: { domain: string; entity: string; event: string; payload: unknown }[];
    /** Domain payloads to a domain's own rooms. */
    toRoom: { room: string; event: string; payload: unknown }[];
  };
  /** One more screen watches this entity (isWatched turns true). */
  watch(domain: string, entity: string): void;
  /** One screen on this entity goes away; isWatched stays true while others remain. */
  unwatch(domain: string, entity: string): void;
}

/** A recorder standing in for the socket.io feed: never blocks, never throws. */
export function createFakeLiveFeed(): FakeLiveFeed {
  // Screens per entity: like a socket.io room, watched while anyone at all is in it.
  const watchers = new Map<string, number>();
  const pushed: FakeLiveFeed['pushed'] = { anomalies: [], stats: [], toEntity: [], toRoom: [] };
  const id = (domain: string, entity: string) => `${domain}\u0000${entity}`;
  return {
    pushed,
    watch(domain, entity) {
      const k = id(domain, entity);
      watchers.set(k, (watchers.get(k) ?? 0) + 1);
    },
    unwatch(domain, entity) {
      const k = id(domain, entity);
      const n = (watchers.get(k) ?? 0) - 1;
      if (n > 0) watchers.set(k, n);
      else watchers.delete(k);
    },
    isWatched: (domain, entity) => watchers.has(id(domain, entity)),
    anomalies: (list) => void pushed.anomalies.push(...list),
    stats: (stats) => void pushed.stats.push(stats),
    toEntity: (domain, entity, event, payload) => void pushed.toEntity.push({ domain, entity, event, payload }),
    toRoom: (room, event, payload) => void pushed.toRoom.push({ room, event, payload }),
  };
}
