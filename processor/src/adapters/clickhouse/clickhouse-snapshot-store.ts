import type { ClickHouseClient } from '@clickhouse/client';
import { TABLES, type ProcessorSnapshotRow } from '../../../../store/src/rows.ts';
import type { SnapshotKey, SnapshotStore } from '../../ports/snapshot-store.ts';

const partitionsKey = (k: SnapshotKey) => [...k.partitions].sort((a, b) => a - b).join(',');

/** Snapshots in ClickHouse: large JSON compresses well (ZSTD) and needs no extra service. */
export function createClickHouseSnapshotStore(client: ClickHouseClient): SnapshotStore {
  return {
    async load(key) {
      const res = await client.query({
        query: `SELECT state, toUnixTimestamp64Milli(taken_at) AS taken_at FROM ${TABLES.processorSnapshots} FINAL
                WHERE run_id = {run:String} AND domain = {domain:String} AND partitions = {partitions:String}`,
        query_params: { run: key.runId, domain: key.domain, partitions: partitionsKey(key) },
        format: 'JSONEachRow',
      });
      const row = (await res.json<{ state: string; taken_at: string }>())[0];
      return row ? { state: row.state, takenAt: Number(row.taken_at) } : undefined;
    },
    async save(key, s) {
      const row: ProcessorSnapshotRow = {
        run_id: key.runId,
        domain: key.domain,
        partitions: partitionsKey(key),
        format: s.format,
        version: s.version,
        seqs: JSON.stringify(s.seqs),
        state: s.state,
        bytes: s.state.length,
        taken_at: s.takenAt,
      };
      await client.insert({ table: TABLES.processorSnapshots, values: [row], format: 'JSONEachRow' });
    },
  };
}
