import type { z } from 'zod';
import { partitionOf } from '../../../contracts/index.ts';

export type DecodeFailureKind = 'invalid_json' | 'invalid_event' | 'future_timestamp' | 'partition_mismatch';
export type DecodeOutcome<T> = { ok: true; value: T } | { ok: false; kind: DecodeFailureKind; reason: string };

/** Where and when a message is decoded: what the event must agree with. */
export interface DecodeBounds {
  /** The processor's clock, epoch ms (passed in: the core never reads the wall clock). */
  nowMs: number;
  /** Events further ahead of `nowMs` are refused, ms. */
  maxFutureMs: number;
  /** The partition the message was read from. */
  partition?: number;
  /** Partitions of the domain; with `partition`, an event whose key hashes elsewhere is refused. */
  partitionCount?: number;
}

/** What decodeEvent needs to know of a domain's events. */
export interface EventShape<S extends z.ZodType> {
  schema: S;
  /** The event time and its field name (for the reason). */
  time: (e: z.output<S>) => number;
  timeField: string;
  /** The partition key (contracts/partition.ts hashes it into the subject). */
  key: (e: z.output<S>) => string;
  /**
   * Optional shortcut for the common case: the value `schema` would give, or undefined when not
   * sure (then the schema decides and words the reason). Must never accept what the schema
   * refuses, nor give a different value; a fuzz test per domain holds it to that.
   */
  fastParse?: (json: unknown) => z.output<S> | undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Bytes → a valid event of `shape.schema`, or the reason it is not one (the dead letter's text,
 * with the failing field paths). Also refused:
 * - an event whose time is further than `maxFutureMs` ahead: it would move its key's watermark
 *   and mark the key's real events late;
 * - an event on a partition its key does not hash to: that partition's state belongs to other
 *   keys, and a processor owning it would start the key afresh (from any time, e.g. 1970).
 */
export function decodeEvent<S extends z.ZodType>(data: Uint8Array, shape: EventShape<S>, bounds: DecodeBounds): DecodeOutcome<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch (err) {
    return { ok: false, kind: 'invalid_json', reason: `not valid JSON: ${(err as Error).message}` };
  }
  const fast = shape.fastParse?.(json);
  const parsed = fast !== undefined ? { success: true as const, data: fast } : shape.schema.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.map(pathSegment).join('.') : '(event)'}: ${i.message.slice(0, 256)}`)
      .join('; ');
    return { ok: false, kind: 'invalid_event', reason };
  }
  const ts = shape.time(parsed.data);
  if (ts > bounds.nowMs + bounds.maxFutureMs) {
    return {
      ok: false,
      kind: 'future_timestamp',
      reason: `${shape.timeField} ${new Date(ts).toISOString()} is more than ${formatMs(bounds.maxFutureMs)} ahead of the processor clock`,
    };
  }
  if (bounds.partition !== undefined && bounds.partitionCount !== undefined) {
    const key = shape.key(parsed.data);
    const expected = partitionOf(key, bounds.partitionCount);
    if (expected !== bounds.partition) {
      return {
        ok: false,
        kind: 'partition_mismatch',
        reason: `published on partition ${bounds.partition}, but key "${key.slice(0, 128)}" hashes to partition ${expected} of ${bounds.partitionCount}`,
      };
    }
  }
  return { ok: true, value: parsed.data };
}

/** A field path segment for the reason: a 199 KB key is named by its start and its length. */
function pathSegment(p: PropertyKey): string {
  const s = String(p);
  return s.length > 64 ? `${s.slice(0, 64)}…(${s.length} chars)` : s;
}

function formatMs(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
