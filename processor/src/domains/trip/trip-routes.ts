import { Hono } from 'hono';
import type { ClickHouseClient } from '@clickhouse/client';
import { isValidCell, getResolution } from 'h3-js';
import { TRIP_RESOLUTIONS, type Anomaly, type CellSeriesPoint, type FareAnomaly, type LiveCellBoundary } from '../../../../contracts/index.ts';
import { fillQuietBoundaries } from './fill-quiet-boundaries.ts';
import { TRIP_CELL_WINDOWS } from './trip-cell-features.ts';

const RUN = 'live';

/** A whole number in [min, max] from a query parameter, the default when absent, or an error text. */
function intParam(raw: string | undefined, def: number, min: number, max: number, name: string): number | string {
  if (raw === undefined) return def;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : `${name} must be a whole number from ${min} to ${max}`;
}

function cellError(cell: string): string | null {
  if (!isValidCell(cell)) return `'${cell}' is not an H3 cell index (15 hex digits, e.g. 882a100d25fffff)`;
  const r = getResolution(cell);
  return (TRIP_RESOLUTIONS as readonly number[]).includes(r) ? null : `cell ${cell} has resolution ${r}; the map scores resolutions ${TRIP_RESOLUTIONS.join(', ')}`;
}

/**
 * Read models for the trip map: the latest scored boundary of a resolution, one cell's
 * series and anomalies, and the fare-anomaly list. Parameters are bound, never spliced.
 */
