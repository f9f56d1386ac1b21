// The processor's station read models (`/api/sensor/...`), validated before the UI trusts them.
// These shapes are an HTTP API of the processor for its own UI, so they live here rather than in
// contracts/ (which holds the events every component shares).
import { z } from 'zod';
import { Anomaly, AnomalyDriver, Severity } from '../../../../contracts/index.ts';
import { ApiError, getJson, type ApiOptions } from '../../lib/api-json.ts';
import type { FetchLike } from '../../lib/fetch-like.ts';

/** One row of `GET /api/sensor/stations`. */
export const StationSummary = z.object({
  station: z.string(),
  readings: z.number(),
  /** Event time of the newest reading, epoch ms. */
  lastTs: z.number(),
  channels: z.array(z.string()),
  anomalies: z.number(),
  lastAnomalyTs: z.number().nullable(),
});
export type StationSummary = z.infer<typeof StationSummary>;

export const StationList = z.object({ stations: z.array(StationSummary) });
export type StationList = z.infer<typeof StationList>;

/** One scored reading of `GET /api/sensor/stations/:station/series`. */
export const SeriesPoint = z.object({
  /** Event time, epoch ms. */
  ts: z.number(),
  eventId: z.string(),
  values: z.record(z.string(), z.number()),
  score: z.number().min(0).max(100),
  severity: Severity.nullable(),
  /** Feature or channel that drove the score most; may be empty for an unscored reading. */
  topFeature: z.string(),
  /** Cluster of the model chain; absent or null until a model scores the station. */
  cluster: z.number().int().nullish(),
});
export type SeriesPoint = z.infer<typeof SeriesPoint>;

export const StationSeries = z.object({ station: z.string(), points: z.array(SeriesPoint) });
export type StationSeries = z.infer<typeof StationSeries>;

export class StationApiError extends ApiError {
  override name = 'StationApiError';
}

export type { FetchLike };

export type StationApiOptions = ApiOptions;

/** Largest window the series endpoint serves. */
export const MAX_SERIES_LIMIT = 20_000;

/** Every station the processor has stored readings of, by id. */
export function fetchStations(options: StationApiOptions = {}): Promise<StationList> {
  return getJson('/api/sensor/stations', StationList, options, StationApiError);
}

/** The newest `limit` scored readings of a station (1–20000), oldest first. */
export function fetchStationSeries(station: string, limit: number, options: StationApiOptions = {}): Promise<StationSeries> {
  const n = Math.max(1, Math.min(MAX_SERIES_LIMIT, Math.floor(limit)));
  return getJson(`/api/sensor/stations/${encodeURIComponent(station)}/series?limit=${n}`, StationSeries, options, StationApiError);
}

const STATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `GET /api/sensor/stations/:station/anomalies`: newest first, contract Anomalies. */
export const StationAnomalies = z.object({ station: z.string(), anomalies: z.array(Anomaly) });
export type StationAnomalies = z.infer<typeof StationAnomalies>;

/** The station's newest stored anomaly (for its drivers' reasons), or null when it has none. */
export async function fetchLatestAnomaly(station: string, options: StationApiOptions = {}): Promise<Anomaly | null> {
  if (!STATION_ID.test(station)) return null;
  const { anomalies } = await getJson(`/api/sensor/stations/${encodeURIComponent(station)}/anomalies?limit=1`, StationAnomalies, options, StationApiError);
  return anomalies[0] ?? null;
}
