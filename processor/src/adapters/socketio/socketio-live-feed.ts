import type { Server } from 'socket.io';
import { z } from 'zod';
import { Domain, SOCKET_EVENTS, TRIP_SOCKET_EVENTS, TripResolution, type Anomaly, type LiveCellBoundary, type LiveReading, type LiveStats } from '../../../../contracts/index.ts';
import type { LiveFeed } from '../../ports/sinks.ts';

/** Room names: one per domain, one per entity, so a station view gets only its station. */
export const rooms = {
  domain: (d: string) => `domain:${d}`,
  entity: (d: string, entity: string) => `entity:${d}:${entity}`,
  tripMap: (resolution: number) => `map:trip:${resolution}`,
};

/** Entity ids a client may subscribe to: station ids, H3 cells, bench names (`a:b.c-d_e`). */
export const SubscribableEntity = z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'entity ids are 1–128 characters of A–Z, a–z, 0–9, _ . : @ or -');

export interface LiveFeedLimits {
  /** Domain and entity rooms one socket may be in; a subscribe beyond is refused. @default 64 */
  maxRoomsPerSocket: number;
}

/**
 * Pushes anomalies to the rooms of their domain and entity, stats to everyone. Clients join
 * rooms by emitting `subscribe` with `{ domain, entity? }`. Every room costs server memory for
 * as long as the socket lives, so entity ids are validated and each socket holds a bounded
 * number of rooms.
 */
export function createSocketIoLiveFeed(io: Server, limits: LiveFeedLimits = { maxRoomsPerSocket: 64 }): LiveFeed {
  io.on('connection', function onConnection(socket) {
    socket.on(SOCKET_EVENTS.subscribe, function onSubscribe(msg: unknown) {
      const m = (msg ?? {}) as { domain?: unknown; entity?: unknown };
      const domain = Domain.safeParse(m.domain);
      if (!domain.success) return socket.emit('error_message', `subscribe: unknown domain ${JSON.stringify(m.domain)?.slice(0, 80)}`);
      let room = rooms.domain(domain.data);
      if (m.entity !== undefined && m.entity !== null) {
        const entity = SubscribableEntity.safeParse(m.entity);
        if (!entity.success) return socket.emit('error_message', `subscribe: ${entity.error.issues[0]!.message}`);
        room = rooms.entity(domain.data, entity.data);
      }
      if (socket.rooms.has(room)) return;
      // socket.rooms includes the socket's own room (its id); map rooms are capped at one by watchMap.
      const joined = [...socket.rooms].filter((r) => r.startsWith('domain:') || r.startsWith('entity:')).length;
      if (joined >= limits.maxRoomsPerSocket) return socket.emit('error_message', `subscribe: this connection is already in ${joined} rooms, the most one may join (http.socketMaxRooms)`);
      void socket.join(room);
    });
    // One map resolution per socket: watching another leaves the previous one.
    socket.on(TRIP_SOCKET_EVENTS.watchMap, function onWatchMap(msg: unknown) {
      const res = TripResolution.safeParse((msg as { resolution?: unknown } | null)?.resolution);
      if (!res.success) return socket.emit('error_message', `${TRIP_SOCKET_EVENTS.watchMap}: resolution must be one of 7, 8, 9, got ${JSON.stringify(msg)?.slice(0, 80)}`);
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
