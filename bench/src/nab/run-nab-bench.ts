import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileReadings } from '../../../producers/src/file-readings.ts';
import { listNabDataFiles, readNabLabels, readNabProfiles, readNabSeries } from '../scoring/nab-files.ts';
import { prepareNabCorpus, scorePreparedNabCorpus } from '../scoring/nab-scorer.ts';
import { benchStationPrefix, replayThroughPipeline, stationForFile, type RunningStack } from '../replay/pipeline-replay.ts';

export interface NabBenchOptions {
  dataDir: string;
  outDir: string;
  labels?: string | undefined;
  profiles?: string | undefined;
  json?: string | undefined;
  /** Replay through this running stack instead of a private one. */
  stack?: RunningStack | undefined;
}

/**
 * Every CSV under `dataDir` (NAB layout) replayed as its own station through the real
 * pipeline; writes `<outDir>/<category>/<file>.csv` (timestamp,value,anomaly_score in 0..1, one
 * row per input row, in input order) and, with labels and profiles, prints the NAB scores.
 */
export async function runNabBench(opts: NabBenchOptions): Promise<Record<string, number> | undefined> {
  const files = listNabDataFiles(opts.dataDir);
  if (files.length === 0) throw new Error(`no <category>/<file>.csv under ${opts.dataDir}`);
  // On a shared stack the stations must not collide with live ones or an earlier run's.
  const prefix = opts.stack ? benchStationPrefix() : '';
  const series = files.map((name) => {
    const station = stationForFile(`${prefix}${name}`);
    return { name, station, readings: fileReadings(join(opts.dataDir, name), 'nab', station), raw: readNabSeries(join(opts.dataDir, name)) };
  });
  process.stderr.write(`NAB: ${files.length} files, ${series.reduce((n, s) => n + s.readings.length, 0)} rows\n`);
  const { scores, seconds } = await replayThroughPipeline(series, { runId: 'bench-nab', label: 'NAB', stack: opts.stack });

  const results = series.map((s) => {
    const anomalyScores = s.readings.map((r) => {
      const v = scores.get(r.id);
      if (v === undefined) throw new Error(`no score stored for ${r.id}`);
      return v / 100;
    });
    const out = join(opts.outDir, s.name);
    mkdirSync(dirname(out), { recursive: true });
    const lines = s.raw.timestamps.map((t, i) => `${t},${s.raw.values[i]},${anomalyScores[i]!.toFixed(6)}`);
    writeFileSync(out, `timestamp,value,anomaly_score\n${lines.join('\n')}\n`);
    return { name: s.name, timestamps: s.raw.timestamps, scores: anomalyScores };
  });
  process.stderr.write(`wrote ${results.length} files under ${opts.outDir} (pipeline ${seconds.toFixed(1)} s)\n`);
  if (!opts.labels || !opts.profiles) return undefined;

  const labels = readNabLabels(opts.labels);
  const profiles = readNabProfiles(opts.profiles);
  const scored = results.filter((r) => labels[r.name] !== undefined);
  const missing = results.length - scored.length;
  if (missing) process.stderr.write(`note: ${missing} file(s) have no labels and are not scored\n`);
  const corpus = prepareNabCorpus(scored.map((r) => ({ ...r, windows: labels[r.name]! })));
  const figures: Record<string, number> = {};
  for (const [name, profile] of Object.entries(profiles)) {
    const res = scorePreparedNabCorpus(corpus, profile);
    figures[name] = Number(res.score.toFixed(2));
    process.stdout.write(`${name.padEnd(20)} ${res.score.toFixed(2).padStart(7)}   (threshold ${res.threshold.toFixed(4)}, raw ${res.raw.toFixed(2)})\n`);
  }
  if (opts.json) {
    mkdirSync(dirname(opts.json), { recursive: true });
    writeFileSync(opts.json, JSON.stringify({ benchmark: 'nab', at: new Date().toISOString(), files: scored.length, pipelineSeconds: Number(seconds.toFixed(1)), scores: figures }, null, 2));
  }
  return figures;
}
