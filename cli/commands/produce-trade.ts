import type { Command } from 'commander';
import { ConfigError } from '../../config/index.ts';
import type { VigiaConfig } from '../../config/index.ts';
import { connectNats, ensureStreams, PipelinedPublisher } from '../../nats/index.ts';
import { createTradeSimulation } from '../../producers/src/trade/index.ts';
import { openTradeFile, TradeFileError, type TradeFile } from '../../producers/src/trade/trade-file-reader.ts';
import { emptyTradeFileStats, fileTradeMessages, simulatedTradeMessages, type TradeMessage } from '../../producers/src/trade/trade-messages.ts';
import { publishTrips, type TripPublishResult } from '../../producers/src/trip-publish.ts';
import type { TripMessage } from '../../producers/src/trip-messages.ts';
import { natsUrlFor } from '../../stack/access/nats-credentials.ts';
import { cliConfig, numberFlag } from '../cli-config.ts';
import { parseStartTime } from '../parse-start-time.ts';
import { UsageError } from '../usage-error.ts';

interface ProduceTradeFlags {
  seed?: string;
  companies?: string;
  anomalyRate?: string;
  episodesPerDay?: string;
  start?: string;
  days?: string;
  count?: string;
  speed?: string;
  file?: string;
  limit?: string;
  natsUrl?: string;
}

const DAY = 86_400_000;
const iso = (ts: number) => (Number.isFinite(ts) ? new Date(ts).toISOString() : null);
const log = (line: string) => process.stderr.write(line + '\n');

function wholeFlag(name: string, value: string | undefined): number | undefined {
  const n = numberFlag(name, value);
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new UsageError(`--${name} expects a whole number ≥ 1, got '${value}'`);
  return n;
}

function speedFlag(value: string | undefined): number | 'max' | undefined {
  if (value === undefined || value === 'max') return value;
  const n = numberFlag('speed', value)!;
  if (!(n > 0)) throw new UsageError(`--speed expects a positive number or 'max', got '${value}'`);
  return n;
}

function stopSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  return controller.signal;
}

async function publishAll(config: VigiaConfig, natsUrl: string | undefined, name: string, messages: Iterable<TradeMessage> | AsyncIterable<TradeMessage>, opts: { speed: number; originTs?: number; notAheadOfClock: boolean }): Promise<TripPublishResult & { seconds: number }> {
  const nc = await connectNats({ url: natsUrlFor(config, natsUrl), name: `vigia-producer-${name}-${process.pid}` });
  try {
    await ensureStreams(nc, config.streams);
    const publisher = new PipelinedPublisher(nc, { maxInFlight: config.producers.trade.maxInFlight });
    const started = performance.now();
    // publishTrips paces any message by its `eventTs` (the trip fields are not read).
    const result = await publishTrips(messages as Iterable<TripMessage> | AsyncIterable<TripMessage>, publisher, {
      ...opts,
      signal: stopSignal(),
      onProgress: (n, ts) => process.stderr.write(`\rpublished ${n} declarations, event time ${iso(ts)}…`),
    });
    await publisher.close();
    process.stderr.write('\n');
    return { ...result, seconds: (performance.now() - started) / 1000 };
  } finally {
    await nc.drain().catch(() => undefined);
  }
}

async function simulate(flags: ProduceTradeFlags, cmd: Command): Promise<void> {
  const speed = speedFlag(flags.speed);
  const config = cliConfig(cmd, {
    producers: {
      trade: {
        seed: numberFlag('seed', flags.seed),
        companies: wholeFlag('companies', flags.companies),
        anomalyRate: numberFlag('anomaly-rate', flags.anomalyRate),
        episodesPerDay: numberFlag('episodes-per-day', flags.episodesPerDay),
        speed,
      },
    },
  });
  const p = config.producers.trade;
  const days = numberFlag('days', flags.days);
  if (days !== undefined && !(days > 0)) throw new UsageError(`--days expects a positive number, got '${flags.days}'`);
  const count = wholeFlag('count', flags.count);
  const now = Date.now();
  const startTs = parseStartTime(flags.start ?? (days !== undefined ? `-${days}d` : 'now'), now, 1000);
  const endTs = days !== undefined ? startTs + days * DAY : undefined;
  const sim = createTradeSimulation({ seed: p.seed, startTs, companies: p.companies, anomalyRate: p.anomalyRate, episodesPerDay: p.episodesPerDay });
  log(
    `produce trade: seed ${p.seed}, ${p.companies} companies, anomaly rate ${p.anomalyRate}, ${p.episodesPerDay} episodes/day; event time from ${iso(startTs)}` +
      `${endTs !== undefined ? ` until ${iso(endTs)}` : ''}${count !== undefined ? `, at most ${count} declarations` : ''}; speed ${p.speed === 'max' ? 'max' : `${p.speed}×`}, never ahead of the clock`,
  );
  const labelled: Record<string, number> = {};
  const episodes: Record<string, Set<string>> = {};
  const messages = (function* () {
    for (const m of simulatedTradeMessages(sim.declarations(), { endTs, count }, config.streams.partitions)) {
      const t = m.declaration.truth;
      if (t) {
        labelled[t.kind] = (labelled[t.kind] ?? 0) + 1;
        (episodes[t.kind] ??= new Set()).add(t.faultId);
      }
      yield m;
    }
  })();
  const r = await publishAll(config, flags.natsUrl, 'trade', messages, { speed: p.speed === 'max' ? Infinity : p.speed, originTs: startTs, notAheadOfClock: true });
  process.stdout.write(
    JSON.stringify({
      published: r.published,
      seconds: Number(r.seconds.toFixed(2)),
      perSecond: Math.round(r.published / Math.max(r.seconds, 1e-3)),
      from: iso(r.firstEventTs),
      to: iso(r.lastEventTs),
      labelled,
      episodes: Object.fromEntries(Object.entries(episodes).map(([k, s]) => [k, s.size])),
    }) + '\n',
  );
}

