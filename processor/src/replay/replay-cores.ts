import type { ClickHouseClient } from '@clickhouse/client';
import type { ReplayRequest } from '../../../contracts/index.ts';
import type { VigiaConfig } from '../../../config/index.ts';
import type { Logger } from '../../../stack/logger.ts';
import { createClickHouseRecordWriter } from '../adapters/clickhouse/clickhouse-record-writer.ts';
import type { DomainModule } from '../domains/domain-module.ts';
import { domainModule, DOMAIN_MODULES } from '../domains/registry.ts';
import type { ReplayCore } from './replay-core.ts';

export { ModelVersionNotFoundError as ReplayModelNotFoundError } from '../domains/model-version-not-found.ts';

export interface ReplayCoreDeps {
  store: ClickHouseClient;
  config: VigiaConfig;
  logger: Logger;
  /** Where `models/` is. */
  projectRoot: string;
  /** The registered domains. @default DOMAIN_MODULES */
  modules?: readonly DomainModule[];
}

/**
 * Any domain, replayed: a fresh runtime (empty state, its own model sessions: it never shares
 * state with the live pipeline) scores every message of the log in order, exactly as live, and
 * only the records of the requested range are written. The models are the version `req.model`
 * names, else the configured ones.
 */
export async function createReplayCore(req: ReplayRequest, deps: ReplayCoreDeps): Promise<ReplayCore> {
  const module = domainModule(req.domain, deps.modules ?? DOMAIN_MODULES);
  const logger = deps.logger.child({ domain: module.name, replay: req.runId });
  const { core, models } = await module.createRuntime({ config: deps.config, runId: req.runId, projectRoot: deps.projectRoot, logger, modelVersion: req.model, purpose: 'replay' });
  const sink = createClickHouseRecordWriter(deps.store, module.store.writes);
  // One write in flight while the next batch is scored: the store works on the libuv pool while
  // the JS thread scores, where awaiting each write left the thread idle for a third of a
  // replay. Scores do not depend on it (the core never reads the store); a failed write fails
  // the next batch or finish(), so the replay still ends "failed", never silently short.
  let writing: Promise<void> = Promise.resolve();
  const writeInRange = async (records: unknown) => {
    const rows = module.replay.filterToRange(records, req.from, req.to);
    await writing;
    writing = sink.write(rows);
    // Seen as handled until the next batch or finish() awaits it.
    writing.catch(() => undefined);
    return rows;
  };
  return {
    async process(events, now) {
      const stage = core.ingest(events, now);
      const result = core.score(stage, await models.score(stage), now);
      const rows = await writeInRange(result.records);
      const written = module.store.eventRows(rows);
      return { written: written.length, anomalies: module.store.anomalyRows(rows).length, firstTs: written[0]?.ts, lastTs: written[written.length - 1]?.ts };
    },
    async finish(now) {
      const last = core.finish?.(now);
      if (last !== undefined) await writeInRange(last);
      await writing;
    },
    release: () => models.release(),
  };
}
