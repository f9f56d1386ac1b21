import { TRIP_REGION, TripEvent } from '../../../../contracts/index.ts';
import { fastTripEvent } from './fast-trip-event.ts';
import { decodeEvent, type DecodeBounds, type DecodeFailureKind, type EventShape } from '../../core/decode-event.ts';

export type TripDecodeResult = { ok: true; trip: TripEvent } | { ok: false; kind: DecodeFailureKind; reason: string };

/**
 * The event time is the dropoff: one trip far in the future would move the city's watermark.
 * The partition key is the city (contracts/trip-subject.ts), one region today.
 */
export const TRIP_EVENT_SHAPE: EventShape<typeof TripEvent> = {
  schema: TripEvent,
  time: (t) => t.dropoff_ts,
  timeField: 'dropoff_ts',
  key: () => TRIP_REGION,
  fastParse: fastTripEvent,
};

/** Bytes → a valid trip record, or the reason it is not one (see decodeEvent). */
export function decodeTripEvent(data: Uint8Array, bounds: DecodeBounds): TripDecodeResult {
  const r = decodeEvent(data, TRIP_EVENT_SHAPE, bounds);
  return r.ok ? { ok: true, trip: r.value } : r;
}
