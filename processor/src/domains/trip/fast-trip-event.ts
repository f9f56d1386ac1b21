import { NYC_BOUNDS, TLC_PAYMENT_TYPES, TLC_RATE_CODES, TLC_VENDORS, TOTAL_TOLERANCE, TRIP_AMOUNT_PARTS, TRIP_ANOMALY_KINDS, type TripEvent } from '../../../../contracts/index.ts';

// The rules of contracts/trip-event.ts, written out for the common case. zod's safeParse of a
// trip (29 refined fields and a superRefine) was ~3.4 % of the processor's busy main thread in
// the trip phase (docs/perf/trips-2026-12-07.md). This check only ever *accepts*: anything it is
// not sure of goes to zod, which then decides and words the reason, so accept/reject and the
// reasons stay zod's (fast-trip-event.fuzz.test.ts compares both on fuzzed input, key order too).
const MAX_TS = 8_640_000_000_000;
const VENDORS = new Set<unknown>(TLC_VENDORS);
const RATE_CODES = new Set<unknown>(TLC_RATE_CODES);
const PAYMENT_TYPES = new Set<unknown>(TLC_PAYMENT_TYPES);
const KINDS = new Set<unknown>(TRIP_ANOMALY_KINDS);

const isMoney = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isTs = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_TS;
const isLat = (v: unknown): v is number => typeof v === 'number' && v >= NYC_BOUNDS.minLat && v <= NYC_BOUNDS.maxLat;
const isLng = (v: unknown): v is number => typeof v === 'number' && v >= NYC_BOUNDS.minLng && v <= NYC_BOUNDS.maxLng;

/**
 * A parsed JSON value as TripEvent exactly as `TripEvent.parse` would give it (unknown keys
 * dropped, keys in the schema's order), or undefined when it is not plainly valid: then zod
 * must decide.
 */
export function fastTripEvent(json: unknown): TripEvent | undefined {
  if (!isPlainObject(json)) return undefined;
  const j = json as Record<string, unknown>;
  const { id, vendor, pickup_ts, dropoff_ts, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng, passenger_count, trip_distance, rate_code, payment_type } = j;
  if (typeof id !== 'string' || id.length < 1 || id.length > 128) return undefined;
  if (!VENDORS.has(vendor) || !RATE_CODES.has(rate_code) || !PAYMENT_TYPES.has(payment_type)) return undefined;
  if (!isTs(pickup_ts) || !isTs(dropoff_ts) || dropoff_ts < pickup_ts) return undefined;
  if (!isLat(pickup_lat) || !isLng(pickup_lng) || !isLat(dropoff_lat) || !isLng(dropoff_lng)) return undefined;
  if (typeof passenger_count !== 'number' || !Number.isSafeInteger(passenger_count) || passenger_count < 0 || passenger_count > 9) return undefined;
  if (!isMoney(trip_distance)) return undefined;
  // The parts summed in the schema's order, so the tolerance test sees the same rounding.
  let sum = 0;
  for (const part of TRIP_AMOUNT_PARTS) {
    const v = j[part];
    if (!isMoney(v)) return undefined;
    sum += v;
  }
  const total = j.total_amount;
  if (!isMoney(total) || Math.abs(total - sum) > TOTAL_TOLERANCE) return undefined;
  const t = {
    id,
    vendor: vendor as TripEvent['vendor'],
    pickup_ts,
    dropoff_ts,
    pickup_lat,
    pickup_lng,
    dropoff_lat,
    dropoff_lng,
    passenger_count,
    trip_distance,
    rate_code: rate_code as TripEvent['rate_code'],
    payment_type: payment_type as TripEvent['payment_type'],
    fare_amount: j.fare_amount as number,
    extra: j.extra as number,
    mta_tax: j.mta_tax as number,
    tip_amount: j.tip_amount as number,
    tolls_amount: j.tolls_amount as number,
    improvement_surcharge: j.improvement_surcharge as number,
    congestion_surcharge: j.congestion_surcharge as number,
    airport_fee: j.airport_fee as number,
    cbd_congestion_fee: j.cbd_congestion_fee as number,
    total_amount: total,
  } satisfies TripEvent;
  if (!('truth' in j)) return t;
  const truth = j.truth;
  if (truth === null) return { ...t, truth: null };
  if (!isPlainObject(truth)) return undefined;
  const { kind, faultId, channel } = truth as Record<string, unknown>;
  if (!KINDS.has(kind)) return undefined;
  if (typeof faultId !== 'string' || faultId.length < 1 || faultId.length > 80) return undefined;
  const k = kind as TripEvent['truth'] extends infer T ? (T extends { kind: infer K } ? K : never) : never;
  if (channel === undefined) return 'channel' in truth ? undefined : { ...t, truth: { kind: k, faultId } };
  if (typeof channel !== 'string' || channel.length > 64) return undefined;
  return { ...t, truth: { kind: k, faultId, channel } };
}

function isPlainObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}
