// Which city-wide demand curve the trip simulation follows: a half-hourly series in the NAB
// nyc_taxi.csv layout (the real one by default), or the committed weekly shape.
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nycWallMs } from '../../contracts/index.ts';
import { weekAlignedShift, type DemandPoint } from './trip/index.ts';
import { readNycTaxiSeries } from './trip/nyc-taxi-series.ts';

/** ../shared/data/nab/realKnownCause/nyc_taxi.csv beside the repository (not part of it). */
export const DEFAULT_DEMAND_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'nab', 'realKnownCause', 'nyc_taxi.csv');

/** `--demand shape`: the committed weekly shape, even when the series is present. */
export const WEEKLY_SHAPE = 'shape';

export class DemandSourceError extends Error {
  override name = 'DemandSourceError';
}

export interface DemandSource {
  series: readonly DemandPoint[] | undefined;
  /** Simulation time − series time, ms (whole weeks: weekdays stay aligned). */
  timeShiftMs: number;
  /** For the start-up log and the summary. */
  description: string;
}

/**
 * `file` given: that series (must exist) or `shape`. Not given: the NAB series when present,
 * else the weekly shape. A series is replayed from its first week onwards, shifted to the week
 * of `startTs`; past its end the weekly shape continues at the series' mean level.
 */
export function resolveDemandSource(file: string | undefined, startTs: number): DemandSource {
  if (file === WEEKLY_SHAPE) return { series: undefined, timeShiftMs: 0, description: 'committed weekly shape (--demand shape)' };
  const path = file ?? (existsSync(DEFAULT_DEMAND_FILE) ? DEFAULT_DEMAND_FILE : undefined);
  if (path === undefined) {
    return { series: undefined, timeShiftMs: 0, description: `committed weekly shape (${relative(process.cwd(), DEFAULT_DEMAND_FILE)} not found)` };
  }
  if (!existsSync(path)) throw new DemandSourceError(`--demand ${path} does not exist (give a CSV 'timestamp,value' of half-hourly New York counts, or 'shape')`);
  let series: DemandPoint[];
  try {
    series = readNycTaxiSeries(path);
  } catch (err) {
    throw new DemandSourceError(`--demand ${(err as Error).message}`);
  }
  const first = series[0]!.ts;
  const last = series[series.length - 1]!.ts;
  const shift = weekAlignedShift(first, startTs);
  const day = (ts: number) => new Date(nycWallMs(ts)).toISOString().slice(0, 10); // New York dates, as the file writes them
  return {
    series,
    timeShiftMs: shift,
    description: `${relative(process.cwd(), path) || path} (${series.length} half hours, ${day(first)} … ${day(last)}, replayed from ${day(first + shift)}; weekly shape after)`,
  };
}
