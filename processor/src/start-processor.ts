import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, defaultIfEmpty } from 'rxjs';
import type { VigiaConfig } from '../../config/index.ts';
import { openStore } from '../../store/src/index.ts';
import { TABLES, type RunRow } from '../../store/src/rows.ts';
import { writeStackLock } from '../../stack/stack-lock.ts';
import type { Logger } from '../../stack/logger.ts';
import { connectNats } from './adapters/nats/connect-nats.ts';
import { ensureStreams } from './adapters/nats/ensure-streams.ts';
import { createJetStreamSource } from './adapters/nats/jetstream-source.ts';
import { createNatsAnomalyPublisher } from './adapters/nats/nats-anomaly-publisher.ts';
import { createNatsDeadLetterPublisher } from './adapters/nats/nats-dead-letter-publisher.ts';
import { createClickHouseBatchStore } from './adapters/clickhouse/clickhouse-batch-store.ts';
import { createSocketIoLiveFeed } from './adapters/socketio/socketio-live-feed.ts';
import { createHttpApp } from './adapters/http/http-app.ts';
import { startHttpServer } from './adapters/http/start-http-server.ts';
import { SensorBatchProcessor } from './domain/sensor-batch.ts';
import { TumblingWindows } from './domain/tumbling-windows.ts';
import { createSensorDetector } from './domain/sensor-detector.ts';
import { ProcessorMetrics } from './metrics.ts';
import { createBatchCommitter } from './pipeline/commit-batch.ts';
import { sensorPipeline } from './pipeline/sensor-pipeline.ts';
import { startLiveStatsTicker } from './pipeline/live-stats-ticker.ts';

const UI_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ui', 'dist');

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

  const source = await createJetStreamSource(nc, jsm, {
    domain: 'sensor',
    partitions,
    maxAckPending: pc.maxAckPending,
    ackWaitSeconds: pc.ackWaitSeconds,
  });
  let stopping = false;
  const core = new SensorBatchProcessor({
    runId: pc.runId,
    scorer: createSensorDetector(),
    windows: new TumblingWindows(pc.windowMs, pc.allowedLatenessMs),
    bands: config.scoring.severityBands,
    maxFutureMs: pc.maxFutureMs,
  });
  const commitBatch = createBatchCommitter({
    core,
    store: createClickHouseBatchStore(store.client),
    alerts: createNatsAnomalyPublisher(nc),
    deadLetters: createNatsDeadLetterPublisher(nc),
    live,
    metrics,
    logger: log,
    now: Date.now,
    isStopping: () => stopping,
  });
  const done = lastValueFrom(sensorPipeline(source.messages$, { batchMaxMs: pc.batchMaxMs, batchMaxEvents: pc.batchMaxEvents, commitConcurrency: pc.commitConcurrency, commitBatch }).pipe(defaultIfEmpty(null))).then(
    () => undefined,
    (err: Error) => {
      log.error({ err: err.message }, 'pipeline failed');
      throw err;
    },
  );
  log.info({ http: http.url }, 'processor running');

  return {
    httpUrl: http.url,
    done,
    async stop() {
      stopping = true;
      await source.close();
      await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
      stopTicker();
      await http.close();
      releaseLock();
      await store.close();
      await nc.drain().catch(() => nc.close());
    },
  };
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
