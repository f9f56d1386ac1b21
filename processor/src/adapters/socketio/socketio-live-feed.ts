import type { Server } from 'socket.io';
import { Domain, SOCKET_EVENTS, TRIP_SOCKET_EVENTS, TripResolution, type Anomaly, type LiveCellBoundary, type LiveReading, type LiveStats } from '../../../../contracts/index.ts';
import type { LiveFeed } from '../../ports/sinks.ts';

/** Room names: one per domain, one per entity, so a station view gets only its station. */
export const rooms = {
  domain: (d: string) => `domain:${d}`,
  entity: (d: string, entity: string) => `entity:${d}:${entity}`,
  tripMap: (resolution: number) => `map:trip:${resolution}`,
};

/**
 * Pushes anomalies to the rooms of their domain and entity, stats to everyone. Clients join
 * rooms by emitting `subscribe` with `{ domain, entity? }`.
 */
export function createSocketIoLiveFeed(io: Server): LiveFeed {
  io.on('connection', function onConnection(socket) {
    socket.on(SOCKET_EVENTS.subscribe, function onSubscribe(msg: unknown) {
      const m = (msg ?? {}) as { domain?: unknown; entity?: unknown };
      const domain = Domain.safeParse(m.domain);
      if (!domain.success) return socket.emit('error_message', `subscribe: unknown domain ${JSON.stringify(m.domain)}`);
      void socket.join(typeof m.entity === 'string' ? rooms.entity(domain.data, m.entity) : rooms.domain(domain.data));
    });
    // One map resolution per socket: watching another leaves the previous one.
    socket.on(TRIP_SOCKET_EVENTS.watchMap, function onWatchMap(msg: unknown) {
      const res = TripResolution.safeParse((msg as { resolution?: unknown } | null)?.resolution);
      if (!res.success) return socket.emit('error_message', `${TRIP_SOCKET_EVENTS.watchMap}: resolution must be one of 7, 8, 9, got ${JSON.stringify(msg)}`);
      for (const room of socket.rooms) if (room.startsWith('map:trip:')) void socket.leave(room);
      void socket.join(rooms.tripMap(res.data));
    });
  });
  return {
    anomalies(list: readonly Anomaly[]) {
      for (const a of list) {
        io.to([rooms.domain(a.domain), rooms.entity(a.domain, a.entity)]).emit(SOCKET_EVENTS.anomaly, a);
      }
    },
    stats(stats: LiveStats) {
      io.emit(SOCKET_EVENTS.stats, stats);
    },
    isWatched(domain: string, entity: string) {
      return (io.sockets.adapter.rooms.get(rooms.entity(domain, entity))?.size ?? 0) > 0;
    },
    readings(list: readonly LiveReading[]) {
      for (const r of list) io.to(rooms.entity(r.domain, r.entity)).emit(SOCKET_EVENTS.reading, r);
    },
    cellBoundaries(list: readonly LiveCellBoundary[]) {
      for (const b of list) io.to(rooms.tripMap(b.resolution)).emit(TRIP_SOCKET_EVENTS.cells, b);
    },
  };
}
