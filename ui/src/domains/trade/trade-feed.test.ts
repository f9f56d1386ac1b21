import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'svelte/store';
import type { Anomaly, TradeAnomalyItem } from '../../../../contracts/index.ts';
import type { FetchLike } from '../../lib/fetch-like.ts';
import { createTradeFeed } from './trade-feed.ts';
import { rankCompanies } from './trade-top-companies.ts';
import { FakeFeedSocket as FakeSocket } from '../../lib/fake-feed-socket.ts';


const tick = () => new Promise<void>((r) => setImmediate(r));
const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 12);

const item = (eventId: string, ts: number): TradeAnomalyItem => ({
  id: `live:${eventId}`, eventId, ts, exporterId: 'C1', exporterName: 'Café SA', subheading: '090111', port: 'COCTG', destination: 'US', fobUsd: 100, netKg: 10,
  score: 90, severity: 'major', detector: 'trade-interim@1', topGroup: 'price', drivers: [{ feature: 'price.uv_z', score: 90, value: -5, expected: 0, reason: 'r' }], attributions: [], explained: null,
});
const anomaly = (eventId: string, ts: number, domain: Anomaly['domain'] = 'trade'): Anomaly => ({
  id: `live:${eventId}`, runId: 'live', domain, entity: 'C1', eventId, ts, score: 90, severity: 'major', detector: 'trade-interim@1',
  drivers: [{ feature: 'price.uv_z', score: 90, value: -5, expected: 0, reason: 'r' }], values: { fob_usd: 100, net_kg: 10 }, emittedAt: ts,
});

describe('createTradeFeed', () => {
  it('loads the stored anomalies and companies, adds live ones, completes them from the API and joins its rooms', async () => {
    const socket = new FakeSocket();
    let stored = [item('D1', T0)];
    const asked: string[] = [];
    const fetch: FetchLike = async (url) => {
      asked.push(url);
      if (url.startsWith('/api/trade/anomalies')) return { ok: true, status: 200, json: async () => ({ anomalies: stored }) };
      return { ok: true, status: 200, json: async () => ({ until: T0, hours: 24, companies: [{ exporterId: 'C1', exporterName: 'Café SA', maxScore: 90, anomalies: 1, declarations: 4, fobUsd: 400, topGroup: 'price', lastTs: T0 }] }) };
    };
    const timers: Array<() => void> = [];
    const feed = createTradeFeed({ connect: () => socket, api: { fetch }, delay: (fn) => (timers.push(fn), () => {}), log: { warn: () => {} } });
    const rows: unknown[] = [];
    const stop = feed.anomalies.subscribe((r) => rows.push(r));
    const stopTop = feed.top.subscribe(() => {});
    socket.receive('connect');
    assert.deepEqual(socket.emitted, [['subscribe', { domain: 'trade' }], ['trade:watch-companies', {}]]);
    await tick();
    assert.deepEqual(get(feed.anomalies).map((r) => [r.eventId, r.complete]), [['D1', true]]);
    assert.deepEqual(rankCompanies(get(feed.top)).map((c) => c.exporterId), ['C1']);

    // A live trade anomaly shows at once, incomplete; another domain's is ignored.
    socket.receive('anomaly', anomaly('D2', T0 + H));
    socket.receive('anomaly', anomaly('S1', T0 + 2 * H, 'sensor'));
    assert.deepEqual(get(feed.anomalies).map((r) => [r.eventId, r.complete]), [['D2', false], ['D1', true]]);
    // The refresh completes it.
    stored = [item('D2', T0 + H), item('D1', T0)];
    assert.equal(timers.length, 1);
    timers.shift()!();
    await tick();
    assert.deepEqual(get(feed.anomalies).map((r) => [r.eventId, r.complete, r.subheading]), [['D2', true, '090111'], ['D1', true, '090111']]);

    // A live batch's top companies enter the list, and schedule a fetch of the exact window.
    socket.receive('trade:top-companies', { until: T0 + 2 * H, companies: [{ exporterId: 'C2', exporterName: 'Flores', maxScore: 97, declarations: 2, anomalies: 1, fobUsd: 50, topFeature: 'quota.quota_used' }] });
    assert.deepEqual(rankCompanies(get(feed.top)).map((c) => [c.exporterId, c.anomalies]), [['C2', 1], ['C1', 1]]);
    assert.equal(timers.length, 1);
    const before = asked.filter((u) => u.startsWith('/api/trade/companies/top')).length;
    timers.shift()!();
    await tick();
    assert.equal(asked.filter((u) => u.startsWith('/api/trade/companies/top')).length, before + 1);

    // An invalid payload is dropped, not shown.
    socket.receive('trade:top-companies', { until: 'soon' });
    socket.receive('anomaly', { id: 1 });
    assert.equal(get(feed.anomalies).length, 2);

    stop();
    stopTop();
    assert.ok(socket.disconnected);
  });
});
