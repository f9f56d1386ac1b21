import { rooms } from '../adapters/socketio/socketio-live-feed.ts';

/** The entities of a domain some socket watches, from socket.io's room table (non-empty rooms only). */
export function watchedEntities(roomTable: ReadonlyMap<string, ReadonlySet<string>>, domain: string): string[] {
  const prefix = rooms.entity(domain, '');
  const out: string[] = [];
  for (const [room, members] of roomTable) if (members.size > 0 && room.startsWith(prefix)) out.push(room.slice(prefix.length));
  return out.sort();
}
