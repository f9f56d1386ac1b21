import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig, ConfigError } from './index.ts';

test('defaults run everything on one machine', () => {
  const c = parseConfig({});
  assert.equal(c.http.port, 8080);
  assert.equal(c.nats.url, undefined);
  assert.equal(c.clickhouse.url, undefined);
  assert.equal(c.streams.partitions, 4);
  assert.deepEqual(c.scoring.severityBands, { minor: 70, major: 85, critical: 95 });
  assert.equal(c.producers.sensor.stations, 12);
});

test('file < env < overrides', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-cfg-'));
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ http: { port: 9000 }, dataDir: 'fromfile' }));
  const c = loadConfig({ file: 'c.json', cwd: dir, env: { VIGIA_HTTP_PORT: '9100' }, overrides: { dataDir: 'flag' } });
  assert.equal(c.http.port, 9100);
  assert.equal(c.dataDir, 'flag');
});

test('an invalid value names the field and what was expected', () => {
  assert.throws(
    () => parseConfig({ http: { port: 70000 } }),
    (err: unknown) => err instanceof ConfigError && /http\.port/.test(err.message) && /65535/.test(err.message),
  );
});

test('an env var that is not a number names the variable', () => {
  assert.throws(
    () => loadConfig({ env: { VIGIA_HTTP_PORT: 'eighty' }, cwd: tmpdir() }),
    (err: unknown) => err instanceof ConfigError && /VIGIA_HTTP_PORT/.test(err.message) && /http\.port/.test(err.message),
  );
});

test('a misspelt key is rejected by name', () => {
  assert.throws(
    () => parseConfig({ processor: { batchMaxEvent: 10 } }),
    (err: unknown) => err instanceof ConfigError && /processor/.test(err.message) && /batchMaxEvent/.test(err.message),
  );
});

test('severity bands must be ordered', () => {
  assert.throws(() => parseConfig({ scoring: { severityBands: { minor: 90, major: 80 } } }), /minor ≤ major/);
});

test('NATS_URL takes one URL or a comma-separated cluster list', () => {
  assert.equal(loadConfig({ env: { NATS_URL: 'nats://a:4222,nats://b:4222' }, cwd: tmpdir() }).nats.url, 'nats://a:4222,nats://b:4222');
  assert.throws(() => loadConfig({ env: { NATS_URL: 'localhost:4222' }, cwd: tmpdir() }), /nats\.url/);
});

test('access settings from the environment: token, allowed hosts (comma list), metrics token switch', () => {
  const c = loadConfig({ env: { VIGIA_TOKEN: 'a-token-of-24-characters', VIGIA_HTTP_ALLOWED_HOSTS: 'processor-a, processor-b', VIGIA_METRICS_NEED_TOKEN: 'false' }, cwd: tmpdir() });
  assert.equal(c.http.token, 'a-token-of-24-characters');
  assert.deepEqual(c.http.allowedHosts, ['processor-a', 'processor-b']);
  assert.equal(c.http.metricsNeedToken, false);
  assert.equal(parseConfig({}).http.metricsNeedToken, true);
  assert.equal(parseConfig({}).http.token, undefined, 'unset: generated into the data dir at start');
  assert.throws(() => loadConfig({ env: { VIGIA_TOKEN: 'short' }, cwd: tmpdir() }), /http\.token/);
  assert.throws(() => loadConfig({ env: { VIGIA_METRICS_NEED_TOKEN: 'nope' }, cwd: tmpdir() }), /VIGIA_METRICS_NEED_TOKEN/);
  // Credentials ride in NATS_URL.
  assert.equal(loadConfig({ env: { NATS_URL: 'nats://vigia:pw@a:4222,nats://vigia:pw@b:4222' }, cwd: tmpdir() }).nats.url, 'nats://vigia:pw@a:4222,nats://vigia:pw@b:4222');
});
