// Loads the NAB and SKAB benchmark files once, as plain arrays, for the offline harness.
// Labels are loaded for the harness's scoring only; the detector never sees them.
import { join } from 'node:path';
import { channelKey, parseFileTimestamp } from '../../../producers/src/file-readings.ts';
import { listNabDataFiles, readNabLabels, readNabProfiles, readNabSeries, type NabLabels } from '../scoring/nab-files.ts';
import type { NabProfile } from '../scoring/nab-types.ts';
import { readSkabDir, SKAB_CHANNELS } from '../scoring/skab-files.ts';

export interface OfflineSeries {
  /** Corpus-relative name (`<category>/<name>.csv` for NAB, `<n>.csv` for SKAB). */
  name: string;
  /** Raw timestamps as in the file (NAB scoring matches windows on them). */
  stamps: string[];
  /** Epoch ms per row (file time read as UTC). */
  ts: number[];
  /** Channel keys, as the file producer names them. */
  channels: string[];
  /** One row per reading: values in `channels` order. */
  rows: Float64Array[];
  /** SKAB per-row 0/1 anomaly labels (harness only). */
  labels?: number[];
}

export interface NabData {
  series: OfflineSeries[];
  labels: NabLabels;
  profiles: Record<string, NabProfile>;
}

export function loadNab(dir: string): NabData {
  const labels = readNabLabels(join(dir, 'nab_windows_dev.json'));
  const profiles = readNabProfiles(join(dir, 'profiles.json'));
  const series = listNabDataFiles(dir).map((name) => {
    const s = readNabSeries(join(dir, name));
    return {
      name,
      stamps: s.timestamps,
      ts: s.timestamps.map(parseFileTimestamp),
      channels: ['value'],
      rows: s.values.map((v) => Float64Array.of(v)),
    };
  });
  return { series, labels, profiles };
}

export function loadSkab(dir: string): OfflineSeries[] {
  const keys = SKAB_CHANNELS.map(channelKey);
  return readSkabDir(dir).map((s) => ({
    name: s.name,
    stamps: s.timestamps,
    ts: s.timestamps.map(parseFileTimestamp),
    channels: keys,
    rows: s.timestamps.map((_, i) => Float64Array.from(SKAB_CHANNELS, (c) => s.channels[c][i]!)),
    labels: s.anomaly!,
  }));
}
