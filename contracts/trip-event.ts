import { z } from 'zod';
import { GroundTruth } from './sensor-reading.ts';

/**
 * One completed taxi trip, modelled on the NYC TLC yellow-taxi trip record (field names follow
 * the TLC data dictionary, times as epoch ms, zones replaced by coordinates). A trip is
 * published when it ends, so its event time is `dropoff_ts`.
 *
 * The schema rejects only what can never be a valid record (dropoff before pickup, negative
 * money or distance, a point far outside the NYC region, a total that is not the sum of its
 * parts). Implausible but possible values — 200 mph, a $900 fare for two miles — stay valid:
 * they are the anomalies the processor is there to find.
 */

/** Kinds of anomaly the trip producer injects; carried only as ground truth. */
export const TRIP_ANOMALY_KINDS = ['surge', 'collapse', 'overcharge', 'impossible', 'detour'] as const;
export const TripAnomalyKind = z.enum(TRIP_ANOMALY_KINDS);
export type TripAnomalyKind = z.infer<typeof TripAnomalyKind>;

/** Ground truth of an injected trip anomaly (never read while scoring). */
export const TripTruth = GroundTruth.extend({ kind: TripAnomalyKind });
export type TripTruth = z.infer<typeof TripTruth>;

/** TLC payment_type: 0 flex fare, 1 credit card, 2 cash, 3 no charge, 4 dispute, 5 unknown, 6 voided. */
export const TLC_PAYMENT_TYPES = [0, 1, 2, 3, 4, 5, 6] as const;
export const PaymentType = z.literal(TLC_PAYMENT_TYPES);
export type PaymentType = z.infer<typeof PaymentType>;

/** TLC RatecodeID: 1 standard, 2 JFK, 3 Newark, 4 Nassau/Westchester, 5 negotiated, 6 group ride, 99 unknown. */
export const TLC_RATE_CODES = [1, 2, 3, 4, 5, 6, 99] as const;
export const RateCode = z.literal(TLC_RATE_CODES);
export type RateCode = z.infer<typeof RateCode>;

/** TLC VendorID: 1 Creative Mobile Technologies, 2 Curb Mobility, 6 Myle Technologies, 7 Helix. */
export const TLC_VENDORS = [1, 2, 6, 7] as const;
export const TripVendor = z.literal(TLC_VENDORS);
export type TripVendor = z.infer<typeof TripVendor>;

/** A generous box around the TLC service area incl. EWR; points outside it are GPS garbage. */
export const NYC_BOUNDS = { minLat: 40.3, maxLat: 41.2, minLng: -74.5, maxLng: -73.4 } as const;

/** Total may differ from the sum of its parts by this much (cent rounding of each part), USD. */
export const TOTAL_TOLERANCE = 0.011;

const finite = (field: string) => z.number().refine(Number.isFinite, `${field} must be a finite number`);
const money = (field: string) => finite(field).refine((v) => v >= 0, `${field} must be ≥ 0 (USD)`);
const lat = (field: string) =>
  finite(field).refine((v) => v >= NYC_BOUNDS.minLat && v <= NYC_BOUNDS.maxLat, `${field} must lie in ${NYC_BOUNDS.minLat}…${NYC_BOUNDS.maxLat} (NYC region)`);
const lng = (field: string) =>
  finite(field).refine((v) => v >= NYC_BOUNDS.minLng && v <= NYC_BOUNDS.maxLng, `${field} must lie in ${NYC_BOUNDS.minLng}…${NYC_BOUNDS.maxLng} (NYC region)`);
const epochMs = (field: string) => z.number().int(`${field} must be integer epoch ms`).min(0, `${field} must be ≥ 0`).max(8_640_000_000_000, `${field} is beyond the representable dates`);

/** The parts whose sum is total_amount, in TLC order. */
export const TRIP_AMOUNT_PARTS = [
  'fare_amount',
  'extra',
  'mta_tax',
  'tip_amount',
  'tolls_amount',
  'improvement_surcharge',
  'congestion_surcharge',
  'airport_fee',
  'cbd_congestion_fee',
] as const;

const TripEventShape = z.object({
  /** Globally unique and stable across retries: the idempotency key everywhere. */
  id: z.string().min(1).max(128),
  vendor: TripVendor,
  /** Meter engaged, epoch ms (UTC). */
  pickup_ts: epochMs('pickup_ts'),
  /** Meter disengaged, epoch ms (UTC); the event time. */
  dropoff_ts: epochMs('dropoff_ts'),
  pickup_lat: lat('pickup_lat'),
  pickup_lng: lng('pickup_lng'),
  dropoff_lat: lat('dropoff_lat'),
  dropoff_lng: lng('dropoff_lng'),
  /** Driver-entered; TLC data holds 0 for "not entered". */
  passenger_count: z.number().int('passenger_count must be an integer').min(0, 'passenger_count must be ≥ 0').max(9, 'passenger_count must be ≤ 9'),
  /** Miles on the taximeter. */
  trip_distance: finite('trip_distance').refine((v) => v >= 0, 'trip_distance must be ≥ 0 (miles)'),
  rate_code: RateCode,
  payment_type: PaymentType,
  /** Time-and-distance meter (or flat) fare, USD. */
  fare_amount: money('fare_amount'),
  /** Rush-hour and overnight surcharges, USD. */
  extra: money('extra'),
  mta_tax: money('mta_tax'),
  /** Card tips only; cash tips are not recorded. */
  tip_amount: money('tip_amount'),
  tolls_amount: money('tolls_amount'),
  improvement_surcharge: money('improvement_surcharge'),
  /** NY State congestion surcharge (Manhattan south of 96th St). */
  congestion_surcharge: money('congestion_surcharge'),
  /** Airport access fee on LGA/JFK pickups. */
  airport_fee: money('airport_fee'),
  /** MTA Congestion Relief Zone fee (from 2025-01-05). */
  cbd_congestion_fee: money('cbd_congestion_fee'),
  total_amount: money('total_amount'),
  truth: TripTruth.nullish(),
});

