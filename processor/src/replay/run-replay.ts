import type { ClickHouseClient } from '@clickhouse/client';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ReplayProgress, ReplayRequest } from '../../../contracts/index.ts';
import type { VigiaConfig } from '../../../config/index.ts';
import { TABLES, type RunRow } from '../../../store/src/rows.ts';
import type { Logger } from '../../../stack/logger.ts';
import { readLogRange } from '../adapters/nats/log-range-reader.ts';
import { createClickHouseBatchStore } from '../adapters/clickhouse/clickhouse-batch-store.ts';
import { applyModelScores } from '../domain/apply-model-scores.ts';
import type { ModelStage } from '../adapters/onnx/model-stage.ts';
import { SensorBatchProcessor } from '../domain/sensor-batch.ts';
import { createSensorDetector } from '../domain/sensor-detector.ts';
import { TumblingWindows } from '../domain/tumbling-windows.ts';
import { filterRowsToRange } from '../domain/filter-rows-to-range.ts';

export interface ReplayDeps {
  nc: NatsConnection;
  store: ClickHouseClient;
  config: VigiaConfig;
  logger: Logger;
  model?: ModelStage | undefined;
  onProgress: (p: ReplayProgress) => void;
  /** Pause while live processing is behind (so a replay never starves it). */
  liveIsBehind?: () => Promise<boolean>;
}

/**
 * Re-process the log into a separate run. The detectors start empty and read the log from its
 * first retained message — exactly what the live run learnt from — but only events whose event
 * time is inside [from, to] are written, so the rows equal the live rows for that range.
 * The wall clock never enters a score: a batch's "now" is its messages' publish time.
 */
export async function runReplay(req: ReplayRequest, deps: ReplayDeps): Promise<ReplayProgress> {
  const { config, store, logger } = deps;
  const pc = config.processor;
  await recordRun(store, req);
  const core = new SensorBatchProcessor({
    runId: req.runId,
    scorer: createSensorDetector(),
    windows: new TumblingWindows(pc.windowMs, pc.allowedLatenessMs),
    bands: config.scoring.severityBands,
    maxFutureMs: pc.maxFutureMs,
  });
  const sink = createClickHouseBatchStore(store);
  const started = performance.now();
  let progress: ReplayProgress = { runId: req.runId, status: 'running', scanned: 0, total: 0, written: 0, anomalies: 0, perSecond: 0, etaSeconds: null };
  let lastReport = 0;
  let firstInRangeTs: number | undefined;
  let batches = 0;
  try {
    for await (const batch of readLogRange(deps.nc, req.domain, config.streams.partitions)) {
      const now = batch.events[batch.events.length - 1]!.publishedAt;
      const result = core.process(batch.events, now);
      if (deps.model && result.rows.features.length) {
        const verdicts = await deps.model.scoreBatch(result.rows.features.map((f) => f.values));
        applyModelScores(result, new Map(result.rows.features.map((f, i) => [f.event_id, verdicts[i]!])), deps.model.fusion);
      }
      const rows = filterRowsToRange(result, req.from, req.to);
      await sink.write(rows.rows);

      const elapsed = (performance.now() - started) / 1000;
      const perSecond = batch.scanned / Math.max(elapsed, 1e-3);
      progress = {
        ...progress,
        scanned: batch.scanned,
        total: batch.total,
        written: progress.written + rows.rows.events.length,
        anomalies: progress.anomalies + rows.rows.anomalies.length,
        perSecond: Math.round(perSecond),
        etaSeconds: Math.round((batch.total - batch.scanned) / Math.max(perSecond, 1)),
      };
      if (performance.now() - lastReport > 500) {
        lastReport = performance.now();
        deps.onProgress(progress);
      }
      // Pace by event time when a speed is asked for.
      const lastTs = rows.rows.events[rows.rows.events.length - 1]?.ts;
      if (req.speed && lastTs !== undefined) {
        firstInRangeTs ??= rows.rows.events[0]!.ts;
        const due = (lastTs - firstInRangeTs) / req.speed - elapsed * 1000;
        if (due > 5) await new Promise((r) => setTimeout(r, due));
      }
      // Yield to live work between batches, and wait while live is behind.
      await new Promise((r) => setImmediate(r));
      if (deps.liveIsBehind && ++batches % 20 === 0) while (await deps.liveIsBehind()) await new Promise((r) => setTimeout(r, 500));
    }
    const closed = core.flushWindows(Date.now()).filter((w) => w.window_start >= req.from && w.window_start <= req.to);
    await sink.write({ events: [], scores: [], anomalies: [], windows: closed, deadLetters: [], features: [] });
    progress = { ...progress, status: 'done', etaSeconds: 0 };
    logger.info(progress, 'replay done');
  } catch (err) {
    progress = { ...progress, status: 'failed', error: (err as Error).message };
    logger.error({ run: req.runId, err: (err as Error).message }, 'replay failed');
  }
  deps.onProgress(progress);
  return progress;
}

async function recordRun(store: ClickHouseClient, req: ReplayRequest): Promise<void> {
  const now = Date.now();
  const row: RunRow = { run_id: req.runId, domain: req.domain, kind: 'replay', started_at: now, params: JSON.stringify(req), code_version: process.env.npm_package_version ?? '0.1.0', updated_at: now };
  await store.insert({ table: TABLES.runs, values: [row], format: 'JSONEachRow' });
}
