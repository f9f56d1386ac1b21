import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { NatsServerMissingError, NatsServerStartError } from './stack-errors.ts';
import { withNatsCredentials } from '../nats/index.ts';
import { LOCAL_NATS_USER } from './access/nats-credentials.ts';

export interface NatsServerOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Folder for JetStream files and the server log. */
  dir: string;
  /** Explicit binary; else PATH; else (root on Debian) apt-get install. */
  bin?: string | undefined;
  /** Allow installing the Debian package when nothing is found. @default true */
  allowInstall?: boolean;
  /** Called with progress lines (found, installing…). */
  onInfo?: (line: string) => void;
  /**
   * Password of the server's one user (LOCAL_NATS_USER); clients without it are refused.
   * Unset: a random one for this run. Either way `url` carries it.
   */
  password?: string | undefined;
}

export interface RunningNatsServer {
  /** With the credentials: `nats://vigia:<password>@127.0.0.1:<port>`. */
  url: string;
  port: number;
  pid: number;
  version: string;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** SIGKILL at once (fault-injection tests). */
  kill(): void;
}

/** Find nats-server: explicit path, then PATH, then the Debian package when allowed. */
export function findNatsServer(opts: Pick<NatsServerOptions, 'bin' | 'allowInstall' | 'onInfo'> = {}): string {
  if (opts.bin) {
    if (!existsSync(opts.bin)) throw new NatsServerMissingError(`NATS_SERVER_BIN=${opts.bin} does not exist`);
    return opts.bin;
  }
  const onPath = whichSync('nats-server');
  if (onPath) return onPath;
  if (opts.allowInstall !== false && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    opts.onInfo?.('nats-server not on PATH: installing the Debian package nats-server (apt-get)…');
    const r = spawnSync('sh', ['-c', 'apt-get install -y -qq nats-server || (apt-get update -qq && apt-get install -y -qq nats-server)'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const installed = whichSync('nats-server');
    if (r.status === 0 && installed) return installed;
    throw new NatsServerMissingError('apt-get install nats-server failed');
  }
  throw new NatsServerMissingError('not on PATH, and not root on a Debian system to install it');
}

/** Start nats-server with JetStream in `dir`, wait until it accepts connections. */
export async function startNatsServer(opts: NatsServerOptions): Promise<RunningNatsServer> {
  const bin = findNatsServer(opts);
  const dir = resolve(opts.dir);
  mkdirSync(join(dir, 'jetstream'), { recursive: true });
  const port = opts.port === 0 ? await freePort() : opts.port;
  const conf = join(dir, 'nats-server.conf');
  const password = opts.password ?? randomBytes(24).toString('base64url');
  if (!/^[A-Za-z0-9_-]{16,}$/.test(password)) throw new NatsServerStartError('the NATS password must be 16+ characters of A–Z, a–z, 0–9, _ or -', '');
  // Explicit JetStream limits: the default (a share of RAM and disk) is surprising on a laptop.
  writeFileSync(
    conf,
    [
      `listen: 127.0.0.1:${port}`,
      `server_name: vigia-${port}`,
      `jetstream { store_dir: "${join(dir, 'jetstream')}", max_memory_store: 256MB, max_file_store: 20GB }`,
      `max_payload: 1MB`,
      // Anyone who can reach the port could otherwise read and publish every stream.
      `authorization { user: "${LOCAL_NATS_USER}", password: "${password}" }`,
      `log_file: "${join(dir, 'nats-server.log')}"`,
    ].join('\n'),
    { mode: 0o600 },
  );
  chmodSync(conf, 0o600); // it holds the password; an older file may have been world-readable
  const version = (spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout || '').trim().replace(/^nats-server:\s*/, '');
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const logTail = () => stderr + (existsSync(join(dir, 'nats-server.log')) ? readFileSync(join(dir, 'nats-server.log'), 'utf8').slice(-2000) : '');
  await waitForPort(port, child, 10_000).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new NatsServerStartError(err.message, logTail());
  });
  return {
    url: withNatsCredentials(`nats://127.0.0.1:${port}`, LOCAL_NATS_USER, password),
    port,
    pid: child.pid!,
    version,
    stop: () => stopChild(child),
    kill: () => void child.kill('SIGKILL'),
  };
}

export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function whichSync(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/usr/local/sbin', '/usr/bin'])) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((r) => {
      const s = createConnection({ port, host: '127.0.0.1' }, () => (s.end(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nats-server did not accept connections on port ${port} within ${timeoutMs} ms`);
}
