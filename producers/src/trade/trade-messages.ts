// Declarations as log messages: the subject carries the exporter's partition (one company's
// declarations stay in order on one partition), the declaration id is the JetStream msg id.
import { partitionOf, subjects, TradeDeclaration } from '../../../contracts/index.ts';
import type { OutgoingMessage } from '../../../nats/index.ts';
import type { TradeFileRow } from './trade-file-reader.ts';

export type TradeMessage = OutgoingMessage & { declaration: TradeDeclaration; /** The event time the publisher paces by. */ eventTs: number };

export function toTradeMessage(d: TradeDeclaration, partitions: number): TradeMessage {
  // A row without an exporter still gets a subject token (the processor dead-letters it).
  const key = typeof d.exporter_id === 'string' && d.exporter_id !== '' ? d.exporter_id : '_';
  return { subject: subjects.event('trade', partitionOf(key, partitions), key), data: JSON.stringify(d), msgId: String(d.id), declaration: d, eventTs: d.ts };
}

/** Simulated declarations up to `endTs` (exclusive) and `count`, as messages. */
export function* simulatedTradeMessages(declarations: Iterable<TradeDeclaration>, range: { endTs?: number | undefined; count?: number | undefined }, partitions: number): Generator<TradeMessage> {
  let n = 0;
  for (const d of declarations) {
    if (range.endTs !== undefined && d.ts >= range.endTs) return;
    if (range.count !== undefined && n >= range.count) return;
    n++;
    yield toTradeMessage(d, partitions);
  }
}

export interface TradeFileStats {
  rows: number;
  unconvertible: number;
  unconvertibleRows: { row: number; reason: string }[];
  /** Published rows outside the contract (the processor dead-letters them with the reason). */
  rejected: number;
  rejectedByField: Record<string, number>;
}

export const emptyTradeFileStats = (): TradeFileStats => ({ rows: 0, unconvertible: 0, unconvertibleRows: [], rejected: 0, rejectedByField: {} });

/** A file's rows as messages, counting what is skipped and what the contract will reject. */
export async function* fileTradeMessages(rows: AsyncIterable<TradeFileRow>, partitions: number, stats: TradeFileStats): AsyncGenerator<TradeMessage> {
  for await (const r of rows) {
    stats.rows++;
    if (r.kind === 'unconvertible') {
      stats.unconvertible++;
      if (stats.unconvertibleRows.length < 10) stats.unconvertibleRows.push({ row: r.row, reason: r.reason });
      continue;
    }
    const check = TradeDeclaration.safeParse(r.declaration);
    if (!check.success) {
      stats.rejected++;
      const field = String(check.error.issues[0]?.path[0] ?? '(declaration)');
      stats.rejectedByField[field] = (stats.rejectedByField[field] ?? 0) + 1;
    }
    yield toTradeMessage(r.declaration, partitions);
  }
}
