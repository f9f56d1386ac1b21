import { lastValueFrom, defaultIfEmpty, tap } from 'rxjs';
import type { ClickHouseClient } from '@clickhouse/client';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { VigiaConfig } from '../../../config/index.ts';
import type { Logger } from '../../../stack/logger.ts';
import { createJetStreamSource } from '../adapters/nats/jetstream-source.ts';
import { createClickHouseSnapshotStore } from '../adapters/clickhouse/clickhouse-snapshot-store.ts';
import { createClickHouseRecordWriter, type WriteLinger } from '../adapters/clickhouse/clickhouse-record-writer.ts';
import { createNatsAnomalyPublisher } from '../adapters/nats/nats-anomaly-publisher.ts';
import { createNatsDeadLetterPublisher } from '../adapters/nats/nats-dead-letter-publisher.ts';
import type { DomainModule, TableWrite } from '../domains/domain-module.ts';
import type { ProcessorMetrics } from '../metrics.ts';
import type { LiveFeed, RecordWriter } from '../ports/sinks.ts';
import { createBatchCommitter } from './commit-batch.ts';
import { domainBatching } from './domain-batching.ts';
import { domainPipeline } from './domain-pipeline.ts';
import { maybeWithOutage, restoreOrRebuild } from './restore-or-rebuild.ts';
import { saveSnapshot } from './snapshots.ts';
import { liveWrites } from './live-writes.ts';
import { WaitingClock } from './waiting-clock.ts';
import type { SourceMessage } from '../ports/source-message.ts';

/** This thread's pipelines in metrics.setWaiting (a worker's are merged in as `worker-N`). */
const LOCAL = 'local';

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
  /** How a batch's records reach the store, lingering as the domain's batching says. @default createClickHouseRecordWriter on `store` (a worker passes one that sends the whole batch to the main thread at once) */
  recordWriter?: <R>(writes: readonly TableWrite<R>[], linger?: WriteLinger<R>) => RecordWriter<R>;
  /** After each batch is acked and counted in `metrics` (a worker then pushes its metrics). */
  onCommitted?: () => void;
  /** When events wait again after none did (a worker then pushes, so /health's stall clock starts at their arrival). */
  onWaiting?: () => void;
}

export interface RunningDomain {
  done: Promise<void>;
  /** Stop pulling, let the batch in flight finish, leave a snapshot at the exact end. */
  stop(): Promise<void>;
}

/** Any domain, live: its consumers, core, models, committer and snapshots. */
export async function startDomain(module: DomainModule, deps: DomainDeps): Promise<RunningDomain> {
  const { config, nc, jsm, store, live, metrics, partitions } = deps;
  const domain = module.name;
  const log = deps.logger.child({ domain });
  const pc = config.processor;
  const batching = domainBatching(module, pc);
  const linger = batching.writeMaxWaitMs > 0 ? { events: (r: unknown) => module.store.eventRows(r).length, minEvents: batching.writeMinEvents, maxWaitMs: batching.writeMaxWaitMs, fromRate: batching.writeLingerFromRate } : undefined;
  const { core, models } = await module.createRuntime({ config, runId: pc.runId, projectRoot: deps.projectRoot, logger: log, modelVersion: null, purpose: 'live' });
  const keys = core.keys;
  if (keys) metrics.watchKeys(domain, () => keys.stats);
  const snapshots = { store: createClickHouseSnapshotStore(store), key: { runId: pc.runId, domain, partitions }, intervalMs: pc.snapshotIntervalMs };
  const startAt = await restoreOrRebuild(core, snapshots.store, snapshots.key, log);
  const source = await createJetStreamSource(nc, jsm, {
    domain,
    partitions,
    maxAckPending: batching.maxAckPending,
    ackWaitSeconds: pc.ackWaitSeconds,
    startAt,
    // Batches ack in log order (commit-batch.ts), so one ack per partition and batch will do.
    cumulativeAcks: true,
    onReposition: (partition, fromSeq, lost) => log.warn({ partition, fromSeq, lost }, 'deliveries lost in flight: consumer restarted in order'),
  });
  const commitBatch = createBatchCommitter({
    domain,
    core,
    models,
    store: maybeWithOutage((deps.recordWriter ?? ((w, l) => createClickHouseRecordWriter(store, w, l)))(liveWrites(module, pc.liveFeatureRows), linger), log),
    alerts: createNatsAnomalyPublisher(nc),
    deadLetters: createNatsDeadLetterPublisher(nc),
    live,
    publishLive: module.publishLive?.bind(module),
    metrics,
    logger: log,
    now: Date.now,
    isStopping: deps.isStopping,
    snapshots,
  });
  // When the oldest uncommitted event arrived, for /health's stall clock (progress-health.ts).
  const waiting = new WaitingClock();
  const arrived$ = source.messages$.pipe(
    tap(() => {
      if (!waiting.arrived(Date.now())) return;
      metrics.setWaiting(domain, LOCAL, waiting.oldestMs());
      deps.onWaiting?.();
    }),
  );
  const commitCounted = (batch: SourceMessage[]) =>
    commitBatch(batch).then((outcome) => {
      waiting.committed(batch.length);
      metrics.setWaiting(domain, LOCAL, waiting.oldestMs());
      return outcome;
    });
  const done = lastValueFrom(
    domainPipeline(arrived$, { batchMaxMs: batching.batchMaxMs, batchMaxHoldMs: batching.batchMaxHoldMs, batchMaxEvents: batching.batchMaxEvents, commitConcurrency: batching.commitConcurrency, commitBatch: commitCounted }).pipe(
      tap(() => deps.onCommitted?.()),
      defaultIfEmpty(null),
    ),
  ).then(
    () => undefined,
    (err: Error) => {
      log.error({ err: err.message }, 'pipeline failed');
      throw err;
    },
  );
  log.info({ partitions, models: models.modelIds, batching }, 'domain running');
  return {
    done,
    async stop() {
      await source.close();
      const finished = await Promise.race([done.then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      // A clean stop leaves a snapshot at the exact end, so the next start learns nothing twice.
      if (finished) await saveSnapshot(snapshots, core.captureState(), { now: Date.now, metrics, logger: log }).catch((err: Error) => log.warn({ err: err.message }, 'final snapshot failed'));
      await models.release();
    },
  };
}
