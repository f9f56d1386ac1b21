import { SensorReading } from '../../../contracts/index.ts';

export type DecodeResult =
  | { ok: true; reading: SensorReading }
  | { ok: false; kind: 'invalid_json' | 'invalid_event' | 'future_timestamp'; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Bytes → a valid reading, or the reason it is not one. `nowMs` is passed in (not read) so
 * the core stays free of the wall clock; readings further ahead than `maxFutureMs` are refused
 * because a clock error that large would close every window of the station early.
 */
export function decodeSensorReading(data: Uint8Array, nowMs: number, maxFutureMs: number): DecodeResult {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch (err) {
    return { ok: false, kind: 'invalid_json', reason: `not valid JSON: ${(err as Error).message}` };
  }
  const parsed = SensorReading.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join('.') : '(event)'}: ${i.message}`)
      .join('; ');
    return { ok: false, kind: 'invalid_event', reason };
  }
  if (parsed.data.ts > nowMs + maxFutureMs) {
    return {
      ok: false,
      kind: 'future_timestamp',
      reason: `ts ${new Date(parsed.data.ts).toISOString()} is more than ${Math.round(maxFutureMs / 60_000)} min ahead of the processor clock`,
    };
  }
  return { ok: true, reading: parsed.data };
}
