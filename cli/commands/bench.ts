import type { Command } from 'commander';
import { numberFlag } from '../cli-config.ts';
import { runThroughputBench } from '../../bench/src/throughput/run-throughput-bench.ts';
import { runNabBench } from '../../bench/src/nab/run-nab-bench.ts';
import { runSkabBench } from '../../bench/src/skab/run-skab-bench.ts';

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
  bench
    .command('nab')
    .description('Replay every CSV of a NAB-layout folder through the real pipeline; write per-file scores; with labels, print NAB scores')
    .requiredOption('--data <dir>', 'folder with <category>/<file>.csv (timestamp,value)')
    .requiredOption('--out <dir>', 'where to write <category>/<file>.csv with timestamp,value,anomaly_score')
    .option('--labels <file>', 'NAB windows JSON (e.g. nab_windows_dev.json)')
    .option('--profiles <file>', 'NAB profiles JSON')
    .option('--json <file>', 'write the scores as JSON')
    .action(async (opts: { data: string; out: string; labels?: string; profiles?: string; json?: string }) => {
      await runNabBench({ dataDir: opts.data, outDir: opts.out, labels: opts.labels, profiles: opts.profiles, json: opts.json });
    });
  bench
    .command('skab')
    .description('Replay every labelled SKAB CSV under a folder through the real pipeline; print F1, FAR and MAR')
    .requiredOption('--data <dir>', 'folder with SKAB csv files (searched recursively)')
    .requiredOption('--out <dir>', 'where to write per-file datetime,anomaly_score,anomaly_pred')
    .option('--json <file>', 'write the figures as JSON')
    .action(async (opts: { data: string; out: string; json?: string }) => {
      await runSkabBench({ dataDir: opts.data, outDir: opts.out, json: opts.json });
    });
}
