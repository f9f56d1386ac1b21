import { parentPort, workerData } from 'node:worker_threads';
import { jetstreamManager } from '@nats-io/jetstream';
import { createLogger } from '../../../stack/logger.ts';
import { connectNats } from '../../../nats/index.ts';
import type { DomainModule } from '../domains/domain-module.ts';
import { domainModule } from '../domains/registry.ts';
import { ProcessorMetrics } from '../metrics.ts';
import { startDomain, type RunningDomain } from '../pipeline/start-domain.ts';
import { createRpc } from './message-rpc.ts';
import { createRemoteClickHouse, createRemoteRecordWriter } from './remote-clickhouse.ts';
import { createRemoteLiveFeed } from './remote-live-feed.ts';
import type { DomainWorkerData, WorkerProgress } from './worker-data.ts';

/**
 * A domain worker thread: for each of its assignments, what startDomain runs in the main
 * thread (JetStream consumers, core and models, committer, snapshots) on its own NATS
 * connection and event loop. Rows, snapshots and live payloads go to the main thread, which
 * owns chDB and socket.io; metrics are pushed to it.
 */
const data = workerData as DomainWorkerData;
const port = parentPort!;
const PUSH_MS = 500;

const logger = createLogger('processor', data.config.logLevel).child({ worker: data.index });
const metrics = new ProcessorMetrics({ processMetrics: false });
let stopping = false;
const running: RunningDomain[] = [];
const live = createRemoteLiveFeed((calls) => rpc.emit('live', calls));
const rpc = createRpc(port, { stop }, (type, payload: { domain: string; entities: string[] }) => {
  if (type === 'watched') live.setWatched(payload.domain, payload.entities);
});

async function pushProgress(): Promise<void> {
  const progress: WorkerProgress = { metrics: await metrics.registry.getMetricsAsJSON(), lastCommitMs: Object.fromEntries(metrics.lastCommitMs),
    oldestWaitingMs: Object.fromEntries(data.assignments.flatMap((a) => {
      const ms = metrics.oldestWaitingMs(a.domain);
      return ms === undefined ? [] : [[a.domain, ms]];
    })),
  };
  rpc.emit('progress', progress);
}
// Pushed after every committed batch (so /metrics and /health follow the stored rows closely),
// one push at a time, and every PUSH_MS for what changes between batches (key gauges).
let pushing = false;
let pushAgain = false;
function pushSoon(): void {
  if (pushing) {
    pushAgain = true;
    return;
  }
  pushing = true;
  void pushProgress().finally(() => {
    pushing = false;
    if (pushAgain) {
      pushAgain = false;
      pushSoon();
    }
  });
}
const registry = (await import(data.registryUrl)) as { DOMAIN_MODULES?: readonly DomainModule[] };
if (!registry.DOMAIN_MODULES) throw new Error(`${data.registryUrl} exports no DOMAIN_MODULES: a worker's registry module must`);
// Unknown domains fail before anything connects.
const modules = data.assignments.map((a) => domainModule(a.domain, registry.DOMAIN_MODULES!));
const nc = await connectNats({ url: data.natsUrl, name: `vigia-processor-${process.pid}-w${data.index}` });
const jsm = await jetstreamManager(nc);
const store = createRemoteClickHouse(rpc);
for (const [i, a] of data.assignments.entries()) {
  running.push(await startDomain(modules[i]!, { config: data.config, nc, jsm, store, live, metrics, logger, partitions: a.partitions, projectRoot: data.projectRoot, isStopping: () => stopping, recordWriter: (writes, linger) => createRemoteRecordWriter(rpc, writes, linger), onCommitted: pushSoon, onWaiting: pushSoon }));
}

const pusher = setInterval(pushSoon, PUSH_MS);

// A domain whose pipeline fails fails the worker, hence the processor (its supervisor restarts it).
Promise.all(running.map((r) => r.done)).catch((err: Error) => rpc.emit('failed', { name: err.name, message: err.message, stack: err.stack }));

async function stop(): Promise<void> {
  stopping = true;
  await Promise.all(running.map((r) => r.stop()));
  clearInterval(pusher);
  await pushProgress();
  await nc.drain().catch(() => nc.close());
  // After the reply is posted. Exit rather than wait for the event loop to empty: a domain's
  // libraries may keep handles open (measured: the trip worker did), and all is saved by now.
  setImmediate(() => process.exit(0));
}

rpc.emit('ready');
