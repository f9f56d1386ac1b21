// The feed's rows: anomalous declarations newest first, one per id. The HTTP list carries the
// route (subheading, port, destination) and the company name; a live `Anomaly` does not, so its
// row is shown at once with what it has and completed when the list is fetched again.
import type { Anomaly, TradeAnomalyItem } from '../../../../contracts/index.ts';

export interface TradeAnomalyRow extends TradeAnomalyItem {
  /** False for a live anomaly not yet completed from the API (no route, no name). */
  complete: boolean;
}

export const DEFAULT_ANOMALY_ROWS = 60;

export function rowFromAnomaly(a: Anomaly): TradeAnomalyRow {
  return {
    id: a.id,
    eventId: a.eventId,
    ts: a.ts,
    exporterId: a.entity,
    exporterName: '',
    subheading: '',
    port: '',
    destination: '',
    fobUsd: a.values.fob_usd ?? 0,
    netKg: a.values.net_kg ?? 0,
    score: a.score,
    severity: a.severity,
    detector: a.detector,
    topGroup: a.drivers[0]?.feature.split('.')[0] ?? '',
    drivers: a.drivers,
    attributions: a.attributions ?? [],
    explained: a.attributions?.length && a.values.model_score !== undefined ? { modelScore: a.values.model_score, baseline: a.values.shapley_baseline ?? 0 } : null,
    complete: false,
  };
}

export const rowFromApi = (item: TradeAnomalyItem): TradeAnomalyRow => ({ ...item, complete: true });

/** `incoming` over `current`: a complete row replaces a live one, never the other way round. */
export function mergeAnomalyRows(current: readonly TradeAnomalyRow[], incoming: readonly TradeAnomalyRow[], max = DEFAULT_ANOMALY_ROWS): TradeAnomalyRow[] {
  const byId = new Map(current.map((r) => [r.id, r]));
  for (const r of incoming) {
    const held = byId.get(r.id);
    if (!held || r.complete || !held.complete) byId.set(r.id, r);
  }
  return [...byId.values()].sort((a, b) => b.ts - a.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, Math.max(1, max));
}

export const hasIncompleteRows = (rows: readonly TradeAnomalyRow[]) => rows.some((r) => !r.complete);
