import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveCellBoundary, LiveCellScore } from '../../../../contracts/index.ts';
import { applyBoundary, holdBoundary, summarize, topAnomalousCells, type BoundariesByResolution } from './trip-map-state.ts';

const T0 = Date.UTC(2026, 2, 2, 18);
const score = (cell: string, over: Partial<LiveCellScore> = {}): LiveCellScore => ({
  cell,
  score: 10,
  severity: null,
  direction: null,
  pickups: 3,
  expected: 2.5,
  driver: 'pickups_15m_z',
  ...over,
});
const boundary = (resolution: 7 | 8 | 9, minutes: number, cells: LiveCellScore[]): LiveCellBoundary => ({ resolution, windowEnd: T0 + minutes * 60_000, cells });

describe('applyBoundary', () => {
  it('holds the latest boundary per resolution, indexed by cell', () => {
    let held: BoundariesByResolution = {};
    held = applyBoundary(held, boundary(8, 0, [score('a'), score('b')]));
    held = applyBoundary(held, boundary(9, 0, [score('c')]));
    held = applyBoundary(held, boundary(8, 5, [score('a', { score: 80, severity: 'minor', direction: 'surge' })]));
    assert.equal(held[8]!.windowEnd, T0 + 5 * 60_000);
    assert.deepEqual([...held[8]!.byCell.keys()], ['a']);
    assert.equal(held[8]!.byCell.get('a')!.severity, 'minor');
    assert.equal(held[9]!.cells.length, 1);
    assert.equal(held[7], undefined);
  });

  it('drops an older boundary that arrives late (an HTTP answer after a live message)', () => {
    const held = applyBoundary({}, boundary(8, 10, [score('new')]));
    assert.equal(applyBoundary(held, boundary(8, 5, [score('old')])), held);
  });

  it('replaces a boundary of the same window end (a re-send)', () => {
    const held = applyBoundary({}, boundary(8, 10, [score('a')]));
    const again = applyBoundary(held, boundary(8, 10, [score('a', { score: 50 })]));
    assert.notEqual(again, held);
    assert.equal(again[8]!.byCell.get('a')!.score, 50);
  });

  it('keeps one entry per cell when a boundary lists a cell twice', () => {
    const h = holdBoundary(boundary(8, 0, [score('a', { score: 1 }), score('a', { score: 2 }), score('b')]));
    assert.equal(h.cells.length, 2);
    assert.equal(h.byCell.get('a')!.score, 2);
    assert.equal(h.summary.cells, 2);
  });
});

describe('summarize', () => {
  it('counts active cells and anomalies by direction and severity', () => {
    const s = summarize([
      score('a', { pickups: 0 }),
      score('b', { severity: 'minor', direction: 'surge', score: 71 }),
      score('c', { severity: 'critical', direction: 'collapse', score: 99, pickups: 0 }),
      score('d', { severity: 'major', direction: null, score: 90 }),
    ]);
    assert.deepEqual(s, { cells: 4, active: 2, anomalies: { surge: 1, collapse: 1, other: 1 }, bySeverity: { minor: 1, major: 1, critical: 1 } });
  });
});

describe('topAnomalousCells', () => {
  it('lists cells with a severity, highest score first, then more pickups, then id', () => {
    const h = holdBoundary(
      boundary(8, 0, [
        score('z', { score: 99 }),
        score('b', { score: 90, severity: 'major', pickups: 1 }),
        score('a', { score: 90, severity: 'major', pickups: 1 }),
        score('c', { score: 90, severity: 'major', pickups: 9 }),
        score('d', { score: 97, severity: 'critical' }),
      ]),
    );
    assert.deepEqual(topAnomalousCells(h, 3).map((c) => c.cell), ['d', 'c', 'a']);
    assert.deepEqual(topAnomalousCells(null, 3), []);
  });
});
