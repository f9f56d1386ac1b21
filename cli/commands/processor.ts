import type { Command } from 'commander';
import { cliConfig, numberFlag } from '../cli-config.ts';
import { onShutdown } from '../process-signals.ts';
import { createLogger } from '../../stack/logger.ts';
import { startProcessor } from '../../processor/src/start-processor.ts';
import { natsUrlFor } from '../../stack/access/nats-credentials.ts';

export function registerProcessor(program: Command): void {
  program
    .command('processor')
    .description('Run the stream processor alone (NATS from NATS_URL / --nats-url; ClickHouse embedded or CLICKHOUSE_URL)')
    .option('--nats-url <url>', 'NATS server (default: NATS_URL, else the local port from config)')
    .option('--data-dir <dir>', 'data folder (chDB lives in <dir>/chdb)')
    .option('--port <port>', 'HTTP port for UI, API, socket.io, /health, /metrics (0 = any free port)')
    .option('--partitions <list>', 'comma-separated partitions to own (default: all)')
    .option('--run-id <id>', "run id written into every row (default 'live')")
    .action(async (opts: { natsUrl?: string; dataDir?: string; port?: string; partitions?: string; runId?: string }, cmd: Command) => {
      const config = cliConfig(cmd, {
        dataDir: opts.dataDir,
        http: { port: numberFlag('port', opts.port) },
        processor: {
          runId: opts.runId,
          partitions: opts.partitions?.split(',').map((p) => numberFlag('partitions', p.trim())!),
        },
      });
      const natsUrl = natsUrlFor(config, opts.natsUrl);
      const logger = createLogger('processor', config.logLevel);
      const proc = await startProcessor(config, { natsUrl, logger });
      // One machine-readable line on stdout: `vigia up` and the tests wait for it.
      process.stdout.write(JSON.stringify({ ready: true, httpUrl: proc.httpUrl, pid: process.pid }) + '\n');
      onShutdown(() => proc.stop());
      await proc.done.catch(() => process.exit(1));
    });
}
