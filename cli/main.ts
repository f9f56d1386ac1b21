import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.ts';
import { registerUp } from './commands/up.ts';
import { registerProcessor } from './commands/processor.ts';
import { registerProduce } from './commands/produce.ts';
import { registerSql } from './commands/sql.ts';
import { registerAlerts } from './commands/alerts.ts';
import { registerBench } from './commands/bench.ts';
import { registerFeatures } from './commands/features.ts';
import { registerStatus } from './commands/status.ts';
import { registerReplay } from './commands/replay.ts';
import { UsageError } from './usage-error.ts';

const program = new Command()
  .name('vigia')
  .description('Vigía — real-time anomaly detection on NATS JetStream, ClickHouse and a live UI')
  .option('-c, --config <file>', 'JSON config file (else VIGIA_CONFIG, else ./vigia.config.json if present)')
  .showHelpAfterError();

registerUp(program);
registerProcessor(program);
registerProduce(program);
registerSql(program);
registerAlerts(program);
registerBench(program);
registerFeatures(program);
registerStatus(program);
registerReplay(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError || err instanceof UsageError) {
    process.stderr.write(`vigia: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`vigia: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
}
