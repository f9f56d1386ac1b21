import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { MigrationError } from './store-errors.ts';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** `NNNN_name.sql` files, in version order, each split into statements. */
export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f, statements: splitStatements(readFileSync(join(dir, f), 'utf8')) }));
}

/** Split on `;` at line ends, dropping `--` comment lines; our migrations hold no `;` in strings. */
export function splitStatements(sql: string): string[] {
  const body = sql
    .split('\n')
    .map((l) => l.replace(/--.*$/, ''))
    .join('\n');
  return body
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Apply every migration not yet recorded in `schema_migrations`; returns the versions applied. */
export async function migrate(client: ClickHouseClient, dir = MIGRATIONS_DIR): Promise<number[]> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC'))
            ENGINE = ReplacingMergeTree(applied_at) ORDER BY version`,
  });
  const res = await client.query({ query: 'SELECT version FROM schema_migrations FINAL', format: 'JSONEachRow' });
  const done = new Set((await res.json<{ version: number }>()).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of listMigrations(dir)) {
    if (done.has(m.version)) continue;
    try {
      // Statements are idempotent (IF NOT EXISTS), so a crash half-way is safe to re-run.
      for (const statement of m.statements) await client.command({ query: statement });
      await client.insert({
        table: 'schema_migrations',
        values: [{ version: m.version, name: m.name, applied_at: Date.now() }],
        format: 'JSONEachRow',
      });
    } catch (cause) {
      throw new MigrationError(m.name, { cause });
    }
    applied.push(m.version);
  }
  return applied;
}
