// The ClickHouse (chDB) SQL that reads a TLC file: every field normalised to one type whatever
// the year's column types, rows numbered in file order (`_row_number`, for stable ids) and
// sorted by dropoff time in UTC (the event time), so chDB, not JavaScript, sorts a month of
// trips. Pure string building; trip-file-reader.ts runs it.
import { TLC_FIELD_KINDS, type TlcField, type TlcLayout } from './tlc-layout.ts';

/** ClickHouse input format of a TLC file, from its name; undefined when not supported. */
export function tlcFileFormat(path: string): 'Parquet' | 'CSVWithNames' | undefined {
  const p = path.toLowerCase();
  if (p.endsWith('.parquet')) return 'Parquet';
  // ClickHouse decompresses .gz/.zst/.xz/.bz2 by the file name.
  if (/\.csv(\.(gz|zst|xz|bz2))?$/.test(p)) return 'CSVWithNames';
  return undefined;
}

/**
 * Settings for DESCRIBE and SELECT alike. CSV columns are all read as text (a month's file may
 * hold a "1.5" far below rows that looked like integers; inference only samples the start) and
 * CSV times stay text, parsed below as UTC — they are New York wall-clock times, converted in
 * tlc-record.ts. Rows with too few fields (the blank line after the header of 2010–2013 files)
 * read as empty rows instead of failing the file. Parallel CSV parsing is off because it
 * breaks `_row_number` (measured on chDB 26.7: 934 592 of 1 000 000 rows numbered wrong), and
 * ids built from row numbers must be the same on every replay.
 */
export const TLC_READ_SETTINGS = [
  'input_format_parallel_parsing = 0',
  'input_format_try_infer_datetimes = 0',
  'input_format_csv_use_best_effort_in_schema_inference = 0',
  'input_format_csv_allow_variable_number_of_columns = 1',
  'output_format_json_quote_64bit_integers = 0',
  "session_timezone = 'UTC'",
].join(', ');

/** The alias each field gets in the result rows (see TlcRow). */
export const TLC_ROW_KEYS: Record<TlcField, string> = {
  pickup_time: 'pickup_wall_ms',
  dropoff_time: 'dropoff_wall_ms',
  vendor: 'vendor',
  passenger_count: 'passenger_count',
  trip_distance: 'trip_distance',
  pickup_lng: 'pickup_lng',
  pickup_lat: 'pickup_lat',
  dropoff_lng: 'dropoff_lng',
  dropoff_lat: 'dropoff_lat',
  pickup_zone: 'pickup_zone',
  dropoff_zone: 'dropoff_zone',
  rate_code: 'rate_code',
  payment_type: 'payment_type',
  fare_amount: 'fare_amount',
  extra: 'extra',
  mta_tax: 'mta_tax',
  tip_amount: 'tip_amount',
  tolls_amount: 'tolls_amount',
  improvement_surcharge: 'improvement_surcharge',
  congestion_surcharge: 'congestion_surcharge',
  airport_fee: 'airport_fee',
  cbd_congestion_fee: 'cbd_congestion_fee',
  total_amount: 'total_amount',
};

export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function sqlIdentifier(s: string): string {
  return '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

/** The type without Nullable(…) / LowCardinality(…) wrappers. */
export function baseType(type: string): string {
  let t = type.trim();
  for (;;) {
    const m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(t);
    if (!m) return t;
    t = m[1]!.trim();
  }
}

const NUMERIC = /^(U?Int\d+|Float\d+|Decimal(\d+)?(\(.*\))?|Bool)$/;

/** One field as a normalised expression: epoch-ms wall clock, Float64, or trimmed text (NULL when missing). */
export function fieldExpression(field: TlcField, column: { name: string; type: string }): string {
  const c = sqlIdentifier(column.name);
  const t = baseType(column.type);
  switch (TLC_FIELD_KINDS[field]) {
    case 'time':
      // A DateTime's stored number is the wall clock written as if it were UTC (TLC files
      // are naive local time), whatever time zone the column's type names.
      return /^(DateTime|Date)/.test(t)
        ? `toUnixTimestamp64Milli(toDateTime64(${c}, 3))`
        : `toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull(toString(${c}), 3, 'UTC'))`;
    case 'number':
      return NUMERIC.test(t) ? `toFloat64(${c})` : `toFloat64OrNull(trimBoth(toString(${c})))`;
    case 'text':
      return `nullIf(trimBoth(toString(${c})), '')`;
  }
}

export interface TlcQueryOptions {
  /** Only the first `limit` trips in dropoff order. */
  limit?: number | undefined;
}

/**
 * nycWallToUtc(dropoff_wall_ms) in SQL, the sort key. Sorting by the wall clock itself is not
 * enough: the hour skipped in March reads as EST, so wall 02:40 is 07:40Z but wall 03:10 is
 * 07:10Z. Same rule: daylight time if the offset one hour after the EST reading is −4 h.
 */
export const DROPOFF_UTC_MS =
  "if(timeZoneOffset(toDateTime64((dropoff_wall_ms + 14400000) / 1000, 3, 'America/New_York')) = -14400, dropoff_wall_ms + 14400000, dropoff_wall_ms + 18000000)";

/** SELECT of every mapped field plus `row` (1-based, file order), sorted by dropoff then row. */
export function buildTlcQuery(absolutePath: string, format: string, layout: TlcLayout, opts: TlcQueryOptions = {}): string {
  const exprs = ['_row_number + 1 AS row'];
  for (const [field, column] of Object.entries(layout.columns) as [TlcField, { name: string; type: string }][]) {
    exprs.push(`${fieldExpression(field, column)} AS ${TLC_ROW_KEYS[field]}`);
  }
  const limit = opts.limit !== undefined ? ` LIMIT ${Math.floor(opts.limit)}` : '';
  return (
    `SELECT * FROM (SELECT ${exprs.join(', ')} FROM file(${sqlString(absolutePath)}, ${sqlString(format)})) ` +
    `ORDER BY ${DROPOFF_UTC_MS} ASC NULLS LAST, row ASC${limit} SETTINGS ${TLC_READ_SETTINGS}`
  );
}

/** DESCRIBE of the file with the same inference settings as the SELECT. */
export function describeTlcQuery(absolutePath: string, format: string): string {
  return `DESCRIBE file(${sqlString(absolutePath)}, ${sqlString(format)}) SETTINGS ${TLC_READ_SETTINGS}`;
}
