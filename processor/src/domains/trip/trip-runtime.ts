import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DomainBatchResult, DomainCore, DomainModels, DomainRuntime, DomainRuntimeOptions } from '../domain-module.ts';
import { ModelVersionNotFoundError } from '../model-version-not-found.ts';
import { keyLimitsOf } from '../../core/key-budget.ts';
import { stateAsText } from '../../core/serialized-snapshot.ts';
import { createTripScoring } from './create-trip-scoring.ts';
import { loadTripModelStage } from './onnx/trip-model-stage.ts';
import { TripBatchProcessor, type TripBatchResult, type TripModelOutputs, type TripStage } from './trip-batch.ts';
import { TRIP_CELL_BYTES } from './trip-cell-keys.ts';

export type TripRuntime = DomainRuntime<TripStage, TripModelOutputs, TripBatchResult>;

/**
 * The trip domain for one run: the cell windows and fare features (ingest), the fare and demand
 * models, then the scorers and alert episodes. The models are the configured ones, or
 * `models/trip-fare/<version>` and `models/trip-demand/<version>` (either may be absent) when a
 * replay asks for a version.
 */
export async function createTripRuntime(opts: DomainRuntimeOptions): Promise<TripRuntime> {
  const { config } = opts;
  const pc = config.processor;
  const processor = new TripBatchProcessor({
    runId: opts.runId,
    ...createTripScoring(),
    bands: config.scoring.severityBands,
    maxFutureMs: pc.maxFutureMs,
    partitionCount: config.streams.partitions,
    allowedLatenessMs: pc.tripAllowedLatenessMs,
    cellWindows: pc.tripCellWindows,
    // The same rule as the pipeline's for `trainingOnly` writes (live-writes.ts): replays write them.
    featureRows: opts.purpose === 'replay' || pc.liveFeatureRows,
    // The live limits in replays too, so a replay refuses the same trips as the live run.
    limits: keyLimitsOf(pc.limits, TRIP_CELL_BYTES),
  });
  let settings = config.scoring.tripModels;
  if (opts.modelVersion !== null) {
    const fareDir = join(opts.projectRoot, 'models', 'trip-fare', opts.modelVersion);
    const demandDir = join(opts.projectRoot, 'models', 'trip-demand', opts.modelVersion);
    if (!existsSync(fareDir) && !existsSync(demandDir)) throw new ModelVersionNotFoundError(opts.modelVersion, [fareDir, demandDir]);
    settings = { ...settings, enabled: true, fareDir, demandDir };
  }
  const stage = await loadTripModelStage(settings, opts.projectRoot, opts.logger);
  const core: DomainCore<TripStage, TripModelOutputs, TripBatchResult> = {
    keys: processor.cellKeys,
    ingest: (batch, now) => processor.ingest(batch, now),
    score: (s, outputs, now) => tripBatchResult(processor.score(s, outputs, now)),
    captureState: () => stateAsText(processor.captureState()),
    restoreState: (raw) => processor.restoreState(raw),
    // A cell window is scored when the city's newest dropoff passes its end: like live, the
    // windows still open at the end of a replayed log wait for trips that have not happened yet.
  };
  const models: DomainModels<TripStage, TripModelOutputs> = {
    modelIds: { fare: stage.fareModelId, demand: stage.demandModelId },
    score: (s) => stage.score(s),
    release: () => stage.release(),
  };
  return { core, models };
}

export function tripBatchResult(r: TripBatchResult): DomainBatchResult<TripBatchResult> {
  const events = r.rows.events;
  return {
    records: r,
    anomalies: r.anomalies,
    deadLetters: r.deadLetters,
    events: events.length,
    lastTs: events[events.length - 1]?.ts,
    redelivered: r.redelivered,
    late: r.late,
    keyLimited: r.keyLimited,
    keyLimitReason: r.keyLimitReason,
    errors: r.boundaryErrors.map((e) => `a cell boundary failed to score: ${e}`),
  };
}
