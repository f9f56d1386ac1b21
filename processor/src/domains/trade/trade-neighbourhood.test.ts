import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tradeNeighbourhood } from './trade-neighbourhood.ts';
import { AnomaliesQuery, GraphQuery, parseQuery } from './trade-route-params.ts';

const routes = [
  { subheading: '090111', port: 'COCTG', destination: 'US', declarations: 10, fobUsd: 1000 },
  { subheading: '090111', port: 'COBUN', destination: 'DE', declarations: 4, fobUsd: 300 },
  { subheading: '060311', port: 'COCTG', destination: 'US', declarations: 1, fobUsd: 50 },
];

describe('tradeNeighbourhood', () => {
  it('sums the company routes into company → subheading → port → destination', () => {
    const g = tradeNeighbourhood('C1', routes, null);
    const n = Object.fromEntries(g.nodes.map((x) => [x.id, x]));
    assert.deepEqual(Object.keys(n).sort(), ['company:C1', 'destination:DE', 'destination:US', 'port:COBUN', 'port:COCTG', 'subheading:060311', 'subheading:090111']);
    assert.equal(n['company:C1']!.fobUsd, 1350);
    assert.equal(n['port:COCTG']!.declarations, 11);
    const e = Object.fromEntries(g.edges.map((x) => [x.id, x]));
    assert.equal(e['company:C1>subheading:090111']!.fobUsd, 1300);
    assert.equal(e['port:COCTG>destination:US']!.declarations, 11);
    assert.equal(g.edges.length, 7);
    assert.ok(g.edges.every((x) => !x.anomalous && !x.novel));
  });

  it('marks the focused route and calls an edge it alone uses new', () => {
    const g = tradeNeighbourhood('C1', routes, { subheading: '060311', port: 'COCTG', destination: 'US' });
    const marked = Object.fromEntries(g.edges.filter((x) => x.anomalous).map((x) => [x.id, x.novel]));
    assert.deepEqual(marked, { 'company:C1>subheading:060311': true, 'subheading:060311>port:COCTG': true, 'port:COCTG>destination:US': false });
    assert.equal(g.edges.find((x) => x.id === 'port:COCTG>destination:US')!.novel, false);
  });
});

describe('trade route parameters', () => {
  it('applies the defaults and bounds', () => {
    assert.deepEqual(parseQuery(AnomaliesQuery, {}), { ok: true, value: { limit: 50, hours: 720 } });
    assert.deepEqual(parseQuery(GraphQuery, { days: '7', event: 'D-1' }), { ok: true, value: { days: 7, event: 'D-1', routes: 150 } });
  });
  it('refuses out-of-range, non-integer and unknown parameters with the reason', () => {
    assert.deepEqual(parseQuery(AnomaliesQuery, { limit: '100000' }), { ok: false, error: 'limit must be a whole number from 1 to 500' });
    assert.deepEqual(parseQuery(GraphQuery, { days: '1.5' }), { ok: false, error: 'days must be a whole number from 1 to 366' });
    assert.match((parseQuery(AnomaliesQuery, { company: "x' OR 1=1 --" }) as { error: string }).error, /company ids are 1–32 characters/);
    assert.match((parseQuery(AnomaliesQuery, { sql: 'DROP TABLE x' }) as { error: string }).error, /unknown parameter sql \(allowed: limit, company, hours\)/);
    assert.match((parseQuery(GraphQuery, { event: 'a\u0000b' }) as { error: string }).error, /control characters/);
  });
});
