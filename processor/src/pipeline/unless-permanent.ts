import type { Logger } from 'pino';
import type { ProcessorMetrics } from '../metrics.ts';
import { isPermanentSinkError } from '../ports/sink-errors.ts';

/**
 * Await a NATS publish (dead letters, alerts) that retryUntilDone already retries while the
 * failure is transient; a permanent one is logged and counted, and the batch goes on to its
 * ack: the rows are in the store, and holding the acks would stall the partition for good.
 */
export async function unlessPermanent(publish: Promise<void>, sink: string, deps: { logger: Logger; metrics: ProcessorMetrics }): Promise<void> {
  try {
    await publish;
  } catch (err) {
    if (!isPermanentSinkError(err)) throw err;
    deps.metrics.sinkPermanentFailures.inc({ sink });
    deps.logger.error({ sink, err: err.message }, `sink ${sink} refused the batch's messages for good; they are in the store, the batch goes on`);
  }
}
