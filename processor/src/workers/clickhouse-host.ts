import type { ClickHouseClient } from '@clickhouse/client';
import { Readable } from 'node:stream';
import type { StatementScheduler } from '../adapters/clickhouse/fair-statement-queue.ts';
import { chunkJsonLines } from '../adapters/clickhouse/insert-chunks.ts';
import { coalesceWhileBusy } from '../adapters/clickhouse/coalesce-while-busy.ts';
import { MAX_ROWS_PER_INSERT } from '../adapters/clickhouse/scheduled-client.ts';
import type { RemoteInsert, RemoteQuery } from './remote-clickhouse.ts';

/** A table (or column) name a worker asked to insert into that is not a plain identifier. */
export class BadTableNameError extends Error {
  override name = 'BadTableNameError';
  constructor(readonly table: string) {
    super(`refusing to insert into '${table}': a table or column name is letters, digits and _ (a table optionally database.table)`);
  }
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The main thread's side of createRemoteClickHouse: a worker's inserts and queries on the one
 * store (on the session of the slot its turn gets), as the worker's lane of the scheduler (so one worker's queue does not hold up
 * another's statements). An insert arrives as JSONEachRow text and goes to chDB as is (exec
 * with a raw body: `insert` would want row objects), so the main thread does no per-row work
 * beyond finding line ends to cut a large insert into statements of `maxRowsPerInsert` rows.
 */
export function clickHouseHandlers(sessions: readonly ClickHouseClient[], scheduler: StatementScheduler, lane: string, maxRowsPerInsert = MAX_ROWS_PER_INSERT) {
  async function insertText(client: ClickHouseClient, into: string, text: string): Promise<void> {
    const res = await client.exec({ query: `INSERT INTO ${into}`, values: Readable.from([text]) });
    // A server connection is only free again once the (empty) answer is read.
    for await (const _ of res.stream) void _;
  }
  async function insert({ table, text, columns }: RemoteInsert): Promise<void> {
    if (!TABLE_NAME.test(table)) throw new BadTableNameError(table);
    const bad = columns?.find((c) => !COLUMN_NAME.test(c));
    if (bad !== undefined) throw new BadTableNameError(`${table} (${bad})`);
    const into = columns ? `${table} (${columns.join(', ')}) FORMAT JSONCompactEachRow` : `${table} FORMAT JSONEachRow`;
    // Chunks one after another: the events table's rows, last, only once the others committed.
    for (const chunk of chunkJsonLines(text, maxRowsPerInsert)) await scheduler.run(lane, (slot) => insertText(sessions[slot]!, into, chunk));
  }
  /**
   * Group commit, as the main thread's record writer does (clickhouse-record-writer.ts):
   * batches of one table list that arrive while the previous ones are written (or wait for
   * their turn) go together, one text per table, in the list's order; each batch's call
   * resolves once the group committed. Keyed by the list, as a worker with several domains
   * sends several.
   */
  const groups = new Map<string, (tables: readonly RemoteInsert[]) => Promise<void>>();
  function groupFor(tables: readonly RemoteInsert[]) {
    const key = tables.map((t) => t.table).join(',');
    let write = groups.get(key);
    if (!write) {
      write = coalesceWhileBusy<readonly RemoteInsert[]>(async (batches) => {
        for (let i = 0; i < batches[0]!.length; i++) {
          const text = batches.length === 1 ? batches[0]![i]!.text : batches.map((b) => b[i]!.text).join('');
          if (text.length > 0) await insert({ ...batches[0]![i]!, text });
        }
      });
      groups.set(key, write);
    }
    return write;
  }
  return {
    insert,
    /** A batch's tables, in order ('' for a table without rows). */
    insertTables: (tables: readonly RemoteInsert[]): Promise<void> => groupFor(tables)(tables),
    async query({ query, params }: RemoteQuery): Promise<string> {
      return scheduler.run(lane, async (slot) => {
        const rs = await sessions[slot]!.query({ query, query_params: params ?? {}, format: 'JSONEachRow' });
        return rs.text();
      });
    },
  };
}
