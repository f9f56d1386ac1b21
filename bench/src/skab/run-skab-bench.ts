import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { DEFAULT_SEVERITY_BANDS } from '../../../contracts/index.ts';
import { fileReadings } from '../../../producers/src/file-readings.ts';
import { readSkabFile } from '../scoring/skab-files.ts';
import { scoreSkab } from '../scoring/skab-scorer.ts';
import { benchStationPrefix, replayThroughPipeline, stationForFile, type RunningStack } from '../replay/pipeline-replay.ts';

export interface SkabBenchOptions {
  dataDir: string;
  outDir: string;
  json?: string | undefined;
  /** Replay through this running stack instead of a private one. */
  stack?: RunningStack | undefined;
}

/** Every SKAB CSV under `dataDir` (recursively) with an `anomaly` column, one station per file. */
export async function runSkabBench(opts: SkabBenchOptions): Promise<{ f1: number; far: number; mar: number }> {
  const files = listCsv(opts.dataDir)
    .map((path) => ({ path, name: relative(opts.dataDir, path), raw: readSkabFile(path) }))
    .filter((f) => f.raw.anomaly !== undefined);
  if (files.length === 0) throw new Error(`no labelled SKAB csv files under ${opts.dataDir}`);
  // On a shared stack the stations must not collide with live ones or an earlier run's.
  const prefix = opts.stack ? benchStationPrefix() : '';
  const series = files.map((f) => {
    const station = stationForFile(`${prefix}${f.name}`);
    return { ...f, station, readings: fileReadings(f.path, 'skab', station) };
  });
  process.stderr.write(`SKAB: ${files.length} files, ${series.reduce((n, s) => n + s.readings.length, 0)} rows\n`);
  const { scores, seconds } = await replayThroughPipeline(series, { runId: 'bench-skab', label: 'SKAB', stack: opts.stack });
  const threshold = DEFAULT_SEVERITY_BANDS.minor;
  const scoredFiles = series.map((s) => {
    const sc = s.readings.map((r) => scores.get(r.id) ?? NaN);
    if (sc.some(Number.isNaN)) throw new Error(`missing scores for ${s.name}`);
    const preds = sc.map((v) => (v >= threshold ? 1 : 0));
    const out = join(opts.outDir, s.name);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `datetime,anomaly_score,anomaly_pred\n${s.raw.timestamps.map((t, i) => `${t},${(sc[i]! / 100).toFixed(6)},${preds[i]}`).join('\n')}\n`);
    return { name: s.name, predictions: preds, labels: s.raw.anomaly! };
  });
  const res = scoreSkab(scoredFiles);
  process.stdout.write(`F1 ${res.f1.toFixed(3)}   FAR ${(100 * res.far).toFixed(2)} %   MAR ${(100 * res.mar).toFixed(2)} %   (pipeline ${seconds.toFixed(1)} s)\n`);
  if (opts.json) {
    mkdirSync(dirname(opts.json), { recursive: true });
    writeFileSync(opts.json, JSON.stringify({ benchmark: 'skab', at: new Date().toISOString(), files: files.length, f1: res.f1, far: res.far, mar: res.mar }, null, 2));
  }
  return { f1: res.f1, far: res.far, mar: res.mar };
}

function listCsv(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? listCsv(p) : f.endsWith('.csv') ? [p] : [];
  });
}
