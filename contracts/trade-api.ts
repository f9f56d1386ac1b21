import { z } from 'zod';
import { AnomalyDriver, Attribution } from './anomaly.ts';
import { Severity } from './severity.ts';

/**
 * What the trade read models (`/api/trade/...`) answer. The processor builds them from
 * ClickHouse and the UI validates them with these same schemas before it draws anything.
 */

/** `GET /api/trade/anomalies`: one anomalous declaration with its route and its explanation. */
export const TradeAnomalyItem = z.object({
  /** `<runId>:<eventId>`, as the live `Anomaly.id`. */
  id: z.string(),
  eventId: z.string(),
  ts: z.number(),
  exporterId: z.string(),
  exporterName: z.string(),
  subheading: z.string(),
  port: z.string(),
  destination: z.string(),
  fobUsd: z.number(),
  netKg: z.number(),
  score: z.number().min(0).max(100),
  severity: Severity,
  detector: z.string(),
  /** Feature group of the strongest driver. */
  topGroup: z.string(),
  drivers: z.array(AnomalyDriver),
  /** Exact Shapley values per feature group, largest magnitude first; empty when the detector gives none. */
  attributions: z.array(Attribution),
  /**
   * The score the attributions explain: the model's own score, which the background's mean
   * (`baseline`) plus the attributions add up to. It is below `score` when a rule or a
   * behavioural signal decided the anomaly's score; null without Shapley values.
   */
  explained: z.object({ modelScore: z.number(), baseline: z.number() }).nullable(),
});
export type TradeAnomalyItem = z.infer<typeof TradeAnomalyItem>;

export const TradeAnomalyList = z.object({ anomalies: z.array(TradeAnomalyItem) });
export type TradeAnomalyList = z.infer<typeof TradeAnomalyList>;

/** `GET /api/trade/companies/top`: a company's declarations over the window. */
export const TradeCompanyRank = z.object({
  exporterId: z.string(),
  exporterName: z.string(),
  maxScore: z.number().min(0).max(100),
  /** Declarations at or above the minor band. */
  anomalies: z.number().int(),
  declarations: z.number().int(),
  fobUsd: z.number(),
  /** Feature group of its highest-scoring declaration ('' below any signal). */
  topGroup: z.string(),
  /** Its newest declaration, epoch ms. */
  lastTs: z.number(),
});
export type TradeCompanyRank = z.infer<typeof TradeCompanyRank>;

/** The window is `hours` of event time back from `until`, the newest scored declaration. */
export const TradeTopCompanies = z.object({ until: z.number().nullable(), hours: z.number(), companies: z.array(TradeCompanyRank) });
export type TradeTopCompanies = z.infer<typeof TradeTopCompanies>;

export const TRADE_NODE_KINDS = ['company', 'subheading', 'port', 'destination'] as const;
export const TradeNodeKind = z.enum(TRADE_NODE_KINDS);
export type TradeNodeKind = z.infer<typeof TradeNodeKind>;

/** A node of a company's neighbourhood; its volume is the company's own through it. */
export const TradeGraphNode = z.object({
  /** `<kind>:<value>`, e.g. `port:COCTG`. */
  id: z.string(),
  kind: TradeNodeKind,
  label: z.string(),
  fobUsd: z.number(),
  declarations: z.number().int(),
});
export type TradeGraphNode = z.infer<typeof TradeGraphNode>;

/** company → subheading, subheading → port or port → destination, summed over the company's routes. */
export const TradeGraphEdge = z.object({
  id: z.string(),
  source: z.string(),
  target: z.string(),
  fobUsd: z.number(),
  declarations: z.number().int(),
  /** On the focused declaration's route. */
  anomalous: z.boolean(),
  /** On that route and carrying no other declaration of the company in the window: new with it. */
  novel: z.boolean(),
});
export type TradeGraphEdge = z.infer<typeof TradeGraphEdge>;

/** The declaration a graph is drawn around (the `event` parameter). */
export const TradeGraphFocus = z.object({
  eventId: z.string(),
  ts: z.number(),
  subheading: z.string(),
  port: z.string(),
  destination: z.string(),
  score: z.number(),
  severity: z.string(),
  topGroup: z.string(),
});
export type TradeGraphFocus = z.infer<typeof TradeGraphFocus>;

/** `GET /api/trade/companies/:id/graph`: company ↔ subheadings ↔ ports ↔ destinations over days [from, to]. */
export const TradeGraph = z.object({
  exporterId: z.string(),
  /** Inclusive UTC days, `YYYY-MM-DD`. */
  from: z.string(),
  to: z.string(),
  nodes: z.array(TradeGraphNode),
  edges: z.array(TradeGraphEdge),
  focus: TradeGraphFocus.nullable(),
  /** Only the largest routes (by FOB) are drawn; true when some were left out. */
  truncated: z.boolean(),
});
export type TradeGraph = z.infer<typeof TradeGraph>;
