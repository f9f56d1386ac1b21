import { SensorReading } from '../../../../contracts/index.ts';
import { fastSensorReading } from './fast-sensor-reading.ts';
import { decodeEvent, type DecodeBounds, type DecodeFailureKind, type EventShape } from '../../core/decode-event.ts';

export type DecodeResult = { ok: true; reading: SensorReading } | { ok: false; kind: DecodeFailureKind; reason: string };

/** A reading's time is `ts`; its partition key is the station. */
export const SENSOR_READING_SHAPE: EventShape<typeof SensorReading> = {
  schema: SensorReading,
  time: (e) => e.ts,
  timeField: 'ts',
  key: (e) => e.station,
  fastParse: fastSensorReading,
};

/** Bytes → a valid reading, or the reason it is not one (see decodeEvent). */
export function decodeSensorReading(data: Uint8Array, bounds: DecodeBounds): DecodeResult {
  const r = decodeEvent(data, SENSOR_READING_SHAPE, bounds);
  return r.ok ? { ok: true, reading: r.value } : r;
}
