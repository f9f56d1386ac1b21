import { z } from 'zod';
import { Severity } from './severity.ts';

/**
 * What trade screens receive live. A company view (the generic entity room of domain `trade`)
 * gets every scored declaration of that company (`trade:declaration`); the overview joins the
 * `trade:companies` room and gets, per micro-batch, the companies whose declarations scored
 * highest in it (`trade:top-companies`). Trade anomalies arrive as ordinary `anomaly` events.
 */

/** One scored declaration, for the screens watching its company. */
export const LiveDeclaration = z.object({
  eventId: z.string(),
  ts: z.number(),
  exporterId: z.string(),
  subheading: z.string(),
  port: z.string(),
  destination: z.string(),
  fobUsd: z.number(),
  netKg: z.number(),
  score: z.number().min(0).max(100),
  severity: Severity.nullable(),
  /** The feature group that drove the score most ('' below any signal). */
  topFeature: z.string(),
  /** Exact Shapley values of the score by feature group (see Anomaly.attributions); absent when not computed. */
  shapley: z.record(z.string(), z.number()).optional(),
});
export type LiveDeclaration = z.infer<typeof LiveDeclaration>;

/** A company's strongest declaration in one micro-batch. */
export const LiveCompanyScore = z.object({
  exporterId: z.string(),
  exporterName: z.string(),
  maxScore: z.number().min(0).max(100),
  declarations: z.number().int(),
  /** Its declarations in the batch at or above the minor band (absent from older processors). */
  anomalies: z.number().int().optional(),
  fobUsd: z.number(),
  topFeature: z.string(),
});
export type LiveCompanyScore = z.infer<typeof LiveCompanyScore>;

/** The top companies of one micro-batch, highest score first. */
export const LiveTopCompanies = z.object({ until: z.number(), companies: z.array(LiveCompanyScore) });
export type LiveTopCompanies = z.infer<typeof LiveTopCompanies>;

export const TRADE_SOCKET_EVENTS = {
  /** Server → client: a LiveDeclaration of the company the client watches. */
  declaration: 'trade:declaration',
  /** Server → client: LiveTopCompanies, to clients in the companies room. */
  topCompanies: 'trade:top-companies',
  /** Client → server: `{}`: join the companies room. */
  watchCompanies: 'trade:watch-companies',
} as const;
