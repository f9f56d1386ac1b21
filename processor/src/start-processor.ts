import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VigiaConfig } from '../../config/index.ts';
import { openAnalystSql, openStore } from '../../store/src/index.ts';
import { TABLES, type RunRow } from '../../store/src/rows.ts';
import { writeStackLock } from '../../stack/stack-lock.ts';
import type { Logger } from '../../stack/logger.ts';
import { connectNats, ensureStreams } from '../../nats/index.ts';
import { createSocketIoLiveFeed } from './adapters/socketio/socketio-live-feed.ts';
import { installSocketIoAccess, socketIoServerOptions, type SocketIoAccess } from './adapters/socketio/socketio-access.ts';
import { HTTP_TOKEN_HINT, loadOrCreateHttpToken } from '../../stack/access/http-token.ts';
import { createHttpApp } from './adapters/http/http-app.ts';
import { startHttpServer } from './adapters/http/start-http-server.ts';
import { ProcessorMetrics } from './metrics.ts';
import { startDomain, type RunningDomain } from './pipeline/start-domain.ts';
import { checkBatchingDomains, domainBatching } from './pipeline/domain-batching.ts';
import type { DomainModule } from './domains/domain-module.ts';
import { DOMAIN_MODULES, domainModule } from './domains/registry.ts';
import { startLiveStatsTicker } from './pipeline/live-stats-ticker.ts';
import { durableName } from './adapters/nats/jetstream-source.ts';
import { startReplayService } from './replay/replay-service.ts';
import { DOMAINS, streams } from '../../contracts/index.ts';
import { judgeProgress } from './pipeline/progress-health.ts';
import { createLagProbe } from './adapters/nats/consumer-lag.ts';
import { planWorkers, workerCount } from './workers/plan-workers.ts';
import { startDomainWorker, type DomainWorkerDeps } from './workers/start-domain-worker.ts';
import { watchedEntities } from './workers/watched-entities.ts';
import { createFairStatementQueue } from './adapters/clickhouse/fair-statement-queue.ts';
import { scheduledClient } from './adapters/clickhouse/scheduled-client.ts';
import { createStoreProbe } from './adapters/clickhouse/store-probe.ts';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const UI_DIST = join(PROJECT_ROOT, 'ui', 'dist');
const REGISTRY_URL = new URL('./domains/registry.ts', import.meta.url).href;
/** Embedded chDB sessions the processor's statements run on side by side (see the scheduler below). */
const STORE_SESSIONS = 2;
/** Statements at once on a ClickHouse server (one client, requests side by side). */
const SERVER_STATEMENTS = 4;

export interface StartProcessorOptions {
  natsUrl: string;
  logger: Logger;
  /** Built UI folder. @default ui/dist */
  uiDir?: string;
  /** The registered domains (tests add their own). @default DOMAIN_MODULES */
  modules?: readonly DomainModule[];
  /**
   * URL of the module exporting DOMAIN_MODULES that worker threads load (they cannot be handed
   * `modules`: functions do not cross threads). With `modules` and no registryUrl, the domains
   * run in the main thread. @default processor/src/domains/registry.ts
   */
  registryUrl?: string;
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
  const registered = opts.modules ?? DOMAIN_MODULES;
  const modules = pc.domains.map((d) => domainModule(d, registered));
  checkBatchingDomains(pc, registered);
  const partitions = pc.partitions.length ? pc.partitions : Array.from({ length: config.streams.partitions }, (_, i) => i);

  const nc = await connectNats({ url: opts.natsUrl, name: `vigia-processor-${process.pid}` });
  const jsm = await ensureStreams(nc, config.streams, [...new Set([...DOMAINS, ...registered.map((m) => m.name)])]);
  const store = await openStore({ ...config.clickhouse, dataDir: config.dataDir });
  for (const m of modules) for (const statement of m.store.migrations ?? []) await store.client.command({ query: statement });
  const sql = await openAnalystSql({ ...config.clickhouse, dataDir: config.dataDir }, config.sql);
  const pool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  if (config.sql.maxConcurrent >= pool - 1) {
    log.warn({ maxConcurrent: config.sql.maxConcurrent, UV_THREADPOOL_SIZE: pool }, 'analyst SQL may occupy all but one of libuv\'s worker threads: start the processor with UV_THREADPOOL_SIZE above sql.maxConcurrent + 2 (vigia up does)');
  }
  log.info({ store: store.mode, location: store.location, partitions }, 'store open');
  await recordRun(store.client, pc.runId, config);

  // One owner of the store, whose statements take turns by lane: a domain (or worker), the
  // HTTP routes, replays and /health's probe. A lane runs one statement at a time, so with two
  // chDB sessions a long queue (a trip catch-up's inserts) holds one at most and the other lanes'
  // statements wait behind each other's, not behind it.
  const slots = store.mode === 'embedded' ? STORE_SESSIONS : SERVER_STATEMENTS;
  const sessions = await store.sessions(slots);
  const metrics = new ProcessorMetrics();
  const scheduler = createFairStatementQueue({
    concurrency: slots,
    observe(lane, waitedMs, ranMs) {
      metrics.storeStatementSeconds.observe({ lane, phase: 'waited' }, waitedMs / 1000);
      metrics.storeStatementSeconds.observe({ lane, phase: 'ran' }, ranMs / 1000);
    },
  });
  const lane = (name: string, maxRowsPerInsert?: number) => scheduledClient(sessions, scheduler, name, maxRowsPerInsert);
  const rowsPerInsert = (domain: string) => domainBatching(domainModule(domain, registered), pc).maxRowsPerInsert;
  const probeClient = lane('health');
  const storeProbe = createStoreProbe({
    ping: () => probeClient.ping().then((p) => {
      if (!p.success) throw p.error;
    }),
    everyMs: 1000,
    stuckAfterMs: pc.stallAfterSeconds * 1000,
    label: store.mode,
    now: Date.now,
    busySinceMs: () => scheduler.busySinceMs(),
  });

