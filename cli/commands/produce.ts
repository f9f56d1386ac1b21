import type { Command } from 'commander';
import { cliConfig, numberFlag } from '../cli-config.ts';
import { UsageError } from '../usage-error.ts';
import { parseStartTime } from '../parse-start-time.ts';
import { connectNats } from '../../processor/src/adapters/nats/connect-nats.ts';
import { ensureStreams } from '../../processor/src/adapters/nats/ensure-streams.ts';
import { JetStreamPublisher } from '../../processor/src/adapters/nats/jetstream-publisher.ts';
import { publishPaced } from '../../producers/src/paced-publisher.ts';
import { sensorMessages } from '../../producers/src/sensor-messages.ts';

interface ProduceSensorFlags {
  rate?: string;
  count?: string;
  stations?: string;
  seed?: string;
  faultRate?: string;
  start?: string;
  stepMs?: string;
  natsUrl?: string;
}

export function registerProduce(program: Command): void {
  const produce = program.command('produce').description('Publish events to NATS JetStream');
  produce
    .command('sensor')
    .description('Simulated gas-network stations (pressure, temperature, flow) with labelled injected faults')
    .option('--rate <r>', "readings per second, or 'max'")
    .option('--count <n>', 'stop after n readings (default: run until Ctrl-C)')
    .option('--stations <k>', 'number of stations')
    .option('--seed <s>', 'PRNG seed (same seed and start → same readings)')
    .option('--fault-rate <f>', 'injected faults per station per simulated day (0 = none)')
    .option('--start <time>', "event time of the first reading: ISO time, 'now', or relative like -7d / -36h", '-2d')
    .option('--step-ms <ms>', 'event time between two readings of a station')
    .option('--nats-url <url>', 'NATS server (default: NATS_URL, else the local port from config)')
    .action(async (opts: ProduceSensorFlags, cmd: Command) => {
      const rateFlag = opts.rate === 'max' ? undefined : numberFlag('rate', opts.rate);
      const config = cliConfig(cmd, {
        producers: {
          sensor: {
            rate: rateFlag,
            stations: numberFlag('stations', opts.stations),
            seed: numberFlag('seed', opts.seed),
            faultRate: numberFlag('fault-rate', opts.faultRate),
            stepMs: numberFlag('step-ms', opts.stepMs),
          },
        },
      });
      const p = config.producers.sensor;
      const count = numberFlag('count', opts.count);
      if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw new UsageError('--count expects a whole number ≥ 1');
      const startTs = parseStartTime(opts.start ?? '-2d', Date.now(), p.stepMs);
      const natsUrl = opts.natsUrl ?? config.nats.url ?? `nats://127.0.0.1:${config.nats.port}`;

      const nc = await connectNats({ url: natsUrl, name: `vigia-producer-sensor-${process.pid}` });
      await ensureStreams(nc, config.streams);
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      process.once('SIGTERM', () => controller.abort());
      const faults = new Map<string, string>();
      const messages = (function* () {
        for (const m of sensorMessages({ stations: p.stations, seed: p.seed, faultRate: p.faultRate, stepMs: p.stepMs, startTs }, config.streams.partitions, count)) {
          if (m.reading.truth) faults.set(m.reading.truth.faultId, m.reading.truth.kind);
          yield m;
        }
      })();
      const started = performance.now();
      const published = await publishPaced(messages, new JetStreamPublisher(nc, p.maxInFlight), {
        rate: opts.rate === 'max' ? Infinity : p.rate,
        maxInFlight: p.maxInFlight,
        signal: controller.signal,
        // A live simulation never runs ahead of the clock: it catches up, then goes on in real time.
        notAfterWallClock: (m) => (m as unknown as { reading: { ts: number } }).reading.ts,
        onProgress: (n) => process.stderr.write(`\rpublished ${n} readings…`),
      });
      const seconds = (performance.now() - started) / 1000;
      const byKind: Record<string, number> = {};
      for (const kind of faults.values()) byKind[kind] = (byKind[kind] ?? 0) + 1;
      process.stderr.write('\n');
      process.stdout.write(
        JSON.stringify({ published, seconds: Number(seconds.toFixed(2)), perSecond: Math.round(published / seconds), faultEpisodes: byKind }) + '\n',
      );
      await nc.drain();
    });
}
