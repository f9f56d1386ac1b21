import type { Server as HttpServer } from 'node:http';
import { serve } from '@hono/node-server';
import { Server as SocketIoServer, type ServerOptions as SocketIoOptions } from 'socket.io';
import type { Hono } from 'hono';

export interface RunningHttpServer {
  url: string;
  port: number;
  io: SocketIoServer;
  close(): Promise<void>;
}

/** One port for the UI, the API and socket.io (same origin: no CORS to configure). */
export async function startHttpServer(app: Hono, host: string, port: number, socketIo: Partial<SocketIoOptions> = {}): Promise<RunningHttpServer> {
  const server = await new Promise<HttpServer>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s as HttpServer));
    (s as HttpServer).once('error', reject);
  });
  const actualPort = (server.address() as { port: number }).port;
  const io = new SocketIoServer(server, { ...socketIo, serveClient: false });
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actualPort}`,
    port: actualPort,
    io,
    async close() {
      io.disconnectSockets(true);
      await new Promise<void>((r) => io.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
