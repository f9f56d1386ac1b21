import type { Anomaly, LiveCellBoundary, LiveReading, LiveStats } from '../../../../contracts/index.ts';
import type { LiveFeed } from '../sinks.ts';

export interface FakeLiveFeed extends LiveFeed {
  /** Everything pushed, in order, per kind. */
  readonly pushed: {
    anomalies: Anomaly[];
    stats: LiveStats[];
    readings: LiveReading[];
    cellBoundaries: LiveCellBoundary[];
  };
  /** A screen starts watching this entity (isWatched turns true). */
  watch(domain: string, entity: string): void;
  /** The last screen on this entity goes away. */
  unwatch(domain: string, entity: string): void;
}

/** A recorder standing in for the socket.io feed: never blocks, never throws. */
export function createFakeLiveFeed(): FakeLiveFeed {
  const watched = new Set<string>();
  const pushed: FakeLiveFeed['pushed'] = { anomalies: [], stats: [], readings: [], cellBoundaries: [] };
  const id = (domain: string, entity: string) => `${domain}\u0000${entity}`;
  return {
    pushed,
    watch: (domain, entity) => void watched.add(id(domain, entity)),
    unwatch: (domain, entity) => void watched.delete(id(domain, entity)),
    isWatched: (domain, entity) => watched.has(id(domain, entity)),
    anomalies: (list) => void pushed.anomalies.push(...list),
    stats: (stats) => void pushed.stats.push(stats),
    readings: (list) => void pushed.readings.push(...list),
    cellBoundaries: (list) => void pushed.cellBoundaries.push(...list),
  };
}
