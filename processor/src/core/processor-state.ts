import { z } from 'zod';

export const PROCESSOR_STATE_FORMAT = 'vigia.sensor-processor-state';
/** v2: the key budget's live keys and evicted station states (`keys`). */
/** v3: each evicted key keeps its newest event time (for processor.limits.forgetEvictedMs); a v2 snapshot is read, its evicted keys dated at its watermark. */
export const PROCESSOR_STATE_VERSION = 3;

/** A key budget's snapshot (key-budget.ts KeyBudgetSnapshot). */
export const KeyBudgetState = z.object({
  watermark: z.number().nullable(),
  live: z.array(z.tuple([z.string(), z.number()])),
  evicted: z.array(z.union([z.tuple([z.string(), z.string(), z.number()]), z.tuple([z.string(), z.string()])])),
});

/**
 * Everything the sensor processor has learned, and the log position it covers: per partition
 * the last stream sequence whose effect is inside the state. Restoring it and consuming from
 * `seq + 1` reproduces exactly the scores an uninterrupted run would have given.
 */
export const ProcessorState = z.object({
  format: z.literal(PROCESSOR_STATE_FORMAT),
  version: z.union([z.literal(PROCESSOR_STATE_VERSION), z.literal(2)]),
  /** partition → last stream sequence included */
  seqs: z.record(z.string().regex(/^\d+$/), z.number().int().min(0)),
  detector: z.unknown(),
  windows: z.unknown(),
  /** The key budget (key-budget.ts), null when the processor runs without limits. */
  keys: KeyBudgetState.nullable(),
});
export type ProcessorState = z.infer<typeof ProcessorState>;

/** A snapshot that cannot be used; the processor rebuilds its state from the log instead. */
export class SnapshotUnreadableError extends Error {
  override name = 'SnapshotUnreadableError';
}

export function parseProcessorState(raw: unknown): ProcessorState {
  const r = ProcessorState.safeParse(raw);
  if (!r.success) {
    const found = (raw as { format?: unknown; version?: unknown } | null) ?? {};
    throw new SnapshotUnreadableError(
      `snapshot is not a ${PROCESSOR_STATE_FORMAT} v${PROCESSOR_STATE_VERSION} (found ${String(found.format)} v${String(found.version)}): ${r.error.issues[0]?.message}`,
    );
  }
  return r.data;
}
