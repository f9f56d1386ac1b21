import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { migrate } from './migrate.ts';

export interface StoreOptions {
  /** ClickHouse server URL; when unset, embedded chDB in `<dataDir>/chdb`. */
  url?: string | undefined;
  username?: string;
  password?: string;
  /** Database holding all Vigía tables. */
  database: string;
  /** Root data folder (embedded mode only). */
  dataDir: string;
  /** Apply pending migrations on open. @default true */
  migrate?: boolean;
}

export interface Store {
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly mode: 'embedded' | 'server';
  /** Where the embedded data lives, or the server URL. */
  readonly location: string;
  /**
   * `n` sessions that can run statements side by side, `client` first. Embedded, the others are
   * chDB connections of their own on the same data (one chDB connection runs one statement at a
   * time), closed with the store; a server's client already runs requests side by side, so it
   * is every one of them.
   */
  sessions(n: number): Promise<ClickHouseClient[]>;
  close(): Promise<void>;
}

/**
 * One ClickHouse client for both modes. chDB ignores the client's `database` option, so the
 * session is switched with `USE`, which lasts for the embedded session; on a server the
 * client's `database` setting does the same. SQL therefore works unqualified in both.
 */
export async function openStore(opts: StoreOptions): Promise<Store> {
  const store = opts.url ? await openServer(opts) : await openEmbedded(opts);
  if (opts.migrate !== false) await migrate(store.client);
  return store;
}

async function openEmbedded(opts: StoreOptions): Promise<Store> {
  const path = resolve(opts.dataDir, 'chdb');
  mkdirSync(path, { recursive: true });
  const connect = async () => {
    const session = createClient({ connection: createChdbConnection({ path }) } as Parameters<typeof createClient>[0]);
    await session.command({ query: `CREATE DATABASE IF NOT EXISTS ${opts.database}` });
    await session.command({ query: `USE ${opts.database}` });
    return session;
  };
  const client = await connect();
  const extra: ClickHouseClient[] = [];
  return {
    client,
    database: opts.database,
    mode: 'embedded',
    location: path,
    async sessions(n) {
      while (extra.length < n - 1) extra.push(await connect());
      return [client, ...extra.slice(0, Math.max(0, n - 1))];
    },
    async close() {
      await Promise.all(extra.map((s) => s.close()));
      await client.close();
    },
  };
}

async function openServer(opts: StoreOptions): Promise<Store> {
  const base = { url: opts.url, username: opts.username ?? 'default', password: opts.password ?? '' };
  const bootstrap = createClient(base);
  try {
    await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${opts.database}` });
  } finally {
    await bootstrap.close();
  }
  const client = createClient({ ...base, database: opts.database, clickhouse_settings: { date_time_input_format: 'best_effort' } });
  return { client, database: opts.database, mode: 'server', location: opts.url!, sessions: async (n) => Array.from({ length: n }, () => client), close: () => client.close() };
}
