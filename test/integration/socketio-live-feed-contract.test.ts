// The LiveFeed contract against the socket.io feed: a real server with the processor's access
// rules, screens as real socket.io clients over TCP subscribing to an entity.
import { DOMAIN_MODULES } from '../../processor/src/domains/registry.ts';
import { after, before } from 'node:test';
import { Hono } from 'hono';
import { io as socketClient, type Socket } from 'socket.io-client';
import { SOCKET_EVENTS } from '../../contracts/index.ts';
import { startHttpServer, type RunningHttpServer } from '../../processor/src/adapters/http/start-http-server.ts';
import { installSocketIoAccess, socketIoServerOptions, type SocketIoAccess } from '../../processor/src/adapters/socketio/socketio-access.ts';
import { createSocketIoLiveFeed, rooms } from '../../processor/src/adapters/socketio/socketio-live-feed.ts';
import type { LiveFeed } from '../../processor/src/ports/sinks.ts';
import { describeLiveFeedContract } from '../contracts/live-feed-contract.ts';
import { waitFor } from '../harness/processor-process.ts';

const TOKEN = 'live-feed-contract-token-0123456789';
const access: SocketIoAccess = { token: TOKEN, boundHost: '127.0.0.1', allowedHosts: [], tokenHint: 'see access/http-token', maxMessageBytes: 16 * 1024, maxPerAddress: 50 };
let server: RunningHttpServer;
let feed: LiveFeed;
const open: Socket[] = [];

before(async () => {
  server = await startHttpServer(new Hono(), '127.0.0.1', 0, socketIoServerOptions(access));
  installSocketIoAccess(server.io, access);
  feed = createSocketIoLiveFeed(server.io, { names: DOMAIN_MODULES.map((m) => m.name), rooms: DOMAIN_MODULES.flatMap((m) => m.socketRooms ?? []) }, { maxRoomsPerSocket: 64 });
});
after(async () => {
  for (const s of open) s.close();
  await server?.close();
});

/** The server-side socket of a client: where its subscribe lands (not the room table isWatched reads). */
const serverSocket = (client: Socket) => server.io.sockets.sockets.get(client.id ?? '');

describeLiveFeedContract('socket.io', async () => ({
  feed,
  async watchEntity(domain, entity) {
    const client = socketClient(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: TOKEN } });
    open.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    client.emit(SOCKET_EVENTS.subscribe, { domain, entity });
    await waitFor(async () => serverSocket(client)?.rooms.has(rooms.entity(domain, entity)) ?? false, (joined) => joined, 5_000, `the subscribe of ${entity}`);
    return {
      async leave() {
        const id = client.id;
        client.close();
        await waitFor(async () => server.io.sockets.sockets.has(id ?? ''), (connected) => !connected, 5_000, 'the disconnect');
      },
    };
  },
}));
