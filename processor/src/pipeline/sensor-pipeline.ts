import { concatMap, from, type Observable } from 'rxjs';
import type { SourceMessage } from '../ports/source-message.ts';
import { microBatch } from './micro-batch.ts';
import type { BatchOutcome } from './commit-batch.ts';

export interface SensorPipelineOptions {
  batchMaxMs: number;
  batchMaxEvents: number;
  commitBatch: (batch: SourceMessage[]) => Promise<BatchOutcome>;
}

/**
 * log messages → micro-batches → (decode, window, score, store, alert, ack) one batch at a
 * time. `concatMap` keeps log order and lets only one batch commit at once, so the state of
 * the detectors evolves in exactly the order of the log.
 */
export function sensorPipeline(messages$: Observable<SourceMessage>, opts: SensorPipelineOptions): Observable<BatchOutcome> {
  return messages$.pipe(
    microBatch<SourceMessage>(opts.batchMaxMs, opts.batchMaxEvents),
    concatMap((batch) => from(opts.commitBatch(batch))),
  );
}
