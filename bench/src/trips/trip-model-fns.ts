/**
 * The trip ONNX models as the offline harness's injected functions, scored exactly as the
 * processor's model stage does (processor/src/domains/trip/onnx/trip-model-stage.ts): the fare
 * regressor's expected fare, its calibrated residual score kept below the alarm unless the
 * overcharge is material, and the demand forest's calibrated score per cell row.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadTripDemandModel } from '../../../processor/src/domains/trip/onnx/trip-demand-model.ts';
import { loadTripFareModel } from '../../../processor/src/domains/trip/onnx/trip-fare-model.ts';
import { materialFareScore } from '../../../processor/src/domains/trip/material-fare-score.ts';
import type { DemandIfFn, ExpectedFareFn } from './offline-trips.ts';

export interface TripModelFns {
  expectedFare?: ExpectedFareFn;
  demandIf?: DemandIfFn;
  /** Model ids loaded, e.g. ['trip-fare@1', 'trip-demand@1']. */
  loaded: string[];
  release(): Promise<void>;
}

/** Loads `<root>/models/trip-fare/<v>` and `<root>/models/trip-demand/<v>` when present. */
export async function loadTripModelFns(root: string, version = '1'): Promise<TripModelFns> {
  const fareDir = join(root, 'models/trip-fare', version);
  const demandDir = join(root, 'models/trip-demand', version);
  const fare = existsSync(join(fareDir, 'card.json')) ? await loadTripFareModel(fareDir, { intraOpNumThreads: 1 }) : undefined;
  const demand = existsSync(join(demandDir, 'card.json')) ? await loadTripDemandModel(demandDir, { intraOpNumThreads: 1 }) : undefined;
  const out: TripModelFns = {
    loaded: [fare?.modelId, demand?.modelId].filter((x): x is string => !!x),
    async release() {
      await fare?.release();
      await demand?.release();
    },
  };
  if (fare) {
    out.expectedFare = async (features, fares) => {
      if (features.length === 0) return [];
      const expected = await fare.predict(features);
      return fares.map((actual, i) => ({ expected: expected[i]!, score: materialFareScore(actual, expected[i]!, fare.score(actual, expected[i]!)) }));
    };
  }
  if (demand) {
    out.demandIf = async (rows) => {
      if (rows.length === 0) return [];
      return (await demand.score(rows.map((r) => r.values))).map((s) => s.score);
    };
  }
  return out;
}
