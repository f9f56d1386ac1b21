import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Folder of the stack's secrets inside the data dir (mode 0700, files 0600). */
export const ACCESS_DIR = 'access';

export class SecretFileError extends Error {
  constructor(path: string, why: string) {
    super(`secret file ${path}: ${why}. Delete it to have a new one generated, or fix its permissions (chmod 600).`);
    this.name = 'SecretFileError';
  }
}

export function secretPath(dataDir: string, name: string): string {
  return join(dataDir, ACCESS_DIR, name);
}

/** The secret stored under `name`, or undefined when there is none yet. */
export function readSecret(dataDir: string, name: string): string | undefined {
  const path = secretPath(dataDir, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // A secret others can read is no secret: refuse it loudly rather than use it.
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) throw new SecretFileError(path, 'readable by other users');
  if (text.length < 16) throw new SecretFileError(path, 'shorter than 16 characters');
  return text;
}

/**
 * The secret stored under `name`; created (32 random bytes, base64url) on first use. Creation
 * is exclusive, so two processes starting at once end up with the same secret.
 */
export function loadOrCreateSecret(dataDir: string, name: string): string {
  const existing = readSecret(dataDir, name);
  if (existing) return existing;
  const dir = join(dataDir, ACCESS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  // Written whole under a temporary name, then linked into place: a concurrent reader never
  // sees a half-written file, and link() fails when another process got there first.
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
  writeFileSync(tmp, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, secretPath(dataDir, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  return readSecret(dataDir, name)!;
}
