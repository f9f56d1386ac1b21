import type { ClickHouseClient } from '@clickhouse/client';
import { assertReadOnlyQuery } from './read-only-query.ts';

export type QueryFormat = 'json' | 'table';

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  /** Rows were cut at `maxRows`. */
  truncated: boolean;
  elapsedMs: number;
}

/**
 * Run an analyst's read-only query and return columns and rows. Rows are capped so a careless
 * `SELECT *` cannot exhaust the processor's memory.
 */
export async function runQuery(client: ClickHouseClient, sql: string, maxRows = 10_000): Promise<QueryResult> {
  const query = assertReadOnlyQuery(sql);
  const started = performance.now();
  const res = await client.query({
    query: `SELECT * FROM (${query}) LIMIT ${maxRows + 1}`,
    format: 'JSONCompactEachRowWithNamesAndTypes',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
  }).catch(async (err: unknown) => {
    // SHOW / DESCRIBE / EXPLAIN cannot be wrapped in a subquery: run them as they are.
    if (!/^(show|describe|desc|explain|exists)\b/i.test(query)) throw err;
    return client.query({ query, format: 'JSONCompactEachRowWithNamesAndTypes' });
  });
  const lines = (await res.json()) as unknown[][];
  const [names = [], types = [], ...data] = lines as [string[], string[], ...unknown[][]];
  const columns = names.map((name, i) => ({ name, type: String(types[i]) }));
  const truncated = data.length > maxRows;
  const rows = data.slice(0, maxRows).map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
  return { columns, rows, truncated, elapsedMs: Math.round(performance.now() - started) };
}
