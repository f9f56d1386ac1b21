import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gridDisk, latLngToCell } from 'h3-js';
import type { LiveCellScore } from '../../../../contracts/index.ts';
import { fitView } from './map-projection.ts';
import { parseCityOutline } from './nyc-outline.ts';
import { cellStyle } from './trip-cell-style.ts';
import { drawingOrder, drawTripMap, type MapContext } from './trip-map-draw.ts';

/** Records fills and strokes with the style they used. */
function recorder() {
  const ops: Array<{ op: 'fill' | 'stroke' | 'text'; style: string; path: number; width?: number; text?: string }> = [];
  let path = 0;
  let points = 0;
  const ctx = {
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    lineJoin: 'miter',
    font: '',
    textAlign: 'start',
    textBaseline: 'alphabetic',
    globalAlpha: 1,
    save() {},
    restore() {},
    setTransform() {},
    setLineDash() {},
    fillRect() {},
    beginPath() {
      path = 0;
    },
    moveTo() {
      path++;
      points++;
    },
    lineTo() {
      points++;
    },
    closePath() {},
    arc() {},
    fill() {
      ops.push({ op: 'fill', style: String(ctx.fillStyle), path });
    },
    stroke() {
      ops.push({ op: 'stroke', style: String(ctx.strokeStyle), path, width: ctx.lineWidth });
    },
    fillText(text: string) {
      ops.push({ op: 'text', style: String(ctx.fillStyle), path, text });
    },
  };
  return { ctx: ctx as unknown as MapContext, ops, points: () => points };
}

const centre = latLngToCell(40.758, -73.9855, 8);
const [, ...ring] = gridDisk(centre, 1);
const score = (cell: string, over: Partial<LiveCellScore> = {}): LiveCellScore => ({ cell, score: 10, severity: null, direction: null, pickups: 2, expected: 2, driver: 'x', ...over });
const outline = parseCityOutline(JSON.parse(readFileSync(new URL('./assets/nyc-boroughs.geo.json', import.meta.url), 'utf8')));

describe('drawingOrder', () => {
  it('draws grey cells first and the worst anomaly last', () => {
    const order = drawingOrder([
      score('crit', { score: 99, severity: 'critical', direction: 'collapse' }),
      score('idle', { pickups: 0, score: 0 }),
      score('minor', { score: 72, severity: 'minor', direction: 'surge' }),
      score('grey', { score: 40 }),
      score('crit2', { score: 96, severity: 'critical', direction: 'surge' }),
    ]).map((x) => x.cell.cell);
    assert.deepEqual(order, ['idle', 'grey', 'minor', 'crit2', 'crit']);
  });
});

describe('drawTripMap', () => {
  it('draws the outline, every visible cell in its colour, the labels, then the selection on top', () => {
    const cells = [score(centre, { score: 97, severity: 'critical', direction: 'surge' }), ...ring.map((c) => score(c))];
    const { ctx, ops } = recorder();
    const view = fitView({ west: -74.03, south: 40.72, east: -73.94, north: 40.79 }, 800, 600);
    const result = drawTripMap(ctx, { view, dpr: 2, outline, cells, selected: ring[0]!, hovered: null });
    assert.equal(result.drawn, 7);
    // Outline first: one path with every ring of every borough.
    assert.equal(ops[0]!.op, 'fill');
    assert.ok(ops[0]!.path > 20);
    const fills = ops.filter((o) => o.op === 'fill').slice(1);
    assert.equal(fills.length, 7);
    assert.equal(fills.at(-1)!.style, cellStyle(cells[0]!).fill, 'the critical cell is filled last');
    const texts = ops.filter((o) => o.op === 'text').map((o) => o.text);
    assert.ok(texts.includes('MANHATTAN') && texts.includes('✈ JFK'));
    const last = ops.at(-1)!;
    assert.equal(last.op, 'stroke');
    assert.equal(last.style, '#ffffff', 'the selected cell is outlined over everything');
  });

  it('skips cells outside the canvas and draws nothing but water without an outline', () => {
    const { ctx, ops } = recorder();
    const view = fitView({ west: -73.8, south: 40.6, east: -73.75, north: 40.65 }, 400, 300); // around JFK
    const result = drawTripMap(ctx, { view, dpr: 1, outline: null, cells: [score(centre)], selected: null, hovered: null });
    assert.equal(result.drawn, 0);
    assert.deepEqual(ops, []);
  });

  it('leaves grey cells without an outline once they are only a few pixels wide', () => {
    const { ctx, ops } = recorder();
    const wide = fitView(outline.bounds, 300, 300); // res-8 hexagons ~5 px
    drawTripMap(ctx, { view: wide, dpr: 1, outline: null, cells: [score(centre), score(ring[0]!, { score: 90, severity: 'major', direction: 'collapse' })], selected: null, hovered: null });
    assert.deepEqual(
      ops.map((o) => o.op),
      ['fill', 'fill', 'stroke'],
      'grey: fill only; the anomaly keeps its outline',
    );
  });
});
