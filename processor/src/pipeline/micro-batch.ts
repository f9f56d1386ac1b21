import { bufferTime, filter, type OperatorFunction } from 'rxjs';

/**
 * Cut the stream into micro-batches of at most `maxItems`, at least every `maxMs` while items
 * arrive. Batching amortises ClickHouse inserts and JetStream acks; the time bound keeps the
 * latency of a quiet stream low. (Wall-clock timing is fine here: batch boundaries never
 * change a score, only when rows are committed.)
 */
export function microBatch<T>(maxMs: number, maxItems: number): OperatorFunction<T, T[]> {
  return (source) =>
    source.pipe(
      bufferTime(maxMs, null, maxItems),
      filter((batch) => batch.length > 0),
    );
}