async function replayFile(flags: ProduceTradeFlags, cmd: Command): Promise<void> {
  const speed = speedFlag(flags.speed);
  const config = cliConfig(cmd, { producers: { trade: { speed } } });
  let file: TradeFile;
  try {
    file = openTradeFile(flags.file!, { limit: wholeFlag('limit', flags.limit) });
  } catch (err) {
    if (err instanceof TradeFileError) throw new UsageError(err.message);
    throw err;
  }
  try {
    const p = config.producers.trade;
    log(`produce trade --file ${flags.file}: ${file.format}, event-time order; speed ${p.speed === 'max' ? 'max' : `${p.speed}×`}`);
    const stats = emptyTradeFileStats();
    const r = await publishAll(config, flags.natsUrl, 'trade-file', fileTradeMessages(file.rows(), config.streams.partitions, stats), { speed: p.speed === 'max' ? Infinity : p.speed, notAheadOfClock: false });
    if (stats.unconvertible) log(`not published: ${stats.unconvertible} rows without a readable ts (rows ${stats.unconvertibleRows.map((u) => u.row).join(', ')}${stats.unconvertible > stats.unconvertibleRows.length ? ', …' : ''})`);
    if (stats.rejected) log(`published but outside the TradeDeclaration contract (the processor dead-letters them on dlq.trade with the reason): ${stats.rejected} (first failing field: ${Object.entries(stats.rejectedByField).map(([f, n]) => `${f} ${n}`).join(', ')})`);
    process.stdout.write(JSON.stringify({ published: r.published, seconds: Number(r.seconds.toFixed(2)), file: flags.file, from: iso(r.firstEventTs), to: iso(r.lastEventTs), ...stats }) + '\n');
  } finally {
    file.close();
  }
}

export function registerProduceTrade(produce: Command): void {
  produce
    .command('trade')
    .description('Simulated export declarations (companies ↔ HS subheadings ↔ ports, precursor quotas) with labelled anomalies, or a customs extract (--file) in event-time order')
    .option('--seed <s>', 'PRNG seed (same seed and start → same declarations; default from config, 1)')
    .option('--companies <n>', 'exporters at the start (default 500)')
    .option('--anomaly-rate <p>', 'probability that a declaration becomes a price, weight, route or misclassification anomaly (default 0.003)')
    .option('--episodes-per-day <n>', 'expected bursts, structuring, new companies, over-quota and unusual-route episodes per simulated day (default 2)')
    .option('--start <time>', "event time the simulation starts: ISO time, 'now', or relative like -7d (default: now − days with --days, else now)")
    .option('--days <n>', 'simulated span in days (default: unbounded)')
    .option('--count <n>', 'stop after n declarations')
    .option('--speed <x|max>', "event time runs x times the wall clock, or 'max' (default; a simulation never runs ahead of the clock)")
    .option('--file <path>', 'publish a customs extract (.csv with a header, or .parquet; columns in the README) instead of simulating')
    .option('--limit <n>', 'with --file: only the first n declarations in event-time order')
    .option('--nats-url <url>', 'NATS server (default: NATS_URL, else the local port from config)')
    .action(async (flags: ProduceTradeFlags, cmd: Command) => {
      try {
        if (flags.file) return await replayFile(flags, cmd);
        return await simulate(flags, cmd);
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(err.message);
        throw err;
      }
    });
}
