import type { Command } from 'commander';
import { cliConfig } from '../cli-config.ts';
import { UsageError } from '../usage-error.ts';
import { formatTable } from '../format-table.ts';
import { QueryLimitError, QueryRejectedError, type QueryResult } from '../../store/src/index.ts';
import { queryStore as execute } from '../store-access.ts';

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description('Run a read-only SQL query on Vigía’s ClickHouse tables and print the rows')
    .argument('<query>', 'SQL, e.g. "SELECT severity, count() FROM anomalies GROUP BY severity"')
    .option('--format <format>', 'table | json', 'table')
    .option('--data-dir <dir>', 'data folder of the embedded store')
    .action(async (query: string, opts: { format: string; dataDir?: string }, cmd: Command) => {
      if (opts.format !== 'table' && opts.format !== 'json') throw new UsageError(`--format expects table or json, got '${opts.format}'`);
      const config = cliConfig(cmd, { dataDir: opts.dataDir });
      let result: QueryResult;
      try {
        result = await execute(config, query);
      } catch (err) {
        if (err instanceof QueryRejectedError || err instanceof QueryLimitError || (err as { code?: string }).code !== undefined) {
          throw new UsageError(`query rejected: ${(err as Error).message}`);
        }
        throw err;
      }
      if (opts.format === 'json') {
        process.stdout.write(JSON.stringify(result.rows, null, 2) + '\n');
      } else {
        process.stdout.write(formatTable(result.columns.map((c) => c.name), result.rows) + '\n');
        process.stderr.write(`${result.rows.length} row(s)${result.truncated ? ' (truncated)' : ''} in ${result.elapsedMs} ms\n`);
      }
    });
}

