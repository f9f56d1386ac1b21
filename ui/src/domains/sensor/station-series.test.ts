import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SeriesPoint } from './station-api.ts';
import { buildChartData, mergePoints, orderChannels } from './station-series.ts';

const T0 = Date.UTC(2026, 2, 2);

function pt(minute: number, over: Partial<SeriesPoint> = {}): SeriesPoint {
  const ts = T0 + minute * 60_000;
  return { ts, eventId: `st-001@${ts}`, values: { pressure: 4 + minute / 100, flow: 800 }, score: 12, severity: null, topFeature: 'pressure', ...over };
}
const minutes = (ps: readonly SeriesPoint[]) => ps.map((p) => (p.ts - T0) / 60_000);

describe('mergePoints', () => {
  it('appends newer readings and keeps only the newest `cap`', () => {
    const merged = mergePoints([pt(0), pt(1), pt(2)], [pt(3), pt(4)], 4);
    assert.deepEqual(minutes(merged), [1, 2, 3, 4]);
  });

  it('sorts late readings into place and drops duplicates, the later copy winning', () => {
    const merged = mergePoints([pt(0), pt(2), pt(4)], [pt(3), pt(2, { score: 99, severity: 'critical' }), pt(1)], 10);
    assert.deepEqual(minutes(merged), [0, 1, 2, 3, 4]);
    assert.equal(merged[2]!.severity, 'critical');
  });

  it('merges a stored series under live readings that arrived first', () => {
    const live = [pt(10), pt(11)];
    const stored = [pt(8), pt(9), pt(10)];
    assert.deepEqual(minutes(mergePoints(live, stored, 4)), [8, 9, 10, 11]);
  });

  it('does not modify its inputs', () => {
    const current = [pt(0)];
    const incoming = [pt(1)];
    mergePoints(current, incoming, 1);
    assert.equal(current.length, 1);
    assert.equal(incoming.length, 1);
  });
});

describe('orderChannels', () => {
  it('puts known channels first in display order, then the rest A–Z', () => {
    assert.deepEqual(orderChannels(['vibration', 'temperature', 'level', 'pressure']), ['pressure', 'temperature', 'level', 'vibration']);
  });
});

describe('buildChartData', () => {
  it('builds the x column, a column per channel with gaps as null, the scores and the periods', () => {
    const data = buildChartData([pt(0), pt(1, { values: { pressure: 5 }, score: 90, severity: 'major', topFeature: 'flow' }), pt(2)]);
    assert.deepEqual(data.channels, ['pressure', 'flow']);
    assert.deepEqual(data.xs, [T0, T0 + 60_000, T0 + 120_000]);
    assert.deepEqual(data.values.flow, [800, null, 800]);
    assert.deepEqual(data.values.pressure, [4, 5, 4.02]);
    assert.deepEqual(data.scores, [12, 90, 12]);
    assert.equal(data.periods.length, 1);
    assert.equal(data.periods[0]!.driver, 'flow');
    assert.equal(data.latest?.ts, T0 + 120_000);
  });

  it('is empty for no readings', () => {
    const data = buildChartData([]);
    assert.deepEqual([data.channels, data.xs, data.periods, data.latest], [[], [], [], null]);
  });
});
