import type { ClickHouseClient } from '@clickhouse/client';
import { chunkRows } from './insert-chunks.ts';
import type { StatementScheduler } from './fair-statement-queue.ts';

/**
 * Rows per INSERT statement at most, unless a domain's batching says otherwise
 * (`maxRowsPerInsert`): a larger insert becomes several, each its own turn in the scheduler. A
 * trip batch's cell windows run to ~10 000 rows and took chDB seconds as one statement under
 * load; 4 000 rows keeps a turn under about a second there. Sensor sets 20 000: its lingered
 * writes carry ~8 000 readings on purpose, since every INSERT costs a fixed part of CPU
 * (docs/perf/sensor-writes-2026-12-07-evening.md), and cutting them would pay it again.
 */
export const MAX_ROWS_PER_INSERT = 4_000;

/**
 * The store's client as one lane of the scheduler sees it: every statement waits for the
 * lane's turn and runs on the session of the slot it is given (`sessions[slot]`: as many
 * sessions as the scheduler has slots, all on the one store), and an insert of more than `maxRowsPerInsert` rows is written as several
 * statements, one after the other (it resolves once all committed; a failure rejects it and
 * the caller writes it again, which the ReplacingMergeTree keys make harmless). Only the
 * methods Vigía's adapters call are there; `close` is the owner's, not a lane's.
 */
export function scheduledClient(sessions: readonly ClickHouseClient[], scheduler: StatementScheduler, lane: string, maxRowsPerInsert = MAX_ROWS_PER_INSERT): ClickHouseClient {
  const scheduled = {
    async insert(params: Parameters<ClickHouseClient['insert']>[0]) {
      const values = params.values;
      if (!Array.isArray(values) || values.length <= maxRowsPerInsert) return scheduler.run(lane, (slot) => sessions[slot]!.insert(params));
      let last: Awaited<ReturnType<ClickHouseClient['insert']>> | undefined;
      for (const chunk of chunkRows(values as unknown[], maxRowsPerInsert)) {
        last = await scheduler.run(lane, (slot) => sessions[slot]!.insert({ ...params, values: chunk } as typeof params));
      }
      return last!;
    },
    query: (params: Parameters<ClickHouseClient['query']>[0]) => scheduler.run(lane, (slot) => sessions[slot]!.query(params)),
    exec: (params: Parameters<ClickHouseClient['exec']>[0]) => scheduler.run(lane, (slot) => sessions[slot]!.exec(params)),
    command: (params: Parameters<ClickHouseClient['command']>[0]) => scheduler.run(lane, (slot) => sessions[slot]!.command(params)),
    ping: (params?: Parameters<ClickHouseClient['ping']>[0]) => scheduler.run(lane, (slot) => sessions[slot]!.ping(params)),
    async close() {},
  };
  return scheduled as unknown as ClickHouseClient;
}
