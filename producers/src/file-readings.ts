import { basename } from 'node:path';
import type { SensorReading } from '../../contracts/index.ts';
import { readNabSeries } from '../../bench/src/scoring/nab-files.ts';
import { readSkabFile, SKAB_CHANNELS } from '../../bench/src/scoring/skab-files.ts';

export type SensorFileFormat = 'nab' | 'skab';

/** A file column name as a contract channel name: `Volume Flow RateRMS` → `volume_flow_raterms`. */
export function channelKey(name: string): string {
  const key = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(key) ? key : `c_${key}`;
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` (no zone in the benchmark files) read as UTC. */
export function parseFileTimestamp(s: string): number {
  const ts = Date.parse(s.trim().replace(' ', 'T') + 'Z');
  if (Number.isNaN(ts)) throw new Error(`unreadable timestamp '${s}'`);
  return ts;
}

/**
 * The rows of a benchmark CSV as readings of one station, in file order. Ids are
 * `<station>@<row>` (row, not time: a file may repeat a timestamp). Labels in the file are not
 * read: the benchmark scorer takes them from the file itself, never through the pipeline.
 */
export function fileReadings(path: string, format: SensorFileFormat, station: string): SensorReading[] {
  if (format === 'nab') {
    const s = readNabSeries(path);
    return s.timestamps.map((t, i) => ({ id: `${station}@${i}`, station, ts: parseFileTimestamp(t), channels: { value: s.values[i]! }, truth: null }));
  }
  const s = readSkabFile(path, basename(path));
  const keys = SKAB_CHANNELS.map(channelKey);
  return s.timestamps.map((t, i) => {
    const channels: Record<string, number> = {};
    SKAB_CHANNELS.forEach((c, k) => (channels[keys[k]!] = s.channels[c][i]!));
    return { id: `${station}@${i}`, station, ts: parseFileTimestamp(t), channels, truth: null };
  });
}