export const TripEvent = TripEventShape.superRefine((t, ctx) => {
  if (t.dropoff_ts < t.pickup_ts) {
    ctx.addIssue({ code: 'custom', path: ['dropoff_ts'], message: `dropoff_ts (${t.dropoff_ts}) is before pickup_ts (${t.pickup_ts})` });
  }
  let sum = 0;
  for (const part of TRIP_AMOUNT_PARTS) sum += t[part];
  if (Math.abs(t.total_amount - sum) > TOTAL_TOLERANCE) {
    ctx.addIssue({
      code: 'custom',
      path: ['total_amount'],
      message: `total_amount (${t.total_amount}) is not the sum of its parts (${sum.toFixed(2)}: ${TRIP_AMOUNT_PARTS.join(' + ')})`,
    });
  }
});
export type TripEvent = z.infer<typeof TripEvent>;

/** The event time of a trip record: it exists once the trip has ended. */
export function tripEventTime(t: Pick<TripEvent, 'dropoff_ts'>): number {
  return t.dropoff_ts;
}

// ── Time and places the trip records are defined against (shared by producer, processor, UI) ──

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
// Cached DST boundaries of the last year asked for: the hot path allocates no Date.
let yearStart = Infinity;
let yearEnd = -Infinity;
let dstStart = 0;
let dstEnd = 0;

/** Day of week of an epoch-ms instant's UTC date, Sunday = 0 (1970-01-01 was a Thursday). */
function utcDay(ms: number): number {
  return (((Math.floor(ms / DAY_MS) + 4) % 7) + 7) % 7;
}

/**
 * Offset of New York local time from UTC at `ts`, ms (−4 h in daylight time, −5 h otherwise).
 * US rules since 2007: DST from the second Sunday of March 02:00 EST to the first Sunday of
 * November 02:00 EDT. Computed here (no Intl, no allocation) so the pure core can use it.
 */
export function nycUtcOffsetMs(ts: number): number {
  if (!(ts >= yearStart && ts < yearEnd)) {
    const year = new Date(ts).getUTCFullYear();
    yearStart = Date.UTC(year, 0, 1);
    yearEnd = Date.UTC(year + 1, 0, 1);
    const mar1 = Date.UTC(year, 2, 1);
    const nov1 = Date.UTC(year, 10, 1);
    dstStart = mar1 + ((7 - utcDay(mar1)) % 7 + 7) * DAY_MS + 7 * HOUR_MS; // 02:00 EST = 07:00 UTC
    dstEnd = nov1 + ((7 - utcDay(nov1)) % 7) * DAY_MS + 6 * HOUR_MS; // 02:00 EDT = 06:00 UTC
  }
  return ts >= dstStart && ts < dstEnd ? -4 * HOUR_MS : -5 * HOUR_MS;
}

/** New York wall-clock time of `ts` expressed as if it were UTC (read it with getUTC* or arithmetic). */
export function nycWallMs(ts: number): number {
  return ts + nycUtcOffsetMs(ts);
}

/** Local (New York) hour of week, 0 = Monday 00:00–00:59 … 167 = Sunday 23:00–23:59. */
export function nycHourOfWeek(ts: number): number {
  const wall = nycWallMs(ts);
  const dayIndex = Math.floor(wall / DAY_MS);
  const mondayBased = (((dayIndex + 3) % 7) + 7) % 7; // 1970-01-01 (day 0) was a Thursday = 3
  return mondayBased * 24 + Math.floor((wall - dayIndex * DAY_MS) / HOUR_MS);
}

/** Local (New York) half hour of week, 0 = Monday 00:00–00:29 … 335 = Sunday 23:30–23:59. */
export function nycHalfHourOfWeek(ts: number): number {
  const wall = nycWallMs(ts);
  const dayIndex = Math.floor(wall / DAY_MS);
  const mondayBased = (((dayIndex + 3) % 7) + 7) % 7;
  return mondayBased * 48 + Math.floor((wall - dayIndex * DAY_MS) / 1_800_000);
}

/** Airports the TLC rules single out, with the radius (km) that counts as "at the airport". */
export const NYC_AIRPORTS = {
  JFK: { lat: 40.6441, lng: -73.7822, radiusKm: 2.5 },
  LGA: { lat: 40.7744, lng: -73.8726, radiusKm: 1.5 },
  EWR: { lat: 40.6895, lng: -74.1745, radiusKm: 2.5 },
} as const;
export type NycAirport = keyof typeof NYC_AIRPORTS;

/** Great-circle distance, km (haversine, mean Earth radius 6371.0088 km). */
export function haversineKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
}

export const KM_PER_MILE = 1.609344;

/** The airport a point lies at, or null. */
export function airportAt(lat: number, lng: number): NycAirport | null {
  for (const code of ['JFK', 'LGA', 'EWR'] as const) {
    const a = NYC_AIRPORTS[code];
    if (haversineKm(lat, lng, a.lat, a.lng) <= a.radiusKm) return code;
  }
  return null;
}
