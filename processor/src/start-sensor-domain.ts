import { resolve } from 'node:path';
import { lastValueFrom, defaultIfEmpty } from 'rxjs';
import type { ClickHouseClient } from '@clickhouse/client';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { VigiaConfig } from '../../config/index.ts';
import type { Logger } from '../../stack/logger.ts';
import { createJetStreamSource } from './adapters/nats/jetstream-source.ts';
import { createClickHouseSnapshotStore } from './adapters/clickhouse/clickhouse-snapshot-store.ts';
import { createClickHouseBatchStore } from './adapters/clickhouse/clickhouse-batch-store.ts';
import { createNatsAnomalyPublisher } from './adapters/nats/nats-anomaly-publisher.ts';
import { createNatsDeadLetterPublisher } from './adapters/nats/nats-dead-letter-publisher.ts';
import { loadSensorChain } from './adapters/onnx/sensor-chain-scorer.ts';
import { sensorChainStage } from './adapters/onnx/model-stage.ts';
import { SensorBatchProcessor } from './domain/sensor-batch.ts';
import { withPoisonStation } from './domain/poison-injector.ts';
import { TumblingWindows } from './domain/tumbling-windows.ts';
import { createSensorDetector, SENSOR_NEW_KEY_BYTES } from './domain/sensor-detector.ts';
import { keyLimitsOf } from './domain/key-budget.ts';
import type { ProcessorMetrics } from './metrics.ts';
import type { LiveFeed } from './ports/sinks.ts';
import { createBatchCommitter, saveSnapshot } from './pipeline/commit-batch.ts';
import { sensorPipeline } from './pipeline/sensor-pipeline.ts';
import { maybeWithOutage, restoreOrRebuild } from './pipeline/restore-or-rebuild.ts';

/** What every domain's wiring gets from the processor: connections, store, screens, metrics. */
export interface DomainDeps {
  config: VigiaConfig;
  nc: NatsConnection;
  jsm: JetStreamManager;
  store: ClickHouseClient;
  live: LiveFeed;
  metrics: ProcessorMetrics;
  logger: Logger;
  partitions: number[];
  projectRoot: string;
  isStopping: () => boolean;
}

export interface RunningDomain {
  done: Promise<void>;
  /** Stop pulling, let the batch in flight finish, leave a snapshot at the exact end. */
  stop(): Promise<void>;
}

/** Wiring of the sensor domain: consumers, core, model chain, committer, snapshots. */
export async function startSensorDomain(deps: DomainDeps): Promise<RunningDomain> {
  const { config, nc, jsm, store, live, metrics, partitions } = deps;
  const log = deps.logger;
  const pc = config.processor;
  const core = new SensorBatchProcessor({
    runId: pc.runId,
    scorer: process.env.VIGIA_FAULT_POISON_STATION ? withPoisonStation(createSensorDetector(), process.env.VIGIA_FAULT_POISON_STATION) : createSensorDetector(),
    windows: new TumblingWindows(pc.windowMs, pc.allowedLatenessMs),
    bands: config.scoring.severityBands,
    maxFutureMs: pc.maxFutureMs,
    partitionCount: config.streams.partitions,
    limits: keyLimitsOf(pc.limits, SENSOR_NEW_KEY_BYTES),
  });
  const keys = core.keys;
  if (keys) metrics.watchKeys('sensor', () => keys.stats);
  const snapshots = { store: createClickHouseSnapshotStore(store), key: { runId: pc.runId, domain: 'sensor', partitions }, intervalMs: pc.snapshotIntervalMs };
  const startAt = await restoreOrRebuild(core, snapshots.store, snapshots.key, log);
  const source = await createJetStreamSource(nc, jsm, {
    domain: 'sensor',
    partitions,
    maxAckPending: pc.maxAckPending,
    ackWaitSeconds: pc.ackWaitSeconds,
    startAt,
    onReposition: (partition, fromSeq, lost) => log.warn({ partition, fromSeq, lost }, 'deliveries lost in flight: consumer restarted in order'),
  });
  const chainCfg = config.scoring.sensorChain;
  const chain = chainCfg.enabled ? await loadSensorChain(resolve(deps.projectRoot, chainCfg.modelDir), { intraOpNumThreads: chainCfg.intraOpThreads }) : undefined;
  if (chain) log.info({ model: chain.modelId, dir: chainCfg.modelDir }, 'model chain loaded');
  const commitBatch = createBatchCommitter({
    core,
    store: maybeWithOutage(createClickHouseBatchStore(store), log),
    alerts: createNatsAnomalyPublisher(nc),
    deadLetters: createNatsDeadLetterPublisher(nc),
    live,
    metrics,
    logger: log,
    now: Date.now,
    isStopping: deps.isStopping,
    snapshots,
    model: sensorChainStage(chain, config),
  });
  const done = lastValueFrom(sensorPipeline(source.messages$, { batchMaxMs: pc.batchMaxMs, batchMaxEvents: pc.batchMaxEvents, commitConcurrency: pc.commitConcurrency, commitBatch }).pipe(defaultIfEmpty(null))).then(
    () => undefined,
    (err: Error) => {
      log.error({ err: err.message }, 'pipeline failed');
      throw err;
    },
  );
  return {
    done,
    async stop() {
      await source.close();
      const finished = await Promise.race([done.then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      // A clean stop leaves a snapshot at the exact end, so the next start learns nothing twice.
      if (finished) await saveSnapshot(snapshots, core.captureStateText(), { now: Date.now, metrics, logger: log }).catch((err: Error) => log.warn({ err: err.message }, 'final snapshot failed'));
      await chain?.release();
    },
  };
}
