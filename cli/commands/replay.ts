import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { ReplayProgress, ReplayRequest, replaySubjects } from '../../contracts/index.ts';
import { cliConfig, numberFlag } from '../cli-config.ts';
import { UsageError } from '../usage-error.ts';
import { parseStartTime } from '../parse-start-time.ts';
import { formatTable } from '../format-table.ts';
import { queryStore } from '../store-access.ts';
import { replayDiffQueries } from '../replay-diff-queries.ts';
import { registeredDomains } from '../../processor/src/domains/registry.ts';
import { connectNats } from '../../nats/index.ts';
import { openStore } from '../../store/src/index.ts';
import { createLogger } from '../../stack/logger.ts';
import { runReplay } from '../../processor/src/replay/run-replay.ts';
import { createReplayCore, ReplayModelNotFoundError } from '../../processor/src/replay/replay-cores.ts';
import { natsUrlFor } from '../../stack/access/nats-credentials.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface ReplayFlags {
  domain: string;
  from: string;
  to: string;
  speed: string;
  model?: string;
  run?: string;
  natsUrl?: string;
  dataDir?: string;
}

export function registerReplay(program: Command): void {
  const replay = program
    .command('replay')
    .description('Re-process a range of the event log into a separate run (run_id in every row); `replay diff A B` compares two runs')
    .option('--domain <domain>', registeredDomains().join(' or '), 'sensor')
    .option('--from <time>', "event-time start: ISO time, 'now' or relative like -7d")
    .option('--to <time>', 'event-time end (inclusive)', 'now')
    .option('--speed <x|max>', "event-time speed-up, or 'max'", 'max')
    .option('--model <version>', 'model version to score with (sensor: models/sensor-chain/<version>; trip: models/trip-fare/<version> and models/trip-demand/<version>); default: the live ones')
    .option('--run <name>', 'run id (default replay-<time>)')
    .option('--nats-url <url>', 'NATS server (default: NATS_URL, else the local port from config)')
    .option('--data-dir <dir>', 'data folder (embedded store, when no processor is running)')
    .action(async (opts: ReplayFlags, cmd: Command) => {
      if (!opts.from) throw new UsageError('--from is required (e.g. --from 2026-01-05T00:00:00Z or --from -1d)');
      const now = Date.now();
      const parsed = ReplayRequest.safeParse({
        domain: opts.domain,
        from: parseStartTime(opts.from, now, 1, '--from'),
        to: parseStartTime(opts.to, now, 1, '--to'),
        speed: opts.speed === 'max' ? null : numberFlag('speed', opts.speed),
        runId: opts.run ?? `replay-${new Date(now).toISOString().replace(/[:.]/g, '').slice(0, 15)}`,
        model: opts.model ?? null,
      });
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const req = parsed.data;
      if (req.to < req.from) throw new UsageError('--to is before --from');
      const config = cliConfig(cmd, { dataDir: opts.dataDir });
      const nc = await connectNats({ url: natsUrlFor(config, opts.natsUrl), name: 'vigia-replay' });
      const bar = new SingleBar(
        { format: `${req.runId} |{bar}| {value}/{total} log messages · {written} rows · {perSecond}/s · ETA {eta_formatted}`, stream: process.stderr, hideCursor: true },
        Presets.shades_classic,
      );
      bar.start(1, 0, { written: 0, perSecond: 0 });
      const show = (p: ReplayProgress) => {
        bar.setTotal(Math.max(p.total, 1));
        bar.update(p.scanned, { written: p.written, perSecond: p.perSecond });
      };
      const final = await (async () => {
        // Delegate to the running processor (it owns the store); run here when none answers.
        const sub = nc.subscribe(replaySubjects.progress(req.runId));
        const answer = await nc.request(replaySubjects.start, JSON.stringify(req), { timeout: 5000 }).catch(() => undefined);
        if (answer) {
          const body = answer.json<{ accepted?: boolean; error?: string }>();
          if (!body.accepted) throw new UsageError(`replay refused: ${body.error}`);
          for await (const m of sub) {
            const p = ReplayProgress.parse(m.json());
            show(p);
            if (p.status !== 'running') return p;
          }
          throw new Error('the progress subscription ended before the replay finished');
        }
        sub.unsubscribe();
        process.stderr.write('no processor answered: running the replay in this process\n');
        const store = await openStore({ ...config.clickhouse, dataDir: config.dataDir });
        try {
          const logger = createLogger('replay', config.logLevel);
          const core = await createReplayCore(req, { store: store.client, config, logger, projectRoot: ROOT }).catch((err: Error) => {
            throw err instanceof ReplayModelNotFoundError ? new UsageError(err.message) : err;
          });
          return await runReplay(req, { nc, store: store.client, config, logger, core, onProgress: show });
        } finally {
          await store.close();
        }
      })();
      bar.stop();
      await nc.drain();
      if (final.status === 'failed') throw new Error(`replay ${final.runId} failed: ${final.error}`);
      process.stdout.write(JSON.stringify({ run: final.runId, scanned: final.scanned, written: final.written, anomalies: final.anomalies }) + '\n');
    });

  replay
    .command('diff')
    .description('Champion/challenger: anomalies gained and lost, and score shifts, between two runs over the events both scored')
    .argument('<runA>', 'baseline run (e.g. live)')
    .argument('<runB>', 'challenger run')
    .option('--data-dir <dir>', 'data folder of the embedded store')
    .option('--sql', 'print the ClickHouse queries instead of running them')
    .action(async (runA: string, runB: string, opts: { dataDir?: string; sql?: boolean }, cmd: Command) => {
      // --domain is the replay command's own flag (commander hands it to the parent).
      const domainFlag = String(cmd.optsWithGlobals().domain);
      const queries = replayDiffQueries(runA, runB, domainFlag);
      if (opts.sql) return void process.stdout.write(Object.values(queries).join(';\n\n') + ';\n');
      const config = cliConfig(cmd, { dataDir: opts.dataDir });
      for (const [title, sql] of Object.entries(queries)) {
        const r = await queryStore(config, sql);
        process.stdout.write(`\n${title}\n${r.rows.length ? formatTable(r.columns.map((c) => c.name), r.rows) : '(none)'}\n`);
      }
    });
}
