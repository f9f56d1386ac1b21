import { join } from 'node:path';
import type { Command } from 'commander';
import { cliConfig, numberFlag } from '../cli-config.ts';
import { readHttpToken } from '../../stack/access/http-token.ts';
import { runThroughputBench, THROUGHPUT_PHASES, type ThroughputPhase } from '../../bench/src/throughput/run-throughput-bench.ts';
import { runPublishBench } from '../../bench/src/throughput/run-publish-bench.ts';
import { runNabBench } from '../../bench/src/nab/run-nab-bench.ts';
import { runSkabBench } from '../../bench/src/skab/run-skab-bench.ts';
import type { RunningStack } from '../../bench/src/replay/pipeline-replay.ts';
import { runTripsBench } from '../../bench/src/trips/run-trips-bench.ts';
import { runTradeBench } from '../../bench/src/trade/run-trade-bench.ts';
import { SEVERITY_RANK, type Severity } from '../../bench/src/trade/trade-accuracy.ts';
import { DEFAULT_TRADE_SCENARIO } from '../../bench/src/trade/trade-scenario.ts';
import { runNycTaxiNab } from '../../bench/src/trips/run-nyc-taxi-nab.ts';
import { runStateSizeBench } from '../../bench/src/memory/state-per-key.ts';
import { runStationsBench } from '../../bench/src/memory/run-stations-bench.ts';
import { runUpMemoryBench } from '../../bench/src/memory/run-up-memory.ts';
import { runReplayBench } from '../../bench/src/replay/run-replay-bench.ts';
import { runIsolationBench } from '../../bench/src/isolation/run-isolation-bench.ts';
import { runCvBench } from '../../bench/src/cv/run-cv.ts';
import { UsageError } from '../usage-error.ts';

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('Benchmarks: speed and accuracy, measured through the real pipeline');
  bench
    .command('throughput')
    .description('Sensor readings/s and trips/s published → stored end to end (alone and together), against the raw JetStream ceilings measured in the same run')
    .option('--seconds <s>', 'length of each measured phase', '20')
    .option('--json <file>', 'write the figures as JSON')
    .option('--stations <k>', 'number of simulated stations', '50')
    .option('--phases <list>', `end-to-end phases, comma-separated, in order (${THROUGHPUT_PHASES.join(', ')})`, THROUGHPUT_PHASES.join(','))
    .option('--max-backlog <n>', 'unacked events the publisher lets pile up before it waits for the processor', '20000')
    .option('--latency-seconds <s>', 'paced phase at 30 % of the sustained rates for the latency figure (0 = none)', '5')
    .option('--profile <dir>', 'write one CPU profile (.cpuprofile) and sink timings (.sinks.json) of the processor per phase into DIR')
    .action(async (opts: { seconds: string; json?: string; stations: string; phases: string; maxBacklog: string; latencySeconds: string; profile?: string }) => {
      const phases = opts.phases.split(',').map((p) => p.trim());
      const unknown = phases.filter((p) => !(THROUGHPUT_PHASES as readonly string[]).includes(p));
      if (unknown.length || !phases.length) throw new UsageError(`--phases takes ${THROUGHPUT_PHASES.join(', ')}; got '${opts.phases}'`);
      await runThroughputBench({
        seconds: numberFlag('seconds', opts.seconds)!,
        jsonFile: opts.json,
        stations: numberFlag('stations', opts.stations)!,
        phases: phases as ThroughputPhase[],
        maxBacklog: numberFlag('max-backlog', opts.maxBacklog)!,
        latencySeconds: numberFlag('latency-seconds', opts.latencySeconds)!,
        profileDir: opts.profile,
      });
    });
  bench
    .command('isolation')
    .description('During a trip catch-up: sensor published → stored, sensor redeliveries, /health and UI response times; then published → socket.io verdict for one station under background load')
    .option('--trips <n>', 'trips published as a backlog before the first phase', '100000')
    .option('--sensor-rate <r>', 'sensor readings per second during the trip catch-up', '200')
    .option('--background-rate <b>', "other stations' readings per second behind the watched station", '10000')
    .option('--seconds <s>', 'length of each phase', '30')
    .option('--workers <w>', "processor.workers: 'auto' (one per domain) or a number (0 = score on the main thread)")
    .option('--json <file>', 'write the figures as JSON')
    .action(async (opts: { trips: string; sensorRate: string; backgroundRate: string; seconds: string; workers?: string; json?: string }) => {
      const flags = { trips: opts.trips, 'sensor-rate': opts.sensorRate, 'background-rate': opts.backgroundRate, seconds: opts.seconds };
      for (const [name, value] of Object.entries(flags)) if (value !== undefined && !(numberFlag(name, value)! > 0)) throw new UsageError(`--${name} expects a number above 0, got '${value}'`);
      if (opts.workers !== undefined && opts.workers !== 'auto' && !/^\d+$/.test(opts.workers)) throw new UsageError(`--workers expects 'auto' or a number of worker threads (0 = none), got '${opts.workers}'`);
      await runIsolationBench({
        trips: numberFlag('trips', opts.trips)!,
        sensorRate: numberFlag('sensor-rate', opts.sensorRate)!,
        backgroundRate: numberFlag('background-rate', opts.backgroundRate)!,
        seconds: numberFlag('seconds', opts.seconds)!,
        workers: opts.workers === undefined || opts.workers === 'auto' ? opts.workers : Number(opts.workers),
        jsonFile: opts.json,
      });
    });
  bench
    .command('publish')
    .description("The producers' JetStream publisher alone: acked msgs/s on a private nats-server, and each message stored once")
    .option('--seconds <s>', 'length of each measured phase', '5')
    .option('--rounds <n>', 'anchor, publisher and producer phases, repeated (medians reported)', '3')
    .option('--in-flight <n>', 'publishes awaiting an ack at once', '2000')
    .option('--stations <k>', 'number of simulated stations', '50')
    .option('--json <file>', 'write the figures as JSON')
    .action(async (opts: { seconds: string; rounds: string; inFlight: string; stations: string; json?: string }) => {
      await runPublishBench({ seconds: numberFlag('seconds', opts.seconds)!, rounds: numberFlag('rounds', opts.rounds)!, inFlight: numberFlag('in-flight', opts.inFlight)!, stations: numberFlag('stations', opts.stations)!, jsonFile: opts.json });
    });
  bench
    .command('nab')
    .description('Replay every CSV of a NAB-layout folder through the real pipeline; write per-file scores; with labels, print NAB scores')
    .requiredOption('--data <dir>', 'folder with <category>/<file>.csv (timestamp,value)')
    .requiredOption('--out <dir>', 'where to write <category>/<file>.csv with timestamp,value,anomaly_score')
    .option('--labels <file>', 'NAB windows JSON (e.g. nab_windows_dev.json)')
    .option('--profiles <file>', 'NAB profiles JSON')
    .option('--json <file>', 'write the scores as JSON')
    .option('--nats <url>', 'replay through this running NATS… (with --processor; default: a private stack in a temp folder)')
    .option('--processor <url>', '…and the HTTP URL of the processor consuming it, e.g. http://127.0.0.1:8080 (its token: VIGIA_TOKEN, else <dataDir>/access/http-token)')
    .action(async (opts: { data: string; out: string; labels?: string; profiles?: string; json?: string; nats?: string; processor?: string }, cmd: Command) => {
      await runNabBench({ dataDir: opts.data, outDir: opts.out, labels: opts.labels, profiles: opts.profiles, json: opts.json, stack: runningStack(opts, cmd) });
    });
  bench
    .command('trips')
    .description('A labelled synthetic NYC week through the real pipeline: precision, recall and F1 per anomaly kind, detection delay, false alarms per day')
    .option('--days <n>', 'evaluated simulated days', '7')
    .option('--warmup-days <n>', 'days the detectors learn first, not scored (a week: every hour of the week has its own profile, as in a running system)', '7')
    .option('--seed <n>', 'simulation seed', '1')
    .option('--scale <x>', 'trips per unit of the demand series (0.1 ≈ 1 500 per half hour, ~1/6 of NYC’s yellow cabs)', '0.1')
    .option('--episodes-per-day <n>', 'injected surge + collapse episodes per simulated day', '4')
    .option('--min-collapse-rate <n>', 'least normal pickups per minute a closure takes away; quieter ones are moved or dropped (0 keeps all)', '0.4')
    .option('--demand <file|shape>', 'demand series (nyc_taxi.csv layout) or shape (default: the NAB series when present)')
    .option('--json <file>', 'write the figures as JSON')
    .action(async (opts: { days: string; warmupDays: string; seed: string; scale: string; episodesPerDay: string; minCollapseRate: string; demand?: string; json?: string }) => {
      await runTripsBench({
        days: numberFlag('days', opts.days)!,
        warmupDays: numberFlag('warmup-days', opts.warmupDays)!,
        seed: numberFlag('seed', opts.seed)!,
        scale: numberFlag('scale', opts.scale)!,
        episodesPerDay: numberFlag('episodes-per-day', opts.episodesPerDay)!,
        minCollapsePerMinute: numberFlag('min-collapse-rate', opts.minCollapseRate)!,
        demand: opts.demand,
        json: opts.json,
      });
    });
  bench
    .command('trade')
    .description('A labelled trade scenario through the real pipeline: precision, recall and F1 per anomaly kind (per incident), detection delay, false alarms per day, explanation hit rate, declarations/s end to end, per processor CPU-second and per CPU-second of the pure core')
    .option('--days <n>', 'evaluated simulated days', String(DEFAULT_TRADE_SCENARIO.days))
    .option('--warmup-days <n>', 'days companies and subheadings build their history first, not scored', String(DEFAULT_TRADE_SCENARIO.warmupDays))
    .option('--seed <n>', 'simulation seed', '1')
    .option('--companies <n>', 'exporters at the start', String(DEFAULT_TRADE_SCENARIO.companies))
    .option('--anomaly-rate <p>', 'probability that a declaration of a known company becomes a point anomaly', String(DEFAULT_TRADE_SCENARIO.anomalyRate))
    .option('--episodes-per-day <n>', 'expected burst, structuring, new-company, over-quota and unusual-route episodes per simulated day', String(DEFAULT_TRADE_SCENARIO.episodesPerDay))
    .option('--min-severity <s>', 'least severity that counts as flagged (minor, major, critical)', 'minor')
    .option('--json <file>', 'write the figures as JSON')
    .option('--profile <dir>', 'write the processor\'s CPU profile (.cpuprofile) and sink timings (.sinks.json) of the measured span into DIR')
    .action(async (opts: { days: string; warmupDays: string; seed: string; companies: string; anomalyRate: string; episodesPerDay: string; minSeverity: string; json?: string; profile?: string }) => {
      if (!(opts.minSeverity in SEVERITY_RANK)) throw new UsageError(`--min-severity is minor, major or critical; got '${opts.minSeverity}'`);
      for (const [name, value] of Object.entries({ days: opts.days, companies: opts.companies })) if (!(numberFlag(name, value)! > 0)) throw new UsageError(`--${name} expects a number above 0, got '${value}'`);
      await runTradeBench({
        days: numberFlag('days', opts.days)!,
        warmupDays: numberFlag('warmup-days', opts.warmupDays)!,
        seed: numberFlag('seed', opts.seed)!,
        companies: numberFlag('companies', opts.companies)!,
        anomalyRate: numberFlag('anomaly-rate', opts.anomalyRate)!,
        episodesPerDay: numberFlag('episodes-per-day', opts.episodesPerDay)!,
        minSeverity: opts.minSeverity as Severity,
        json: opts.json,
        profileDir: opts.profile,
      });
    });
  bench
    .command('nyc-taxi')
    .description('Simulate trips over nyc_taxi.csv’s own dates, count them per half hour through the trip pipeline, and score those counts with NAB in place of the original file')
    .requiredOption('--data <dir>', 'NAB corpus folder (with realKnownCause/nyc_taxi.csv)')
    .requiredOption('--labels <file>', 'NAB windows JSON')
    .requiredOption('--profiles <file>', 'NAB profiles JSON')
    .requiredOption('--out <dir>', 'where to write the counts (nyc_taxi_from_trips.csv) and the per-file scores')
    .option('--scale <x>', 'trips per unit of the series (0.002 ≈ 30 per half hour)', '0.002')
    .option('--seed <n>', 'simulation seed', '1')
    .option('--json <file>', 'write the scores as JSON')
    .action(async (opts: { data: string; labels: string; profiles: string; out: string; scale: string; seed: string; json?: string }) => {
      await runNycTaxiNab({ dataDir: opts.data, labels: opts.labels, profiles: opts.profiles, outDir: opts.out, scale: numberFlag('scale', opts.scale)!, seed: numberFlag('seed', opts.seed)!, json: opts.json });
    });
  bench
    .command('skab')
    .description('Replay every labelled SKAB CSV under a folder through the real pipeline; print F1, FAR and MAR')
    .requiredOption('--data <dir>', 'folder with SKAB csv files (searched recursively)')
    .requiredOption('--out <dir>', 'where to write per-file datetime,anomaly_score,anomaly_pred')
    .option('--json <file>', 'write the figures as JSON')
    .option('--nats <url>', 'replay through this running NATS… (with --processor; default: a private stack in a temp folder)')
    .option('--processor <url>', '…and the HTTP URL of the processor consuming it (its token: VIGIA_TOKEN, else <dataDir>/access/http-token)')
    .action(async (opts: { data: string; out: string; json?: string; nats?: string; processor?: string }, cmd: Command) => {
      await runSkabBench({ dataDir: opts.data, outDir: opts.out, json: opts.json, stack: runningStack(opts, cmd) });
    });
  bench
    .command('cv')
    .description('Accuracy as it would be on unseen data, offline: nested cross-validation over NAB dev (fold = category), SKAB valve1 (fold = experiment group) and the gas-network simulator; parameters and thresholds chosen on training folds only; held-out figures first, in-sample beside, per-file rows')
    .option('--data <dir>', 'benchmark data folder with nab/, skab/valve1/ and nab-reference/', '../shared/data')
    .option('--sim-days <n>', 'simulated days per seed (0 = skip the simulator)', '14')
    .option('--json <file>', 'write the figures as JSON')
    .action(async (opts: { data: string; simDays: string; json?: string }) => {
      await runCvBench({
        nabDir: join(opts.data, 'nab'),
        skabDir: join(opts.data, 'skab', 'valve1'),
        referenceDirs: [join(opts.data, 'nab-reference', 'ARTime')],
        simDays: numberFlag('sim-days', opts.simDays)!,
        json: opts.json,
      });
    });
  bench
    .command('state-size')
    .description('Bytes of learned state per key, offline: memory (V8 heap + ArrayBuffers, after GC) and snapshot bytes per sensor station after a number of readings')
    .option('--stations <n>', 'simulated stations per measurement', '200')
    .option('--readings <list>', 'readings per station (one a minute), comma-separated', '1,60,1440,10080')
    .option('--trip-days <n>', 'simulated days of NYC trips (scale 0.1) for the per-cell figure; 0 = none', '2')
    .option('--json <file>', 'write the figures as JSON')
    .action((opts: { stations: string; readings: string; tripDays: string; json?: string }) => {
      const readings = opts.readings.split(',').map((r) => numberFlag('readings', r)!);
      runStateSizeBench({ stations: numberFlag('stations', opts.stations)!, readings, tripDays: numberFlag('trip-days', opts.tripDays)!, jsonFile: opts.json });
    });
  bench
    .command('stations')
    .description('Processor memory (RSS) before and after readings from many new stations, through a private stack with the default processor.limits')
    .option('--stations <n>', 'new stations', '10000')
    .option('--readings <n>', 'readings per station (a minute apart)', '10')
    .option('--json <file>', 'write the figures as JSON')
    .action(async (opts: { stations: string; readings: string; json?: string }) => {
      await runStationsBench({ stations: numberFlag('stations', opts.stations)!, readings: numberFlag('readings', opts.readings)!, jsonFile: opts.json });
    });
  bench
    .command('replay')
    .description('`vigia replay` of a simulated sensor log on a private nats-server and chDB: readings/s and readings per process CPU-second')
    .option('--readings <n>', 'readings in the log', '200000')
    .option('--stations <k>', 'simulated stations', '50')
    .option('--range <all|none>', 'all: every reading in the range (all rows written); none: read and scored, nothing written', 'all')
    .option('--profile <dir>', 'write a CPU profile of the replay into this folder')
    .option('--json <file>', 'write the figures as JSON')
    .action(async (opts: { readings: string; stations: string; range: string; profile?: string; json?: string }) => {
      if (opts.range !== 'all' && opts.range !== 'none') throw new UsageError('--range is all or none');
      await runReplayBench({ readings: numberFlag('readings', opts.readings)!, stations: numberFlag('stations', opts.stations)!, range: opts.range, profileDir: opts.profile, jsonFile: opts.json });
    });
  bench
    .command('up-memory')
    .description('`vigia up` (processor, both demo producers) in a temp folder on free ports: the processor\'s RSS sampled every interval, with live stations and cells and their state bytes')
    .option('--minutes <m>', 'how long to run the stack', '30')
    .option('--interval <s>', 'seconds between samples', '60')
    .option('--rate <r>', 'demo sensor readings per second', '200')
    .option('--json <file>', 'write the samples as JSON')
    .action(async (opts: { minutes: string; interval: string; rate: string; json?: string }) => {
      await runUpMemoryBench({ minutes: numberFlag('minutes', opts.minutes)!, intervalSeconds: numberFlag('interval', opts.interval)!, rate: numberFlag('rate', opts.rate)!, jsonFile: opts.json });
    });
}

/** --nats and --processor together name a running stack; one without the other is a mistake. */
function runningStack(opts: { nats?: string | undefined; processor?: string | undefined }, cmd: Command): RunningStack | undefined {
  if (!opts.nats && !opts.processor) return undefined;
  if (!opts.nats || !opts.processor) throw new UsageError('--nats and --processor go together: the NATS server to publish to and the processor that consumes it');
  if (!/^(nats|tls):\/\/\S+$/.test(opts.nats)) throw new UsageError(`--nats expects nats://host:port, got '${opts.nats}'`);
  if (!/^https?:\/\/\S+$/.test(opts.processor)) throw new UsageError(`--processor expects http://host:port, got '${opts.processor}'`);
  return { natsUrl: opts.nats, httpUrl: opts.processor.replace(/\/+$/, ''), token: readHttpToken(cliConfig(cmd)) };
}
