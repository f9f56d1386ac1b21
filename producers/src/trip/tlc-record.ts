// One TLC trip row (as tlc-query.ts normalises it) → a trip record in TripEvent's shape.
// Pure. The record is what the file says, mapped field by field: it is NOT validated here,
// because a record the contract rejects must still reach the log, where the processor
// dead-letters it with the reason. Only a row without a dropoff time cannot become a
// message at all (no event time to order or window it by).
import type { TripEvent } from '../../../contracts/index.ts';
import { nycWallToUtc } from './nyc-wall-time.ts';
import type { ZoneCentroids } from './taxi-zone-centroids.ts';

/** A row of buildTlcQuery's result; fields a file lacks are absent, missing values null. */
export interface TlcRow {
  /** 1-based data row in file order. */
  row: number;
  /** New York wall-clock times written as if they were UTC, ms. */
  pickup_wall_ms?: number | null;
  dropoff_wall_ms?: number | null;
  vendor?: string | null;
  passenger_count?: number | null;
  trip_distance?: number | null;
  pickup_lng?: number | null;
  pickup_lat?: number | null;
  dropoff_lng?: number | null;
  dropoff_lat?: number | null;
  pickup_zone?: number | null;
  dropoff_zone?: number | null;
  rate_code?: number | null;
  payment_type?: string | null;
  fare_amount?: number | null;
  extra?: number | null;
  mta_tax?: number | null;
  tip_amount?: number | null;
  tolls_amount?: number | null;
  improvement_surcharge?: number | null;
  congestion_surcharge?: number | null;
  airport_fee?: number | null;
  cbd_congestion_fee?: number | null;
  total_amount?: number | null;
}

type Loose<T> = { [K in keyof T]: T[K] | null };

/** TripEvent's shape with whatever the file held: possibly null or out of the contract's ranges. */
export type TlcTripRecord = Loose<Omit<TripEvent, 'id' | 'dropoff_ts' | 'vendor' | 'rate_code' | 'payment_type' | 'truth'>> & {
  id: string;
  dropoff_ts: number;
  vendor: number | null;
  rate_code: number | null;
  payment_type: number | null;
  truth: null;
};

export type TlcRowResult =
  | { kind: 'trip'; trip: TlcTripRecord }
  /** Every field empty: a blank line (2010–2013 CSVs have one after the header). */
  | { kind: 'blank' }
  | { kind: 'unconvertible'; row: number; reason: string };

export interface TlcMappingContext {
  /** Prefix of every id (tlcIdPrefix of the file name): `<prefix>-<row>`. */
  idPrefix: string;
  /** Centroids for zone-id files; required for them. */
  zones?: ZoneCentroids | undefined;
}

/** TLC VendorID by the vendor codes of 2009–2014 files (DDS never got an id: left null). */
const VENDOR_CODES: Record<string, number> = { CMT: 1, VTS: 2 };

/** TLC payment_type by the text codes of 2009–2014 files (CSH, Cash, CASH, CRD, Credit, NOC, DIS, UNK…). */
const PAYMENT_PREFIXES: readonly (readonly [string, number])[] = [
  ['CR', 1],
  ['CA', 2],
  ['CS', 2],
  ['NO', 3],
  ['DI', 4],
  ['UN', 5],
  ['NA', 5],
  ['VO', 6],
];

/** The code as a number: numeric text as is ("2", "2.0"), known 2009–2014 codes mapped, else null. */
function numericCode(text: string | null | undefined, codes: (upper: string) => number | undefined): number | null {
  if (text === null || text === undefined) return null;
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n)) return n;
  return codes(text.trim().toUpperCase()) ?? null;
}

export function tlcVendor(text: string | null | undefined): number | null {
  return numericCode(text, (u) => VENDOR_CODES[u]);
}

/** Missing → 5 (TLC "unknown"). */
export function tlcPaymentType(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return 5;
  return numericCode(text, (u) => PAYMENT_PREFIXES.find(([p]) => u.startsWith(p))?.[1]);
}

