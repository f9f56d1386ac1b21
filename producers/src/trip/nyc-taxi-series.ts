// Reader for the NAB `nyc_taxi.csv` series (city-wide NYC taxi passengers per half hour,
// 2014-07-01 … 2015-01-31, aggregated from TLC trip records). The only file of the trip
// simulation that touches node:fs; everything else takes the parsed series as an input.
import { readFileSync } from 'node:fs';
import type { DemandPoint } from './demand-point.ts';
import { nycWallToUtc } from './nyc-wall-time.ts';

export class NycTaxiSeriesError extends Error {
  override name = 'NycTaxiSeriesError';
  constructor(
    readonly path: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${path}:${line}: ${reason} (expected 'YYYY-MM-DD hh:mm:ss,<count>' rows after a header)`);
  }
}

const ROW = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d+(?:\.\d+)?)$/;

// Kept importable from here: it lived in this file before the TLC reader needed it too.
export { nycWallToUtc };

/** Parse CSV text; `source` names it in errors. Rows come back sorted by ts. */
export function parseNycTaxiSeries(text: string, source = '<text>'): DemandPoint[] {
  const out: DemandPoint[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const m = ROW.exec(line);
    if (!m) throw new NycTaxiSeriesError(source, i + 1, `cannot parse '${line.slice(0, 60)}'`);
    const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
    out.push({ ts: nycWallToUtc(wall), count: +m[7]! });
  }
  if (out.length === 0) throw new NycTaxiSeriesError(source, 1, 'no data rows');
  out.sort((a, b) => a.ts - b.ts);
  return out;
}

/** Read e.g. `../shared/data/nab/realKnownCause/nyc_taxi.csv`; timestamps are New York local. */
export function readNycTaxiSeries(path: string): DemandPoint[] {
  return parseNycTaxiSeries(readFileSync(path, 'utf8'), path);
}
