import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from './nats-server.ts';
import { loadOrCreateHttpToken } from './access/http-token.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'vigia.js');

export interface ProcessorProcess {
  httpUrl: string;
  /** The API token (VIGIA_TOKEN of the child's env, else `<dataDir>/access/http-token`). */
  token: string;
  /** `httpUrl + path` with the token as a bearer header. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The URL a browser opens: sets the token cookie, then shows `hash` (e.g. `#/stations`). */
  uiUrl(hash?: string): string;
  child: ChildProcess;
  /** Graceful stop (SIGTERM). */
  stop(): Promise<void>;
  /** SIGKILL: no cleanup, no ack of the batch in flight. */
  kill(): Promise<void>;
  /** POST /api/sql and return the rows. */
  sql<T = Record<string, unknown>>(query: string): Promise<T[]>;
}

export interface ProcessorProcessOptions {
  natsUrl: string;
  dataDir: string;
  env?: Record<string, string>;
  /** Called with the child as soon as it is spawned (tests register it with their reaper). */
  onSpawn?: (child: ChildProcess) => void;
}

/**
 * The real `vigia processor` as a child process (so a test or bench can SIGKILL it), on a random HTTP
 * port, with its log in `<dataDir>/processor.log`.
 */
export async function startProcessorProcess(opts: ProcessorProcessOptions): Promise<ProcessorProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, VIGIA_LOG_LEVEL: 'info', ...opts.env, NATS_URL: opts.natsUrl };
  // Created before the child starts, which then reads the same file (as under `vigia up`).
  const token = loadOrCreateHttpToken({ dataDir: opts.dataDir, http: { token: env.VIGIA_TOKEN || undefined } });
  // The NATS URL carries the password: in the environment, not in argv (any user's `ps` shows argv).
  const child = spawn(process.execPath, [BIN, 'processor', '--data-dir', opts.dataDir, '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  opts.onSpawn?.(child);
  child.stderr!.pipe(createWriteStream(join(opts.dataDir, 'processor.log'), { flags: 'a' }));
  const httpUrl = await new Promise<string>((res, rej) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const m = JSON.parse(line) as { ready?: boolean; httpUrl?: string };
        if (m.ready && m.httpUrl) res(m.httpUrl);
      } catch {
        /* ignore */
      }
    });
    child.once('exit', (code) => rej(new Error(`processor exited (code ${code}) before it was ready; see ${opts.dataDir}/processor.log`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const authed = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(`${httpUrl}${path}`, { ...init, headers });
  };
  return {
    httpUrl,
    token,
    fetch: authed,
    uiUrl: (hash = '') => `${httpUrl}/?token=${encodeURIComponent(token)}${hash}`,
    child,
    stop: () => stopChild(child, 15_000),
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    async sql<T>(query: string) {
      const post = () => authed('/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      // A caller that blocked its event loop (spawnSync of a long CLI command) may hold a
      // keep-alive socket the server closed meanwhile; a read-only query is safe to send again.
      const res = await post().catch((err: Error & { cause?: { code?: string } }) => {
        // Whatever the code: UND_ERR_SOCKET, ECONNRESET and EPIPE have all been seen here.
        if (err.cause?.code !== undefined) return post();
        throw err;
      });
      const body = (await res.json()) as { rows: T[]; error?: string };
      if (!res.ok) throw new Error(`SQL failed (${res.status}): ${body.error}`);
      return body.rows;
    },
  };
}
