import type { Logger } from 'pino';
import type { TripBatchProcessor, TripBatchResult, TripBatchRows, TripModelOutputs, TripStage } from '../domain/trip/trip-batch.ts';
import type { ProcessorMetrics } from '../metrics.ts';
import type { SourceMessage } from '../ports/source-message.ts';
import type { AnomalyPublisher, DeadLetterPublisher, LiveFeed } from '../ports/sinks.ts';
import type { SnapshotKey, SnapshotStore } from '../ports/snapshot-store.ts';
import type { BatchOutcome } from './commit-batch.ts';
import { recordBatchMetrics, saveSnapshot, serializeSnapshot, type SerializedSnapshot } from './commit-batch.ts';
import { retryUntilDone } from './retry-until-done.ts';
import { unlessPermanent } from './unless-permanent.ts';

/** Durable, idempotent storage of a trip batch. */
export interface TripBatchStore {
  write(rows: TripBatchRows): Promise<void>;
}

/** The stateless models of the trip domain, scored per micro-batch (ONNX adapter). */
export interface TripModelStage {
  score(stage: TripStage): Promise<TripModelOutputs>;
}

export interface TripCommitDeps {
  core: TripBatchProcessor;
  models: TripModelStage;
  store: TripBatchStore;
  alerts: AnomalyPublisher;
  deadLetters: DeadLetterPublisher;
  live: LiveFeed;
  metrics: ProcessorMetrics;
  logger: Logger;
  now: () => number;
  isStopping: () => boolean;
  snapshots?: { store: SnapshotStore; key: SnapshotKey; intervalMs: number };
}

/**
 * Score a trip micro-batch, commit it to every sink, then ack — the same effectively-once order
 * as the sensor committer (store → dead letters → alerts → live → ack). Scoring differs: it
 * awaits the models between the windows and the scorers, so scoring steps are chained — batch
 * N+1 is scored only after batch N's scoring finished — while their writes may overlap.
 */
export function createTripBatchCommitter(deps: TripCommitDeps) {
  const { core, store, alerts, deadLetters, live, metrics, logger } = deps;
  const retry = (sink: string, batch: readonly SourceMessage[]) => ({
    shouldStop: deps.isStopping,
    onRetry: (attempt: number, err: unknown) => {
      metrics.sinkRetries.inc({ sink });
      for (const m of batch) m.working();
      logger.warn({ sink, attempt, err: (err as Error).message }, `sink ${sink} failed; retrying`);
    },
  });
  let scoring: Promise<unknown> = Promise.resolve();
  const inFlight = new Set<Promise<BatchOutcome>>();
  let lastSnapshotAt = deps.now();
  let keyLimitLogged = false;

  async function scoreInOrder(batch: SourceMessage[]) {
    const stage = core.ingest(batch, deps.now());
    const t0 = performance.now();
    const outputs = await deps.models.score(stage);
    if (stage.trips.length || stage.cellRows.length) metrics.modelSeconds.observe({ model: 'trip' }, (performance.now() - t0) / 1000);
    const result = core.score(stage, outputs, deps.now());
    for (const e of result.boundaryErrors) logger.error({ err: e }, 'a cell boundary failed to score; its rows are dropped');
    // Counted in vigia_key_limit_total{domain="trip"}; the reason (what to change) once per process.
    if (result.keyLimited && !keyLimitLogged) {
      keyLimitLogged = true;
      logger.warn({ trips: result.keyLimited, reason: result.keyLimitReason }, 'trips kept without cell windows: their new r9 cells would pass processor.limits (counted in vigia_key_limit_total)');
    }
    const snap = deps.snapshots;
    const due = snap !== undefined && deps.now() - lastSnapshotAt >= snap.intervalMs;
    const captured = due ? serializeSnapshot(core.captureState(), logger) : undefined;
    if (due) lastSnapshotAt = deps.now();
    return { result, captured };
  }

  return function commitBatch(batch: SourceMessage[]): Promise<BatchOutcome> {
    const scored = scoring.then(() => scoreInOrder(batch));
    // The next batch waits for this one's scoring, failed or not (a failure fails the pipeline).
    scoring = scored.catch(() => undefined);
    const earlier = [...inFlight];
    const p = scored.then(({ result, captured }) => commit(batch, result, captured, earlier, performance.now()));
    inFlight.add(p);
    const forget = () => void inFlight.delete(p);
    p.then(forget, forget);
    return p;
  };

  async function commit(batch: SourceMessage[], result: TripBatchResult, captured: SerializedSnapshot | undefined, earlier: Promise<BatchOutcome>[], started: number): Promise<BatchOutcome> {
    await retryUntilDone(() => store.write(result.rows), retry('clickhouse', batch));
    if (result.deadLetters.length) await unlessPermanent(retryUntilDone(() => deadLetters.publish(result.deadLetters), retry('dlq', batch)), 'dlq', deps);
    if (result.anomalies.length) await unlessPermanent(retryUntilDone(() => alerts.publish(result.anomalies), retry('alerts', batch)), 'alerts', deps);
    live.anomalies(result.anomalies);
    live.cellBoundaries(result.boundaries);
    for (const m of batch) m.ack();
    const snap = deps.snapshots;
    if (captured && snap) {
      const settled = await Promise.allSettled(earlier);
      if (settled.every((r) => r.status === 'fulfilled')) {
        await saveSnapshot(snap, captured, deps).catch((err: Error) => logger.warn({ err: err.message }, 'trip snapshot failed; will retry at the next interval'));
      }
    }
    const events = result.rows.events.length;
    recordBatchMetrics(metrics, 'trip', { ...result, events, lastTs: result.rows.events[events - 1]?.ts, batchSize: batch.length, started });
    return { events, anomalies: result.anomalies.length, deadLetters: result.deadLetters.length, redelivered: result.redelivered };
  }
}
