import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { cliConfig } from '../cli-config.ts';
import { UsageError } from '../usage-error.ts';
import { stackAuthHeaders } from '../stack-auth.ts';
import { readStackLock } from '../../stack/stack-lock.ts';
import { exportParquet, featureExportQuery, openStore, QueryRejectedError } from '../../store/src/index.ts';
import { DOMAIN_MODULES, registeredDomains } from '../../processor/src/domains/registry.ts';

export function registerFeatures(program: Command): void {
  const features = program.command('features').description('Feature sets computed by the processor (the only source of training data)');
  features
    .command('export')
    .description('Write the feature vectors of one run as Parquet (one column per feature, plus entity, event_id, ts_ms, truth_kind)')
    .requiredOption('--domain <domain>', registeredDomains().join(' | '))
    .option('--run <id>', 'run id', 'live')
    .option('--set <name>', 'feature set (default: the domain’s model-chain set)')
    .requiredOption('--out <file>', 'Parquet file to write')
    .option('--data-dir <dir>', 'data folder of the embedded store')
    .action(async (opts: { domain: string; run: string; set?: string; out: string; dataDir?: string }, cmd: Command) => {
      const module = DOMAIN_MODULES.find((m) => m.name === opts.domain);
      if (!module) throw new UsageError(`--domain expects ${registeredDomains().join(', ')}, got '${opts.domain}'`);
      const set = opts.set ?? module.features.defaultSet;
      if (!set) throw new UsageError(`--set is required for domain ${module.name}`);
      const config = cliConfig(cmd, { dataDir: opts.dataDir });
      mkdirSync(dirname(opts.out), { recursive: true });
      const lock = config.clickhouse.url ? undefined : readStackLock(config.dataDir);
      if (lock) {
        const url = `${lock.httpUrl}/api/features/export?${new URLSearchParams({ domain: module.name, run: opts.run, set })}`;
        const res = await fetch(url, { headers: stackAuthHeaders(config) });
        if (!res.ok) throw new UsageError(`export refused (HTTP ${res.status}): ${((await res.json()) as { error: string }).error}`);
        await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(opts.out));
      } else {
        const store = await openStore({ ...config.clickhouse, dataDir: config.dataDir });
        try {
          const sql = await featureExportQuery(store.client, { domain: module.name, runId: opts.run, featureSet: set }, module.features.exportJoin);
          await pipeline(await exportParquet(store.client, sql), createWriteStream(opts.out));
        } catch (err) {
          if (err instanceof QueryRejectedError) throw new UsageError(err.message);
          throw err;
        } finally {
          await store.close();
        }
      }
      process.stderr.write(`wrote ${opts.out}\n`);
    });
}
