import type { Logger } from 'pino';
import type { SensorBatchProcessor } from '../domain/sensor-batch.ts';
import type { ProcessorMetrics } from '../metrics.ts';
import type { SourceMessage } from '../ports/source-message.ts';
import type { AnomalyPublisher, BatchStore, DeadLetterPublisher, LiveFeed, SensorBatchRows } from '../ports/sinks.ts';
import type { LiveReading } from '../../../contracts/index.ts';
import type { SnapshotKey, SnapshotStore } from '../ports/snapshot-store.ts';
import type { ProcessorState } from '../domain/processor-state.ts';
import { applyModelScores } from '../domain/apply-model-scores.ts';
import type { ModelStage } from '../adapters/onnx/model-stage.ts';
import { retryUntilDone } from './retry-until-done.ts';
import { unlessPermanent } from './unless-permanent.ts';

export interface CommitDeps {
  core: SensorBatchProcessor;
  store: BatchStore;
  alerts: AnomalyPublisher;
  deadLetters: DeadLetterPublisher;
  live: LiveFeed;
  metrics: ProcessorMetrics;
  logger: Logger;
  /** Wall clock for ingestion timestamps; injectable for tests. */
  now: () => number;
  isStopping: () => boolean;
  /** The stateless model chain, scored per micro-batch after the online detectors. */
  model?: ModelStage | undefined;
  /** Periodic state snapshots; absent = none. */
  snapshots?: { store: SnapshotStore; key: SnapshotKey; intervalMs: number };
}

/** Readings of the entities some screen watches, from the batch's rows. */
function watchedReadings(rows: SensorBatchRows, live: LiveFeed): LiveReading[] {
  const out: LiveReading[] = [];
  for (let i = 0; i < rows.events.length; i++) {
    const e = rows.events[i]!;
    if (!live.isWatched('sensor', e.station)) continue;
    const s = rows.scores[i]!;
    out.push({
      domain: 'sensor',
      entity: e.station,
      eventId: e.event_id,
      ts: e.ts,
      values: e.channels,
      score: s.score,
      severity: (s.severity || null) as LiveReading['severity'],
      topFeature: s.top_feature,
      cluster: s.cluster !== undefined && s.cluster >= 0 ? s.cluster : null,
    });
  }
  return out;
}

export interface BatchOutcome {
  events: number;
  anomalies: number;
  deadLetters: number;
  redelivered: number;
}

/**
 * Score a micro-batch, commit it to every durable sink, then ack. The order is the
 * effectively-once contract: store (idempotent rows) → dead letters and alerts on NATS
 * (idempotent by msg id) → live screens (best effort) → ack. A crash anywhere before the ack
 * redelivers the batch, and every sink tolerates seeing it again.
 */
export function createBatchCommitter(deps: CommitDeps) {
  const { core, store, alerts, deadLetters, live, metrics, logger } = deps;
  const retry = (sink: string, batch: readonly SourceMessage[]) => ({
    shouldStop: deps.isStopping,
    onRetry: (attempt: number, err: unknown) => {
      metrics.sinkRetries.inc({ sink });
      // Tell JetStream we are alive so it does not redeliver while we wait for the sink.
      for (const m of batch) m.working();
      logger.warn({ sink, attempt, err: (err as Error).message }, `sink ${sink} failed; retrying`);
    },
  });

  const inFlight = new Set<Promise<BatchOutcome>>();
  let lastSnapshotAt = deps.now();

  return function commitBatch(batch: SourceMessage[]): Promise<BatchOutcome> {
    const earlier = [...inFlight];
    // commitScored scores synchronously before its first await: scoring stays in call order.
    const p = commitScored(batch, performance.now(), earlier);
    inFlight.add(p);
    const forget = () => void inFlight.delete(p);
    p.then(forget, forget);
    return p;
  };

  async function commitScored(batch: SourceMessage[], started: number, earlier: Promise<BatchOutcome>[]): Promise<BatchOutcome> {
    const result = core.process(batch, deps.now());
    // Capture right after scoring; save only once this batch and every batch scored before it
    // have committed, so the snapshot's log position never runs ahead of the stored rows.
    const snap = deps.snapshots;
    const due = snap !== undefined && deps.now() - lastSnapshotAt >= snap.intervalMs;
    const captured = due ? serializeSnapshot(() => core.captureStateText(), logger) : undefined;
    if (due) lastSnapshotAt = deps.now();
    if (deps.model && result.rows.features.length) {
      // Stateless: awaiting it here cannot reorder what the detectors learn.
      const t0 = performance.now();
      const verdicts = await deps.model.scoreBatch(result.rows.features.map((f) => f.values));
      metrics.modelSeconds.observe({ model: deps.model.fusion.modelId }, (performance.now() - t0) / 1000);
      applyModelScores(result, new Map(result.rows.features.map((f, i) => [f.event_id, verdicts[i]!])), deps.model.fusion);
    }
    await retryUntilDone(() => store.write(result.rows), retry('clickhouse', batch));
    if (result.deadLetters.length) await unlessPermanent(retryUntilDone(() => deadLetters.publish(result.deadLetters), retry('dlq', batch)), 'dlq', deps);
    if (result.anomalies.length) await unlessPermanent(retryUntilDone(() => alerts.publish(result.anomalies), retry('alerts', batch)), 'alerts', deps);
    live.anomalies(result.anomalies);
    live.readings(watchedReadings(result.rows, live));
    for (const m of batch) m.ack();
    if (captured && snap) {
      const settled = await Promise.allSettled(earlier);
      if (settled.every((r) => r.status === 'fulfilled')) {
        await saveSnapshot(snap, captured, deps).catch((err: Error) => logger.warn({ err: err.message }, 'snapshot failed; will retry at the next interval'));
      }
    }

    const events = result.rows.events.length;
    recordBatchMetrics(metrics, 'sensor', { ...result, events, lastTs: result.rows.events[events - 1]?.ts, batchSize: batch.length, started });
    return { events, anomalies: result.anomalies.length, deadLetters: result.deadLetters.length, redelivered: result.redelivered };
  }
}

