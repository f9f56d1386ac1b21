import { resolve } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ReplayRequest, replaySubjects, type ReplayProgress } from '../../../contracts/index.ts';
import type { VigiaConfig } from '../../../config/index.ts';
import type { Logger } from '../../../stack/logger.ts';
import { loadSensorChain, type SensorChainScorer } from '../adapters/onnx/sensor-chain-scorer.ts';
import { sensorChainStage } from '../adapters/onnx/model-stage.ts';
import { runReplay } from './run-replay.ts';

export interface ReplayServiceDeps {
  nc: NatsConnection;
  store: ClickHouseClient;
  config: VigiaConfig;
  logger: Logger;
  projectRoot: string;
  /** The live model chain, reused when a request names no model version. */
  liveModel?: SensorChainScorer | undefined;
  liveIsBehind: () => Promise<boolean>;
}

/**
 * Replays on request: `ops.replay.start` (request/reply, JSON ReplayRequest) → `{ accepted,
 * runId }` or `{ error }`; progress on `ops.replay.<runId>`. Runs inside the processor because
 * with embedded chDB only this process may write the store. One replay at a time.
 */
export function startReplayService(deps: ReplayServiceDeps): Subscription {
  let running: string | undefined;
  return deps.nc.subscribe(replaySubjects.start, {
    callback: (err, msg) => {
      if (err) return void deps.logger.error({ err: err.message }, 'replay service subscription failed');
      const reply = (body: object): void => void msg.respond(JSON.stringify(body));
      let parsed;
      try {
        parsed = ReplayRequest.safeParse(msg.json());
      } catch {
        return reply({ error: 'the request is not JSON' });
      }
      if (!parsed.success) return reply({ error: parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ') });
      const req = parsed.data;
      if (req.domain !== 'sensor') return reply({ error: `replay of the ${req.domain} domain is not available yet` });
      if (running) return reply({ error: `replay ${running} is still running; one at a time` });
      running = req.runId;
      reply({ accepted: true, runId: req.runId });
      void execute(req, deps).finally(() => (running = undefined));
    },
  });
}

async function execute(req: ReplayRequest, deps: ReplayServiceDeps): Promise<ReplayProgress> {
  const publish = (p: ReplayProgress) => deps.nc.publish(replaySubjects.progress(req.runId), JSON.stringify(p));
  let model: SensorChainScorer | undefined = deps.liveModel;
  let own = false;
  try {
    if (req.model !== null) {
      model = await loadSensorChain(resolve(deps.projectRoot, 'models', 'sensor-chain', req.model), { intraOpNumThreads: deps.config.scoring.sensorChain.intraOpThreads });
      own = true;
    }
  } catch (err) {
    const failed: ReplayProgress = { runId: req.runId, status: 'failed', scanned: 0, total: 0, written: 0, anomalies: 0, perSecond: 0, etaSeconds: null, error: (err as Error).message };
    publish(failed);
    return failed;
  }
  try {
    return await runReplay(req, {
      nc: deps.nc,
      store: deps.store,
      config: deps.config,
      logger: deps.logger,
      model: sensorChainStage(model, deps.config),
      onProgress: publish,
      liveIsBehind: deps.liveIsBehind,
    });
  } finally {
    if (own) await model?.release();
  }
}
