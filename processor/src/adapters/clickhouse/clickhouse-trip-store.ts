import type { ClickHouseClient } from '@clickhouse/client';
import { TABLES } from '../../../../store/src/rows.ts';
import type { TripBatchRows } from '../../domain/trip/trip-batch.ts';
import type { TripBatchStore } from '../../pipeline/trip-commit-batch.ts';

/**
 * Writes a trip micro-batch, one INSERT per non-empty table; every table is keyed for
 * ReplacingMergeTree and the per-minute views count distinct trip ids, so writing a batch
 * again after a failure doubles nothing. Events last: their presence means "processed".
 */
export function createClickHouseTripStore(client: ClickHouseClient): TripBatchStore {
  async function insert(table: string, values: readonly object[]): Promise<void> {
    if (values.length === 0) return;
    await client.insert({ table, values: values as object[], format: 'JSONEachRow' });
  }
  return {
    write: async function writeTripBatch(rows: TripBatchRows) {
      await insert(TABLES.tripScores, rows.scores);
      await insert(TABLES.tripCellWindows, rows.cellWindows);
      await insert(TABLES.anomalies, rows.anomalies);
      await insert(TABLES.deadLetters, rows.deadLetters);
      await insert(TABLES.features, rows.features);
      await insert(TABLES.tripEvents, rows.events);
    },
  };
}
