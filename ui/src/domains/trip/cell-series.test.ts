import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveCellBoundary } from '../../../../contracts/index.ts';
import { buildCellChart, fromSeriesPoint, mergeCellSeries, pointFromBoundary, type CellChartPoint } from './cell-series.ts';

const T0 = Date.UTC(2026, 2, 2, 18);
const at = (min: number) => T0 + min * 60_000;
const pt = (min: number, over: Partial<CellChartPoint> = {}): CellChartPoint => ({ windowEnd: at(min), pickups15m: 5, expected15m: 4, score: 10, ...over });
const HOUR = 3_600_000;

describe('mergeCellSeries', () => {
  it('merges by window end, ascending, the incoming point winning', () => {
    const merged = mergeCellSeries([pt(0), pt(10)], [pt(5), pt(10, { score: 90 })], 6 * HOUR);
    assert.deepEqual(merged.map((p) => [p.windowEnd, p.score]), [
      [at(0), 10],
      [at(5), 10],
      [at(10), 90],
    ]);
  });

  it('drops points older than the span before the newest', () => {
    const merged = mergeCellSeries([pt(0), pt(30)], [pt(65)], HOUR);
    assert.deepEqual(merged.map((p) => p.windowEnd), [at(30), at(65)]);
  });

  it('returns the held series when nothing came in', () => {
    const held = [pt(0)];
    assert.equal(mergeCellSeries(held, [], HOUR), held);
  });
});

describe('pointFromBoundary / fromSeriesPoint', () => {
  const b: LiveCellBoundary = {
    resolution: 8,
    windowEnd: at(15),
    cells: [{ cell: 'x', score: 77, severity: 'minor', direction: 'surge', pickups: 12, expected: 4.5, driver: 'pickups_15m_z' }],
  };

  it("takes the cell's pickups, expectation and score at the boundary", () => {
    assert.deepEqual(pointFromBoundary(b, 'x'), { windowEnd: at(15), pickups15m: 12, expected15m: 4.5, score: 77 });
    assert.equal(pointFromBoundary(b, 'y'), null);
  });

  it('keeps what the chart needs of a stored point', () => {
    assert.deepEqual(fromSeriesPoint({ windowEnd: 1, pickups15m: 2, pickups60m: 9, dropoffs60m: 8, expected15m: null, score: 3 }), {
      windowEnd: 1,
      pickups15m: 2,
      expected15m: null,
      score: 3,
    });
  });
});

describe('buildCellChart', () => {
  it('builds aligned columns with the severity of each score', () => {
    const { periods, ...columns } = buildCellChart([pt(0, { score: 96 }), pt(5, { expected15m: null, score: 40 })]);
    assert.deepEqual(columns, { xs: [at(0), at(5)], pickups: [5, 5], expected: [4, null], scores: [96, 40], severities: ['critical', null] });
    assert.equal(periods.length, 1);
  });

  it('shades each run of anomalous window ends once, in its worst severity', () => {
    const c = buildCellChart([pt(0), pt(5, { score: 72 }), pt(10, { score: 90 }), pt(15), pt(20, { score: 75 })]);
    assert.deepEqual(
      c.periods.map((p) => [p.startTs, p.endTs, p.severity, p.peakScore]),
      [
        [at(5), at(10), 'major', 90],
        [at(20), at(20), 'minor', 75],
      ],
    );
  });
});
