import type { ClickHouseClient } from '@clickhouse/client';
import type { TableWrite } from '../domains/domain-module.ts';
import type { RecordWriter } from '../ports/sinks.ts';
import type { Rpc } from './message-rpc.ts';
import { coalesceWhileBusy } from '../adapters/clickhouse/coalesce-while-busy.ts';
import { lingerOptions, type WriteLinger } from '../adapters/clickhouse/clickhouse-record-writer.ts';

/** A call the worker's stand-in client does not forward (only insert and query are). */
export class RemoteClickHouseUnsupportedError extends Error {
  override name = 'RemoteClickHouseUnsupportedError';
  constructor(what: string) {
    super(`${what} is not available in a worker: only JSONEachRow inserts and queries are forwarded to the main thread's store`);
  }
}

export interface RemoteInsert {
  table: string;
  /** The rows as JSONEachRow text, exactly what @clickhouse/client would send; or, with `columns`, as JSONCompactEachRow value arrays in that order. */
  text: string;
  /** The column list of a JSONCompactEachRow text (a table's `compact` form). */
  columns?: readonly string[];
}
export interface RemoteQuery {
  query: string;
  params: Record<string, unknown> | undefined;
}

function jsonEachRow(values: readonly unknown[]): string {
  let text = '';
  for (const v of values) text += JSON.stringify(v) + '\n';
  return text;
}

/**
 * A worker's RecordWriter: a write's rows for every table of the list as text (JSONEachRow, or
 * the table's compact form: less to serialise here and to parse there; '' for a table with
 * none), in one message; the main thread inserts them in the list's order (the events table
 * last) and answers once all are committed. One round trip per write, not one per table.
 * Batches group as the direct writer's do (clickhouse-record-writer.ts): those that arrive while
 * one is in flight, and with a `linger` those that wait for each other, go in one message; every
 * table is named, empty or not, so the main thread can also write messages that queue behind
 * each other together, table by table (clickhouse-host.ts).
 */
export function createRemoteRecordWriter<R>(rpc: Pick<Rpc, 'call'>, writes: readonly TableWrite<R>[], linger?: WriteLinger<R>): RecordWriter<R> {
  const write = coalesceWhileBusy<R>(async (batches) => {
    let rows = 0;
    const tables: RemoteInsert[] = writes.map((w) => {
      let text = '';
      for (const records of batches) {
        const values = w.compact ? w.compact.values(records) : w.rows(records);
        rows += values.length;
        text += jsonEachRow(values);
      }
      return { table: w.table, text, ...(w.compact ? { columns: w.compact.columns } : {}) };
    });
    if (rows > 0) await rpc.call('insertTables', tables);
  }, lingerOptions(linger));
  return { write };
}

/**
 * The ClickHouse client a worker's snapshot store uses: the subset it calls
 * (`insert` of JSONEachRow arrays, `query` in JSONEachRow) forwarded to the main thread, which
 * alone owns chDB. The rows become JSONEachRow text here, in the worker, so the main thread
 * only hands text to chDB: no per-row work on the thread that serves HTTP and socket.io.
 */
export function createRemoteClickHouse(rpc: Pick<Rpc, 'call'>): ClickHouseClient {
  const client = {
    async insert(params: { table: string; values: readonly unknown[]; format?: string }) {
      if ((params.format ?? 'JSONEachRow') !== 'JSONEachRow' || !Array.isArray(params.values)) throw new RemoteClickHouseUnsupportedError(`insert in ${params.format} or from a stream`);
      if (params.values.length === 0) return;
      await rpc.call('insert', { table: params.table, text: jsonEachRow(params.values) } satisfies RemoteInsert);
    },
    async query(params: { query: string; query_params?: Record<string, unknown>; format?: string }) {
      if ((params.format ?? 'JSON') !== 'JSONEachRow') throw new RemoteClickHouseUnsupportedError(`query in ${params.format ?? 'JSON'}`);
      const text = await rpc.call<string>('query', { query: params.query, params: params.query_params } satisfies RemoteQuery);
      return {
        text: async () => text,
        json: async () => text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as unknown),
      };
    },
    async close() {},
  };
  for (const name of ['command', 'exec', 'ping']) {
    Object.assign(client, { [name]: () => Promise.reject(new RemoteClickHouseUnsupportedError(name)) });
  }
  // Only the methods above exist; the adapter that gets it (the snapshot store) calls no others.
  return client as unknown as ClickHouseClient;
}
