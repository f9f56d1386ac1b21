import { QueryLimitError, QueryRejectedError, SqlBusyError } from '../../../../store/src/index.ts';

export interface SqlErrorResponse {
  status: 400 | 408 | 413 | 429;
  body: { error: string; code?: string; type?: string; limit?: string };
  /** Seconds before a retry makes sense (429). */
  retryAfter?: number;
}

/**
 * The 4xx answer to an analyst query that failed through the caller's SQL, or undefined for
 * anything else (then it is the server's fault, and a 500). Refused statements and ClickHouse's
 * own SQL errors are 400; a query stopped by the time limit is 408, by memory or result size
 * 413; too many at once is 429.
 */
export function sqlErrorResponse(err: unknown): SqlErrorResponse | undefined {
  if (err instanceof QueryRejectedError) return { status: 400, body: { error: err.message } };
  if (err instanceof QueryLimitError) return { status: err.limit === 'time' ? 408 : 413, body: { error: err.message, limit: err.limit } };
  if (err instanceof SqlBusyError) return { status: 429, body: { error: err.message }, retryAfter: 1 };
  // ClickHouse refused the SQL (syntax, unknown table or column…): the caller's mistake. Known by
  // its numeric code, not by class: chDB's connection builds its errors with
  // @clickhouse/client-common's ClickHouseError, which @clickhouse/client bundles a copy of.
  const e = err as { code?: unknown; type?: string; message?: string };
  if (typeof e?.code === 'string' && /^\d+$/.test(e.code)) return { status: 400, body: { error: e.message ?? '', code: e.code, type: e.type } };
  return undefined;
}
