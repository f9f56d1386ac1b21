/** Bounds on every analyst query (the `sql` config section). */
export interface SqlLimits {
  /** ClickHouse stops a query after this long (max_execution_time), seconds. */
  maxExecutionSeconds: number;
  /** Memory one query may use (max_memory_usage), MiB. */
  maxMemoryMiB: number;
  /** Rows an answer carries; more are cut and the answer says `truncated`. */
  maxResultRows: number;
  /** Size of a result before it is formatted (max_result_bytes), MiB. */
  maxResultMiB: number;
  /** CPU threads per query (max_threads). */
  maxThreads: number;
  /** Queries running at once; one more is refused. */
  maxConcurrent: number;
  /** Longest SQL text accepted, bytes. */
  maxQueryBytes: number;
}

const MiB = 1024 * 1024;

/**
 * The ClickHouse settings of an analyst session, in the order they must be set: `readonly = 1`
 * comes last because after it no setting can change, neither by SET nor by a query's SETTINGS
 * clause. With `capResults`: `limit` cuts the top-level SELECT one row past the cap, so a cut is
 * visible; a result that still grows past `max_result_rows` or `max_result_bytes` (each branch
 * of a top-level UNION gets its own `limit`) fails instead of being cut silently.
 */
export function analystSettings(limits: SqlLimits, opts: { capResults: boolean }): [name: string, value: number | string][] {
  const caps: [string, number | string][] = [
    ['limit', limits.maxResultRows + 1],
    ['max_result_rows', limits.maxResultRows + 1],
    ['max_result_bytes', Math.round(limits.maxResultMiB * MiB)],
    ['result_overflow_mode', 'throw'],
  ];
  return [
    ['max_execution_time', limits.maxExecutionSeconds],
    ['timeout_overflow_mode', 'throw'],
    ['max_memory_usage', Math.round(limits.maxMemoryMiB * MiB)],
    ['max_threads', limits.maxThreads],
    ...(opts.capResults ? caps : []),
    ['output_format_json_quote_64bit_integers', 1],
    ['readonly', 1],
  ];
}
