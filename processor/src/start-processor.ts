import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, defaultIfEmpty } from 'rxjs';
import type { VigiaConfig } from '../../config/index.ts';
import { openStore } from '../../store/src/index.ts';
import { TABLES, type RunRow } from '../../store/src/rows.ts';
import { writeStackLock } from '../../stack/stack-lock.ts';
import type { Logger } from '../../stack/logger.ts';
import { connectNats } from './adapters/nats/connect-nats.ts';
import { ensureStreams } from './adapters/nats/ensure-streams.ts';
import { createJetStreamSource, durableName } from './adapters/nats/jetstream-source.ts';
import { startReplayService } from './replay/replay-service.ts';
import { streams } from '../../contracts/index.ts';
import { createClickHouseSnapshotStore } from './adapters/clickhouse/clickhouse-snapshot-store.ts';
import { parseStoreOutage, withStoreOutage } from './adapters/clickhouse/outage-injector.ts';
import type { BatchStore } from './ports/sinks.ts';
import type { SnapshotKey, SnapshotStore } from './ports/snapshot-store.ts';
import { SnapshotUnreadableError } from './domain/processor-state.ts';
import { createNatsAnomalyPublisher } from './adapters/nats/nats-anomaly-publisher.ts';
import { createNatsDeadLetterPublisher } from './adapters/nats/nats-dead-letter-publisher.ts';
import { createClickHouseBatchStore } from './adapters/clickhouse/clickhouse-batch-store.ts';
import { createSocketIoLiveFeed } from './adapters/socketio/socketio-live-feed.ts';
import { createHttpApp } from './adapters/http/http-app.ts';
import { startHttpServer } from './adapters/http/start-http-server.ts';
import { SensorBatchProcessor } from './domain/sensor-batch.ts';
import { withPoisonStation } from './domain/poison-injector.ts';
import { TumblingWindows } from './domain/tumbling-windows.ts';
import { createSensorDetector } from './domain/sensor-detector.ts';
import { ProcessorMetrics } from './metrics.ts';
import { loadSensorChain } from './adapters/onnx/sensor-chain-scorer.ts';
import { sensorChainStage } from './adapters/onnx/model-stage.ts';
import { createBatchCommitter, saveSnapshot } from './pipeline/commit-batch.ts';
import { sensorPipeline } from './pipeline/sensor-pipeline.ts';
import { startLiveStatsTicker } from './pipeline/live-stats-ticker.ts';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const UI_DIST = join(PROJECT_ROOT, 'ui', 'dist');

export interface StartProcessorOptions {
  natsUrl: string;
  logger: Logger;
  /** Built UI folder. @default ui/dist */
  uiDir?: string;
}

export interface RunningProcessor {
  httpUrl: string;
  /** Resolves when the pipeline ends (stop() or a fatal source error). */
  done: Promise<void>;
  /** Stop pulling, finish and ack the batch in flight, close everything. */
  stop(): Promise<void>;
}