/** Id prefix from a file name: `tlc-<name without extension>`, safe for ids and logs. */
export function tlcIdPrefix(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/\.(parquet|csv(\.(gz|zst|xz|bz2))?)$/i, '');
  return `tlc-${stem.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 96)}`;
}

const num = (v: number | null | undefined): number | null => (v === undefined || v === null || Number.isNaN(v) ? null : v);
/** Surcharges a file lacks (not yet charged that year) or leaves empty are zero. */
const part = (v: number | null | undefined): number => num(v) ?? 0;

const ALL_KEYS: readonly (keyof TlcRow)[] = [
  'pickup_wall_ms', 'dropoff_wall_ms', 'vendor', 'passenger_count', 'trip_distance', 'pickup_lng', 'pickup_lat', 'dropoff_lng',
  'dropoff_lat', 'pickup_zone', 'dropoff_zone', 'rate_code', 'payment_type', 'fare_amount', 'extra', 'mta_tax', 'tip_amount',
  'tolls_amount', 'improvement_surcharge', 'congestion_surcharge', 'airport_fee', 'cbd_congestion_fee', 'total_amount',
];

/**
 * Map one row. Times: New York local → UTC (nycWallToUtc: the repeated November hour is read
 * as daylight time). Missing values: passenger_count → 0 (TLC's "not entered"), rate code →
 * 99 and payment type → 5 (TLC's "unknown"), surcharges, taxes, tips and tolls → 0; fare,
 * total, distance, times and places stay null (the contract then rejects the record). Zone ids
 * → the zone's centroid (null for an id the centroid table lacks, e.g. 264/265 "unknown").
 */
export function tlcRowToTrip(row: TlcRow, ctx: TlcMappingContext): TlcRowResult {
  if (ALL_KEYS.every((k) => row[k] === undefined || row[k] === null)) return { kind: 'blank' };
  const dropoffWall = num(row.dropoff_wall_ms);
  if (dropoffWall === null) return { kind: 'unconvertible', row: row.row, reason: 'no parseable dropoff time' };
  const pickupWall = num(row.pickup_wall_ms);
  let pickup: { lat: number | null; lng: number | null };
  let dropoff: { lat: number | null; lng: number | null };
  if (row.pickup_zone !== undefined || row.dropoff_zone !== undefined) {
    const at = (id: number | null | undefined) => (id === null || id === undefined ? undefined : ctx.zones?.get(id));
    const p = at(row.pickup_zone);
    const d = at(row.dropoff_zone);
    pickup = { lat: p?.lat ?? null, lng: p?.lng ?? null };
    dropoff = { lat: d?.lat ?? null, lng: d?.lng ?? null };
  } else {
    pickup = { lat: num(row.pickup_lat), lng: num(row.pickup_lng) };
    dropoff = { lat: num(row.dropoff_lat), lng: num(row.dropoff_lng) };
  }
  return {
    kind: 'trip',
    trip: {
      id: `${ctx.idPrefix}-${row.row}`,
      vendor: tlcVendor(row.vendor),
      pickup_ts: pickupWall === null ? null : nycWallToUtc(pickupWall),
      dropoff_ts: nycWallToUtc(dropoffWall),
      pickup_lat: pickup.lat,
      pickup_lng: pickup.lng,
      dropoff_lat: dropoff.lat,
      dropoff_lng: dropoff.lng,
      passenger_count: num(row.passenger_count) ?? 0,
      trip_distance: num(row.trip_distance),
      rate_code: num(row.rate_code) ?? 99,
      payment_type: tlcPaymentType(row.payment_type),
      fare_amount: num(row.fare_amount),
      extra: part(row.extra),
      mta_tax: part(row.mta_tax),
      tip_amount: part(row.tip_amount),
      tolls_amount: part(row.tolls_amount),
      improvement_surcharge: part(row.improvement_surcharge),
      congestion_surcharge: part(row.congestion_surcharge),
      airport_fee: part(row.airport_fee),
      cbd_congestion_fee: part(row.cbd_congestion_fee),
      total_amount: num(row.total_amount),
      truth: null,
    },
  };
}
