import type { ClickHouseClient } from '@clickhouse/client';
import type { TableWrite } from '../../domains/domain-module.ts';
import type { RecordWriter } from '../../ports/sinks.ts';
import { coalesceWhileBusy, type CoalesceOptions } from './coalesce-while-busy.ts';

/** Let writes wait for more (DomainBatching.writeMinEvents / writeMaxWaitMs / writeLingerFromRate). */
export interface WriteLinger<R> {
  /** The events in a batch's records (what `minEvents` counts). */
  events(records: R): number;
  minEvents: number;
  maxWaitMs: number;
  /** Events per second below which writes go at once. @default 0 (always linger) */
  fromRate?: number;
}

/** The group-commit options of a linger (none: group only while busy). */
export function lingerOptions<R>(linger: WriteLinger<R> | undefined): CoalesceOptions<R> | undefined {
  return linger && { weight: linger.events, minWeight: linger.minEvents, maxWaitMs: linger.maxWaitMs, lingerFromRate: linger.fromRate };
}

/**
 * Writes batches' records as the domain's table list says: one INSERT per non-empty table, in
 * order. Every table is keyed for ReplacingMergeTree, so writing a batch again after a crash
 * or a failed attempt doubles nothing; the events table comes last, because its rows are what
 * `status` and the tests count as "processed". A table that gives its rows as value arrays
 * (`compact`) goes as JSONCompactEachRow with its column list; the others as JSONEachRow.
 *
 * Batches whose writes arrive while an INSERT runs are written together, one INSERT per table
 * for all of them, and each write resolves once that INSERT committed (so a batch still acks
 * only after its rows are stored). Each INSERT makes one MergeTree part per table (12 files),
 * a fixed cost of about as much CPU as 1 000–2 000 readings' rows on this machine
 * (docs/perf/sensor-writes-2026-12-07-evening.md): writes that queue go in fewer, larger
 * INSERTs; when idle a batch is written at once, alone, as before. With a `linger`, writes also
 * wait until `minEvents` are waiting or the oldest has waited `maxWaitMs`: the INSERTs then grow
 * at any rate, and batches are still scored as soon as they are cut (commit-batch.ts).
 */
export function createClickHouseRecordWriter<R>(client: ClickHouseClient, writes: readonly TableWrite<R>[], linger?: WriteLinger<R>): RecordWriter<R> {
  const write = coalesceWhileBusy<R>(async (batches) => {
    // Sequential: chDB runs one statement at a time anyway, and a server keeps fewer parts.
    for (const w of writes) {
      if (w.compact) {
        const values = concat(batches.map((r) => w.compact!.values(r)));
        if (values.length === 0) continue;
        await client.insert({ table: w.table, values: values as unknown[][], columns: w.compact.columns as [string, ...string[]], format: 'JSONCompactEachRow' });
        continue;
      }
      const values = concat(batches.map((r) => w.rows(r)));
      if (values.length === 0) continue;
      await client.insert({ table: w.table, values: values as object[], format: 'JSONEachRow' });
    }
  }, lingerOptions(linger));
  return { write };
}

/** The lists end to end; the one list itself when there is one. */
function concat<T>(lists: readonly (readonly T[])[]): readonly T[] {
  if (lists.length === 1) return lists[0]!;
  const out: T[] = [];
  for (const l of lists) for (const x of l) out.push(x);
  return out;
}