const KEY_LIMIT = 'key_limit';

/** What one committed micro-batch did, in the processor's metrics (any domain). */
export function recordBatchMetrics(
  metrics: ProcessorMetrics,
  domain: string,
  b: {
    events: number;
    deadLetters: readonly { kind: string }[];
    anomalies: readonly { severity: string }[];
    redelivered: number;
    late: number;
    /** Messages kept though their new keys were refused (trips without cell windows). */
    keyLimited?: number;
    lastTs: number | undefined;
    batchSize: number;
    started: number;
  },
): void {
  metrics.events.inc({ domain }, b.events);
  if (b.keyLimited) metrics.keyLimited.inc({ domain }, b.keyLimited);
  for (const d of b.deadLetters) {
    metrics.deadLetters.inc({ domain, kind: d.kind });
    if (d.kind === KEY_LIMIT) metrics.keyLimited.inc({ domain });
  }
  for (const a of b.anomalies) metrics.anomalies.inc({ domain, severity: a.severity });
  if (b.redelivered) metrics.redelivered.inc({ domain }, b.redelivered);
  if (b.late) metrics.late.inc({ domain }, b.late);
  if (b.lastTs !== undefined) metrics.lastEventTime.set({ domain }, b.lastTs / 1000);
  metrics.batchSize.observe(b.batchSize);
  const now = Date.now();
  metrics.lastCommitMs.set(domain, now);
  metrics.lastCommitTime.set({ domain }, now / 1000);
  metrics.batchSeconds.observe((performance.now() - b.started) / 1000);
}

/** Any domain's processor state: its format, version and the log position it covers. */
type SnapshotState = { format: string; version: number; seqs: ProcessorState['seqs'] };

/** A state already turned into the text the store keeps, whole or in consecutive pieces. */
export interface SerializedSnapshot {
  text: string | string[];
  format: string;
  version: number;
  seqs: ProcessorState['seqs'];
}

/**
 * The state as text, at once: the captured object tree (with 10 000 stations ~390 MiB, about 3×
 * its text) is garbage before the batch's commit and the snapshot's insert, instead of living
 * through them (measured: the processor's RSS peaked over 2.5 GB with it). Undefined, with a
 * warning, when the state does not fit in a string.
 */
export function serializeSnapshot(state: SnapshotState | (() => SerializedSnapshot), logger: Pick<CommitDeps['logger'], 'warn'>): SerializedSnapshot | undefined {
  try {
    if (typeof state === 'function') return state();
    return { text: JSON.stringify(state), format: state.format, version: state.version, seqs: state.seqs };
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'snapshot too large to serialize; skipped (lower processor.limits.stateBudgetBytes)');
    return undefined;
  }
}

export async function saveSnapshot(snap: { store: SnapshotStore; key: SnapshotKey }, state: SnapshotState | SerializedSnapshot, deps: Pick<CommitDeps, 'now' | 'metrics' | 'logger'>): Promise<void> {
  const s = 'text' in state ? state : { text: JSON.stringify(state), format: state.format, version: state.version, seqs: state.seqs };
  const takenAt = deps.now();
  await snap.store.save(snap.key, { state: s.text, seqs: s.seqs, format: s.format, version: s.version, takenAt });
  deps.metrics.lastSnapshot.set(takenAt / 1000);
  deps.logger.debug({ seqs: s.seqs }, 'snapshot saved');
}
