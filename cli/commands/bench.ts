import type { Command } from 'commander';
import { numberFlag } from '../cli-config.ts';
import { runThroughputBench } from '../../bench/src/throughput/run-throughput-bench.ts';

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('Benchmarks: speed and accuracy, measured through the real pipeline');
  bench
    .command('throughput')
    .description('Events/s published → stored end to end, against the raw JetStream ceiling measured in the same run')
    .option('--seconds <s>', 'length of each measured phase', '20')
    .option('--json <file>', 'write the figures as JSON')
    .option('--stations <k>', 'number of simulated stations', '50')
    .action(async (opts: { seconds: string; json?: string; stations: string }) => {
      await runThroughputBench({ seconds: numberFlag('seconds', opts.seconds)!, jsonFile: opts.json, stations: numberFlag('stations', opts.stations)! });
    });
}
