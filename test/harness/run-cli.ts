import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reapAtEnd } from './reaper.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vigia.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `vigia <args>` as a child process, awaited without blocking the test's event loop: a
 * spawnSync of a long command froze the test while the processor closed its idle keep-alive
 * sockets and socket.io pings went unanswered, so the next request failed by chance.
 */
export function runVigia(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const child = reapAtEnd(spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((res, rej) => {
    child.once('error', rej);
    child.once('close', (status) => res({ status, stdout, stderr }));
  });
}
