// The processor's trip read models (`/api/trip/...`), validated with the shared contract before
// the UI trusts them. Same rules as station-api.ts: a failed or malformed answer becomes a
// TripApiError carrying the HTTP status (0 when no answer came) and a message a user can act on.
import { z } from 'zod';
import { Anomaly, CellSeriesPoint, FareAnomaly, LiveCellBoundary, TripResolution } from '../../../../contracts/index.ts';
import { ApiError, getJson, type ApiOptions } from '../../lib/api-json.ts';
import type { FetchLike } from '../../lib/fetch-like.ts';

export type { FetchLike };

/** `GET /api/trip/cells/:cell/series`: ascending window end. */
export const CellSeries = z.object({ cell: z.string(), resolution: TripResolution, points: z.array(CellSeriesPoint) });
export type CellSeries = z.infer<typeof CellSeries>;

/** `GET /api/trip/cells/:cell/anomalies`: newest first. */
export const CellAnomalies = z.object({ anomalies: z.array(Anomaly) });

/** `GET /api/trip/fare-anomalies`: newest first. */
export const FareAnomalies = z.object({ anomalies: z.array(FareAnomaly) });

export class TripApiError extends ApiError {
  override name = 'TripApiError';
}

export type TripApiOptions = ApiOptions;

/** Hours of series the panel asks for by default. */
export const DEFAULT_SERIES_HOURS = 6;

const clampInt = (n: number, min: number, max: number) => Math.max(min, Math.min(max, Math.floor(Number.isFinite(n) ? n : min)));

/** The latest scored boundary of a resolution, or null when nothing is scored yet (404). */
export async function fetchTripCells(resolution: TripResolution, options: TripApiOptions = {}): Promise<LiveCellBoundary | null> {
  try {
    const b = await getJson(`/api/trip/cells?resolution=${resolution}`, LiveCellBoundary, options, TripApiError);
    if (b.resolution !== resolution) {
      throw new TripApiError(`/api/trip/cells?resolution=${resolution} answered with resolution ${b.resolution}`, `/api/trip/cells?resolution=${resolution}`, 200);
    }
    return b;
  } catch (err) {
    if (err instanceof TripApiError && err.status === 404) return null;
    throw err;
  }
}

/** A cell's recent series, `hours` (1–168) back from its newest point, ascending. */
export function fetchCellSeries(cell: string, hours: number = DEFAULT_SERIES_HOURS, options: TripApiOptions = {}): Promise<CellSeries> {
  return getJson(`/api/trip/cells/${encodeURIComponent(cell)}/series?hours=${clampInt(hours, 1, 168)}`, CellSeries, options, TripApiError);
}

/** A cell's newest demand anomalies (1–500), newest first. */
export async function fetchCellAnomalies(cell: string, limit = 50, options: TripApiOptions = {}): Promise<Anomaly[]> {
  const { anomalies } = await getJson(`/api/trip/cells/${encodeURIComponent(cell)}/anomalies?limit=${clampInt(limit, 1, 500)}`, CellAnomalies, options, TripApiError);
  return anomalies;
}

/** The newest fare anomalies (1–1000), newest first. */
export async function fetchFareAnomalies(limit = 100, options: TripApiOptions = {}): Promise<FareAnomaly[]> {
  const { anomalies } = await getJson(`/api/trip/fare-anomalies?limit=${clampInt(limit, 1, 1000)}`, FareAnomalies, options, TripApiError);
  return anomalies;
}
