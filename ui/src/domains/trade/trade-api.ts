// The processor's trade read models (`/api/trade/...`), validated with the shared contract before
// the UI trusts them. A failed or malformed answer becomes a TradeApiError carrying the HTTP
// status (0 when no answer came) and a message a user can act on.
import { z } from 'zod';
import { TradeAnomalyList, TradeGraph, TradeTopCompanies, type TradeAnomalyItem } from '../../../../contracts/index.ts';
import type { FetchLike } from '../../lib/fetch-like.ts';

export class TradeApiError extends Error {
  override name = 'TradeApiError';
  constructor(
    message: string,
    readonly url: string,
    /** HTTP status; 0 when the processor could not be reached. */
    readonly status: number,
  ) {
    super(message);
  }
}

export interface TradeApiOptions {
  /** Default: the page's `fetch`. */
  fetch?: FetchLike;
  /** Prefix of every URL. Default `''` (same origin as the page). */
  baseUrl?: string;
  signal?: AbortSignal;
}

async function getJson<T>(path: string, schema: z.ZodType<T>, options: TradeApiOptions): Promise<T> {
  const doFetch = options.fetch ?? ((url, init) => fetch(url, init));
  const url = `${options.baseUrl ?? ''}${path}`;
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await doFetch(url, { signal: options.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new TradeApiError(`Could not reach the processor at ${url}: ${(err as Error).message}`, url, 0);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const reason = (body as { error?: unknown } | undefined)?.error;
    throw new TradeApiError(`${url} answered ${res.status}${typeof reason === 'string' ? `: ${reason}` : ''}`, url, res.status);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new TradeApiError(`${url} answered in an unexpected shape:\n${z.prettifyError(parsed.error)}`, url, res.status);
  return parsed.data;
}

/** The newest anomalous declarations (1–500), newest first. */
export async function fetchTradeAnomalies(limit: number, options: TradeApiOptions = {}): Promise<TradeAnomalyItem[]> {
  return (await getJson(`/api/trade/anomalies?limit=${Math.max(1, Math.min(500, Math.floor(limit)))}`, TradeAnomalyList, options)).anomalies;
}

/** The companies that scored highest over the last `hours` of event time. */
export function fetchTopCompanies(hours: number, limit: number, options: TradeApiOptions = {}): Promise<TradeTopCompanies> {
  return getJson(`/api/trade/companies/top?hours=${hours}&limit=${limit}`, TradeTopCompanies, options);
}

/** A company's neighbourhood, around one of its declarations. */
export function fetchCompanyGraph(exporterId: string, eventId: string | null, days: number, options: TradeApiOptions = {}): Promise<TradeGraph> {
  const q = new URLSearchParams({ days: String(days) });
  if (eventId) q.set('event', eventId);
  return getJson(`/api/trade/companies/${encodeURIComponent(exporterId)}/graph?${q}`, TradeGraph, options);
}
