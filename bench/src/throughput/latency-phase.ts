import { type PipelinedPublisher } from '../../../nats/index.ts';
import type { BenchDomain } from './backlog.ts';
import type { DomainFeed } from './domain-feeds.ts';

export interface LatencyFigure {
  /** Messages per second this domain was paced at. */
  rate: number;
  samples: number;
  /** ms from the bench handing the message to the publisher to the processor scoring it (ingested_at). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const SAMPLE_EVERY = 20;

/**
 * Latency below saturation: each domain paced at a fixed rate (a fraction of what it sustained),
 * every 20th message's publish time kept, and compared with the `ingested_at` the processor
 * stamped on its row (same machine, same clock). `ingested_at` is taken when the batch is
 * scored, before its inserts: add the batch commit time (reported beside it) for "stored".
 */
export async function runLatencyPhase(
  feeds: { feed: DomainFeed; rate: number }[],
  opts: {
    publisher: PipelinedPublisher;
    seconds: number;
    ingestedAt: (domain: BenchDomain, ids: string[]) => Promise<Map<string, number>>;
    stored: (domain: BenchDomain) => Promise<number>;
  },
): Promise<Partial<Record<BenchDomain, LatencyFigure>>> {
  const sentAt = new Map<BenchDomain, Map<string, number>>(feeds.map((f) => [f.feed.domain, new Map()]));
  const counts = new Map<BenchDomain, number>(feeds.map((f) => [f.feed.domain, 0]));
  const base = new Map<BenchDomain, number>();
  for (const { feed } of feeds) base.set(feed.domain, await opts.stored(feed.domain));
  const started = performance.now();
  const end = started + opts.seconds * 1000;
  for (;;) {
    // The domain whose next message is due first goes next.
    let best: { feed: DomainFeed; rate: number; due: number } | undefined;
    for (const f of feeds) {
      const due = started + (counts.get(f.feed.domain)! * 1000) / f.rate;
      if (!f.feed.exhausted && (!best || due < best.due)) best = { ...f, due };
    }
    if (!best || best.due >= end) break;
    const wait = best.due - performance.now();
    if (wait > 1) await sleep(wait);
    const m = best.feed.next();
    if (!m) continue;
    const n = counts.get(best.feed.domain)!;
    if (n % SAMPLE_EVERY === 0) sentAt.get(best.feed.domain)!.set(m.msgId, Date.now());
    counts.set(best.feed.domain, n + 1);
    await opts.publisher.publish(m);
  }
  await opts.publisher.flush();
  for (const { feed } of feeds) {
    const target = base.get(feed.domain)! + counts.get(feed.domain)!;
    const until = Date.now() + 120_000;
    while ((await opts.stored(feed.domain)) < target) {
      if (Date.now() > until) throw new Error(`latency phase: ${feed.domain} events were not all stored within 2 minutes`);
      await sleep(200);
    }
  }
  const out: Partial<Record<BenchDomain, LatencyFigure>> = {};
  for (const { feed, rate } of feeds) {
    const sent = sentAt.get(feed.domain)!;
    const stamped = await opts.ingestedAt(feed.domain, [...sent.keys()]);
    const lat = [...sent].flatMap(([id, t]) => (stamped.has(id) ? [stamped.get(id)! - t] : [])).sort((a, b) => a - b);
    out[feed.domain] = { rate: Math.round(rate), samples: lat.length, p50Ms: quantile(lat, 0.5), p99Ms: quantile(lat, 0.99), maxMs: lat[lat.length - 1] ?? NaN };
  }
  return out;
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
