import { z } from 'zod';
import { Domain } from './domain.ts';
import { Severity } from './severity.ts';

/**
 * One scored reading pushed to screens that watch its entity (socket.io event `reading`, room
 * of the entity only — a station view, never the whole feed).
 */
export const LiveReading = z.object({
  domain: Domain,
  entity: z.string(),
  eventId: z.string(),
  ts: z.number(),
  values: z.record(z.string(), z.number()),
  score: z.number().min(0).max(100),
  severity: Severity.nullable(),
  /** The feature or channel that drove the score most. */
  topFeature: z.string(),
  /** Cluster of the model chain, when a model scored the reading. */
  cluster: z.number().int().nullable(),
});
export type LiveReading = z.infer<typeof LiveReading>;
