import { DOMAIN_MODULES } from '../../domains/registry.ts';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Hono } from 'hono';
import { io as socketClient, type Socket, type SocketOptions, type ManagerOptions } from 'socket.io-client';
import { SOCKET_EVENTS } from '../../../../contracts/index.ts';
import { startHttpServer, type RunningHttpServer } from '../http/start-http-server.ts';
import { installSocketIoAccess, socketIoServerOptions, type SocketIoAccess } from './socketio-access.ts';
import { createSocketIoLiveFeed } from './socketio-live-feed.ts';

// The real socket.io server with the processor's access rules and live feed, a real
// socket.io-client over TCP, and the server's room table in view: a refused subscribe must
// leave no room behind.
const TOKEN = 'socket-test-token-0123456789';
const access: SocketIoAccess = { token: TOKEN, boundHost: '127.0.0.1', allowedHosts: [], tokenHint: 'see access/http-token', maxMessageBytes: 16 * 1024, maxPerAddress: 6 };
let server: RunningHttpServer;
const open: Socket[] = [];

before(async () => {
  server = await startHttpServer(new Hono(), '127.0.0.1', 0, socketIoServerOptions(access));
  installSocketIoAccess(server.io, access);
  createSocketIoLiveFeed(server.io, { names: DOMAIN_MODULES.map((m) => m.name), rooms: DOMAIN_MODULES.flatMap((m) => m.socketRooms ?? []) }, { maxRoomsPerSocket: 64 });
});
after(async () => {
  for (const s of open) s.close();
  await server.close();
});

function client(opts: Partial<ManagerOptions & SocketOptions> = {}): Socket {
  const s = socketClient(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
  open.push(s);
  return s;
}

/** Resolves with 'connected', or the connect_error's message. */
function outcome(s: Socket): Promise<string> {
  return new Promise((res) => {
    s.once('connect', () => res('connected'));
    s.once('connect_error', (err: Error) => res(err.message));
  });
}

const entityRooms = () => [...server.io.sockets.adapter.rooms.keys()].filter((r) => r.startsWith('entity:'));

test('a socket without the token, or with a wrong one, is refused with a message saying where the token is', async () => {
  const none = await outcome(client());
  assert.match(none, /unauthorized.*access\/http-token/);
  assert.match(await outcome(client({ auth: { token: 'wrong' } })), /unauthorized/);
});

test('the token in auth, as a bearer header or as the UI cookie lets a socket in', async () => {
  assert.equal(await outcome(client({ auth: { token: TOKEN } })), 'connected');
  assert.equal(await outcome(client({ extraHeaders: { authorization: `Bearer ${TOKEN}` } })), 'connected');
  const port = new URL(server.url).port;
  assert.equal(await outcome(client({ extraHeaders: { cookie: `other=1; vigia_token_${port}=${TOKEN}` } })), 'connected');
  for (const s of open.splice(0)) s.close();
});

test('a WebSocket from another origin or for another Host is refused at the handshake, token or not', async () => {
  assert.notEqual(await outcome(client({ auth: { token: TOKEN }, extraHeaders: { origin: 'http://evil.example' } })), 'connected');
  assert.notEqual(await outcome(client({ auth: { token: TOKEN }, extraHeaders: { host: 'evil.example' } })), 'connected');
  assert.equal(await outcome(client({ auth: { token: TOKEN }, extraHeaders: { origin: server.url } })), 'connected');
  for (const s of open.splice(0)) s.close();
});

test('the probe of issue #13: 300 subscribes with 900 KB entity names pin nothing', async () => {
  for (let i = 0; i < 300; i++) {
    const s = client({ auth: { token: TOKEN } });
    assert.equal(await outcome(s), 'connected');
    const gone = new Promise<string>((res) => {
      s.once('disconnect', (reason) => res(reason));
      setTimeout(() => res('still connected after 5 s'), 5000).unref();
    });
    s.emit(SOCKET_EVENTS.subscribe, { domain: 'sensor', entity: `${'x'.repeat(900_000)}${i}` });
    // Over maxHttpBufferSize: the server drops the connection before reading the message.
    assert.equal(await gone, 'transport close');
    open.splice(open.indexOf(s), 1);
  }
  assert.deepEqual(entityRooms(), []);
});

test('entity ids are validated: too long, odd characters or not a string is an error_message and no room', async () => {
  const s = client({ auth: { token: TOKEN } });
  await outcome(s);
  const errors: string[] = [];
  s.on('error_message', (m: string) => errors.push(m));
  for (const entity of ['e'.repeat(129), 'a b', '../x', '<script>', 42, '']) s.emit(SOCKET_EVENTS.subscribe, { domain: 'sensor', entity });
  s.emit(SOCKET_EVENTS.subscribe, { domain: 'sensor', entity: 'station-01' });
  await waitUntil(() => errors.length === 6 && entityRooms().length === 1);
  assert.ok(errors.every((e) => /subscribe: entity ids are 1–128 characters/.test(e) || /expected string/.test(e)), errors.join('\n'));
  assert.deepEqual(entityRooms(), ['entity:sensor:station-01']);
  s.close();
  await waitUntil(() => entityRooms().length === 0);
});

test('one socket joins at most 64 rooms; the 65th subscribe is refused with an error_message', async () => {
  const s = client({ auth: { token: TOKEN } });
  await outcome(s);
  const errors: string[] = [];
  s.on('error_message', (m: string) => errors.push(m));
  for (let i = 0; i < 300; i++) s.emit(SOCKET_EVENTS.subscribe, { domain: 'sensor', entity: `st-${i}` });
  // Subscribing again to a room it is in costs nothing and is not refused.
  s.emit(SOCKET_EVENTS.subscribe, { domain: 'sensor', entity: 'st-0' });
  await waitUntil(() => errors.length === 236);
  assert.equal(entityRooms().length, 64);
  assert.match(errors[0]!, /already in 64 rooms/);
  s.close();
  await waitUntil(() => entityRooms().length === 0);
});

test('one address holds at most socketMaxPerAddress connections', async () => {
  const results: string[] = [];
  for (let i = 0; i < 7; i++) results.push(await outcome(client({ auth: { token: TOKEN } })));
  assert.deepEqual(results.slice(0, 6), Array(6).fill('connected'));
  assert.match(results[6]!, /too many connections/);
  for (const s of open.splice(0)) s.close();
  await waitUntil(() => server.io.sockets.sockets.size === 0);
  assert.equal(await outcome(client({ auth: { token: TOKEN } })), 'connected', 'closing frees the slots');
});

async function waitUntil(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
