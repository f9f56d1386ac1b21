import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Anomaly, FareAnomaly, LiveCellBoundary } from '../../../../contracts/index.ts';
import { fetchCellAnomalies, fetchCellSeries, fetchFareAnomalies, fetchTripCells, TripApiError, type FetchLike } from './trip-api.ts';

function fakeFetch(status: number, body: unknown, calls: string[] = []): FetchLike {
  return async (url) => {
    calls.push(url);
    return { ok: status >= 200 && status < 300, status, json: async () => body };
  };
}

const BOUNDARY: LiveCellBoundary = {
  resolution: 8,
  windowEnd: Date.UTC(2026, 2, 2, 18, 5),
  cells: [{ cell: '882a100d65fffff', score: 91, severity: 'major', direction: 'surge', pickups: 30, expected: 9.5, driver: 'pickups_15m_z' }],
};
const FARE: FareAnomaly = {
  tripId: 't-1',
  ts: 1,
  score: 96,
  severity: 'critical',
  driver: 'fare_residual',
  reason: 'fare 4× the meter',
  fare: 90,
  expectedFare: 21,
  distance: 3,
  durationMin: 12,
  pickupCell: '882a100d65fffff',
};
const ANOMALY: Anomaly = {
  id: 'live:882a100d65fffff@1',
  runId: 'live',
  domain: 'trip',
  entity: '882a100d65fffff',
  eventId: '882a100d65fffff@1',
  ts: 1,
  score: 91,
  severity: 'major',
  detector: 'trip-demand@1',
  drivers: [],
  values: { pickups_15m: 30 },
  emittedAt: 2,
};

describe('fetchTripCells', () => {
  it('returns the validated latest boundary of the resolution asked for', async () => {
    const calls: string[] = [];
    assert.deepEqual(await fetchTripCells(8, { fetch: fakeFetch(200, BOUNDARY, calls), baseUrl: 'http://h' }), BOUNDARY);
    assert.deepEqual(calls, ['http://h/api/trip/cells?resolution=8']);
  });

  it('reads 404 as "nothing scored yet"', async () => {
    assert.equal(await fetchTripCells(9, { fetch: fakeFetch(404, { error: 'no boundary scored yet' }) }), null);
  });

  it('rejects a boundary of another resolution or the wrong shape, naming the field', async () => {
    await assert.rejects(fetchTripCells(7, { fetch: fakeFetch(200, BOUNDARY) }), /resolution 8/);
    await assert.rejects(fetchTripCells(8, { fetch: fakeFetch(200, { ...BOUNDARY, cells: [{ cell: 'x', score: 101 }] }) }), (e: unknown) => {
      assert.ok(e instanceof TripApiError);
      assert.match(e.message, /unexpected shape/);
      assert.match(e.message, /score/);
      return true;
    });
  });

  it('carries the server error and status; an unreachable server is status 0', async () => {
    await assert.rejects(fetchTripCells(8, { fetch: fakeFetch(500, { error: 'store down' }) }), (e: unknown) => e instanceof TripApiError && e.status === 500 && /store down/.test(e.message));
    const failing: FetchLike = async () => {
      throw new TypeError('fetch failed');
    };
    await assert.rejects(fetchTripCells(8, { fetch: failing }), (e: unknown) => e instanceof TripApiError && e.status === 0 && /Could not reach/.test(e.message));
  });

  it('lets an abort through as is', async () => {
    const aborting: FetchLike = async () => {
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    };
    await assert.rejects(fetchTripCells(8, { fetch: aborting }), (e: unknown) => (e as Error).name === 'AbortError');
  });
});

describe('fetchCellSeries', () => {
  it('encodes the cell, clamps the hours and validates the points', async () => {
    const calls: string[] = [];
    const body = { cell: 'a/b', resolution: 9, points: [{ windowEnd: 1, pickups15m: 2, pickups60m: 5, dropoffs60m: 4, expected15m: null, score: 3 }] };
    assert.deepEqual(await fetchCellSeries('a/b', 999, { fetch: fakeFetch(200, body, calls) }), body);
    assert.deepEqual(calls, ['/api/trip/cells/a%2Fb/series?hours=168']);
    await fetchCellSeries('c', 0, { fetch: fakeFetch(200, { ...body, cell: 'c' }, calls) });
    assert.equal(calls[1], '/api/trip/cells/c/series?hours=1');
    await assert.rejects(fetchCellSeries('c', 6, { fetch: fakeFetch(200, { cell: 'c', resolution: 6, points: [] }) }), /unexpected shape/);
  });
});

describe('fetchCellAnomalies / fetchFareAnomalies', () => {
  it('return the validated lists', async () => {
    const calls: string[] = [];
    assert.deepEqual(await fetchCellAnomalies('882a100d65fffff', 50, { fetch: fakeFetch(200, { anomalies: [ANOMALY] }, calls) }), [ANOMALY]);
    assert.deepEqual(await fetchFareAnomalies(100, { fetch: fakeFetch(200, { anomalies: [FARE] }, calls) }), [FARE]);
    assert.deepEqual(calls, ['/api/trip/cells/882a100d65fffff/anomalies?limit=50', '/api/trip/fare-anomalies?limit=100']);
  });

  it('reject a fare row without the fields the list shows', async () => {
    const { expectedFare: _, ...noExpected } = FARE;
    await assert.rejects(fetchFareAnomalies(10, { fetch: fakeFetch(200, { anomalies: [noExpected] }) }), /expectedFare/);
  });

  it('report a missing route with its status', async () => {
    await assert.rejects(fetchFareAnomalies(10, { fetch: fakeFetch(404, { error: 'not found' }) }), (e: unknown) => e instanceof TripApiError && e.status === 404);
  });
});
