import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactNatsUrl, splitNatsCredentials, withNatsCredentials } from './nats-url-credentials.ts';

test('credentials leave the URLs and become options', () => {
  assert.deepEqual(splitNatsCredentials('nats://127.0.0.1:4222'), { servers: ['nats://127.0.0.1:4222'] });
  assert.deepEqual(splitNatsCredentials('nats://vigia:s3cr%40t@127.0.0.1:4222'), { servers: ['nats://127.0.0.1:4222'], user: 'vigia', pass: 's3cr@t' });
  assert.deepEqual(splitNatsCredentials('nats://tok3n@a:4222'), { servers: ['nats://a:4222'], token: 'tok3n' });
  assert.deepEqual(splitNatsCredentials('nats://u:p@a:4222,nats://u:p@b:4222,nats://c:4222'), { servers: ['nats://a:4222', 'nats://b:4222', 'nats://c:4222'], user: 'u', pass: 'p' });
  assert.throws(() => splitNatsCredentials('nats://u:p@a:4222,nats://v:q@b:4222'), /different credentials/);
});

test('withNatsCredentials adds (or replaces) them on each URL, and redaction hides them', () => {
  const url = withNatsCredentials('nats://a:4222,nats://old:x@b:4222', 'vigia', 'p/w');
  assert.equal(url, 'nats://vigia:p%2Fw@a:4222,nats://vigia:p%2Fw@b:4222');
  assert.deepEqual(splitNatsCredentials(url), { servers: ['nats://a:4222', 'nats://b:4222'], user: 'vigia', pass: 'p/w' });
  assert.equal(redactNatsUrl(url), 'nats://***@a:4222,nats://***@b:4222');
  assert.equal(redactNatsUrl('nats://a:4222'), 'nats://a:4222');
});
