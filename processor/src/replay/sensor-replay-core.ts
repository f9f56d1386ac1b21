import { keyLimitsOf } from '../domain/key-budget.ts';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ReplayRequest } from '../../../contracts/index.ts';
import type { VigiaConfig } from '../../../config/index.ts';
import { createClickHouseBatchStore } from '../adapters/clickhouse/clickhouse-batch-store.ts';
import type { ModelStage } from '../adapters/onnx/model-stage.ts';
import { applyModelScores } from '../domain/apply-model-scores.ts';
import { filterRowsToRange } from '../domain/filter-rows-to-range.ts';
import { SensorBatchProcessor } from '../domain/sensor-batch.ts';
import { createSensorDetector, SENSOR_NEW_KEY_BYTES } from '../domain/sensor-detector.ts';
import { TumblingWindows } from '../domain/tumbling-windows.ts';
import type { ReplayCore } from './replay-core.ts';

/** The sensor domain replayed: detectors, windows and the model chain, as live. */
export function createSensorReplayCore(req: ReplayRequest, deps: { store: ClickHouseClient; config: VigiaConfig; model: ModelStage | undefined; release: () => Promise<void> }): ReplayCore {
  const pc = deps.config.processor;
  const core = new SensorBatchProcessor({
    runId: req.runId,
    scorer: createSensorDetector(),
    windows: new TumblingWindows(pc.windowMs, pc.allowedLatenessMs),
    bands: deps.config.scoring.severityBands,
    maxFutureMs: pc.maxFutureMs,
    partitionCount: deps.config.streams.partitions,
    // The live limits, so a replay refuses and evicts the same stations as the live run.
    limits: keyLimitsOf(pc.limits, SENSOR_NEW_KEY_BYTES),
  });
  const sink = createClickHouseBatchStore(deps.store);
  return {
    async process(events, now) {
      const result = core.process(events, now);
      if (deps.model && result.rows.features.length) {
        const verdicts = await deps.model.scoreBatch(result.rows.features.map((f) => f.values));
        applyModelScores(result, new Map(result.rows.features.map((f, i) => [f.event_id, verdicts[i]!])), deps.model.fusion);
      }
      const { rows } = filterRowsToRange(result, req.from, req.to);
      await sink.write(rows);
      return { written: rows.events.length, anomalies: rows.anomalies.length, firstTs: rows.events[0]?.ts, lastTs: rows.events[rows.events.length - 1]?.ts };
    },
    async finish(now) {
      const closed = core.flushWindows(now).filter((w) => w.window_start >= req.from && w.window_start <= req.to);
      await sink.write({ events: [], scores: [], anomalies: [], windows: closed, deadLetters: [], features: [] });
    },
    release: deps.release,
  };
}