  const startedAt = Date.now();
  const lagOf = createLagProbe(jsm, partitions);
  const hc = config.http;
  const token = loadOrCreateHttpToken(config);
  const app = createHttpApp({
    access: { token, boundHost: hc.host, allowedHosts: hc.allowedHosts, metricsNeedToken: hc.metricsNeedToken, maxBodyBytes: hc.maxBodyBytes, tokenHint: HTTP_TOKEN_HINT },
    store: lane('http'),
    sql,
    metrics,
    uiDir: opts.uiDir ?? UI_DIST,
    modules,
    health: async () => ({
      nats: { ok: !nc.isClosed(), detail: nc.getServer() },
      clickhouse: storeProbe.check(),
      ...Object.fromEntries(
        await Promise.all(
          pc.domains.map(async (d) => [
            `domain:${d}`,
            judgeProgress({ lag: await lagOf(d), lastCommitMs: metrics.lastCommitMs.get(d), oldestWaitingMs: metrics.oldestWaitingMs(d) }, Date.now(), startedAt, pc.stallAfterSeconds * 1000),
          ]),
        ),
      ),
    }),
  });
  const socketAccess: SocketIoAccess = {
    token,
    boundHost: hc.host,
    allowedHosts: hc.allowedHosts,
    tokenHint: HTTP_TOKEN_HINT,
    maxMessageBytes: hc.socketMaxMessageBytes,
    maxPerAddress: hc.socketMaxPerAddress,
  };
  const http = await startHttpServer(app, hc.host, hc.port, socketIoServerOptions(socketAccess));
  installSocketIoAccess(http.io, socketAccess);
  const releaseLock = store.mode === 'embedded' ? writeStackLock(config.dataDir, { pid: process.pid, httpUrl: http.url, startedAt: Date.now() }) : () => {};
  const live = createSocketIoLiveFeed(http.io, { names: modules.map((m) => m.name), rooms: modules.flatMap((m) => m.socketRooms ?? []) }, { maxRoomsPerSocket: hc.socketMaxRooms });
  const stopTicker = startLiveStatsTicker(metrics, live, pc.domains);

  let stopping = false;
  const registryUrl = opts.registryUrl ?? (opts.modules ? undefined : REGISTRY_URL);
  const plans = registryUrl ? planWorkers(pc.domains, partitions, workerCount(pc.workers, pc.domains)) : [];
  if (!registryUrl && workerCount(pc.workers, pc.domains) > 0) log.warn('domain modules given without a registryUrl: scoring runs in the main thread (processor.workers ignored)');
  const running: RunningDomain[] = plans.length
    ? await startWorkers(plans, { config, natsUrl: opts.natsUrl, registryUrl: registryUrl!, projectRoot: PROJECT_ROOT, sessions, scheduler, maxRowsPerInsert: rowsPerInsert, live, metrics, logger: log, watched: (d) => watchedEntities(http.io.sockets.adapter.rooms, d) })
    : [];
  if (!plans.length) {
    for (const m of modules) running.push(await startDomain(m, { config, nc, jsm, store: lane(m.name, rowsPerInsert(m.name)), live, metrics, logger: log, partitions, projectRoot: PROJECT_ROOT, isStopping: () => stopping }));
  }
  const done = Promise.all(running.map((r) => r.done)).then(() => undefined);
  const replays = startReplayService({
    nc,
    store: lane('replay'),
    config,
    logger: log,
    projectRoot: PROJECT_ROOT,
    domains: pc.domains,
    modules,
    // Live first: a replay waits while a live consumer of its domain has more than a few batches queued.
    liveIsBehind: async (domain) => {
      const infos = await Promise.all(partitions.map((p) => jsm.consumers.info(streams.events(domain), durableName('proc', domain, p)).catch(() => undefined)));
      const { batchMaxEvents } = domainBatching(domainModule(domain, registered), pc);
      return infos.some((i) => (i?.num_pending ?? 0) > batchMaxEvents * 5);
    },
  });
  log.info({ http: http.url }, 'processor running');

  return {
    httpUrl: http.url,
    done,
    async stop() {
      stopping = true;
      replays.unsubscribe();
      await Promise.all(running.map((r) => r.stop()));
      stopTicker();
      storeProbe.stop();
      await http.close();
      releaseLock();
      await sql.close();
      await store.close();
      await nc.drain().catch(() => nc.close());
    },
  };
}

/** Every worker of the plans, started at once; if one cannot start, the others are stopped and its error thrown. */
async function startWorkers(plans: ReturnType<typeof planWorkers>, deps: DomainWorkerDeps): Promise<RunningDomain[]> {
  const started = await Promise.allSettled(plans.map((plan, i) => startDomainWorker(i, plan, deps)));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!failed) return started.map((s) => (s as PromiseFulfilledResult<RunningDomain>).value);
  await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
  throw failed.reason;
}

async function recordRun(client: import('@clickhouse/client').ClickHouseClient, runId: string, config: VigiaConfig): Promise<void> {
  const now = Date.now();
  const rows: RunRow[] = config.processor.domains.map((domain) => ({
    run_id: runId,
    domain,
    kind: runId === 'live' ? 'live' : 'bench',
    started_at: now,
    params: JSON.stringify({ processor: config.processor, scoring: config.scoring }),
    code_version: process.env.npm_package_version ?? '0.1.0',
    updated_at: now,
  }));
  await client.insert({ table: TABLES.runs, values: rows, format: 'JSONEachRow' });
}
