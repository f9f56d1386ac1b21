import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cellBucket, cellStyle, DEFAULT_TRIP_PALETTE, rgba, tripMapLegend, type CellLike } from './trip-cell-style.ts';

const cell = (over: Partial<CellLike> = {}): CellLike => ({ score: 10, severity: null, direction: null, pickups: 4, ...over });
const alphaOf = (css: string) => Number(/rgba\(.*, ([\d.]+)\)$/.exec(css)![1]);
const rgbOf = (css: string) => /rgba\((\d+), (\d+), (\d+),/.exec(css)!.slice(1).map(Number);

describe('cellBucket', () => {
  it('sorts cells into idle, normal, elevated and one bucket per direction × severity', () => {
    assert.equal(cellBucket(cell({ pickups: 0, score: 5 })), 'idle');
    assert.equal(cellBucket(cell({ score: 49.9 })), 'normal');
    assert.equal(cellBucket(cell({ score: 50 })), 'elevated');
    assert.equal(cellBucket(cell({ pickups: 0, score: 60 })), 'elevated');
    assert.equal(cellBucket(cell({ score: 72, severity: 'minor', direction: 'surge' })), 'surge-minor');
    assert.equal(cellBucket(cell({ score: 97, severity: 'critical', direction: 'collapse', pickups: 0 })), 'collapse-critical');
    // A severity with no direction (a fare or speed driver) is drawn like a surge: the UI's severity colours.
    assert.equal(cellBucket(cell({ score: 88, severity: 'major' })), 'surge-major');
  });

  it('trusts the severity of the contract rather than recomputing it from the score', () => {
    assert.equal(cellBucket(cell({ score: 99, severity: null })), 'elevated');
  });
});

describe('cellStyle', () => {
  it('keeps idle cells faint and grey cells below the severity colours', () => {
    const idle = cellStyle(cell({ pickups: 0, score: 0 }));
    const low = cellStyle(cell({ score: 0 }));
    const high = cellStyle(cell({ score: 69 }));
    assert.ok(alphaOf(idle.fill) < 0.1);
    assert.ok(alphaOf(low.fill) < alphaOf(high.fill), 'grey gets lighter with the score');
    assert.deepEqual(rgbOf(low.fill), [...DEFAULT_TRIP_PALETTE.neutral]);
    assert.ok(idle.layer < low.layer && low.layer < high.layer);
  });

  it('colours surges with the UI severity colours and collapses with the cold ramp', () => {
    for (const severity of ['minor', 'major', 'critical'] as const) {
      const surge = cellStyle(cell({ score: 90, severity, direction: 'surge' }));
      const collapse = cellStyle(cell({ score: 90, severity, direction: 'collapse' }));
      assert.deepEqual(rgbOf(surge.fill), [...DEFAULT_TRIP_PALETTE.surge[severity]]);
      assert.deepEqual(rgbOf(collapse.fill), [...DEFAULT_TRIP_PALETTE.collapse[severity]]);
      const [r, , b] = rgbOf(collapse.fill);
      assert.ok(b! > r!, `${severity} collapse is blue`);
    }
  });

  it('draws worse severities on top, with a stronger fill and outline', () => {
    const minor = cellStyle(cell({ score: 71, severity: 'minor', direction: 'surge' }));
    const major = cellStyle(cell({ score: 86, severity: 'major', direction: 'surge' }));
    const critical = cellStyle(cell({ score: 96, severity: 'critical', direction: 'surge' }));
    assert.ok(minor.layer < major.layer && major.layer < critical.layer);
    assert.ok(alphaOf(minor.fill) < alphaOf(critical.fill));
    assert.ok(critical.strokeWidth > minor.strokeWidth);
    assert.ok(minor.layer > cellStyle(cell({ score: 69 })).layer);
  });

  it('survives a score outside 0–100', () => {
    assert.ok(alphaOf(cellStyle(cell({ score: Number.NaN })).fill) > 0);
    assert.ok(alphaOf(cellStyle(cell({ score: 500 })).fill) <= 1);
  });
});

describe('tripMapLegend', () => {
  it('shows the same colours the map uses', () => {
    const legend = tripMapLegend();
    assert.deepEqual(legend.scale.map((e) => e.bucket), ['idle', 'normal', 'elevated']);
    assert.deepEqual(legend.surge.map((e) => e.bucket), ['surge-minor', 'surge-major', 'surge-critical']);
    assert.deepEqual(legend.collapse.map((e) => e.label), ['minor ≥ 70', 'major ≥ 85', 'critical ≥ 95']);
    assert.equal(legend.collapse[2]!.fill, cellStyle(cell({ score: 99, severity: 'critical', direction: 'collapse' })).fill);
  });
});

describe('rgba', () => {
  it('clamps and rounds the alpha', () => {
    assert.equal(rgba([1, 2, 3], 2), 'rgba(1, 2, 3, 1)');
    assert.equal(rgba([1, 2, 3], 0.12345), 'rgba(1, 2, 3, 0.123)');
  });
});
