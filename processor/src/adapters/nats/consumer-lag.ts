import type { JetStreamManager } from '@nats-io/jetstream';
import { streams, type Domain } from '../../../../contracts/index.ts';
import { durableName } from './jetstream-source.ts';

export interface LagProbeOptions {
  /** An answer is reused for this long, ms: /health is open to anyone, JetStream calls are not free. @default 2000 */
  cacheMs?: number;
  /** Give up on JetStream after this long, ms (lag unknown). @default 2000 */
  timeoutMs?: number;
}

/**
 * Events pending or delivered-but-unacked in a domain's consumers (undefined when JetStream does
 * not answer in time). One JetStream request per partition at most every `cacheMs`, however
 * often /health is asked, and concurrent askers share the request in flight. Once there is an
 * answer, an older one is given while the next is asked (at most `cacheMs` + `timeoutMs` old),
 * so /health does not wait on JetStream's answers under load; only the very first ask waits.
 */
export function createLagProbe(jsm: JetStreamManager, partitions: readonly number[], opts: LagProbeOptions = {}): (domain: Domain) => Promise<number | undefined> {
  const cacheMs = opts.cacheMs ?? 2000;
  const timeoutMs = opts.timeoutMs ?? 2000;
  const cache = new Map<Domain, { at: number; lag: Promise<number | undefined>; settled?: { lag: number | undefined } }>();
  const ask = async (domain: Domain): Promise<number | undefined> => {
    let timer: number | NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((r) => (timer = setTimeout(r, timeoutMs)));
    const infos = Promise.all(partitions.map((p) => jsm.consumers.info(streams.events(domain), durableName('proc', domain, p))));
    try {
      const got = await Promise.race([infos, timeout]);
      return got?.reduce((n, i) => n + i.num_pending + i.num_ack_pending, 0);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer as NodeJS.Timeout);
      infos.catch(() => undefined); // a late rejection after the timeout is not an error
    }
  };
  return (domain) => {
    const hit = cache.get(domain);
    if (hit && Date.now() - hit.at < cacheMs) return hit.settled ? Promise.resolve(hit.settled.lag) : hit.lag;
    const entry: { at: number; lag: Promise<number | undefined>; settled?: { lag: number | undefined } } = { at: Date.now(), lag: ask(domain), settled: hit?.settled };
    void entry.lag.then((lag) => (entry.settled = { lag }));
    cache.set(domain, entry);
    return entry.settled ? Promise.resolve(entry.settled.lag) : entry.lag;
  };
}
