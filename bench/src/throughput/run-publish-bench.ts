import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { streams } from '../../../contracts/index.ts';
import { parseConfig } from '../../../config/index.ts';
import { createInbox, headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { connectNats, ensureStreams, PipelinedPublisher, type OutgoingMessage } from '../../../nats/index.ts';
import { publishPaced } from '../../../producers/src/paced-publisher.ts';
import { sensorMessages } from '../../../producers/src/sensor-messages.ts';
import { startNatsServer } from '../../../stack/nats-server.ts';
import { killOnExit, onProcessExit } from '../../../stack/kill-on-exit.ts';
import { tempDir } from '../../../test/harness/temp-dir.ts';

export interface PublishBenchOptions {
  /** Length of each measured phase, s. */
  seconds: number;
  /** Publishes awaiting a JetStream ack at once. */
  inFlight: number;
  stations: number;
  jsonFile?: string | undefined;
}

const START = Date.UTC(2026, 0, 1);

interface PhaseResult {
  published: number;
  perSecond: number;
  /** Messages the stream holds after the phase: equal to `published` when each landed once. */
  stored: number;
}

/**
 * The producers' publisher on a private nats-server, in three phases: (1) the anchor, bare
 * hand-pipelined publishing (see anchorPhase), (2) the publisher with a ready-made sensor-sized
 * message, (3) `vigia produce sensor --rate max`'s path — simulation, JSON, pacing loop and
 * publisher — into the real sensor stream. The anchor runs in the same minute on the same
 * (shared) machine, so the ratio to it means more than either figure alone. Each phase counts
 * acknowledged messages and checks the stream holds exactly that many.
 */
export async function runPublishBench(opts: PublishBenchOptions): Promise<void> {
  const dir = tempDir('bench-publish');
  const log = (s: string) => process.stderr.write(s + '\n');
  const forgetDir = onProcessExit(() => dir.remove());
  const nats = await startNatsServer({ port: 0, dir: `${dir.path}/nats`, allowInstall: true });
  const forgetNats = killOnExit(nats.pid);
  const config = parseConfig({});
  const nc = await connectNats({ url: nats.url, name: 'vigia-bench-publish' });
  try {
    await ensureStreams(nc, config.streams);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'BENCH_PUBLISH', subjects: ['bench.publish.>'], max_bytes: 4 * 1024 ** 3 });
    const sample = [...sensorMessages({ stations: opts.stations, seed: 1, faultRate: 1, startTs: START }, config.streams.partitions, 1)][0]!;

    const payload = new TextEncoder().encode(sample.data as string);
    log(`phase 1/3: the anchor — hand-pipelined publishes with reply inboxes, no retries (${opts.seconds}s, ${opts.inFlight} in flight, ${payload.length}-byte messages)…`);
    const anchor = await anchorPhase(nc, jsm, opts.inFlight, payload, opts.seconds);
    log(`  ${anchor.perSecond} msg/s, ${anchor.stored}/${anchor.published} stored`);

    log('phase 2/3: the publisher, ready-made messages, through the producers\' pacing loop…');
    let i = 0;
    const before = (await jsm.streams.info('BENCH_PUBLISH')).state.messages;
    const raw = await phase(jsm, 'BENCH_PUBLISH', new PipelinedPublisher(nc, { maxInFlight: opts.inFlight }), function* rawMessages() {
      for (;;) yield { subject: `bench.publish.${i % 4}`, data: payload, msgId: `raw-${i++}` };
    }(), opts.seconds);
    raw.stored -= before;
    log(`  ${raw.perSecond} msg/s (${(raw.perSecond / anchor.perSecond).toFixed(2)} of the anchor), ${raw.stored}/${raw.published} stored`);

    log(`phase 3/3: the sensor producer at --rate max (${opts.stations} stations: simulate, encode, publish)…`);
    const sensor = await phase(jsm, streams.events('sensor'), new PipelinedPublisher(nc, { maxInFlight: opts.inFlight }), sensorMessages({ stations: opts.stations, seed: 1, faultRate: 2, startTs: START }, config.streams.partitions), opts.seconds);
    log(`  ${sensor.perSecond} msg/s (${(sensor.perSecond / anchor.perSecond).toFixed(2)} of the anchor), ${sensor.stored}/${sensor.published} stored`);

    const result = {
      benchmark: 'publish',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, natsServer: nats.version },
      secondsPerPhase: opts.seconds,
      inFlight: opts.inFlight,
      messageBytes: payload.length,
      anchor,
      publisher: raw,
      ratioToAnchor: { publisher: Number((raw.perSecond / anchor.perSecond).toFixed(3)), sensorProducer: Number((sensor.perSecond / anchor.perSecond).toFixed(3)) },
      sensorProducer: sensor,
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (opts.jsonFile) {
      mkdirSync(dirname(opts.jsonFile), { recursive: true });
      writeFileSync(opts.jsonFile, JSON.stringify(result, null, 2));
      log(`written to ${opts.jsonFile}`);
    }
  } finally {
    await nc.drain().catch(() => undefined);
    await nats.stop();
    forgetNats();
    dir.remove();
    forgetDir();
  }
}

/** Publish for `seconds` through the producers' pacing loop; the rate counts acknowledged messages. */
async function phase(jsm: JetStreamManager, stream: string, publisher: PipelinedPublisher, messages: Iterator<OutgoingMessage>, seconds: number): Promise<PhaseResult> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), seconds * 1000);
  const started = performance.now();
  try {
    const published = await publishPaced({ [Symbol.iterator]: () => messages }, publisher, { rate: Infinity, signal: deadline.signal });
    const perSecond = Math.round(published / ((performance.now() - started) / 1000));
    const stored = (await jsm.streams.info(stream)).state.messages;
    return { published, perSecond, stored };
  } finally {
    clearTimeout(timer);
    await publisher.close();
  }
}

/**
 * The figure to compare with, measured in the same run: the bare minimum of pipelined acked
 * publishing (core publishes with a msg id and a reply inbox, acks counted by inbox token, a
 * window of `inFlight`, a refill per ack) — no retries, no error handling, nothing to pace.
 */
async function anchorPhase(nc: NatsConnection, jsm: JetStreamManager, inFlight: number, payload: Uint8Array, seconds: number): Promise<PhaseResult> {
  const inbox = createInbox();
  let sent = 0;
  let acked = 0;
  let stop = false;
  const started = performance.now();
  const timer = setTimeout(() => (stop = true), seconds * 1000);
  const send = () => {
    const h = headers();
    h.set('Nats-Msg-Id', `anchor-${sent}`);
    nc.publish(`bench.publish.${sent % 4}`, payload, { reply: `${inbox}.${sent}`, headers: h });
    sent++;
  };
  let sub: Subscription | undefined;
  await new Promise<void>((resolve) => {
    sub = nc.subscribe(`${inbox}.*`, {
      callback: () => {
        acked++;
        if (!stop) send();
        else if (acked === sent) resolve();
      },
    });
    for (let k = 0; k < inFlight; k++) send();
  });
  clearTimeout(timer);
  sub?.unsubscribe();
  const perSecond = Math.round(acked / ((performance.now() - started) / 1000));
  return { published: acked, perSecond, stored: (await jsm.streams.info('BENCH_PUBLISH')).state.messages };
}
