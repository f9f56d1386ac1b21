import assert from 'node:assert/strict';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { tempDir } from '../../test/harness/temp-dir.ts';
import { loadOrCreateSecret, readSecret, secretPath, SecretFileError } from './secret-file.ts';
import { loadOrCreateHttpToken, readHttpToken } from './http-token.ts';

test('a secret is created once, private, and reused after', () => {
  const dir = tempDir('secret-file');
  try {
    assert.equal(readSecret(dir.path, 'x'), undefined);
    const first = loadOrCreateSecret(dir.path, 'x');
    assert.match(first, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(statSync(secretPath(dir.path, 'x')).mode & 0o777, 0o600);
    assert.equal(statSync(`${dir.path}/access`).mode & 0o777, 0o700);
    assert.equal(loadOrCreateSecret(dir.path, 'x'), first);
    assert.notEqual(loadOrCreateSecret(dir.path, 'y'), first);
  } finally {
    dir.remove();
  }
});

test('a secret file others can read is refused with a way out', () => {
  const dir = tempDir('secret-file');
  try {
    loadOrCreateSecret(dir.path, 'x');
    chmodSync(secretPath(dir.path, 'x'), 0o644);
    assert.throws(() => readSecret(dir.path, 'x'), (err: unknown) => err instanceof SecretFileError && /chmod 600/.test(err.message));
    writeFileSync(secretPath(dir.path, 'x'), 'short', { mode: 0o600 });
    chmodSync(secretPath(dir.path, 'x'), 0o600);
    assert.throws(() => readSecret(dir.path, 'x'), /shorter than 16/);
  } finally {
    dir.remove();
  }
});

test('the HTTP token: the configured one wins; else the data dir’s, which clients read but never create', () => {
  const dir = tempDir('http-token');
  try {
    assert.equal(readHttpToken({ dataDir: dir.path, http: {} }), undefined);
    assert.equal(loadOrCreateHttpToken({ dataDir: dir.path, http: { token: 'configured-token-123' } }), 'configured-token-123');
    assert.equal(readHttpToken({ dataDir: dir.path, http: {} }), undefined, 'a configured token writes no file');
    const made = loadOrCreateHttpToken({ dataDir: dir.path, http: {} });
    assert.equal(readHttpToken({ dataDir: dir.path, http: {} }), made);
  } finally {
    dir.remove();
  }
});
