import { type OutgoingMessage, type PipelinedPublisher } from '../../../nats/index.ts';
import type { BenchDomain } from './backlog.ts';
import type { DomainFeed } from './domain-feeds.ts';

export interface PhaseProbes {
  /** Unacked messages of the domain in JetStream. */
  backlog(domain: BenchDomain): Promise<number>;
  /** Events of the domain whose every sink committed: event rows (written last) + dead letters. */
  stored(domain: BenchDomain): Promise<number>;
}

export interface DomainFigure {
  published: number;
  /** Seconds from the phase's first publish until the last of them was stored. */
  seconds: number;
  /** published / seconds: the end-to-end rate. */
  perSecond: number;
  /** The producer ran out of prepared messages (the figure is then a floor). */
  producerExhausted: boolean;
}

export interface PhaseResult {
  name: string;
  perDomain: Partial<Record<BenchDomain, DomainFigure>>;
  /** All domains' events / seconds until the last domain was stored. */
  eventsPerSecond: number;
  seconds: number;
  /** Acked publishes per second while publishing (the producer side, backlog-limited). */
  publishPerSecond: number;
}

const BACKLOG_CHECK_EVERY = 256;
const POLL_MS = 200;

/**
 * Publish the feeds round-robin (one message of each in turn) for `seconds`, as fast as
 * JetStream acks them but never more than `maxBacklog` unacked in the processor's consumers:
 * the rate is then the processor's steady rate, not how long a huge backlog takes to drain.
 * Each domain's figure runs until its last message is stored, i.e. every sink committed.
 */
export async function runE2ePhase(
  name: string,
  feeds: DomainFeed[],
  opts: { publisher: PipelinedPublisher; seconds: number; maxBacklog: number; probes: PhaseProbes; log: (s: string) => void },
): Promise<PhaseResult> {
  const { publisher, probes } = opts;
  const base = new Map<BenchDomain, number>();
  for (const f of feeds) base.set(f.domain, await probes.stored(f.domain));
  const published = new Map<BenchDomain, number>(feeds.map((f) => [f.domain, 0]));
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  let live = [...feeds];
  let sent = 0;
  while (performance.now() < deadline && live.length) {
    for (const f of live) {
      const m: OutgoingMessage | undefined = f.next();
      if (!m) continue;
      await publisher.publish(m);
      published.set(f.domain, published.get(f.domain)! + 1);
      sent++;
    }
    live = live.filter((f) => !f.exhausted);
    if (sent % BACKLOG_CHECK_EVERY < live.length) {
      while (performance.now() < deadline && (await totalBacklog(feeds, probes)) > opts.maxBacklog) await sleep(20);
    }
  }
  await publisher.flush();
  const publishSeconds = (performance.now() - started) / 1000;
  opts.log(`  published ${[...published].map(([d, n]) => `${n} ${d}`).join(' + ')} in ${publishSeconds.toFixed(1)} s; waiting until all are stored…`);

  const doneAt = new Map<BenchDomain, number>();
  const waitUntil = performance.now() + 600_000;
  while (doneAt.size < feeds.length) {
    if (performance.now() > waitUntil) throw new Error(`phase ${name}: not every published event was stored within 10 minutes (see the processor log)`);
    for (const f of feeds) {
      if (doneAt.has(f.domain)) continue;
      if ((await probes.stored(f.domain)) >= base.get(f.domain)! + published.get(f.domain)!) doneAt.set(f.domain, performance.now());
    }
    if (doneAt.size < feeds.length) await sleep(POLL_MS);
  }
  const perDomain: PhaseResult['perDomain'] = {};
  for (const f of feeds) {
    const seconds = (doneAt.get(f.domain)! - started) / 1000;
    const n = published.get(f.domain)!;
    perDomain[f.domain] = { published: n, seconds: round(seconds, 2), perSecond: Math.round(n / seconds), producerExhausted: f.exhausted };
  }
  const total = [...published.values()].reduce((a, b) => a + b, 0);
  const seconds = (Math.max(...doneAt.values()) - started) / 1000;
  return { name, perDomain, eventsPerSecond: Math.round(total / seconds), seconds: round(seconds, 2), publishPerSecond: Math.round(total / publishSeconds) };
}

async function totalBacklog(feeds: DomainFeed[], probes: PhaseProbes): Promise<number> {
  const each = await Promise.all(feeds.map((f) => probes.backlog(f.domain)));
  return each.reduce((a, b) => a + b, 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits: number) => Number(x.toFixed(digits));
