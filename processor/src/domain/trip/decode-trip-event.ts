import { TripEvent } from '../../../../contracts/index.ts';
import { decodeEvent, type DecodeFailureKind } from '../decode-event.ts';

export type TripDecodeResult = { ok: true; trip: TripEvent } | { ok: false; kind: DecodeFailureKind; reason: string };

/**
 * Bytes → a valid trip record, or the reason it is not one (see decodeEvent). The event time
 * is the dropoff: one trip far in the future would move the city's watermark.
 */
export function decodeTripEvent(data: Uint8Array, nowMs: number, maxFutureMs: number): TripDecodeResult {
  const r = decodeEvent(data, TripEvent, { of: (t) => t.dropoff_ts, field: 'dropoff_ts' }, nowMs, maxFutureMs);
  return r.ok ? { ok: true, trip: r.value } : r;
}
