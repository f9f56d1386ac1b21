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
 * mergeMap projects batches in arrival order and `commitBatch` chains their scoring, so state
 * evolves in exactly the order of the log; the writes of up to `commitConcurrency` batches
 * overlap (batch N+1 is scored while N is written). A batch acks its own messages once its
 * sinks and every earlier batch's committed.
 */
export function domainPipeline(messages$: Observable<SourceMessage>, opts: DomainPipelineOptions): Observable<BatchOutcome> {
  return messages$.pipe(
    microBatch<SourceMessage>(opts.batchMaxMs, opts.batchMaxEvents),
    mergeMap((batch) => from(opts.commitBatch(batch)), opts.commitConcurrency ?? 2),
  );
}
