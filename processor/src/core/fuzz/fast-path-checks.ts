// The properties every domain's decode fast path must keep, shared so each domain's fuzz test
// only says what its events look like. A fast path (EventShape.fastParse) may only accept: zod
// decides and words every refusal. So on any JSON, what the fast path accepts zod accepts with
// the same value and keys in the same order, and the decoder gives the same outcomes and reasons
// with or without it. It may leave a valid event to zod, but not many (else it saves nothing).
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { z } from 'zod';
import { decodeEvent, type EventShape } from '../decode-event.ts';
import { fuzzParameters, NOW } from './poison-arbitraries.ts';

/** Events as the decoder sees them: JSON text with keys in any order, plus other JSON entirely. */
export function asJsonText(event: fc.Arbitrary<Record<string, unknown>>, ...more: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: event.chain((r) => fc.shuffledSubarray(Object.keys(r), { minLength: Object.keys(r).length }).map((keys) => JSON.stringify(Object.fromEntries(keys.map((k) => [k, r[k]]))))) },
    { weight: 12, arbitrary: event.map((r) => JSON.stringify(r)) },
    ...more,
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  );
}

/** Keys of every object in the value, in order, depth first. */
function keyOrder(v: unknown): string[] {
  if (typeof v !== 'object' || v === null) return [];
  return Object.keys(v).flatMap((k) => [k, ...keyOrder((v as Record<string, unknown>)[k])]);
}

/**
 * Inputs per property (first 20 000 and 10 000). Faults injected into each domain's fast path (a
 * limit let one past its bound: 33 sensor channels, a ts past the maximum, a 129-character id,
 * see docs/perf/suite-time-2026-12-07.md) fail within the first 350 inputs of seed 13: these
 * keep a margin of 8× or more at 30 % of the cost.
 */
const AGREE_RUNS = 6_000;
const DECODER_RUNS = 3_000;

/** What `fast` accepts, `schema` accepts with the same value and key order; `fast` takes ≥ 95 % of valid input. */
export function checkFastPathAgreesWithZod<S extends z.ZodType>(schema: S, fast: (json: unknown) => z.output<S> | undefined, input: fc.Arbitrary<string>, what: string): void {
  let zodAccepted = 0;
  let fastAccepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(input, (json) => {
      const value: unknown = JSON.parse(json);
      const zod = schema.safeParse(value);
      const taken = fast(value);
      if (zod.success) zodAccepted++;
      else refused++;
      if (taken === undefined) return;
      fastAccepted++;
      assert.ok(zod.success, `fast accepted what zod refuses: ${json.slice(0, 500)}`);
      assert.ok(isDeepStrictEqual(taken, zod.data), json.slice(0, 500));
      assert.deepEqual(keyOrder(taken), keyOrder(zod.data));
    }),
    fuzzParameters(AGREE_RUNS),
  );
  // Both sides exercised: a generator of only invalid, or only valid, input proves nothing.
  // Each side at least 5 % of the inputs (1 000 of the 20 000 the test first ran).
  const least = AGREE_RUNS / 20;
  assert.ok(zodAccepted > least && refused > least, `zod accepted ${zodAccepted}, refused ${refused} (each must exceed ${least})`);
  assert.ok(fastAccepted >= 0.95 * zodAccepted, `fast path took ${fastAccepted} of ${zodAccepted} valid ${what}`);
}

/** decodeEvent with `shape` (its fastParse) gives exactly what it gives with zod alone. */
export function checkDecoderUnchanged<S extends z.ZodType>(shape: EventShape<S>, input: fc.Arbitrary<string>): void {
  assert.ok(shape.fastParse, 'the shape has no fast path to check');
  const zodOnly: EventShape<S> = { ...shape, fastParse: undefined };
  const enc = new TextEncoder();
  const bounds = { nowMs: NOW, maxFutureMs: 60_000, partition: 1, partitionCount: 4 };
  fc.assert(
    fc.property(input, (json) => {
      const data = enc.encode(json);
      assert.deepEqual(decodeEvent(data, shape, bounds), decodeEvent(data, zodOnly, bounds));
    }),
    fuzzParameters(DECODER_RUNS),
  );
}
