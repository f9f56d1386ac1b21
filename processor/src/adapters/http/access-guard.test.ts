import { DOMAIN_MODULES } from '../../domains/registry.ts';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { openAnalystSql, openStore, type AnalystSql, type Store } from '../../../../store/src/index.ts';
import { parseConfig } from '../../../../config/index.ts';
import { tempDir } from '../../../../test/harness/temp-dir.ts';
import { ProcessorMetrics } from '../../metrics.ts';
import { createHttpApp } from './http-app.ts';
import type { HttpAccess } from './access-guard.ts';

// The HTTP access rules against the real app and real chDB: each attack of issue #13 (a page
// of another origin running SQL, DNS rebinding, no token at all) is refused before any query
// reaches the store. `queries` counts what did reach it.
const dir = tempDir('access-guard');
const TOKEN = 'test-token-0123456789abcdef';
const HOST = '127.0.0.1:8080';
let store: Store;
let analyst: AnalystSql;
let queries = 0;

function app(over: Partial<HttpAccess> = {}) {
  const counting = new Proxy(store.client, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return (...args: Parameters<ClickHouseClient['query']>) => {
          queries++;
          return target.query(...args);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const sql: AnalystSql = {
    query: (q) => {
      queries++;
      return analyst.query(q);
    },
    close: () => analyst.close(),
  };
  return createHttpApp({
    store: counting,
    sql,
    metrics: new ProcessorMetrics(),
    uiDir: dir.path,
    modules: DOMAIN_MODULES,
    health: async () => ({ nats: { ok: true, detail: '127.0.0.1:4222' } }),
    access: { token: TOKEN, boundHost: '127.0.0.1', allowedHosts: [], metricsNeedToken: true, maxBodyBytes: 64 * 1024, tokenHint: 'see access/http-token', ...over },
  });
}

const bearer = { authorization: `Bearer ${TOKEN}` };
const sqlPost = (headers: Record<string, string>, body = JSON.stringify({ query: 'SELECT 1 AS one' })) =>
  app().request('/api/sql', { method: 'POST', headers: { host: HOST, ...headers }, body });

before(async () => {
  store = await openStore({ database: 'vigia', dataDir: dir.path });
  analyst = await openAnalystSql({ database: 'vigia', dataDir: dir.path }, parseConfig({}).sql);
});
after(async () => {
  await analyst?.close();
  await store.close();
  dir.remove();
});

test('with the bearer token the SQL API answers', async () => {
  const res = await sqlPost({ ...bearer, 'content-type': 'application/json' });
  assert.equal(res.status, 200);
  assert.deepEqual(((await res.json()) as { rows: unknown[] }).rows, [{ one: 1 }]);
});

test('without the token: 401 on the API and /metrics, naming where the token is, and nothing runs', async () => {
  const before = queries;
  for (const [path, init] of [
    ['/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"SELECT 1"}' }],
    ['/api/sensor/stations', {}],
    ['/api/trip/fare-anomalies', {}],
    ['/api/features/export?domain=sensor&run=live&set=x', {}],
    ['/metrics', {}],
  ] as const) {
    const res = await app().request(path, { ...init, headers: { host: HOST, ...('headers' in init ? init.headers : {}) } });
    assert.equal(res.status, 401, path);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.match(((await res.json()) as { error: string }).error, /access\/http-token/, path);
  }
  const wrong = await sqlPost({ authorization: 'Bearer not-the-token', 'content-type': 'application/json' });
  assert.equal(wrong.status, 401);
  assert.equal(queries, before);
});

test('/metrics is open when http.metricsNeedToken is false', async () => {
  const res = await app({ metricsNeedToken: false }).request('/metrics', { headers: { host: HOST } });
  assert.equal(res.status, 200);
});

test('/health answers without the token but tells only the status; the token shows the checks', async () => {
  const open = await app().request('/health', { headers: { host: HOST } });
  assert.equal(open.status, 200);
  assert.deepEqual(await open.json(), { status: 'ok' });
  assert.equal(open.headers.get('x-frame-options'), 'DENY');
  assert.equal(open.headers.get('x-content-type-options'), 'nosniff');
  const full = (await (await app().request('/health', { headers: { host: HOST, ...bearer } })).json()) as { checks?: unknown };
  assert.deepEqual(full.checks, { nats: { ok: true, detail: '127.0.0.1:4222' } });
});

test('DNS rebinding: a Host that is not ours is refused, token or not; allowedHosts extends the list', async () => {
  for (const host of ['evil.example', 'evil.example:8080', '127.0.0.1.evil.example']) {
    const res = await app().request('/api/sql', { method: 'POST', headers: { host, ...bearer, 'content-type': 'application/json' }, body: '{"query":"SELECT 1"}' });
    assert.equal(res.status, 421, host);
    assert.equal((await app().request('/', { headers: { host } })).status, 421, `${host} on /`);
  }
  assert.equal((await app().request('/health', {})).status, 421, 'no Host at all');
  for (const host of ['localhost:8080', '127.0.0.1', '[::1]:8080', 'LOCALHOST']) assert.equal((await app().request('/health', { headers: { host } })).status, 200, host);
  assert.equal((await app({ allowedHosts: ['vigia.lan'] }).request('/health', { headers: { host: 'vigia.lan:8080' } })).status, 200);
  assert.equal((await app({ allowedHosts: ['*'] }).request('/health', { headers: { host: 'anything.example' } })).status, 200);
  // Bound to 0.0.0.0 (Docker): that is no name a client uses.
  assert.equal((await app({ boundHost: '0.0.0.0' }).request('/health', { headers: { host: '0.0.0.0:8080' } })).status, 421);
});

test('CSRF: a cross-origin text/plain POST is refused and runs nothing, even when the browser sends the cookie', async () => {
  const before = queries;
  const res = await sqlPost({ origin: 'http://evil.example', 'content-type': 'text/plain', cookie: `vigia_token_8080=${TOKEN}` }, '{"query":"SELECT 1"}');
  assert.equal(res.status, 403);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
  // Another port of the same machine is another origin (and the same site: Sec-Fetch-Site).
  assert.equal((await sqlPost({ ...bearer, origin: 'http://127.0.0.1:9999', 'content-type': 'application/json' })).status, 403);
  assert.equal((await sqlPost({ ...bearer, 'sec-fetch-site': 'same-site', 'content-type': 'application/json' })).status, 403);
  assert.equal((await sqlPost({ ...bearer, origin: 'null', 'content-type': 'application/json' })).status, 403);
  assert.equal(queries, before);
  // The page we served ourselves is fine.
  assert.equal((await sqlPost({ ...bearer, origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' })).status, 200);
});

test('a same-origin POST that is not JSON is a 415 and runs nothing', async () => {
  const before = queries;
  const res = await sqlPost({ ...bearer, 'content-type': 'text/plain' });
  assert.equal(res.status, 415);
  assert.equal((await sqlPost({ ...bearer })).status, 415, 'no content-type');
  assert.equal(queries, before);
});

test('GET /api/sql?query= runs nothing: cross-origin it is a 403, otherwise a 405 pointing at POST', async () => {
  const before = queries;
  const q = '/api/sql?query=' + encodeURIComponent('SELECT 1');
  const cross = await app().request(q, { headers: { host: HOST, 'sec-fetch-site': 'cross-site', cookie: `vigia_token_8080=${TOKEN}` } });
  assert.equal(cross.status, 403);
  const withToken = await app().request(q, { headers: { host: HOST, ...bearer } });
  assert.equal(withToken.status, 405);
  assert.equal(withToken.headers.get('allow'), 'POST');
  assert.equal(queries, before);
});

test('a body over http.maxBodyBytes is a 413, also when it does not say its length', async () => {
  const before = queries;
  const big = JSON.stringify({ query: `SELECT '${'x'.repeat(100 * 1024)}'` });
  assert.equal((await sqlPost({ ...bearer, 'content-type': 'application/json' }, big)).status, 413);
  const stream = new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode(big));
      c.close();
    },
  });
  const chunked = await app().request('/api/sql', { method: 'POST', headers: { host: HOST, ...bearer, 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
  assert.equal(chunked.status, 413);
  assert.equal(queries, before);
});

test('the browser flow: /?token= sets an HttpOnly SameSite=Strict cookie and drops the token from the URL', async () => {
  const res = await app().request(`/?token=${TOKEN}&x=1`, { headers: { host: HOST } });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/?x=1');
  const cookie = res.headers.get('set-cookie') ?? '';
  assert.match(cookie, /^vigia_token_8080=/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const value = /^([^;]+)/.exec(cookie)![1]!;
  const api = await app().request('/api/sql', { method: 'POST', headers: { host: HOST, cookie: value, 'content-type': 'application/json' }, body: '{"query":"SELECT 1 AS one"}' });
  assert.equal(api.status, 200);
  const wrong = await app().request('/?token=wrong', { headers: { host: HOST } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get('set-cookie'), null);
});

test('CORS stays closed: a preflight from another origin gets no Access-Control-Allow-Origin', async () => {
  const res = await app().request('/api/sql', {
    method: 'OPTIONS',
    headers: { host: HOST, origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
  });
  assert.equal(res.status, 403);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
});

test('an encoded path is the same path: /%61pi/sql asks for the token too', async () => {
  const res = await app().request('/%61pi/sql', { method: 'POST', headers: { host: HOST, 'content-type': 'application/json' }, body: '{"query":"SELECT 1"}' });
  assert.equal(res.status, 401);
});
