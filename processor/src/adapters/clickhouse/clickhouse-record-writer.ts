import type { ClickHouseClient } from '@clickhouse/client';
import type { TableWrite } from '../../domains/domain-module.ts';
import type { RecordWriter } from '../../ports/sinks.ts';

/**
 * Writes a batch's records as the domain's table list says: one INSERT per non-empty table,
 * in order. Every table is keyed for ReplacingMergeTree, so writing a batch again after a crash
 * or a failed attempt doubles nothing; the events table comes last, because its rows are what
 * `status` and the tests count as "processed". A table that gives its rows as value arrays
 * (`compact`) goes as JSONCompactEachRow with its column list; the others as JSONEachRow.
 */
export function createClickHouseRecordWriter<R>(client: ClickHouseClient, writes: readonly TableWrite<R>[]): RecordWriter<R> {
  return {
    async write(records: R) {
      // Sequential: chDB runs one statement at a time anyway, and a server keeps fewer parts.
      for (const w of writes) {
        if (w.compact) {
          const values = w.compact.values(records);
          if (values.length === 0) continue;
          await client.insert({ table: w.table, values: values as unknown[][], columns: w.compact.columns as [string, ...string[]], format: 'JSONCompactEachRow' });
          continue;
        }
        const values = w.rows(records);
        if (values.length === 0) continue;
        await client.insert({ table: w.table, values: values as object[], format: 'JSONEachRow' });
      }
    },
  };
}
