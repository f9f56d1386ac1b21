import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * chDB lets one process own a data folder. The process that owns it (the processor) writes
 * this file so other commands (`vigia sql`) go through its HTTP API instead.
 */
export interface StackLock {
  pid: number;
  httpUrl: string;
  startedAt: number;
}

const FILE = 'processor.lock.json';

export function writeStackLock(dataDir: string, lock: StackLock): () => void {
  const path = join(dataDir, FILE);
  writeFileSync(path, JSON.stringify(lock));
  return () => {
    const current = readStackLock(dataDir);
    if (current?.pid === lock.pid) rmSync(path, { force: true });
  };
}

/** The lock of a live owner, or undefined (a stale lock of a dead process is ignored). */
export function readStackLock(dataDir: string): StackLock | undefined {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) return undefined;
  try {
    const lock = JSON.parse(readFileSync(path, 'utf8')) as StackLock;
    process.kill(lock.pid, 0);
    return lock;
  } catch {
    return undefined;
  }
}