export function createTripRoutes(store: ClickHouseClient): Hono {
  const app = new Hono();

  app.get('/cells', async (c) => {
    const resolution = Number(c.req.query('resolution') ?? 8);
    if (!(TRIP_RESOLUTIONS as readonly number[]).includes(resolution)) return c.json({ error: `resolution must be one of ${TRIP_RESOLUTIONS.join(', ')}` }, 400);
    const latest = await store.query({
      query: `SELECT toUnixTimestamp64Milli(max(window_end)) AS last, count() AS n FROM trip_cell_windows WHERE run_id = {run:String} AND resolution = {res:UInt8}`,
      query_params: { run: RUN, res: resolution },
      format: 'JSONEachRow',
    });
    const [{ last, n } = { last: '0', n: '0' }] = await latest.json<{ last: string; n: string }>();
    if (Number(n) === 0) return c.json({ error: `no trip cells scored yet at resolution ${resolution}` }, 404);
    const res = await store.query({
      query: `SELECT cell, score, severity, direction, pickups_15m, expected_15m, top_feature, toUnixTimestamp64Milli(window_end) AS window_end_ms
              FROM trip_cell_windows FINAL
              WHERE run_id = {run:String} AND resolution = {res:UInt8} AND window_end = fromUnixTimestamp64Milli({last:Int64}, 'UTC')
              ORDER BY cell`,
      query_params: { run: RUN, res: resolution, last: Number(last) },
      format: 'JSONEachRow',
    });
    const rows = await res.json<{ cell: string; score: number; severity: string; direction: string; pickups_15m: number; expected_15m: number | null; top_feature: string; window_end_ms: string }>();
    if (rows.length === 0) return c.json({ error: `no trip cells scored yet at resolution ${resolution}` }, 404);
    const body: LiveCellBoundary = {
      resolution: resolution as LiveCellBoundary['resolution'],
      windowEnd: Number(rows[0]!.window_end_ms),
      cells: rows.map((r) => ({
        cell: r.cell,
        score: r.score,
        severity: (r.severity || null) as LiveCellBoundary['cells'][number]['severity'],
        direction: (r.direction || null) as LiveCellBoundary['cells'][number]['direction'],
        pickups: Number(r.pickups_15m),
        expected: r.expected_15m === null ? null : Number(r.expected_15m),
        driver: r.top_feature,
      })),
    };
    return c.json(body);
  });

  app.get('/cells/:cell/series', async (c) => {
    const cell = c.req.param('cell');
    const bad = cellError(cell);
    if (bad) return c.json({ error: bad }, 400);
    const hours = intParam(c.req.query('hours'), 6, 1, 24 * 14, 'hours');
    if (typeof hours === 'string') return c.json({ error: hours }, 400);
    // The last `hours` of the cell: its newest boundaries (12 per hour), oldest first in the reply.
    const res = await store.query({
      query: `SELECT toUnixTimestamp64Milli(window_end) AS window_end_ms, pickups_15m, pickups_60m, dropoffs_60m, expected_15m, score
              FROM trip_cell_windows FINAL
              WHERE run_id = {run:String} AND cell = {cell:String}
              ORDER BY window_end DESC LIMIT {points:UInt32}`,
      query_params: { run: RUN, cell, points: hours * 12 },
      format: 'JSONEachRow',
    });
    const stored: CellSeriesPoint[] = (await res.json<{ window_end_ms: string; pickups_15m: number; pickups_60m: number; dropoffs_60m: number; expected_15m: number | null; score: number }>()).map((r) => ({
      windowEnd: Number(r.window_end_ms),
      pickups15m: Number(r.pickups_15m),
      pickups60m: Number(r.pickups_60m),
      dropoffs60m: Number(r.dropoffs_60m),
      expected15m: r.expected_15m === null ? null : Number(r.expected_15m),
      score: r.score,
    })).reverse();
    return c.json({ cell, resolution: getResolution(cell), points: fillQuietBoundaries(stored, TRIP_CELL_WINDOWS.hopMs, hours * 12) });
  });

  app.get('/cells/:cell/anomalies', async (c) => {
    const cell = c.req.param('cell');
    const bad = cellError(cell);
    if (bad) return c.json({ error: bad }, 400);
    const limit = intParam(c.req.query('limit'), 50, 1, 1000, 'limit');
    if (typeof limit === 'string') return c.json({ error: limit }, 400);
    const res = await store.query({
      query: `SELECT run_id, event_id, toUnixTimestamp64Milli(ts) AS ts, score, severity, detector, drivers, values,
                     toUnixTimestamp64Milli(emitted_at) AS emitted_at
              FROM anomalies FINAL WHERE run_id = {run:String} AND domain = 'trip' AND entity = {cell:String}
              ORDER BY ts DESC LIMIT {limit:UInt32}`,
      query_params: { run: RUN, cell, limit },
      format: 'JSONEachRow',
    });
    const rows = await res.json<{ run_id: string; event_id: string; ts: string; score: number; severity: string; detector: string; drivers: string; values: Record<string, number>; emitted_at: string }>();
    const anomalies: Anomaly[] = rows.map((r) => ({
      id: `${r.run_id}:${r.event_id}`,
      runId: r.run_id,
      domain: 'trip',
      entity: cell,
      eventId: r.event_id,
      ts: Number(r.ts),
      score: r.score,
      severity: r.severity as Anomaly['severity'],
      detector: r.detector,
      drivers: JSON.parse(r.drivers) as Anomaly['drivers'],
      values: r.values,
      emittedAt: Number(r.emitted_at),
    }));
    return c.json({ anomalies });
  });

  app.get('/fare-anomalies', async (c) => {
    const limit = intParam(c.req.query('limit'), 100, 1, 1000, 'limit');
    if (typeof limit === 'string') return c.json({ error: limit }, 400);
    const res = await store.query({
      query: `SELECT s.event_id AS trip_id, toUnixTimestamp64Milli(s.ts) AS ts, s.score AS score, s.severity AS severity,
                     s.top_feature AS driver, s.drivers AS drivers, s.fare_amount AS fare, s.expected_fare AS expected_fare,
                     s.pickup_cell AS pickup_cell, e.trip_distance AS distance,
                     (toUnixTimestamp64Milli(e.ts) - toUnixTimestamp64Milli(e.pickup_ts)) / 60000 AS duration_min
              FROM (SELECT * FROM trip_scores FINAL WHERE run_id = {run:String} AND severity != '' ORDER BY ts DESC LIMIT {limit:UInt32}) AS s
              LEFT JOIN (SELECT event_id, ts, pickup_ts, trip_distance FROM trip_events FINAL WHERE run_id = {run:String}) AS e ON e.event_id = s.event_id
              ORDER BY ts DESC`,
      query_params: { run: RUN, limit },
      format: 'JSONEachRow',
    });
    const rows = await res.json<{ trip_id: string; ts: string; score: number; severity: string; driver: string; drivers: string; fare: number; expected_fare: number | null; pickup_cell: string; distance: number; duration_min: number }>();
    const anomalies: FareAnomaly[] = rows.map((r) => {
      const drivers = JSON.parse(r.drivers) as { reason?: string }[];
      return {
        tripId: r.trip_id,
        ts: Number(r.ts),
        score: r.score,
        severity: r.severity as FareAnomaly['severity'],
        driver: r.driver,
        reason: drivers[0]?.reason ?? '',
        fare: Number(r.fare),
        expectedFare: r.expected_fare === null ? null : Number(r.expected_fare),
        distance: Number(r.distance),
        durationMin: Number(r.duration_min),
        pickupCell: r.pickup_cell,
      };
    });
    return c.json({ anomalies });
  });

  return app;
}
