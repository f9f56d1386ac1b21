import type { Observable } from 'rxjs';
import type { SourceMessage } from '../ports/source-message.ts';
import type { BatchOutcome } from './commit-batch.ts';
import { commitWhenFree } from './commit-when-free.ts';

export interface DomainPipelineOptions {
  batchMaxMs: number;
  batchMaxEvents: number;
  /** How long a batch may wait for messages already queued in the log behind it (commit-when-free.ts). @default batchMaxMs */
  batchMaxHoldMs?: number;
  commitBatch: (batch: SourceMessage[]) => Promise<BatchOutcome>;
  /** Batches committing at once. @default 2 */
  commitConcurrency?: number;
}

/**
 * log messages → micro-batches → (decode, window, score, store, alert, ack).
 * Batches are cut when a commit slot is free (commit-when-free.ts) and handed over in arrival
 * order, and `commitBatch` chains their scoring, so state evolves in exactly the order of the
 * log; the writes of up to `commitConcurrency` batches overlap (batch N+1 is scored while N is
 * written). A batch acks its own messages once its sinks and every earlier batch's committed.
 */
export function domainPipeline(messages$: Observable<SourceMessage>, opts: DomainPipelineOptions): Observable<BatchOutcome> {
  return messages$.pipe(
    commitWhenFree({
      maxItems: opts.batchMaxEvents,
      maxMs: opts.batchMaxMs,
      maxHoldMs: opts.batchMaxHoldMs,
      behind: (m) => m.backlog ?? 0,
      concurrency: opts.commitConcurrency ?? 2,
      commit: opts.commitBatch,
    }),
  );
}
