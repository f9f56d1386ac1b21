// Reads SKAB files: `;`-separated, CRLF, `datetime`, eight channels, then `anomaly;changepoint`.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { numberColumn, parseDelimited, stringColumn } from './delimited-text.ts';

/** SKAB's eight sensor channels, in file order. */
export const SKAB_CHANNELS = [
  'Accelerometer1RMS',
  'Accelerometer2RMS',
  'Current',
  'Pressure',
  'Temperature',
  'Thermocouple',
  'Voltage',
  'Volume Flow RateRMS',
] as const;
export type SkabChannel = (typeof SKAB_CHANNELS)[number];

export interface SkabSeries {
  readonly name: string;
  readonly timestamps: string[];
  /** One array per channel, row-aligned with `timestamps`. */
  readonly channels: Record<SkabChannel, number[]>;
  /** Per-row 0/1 outlier label; absent in the anomaly-free file. */
  readonly anomaly?: number[];
  /** Per-row 0/1 change-point label; absent in the anomaly-free file. */
  readonly changepoint?: number[];
}

export function readSkabFile(path: string, name = path): SkabSeries {
  const table = parseDelimited(readFileSync(path, 'utf8'), ';', path);
  const channels = Object.fromEntries(SKAB_CHANNELS.map((c) => [c, numberColumn(table, c, path)])) as Record<
    SkabChannel,
    number[]
  >;
  const base = { name, timestamps: stringColumn(table, 'datetime', path), channels };
  if (!table.header.includes('anomaly')) return base;
  return {
    ...base,
    anomaly: numberColumn(table, 'anomaly', path),
    changepoint: numberColumn(table, 'changepoint', path),
  };
}

/** Reads every `<n>.csv` of a SKAB experiment folder (e.g. `skab/valve1`), in numeric order. */
export function readSkabDir(dir: string): SkabSeries[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((f) => readSkabFile(join(dir, f), f));
}
