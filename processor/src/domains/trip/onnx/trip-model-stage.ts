import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../../../../../stack/logger.ts';
import type { TripModelOutputs, TripStage } from '../trip-batch.ts';
import { materialFareScore } from '../material-fare-score.ts';
import { loadTripDemandModel, type TripDemandModel } from './trip-demand-model.ts';
import { loadTripFareModel, type TripFareModel } from './trip-fare-model.ts';

export interface TripModelsSettings {
  enabled: boolean;
  fareDir: string;
  demandDir: string;
  intraOpThreads: number;
}

/** The stateless models of the trip domain, scored per micro-batch. */
export interface TripModelStage {
  score(stage: TripStage): Promise<TripModelOutputs>;
}

export interface LoadedTripModelStage extends TripModelStage {
  fareModelId: string;
  demandModelId: string;
  release(): Promise<void>;
}

/**
 * The trip domain's ONNX models as one stage: the expected-fare regressor for every trip and
 * the demand forest for every cell row, one run each per micro-batch. A model that is disabled
 * or absent answers nulls and the scorers fall back to what they learn online (the log says
 * which); a model folder that exists but does not load stops start-up with the reason.
 */
export async function loadTripModelStage(settings: TripModelsSettings, projectRoot: string, log: Logger): Promise<LoadedTripModelStage> {
  const fareDir = resolve(projectRoot, settings.fareDir);
  const demandDir = resolve(projectRoot, settings.demandDir);
  const options = { intraOpNumThreads: settings.intraOpThreads };
  const present = (dir: string) => {
    if (!settings.enabled) return false;
    if (existsSync(join(dir, 'card.json'))) return true;
    log.warn({ dir }, 'trip model not found: scoring without it');
    return false;
  };
  if (!settings.enabled) log.info('trip models disabled (scoring.tripModels.enabled = false)');
  const fare: TripFareModel | undefined = present(fareDir) ? await loadTripFareModel(fareDir, options) : undefined;
  const demand: TripDemandModel | undefined = present(demandDir) ? await loadTripDemandModel(demandDir, options) : undefined;
  return {
    fareModelId: fare?.modelId ?? '',
    demandModelId: demand?.modelId ?? '',
    async score(stage: TripStage): Promise<TripModelOutputs> {
      const expected = fare && stage.trips.length ? await fare.predict(stage.trips.map((t) => t.fareFeatures)) : undefined;
      const demandScores = demand && stage.cellRows.length ? await demand.score(stage.cellRows.map((r) => r.values)) : undefined;
      return {
        expectedFares: stage.trips.map((_, i) => (expected ? expected[i]! : null)),
        fareScores: stage.trips.map((t, i) => (expected && fare ? materialFareScore(t.trip.fare_amount, expected[i]!, fare.score(t.trip.fare_amount, expected[i]!)) : null)),
        fareModel: fare?.modelId ?? '',
        ifScores: stage.cellRows.map((_, i) => (demandScores ? demandScores[i]!.score : null)),
        demandModel: demand?.modelId ?? '',
      };
    },
    async release() {
      await fare?.release();
      await demand?.release();
    },
  };
}
