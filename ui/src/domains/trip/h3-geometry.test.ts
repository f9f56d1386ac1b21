import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getResolution, latLngToCell } from 'h3-js';
import { carryCell, cellAt, cellCentre, cellRing, cellsBounds, cellUnder, isCell } from './h3-geometry.ts';
import { fitView, project, unproject } from './map-projection.ts';

const TIMES_SQUARE = [-73.9855, 40.758] as const;

describe('cellRing', () => {
  it('is the hexagon as open [lng, lat] vertices, cached', () => {
    const cell = latLngToCell(TIMES_SQUARE[1], TIMES_SQUARE[0], 8);
    const ring = cellRing(cell);
    assert.equal(ring.length, 6);
    for (const [lng, lat] of ring) {
      assert.ok(Math.abs(lng - TIMES_SQUARE[0]) < 0.02 && Math.abs(lat - TIMES_SQUARE[1]) < 0.02);
    }
    assert.equal(cellRing(cell), ring);
  });
});

describe('cellAt (hit-testing through the projection)', () => {
  it('finds the cell drawn under a pixel: the centre of each hexagon maps back to its cell', () => {
    const view = fitView({ west: -74.05, south: 40.68, east: -73.9, north: 40.82 }, 900, 700);
    for (const resolution of [7, 8, 9]) {
      const cell = latLngToCell(TIMES_SQUARE[1], TIMES_SQUARE[0], resolution);
      const [px, py] = project(view, ...cellCentre(cell));
      const [lng, lat] = unproject(view, Math.round(px), Math.round(py));
      assert.equal(cellAt(lng, lat, resolution), cell, `resolution ${resolution}`);
    }
  });

  it('finds the neighbour just past an edge', () => {
    const cell = latLngToCell(TIMES_SQUARE[1], TIMES_SQUARE[0], 8);
    const [c, v] = [cellCentre(cell), cellRing(cell)[0]!];
    // 1.2 × the way from the centre to a vertex is outside the hexagon.
    const out = cellAt(c[0] + 1.2 * (v[0] - c[0]), c[1] + 1.2 * (v[1] - c[1]), 8);
    assert.notEqual(out, cell);
    assert.equal(getResolution(out), 8);
  });
});

describe('carryCell', () => {
  it('maps a selection to the parent when coarser and the centre child when finer', () => {
    const r8 = latLngToCell(TIMES_SQUARE[1], TIMES_SQUARE[0], 8);
    const r7 = carryCell(r8, 7)!;
    assert.equal(getResolution(r7), 7);
    assert.equal(carryCell(r8, 8), r8);
    const r9 = carryCell(r8, 9)!;
    assert.equal(getResolution(r9), 9);
    assert.equal(carryCell(r9, 8), r8, 'the centre child goes back to its parent');
    assert.equal(carryCell('nonsense', 8), null);
  });

  it('isCell rejects what is not an H3 index', () => {
    assert.equal(isCell('882a100d65fffff'), true);
    assert.equal(isCell('st-001'), false);
  });
});

describe('cellUnder', () => {
  it('returns the map cell under a pixel, or null off the known cells', () => {
    const view = fitView({ west: -74.05, south: 40.68, east: -73.9, north: 40.82 }, 900, 700);
    const cell = latLngToCell(TIMES_SQUARE[1], TIMES_SQUARE[0], 9);
    const [px, py] = project(view, ...cellCentre(cell));
    assert.equal(cellUnder(view, px, py, 9, new Map([[cell, 1]])), cell);
    assert.equal(cellUnder(view, px, py, 9, new Map()), null);
    assert.equal(cellUnder(view, px + 200, py, 9, new Map([[cell, 1]])), null);
  });
});

describe('cellsBounds', () => {
  it('bounds the outlines of the cells', () => {
    const cell = latLngToCell(TIMES_SQUARE[1], TIMES_SQUARE[0], 7);
    const b = cellsBounds([cell])!;
    assert.ok(b.west < TIMES_SQUARE[0] && b.east > TIMES_SQUARE[0] && b.south < TIMES_SQUARE[1] && b.north > TIMES_SQUARE[1]);
    assert.equal(cellsBounds([]), null);
  });
});
