// The processor's trade read models (`/api/trade/...`), validated with the shared contract before
// the UI trusts them. A failed or malformed answer becomes a TradeApiError carrying the HTTP
// status (0 when no answer came) and a message a user can act on.
import { z } from 'zod';
import { TradeAnomalyList, TradeGraph, TradeTopCompanies, type TradeAnomalyItem } from '../../../../contracts/index.ts';
import { ApiError, getJson, type ApiOptions } from '../../lib/api-json.ts';
import type { FetchLike } from '../../lib/fetch-like.ts';

export class TradeApiError extends ApiError {
  override name = 'TradeApiError';
}

export type TradeApiOptions = ApiOptions;

/** The newest anomalous declarations (1–500), newest first. */
export async function fetchTradeAnomalies(limit: number, options: TradeApiOptions = {}): Promise<TradeAnomalyItem[]> {
  return (await getJson(`/api/trade/anomalies?limit=${Math.max(1, Math.min(500, Math.floor(limit)))}`, TradeAnomalyList, options, TradeApiError)).anomalies;
}

/** The companies that scored highest over the last `hours` of event time. */
export function fetchTopCompanies(hours: number, limit: number, options: TradeApiOptions = {}): Promise<TradeTopCompanies> {
  return getJson(`/api/trade/companies/top?hours=${hours}&limit=${limit}`, TradeTopCompanies, options, TradeApiError);
}

/** A company's neighbourhood, around one of its declarations. */
export function fetchCompanyGraph(exporterId: string, eventId: string | null, days: number, options: TradeApiOptions = {}): Promise<TradeGraph> {
  const q = new URLSearchParams({ days: String(days) });
  if (eventId) q.set('event', eventId);
  return getJson(`/api/trade/companies/${encodeURIComponent(exporterId)}/graph?${q}`, TradeGraph, options, TradeApiError);
}
