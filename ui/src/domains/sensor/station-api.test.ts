import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fetchLatestAnomaly, fetchStations, fetchStationSeries, StationApiError, type FetchLike } from './station-api.ts';

function fakeFetch(status: number, body: unknown, calls: Array<{ url: string; init?: unknown }> = []): FetchLike {
  return async (url, init) => {
    calls.push({ url, init });
    return { ok: status >= 200 && status < 300, status, json: async () => body };
  };
}

const POINT = { ts: 1, eventId: 'st-001@1', values: { pressure: 4.1 }, score: 12.5, severity: null, topFeature: 'pressure' };

describe('fetchStations', () => {
  it('returns the validated list', async () => {
    const body = { stations: [{ station: 'st-001', readings: 10, lastTs: 5, channels: ['flow'], anomalies: 1, lastAnomalyTs: 4 }] };
    assert.deepEqual(await fetchStations({ fetch: fakeFetch(200, body) }), body);
  });

  it('rejects an answer of the wrong shape with a StationApiError that says what is wrong', async () => {
    await assert.rejects(fetchStations({ fetch: fakeFetch(200, { stations: [{ station: 'st-001' }] }) }), (err: unknown) => {
      assert.ok(err instanceof StationApiError);
      assert.match(err.message, /unexpected shape/);
      assert.match(err.message, /readings/);
      return true;
    });
  });

  it('reports an unreachable processor as status 0', async () => {
    const failing: FetchLike = async () => {
      throw new TypeError('fetch failed');
    };
    await assert.rejects(fetchStations({ fetch: failing, baseUrl: 'http://x' }), (err: unknown) => err instanceof StationApiError && err.status === 0 && /http:\/\/x\/api\/sensor\/stations/.test(err.message));
  });
});

describe('fetchStationSeries', () => {
  it('asks for the station (encoded) and a clamped limit, and accepts points with or without a cluster', async () => {
    const calls: Array<{ url: string }> = [];
    const body = { station: 'st 1', points: [POINT, { ...POINT, eventId: 'b', cluster: 3 }, { ...POINT, eventId: 'c', cluster: null, severity: 'major' }] };
    const series = await fetchStationSeries('st 1', 99_999, { fetch: fakeFetch(200, body, calls) });
    assert.equal(calls[0]!.url, '/api/sensor/stations/st%201/series?limit=20000');
    assert.deepEqual(
      series.points.map((p) => p.cluster),
      [undefined, 3, null],
    );
  });

  it("passes on the server's error message", async () => {
    await assert.rejects(fetchStationSeries('bad!', 10, { fetch: fakeFetch(400, { error: 'station ids are 1–64 characters' }) }), (err: unknown) => {
      assert.ok(err instanceof StationApiError);
      assert.equal(err.status, 400);
      assert.match(err.message, /400: station ids are/);
      return true;
    });
  });

  it('rejects a score outside 0–100 and an unknown severity', async () => {
    await assert.rejects(fetchStationSeries('st-001', 10, { fetch: fakeFetch(200, { station: 'st-001', points: [{ ...POINT, score: 120 }] }) }), StationApiError);
    await assert.rejects(fetchStationSeries('st-001', 10, { fetch: fakeFetch(200, { station: 'st-001', points: [{ ...POINT, severity: 'huge' }] }) }), StationApiError);
  });
});

describe('fetchLatestAnomaly', () => {
  const anomaly = {
    id: 'live:st-001@5',
    runId: 'live',
    domain: 'sensor',
    entity: 'st-001',
    eventId: 'st-001@5',
    ts: 5,
    score: 91.5,
    severity: 'major',
    detector: 'online@1',
    drivers: [{ feature: 'flow', score: 91.5, value: 2, expected: 1, reason: 'flow jumped' }],
    values: { flow: 2 },
    emittedAt: 9,
  };

  it('reads the newest stored anomaly with its drivers from the station API', async () => {
    const calls: Array<{ url: string; init?: unknown }> = [];
    const a = await fetchLatestAnomaly('st-001', { fetch: fakeFetch(200, { station: 'st-001', anomalies: [anomaly] }, calls) });
    assert.equal(calls[0]!.url, '/api/sensor/stations/st-001/anomalies?limit=1');
    assert.equal(a?.ts, 5);
    assert.equal(a?.drivers[0]?.reason, 'flow jumped');
  });

  it('is null without anomalies, and never asks for an id outside the station alphabet', async () => {
    assert.equal(await fetchLatestAnomaly('st-001', { fetch: fakeFetch(200, { station: 'st-001', anomalies: [] }) }), null);
    const calls: Array<{ url: string }> = [];
    assert.equal(await fetchLatestAnomaly("x' OR 1=1 --", { fetch: fakeFetch(200, { station: 'x', anomalies: [anomaly] }, calls) }), null);
    assert.equal(calls.length, 0);
  });

  it('rejects a response that is not the contract', async () => {
    await assert.rejects(fetchLatestAnomaly('st-001', { fetch: fakeFetch(200, { station: 'st-001', anomalies: [{ ...anomaly, score: 300 }] }) }), StationApiError);
  });
});
