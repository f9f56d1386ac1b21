import type { ClickHouseClient } from '@clickhouse/client';
import { TABLES } from '../../../../store/src/rows.ts';
import type { BatchStore, SensorBatchRows } from '../../ports/sinks.ts';

/**
 * Writes a micro-batch, one INSERT per non-empty table. Rows are keyed for ReplacingMergeTree,
 * so re-writing a batch after a crash or a failed attempt does not double anything.
 * Events go last: their presence is what `status` and the tests count as "processed".
 */
export function createClickHouseBatchStore(client: ClickHouseClient): BatchStore {
  async function insert(table: string, values: readonly object[]): Promise<void> {
    if (values.length === 0) return;
    await client.insert({ table, values: values as object[], format: 'JSONEachRow' });
  }
  return {
    write: async function writeBatch(batch: SensorBatchRows) {
      // Sequential: chDB runs one statement at a time anyway, and a server keeps fewer parts.
      await insert(TABLES.scores, batch.scores);
      await insert(TABLES.anomalies, batch.anomalies);
      await insert(TABLES.sensorWindows, batch.windows);
      await insert(TABLES.deadLetters, batch.deadLetters);
      await insert(TABLES.features, batch.features);
      await insert(TABLES.sensorEvents, batch.events);
    },
  };
}
