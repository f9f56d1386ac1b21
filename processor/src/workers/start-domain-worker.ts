import { Worker } from 'node:worker_threads';
import type { ClickHouseClient } from '@clickhouse/client';
import type { VigiaConfig } from '../../../config/index.ts';
import type { Logger } from '../../../stack/logger.ts';
import type { ProcessorMetrics } from '../metrics.ts';
import type { RunningDomain } from '../pipeline/start-domain.ts';
import type { LiveFeed } from '../ports/sinks.ts';
import type { StatementScheduler } from '../adapters/clickhouse/fair-statement-queue.ts';
import { clickHouseHandlers } from './clickhouse-host.ts';
import { DomainWorkerError } from './domain-worker-errors.ts';
import { createRpc } from './message-rpc.ts';
import type { WorkerPlan } from './plan-workers.ts';
import { applyLiveCalls, type LiveCall } from './remote-live-feed.ts';
import { workerConfig, type DomainWorkerData, type WorkerProgress } from './worker-data.ts';

const ENTRY = new URL('./domain-worker.mjs', import.meta.url);
/** How often the watched entities are compared and, if changed, pushed to the worker. */
const WATCHED_MS = 500;
/** How long a stopped worker may take to exit once it said it is done. */
const EXIT_GRACE_MS = 5_000;

export interface DomainWorkerDeps {
  config: VigiaConfig;
  natsUrl: string;
  registryUrl: string;
  projectRoot: string;
  /** The main thread's store sessions (one per scheduler slot): the workers' rows and snapshots go through them. */
  sessions: readonly ClickHouseClient[];
  /** Where the store's statements take turns; each worker is a lane of its own. */
  scheduler: StatementScheduler;
  /** A domain's rows per INSERT statement at most (its batching); a worker's lane takes its domains' least. */
  maxRowsPerInsert(domain: string): number;
  live: LiveFeed;
  metrics: ProcessorMetrics;
  logger: Logger;
  /** The entities of a domain some screen watches now. */
  watched(domain: string): string[];
}

/**
 * Run a plan's domains on their own worker thread (domain-worker-main.ts), serving its store
 * calls, live payloads and metrics from this thread. Resolves once every domain of the plan
 * is running (or rejects with why it could not start). `done` resolves after a clean stop and
 * rejects with a DomainWorkerError if the worker fails or exits unasked, never hangs.
 */
export async function startDomainWorker(index: number, plan: WorkerPlan, deps: DomainWorkerDeps): Promise<RunningDomain> {
  const domains = plan.assignments.map((a) => a.domain);
  const log = deps.logger.child({ worker: index });
  const data: DomainWorkerData = { index, registryUrl: deps.registryUrl, natsUrl: deps.natsUrl, config: workerConfig(deps.config, plan), assignments: plan.assignments, projectRoot: deps.projectRoot };
  const worker = new Worker(ENTRY, { workerData: data });
  let stopAsked = false;
  /** The worker answered its stop: batches acked, final snapshot saved; how it exits no longer matters. */
  let stoppedCleanly = false;
  let settle!: { resolve(): void; reject(e: Error): void };
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // Whoever runs the worker handles `done`; if it never starts, only `ready`'s rejection matters.
  done.catch(() => undefined);
  let readyOrNot!: { resolve(): void; reject(e: Error): void };
  const ready = new Promise<void>((resolve, reject) => (readyOrNot = { resolve, reject }));
  const fail = (err: DomainWorkerError) => {
    readyOrNot.reject(err);
    settle.reject(err);
  };

  const rpc = createRpc(worker, clickHouseHandlers(deps.sessions, deps.scheduler, `worker-${index}:${domains.join('+')}`, Math.min(...domains.map((d) => deps.maxRowsPerInsert(d)))), function onWorkerEvent(type, payload) {
    if (type === 'ready') readyOrNot.resolve();
    else if (type === 'live') applyLiveCalls(deps.live, payload as LiveCall[]);
    else if (type === 'progress') absorb(payload as WorkerProgress);
    else if (type === 'failed') {
      const e = payload as { name: string; message: string };
      fail(new DomainWorkerError(index, domains, `${e.name}: ${e.message}`));
      // Its pipeline is dead; nothing it holds is worth a clean stop.
      void worker.terminate();
    }
  });
  function absorb(p: WorkerProgress) {
    deps.metrics.registry.setRemote(`worker-${index}`, p.metrics);
    for (const [d, ms] of Object.entries(p.lastCommitMs)) if (ms > (deps.metrics.lastCommitMs.get(d) ?? 0)) deps.metrics.lastCommitMs.set(d, ms);
    for (const d of new Set(domains)) deps.metrics.setWaiting(d, `worker-${index}`, p.oldestWaitingMs[d]);
  }
  worker.on('error', (err) => fail(new DomainWorkerError(index, domains, `${err.name}: ${err.message}`, { cause: err })));
  worker.on('exit', (code) => {
    clearInterval(watchTimer);
    rpc.failAll(new DomainWorkerError(index, domains, `exited (code ${code})`));
    if (stoppedCleanly || (stopAsked && code === 0)) settle.resolve();
    else fail(new DomainWorkerError(index, domains, stopAsked ? `exited with code ${code} while stopping` : `exited unexpectedly (code ${code})`));
  });

  const lastSent = new Map<string, string>();
  const watchTimer = setInterval(function pushWatched() {
    for (const domain of new Set(domains)) {
      const entities = deps.watched(domain);
      const sig = entities.join('\n');
      if (lastSent.get(domain) === sig) continue;
      lastSent.set(domain, sig);
      rpc.emit('watched', { domain, entities });
    }
  }, WATCHED_MS);
  watchTimer.unref();

  await ready;
  log.info({ assignments: plan.assignments.map((a) => `${a.domain}:${a.partitions.join(',')}`) }, 'domain worker running');
  return {
    done,
    async stop() {
      if (stopAsked) return done.catch(() => undefined);
      stopAsked = true;
      await rpc.call('stop').then(
        () => void (stoppedCleanly = true),
        (err: Error) => log.warn({ err: err.message }, 'worker did not stop cleanly'),
      );
      const exited = await Promise.race([done.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), EXIT_GRACE_MS).unref())]);
      if (!exited) {
        log.warn('worker still running after its stop; terminating it');
        await worker.terminate();
      }
      await done.catch(() => undefined);
    },
  };
}
