import { lastValueFrom, defaultIfEmpty } from 'rxjs';
import { createJetStreamSource } from './adapters/nats/jetstream-source.ts';
import { createClickHouseSnapshotStore } from './adapters/clickhouse/clickhouse-snapshot-store.ts';
import { createClickHouseTripStore } from './adapters/clickhouse/clickhouse-trip-store.ts';
import { createNatsAnomalyPublisher } from './adapters/nats/nats-anomaly-publisher.ts';
import { createNatsDeadLetterPublisher } from './adapters/nats/nats-dead-letter-publisher.ts';
import { loadTripModelStage } from './adapters/onnx/trip-model-stage.ts';
import { TripBatchProcessor } from './domain/trip/trip-batch.ts';
import { createTripScoring } from './domain/trip/create-trip-scoring.ts';
import { saveSnapshot } from './pipeline/commit-batch.ts';
import { sensorPipeline as microBatchPipeline } from './pipeline/sensor-pipeline.ts';
import { createTripBatchCommitter } from './pipeline/trip-commit-batch.ts';
import { maybeWithOutage, restoreOrRebuild } from './pipeline/restore-or-rebuild.ts';
import type { DomainDeps, RunningDomain } from './start-sensor-domain.ts';
import { keyLimitsOf } from './domain/key-budget.ts';
import { TRIP_CELL_BYTES } from './domain/trip/trip-cell-keys.ts';

/** Wiring of the trip domain: its own consumers, core, models, committer and snapshots. */
export async function startTripDomain(deps: DomainDeps): Promise<RunningDomain> {
  const { config, nc, jsm, store, live, metrics, partitions } = deps;
  const log = deps.logger.child({ domain: 'trip' });
  const pc = config.processor;
  const scoring = createTripScoring();
  const core = new TripBatchProcessor({
    runId: pc.runId,
    ...scoring,
    bands: config.scoring.severityBands,
    maxFutureMs: pc.maxFutureMs,
    partitionCount: config.streams.partitions,
    allowedLatenessMs: pc.tripAllowedLatenessMs,
    cellWindows: pc.tripCellWindows,
    limits: keyLimitsOf(pc.limits, TRIP_CELL_BYTES),
  });
  const cellKeys = core.cellKeys;
  if (cellKeys) metrics.watchKeys('trip', () => cellKeys.stats);
  const models = await loadTripModelStage(config.scoring.tripModels, deps.projectRoot, log);
  const snapshots = { store: createClickHouseSnapshotStore(store), key: { runId: pc.runId, domain: 'trip', partitions }, intervalMs: pc.snapshotIntervalMs };
  const startAt = await restoreOrRebuild(core, snapshots.store, snapshots.key, log);
  const source = await createJetStreamSource(nc, jsm, {
    domain: 'trip',
    partitions,
    maxAckPending: pc.maxAckPending,
    ackWaitSeconds: pc.ackWaitSeconds,
    startAt,
    onReposition: (partition, fromSeq, lost) => log.warn({ partition, fromSeq, lost }, 'deliveries lost in flight: consumer restarted in order'),
  });
  const commitBatch = createTripBatchCommitter({
    core,
    models,
    store: maybeWithOutage(createClickHouseTripStore(store), log),
    alerts: createNatsAnomalyPublisher(nc),
    deadLetters: createNatsDeadLetterPublisher(nc),
    live,
    metrics,
    logger: log,
    now: Date.now,
    isStopping: deps.isStopping,
    snapshots,
  });
  const done = lastValueFrom(
    microBatchPipeline(source.messages$, { batchMaxMs: pc.batchMaxMs, batchMaxEvents: pc.batchMaxEvents, commitConcurrency: pc.commitConcurrency, commitBatch }).pipe(defaultIfEmpty(null)),
  ).then(
    () => undefined,
    (err: Error) => {
      log.error({ err: err.message }, 'trip pipeline failed');
      throw err;
    },
  );
  log.info({ partitions, fareModel: models.fareModelId || null, demandModel: models.demandModelId || null }, 'trip domain running');
  return {
    done,
    async stop() {
      await source.close();
      const finished = await Promise.race([done.then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      if (finished) await saveSnapshot(snapshots, core.captureState(), { now: Date.now, metrics, logger: log }).catch((err: Error) => log.warn({ err: err.message }, 'final trip snapshot failed'));
      await models.release();
    },
  };
}
