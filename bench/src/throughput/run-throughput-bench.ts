import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats, ensureStreams, type OutgoingMessage, PipelinedPublisher } from '../../../nats/index.ts';
import { parseConfig } from '../../../config/index.ts';
import { sensorMessages } from '../../../producers/src/sensor-messages.ts';
import { startNatsServer } from '../../../stack/nats-server.ts';
import { startProcessorProcess, type ProcessorProcess } from '../../../stack/processor-process.ts';
import { killOnExit, onProcessExit } from '../../../stack/kill-on-exit.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { tempDir } from '../../../test/harness/temp-dir.ts';

export interface ThroughputBenchOptions {
  seconds: number;
  jsonFile?: string | undefined;
  stations: number;
}

const IN_FLIGHT = 2000;
const START = Date.UTC(2026, 0, 1);

/**
 * Three phases on the same nats-server: (1) raw JetStream publish ceiling, (2) raw consume
 * ceiling (pull + explicit ack, nothing else), (3) end to end: publish sensor readings while
 * the real processor stores, scores and alerts; events/s = readings stored / time until the
 * last one is stored. Reports the end-to-end rate as a ratio of the ceilings.
 */
export async function runThroughputBench(opts: ThroughputBenchOptions): Promise<void> {
  const dir = tempDir('bench');
  const log = (s: string) => process.stderr.write(s + '\n');
  // Whatever ends the bench (an uncaught error, Ctrl-C), its private servers end with it.
  const forgetDir = onProcessExit(() => dir.remove());
  const nats = await startNatsServer({ port: 0, dir: `${dir.path}/nats`, allowInstall: true });
  const forgetNats = killOnExit(nats.pid);
  const config = parseConfig({});
  const nc = await connectNats({ url: nats.url, name: 'vigia-bench' });
  let proc: ProcessorProcess | undefined;
  let publisher: PipelinedPublisher | undefined;
  try {
    await ensureStreams(nc, config.streams);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['bench.raw.>'], max_bytes: 2 * 1024 ** 3 });
    publisher = new PipelinedPublisher(nc, { maxInFlight: IN_FLIGHT });
    const sample = [...sensorMessages({ stations: opts.stations, seed: 1, faultRate: 1, startTs: START }, config.streams.partitions, 1)][0]!;

    log(`phase 1/3: raw JetStream publish ceiling (${opts.seconds}s, pipelined, ${IN_FLIGHT} in flight, ${sample.data.length}-byte messages)…`);
    let i = 0;
    const raw = await timedPublish(publisher, () => ({ subject: `bench.raw.${i % 4}`, data: sample.data, msgId: `raw-${i++}` }), opts.seconds);
    log(`  ${Math.round(raw.perSecond)} msg/s`);

    log('phase 2/3: raw JetStream consume ceiling (pull, explicit ack, no processing)…');
    await jsm.consumers.add('BENCH_RAW', { durable_name: 'raw', ack_policy: AckPolicy.Explicit, max_ack_pending: 10_000 });
    const consumer = await jetstream(nc).consumers.get('BENCH_RAW', 'raw');
    const consumeStarted = performance.now();
    let consumed = 0;
    await new Promise<void>((resolve) => {
      void consumer.consume({
        max_messages: 1000,
        callback: (m) => {
          m.ack();
          if (++consumed === raw.count) resolve();
        },
      });
    });
    const consumePerSecond = consumed / ((performance.now() - consumeStarted) / 1000);
    log(`  ${Math.round(consumePerSecond)} msg/s`);

    log('phase 3/3: end to end — producer → JetStream → processor (decode, window, score) → ClickHouse + alerts + ack…');
    proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path, env: { VIGIA_LOG_LEVEL: 'warn' }, onSpawn: (child) => void killOnExit(child.pid!) });
    const running = proc;
    const readings = sensorMessages({ stations: opts.stations, seed: 1, faultRate: 2, startTs: START }, config.streams.partitions);
    const e2eStarted = performance.now();
    const pub = await timedPublish(publisher, () => readings.next().value as OutgoingMessage, opts.seconds);
    log(`  published ${pub.count} readings at ${Math.round(pub.perSecond)}/s; waiting until all are stored…`);
    await waitFor(() => running.sql<{ n: string }>('SELECT count() AS n FROM sensor_events'), (r) => Number(r[0]?.n) >= pub.count, 600_000, 'all readings stored');
    const e2eSeconds = (performance.now() - e2eStarted) / 1000;
    const endToEnd = pub.count / e2eSeconds;
    const metrics = await (await running.fetch('/metrics')).text();
    const rssMiB = Number(/vigia_process_process_resident_memory_bytes (\d+)/.exec(metrics)?.[1] ?? NaN) / 1024 ** 2;
    const anomalies = await proc.sql<{ n: string }>('SELECT count() AS n FROM anomalies');

    const result = {
      benchmark: 'throughput',
      at: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version, natsServer: nats.version },
      secondsPerPhase: opts.seconds,
      stations: opts.stations,
      ceiling: { jetstreamPublishPerSecond: Math.round(raw.perSecond), jetstreamConsumeAckPerSecond: Math.round(consumePerSecond) },
      endToEnd: {
        events: pub.count,
        publishPerSecond: Math.round(pub.perSecond),
        storedPerSecond: Math.round(endToEnd),
        seconds: Number(e2eSeconds.toFixed(2)),
        anomalies: Number(anomalies[0]?.n ?? 0),
        processorRssMiB: Math.round(rssMiB),
      },
      ratio: {
        toPublishCeiling: Number((endToEnd / raw.perSecond).toFixed(3)),
        toConsumeCeiling: Number((endToEnd / consumePerSecond).toFixed(3)),
      },
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (opts.jsonFile) {
      mkdirSync(dirname(opts.jsonFile), { recursive: true });
      writeFileSync(opts.jsonFile, JSON.stringify(result, null, 2));
      log(`written to ${opts.jsonFile}`);
    }
  } finally {
    await proc?.stop();
    await publisher?.close();
    await nc.drain().catch(() => undefined);
    await nats.stop();
    forgetNats();
    dir.remove();
    forgetDir();
  }
}

/** Publish for `seconds`, then wait for the last acks: the rate counts acknowledged messages. */
async function timedPublish(publisher: PipelinedPublisher, next: () => OutgoingMessage, seconds: number): Promise<{ count: number; perSecond: number }> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let count = 0;
  while (performance.now() < deadline) {
    await publisher.publish(next());
    count++;
  }
  await publisher.flush();
  return { count, perSecond: count / ((performance.now() - started) / 1000) };
}
