import { TripEvent } from '../../../../contracts/index.ts';

export type TripDecodeResult =
  | { ok: true; trip: TripEvent }
  | { ok: false; kind: 'invalid_json' | 'invalid_event' | 'future_timestamp'; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Bytes → a valid trip record, or the reason it is not one (the dead letter's text). Trips
 * ending further than `maxFutureMs` ahead of the processor clock are refused: one such record
 * would move the city's watermark and close every window early.
 */
export function decodeTripEvent(data: Uint8Array, nowMs: number, maxFutureMs: number): TripDecodeResult {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch (err) {
    return { ok: false, kind: 'invalid_json', reason: `not valid JSON: ${(err as Error).message}` };
  }
  const parsed = TripEvent.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join('.') : '(event)'}: ${i.message}`)
      .join('; ');
    return { ok: false, kind: 'invalid_event', reason };
  }
  if (parsed.data.dropoff_ts > nowMs + maxFutureMs) {
    return {
      ok: false,
      kind: 'future_timestamp',
      reason: `dropoff_ts ${new Date(parsed.data.dropoff_ts).toISOString()} is more than ${Math.round(maxFutureMs / 60_000)} min ahead of the processor clock`,
    };
  }
  return { ok: true, trip: parsed.data };
}
