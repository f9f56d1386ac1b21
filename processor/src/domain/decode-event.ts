import type { z } from 'zod';

export type DecodeFailureKind = 'invalid_json' | 'invalid_event' | 'future_timestamp';
export type DecodeOutcome<T> = { ok: true; value: T } | { ok: false; kind: DecodeFailureKind; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Bytes → a valid event of `schema`, or the reason it is not one (the dead letter's text, with
 * the failing field paths). `nowMs` is passed in, not read, so the core stays free of the wall
 * clock; events whose time (`eventTime`, named `timeField` in the reason) is further than
 * `maxFutureMs` ahead are refused: one such event would close its windows early.
 */
export function decodeEvent<S extends z.ZodType>(
  data: Uint8Array,
  schema: S,
  time: { of: (e: z.output<S>) => number; field: string },
  nowMs: number,
  maxFutureMs: number,
): DecodeOutcome<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch (err) {
    return { ok: false, kind: 'invalid_json', reason: `not valid JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join('.') : '(event)'}: ${i.message}`)
      .join('; ');
    return { ok: false, kind: 'invalid_event', reason };
  }
  const ts = time.of(parsed.data);
  if (ts > nowMs + maxFutureMs) {
    return {
      ok: false,
      kind: 'future_timestamp',
      reason: `${time.field} ${new Date(ts).toISOString()} is more than ${Math.round(maxFutureMs / 60_000)} min ahead of the processor clock`,
    };
  }
  return { ok: true, value: parsed.data };
}
