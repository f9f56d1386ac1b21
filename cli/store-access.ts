import type { VigiaConfig } from '../config/index.ts';
import { readStackLock } from '../stack/stack-lock.ts';
import { openAnalystSql, openStore, type QueryResult } from '../store/src/index.ts';
import { UsageError } from './usage-error.ts';
import { stackAuthHeaders } from './stack-auth.ts';

/**
 * Run a read-only query from a CLI command. A server when CLICKHOUSE_URL is set; else the
 * running stack's HTTP API when it owns the embedded folder (chDB allows one process per
 * folder); else the folder itself.
 */
export async function queryStore(config: VigiaConfig, query: string): Promise<QueryResult> {
  const lock = config.clickhouse.url ? undefined : readStackLock(config.dataDir);
  if (lock) {
    const res = await fetch(`${lock.httpUrl}/api/sql`, { method: 'POST', headers: { 'content-type': 'application/json', ...stackAuthHeaders(config) }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as QueryResult & { error?: string };
    if (!res.ok) throw new UsageError(`query rejected (HTTP ${res.status}): ${body.error}`);
    return body;
  }
  const options = { ...config.clickhouse, dataDir: config.dataDir };
  const store = await openStore(options);
  try {
    const sql = await openAnalystSql(options, { ...config.sql, maxConcurrent: 1 });
    try {
      return await sql.query(query);
    } finally {
      await sql.close();
    }
  } finally {
    await store.close();
  }
}
