import type { ClickHouseClient } from '@clickhouse/client';
import { Readable } from 'node:stream';
import type { RemoteInsert, RemoteQuery } from './remote-clickhouse.ts';

/** A table name a worker asked to insert into that is not a plain identifier. */
export class BadTableNameError extends Error {
  override name = 'BadTableNameError';
  constructor(readonly table: string) {
    super(`refusing to insert into '${table}': a table name is letters, digits and _ (optionally database.table)`);
  }
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/**
 * The main thread's side of createRemoteClickHouse: workers' inserts and queries on the one
 * chDB session. An insert arrives as JSONEachRow text and goes to chDB as is (exec with a raw
 * body: `insert` would want row objects), so the main thread does no per-row work.
 */
export function clickHouseHandlers(client: ClickHouseClient) {
  async function insert({ table, text }: RemoteInsert): Promise<void> {
    if (!TABLE_NAME.test(table)) throw new BadTableNameError(table);
    const res = await client.exec({ query: `INSERT INTO ${table} FORMAT JSONEachRow`, values: Readable.from([text]) });
    // A server connection is only free again once the (empty) answer is read.
    for await (const _ of res.stream) void _;
  }
  return {
    insert,
    /** A batch's tables, in order (sequential: chDB runs one statement at a time anyway). */
    async insertTables(tables: readonly RemoteInsert[]): Promise<void> {
      for (const t of tables) await insert(t);
    },
    async query({ query, params }: RemoteQuery): Promise<string> {
      const rs = await client.query({ query, query_params: params ?? {}, format: 'JSONEachRow' });
      return rs.text();
    },
  };
}
