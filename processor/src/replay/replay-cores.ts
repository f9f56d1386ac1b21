import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ReplayRequest } from '../../../contracts/index.ts';
import type { VigiaConfig } from '../../../config/index.ts';
import type { Logger } from '../../../stack/logger.ts';
import { sensorChainStage } from '../adapters/onnx/model-stage.ts';
import { loadSensorChain, SENSOR_CHAIN_MODEL } from '../adapters/onnx/sensor-chain-scorer.ts';
import { loadTripModelStage } from '../adapters/onnx/trip-model-stage.ts';
import type { ReplayCore } from './replay-core.ts';
import { createSensorReplayCore } from './sensor-replay-core.ts';
import { createTripReplayCore } from './trip-replay-core.ts';

export interface ReplayCoreDeps {
  store: ClickHouseClient;
  config: VigiaConfig;
  logger: Logger;
  /** Where `models/` is. */
  projectRoot: string;
}

/** A model version a replay asked for does not exist. */
export class ReplayModelNotFoundError extends Error {
  override readonly name = 'ReplayModelNotFoundError';
  constructor(
    readonly version: string,
    readonly looked: readonly string[],
  ) {
    super(`no model version ${version}: none of ${looked.join(', ')} exists`);
  }
}

/**
 * The replay core of the request's domain, with its models loaded: the version `req.model`
 * names (sensor: models/sensor-chain/<v>; trip: models/trip-fare/<v> and models/trip-demand/<v>,
 * either may be absent), else the ones the configuration names for live processing. A replay
 * loads its own sessions: it never shares state with the live pipeline.
 */
export async function createReplayCore(req: ReplayRequest, deps: ReplayCoreDeps): Promise<ReplayCore> {
  const { config, projectRoot } = deps;
  const models = join(projectRoot, 'models');
  if (req.domain === 'sensor') {
    const chainCfg = config.scoring.sensorChain;
    let dir = chainCfg.enabled ? resolve(projectRoot, chainCfg.modelDir) : null;
    if (req.model !== null) {
      dir = join(models, SENSOR_CHAIN_MODEL, req.model);
      if (!existsSync(dir)) throw new ReplayModelNotFoundError(req.model, [dir]);
    }
    const chain = dir ? await loadSensorChain(dir, { intraOpNumThreads: chainCfg.intraOpThreads }) : undefined;
    return createSensorReplayCore(req, { store: deps.store, config, model: sensorChainStage(chain, config), release: async () => chain?.release() });
  }
  if (req.domain === 'trip') {
    const live = config.scoring.tripModels;
    let settings = live;
    if (req.model !== null) {
      const fareDir = join(models, 'trip-fare', req.model);
      const demandDir = join(models, 'trip-demand', req.model);
      if (!existsSync(fareDir) && !existsSync(demandDir)) throw new ReplayModelNotFoundError(req.model, [fareDir, demandDir]);
      settings = { ...live, enabled: true, fareDir, demandDir };
    }
    const stage = await loadTripModelStage(settings, projectRoot, deps.logger.child({ domain: 'trip', replay: req.runId }));
    return createTripReplayCore(req, { store: deps.store, config, models: stage });
  }
  throw new RangeError(`replay of the ${req.domain} domain is not available yet`);
}
