import type { Command } from 'commander';
import { cliConfig, numberFlag } from '../cli-config.ts';
import { UsageError } from '../usage-error.ts';
import { parseStartTime } from '../parse-start-time.ts';
import { connectNats, ensureStreams, PipelinedPublisher } from '../../nats/index.ts';
import { publishPaced } from '../../producers/src/paced-publisher.ts';
import { sensorMessages, toMessage } from '../../producers/src/sensor-messages.ts';
import { fileReadings } from '../../producers/src/file-readings.ts';
import { SensorReading } from '../../contracts/index.ts';
import { existsSync } from 'node:fs';
import { registerProduceTrip } from './produce-trip.ts';
import { registerProduceTrade } from './produce-trade.ts';
import { natsUrlFor } from '../../stack/access/nats-credentials.ts';

interface ProduceSensorFlags {
  rate?: string;
  count?: string;
  stations?: string;
  seed?: string;
  faultRate?: string;
  start?: string;
  stepMs?: string;
  natsUrl?: string;
  file?: string;
  format?: string;
  station?: string;
  speed?: string;
}

async function replayFile(opts: ProduceSensorFlags, cmd: Command): Promise<void> {
  if (opts.format !== 'nab' && opts.format !== 'skab') throw new UsageError(`--format expects nab or skab, got '${opts.format ?? ''}'`);
  if (!opts.station) throw new UsageError('--station is required with --file');
  if (!existsSync(opts.file!)) throw new UsageError(`--file ${opts.file} does not exist`);
  const speed = opts.speed === 'max' || opts.speed === undefined ? Infinity : numberFlag('speed', opts.speed)!;
  if (!(speed > 0)) throw new UsageError(`--speed expects a positive number or 'max', got '${opts.speed}'`);
  const config = cliConfig(cmd);
  const readings = fileReadings(opts.file!, opts.format, opts.station);
  const bad = readings.map((r) => SensorReading.safeParse(r)).findIndex((r) => !r.success);
  if (bad >= 0) throw new UsageError(`row ${bad + 1} of ${opts.file} is not a valid reading: ${SensorReading.safeParse(readings[bad]).error?.issues[0]?.message}`);
  const nc = await connectNats({ url: natsUrlFor(config, opts.natsUrl), name: `vigia-producer-file-${process.pid}` });
  await ensureStreams(nc, config.streams);
  const t0 = readings[0]?.ts ?? 0;
  const started = performance.now();
  const published = await publishPaced(
    readings.map((r) => toMessage(r, config.streams.partitions)),
    new PipelinedPublisher(nc, { maxInFlight: config.producers.sensor.maxInFlight }),
    {
      rate: Infinity,
      // Event-time order is file order; pace by event time when a speed is given.
      dueAfterMs: Number.isFinite(speed) ? (_m, i) => Math.max(0, (readings[i]!.ts - t0) / speed) : undefined,
      onProgress: (n) => process.stderr.write(`\rpublished ${n}/${readings.length} rows…`),
    },
  );
  process.stderr.write('\n');
  process.stdout.write(JSON.stringify({ published, station: opts.station, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) }) + '\n');
  await nc.drain();
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
    .option('--file <csv>', 'replay a benchmark CSV instead of simulating (with --format and --station)')
    .option('--format <nab|skab>', 'layout of --file: nab (timestamp,value) or skab (datetime;8 channels;labels)')
    .option('--station <name>', 'station id for the rows of --file')
    .option('--speed <x|max>', "replay --file at x times its event-time pace, or 'max'", 'max')
    .action(async (opts: ProduceSensorFlags, cmd: Command) => {
      if (opts.file) return replayFile(opts, cmd);
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
      const natsUrl = natsUrlFor(config, opts.natsUrl);

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
      const published = await publishPaced(messages, new PipelinedPublisher(nc, { maxInFlight: p.maxInFlight }), {
        rate: opts.rate === 'max' ? Infinity : p.rate,
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
  registerProduceTrip(produce);
  registerProduceTrade(produce);
}
