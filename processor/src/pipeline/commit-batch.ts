import type { Logger } from 'pino';
import type { Domain } from '../../../contracts/index.ts';
import type { DomainBatchResult, DomainCore, DomainModels } from '../domains/domain-module.ts';
import type { ProcessorMetrics } from '../metrics.ts';
import type { SourceMessage } from '../ports/source-message.ts';
import type { AnomalyPublisher, DeadLetterPublisher, LiveFeed, RecordWriter } from '../ports/sinks.ts';
import { ackBatch } from './ack-batch.ts';
import { recordBatchMetrics } from './batch-metrics.ts';
import { retryUntilDone } from './retry-until-done.ts';
import { saveSnapshot, serializeSnapshot, type SerializedSnapshot, type SnapshotSettings } from './snapshots.ts';
import { unlessPermanent } from './unless-permanent.ts';

export interface CommitDeps<Stage, Outputs, R> {
  domain: Domain;
  core: DomainCore<Stage, Outputs, R>;
  models: DomainModels<Stage, Outputs>;
  store: RecordWriter<R>;
  alerts: AnomalyPublisher;
  deadLetters: DeadLetterPublisher;
  live: LiveFeed;
  /** The domain's live payloads beyond its anomalies (readings, map cells); best effort. */
  publishLive?: ((result: DomainBatchResult<R>, live: LiveFeed) => void) | undefined;
  metrics: ProcessorMetrics;
  logger: Logger;
  /** Wall clock for ingestion timestamps; injectable for tests. */
  now: () => number;
  isStopping: () => boolean;
  /** Periodic state snapshots; absent = none. */
  snapshots?: SnapshotSettings | undefined;
}

/** A batch committed, but one scored before it failed: it is not acked (its messages redeliver). */
export class EarlierBatchFailedError extends Error {
  override readonly name = 'EarlierBatchFailedError';
  constructor(readonly messages: number) {
    super(`an earlier micro-batch failed to commit; this batch's ${messages} messages are left unacked for redelivery`);
  }
}

export interface BatchOutcome {
  events: number;
  anomalies: number;
  deadLetters: number;
  redelivered: number;
}

/**
 * Any domain's micro-batch, in two phases.
 *
 * Scoring (ingest → models → score) runs strictly in log order: batch N+1 is ingested only
 * after batch N's score step, so the state evolves exactly as the log says whatever the models'
 * latency. Commits overlap (up to the pipeline's commitConcurrency), each in the
 * effectively-once order: live screens (best effort, as soon as scored) → store (idempotent
 * rows) → dead letters and alerts on NATS (idempotent by msg id) → ack, and acks go in log order (a batch acks once it
 * and every batch scored before it committed). A crash anywhere before the ack redelivers the
 * batch, and every sink tolerates seeing it again. A snapshot captured after a batch's scoring
 * is saved at its ack, so its log position never runs ahead of the stored rows; after any failed
 * commit, this committer acks and saves nothing more.
 */
