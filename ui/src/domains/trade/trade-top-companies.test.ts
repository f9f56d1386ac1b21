import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyLiveTop, fromApi, rankCompanies } from './trade-top-companies.ts';

const H = 3_600_000;
const rank = (exporterId: string, maxScore: number, lastTs: number) => ({ exporterId, exporterName: exporterId.toLowerCase(), maxScore, anomalies: maxScore >= 70 ? 1 : 0, declarations: 3, fobUsd: 1000, topGroup: 'price', lastTs });
const live = (until: number, ...companies: [string, number][]) => ({ until, companies: companies.map(([exporterId, maxScore]) => ({ exporterId, exporterName: 'N' + exporterId, maxScore, declarations: 1, fobUsd: 10, topFeature: 'route.cp_new' })) });

describe('top companies', () => {
  it('adds live batches, keeps a company its highest score and sums its volume', () => {
    let s = fromApi({ until: 10 * H, hours: 24, companies: [rank('A', 80, 9 * H), rank('B', 40, 10 * H)] });
    s = applyLiveTop(s, live(11 * H, ['B', 90], ['C', 20], ['A', 10]), 24 * H);
    assert.deepEqual(rankCompanies(s).map((c) => [c.exporterId, c.maxScore, c.topGroup]), [['B', 90, 'route'], ['A', 80, 'price'], ['C', 20, 'route']]);
    const a = s.companies.get('A')!;
    assert.equal(a.declarations, 4);
    assert.equal(a.fobUsd, 1010);
    assert.equal(a.lastTs, 11 * H);
    assert.equal(s.companies.get('C')!.exporterName, 'NC');
  });

  it('drops companies whose newest declaration left the window', () => {
    let s = fromApi({ until: 10 * H, hours: 24, companies: [rank('A', 99, 1 * H), rank('B', 40, 10 * H)] });
    s = applyLiveTop(s, live(26 * H, ['C', 5]), 24 * H);
    assert.deepEqual(rankCompanies(s).map((c) => c.exporterId), ['B', 'C']);
  });

  it('adds up the anomalies of the live batches', () => {
    let s = fromApi({ until: 10 * H, hours: 24, companies: [rank('A', 80, 9 * H)] });
    s = applyLiveTop(s, { until: 11 * H, companies: [{ exporterId: 'A', exporterName: 'a', maxScore: 95, declarations: 3, anomalies: 2, fobUsd: 1, topFeature: 'price.uv_z' }, { exporterId: 'B', exporterName: 'b', maxScore: 90, declarations: 1, anomalies: 1, fobUsd: 1, topFeature: 'quota.quota_used' }] }, 24 * H);
    assert.equal(s.companies.get('A')!.anomalies, 3);
    assert.equal(s.companies.get('A')!.maxScore, 95);
    assert.equal(s.companies.get('B')!.anomalies, 1);
    assert.equal(s.companies.get('B')!.topGroup, 'quota');
  });
});
