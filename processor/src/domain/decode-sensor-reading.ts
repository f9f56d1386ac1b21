import { SensorReading } from '../../../contracts/index.ts';
import { decodeEvent, type DecodeFailureKind } from './decode-event.ts';

export type DecodeResult = { ok: true; reading: SensorReading } | { ok: false; kind: DecodeFailureKind; reason: string };

/** Bytes → a valid reading, or the reason it is not one (see decodeEvent). */
export function decodeSensorReading(data: Uint8Array, nowMs: number, maxFutureMs: number): DecodeResult {
  const r = decodeEvent(data, SensorReading, { of: (e) => e.ts, field: 'ts' }, nowMs, maxFutureMs);
  return r.ok ? { ok: true, reading: r.value } : r;
}
