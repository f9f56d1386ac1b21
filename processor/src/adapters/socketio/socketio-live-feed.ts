import type { Server } from 'socket.io';
import { z } from 'zod';
import { SOCKET_EVENTS, type Anomaly, type LiveStats } from '../../../../contracts/index.ts';
import type { DomainSocketRoom } from '../../domains/domain-module.ts';
import type { LiveFeed } from '../../ports/sinks.ts';

/** Room names: one per domain, one per entity, so a station view gets only its station. */
export const rooms = {
  domain: (d: string) => `domain:${d}`,
  entity: (d: string, entity: string) => `entity:${d}:${entity}`,
};

/** Entity ids a client may subscribe to: station ids, H3 cells, bench names (`a:b.c-d_e`). */
export const SubscribableEntity = z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'entity ids are 1–128 characters of A–Z, a–z, 0–9, _ . : @ or -');

export interface LiveFeedLimits {
  /** Domain and entity rooms one socket may be in; a subscribe beyond is refused. @default 64 */
  maxRoomsPerSocket: number;
}

export interface LiveFeedDomains {
  /** The domains a client may subscribe to (the registered ones). */
  names: readonly string[];
  /** The domains' own rooms (e.g. one trip map resolution per socket). */
  rooms: readonly DomainSocketRoom[];
}

/**
 * Pushes anomalies to the rooms of their domain and entity, stats to everyone. Clients join
 * rooms by emitting `subscribe` with `{ domain, entity? }`. Every room costs server memory for
 * as long as the socket lives, so entity ids are validated and each socket holds a bounded
 * number of rooms.
 */
export function createSocketIoLiveFeed(io: Server, domains: LiveFeedDomains, limits: LiveFeedLimits = { maxRoomsPerSocket: 64 }): LiveFeed {
  io.on('connection', function onConnection(socket) {
    socket.on(SOCKET_EVENTS.subscribe, function onSubscribe(msg: unknown) {
      const m = (msg ?? {}) as { domain?: unknown; entity?: unknown };
      const domain = typeof m.domain === 'string' && domains.names.includes(m.domain) ? m.domain : undefined;
      if (!domain) return socket.emit('error_message', `subscribe: unknown domain ${JSON.stringify(m.domain)?.slice(0, 80)}`);
      let room = rooms.domain(domain);
      if (m.entity !== undefined && m.entity !== null) {
        const entity = SubscribableEntity.safeParse(m.entity);
        if (!entity.success) return socket.emit('error_message', `subscribe: ${entity.error.issues[0]!.message}`);
        room = rooms.entity(domain, entity.data);
      }
      if (socket.rooms.has(room)) return;
      // socket.rooms includes the socket's own room (its id); map rooms are capped at one by watchMap.
      const joined = [...socket.rooms].filter((r) => r.startsWith('domain:') || r.startsWith('entity:')).length;
      if (joined >= limits.maxRoomsPerSocket) return socket.emit('error_message', `subscribe: this connection is already in ${joined} rooms, the most one may join (http.socketMaxRooms)`);
      void socket.join(room);
    });
    // A domain's own rooms: one of each kind per socket (joining another leaves the previous one).
    for (const kind of domains.rooms) {
      socket.on(kind.event, function onJoinDomainRoom(msg: unknown) {
        const answer = kind.roomOf(msg);
        if ('error' in answer) return socket.emit('error_message', answer.error);
        for (const room of socket.rooms) if (room.startsWith(kind.prefix)) void socket.leave(room);
        void socket.join(answer.room);
      });
    }
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
    toEntity(domain: string, entity: string, event: string, payload: unknown) {
      io.to(rooms.entity(domain, entity)).emit(event, payload);
    },
    toRoom(room: string, event: string, payload: unknown) {
      io.to(room).emit(event, payload);
    },
  };
}
