import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
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
import { processCpuSeconds } from './process-cpu.ts';

export interface PublishBenchOptions {
  /** Length of each measured phase, s. */
  seconds: number;
  /** Publishes awaiting a JetStream ack at once. */
  inFlight: number;
  stations: number;
  /** Anchor, publisher and producer phases, repeated: a shared machine's load moves between phases. */
  rounds: number;
  jsonFile?: string | undefined;
}

const START = Date.UTC(2026, 0, 1);


interface Round {
  anchor: PhaseResult;
  publisher: PhaseResult;
  sensorProducer: PhaseResult;
}

interface PhaseResult {
  published: number;
  perSecond: number;
  /** This process's CPU time (user + system) per acknowledged message, µs: what the publishing costs, whatever the load. */
  clientCpuMicrosPerMessage: number;
  /** Acknowledged messages per CPU-second of this process. */
  perClientCpuSecond: number;
  /** nats-server's CPU time per acknowledged message, µs: on 2 cores, 2 000 000 / (client + server) bounds the rate. */
  serverCpuMicrosPerMessage: number;
  /** Messages the stream gained during the phase: equal to `published` when each landed once. */
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
    const sensor = sensorMessages({ stations: opts.stations, seed: 1, faultRate: 2, startTs: START }, config.streams.partitions);
    const rounds: Round[] = [];
    const loadStart = loadavg().map((l) => Number(l.toFixed(2)));
    log(`${opts.rounds} round(s) of three ${opts.seconds}s phases, ${opts.inFlight} in flight, ${payload.length}-byte messages; interleaved, as the machine's load moves under the bench`);
    for (let r = 0; r < opts.rounds; r++) {
      const anchor = await anchorPhase(nc, jsm, { inFlight: opts.inFlight, payload, seconds: opts.seconds, idPrefix: `anchor-${r}`, serverPid: nats.pid });
      let i = 0;
      const rawMessages = (function* () {
        for (;;) yield { subject: `bench.publish.${i % 4}`, data: payload, msgId: `raw-${r}-${i++}` };
      })();
      const publisher = await phase(jsm, 'BENCH_PUBLISH', new PipelinedPublisher(nc, { maxInFlight: opts.inFlight }), rawMessages, opts.seconds, nats.pid);
      const producer = await phase(jsm, streams.events('sensor'), new PipelinedPublisher(nc, { maxInFlight: opts.inFlight }), sensor, opts.seconds, nats.pid);
      rounds.push({ anchor, publisher, sensorProducer: producer });
      const line = (name: string, p: PhaseResult) =>
        `  ${name.padEnd(16)} ${String(p.perSecond).padStart(7)} msg/s  ${p.clientCpuMicrosPerMessage.toFixed(1).padStart(5)} µs client CPU/msg (${String(p.perClientCpuSecond).padStart(6)} per client CPU-s)  ${p.serverCpuMicrosPerMessage.toFixed(1).padStart(5)} µs nats-server CPU/msg  ${(p.perSecond / anchor.perSecond).toFixed(2)} of the anchor  ${p.stored}/${p.published} stored`;
      log(`round ${r + 1}/${opts.rounds} (load average ${loadavg()[0]!.toFixed(1)})`);
      log(line('anchor', anchor));
      log(line('publisher', publisher));
      log(line('sensor producer', producer));
    }
    const median = (pick: (r: Round) => number) => {
      const v = rounds.map(pick).sort((a, b) => a - b);
      return v[Math.floor(v.length / 2)]!;
    };
    const result = {
      benchmark: 'publish',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, natsServer: nats.version },
      secondsPerPhase: opts.seconds,
      inFlight: opts.inFlight,
      messageBytes: payload.length,
      median: {
        anchorPerSecond: median((r) => r.anchor.perSecond),
        publisherPerSecond: median((r) => r.publisher.perSecond),
        sensorProducerPerSecond: median((r) => r.sensorProducer.perSecond),
        publisherToAnchor: Number(median((r) => r.publisher.perSecond / r.anchor.perSecond).toFixed(3)),
        anchorClientCpuMicrosPerMessage: median((r) => r.anchor.clientCpuMicrosPerMessage),
        publisherClientCpuMicrosPerMessage: median((r) => r.publisher.clientCpuMicrosPerMessage),
        publisherPerClientCpuSecond: median((r) => r.publisher.perClientCpuSecond),
        publisherServerCpuMicrosPerMessage: median((r) => r.publisher.serverCpuMicrosPerMessage),
      },
      loadAverage: { start: loadStart, end: loadavg().map((l) => Number(l.toFixed(2))) },
      everyMessageStoredOnce: rounds.every((r) => [r.anchor, r.publisher, r.sensorProducer].every((p) => p.stored === p.published)),
      rounds,
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
async function phase(jsm: JetStreamManager, stream: string, publisher: PipelinedPublisher, messages: Iterator<OutgoingMessage>, seconds: number, serverPid: number): Promise<PhaseResult> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), seconds * 1000);
  const before = (await jsm.streams.info(stream)).state.messages;
  const cpu = process.cpuUsage();
  const serverCpu = processCpuSeconds(serverPid) ?? NaN;
  const started = performance.now();
  try {
    // Without return(): stopping at the deadline must not end the simulation the next round goes on with.
    const published = await publishPaced({ [Symbol.iterator]: () => ({ next: () => messages.next() }) }, publisher, { rate: Infinity, signal: deadline.signal });
    return measured(published, started, cpu, serverPid, serverCpu, (await jsm.streams.info(stream)).state.messages - before);
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
async function anchorPhase(nc: NatsConnection, jsm: JetStreamManager, opts: { inFlight: number; payload: Uint8Array; seconds: number; idPrefix: string; serverPid: number }): Promise<PhaseResult> {
  const { inFlight, payload, seconds, idPrefix, serverPid } = opts;
  const before = (await jsm.streams.info('BENCH_PUBLISH')).state.messages;
  const cpu = process.cpuUsage();
  const serverCpu = processCpuSeconds(serverPid) ?? NaN;
  const inbox = createInbox();
  let sent = 0;
  let acked = 0;
  let stop = false;
  const started = performance.now();
  const timer = setTimeout(() => (stop = true), seconds * 1000);
  const send = () => {
    const h = headers();
    h.set('Nats-Msg-Id', `${idPrefix}-${sent}`);
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
  return measured(acked, started, cpu, serverPid, serverCpu, (await jsm.streams.info('BENCH_PUBLISH')).state.messages - before);
}

function measured(published: number, started: number, cpu: NodeJS.CpuUsage, serverPid: number, serverCpuBefore: number, stored: number): PhaseResult {
  const perSecond = Math.round(published / ((performance.now() - started) / 1000));
  const used = process.cpuUsage(cpu);
  const serverMicros = ((processCpuSeconds(serverPid) ?? NaN) - serverCpuBefore) * 1e6;
  const n = Math.max(1, published);
  return {
    published,
    perSecond,
    clientCpuMicrosPerMessage: Number(((used.user + used.system) / n).toFixed(2)),
    perClientCpuSecond: Math.round((n * 1e6) / Math.max(1, used.user + used.system)),
    serverCpuMicrosPerMessage: Number((serverMicros / n).toFixed(2)),
    stored,
  };
}
