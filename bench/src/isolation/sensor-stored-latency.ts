import type { PipelinedPublisher } from '../../../nats/index.ts';
import type { ProcessorProcess } from '../../../stack/processor-process.ts';
import type { DomainFeed } from '../throughput/domain-feeds.ts';
import { summarize, type LatencySummary } from './latency-summary.ts';

export interface SensorStoredFigure {
  published: number;
  /** Readings per second actually published (paced at the asked rate). */
  perSecond: number;
  /** Published → scored: the `ingested_at` the processor stamps when it scores the batch (a lower bound of "stored"). */
  scored: LatencySummary;
  /** Published → first seen in sensor_events by a poll (an upper bound of "stored": poll interval and the SQL answer time included). */
  stored: LatencySummary;
  /** Sampled readings not in sensor_events when the bench stopped waiting. */
  notStored: number;
  /** Polls the SQL API failed to answer (they are retried at the next poll). */
  pollErrors: number;
  pollEveryMs: number;
}

/** Readings per second whose publish time is kept: enough for a p99, few enough for one IN list. */
const SAMPLES_PER_SECOND = 20;
const POLL_MS = 250;

/**
 * Paced sensor readings for `seconds`; a sample of them is looked for in sensor_events (the
 * table written last in a batch, so a row there means every sink committed) every 250 ms until
 * all are there or `drainMs` after the last publish. Each sample gets two figures: when the
 * processor scored it (ingested_at, its clock = ours, same machine) and when a poll first saw
 * it stored. The polls go through the processor's SQL API, so a stalled event loop makes the
 * second figure later than the row really was: read it beside the /health figures.
 */
export async function runSensorStoredPhase(opts: {
  feed: DomainFeed;
  publisher: PipelinedPublisher;
  proc: ProcessorProcess;
  rate: number;
  seconds: number;
  drainMs: number;
}): Promise<SensorStoredFigure> {
  const sentAt = new Map<string, number>();
  const outstanding = new Set<string>();
  const scored: number[] = [];
  const stored: number[] = [];
  const sampleEvery = Math.max(1, Math.round(opts.rate / SAMPLES_PER_SECOND));
  let publishing = true;
  let drainUntil = Infinity;
  let pollErrors = 0;

  const poller = (async () => {
    for (;;) {
      if (!publishing && !outstanding.size) return;
      const ids = [...outstanding];
      if (ids.length) {
        const rows = await opts.proc
          .sql<{ id: string; t: string }>(`SELECT event_id AS id, toUnixTimestamp64Milli(min(ingested_at)) AS t FROM sensor_events WHERE event_id IN (${ids.map(quote).join(',')}) GROUP BY event_id`)
          .catch(() => (pollErrors++, []));
        const seen = Date.now();
        for (const r of rows) {
          if (!outstanding.delete(r.id)) continue;
          const sent = sentAt.get(r.id)!;
          scored.push(Number(r.t) - sent);
          stored.push(seen - sent);
        }
      }
      if (!publishing && Date.now() > drainUntil) return;
      await sleep(POLL_MS);
    }
  })();

  const started = performance.now();
  const end = started + opts.seconds * 1000;
  let published = 0;
  for (;;) {
    const due = started + (published * 1000) / opts.rate;
    if (due >= end) break;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const m = opts.feed.next();
    if (!m) break;
    if (published % sampleEvery === 0) {
      sentAt.set(m.msgId, Date.now());
      outstanding.add(m.msgId);
    }
    await opts.publisher.publish(m);
    published++;
  }
  await opts.publisher.flush();
  const perSecond = published / ((performance.now() - started) / 1000);
  drainUntil = Date.now() + opts.drainMs;
  publishing = false;
  await poller;
  return { published, perSecond: Math.round(perSecond), scored: summarize(scored), stored: summarize(stored), notStored: outstanding.size, pollErrors, pollEveryMs: POLL_MS };
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
