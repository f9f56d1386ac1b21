import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ReplayRequest, replaySubjects, type Domain, type ReplayProgress } from '../../../contracts/index.ts';
import { createReplayCore, type ReplayCoreDeps } from './replay-cores.ts';
import { runReplay } from './run-replay.ts';

export interface ReplayServiceDeps extends ReplayCoreDeps {
  nc: NatsConnection;
  /** Domains this processor can replay (the ones it processes). */
  domains: readonly Domain[];
  /** Is live processing of `domain` behind (a replay then waits)? */
  liveIsBehind: (domain: Domain) => Promise<boolean>;
}

/**
 * Replays on request: `ops.replay.start` (request/reply, JSON ReplayRequest) → `{ accepted,
 * runId }` or `{ error }`; progress on `ops.replay.<runId>`. Runs inside the processor because
 * with embedded chDB only this process may write the store. One replay at a time.
 */
export function startReplayService(deps: ReplayServiceDeps): Subscription {
  let running: string | undefined;
  return deps.nc.subscribe(replaySubjects.start, {
    callback: (err, msg) => {
      if (err) return void deps.logger.error({ err: err.message }, 'replay service subscription failed');
      const reply = (body: object): void => void msg.respond(JSON.stringify(body));
      let parsed;
      try {
        parsed = ReplayRequest.safeParse(msg.json());
      } catch {
        return reply({ error: 'the request is not JSON' });
      }
      if (!parsed.success) return reply({ error: parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ') });
      const req = parsed.data;
      if (!deps.domains.includes(req.domain)) return reply({ error: `this processor does not process the ${req.domain} domain (processor.domains: ${deps.domains.join(', ')})` });
      if (running) return reply({ error: `replay ${running} is still running; one at a time` });
      running = req.runId;
      reply({ accepted: true, runId: req.runId });
      void execute(req, deps).finally(() => (running = undefined));
    },
  });
}

async function execute(req: ReplayRequest, deps: ReplayServiceDeps): Promise<ReplayProgress> {
  const publish = (p: ReplayProgress) => deps.nc.publish(replaySubjects.progress(req.runId), JSON.stringify(p));
  let core;
  try {
    core = await createReplayCore(req, deps);
  } catch (err) {
    const failed: ReplayProgress = { runId: req.runId, status: 'failed', scanned: 0, total: 0, written: 0, anomalies: 0, perSecond: 0, etaSeconds: null, error: (err as Error).message };
    publish(failed);
    return failed;
  }
  return runReplay(req, { ...deps, core, onProgress: publish, liveIsBehind: () => deps.liveIsBehind(req.domain) });
}
