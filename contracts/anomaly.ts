import { z } from 'zod';
import { Domain } from './domain.ts';
import { Severity } from './severity.ts';

/** One input that pushed a score up, strongest first in `Anomaly.drivers`. */
export const AnomalyDriver = z.object({
  /** A channel name, a feature name, or a joint relation such as `pressure~flow`. */
  feature: z.string(),
  /** This driver's own normalised score, 0–100. */
  score: z.number().min(0).max(100),
  value: z.number().nullable(),
  /** What the detector expected at this point, when it has such a notion. */
  expected: z.number().nullable(),
  /** Short human reason, e.g. "value unchanged for 14 readings". */
  reason: z.string(),
});
export type AnomalyDriver = z.infer<typeof AnomalyDriver>;

/**
 * One additive share of `score − baseline`: for trade, the exact Shapley value of a named feature
 * group against the model card's background. The shares plus the baseline sum to the score.
 */
export const Attribution = z.object({ group: z.string(), value: z.number() });
export type Attribution = z.infer<typeof Attribution>;

/**
 * An anomaly as published on `anomalies.<domain>.<severity>.<entity>`, sent to the UI over
 * socket.io and stored in the `anomalies` table. The UI validates it with this same schema.
 */
export const Anomaly = z.object({
  /** Deterministic: `<runId>:<eventId>`; the same event never yields two anomalies in a run. */
  id: z.string(),
  runId: z.string(),
  domain: Domain,
  /** The keyed thing: a station, an H3 cell, a company. */
  entity: z.string(),
  eventId: z.string(),
  /** Event time of the scored item, epoch ms. */
  ts: z.number(),
  score: z.number().min(0).max(100),
  severity: Severity,
  /** Detector (or model) name and version that produced the score. */
  detector: z.string(),
  drivers: z.array(AnomalyDriver),
  /** Additive explanation of the score by feature group, largest first, when the model gives one. */
  attributions: z.array(Attribution).optional(),
  /** The scored item's values, for display (channel values, features). */
  values: z.record(z.string(), z.number()),
  /** Wall-clock time the processor emitted it, epoch ms (for latency, never for scoring). */
  emittedAt: z.number(),
});
export type Anomaly = z.infer<typeof Anomaly>;
