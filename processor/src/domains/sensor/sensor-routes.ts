import { Hono } from 'hono';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Anomaly } from '../../../../contracts/index.ts';

const STATION = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Read models for the station view: the station list and one station's recent readings with
 * their scores. Parameters are bound, never spliced into SQL.
 */
export function createSensorRoutes(store: ClickHouseClient): Hono {
  const app = new Hono();

  app.get('/stations', async (c) => {
    const res = await store.query({
      query: `SELECT station, count() AS readings, toUnixTimestamp64Milli(max(ts)) AS last_ts,
                     groupUniqArrayArray(mapKeys(channels)) AS channels
              FROM sensor_events WHERE run_id = 'live' GROUP BY station ORDER BY station`,
      format: 'JSONEachRow',
    });
    const anomalies = await store.query({
      query: `SELECT entity AS station, count() AS anomalies, toUnixTimestamp64Milli(max(ts)) AS last_anomaly_ts
              FROM anomalies WHERE run_id = 'live' AND domain = 'sensor' GROUP BY entity`,
      format: 'JSONEachRow',
    });
    const byStation = new Map((await anomalies.json<{ station: string; anomalies: string; last_anomaly_ts: string }>()).map((r) => [r.station, r]));
    const rows = (await res.json<{ station: string; readings: string; last_ts: string; channels: string[] }>()).map((r) => ({
      station: r.station,
      readings: Number(r.readings),
      lastTs: Number(r.last_ts),
      channels: [...r.channels].sort(),
      anomalies: Number(byStation.get(r.station)?.anomalies ?? 0),
      lastAnomalyTs: byStation.has(r.station) ? Number(byStation.get(r.station)!.last_anomaly_ts) : null,
    }));
    return c.json({ stations: rows });
  });

  app.get('/stations/:station/series', async (c) => {
    const station = c.req.param('station');
    if (!STATION.test(station)) return c.json({ error: 'station ids are 1–64 characters of A–Z, a–z, 0–9, _ or -' }, 400);
    const limit = Number(c.req.query('limit') ?? 1440);
    if (!Number.isInteger(limit) || limit < 1 || limit > 20_000) return c.json({ error: 'limit must be a whole number from 1 to 20000' }, 400);
    // The newest `limit` readings of the station, oldest first, with their scores.
    const res = await store.query({
      query: `SELECT toUnixTimestamp64Milli(e.ts) AS ts, e.event_id AS event_id, e.channels AS values,
                     s.score AS score, s.severity AS severity, s.top_feature AS top_feature, s.cluster AS cluster
              FROM (SELECT * FROM sensor_events FINAL WHERE run_id = 'live' AND station = {station:String} ORDER BY ts DESC LIMIT {limit:UInt32}) AS e
              LEFT JOIN (SELECT event_id, score, severity, top_feature, cluster FROM scores FINAL WHERE run_id = 'live' AND domain = 'sensor' AND entity = {station:String}) AS s
              ON s.event_id = e.event_id
              ORDER BY ts`,
      query_params: { station, limit },
      format: 'JSONEachRow',
    });
    const points = (await res.json<{ ts: string; event_id: string; values: Record<string, number>; score: number; severity: string; top_feature: string; cluster: number }>()).map((r) => ({
      ts: Number(r.ts),
      eventId: r.event_id,
      values: r.values,
      score: r.score,
      severity: r.severity || null,
      topFeature: r.top_feature,
      cluster: r.cluster >= 0 ? r.cluster : null,
    }));
    return c.json({ station, points });
  });

  // The station's newest anomalies, as the contract's Anomaly (drivers with their reasons).
  app.get('/stations/:station/anomalies', async (c) => {
    const station = c.req.param('station');
    if (!STATION.test(station)) return c.json({ error: 'station ids are 1–64 characters of A–Z, a–z, 0–9, _ or -' }, 400);
    const limit = Number(c.req.query('limit') ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return c.json({ error: 'limit must be a whole number from 1 to 1000' }, 400);
    const res = await store.query({
      query: `SELECT run_id, event_id, toUnixTimestamp64Milli(ts) AS ts, score, severity, detector, drivers, values,
                     toUnixTimestamp64Milli(emitted_at) AS emitted_at
              FROM anomalies FINAL WHERE run_id = 'live' AND domain = 'sensor' AND entity = {station:String}
              ORDER BY ts DESC LIMIT {limit:UInt32}`,
      query_params: { station, limit },
      format: 'JSONEachRow',
    });
    const rows = await res.json<{ run_id: string; event_id: string; ts: string; score: number; severity: string; detector: string; drivers: string; values: Record<string, number>; emitted_at: string }>();
    const anomalies: Anomaly[] = rows.map((r) => ({
      id: `${r.run_id}:${r.event_id}`,
      runId: r.run_id,
      domain: 'sensor',
      entity: station,
      eventId: r.event_id,
      ts: Number(r.ts),
      score: Math.min(100, Math.max(0, r.score)),
      severity: r.severity as Anomaly['severity'],
      detector: r.detector,
      drivers: JSON.parse(r.drivers) as Anomaly['drivers'],
      values: r.values,
      emittedAt: Number(r.emitted_at),
    }));
    return c.json({ station, anomalies });
  });

  return app;
}
