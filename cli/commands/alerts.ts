import type { Command } from 'commander';
import { cliConfig, numberFlag } from '../cli-config.ts';
import { connectNats } from '../../nats/index.ts';
import { Anomaly, subjects } from '../../contracts/index.ts';
import { formatAlertLine } from '../format-alert-line.ts';
import { natsUrlFor } from '../../stack/access/nats-credentials.ts';

export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('Anomaly alerts on NATS');
  alerts
    .command('tail')
    .description('Print anomalies as they arrive (subjects anomalies.<domain>.<severity>.<entity>)')
    .argument('[subject]', 'subject filter, e.g. anomalies.sensor.critical.>', subjects.anomaliesAll)
    .option('--json', 'print each anomaly as one JSON line')
    .option('--count <n>', 'exit after n anomalies')
    .option('--nats-url <url>', 'NATS server (default: NATS_URL, else the local port from config)')
    .action(async (subject: string, opts: { json?: boolean; count?: string; natsUrl?: string }, cmd: Command) => {
      const config = cliConfig(cmd);
      const max = numberFlag('count', opts.count);
      const nc = await connectNats({ url: natsUrlFor(config, opts.natsUrl), name: 'vigia-alerts-tail' });
      process.stderr.write(`listening on ${subject} at ${nc.getServer()} (Ctrl-C to stop)\n`);
      const sub = nc.subscribe(subject, max !== undefined ? { max } : {});
      const stop = () => void nc.drain();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      for await (const msg of sub) {
        const parsed = Anomaly.safeParse(msg.json());
        if (!parsed.success) {
          process.stderr.write(`skipping a message on ${msg.subject} that is not an anomaly: ${parsed.error.issues[0]?.message}\n`);
          continue;
        }
        process.stdout.write((opts.json ? JSON.stringify(parsed.data) : formatAlertLine(parsed.data)) + '\n');
      }
      await nc.drain().catch(() => undefined);
    });
}
