import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io as socketClient } from 'socket.io-client';
import { SOCKET_EVENTS, type LiveReading } from '../../../contracts/index.ts';
import { type OutgoingMessage, type PipelinedPublisher } from '../../../nats/index.ts';
import { toMessage } from '../../../producers/src/sensor-messages.ts';
import { createGasNetwork } from '../../../producers/src/sensor/index.ts';
import { publishPaced } from '../../../producers/src/paced-publisher.ts';
import type { DomainFeed } from '../throughput/domain-feeds.ts';
import { summarize, type LatencySummary } from './latency-summary.ts';

export interface SocketLatencyFigure {
  station: string;
  /** Watched station's readings per second (asked). */
  watchedRate: number;
  /** Background readings per second asked, and what the publisher achieved. */
  backgroundAskedPerSecond: number;
  backgroundPerSecond: number;
  backgroundPublished: number;
  /** Published → `reading` event at the socket.io client. */
  verdict: LatencySummary;
  /** Watched readings whose `reading` event had not come when the bench stopped waiting. */
  notReceived: number;
  /** The bench's own event-loop delay p99 while measuring (it publishes and receives in one process). */
  benchLoopDelayP99Ms: number;
}

export const WATCHED_STATION = 'bench-watched';
const WATCHED_RATE = 5;

/**
 * A screen on one station: a socket.io client with the token (as the UI connects), in the
 * station's entity room, while other stations' readings run at `backgroundRate` in the
 * background. Each watched reading is timed from the bench handing it to its own publisher
 * (own connection, so it does not queue behind the background's window) to its `reading` event.
 */
export async function runSocketLatencyPhase(opts: {
  httpUrl: string;
  token: string;
  background: DomainFeed;
  backgroundPublisher: PipelinedPublisher;
  watchedPublisher: PipelinedPublisher;
  partitions: number;
  startTs: number;
  backgroundRate: number;
  seconds: number;
  drainMs: number;
  log: (s: string) => void;
}): Promise<SocketLatencyFigure> {
  const watched = watchedReadings(opts.startTs, opts.partitions);
  const client = socketClient(opts.httpUrl, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: opts.token } });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let warm: (() => void) | undefined;
  client.on(SOCKET_EVENTS.reading, (r: LiveReading) => {
    const t = sentAt.get(r.eventId);
    if (t === undefined) return warm?.();
    sentAt.delete(r.eventId);
    latencies.push(Date.now() - t);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    client.emit(SOCKET_EVENTS.subscribe, { domain: 'sensor', entity: WATCHED_STATION });

    // Warm-up, unmeasured: the station's first readings create its state, and the first event
    // proves the room was joined.
    const warmed = new Promise<void>((r) => (warm = r));
    const warmUntil = Date.now() + 30_000;
    let gotWarm = false;
    void warmed.then(() => (gotWarm = true));
    while (!gotWarm) {
      if (Date.now() > warmUntil) throw new Error(`socket latency: no 'reading' event for ${WATCHED_STATION} within 30 s of subscribing (see the processor log)`);
      await opts.watchedPublisher.publish(watched.next().value!);
      await sleep(1000 / WATCHED_RATE);
    }
    warm = undefined;

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const stop = new AbortController();
    const started = performance.now();
    const background = publishPaced(feedMessages(opts.background), opts.backgroundPublisher, { rate: opts.backgroundRate, signal: stop.signal });
    const end = started + opts.seconds * 1000;
    for (let n = 0; ; n++) {
      const due = started + (n * 1000) / WATCHED_RATE;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const m = watched.next().value!;
      sentAt.set(m.msgId, Date.now());
      await opts.watchedPublisher.publish(m);
    }
    stop.abort();
    const backgroundPublished = await background;
    const backgroundSeconds = (performance.now() - started) / 1000;
    loop.disable();
    opts.log(`  background: ${backgroundPublished} readings in ${backgroundSeconds.toFixed(1)} s; waiting for the watched station's last verdicts…`);
    const until = Date.now() + opts.drainMs;
    while (sentAt.size && Date.now() < until) await sleep(100);
    return {
      station: WATCHED_STATION,
      watchedRate: WATCHED_RATE,
      backgroundAskedPerSecond: opts.backgroundRate,
      backgroundPerSecond: Math.round(backgroundPublished / backgroundSeconds),
      backgroundPublished,
      verdict: summarize(latencies),
      notReceived: sentAt.size,
      benchLoopDelayP99Ms: Math.round(loop.percentile(99) / 1e6),
    };
  } finally {
    client.close();
  }
}

/** One station of its own, under a name no background station has, with its own event time. */
function* watchedReadings(startTs: number, partitions: number): Generator<OutgoingMessage> {
  const network = createGasNetwork({ stations: 1, seed: 7, faultRate: 0, startTs });
  for (;;) {
    for (const r of network.nextTick()) yield toMessage({ ...r, id: `${WATCHED_STATION}@${r.ts}`, station: WATCHED_STATION }, partitions);
  }
}

function* feedMessages(feed: DomainFeed): Generator<OutgoingMessage> {
  for (let m = feed.next(); m; m = feed.next()) yield m;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
