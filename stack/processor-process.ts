import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from './nats-server.ts';
import { loadOrCreateHttpToken } from './access/http-token.ts';

/**
 * Environment every processor child gets. chDB runs each query on a libuv worker thread and an
 * analyst query may hold one for sql.maxExecutionSeconds: Node's default pool of 4 would let
 * a few of them delay ingestion and /health. The pool size can only be set before the process
 * starts (it is read when the pool first starts, which module loading already does).
 */
export const PROCESSOR_ENV = { UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '16' };

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
  const env: NodeJS.ProcessEnv = { ...process.env, ...PROCESSOR_ENV, VIGIA_LOG_LEVEL: 'info', ...opts.env, NATS_URL: opts.natsUrl };
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
    // Everything the harness sends is read-only (GETs, analyst SQL): safe to send again.
    return fetchWithResend(`${httpUrl}${path}`, { ...init, headers });
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
      const res = await authed('/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      const body = (await res.json()) as { rows: T[]; error?: string };
      if (!res.ok) throw new Error(`SQL failed (${res.status}): ${body.error}`);
      return body.rows;
    },
  };
}

/**
 * fetch that sends a read-only request again when the connection failed before an answer came.
 * A caller that blocked its event loop (spawnSync of a long CLI command) may hold a keep-alive
 * socket the server closed meanwhile; undici then fails with UND_ERR_SOCKET, ECONNRESET, EPIPE
 * or "other side closed" depending on timing, so any network-level failure is resent, not a
 * list of codes. Only for idempotent requests (the harness sends read-only SQL).
 */
export async function fetchWithResend(url: string, init: RequestInit, attempts = 4): Promise<Response> {
  for (let i = 1; ; i++) {
    try {
      return await fetch(url, init);
    } catch (err) {
      // fetch rejects with a TypeError for network failures; anything else is a real bug.
      if (!(err instanceof TypeError) || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 50 * i));
    }
  }
}
