// Which column of a TLC yellow-taxi file holds which field. The TLC renamed columns several
// times: 2009 (`Trip_Pickup_DateTime`, `Start_Lon`, `Fare_Amt`), 2010–2014 (`pickup_datetime`,
// `pickup_longitude`, `surcharge`), 2015–mid 2016 (`tpep_pickup_datetime`, coordinates,
// `improvement_surcharge`) and from mid 2016 zone ids (`PULocationID`) instead of coordinates,
// later `congestion_surcharge`, `airport_fee` / `Airport_fee`, `cbd_congestion_fee`. Names
// are matched case-insensitively, trimmed, without a BOM. Pure.

/** The fields Vigía reads, each with the column names it has had (lower case). */
export const TLC_FIELD_COLUMNS = {
  pickup_time: ['tpep_pickup_datetime', 'pickup_datetime', 'trip_pickup_datetime', 'lpep_pickup_datetime'],
  dropoff_time: ['tpep_dropoff_datetime', 'dropoff_datetime', 'trip_dropoff_datetime', 'lpep_dropoff_datetime'],
  vendor: ['vendorid', 'vendor_id', 'vendor_name'],
  passenger_count: ['passenger_count'],
  trip_distance: ['trip_distance'],
  pickup_lng: ['pickup_longitude', 'start_lon'],
  pickup_lat: ['pickup_latitude', 'start_lat'],
  dropoff_lng: ['dropoff_longitude', 'end_lon'],
  dropoff_lat: ['dropoff_latitude', 'end_lat'],
  pickup_zone: ['pulocationid'],
  dropoff_zone: ['dolocationid'],
  rate_code: ['ratecodeid', 'rate_code', 'ratecode'],
  payment_type: ['payment_type'],
  fare_amount: ['fare_amount', 'fare_amt'],
  extra: ['extra', 'surcharge'],
  mta_tax: ['mta_tax'],
  tip_amount: ['tip_amount', 'tip_amt'],
  tolls_amount: ['tolls_amount', 'tolls_amt'],
  improvement_surcharge: ['improvement_surcharge'],
  congestion_surcharge: ['congestion_surcharge'],
  airport_fee: ['airport_fee'],
  cbd_congestion_fee: ['cbd_congestion_fee'],
  total_amount: ['total_amount', 'total_amt'],
} as const;

export type TlcField = keyof typeof TLC_FIELD_COLUMNS;

/** How a field is read: a wall-clock time, a number, or text (vendor and payment codes changed type over the years). */
export const TLC_FIELD_KINDS: Record<TlcField, 'time' | 'number' | 'text'> = {
  pickup_time: 'time',
  dropoff_time: 'time',
  vendor: 'text',
  passenger_count: 'number',
  trip_distance: 'number',
  pickup_lng: 'number',
  pickup_lat: 'number',
  dropoff_lng: 'number',
  dropoff_lat: 'number',
  pickup_zone: 'number',
  dropoff_zone: 'number',
  rate_code: 'number',
  payment_type: 'text',
  fare_amount: 'number',
  extra: 'number',
  mta_tax: 'number',
  tip_amount: 'number',
  tolls_amount: 'number',
  improvement_surcharge: 'number',
  congestion_surcharge: 'number',
  airport_fee: 'number',
  cbd_congestion_fee: 'number',
  total_amount: 'number',
};

/** A column as the file's schema reports it (ClickHouse DESCRIBE: name and type). */
export interface TlcColumn {
  name: string;
  type: string;
}

/** 2009–2015 (and early 2016) files carry coordinates; later ones TLC taxi-zone ids. */
export type TlcLocationLayout = 'coordinates' | 'zones';

export interface TlcLayout {
  location: TlcLocationLayout;
  /** The file column of each field found (absent fields are read as missing). */
  columns: Partial<Record<TlcField, TlcColumn>>;
}

/** The file is not a TLC trip file Vigía can read; the message lists what is missing. */
export class TlcLayoutError extends Error {
  override name = 'TlcLayoutError';
  constructor(
    readonly source: string,
    readonly missing: readonly string[],
    readonly found: readonly string[],
  ) {
    super(
      `${source} is not a TLC yellow-taxi trip file Vigía can read: no column for ${missing.join(', ')} ` +
        `(found: ${found.join(', ') || 'none'}). Expected TLC names such as tpep_pickup_datetime, tpep_dropoff_datetime and ` +
        `pickup_longitude/pickup_latitude/dropoff_longitude/dropoff_latitude (2009–2016) or PULocationID/DOLocationID (2016+).`,
    );
  }
}

/** Lower case, trimmed, without a UTF-8 BOM: how column names are compared. */
export function normalizeColumnName(name: string): string {
  return name.replace(/^\uFEFF/, '').trim().toLowerCase();
}

const COORDINATES = ['pickup_lng', 'pickup_lat', 'dropoff_lng', 'dropoff_lat'] as const;
const ZONES = ['pickup_zone', 'dropoff_zone'] as const;

/** Map a file's columns to TLC fields; coordinates win when a file has both. */
export function detectTlcLayout(columns: readonly TlcColumn[], source = 'the file'): TlcLayout {
  const byName = new Map(columns.map((c) => [normalizeColumnName(c.name), c]));
  const found: Partial<Record<TlcField, TlcColumn>> = {};
  for (const field of Object.keys(TLC_FIELD_COLUMNS) as TlcField[]) {
    const column = TLC_FIELD_COLUMNS[field].map((n) => byName.get(n)).find((c) => c !== undefined);
    if (column) found[field] = column;
  }
  const missing: string[] = [];
  if (!found.pickup_time) missing.push('the pickup time (tpep_pickup_datetime / pickup_datetime / Trip_Pickup_DateTime)');
  if (!found.dropoff_time) missing.push('the dropoff time (tpep_dropoff_datetime / dropoff_datetime / Trip_Dropoff_DateTime)');
  const hasCoordinates = COORDINATES.every((f) => found[f]);
  const hasZones = ZONES.every((f) => found[f]);
  if (!hasCoordinates && !hasZones) missing.push('the locations (pickup/dropoff longitude and latitude, or PULocationID and DOLocationID)');
  if (missing.length) throw new TlcLayoutError(source, missing, columns.map((c) => c.name));
  const location: TlcLocationLayout = hasCoordinates ? 'coordinates' : 'zones';
  // Drop the other layout's columns so a reader never mixes the two.
  for (const f of location === 'coordinates' ? ZONES : COORDINATES) delete found[f];
  return { location, columns: found };
}
