import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync, statSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { io as socketClient, type Socket } from 'socket.io-client';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { connectNats } from '../../nats/index.ts';
import { startTestNats } from '../harness/nats.ts';
import { startProcessorProcess, type ProcessorProcess } from '../harness/processor-process.ts';
import { tempDir } from '../harness/temp-dir.ts';

// Issue #13 "Access", against the real processor and nats-server: nothing answers without
// its credentials, and the CLI finds them where the stack keeps them.
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vigia.js');
let dir: ReturnType<typeof tempDir>;
let nats: RunningNatsServer;
let proc: ProcessorProcess;
const sockets: Socket[] = [];

before(async () => {
  dir = tempDir('access');
  nats = await startTestNats(dir.path);
  proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path });
});
after(async () => {
  for (const s of sockets) s.close();
  await proc?.stop();
  await nats?.stop();
  dir?.remove();
});

/** node:http, because fetch will not send a Host of our choosing. */
function rawRequest(path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  const url = new URL(proc.httpUrl);
  return new Promise((res, rej) => {
    const req = request({ host: url.hostname, port: url.port, path, method: body === undefined ? 'GET' : 'POST', headers }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => (text += d));
      r.on('end', () => res({ status: r.statusCode ?? 0, text }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

test('NATS refuses a client without the password, or with a wrong one; the stack’s URL carries it', async () => {
  const bare = `nats://127.0.0.1:${nats.port}`;
  await assert.rejects(connect({ servers: bare, reconnect: false, timeout: 5000 }), /authorization/i);
  await assert.rejects(connect({ servers: bare, user: 'vigia', pass: 'not-the-password', reconnect: false, timeout: 5000 }), /authorization/i);
  const nc = await connectNats({ url: nats.url, name: 'access-test' });
  await nc.flush();
  await nc.close();
  // The password sits in the data dir, readable by its owner only.
  assert.equal(statSync(join(dir.path, 'access', 'nats-password')).mode & 0o777, 0o600);
});

test('the HTTP API over TCP: 401 without the token, 421 for a foreign Host, 403 for a cross-origin text/plain POST', async () => {
  const host = new URL(proc.httpUrl).host;
  const body = JSON.stringify({ query: 'SELECT 1 AS one' });
  assert.equal((await rawRequest('/api/sql', { host, 'content-type': 'application/json' }, body)).status, 401);
  assert.equal((await rawRequest('/metrics', { host })).status, 401);
  assert.equal((await rawRequest('/api/sensor/stations', { host })).status, 401);
  const auth = { authorization: `Bearer ${proc.token}` };
  assert.equal((await rawRequest('/api/sql', { host: `evil.example:${new URL(proc.httpUrl).port}`, ...auth, 'content-type': 'application/json' }, body)).status, 421);
  assert.equal((await rawRequest('/api/sql', { host, origin: 'http://evil.example', 'content-type': 'text/plain' }, body)).status, 403);
  const ok = await rawRequest('/api/sql', { host, ...auth, 'content-type': 'application/json' }, body);
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual((JSON.parse(ok.text) as { rows: unknown }).rows, [{ one: 1 }]);
  // The token the processor uses is the one the data dir holds (0600).
  const file = join(dir.path, 'access', 'http-token');
  assert.equal(readFileSync(file, 'utf8').trim(), proc.token);
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test('socket.io on the real processor: refused without the token, connected with it', async () => {
  const attempt = (auth?: { token: string }) =>
    new Promise<string>((res) => {
      const s = socketClient(proc.httpUrl, { transports: ['websocket'], reconnection: false, forceNew: true, ...(auth ? { auth } : {}) });
      sockets.push(s);
      s.once('connect', () => res('connected'));
      s.once('connect_error', (err: Error) => res(err.message));
    });
  assert.match(await attempt(), /unauthorized/);
  assert.equal(await attempt({ token: proc.token }), 'connected');
});

test('the CLI finds the token and the NATS password in the data dir, and says where to look when the token is wrong', () => {
  // No NATS_URL: `vigia status` builds the local URL with the password from <dataDir>/access.
  const env = { ...process.env, VIGIA_DATA_DIR: dir.path, VIGIA_NATS_PORT: String(nats.port), NATS_URL: '', VIGIA_TOKEN: '' };
  const status = spawnSync(process.execPath, [BIN, 'status', '--json'], { encoding: 'utf8', env });
  assert.equal(status.status, 0, status.stderr);
  const sql = spawnSync(process.execPath, [BIN, 'sql', 'SELECT 41 + 1 AS answer', '--format', 'json'], { encoding: 'utf8', env });
  assert.equal(sql.status, 0, sql.stderr);
  assert.deepEqual(JSON.parse(sql.stdout), [{ answer: 42 }]);
  const wrong = spawnSync(process.execPath, [BIN, 'sql', 'SELECT 1'], { encoding: 'utf8', env: { ...env, VIGIA_TOKEN: 'wrong-token-0123456789' } });
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /HTTP 401.*access\/http-token/s);
});