/** Wiring only: config in, adapters built, the pure core fed. */
export async function startProcessor(config: VigiaConfig, opts: StartProcessorOptions): Promise<RunningProcessor> {
  const log = opts.logger;
  const pc = config.processor;
  const partitions = pc.partitions.length ? pc.partitions : Array.from({ length: config.streams.partitions }, (_, i) => i);

  const nc = await connectNats({ url: opts.natsUrl, name: `vigia-processor-${process.pid}` });
  const jsm = await ensureStreams(nc, config.streams);
  const store = await openStore({ ...config.clickhouse, dataDir: config.dataDir });
  log.info({ store: store.mode, location: store.location, partitions }, 'store open');
  await recordRun(store.client, pc.runId, config);

  const metrics = new ProcessorMetrics();
  const app = createHttpApp({
    store: store.client,
    metrics,
    uiDir: opts.uiDir ?? UI_DIST,
    health: async () => ({
      nats: { ok: !nc.isClosed(), detail: nc.getServer() },
      clickhouse: await store.client.ping().then((p) => ({ ok: p.success, detail: store.mode }), (e: Error) => ({ ok: false, detail: e.message })),
    }),
  });
  const http = await startHttpServer(app, config.http.host, config.http.port);
  const releaseLock = store.mode === 'embedded' ? writeStackLock(config.dataDir, { pid: process.pid, httpUrl: http.url, startedAt: Date.now() }) : () => {};
  const live = createSocketIoLiveFeed(http.io);
  const stopTicker = startLiveStatsTicker(metrics, live, ['sensor']);

  let stopping = false;
  const core = new SensorBatchProcessor({
    runId: pc.runId,
    scorer: process.env.VIGIA_FAULT_POISON_STATION ? withPoisonStation(createSensorDetector(), process.env.VIGIA_FAULT_POISON_STATION) : createSensorDetector(),
    windows: new TumblingWindows(pc.windowMs, pc.allowedLatenessMs),
    bands: config.scoring.severityBands,
    maxFutureMs: pc.maxFutureMs,
  });
  const snapshots = { store: createClickHouseSnapshotStore(store.client), key: { runId: pc.runId, domain: 'sensor', partitions }, intervalMs: pc.snapshotIntervalMs };
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
  const chain = chainCfg.enabled ? await loadSensorChain(resolve(PROJECT_ROOT, chainCfg.modelDir), { intraOpNumThreads: chainCfg.intraOpThreads }) : undefined;
  if (chain) log.info({ model: chain.modelId, dir: chainCfg.modelDir }, 'model chain loaded');
  const commitBatch = createBatchCommitter({
    core,
    store: maybeWithOutage(createClickHouseBatchStore(store.client), log),
    alerts: createNatsAnomalyPublisher(nc),
    deadLetters: createNatsDeadLetterPublisher(nc),
    live,
    metrics,
    logger: log,
    now: Date.now,
    isStopping: () => stopping,
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
  const replays = startReplayService({
    nc,
    store: store.client,
    config,
    logger: log,
    projectRoot: PROJECT_ROOT,
    liveModel: chain,
    // Live first: a replay waits while any live consumer has more than a few batches queued.
    liveIsBehind: async () => {
      const infos = await Promise.all(partitions.map((p) => jsm.consumers.info(streams.events('sensor'), durableName('proc', 'sensor', p)).catch(() => undefined)));
      return infos.some((i) => (i?.num_pending ?? 0) > pc.batchMaxEvents * 5);
    },
  });
  log.info({ http: http.url }, 'processor running');

  return {
    httpUrl: http.url,
    done,
    async stop() {
      stopping = true;
      replays.unsubscribe();
      await source.close();
      const finished = await Promise.race([done.then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      // A clean stop leaves a snapshot at the exact end, so the next start learns nothing twice.
      if (finished) await saveSnapshot(snapshots, core.captureState(), { now: Date.now, metrics, logger: log }).catch((err: Error) => log.warn({ err: err.message }, 'final snapshot failed'));
      stopTicker();
      await http.close();
      releaseLock();
      await chain?.release();
      await store.close();
      await nc.drain().catch(() => nc.close());
    },
  };
}

/**
 * Restore the latest snapshot and start each partition's consumer just after the position it
 * covers; without a usable snapshot, rebuild the state from the whole retained log. Consumers
 * are always (re)positioned, so a process sees every partition in sequence order from a known
 * point — never a crashed predecessor's unacked messages after newer ones. Rows written again
 * on the way are idempotent.
 */
async function restoreOrRebuild(core: SensorBatchProcessor, store: SnapshotStore, key: SnapshotKey, log: Logger): Promise<Map<number, number | 'all'>> {
  const fromScratch = new Map(key.partitions.map((p) => [p, 'all' as const]));
  const snapshot = await store.load(key);
  if (!snapshot) {
    log.info('no snapshot: building the state from the retained log');
    return fromScratch;
  }
  try {
    const state = core.restoreState(JSON.parse(snapshot.state));
    log.info({ takenAt: new Date(snapshot.takenAt).toISOString(), seqs: state.seqs, bytes: snapshot.state.length }, 'state restored from snapshot');
    return new Map(key.partitions.map((p) => [p, state.seqs[String(p)] !== undefined ? state.seqs[String(p)]! + 1 : ('all' as const)]));
  } catch (err) {
    if (!(err instanceof SnapshotUnreadableError) && !(err instanceof SyntaxError)) throw err;
    log.error({ err: (err as Error).message }, 'snapshot unreadable: rebuilding the state from the log');
    return fromScratch;
  }
}

function maybeWithOutage(store: BatchStore, log: Logger): BatchStore {
  const outage = parseStoreOutage(process.env.VIGIA_FAULT_STORE_OUTAGE);
  if (!outage) return store;
  log.warn(outage, 'fault injection: the store will be unavailable for a while');
  return withStoreOutage(store, outage);
}

async function recordRun(client: import('@clickhouse/client').ClickHouseClient, runId: string, config: VigiaConfig): Promise<void> {
  const now = Date.now();
  const row: RunRow = {
    run_id: runId,
    domain: 'sensor',
    kind: runId === 'live' ? 'live' : 'bench',
    started_at: now,
    params: JSON.stringify({ processor: config.processor, scoring: config.scoring }),
    code_version: process.env.npm_package_version ?? '0.1.0',
    updated_at: now,
  };
  await client.insert({ table: TABLES.runs, values: [row], format: 'JSONEachRow' });
}
