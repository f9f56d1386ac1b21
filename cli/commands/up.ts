import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { cliConfig, numberFlag } from '../cli-config.ts';
import { startNatsServer, type RunningNatsServer } from '../../stack/nats-server.ts';
import { superviseChild, type SupervisedChild } from '../../stack/supervised-child.ts';
import { startHealthWatchdog } from '../../stack/health-watchdog.ts';
import { PROCESSOR_ENV } from '../../stack/processor-process.ts';
import { httpTokenPath, loadOrCreateHttpToken } from '../../stack/access/http-token.ts';
import { loadOrCreateLocalNatsPassword } from '../../stack/access/nats-credentials.ts';
import { redactNatsUrl } from '../../nats/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'vigia.js');

interface UpFlags {
  producers: boolean;
  dataDir?: string;
  port?: string;
  rate?: string;
  start?: string;
  tripStart?: string;
  tripScale?: string;
  tripEpisodes?: string;
  tradeStart?: string;
  tradeCompanies?: string;
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('Bring up the whole stack: nats-server (JetStream), embedded ClickHouse, processor, UI and demo producers')
    .option('--no-producers', 'do not start the demo producers')
    .option('--data-dir <dir>', 'where JetStream files, chDB and logs live (default .vigia)')
    .option('--port <port>', 'UI/API port (default 8080)')
    .option('--rate <r>', 'demo sensor readings per second', '200')
    .option('--start <time>', 'event time the demo simulation starts at; it plays forward until now, then runs in real time', '-14d')
    .option('--trip-start <time>', 'event time the demo trip simulation starts at (then live)', '-3d')
    // 0.1 (≈ 74 000 trips a day) is the bench's volume: at the producer's own 0.01 a closure
    // removes a handful of pickups an hour and the map would rarely show a demand anomaly.
    .option('--trip-scale <x>', 'demo trips per unit of the NYC demand series (0.1 ≈ a seventh of NYC’s yellow cabs)', '0.1')
    // The producer's own 2 a day leave some days without any (a Poisson draw per day).
    .option('--trip-episodes <n>', 'demo demand surges + collapses per simulated day', '6')
    // A few hundred declarations a simulated day: a week of history takes seconds, then the
    // simulation follows the clock at a declaration every few minutes (light on CPU).
    .option('--trade-start <time>', 'event time the demo trade simulation starts at (then live)', '-7d')
    .option('--trade-companies <n>', 'demo exporters in the trade simulation', '500')
    .action(async (opts: UpFlags, cmd: Command) => {
      const config = cliConfig(cmd, { dataDir: opts.dataDir, http: { port: numberFlag('port', opts.port) } });
      const dataDir = resolve(config.dataDir);
      const logs = join(dataDir, 'logs');
      mkdirSync(logs, { recursive: true });
      const say = (s: string) => process.stdout.write(s + '\n');

      ensureUiBuilt(say);
      let nats: RunningNatsServer | undefined;
      let natsUrl = config.nats.url;
      if (natsUrl) say(`NATS: using ${redactNatsUrl(natsUrl)}`);
      else {
        // Clients find the password where `vigia up` keeps it: <dataDir>/access/nats-password.
        const password = loadOrCreateLocalNatsPassword(dataDir);
        nats = await startNatsServer({ port: config.nats.port, dir: join(dataDir, 'nats'), bin: config.nats.serverBin, onInfo: say, password });
        natsUrl = nats.url;
        say(`NATS: started nats-server ${nats.version} with JetStream at ${redactNatsUrl(natsUrl)} (user vigia, password in ${join(dataDir, 'access', 'nats-password')}; data ${join(dataDir, 'nats')})`);
      }
      // Created here, before the processor starts, so the URL printed below carries it.
      const token = loadOrCreateHttpToken({ ...config, dataDir });
      const env = { ...process.env, ...PROCESSOR_ENV, NATS_URL: natsUrl, VIGIA_DATA_DIR: dataDir, VIGIA_HTTP_PORT: String(config.http.port) };
      const children: SupervisedChild[] = [];
      let stopWatchdog = () => {};
      let stopping = false;
      const stopAll = async (code: number) => {
        if (stopping) return;
        stopping = true;
        say('\nstopping…');
        stopWatchdog();
        for (const c of [...children].reverse()) await c.stop();
        await nats?.stop();
        say('stopped.');
        process.exit(code);
      };
      // Every child is supervised: a crash restarts it after a growing wait instead of taking
      // the whole stack down (a poison message that kills the processor at each start then
      // costs a restart a minute while the rest keeps running and the log says why).
      const startChild = (name: string, args: string[], onStart?: (child: ChildProcess, restarts: number) => void) => {
        const log = join(logs, `${name}.log`);
        const out = createWriteStream(log, { flags: 'a' });
        const sup = superviseChild({
          name,
          spawn: () =>
            spawn(process.execPath, [BIN, ...(cmd.optsWithGlobals().config ? ['--config', cmd.optsWithGlobals().config] : []), ...args], {
              env,
              stdio: ['ignore', 'pipe', 'pipe'],
            }),
          onStart: (child, restarts) => {
            child.stderr!.pipe(out, { end: false });
            onStart ? onStart(child, restarts) : child.stdout!.resume();
          },
          onCrash: ({ code, signal, restartInMs, crashesInARow }) => {
            say(`${name} exited unexpectedly (${signal ?? `code ${code}`}); restarting in ${(restartInMs / 1000).toFixed(0)} s (crash ${crashesInARow} in a row). Last log lines from ${log}:`);
            say(tail(log));
          },
        });
        children.push(sup);
        return sup;
      };

      let httpUrl: string | undefined;
      let firstReady: ((url: string) => void) | undefined;
      let firstFailed: ((err: Error) => void) | undefined;
      const ready = new Promise<string>((res, rej) => ((firstReady = res), (firstFailed = rej)));
      startChild('processor', ['processor'], (child, restarts) => {
        // The watchdog polls only a processor that said it is ready: a restart still starting
        // up must not count as hung (and the previous URL may not be this one's).
        httpUrl = undefined;
        waitForReadyLine(child).then(
          (r) => {
            httpUrl = r.httpUrl;
            if (restarts === 0) firstReady?.(r.httpUrl);
            else say(`Processor restarted (${restarts} restart${restarts === 1 ? '' : 's'} so far): ${r.httpUrl}`);
          },
          // Before the first ready line a failure is a start-up error (bad config, port taken):
          // say it and stop rather than retry something that cannot work.
          (err: Error) => restarts === 0 && firstFailed?.(err),
        );
      });
      const processorUrl = await ready.catch(async (err: Error) => {
        say(`processor failed to start: ${err.message}; last log lines from ${join(logs, 'processor.log')}:`);
        say(tail(join(logs, 'processor.log')));
        await stopAll(1);
        throw err;
      });
      const processor = children[0]!;
      stopWatchdog = startHealthWatchdog({
        url: () => (httpUrl && processor.current() ? `${httpUrl}/health` : undefined),
        onHung: (missed) => {
          say(`processor did not answer /health ${missed} times in a row: killing it so it restarts`);
          processor.kill();
        },
      });
      say(`Processor: ${processorUrl}  (health ${processorUrl}/health, metrics ${processorUrl}/metrics, logs ${join(logs, 'processor.log')})`);
      if (opts.producers) {
        startChild('producer-sensor', ['produce', 'sensor', '--rate', opts.rate ?? '200', '--start', opts.start ?? '-14d']);
        say(`Producer: sensor, ${opts.rate} readings/s, event time from ${opts.start} (logs ${join(logs, 'producer-sensor.log')})`);
        // Trips catch up from --trip-start as fast as JetStream acks, then follow the clock.
        startChild('producer-trip', ['produce', 'trip', '--start', opts.tripStart ?? '-3d', '--scale', opts.tripScale ?? '0.1', '--episodes-per-day', opts.tripEpisodes ?? '6']);
        say(`Producer: NYC trips at scale ${opts.tripScale} with ${opts.tripEpisodes} demand episodes a day, event time from ${opts.tripStart} then live (logs ${join(logs, 'producer-trip.log')}); map at ${processorUrl}/#/trips`);
        // Seeded: the same start gives the same declarations and injected anomalies.
        startChild('producer-trade', ['produce', 'trade', '--seed', '1', '--start', opts.tradeStart ?? '-7d', '--companies', opts.tradeCompanies ?? '500']);
        say(`Producer: export declarations of ${opts.tradeCompanies} companies with injected anomalies, event time from ${opts.tradeStart} then live (logs ${join(logs, 'producer-trade.log')}); view at ${processorUrl}/#/trade`);
      }
      const tokenFrom = config.http.token ? 'http.token / VIGIA_TOKEN' : httpTokenPath(dataDir);
      say(`\nVigía is up — open the UI: ${processorUrl}/?token=${encodeURIComponent(token)}\n(the API token, from ${tokenFrom}; the CLI finds it there)\n` + `SQL:    npx vigia sql "SELECT severity, count() FROM anomalies GROUP BY severity"\n` + `Alerts: npx vigia alerts tail\nCtrl-C stops everything.`);
      process.once('SIGINT', () => void stopAll(0));
      process.once('SIGTERM', () => void stopAll(0));
      await new Promise(() => {});
    });
}

function ensureUiBuilt(say: (s: string) => void): void {
  if (existsSync(join(ROOT, 'ui', 'dist', 'index.html'))) return;
  say('UI: building ui/dist (first run)…');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'ui', 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('building the UI failed (see above)');
}

async function waitForReadyLine(child: ChildProcess): Promise<{ httpUrl: string }> {
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    try {
      const msg = JSON.parse(line) as { ready?: boolean; httpUrl?: string };
      if (msg.ready && msg.httpUrl) return { httpUrl: msg.httpUrl };
    } catch {
      /* not our line */
    }
  }
  throw new Error('the processor exited before it was ready');
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