export function createBatchCommitter<Stage, Outputs, R>(deps: CommitDeps<Stage, Outputs, R>) {
  const { core, models, store, alerts, deadLetters, live, metrics, logger, domain } = deps;
  const retry = (sink: string, batch: readonly SourceMessage[]) => ({
    shouldStop: deps.isStopping,
    onRetry: (attempt: number, err: unknown) => {
      metrics.sinkRetries.inc({ sink });
      // Tell JetStream we are alive so it does not redeliver while we wait for the sink.
      for (const m of batch) m.working();
      logger.warn({ sink, attempt, err: (err as Error).message }, `sink ${sink} failed; retrying`);
    },
  });
  let scoring: Promise<unknown> = Promise.resolve();
  const inFlight = new Set<Promise<BatchOutcome>>();
  let lastSnapshotAt = deps.now();
  let keyLimitLogged = false;
  // Sticky: once a batch failed, no batch scored after it acks or saves a snapshot past its
  // messages (they all come back, in order, when the pipeline restarts). Earlier ones still may.
  let batches = 0;
  let firstFailed = Infinity;
  const modelLabel = Object.values(models.modelIds).filter(Boolean).join('+') || domain;

  async function scoreInOrder(batch: SourceMessage[]): Promise<{ result: DomainBatchResult<R>; captured: SerializedSnapshot | undefined }> {
    const stage = core.ingest(batch, deps.now());
    const t0 = performance.now();
    const outputs = await models.score(stage);
    metrics.modelSeconds.observe({ model: modelLabel }, (performance.now() - t0) / 1000);
    const result = core.score(stage, outputs, deps.now());
    for (const e of result.errors ?? []) logger.error({ err: e }, 'part of a batch failed to score; its rows are dropped');
    // Counted in vigia_key_limit_total; the reason (what to change) once per process.
    if (result.keyLimited && !keyLimitLogged) {
      keyLimitLogged = true;
      logger.warn({ events: result.keyLimited, reason: result.keyLimitReason }, 'events kept without their keyed state: new keys would pass processor.limits (counted in vigia_key_limit_total)');
    }
    const snap = deps.snapshots;
    const due = snap !== undefined && deps.now() - lastSnapshotAt >= snap.intervalMs;
    const captured = due ? serializeSnapshot(() => core.captureState(), logger) : undefined;
    if (due) lastSnapshotAt = deps.now();
    return { result, captured };
  }

  return function commitBatch(batch: SourceMessage[]): Promise<BatchOutcome> {
    const started = performance.now();
    const scored = scoring.then(() => scoreInOrder(batch));
    // The next batch waits for this one's scoring, failed or not (a failure fails the pipeline).
    scoring = scored.catch(() => undefined);
    const earlier = [...inFlight];
    const index = batches++;
    const p = scored.then(({ result, captured }) => commit(batch, result, captured, earlier, started, index));
    p.catch(() => (firstFailed = Math.min(firstFailed, index)));
    inFlight.add(p);
    const forget = () => void inFlight.delete(p);
    p.then(forget, forget);
    return p;
  };

  async function commit(batch: SourceMessage[], result: DomainBatchResult<R>, captured: SerializedSnapshot | undefined, earlier: Promise<BatchOutcome>[], started: number, index: number): Promise<BatchOutcome> {
    // Screens get a verdict when it is made, not when its rows are stored: a domain's writes may
    // wait for each other (DomainBatching.writeMaxWaitMs). Best effort, as ever: a batch scored
    // again after a crash shows again; the NATS alerts below go out only once stored.
    live.anomalies(result.anomalies);
    deps.publishLive?.(result, live);
    await retryUntilDone(() => store.write(result.records), retry('clickhouse', batch));
    if (result.deadLetters.length) await unlessPermanent(retryUntilDone(() => deadLetters.publish(result.deadLetters), retry('dlq', batch)), 'dlq', deps);
    if (result.anomalies.length) await unlessPermanent(retryUntilDone(() => alerts.publish(result.anomalies), retry('alerts', batch)), 'alerts', deps);
    // Acks go in log order: a batch acks only once every batch scored before it committed. A
    // redelivered copy skipped by the core (its original still being written) must not be acked
    // before the original's rows are stored: JetStream would never deliver it again.
    const earlierOk = (await Promise.allSettled(earlier)).every((r) => r.status === 'fulfilled');
    if (!earlierOk || firstFailed < index) throw new EarlierBatchFailedError(batch.length);
    ackBatch(batch);
    const snap = deps.snapshots;
    if (captured && snap) {
      await saveSnapshot(snap, captured, deps).catch((err: Error) => logger.warn({ err: err.message }, 'snapshot failed; will retry at the next interval'));
    }
    recordBatchMetrics(metrics, domain, { ...result, batchSize: batch.length, started });
    return { events: result.events, anomalies: result.anomalies.length, deadLetters: result.deadLetters.length, redelivered: result.redelivered };
  }
}
