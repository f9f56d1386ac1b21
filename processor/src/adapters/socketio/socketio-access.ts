import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import { allowedHostSet, hostAllowed, presentedToken, sameOriginRequest, tokenCookieName, tokenMatches } from '../http/request-checks.ts';

export interface SocketIoAccess {
  token: string;
  boundHost: string;
  allowedHosts: readonly string[];
  /** Where an operator finds the token; quoted when a handshake is refused. */
  tokenHint: string;
  /** Largest message a client may send, bytes. */
  maxMessageBytes: number;
  /** Open connections per client address. */
  maxPerAddress: number;
}

/**
 * Engine-level options: every HTTP request and WebSocket upgrade of socket.io passes the same
 * Host and Origin rules as the API (a WebSocket is not bound by the same-origin policy, so
 * without this any page could open one), and messages are small (a subscribe is ~100 bytes).
 */
export function socketIoServerOptions(access: SocketIoAccess): Partial<ServerOptions> {
  const hosts = allowedHostSet(access.boundHost, access.allowedHosts);
  return {
    maxHttpBufferSize: access.maxMessageBytes,
    allowRequest(req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) {
      const h = req.headers;
      const secFetchSite = Array.isArray(h['sec-fetch-site']) ? h['sec-fetch-site'][0] : h['sec-fetch-site'];
      if (!hostAllowed(h.host, hosts)) return callback('host not allowed', false);
      if (!sameOriginRequest({ origin: h.origin, host: h.host, secFetchSite })) return callback('cross-origin request refused', false);
      callback(null, true);
    },
  };
}

/**
 * Namespace-level: a socket connects only with the token (`auth: { token }`, a bearer header,
 * or the UI's cookie), and one address holds at most `maxPerAddress` sockets.
 */
export function installSocketIoAccess(io: Server, access: SocketIoAccess): void {
  const perAddress = new Map<string, number>();
  io.use((socket, next) => {
    const hs = socket.handshake;
    const fromAuth = typeof hs.auth?.token === 'string' ? (hs.auth.token as string) : undefined;
    const presented = fromAuth ?? presentedToken({ authorization: hs.headers.authorization, cookie: hs.headers.cookie }, tokenCookieName(hs.headers.host));
    if (!tokenMatches(presented, access.token)) return next(new Error(`unauthorized: missing or wrong access token. ${access.tokenHint}`));
    if ((perAddress.get(hs.address) ?? 0) >= access.maxPerAddress) return next(new Error(`too many connections from ${hs.address} (http.socketMaxPerAddress = ${access.maxPerAddress})`));
    next();
  });
  io.on('connection', (socket) => {
    const address = socket.handshake.address;
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    socket.once('disconnect', () => {
      const n = (perAddress.get(address) ?? 1) - 1;
      if (n <= 0) perAddress.delete(address);
      else perAddress.set(address, n);
    });
  });
}
