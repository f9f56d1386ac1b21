import { from, mergeMap, type Observable } from 'rxjs';
import type { SourceMessage } from '../ports/source-message.ts';
import { microBatch } from './micro-batch.ts';
import type { BatchOutcome } from './commit-batch.ts';

export interface DomainPipelineOptions {
  batchMaxMs: number;
  batchMaxEvents: number;
  commitBatch: (batch: SourceMessage[]) => Promise<BatchOutcome>;
  /** Batches committing at once. @default 2 */
  commitConcurrency?: number;
}

/**
 * log messages → micro-batches → (decode, window, score, store, alert, ack).
 * `commitBatch` scores synchronously before its first await, and mergeMap projects batches in
 * arrival order, so detector state still evolves in exactly the order of the log; only the
 * I/O of up to `commitConcurrency` batches overlaps (batch N+1 is scored while N is written).
 * Each batch acks its own messages after its own sinks committed.
 */
export function domainPipeline(messages$: Observable<SourceMessage>, opts: DomainPipelineOptions): Observable<BatchOutcome> {
  return messages$.pipe(
    microBatch<SourceMessage>(opts.batchMaxMs, opts.batchMaxEvents),
    mergeMap((batch) => from(opts.commitBatch(batch)), opts.commitConcurrency ?? 2),
  );
}
