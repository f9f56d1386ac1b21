import type { ClickHouseClient } from '@clickhouse/client';
import type { ReplayRequest } from '../../../contracts/index.ts';
import type { VigiaConfig } from '../../../config/index.ts';
import { createClickHouseTripStore } from '../adapters/clickhouse/clickhouse-trip-store.ts';
import type { LoadedTripModelStage } from '../adapters/onnx/trip-model-stage.ts';
import { createTripScoring } from '../domain/trip/create-trip-scoring.ts';
import { filterTripRowsToRange } from '../domain/trip/filter-trip-rows-to-range.ts';
import { TripBatchProcessor } from '../domain/trip/trip-batch.ts';
import type { ReplayCore } from './replay-core.ts';
import { keyLimitsOf } from '../domain/key-budget.ts';
import { TRIP_CELL_BYTES } from '../domain/trip/trip-cell-keys.ts';

/**
 * The trip domain replayed: windows, the fare and demand models, the scorers and the alert
 * episodes, as live — the verdicts do not depend on how the log is cut into batches. Its
 * `features` rows (trip-fare@1, trip-cell@1) are what `vigia features export --run` turns into
 * training sets.
 */
export function createTripReplayCore(req: ReplayRequest, deps: { store: ClickHouseClient; config: VigiaConfig; models: LoadedTripModelStage }): ReplayCore {
  const pc = deps.config.processor;
  const core = new TripBatchProcessor({
    runId: req.runId,
    ...createTripScoring(),
    bands: deps.config.scoring.severityBands,
    maxFutureMs: pc.maxFutureMs,
    partitionCount: deps.config.streams.partitions,
    allowedLatenessMs: pc.tripAllowedLatenessMs,
    cellWindows: pc.tripCellWindows,
    // The live limits, so a replay refuses the same trips as the live run.
    limits: keyLimitsOf(pc.limits, TRIP_CELL_BYTES),
  });
  const sink = createClickHouseTripStore(deps.store);
  return {
    async process(events, now) {
      const stage = core.ingest(events, now);
      const outputs = await deps.models.score(stage);
      const { rows } = filterTripRowsToRange(core.score(stage, outputs, now), req.from, req.to);
      await sink.write(rows);
      return { written: rows.events.length, anomalies: rows.anomalies.length, firstTs: rows.events[0]?.ts, lastTs: rows.events[rows.events.length - 1]?.ts };
    },
    // A cell window is scored when the city's newest dropoff passes its end: like live, the
    // windows still open at the end of the log wait for trips that have not happened yet.
    async finish() {},
    release: () => deps.models.release(),
  };
}
