// Reads a TLC yellow-taxi file (Parquet or CSV, any year's layout) with chDB and yields its
// trips in dropoff (event-time) order. chDB does the parsing and the sort (Parquet is never
// read by hand); rows are mapped by the pure tlc-record.ts as they stream out.
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Session } from 'chdb';
import { parseZoneCentroids, type ZoneCentroids } from './trip/taxi-zone-centroids.ts';
import { detectTlcLayout, type TlcColumn, type TlcLayout } from './trip/tlc-layout.ts';
import { buildTlcQuery, describeTlcQuery, tlcFileFormat } from './trip/tlc-query.ts';
import { tlcIdPrefix, tlcRowToTrip, type TlcRow, type TlcRowResult } from './trip/tlc-record.ts';

/** The file cannot be replayed as given; the message says what to change. */
export class TripFileError extends Error {
  override name = 'TripFileError';
}

export interface TripFileOptions {
  /** CSV `LocationID,lat,lng`; required for zone-id files (2016+). */
  zonesFile?: string | undefined;
  /** Only the first `limit` trips in dropoff order. */
  limit?: number | undefined;
}

export interface TripFile {
  path: string;
  format: 'Parquet' | 'CSVWithNames';
  layout: TlcLayout;
  /** Prefix of every record id (`<prefix>-<row>`). */
  idPrefix: string;
  /** Zones read from --zones, when the file needs them. */
  zoneCount: number | undefined;
  /** Every row, mapped, in dropoff order (rows without a dropoff time last). One pass. */
  rows(): AsyncGenerator<TlcRowResult>;
  close(): void;
}

export function missingZonesMessage(path: string): string {
  return (
    `${path} records TLC taxi-zone ids (PULocationID/DOLocationID) instead of coordinates, and Vigía ships no ` +
    `zone centroids (no npm or PyPI package carries the TLC taxi-zone shapes). Pass --zones FILE: a CSV with the ` +
    `header 'LocationID,lat,lng' and one line per zone in WGS84 degrees (e.g. the centroids of the TLC taxi_zones ` +
    `shapefile). Files from 2009 to mid 2016 carry coordinates and need nothing.`
  );
}

/** Open a TLC file: check its format and columns, load zones when needed. Nothing is read yet. */
export function openTripFile(path: string, opts: TripFileOptions = {}): TripFile {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new TripFileError(`--file ${path} does not exist`);
  const format = tlcFileFormat(abs);
  if (!format) throw new TripFileError(`--file ${path}: expected a .parquet or .csv (.csv.gz) TLC trip file`);
  const session = new Session();
  try {
    let columns: TlcColumn[];
    try {
      columns = session
        .query(describeTlcQuery(abs, format), 'JSONEachRow')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as TlcColumn);
    } catch (err) {
      throw new TripFileError(`--file ${path} cannot be read as ${format}: ${firstLine((err as Error).message)}`);
    }
    let layout: TlcLayout;
    try {
      layout = detectTlcLayout(columns, path);
    } catch (err) {
      throw new TripFileError((err as Error).message);
    }
    let zones: ZoneCentroids | undefined;
    if (layout.location === 'zones') {
      if (!opts.zonesFile) throw new TripFileError(missingZonesMessage(path));
      if (!existsSync(opts.zonesFile)) throw new TripFileError(`--zones ${opts.zonesFile} does not exist`);
      try {
        zones = parseZoneCentroids(readFileSync(opts.zonesFile, 'utf8'), opts.zonesFile);
      } catch (err) {
        throw new TripFileError(`--zones ${(err as Error).message}`);
      }
    }
    const idPrefix = tlcIdPrefix(basename(abs));
    const sql = buildTlcQuery(abs, format, layout, { limit: opts.limit });
    return {
      path,
      format,
      layout,
      idPrefix,
      zoneCount: zones?.size,
      async *rows() {
        const ctx = { idPrefix, zones };
        for await (const row of session.queryStream(sql, { format: 'JSONEachRow' }).rows<TlcRow>()) yield tlcRowToTrip(row, ctx);
      },
      close: () => session.close(),
    };
  } catch (err) {
    session.close();
    throw err;
  }
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim() !== '')?.slice(0, 400) ?? s;
}
