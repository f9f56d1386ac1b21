/** A migration file failed; names the file so the operator knows where to look. */
export class MigrationError extends Error {
  override name = 'MigrationError';
  constructor(
    readonly file: string,
    options: { cause: unknown },
  ) {
    super(`Migration ${file} failed: ${(options.cause as Error)?.message ?? options.cause}`, options);
  }
}

/** The embedded chDB folder belongs to another running process (chDB allows one per folder). */
export class StoreLockedError extends Error {
  override name = 'StoreLockedError';
  constructor(
    readonly path: string,
    readonly ownerPid: number,
  ) {
    super(
      `The embedded ClickHouse data in ${path} is in use by process ${ownerPid}. ` +
        `Stop it, or reach the data through its HTTP API (vigia sql does this by itself).`,
    );
  }
}

/** A SQL request that the read-only query API refuses; carries the reason for a 4xx. */
export class QueryRejectedError extends Error {
  override name = 'QueryRejectedError';
}

/** Which bound of the `sql` config section stopped an analyst query. */
export type QueryLimit = 'time' | 'memory' | 'result';

/** ClickHouse stopped an analyst query at one of its limits; the message names the limit and the way out. */
export class QueryLimitError extends Error {
  override name = 'QueryLimitError';
  constructor(
    readonly limit: QueryLimit,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** As many analyst queries as allowed are already running; the caller should retry shortly. */
export class SqlBusyError extends Error {
  override name = 'SqlBusyError';
  constructor(readonly running: number) {
    super(`${running} SQL ${running === 1 ? 'query is' : 'queries are'} already running (sql.maxConcurrent = ${running}); retry when one has finished.`);
  }
}
