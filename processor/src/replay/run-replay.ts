import type { ClickHouseClient } from '@clickhouse/client';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ReplayProgress, ReplayRequest } from '../../../contracts/index.ts';
import type { VigiaConfig } from '../../../config/index.ts';
import { TABLES, type RunRow } from '../../../store/src/rows.ts';
import type { Logger } from '../../../stack/logger.ts';
import { readLogRange } from '../adapters/nats/log-range-reader.ts';
import type { ReplayCore } from './replay-core.ts';

export interface ReplayDeps {
  nc: NatsConnection;
  store: ClickHouseClient;
  config: VigiaConfig;
  logger: Logger;
  /** The request's domain core (replay-cores.ts); released when the replay ends. */
  core: ReplayCore;
  onProgress: (p: ReplayProgress) => void;
  /** Pause while live processing is behind (so a replay never starves it). */
  liveIsBehind?: () => Promise<boolean>;
}

/**
 * Re-process the log into a separate run. The core starts empty and reads the log from its
 * first retained message — exactly what the live run learnt from — but only rows whose event
 * time is inside [from, to] are written, so they equal the live rows for that range.
 * The wall clock never enters a score: a batch's "now" is its messages' publish time.
 */
export async function runReplay(req: ReplayRequest, deps: ReplayDeps): Promise<ReplayProgress> {
  const { config, store, logger, core } = deps;
  const started = performance.now();
  let progress: ReplayProgress = { runId: req.runId, status: 'running', scanned: 0, total: 0, written: 0, anomalies: 0, perSecond: 0, etaSeconds: null };
  let lastReport = 0;
  let firstInRangeTs: number | undefined;
  let batches = 0;
  try {
    await recordRun(store, req);
    for await (const batch of readLogRange(deps.nc, req.domain, config.streams.partitions)) {
      const now = batch.events[batch.events.length - 1]!.publishedAt;
      const out = await core.process(batch.events, now);
      const elapsed = (performance.now() - started) / 1000;
      const perSecond = batch.scanned / Math.max(elapsed, 1e-3);
      progress = {
        ...progress,
        scanned: batch.scanned,
        total: batch.total,
        written: progress.written + out.written,
        anomalies: progress.anomalies + out.anomalies,
        perSecond: Math.round(perSecond),
        etaSeconds: Math.round((batch.total - batch.scanned) / Math.max(perSecond, 1)),
      };
      if (performance.now() - lastReport > 500) {
        lastReport = performance.now();
        deps.onProgress(progress);
      }
      // Pace by event time when a speed is asked for.
      if (req.speed && out.lastTs !== undefined) {
        firstInRangeTs ??= out.firstTs;
        const due = (out.lastTs - firstInRangeTs!) / req.speed - elapsed * 1000;
        if (due > 5) await new Promise((r) => setTimeout(r, due));
      }
      // Yield to live work between batches, and wait while live is behind.
      await new Promise((r) => setImmediate(r));
      if (deps.liveIsBehind && ++batches % 20 === 0) while (await deps.liveIsBehind()) await new Promise((r) => setTimeout(r, 500));
    }
    await core.finish(Date.now());
    progress = { ...progress, status: 'done', etaSeconds: 0 };
    logger.info(progress, 'replay done');
  } catch (err) {
    progress = { ...progress, status: 'failed', error: (err as Error).message };
    logger.error({ run: req.runId, err: (err as Error).message }, 'replay failed');
  } finally {
    await core.release().catch((err: Error) => logger.warn({ err: err.message }, 'replay models not released'));
  }
  deps.onProgress(progress);
  return progress;
}

async function recordRun(store: ClickHouseClient, req: ReplayRequest): Promise<void> {
  const now = Date.now();
  const row: RunRow = { run_id: req.runId, domain: req.domain, kind: 'replay', started_at: now, params: JSON.stringify(req), code_version: process.env.npm_package_version ?? '0.1.0', updated_at: now };
  await store.insert({ table: TABLES.runs, values: [row], format: 'JSONEachRow' });
}
