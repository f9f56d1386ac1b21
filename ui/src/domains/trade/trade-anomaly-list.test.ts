import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasIncompleteRows, mergeAnomalyRows, rowFromAnomaly, rowFromApi } from './trade-anomaly-list.ts';

const anomaly = (eventId: string, ts: number) => ({
  id: `live:${eventId}`, runId: 'live', domain: 'trade' as const, entity: 'C1', eventId, ts, score: 88, severity: 'major' as const, detector: 'trade-interim@1',
  drivers: [{ feature: 'price.uv_z', score: 88, value: 4, expected: 0, reason: 'r' }], values: { fob_usd: 120, net_kg: 3 }, emittedAt: ts,
});

describe('trade anomaly rows', () => {
  it('a live anomaly becomes an incomplete row that the API row completes, newest first', () => {
    const live = rowFromAnomaly(anomaly('D2', 2000));
    assert.equal(live.topGroup, 'price');
    assert.equal(live.fobUsd, 120);
    assert.deepEqual(live.attributions, []);
    let rows = mergeAnomalyRows([], [rowFromAnomaly(anomaly('D1', 1000)), live]);
    assert.deepEqual(rows.map((r) => r.eventId), ['D2', 'D1']);
    assert.ok(hasIncompleteRows(rows));
    const api = rowFromApi({ ...live, exporterName: 'Café SA', subheading: '090111', port: 'COCTG', destination: 'US', attributions: [{ group: 'price', value: 30 }] });
    rows = mergeAnomalyRows(rows, [api]);
    assert.equal(rows[0]!.subheading, '090111');
    // A late live copy does not undo the completion.
    rows = mergeAnomalyRows(rows, [live]);
    assert.equal(rows[0]!.complete, true);
    assert.equal(mergeAnomalyRows(rows, [], 1).length, 1);
  });
});
