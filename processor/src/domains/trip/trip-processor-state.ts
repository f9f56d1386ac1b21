import { z } from 'zod';
import { KeyBudgetState, SnapshotUnreadableError } from '../../core/processor-state.ts';

export const TRIP_STATE_FORMAT = 'vigia.trip-processor-state';
/** 2: the demand scorer keeps two hours of counts (cell-demand-state v2); a v1 snapshot is rebuilt from the log. */
/** 3: the r9 cells holding state (`cellKeys`, trip-cell-keys.ts). */
/** 4: the key budget's evicted keys keep their newest event time (trip cells are never evicted; a v3 snapshot is read as is). */
export const TRIP_STATE_VERSION = 4;

/**
 * Everything the trip processor has learned and the log position it covers: per partition the
 * last stream sequence inside the state, each partition's windows and baselines, and the
 * scorers' online statistics. Restoring it and consuming from `seq + 1` gives the scores an
 * uninterrupted run would have given.
 */
export const TripProcessorState = z.object({
  format: z.literal(TRIP_STATE_FORMAT),
  version: z.union([z.literal(TRIP_STATE_VERSION), z.literal(3)]),
  seqs: z.record(z.string().regex(/^\d+$/), z.number().int().min(0)),
  pipelines: z.record(z.string().regex(/^\d+$/), z.unknown()),
  tripScorer: z.unknown(),
  cellScorer: z.unknown(),
  alertPolicy: z.unknown(),
  /** The key budget of r9 cells, null when the processor runs without limits. */
  cellKeys: KeyBudgetState.nullable(),
});
export type TripProcessorState = z.infer<typeof TripProcessorState>;

export function parseTripProcessorState(raw: unknown): TripProcessorState {
  const r = TripProcessorState.safeParse(raw);
  if (!r.success) {
    const found = (raw as { format?: unknown; version?: unknown } | null) ?? {};
    throw new SnapshotUnreadableError(
      `snapshot is not a ${TRIP_STATE_FORMAT} v${TRIP_STATE_VERSION} (found ${String(found.format)} v${String(found.version)}): ${r.error.issues[0]?.message}`,
    );
  }
  return r.data;
}
