// Reads NAB-layout data from disk: series CSVs, the windows JSON and the profiles JSON.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { numberColumn, parseDelimited, stringColumn } from './delimited-text.ts';
import type { NabFile, NabProfile } from './nab-types.ts';
import { ScoringInputError } from './scoring-error.ts';

/** Labelled windows per corpus-relative file name (`<category>/<name>.csv`). */
export type NabLabels = Readonly<Record<string, readonly (readonly [string, string])[]>>;

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ScoringInputError(path, `cannot read JSON: ${(err as Error).message}`);
  }
}

/** Reads `nab_windows_*.json`: `{ "<category>/<name>.csv": [[start, end], …] }`. */
export function readNabLabels(path: string): NabLabels {
  const raw = readJson(path);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ScoringInputError(path, 'expected an object mapping file names to window lists');
  }
  const out: Record<string, [string, string][]> = {};
  for (const [name, windows] of Object.entries(raw)) {
    const ok =
      Array.isArray(windows) &&
      windows.every((w) => Array.isArray(w) && w.length === 2 && w.every((t) => typeof t === 'string'));
    if (!ok) throw new ScoringInputError(path, `"${name}": expected a list of [start, end] timestamp pairs`);
    out[name] = (windows as [string, string][]).map(([s, e]) => [s, e]);
  }
  return out;
}

/** Reads `profiles.json`: `{ "<profile>": { "CostMatrix": { tpWeight, fpWeight, fnWeight } } }`. */
export function readNabProfiles(path: string): Record<string, NabProfile> {
  const raw = readJson(path) as Record<string, { CostMatrix?: Record<string, unknown> }> | null;
  const out: Record<string, NabProfile> = {};
  for (const [name, entry] of Object.entries(raw ?? {})) {
    const m = entry?.CostMatrix ?? {};
    const { tpWeight, fpWeight, fnWeight } = m;
    if (typeof tpWeight !== 'number' || typeof fpWeight !== 'number' || typeof fnWeight !== 'number') {
      throw new ScoringInputError(path, `profile "${name}": CostMatrix needs numeric tpWeight, fpWeight, fnWeight`);
    }
    out[name] = { tpWeight, fpWeight, fnWeight };
  }
  if (Object.keys(out).length === 0) throw new ScoringInputError(path, 'no profiles found');
  return out;
}

/** A NAB series: `timestamp,value[,anomaly_score]`. */
export interface NabSeries {
  readonly timestamps: string[];
  readonly values: number[];
  /** Present when the file has an `anomaly_score` column (a detector's results file). */
  readonly scores?: number[];
}

export function readNabSeries(path: string): NabSeries {
  const table = parseDelimited(readFileSync(path, 'utf8'), ',', path);
  const timestamps = stringColumn(table, 'timestamp', path);
  const values = numberColumn(table, 'value', path);
  if (!table.header.includes('anomaly_score')) return { timestamps, values };
  return { timestamps, values, scores: numberColumn(table, 'anomaly_score', path) };
}

/** Corpus-relative names (`<category>/<name>.csv`) of the series under a NAB data dir, sorted. */
export function listNabDataFiles(dataDir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const f of readdirSync(join(dataDir, entry.name))) {
      if (f.endsWith('.csv')) out.push(`${entry.name}/${f}`);
    }
  }
  return out.sort();
}

/**
 * Reads a detector's results for every labelled file: `<resultsDir>/<category>/<detector>_<name>`
 * (NAB's results layout) or, without a detector name, `<resultsDir>/<category>/<name>`.
 */
export function readNabResults(resultsDir: string, labels: NabLabels, detector?: string): NabFile[] {
  return Object.keys(labels)
    .sort()
    .map((name) => {
      const file = detector ? `${detector}_${basename(name)}` : basename(name);
      const path = join(resultsDir, dirname(name), file);
      if (!existsSync(path)) throw new ScoringInputError(path, `missing results file for labelled series ${name}`);
      const series = readNabSeries(path);
      if (!series.scores) throw new ScoringInputError(path, 'no anomaly_score column');
      return { name, timestamps: series.timestamps, scores: series.scores, windows: labels[name]! };
    });
}
