// Draws the trip map on a 2D canvas: water, the borough outline with names, the airports, then
// the scored cells (grey first, anomalies on top, the worst last) and the selected / hovered
// outline. The canvas component owns the element and the view; everything it draws is decided
// here, from plain data, so it can be checked with a recording context.
import type { LiveCellScore } from '../../../../contracts/index.ts';
import { cellRing } from './h3-geometry.ts';
import { mercatorX, mercatorY, type LngLat, type MapView } from './map-projection.ts';
import type { CityOutline } from './nyc-outline.ts';
import { cellStyle, DEFAULT_TRIP_PALETTE, type CellStyle, type TripMapPalette } from './trip-cell-style.ts';

export interface TripMapTheme {
  water: string;
  land: string;
  shore: string;
  label: string;
  airport: string;
  selected: string;
  hovered: string;
  fontFamily: string;
  /** Root font size, CSS px: labels scale with the page. */
  rem: number;
}

export const DEFAULT_MAP_THEME: TripMapTheme = {
  water: '#0b1118',
  land: '#141c26',
  shore: '#33465a',
  label: 'rgba(147, 162, 179, 0.55)',
  airport: '#93a2b3',
  selected: '#ffffff',
  hovered: 'rgba(231, 237, 243, 0.7)',
  fontFamily: 'system-ui, sans-serif',
  rem: 16,
};

/** The part of CanvasRenderingContext2D the map uses (tests pass a recorder). */
export type MapContext = Pick<
  CanvasRenderingContext2D,
  | 'save'
  | 'restore'
  | 'setTransform'
  | 'fillRect'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'closePath'
  | 'arc'
  | 'fill'
  | 'stroke'
  | 'fillText'
  | 'setLineDash'
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'lineJoin'
  | 'font'
  | 'textAlign'
  | 'textBaseline'
  | 'globalAlpha'
>;

export interface TripMapScene {
  view: MapView;
  /** Device pixels per CSS pixel. */
  dpr: number;
  outline: CityOutline | null;
  cells: readonly LiveCellScore[];
  selected: string | null;
  hovered: string | null;
  theme?: TripMapTheme;
  palette?: TripMapPalette;
}

export interface DrawResult {
  /** Cells at least partly inside the canvas. */
  drawn: number;
}

// Mercator coordinates of a ring, computed once per ring (rings are cached and immutable).
const mercatorCache = new WeakMap<readonly LngLat[], Float64Array>();
function mercatorRing(ring: readonly LngLat[]): Float64Array {
  let m = mercatorCache.get(ring);
  if (!m) {
    m = new Float64Array(ring.length * 2);
    for (let i = 0; i < ring.length; i++) {
      m[2 * i] = mercatorX(ring[i]![0]);
      m[2 * i + 1] = mercatorY(ring[i]![1]);
    }
    mercatorCache.set(ring, m);
  }
  return m;
}

/** Traces a ring as a closed sub-path; returns its screen bounding box. */
function traceRing(ctx: MapContext, view: MapView, ring: readonly LngLat[]): [number, number, number, number] {
  const m = mercatorRing(ring);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < m.length; i += 2) {
    const x = m[i]! * view.scale + view.x;
    const y = -m[i + 1]! * view.scale + view.y;
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  ctx.closePath();
  return [x0, y0, x1, y1];
}

/** Screen size of a cell's hexagon (its bounding-box width), CSS px. */
function ringScreenBox(view: MapView, ring: readonly LngLat[]): [number, number, number, number] {
  const m = mercatorRing(ring);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < m.length; i += 2) {
    const x = m[i]! * view.scale + view.x;
    const y = -m[i + 1]! * view.scale + view.y;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

/** Cells in drawing order: by layer (grey → anomalies), then by score, so the worst ends on top. */
export function drawingOrder(cells: readonly LiveCellScore[], palette: TripMapPalette = DEFAULT_TRIP_PALETTE): Array<{ cell: LiveCellScore; style: CellStyle }> {
  return cells
    .map((cell) => ({ cell, style: cellStyle(cell, palette) }))
    .sort((a, b) => a.style.layer - b.style.layer || a.cell.score - b.cell.score);
}

export function drawTripMap(ctx: MapContext, scene: TripMapScene): DrawResult {
  const { view, dpr } = scene;
  const theme = scene.theme ?? DEFAULT_MAP_THEME;
  const palette = scene.palette ?? DEFAULT_TRIP_PALETTE;
  ctx.save();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = theme.water;
  ctx.fillRect(0, 0, view.width, view.height);
  ctx.lineJoin = 'round';

  if (scene.outline) {
    ctx.beginPath();
    for (const b of scene.outline.boroughs) for (const polygon of b.polygons) for (const ring of polygon) traceRing(ctx, view, ring);
    ctx.fillStyle = theme.land;
    ctx.fill('evenodd');
    ctx.strokeStyle = theme.shore;
    ctx.lineWidth = 1;
    ctx.stroke();
  }

  let drawn = 0;
  const inside = (box: [number, number, number, number]) => box[2] >= 0 && box[0] <= view.width && box[3] >= 0 && box[1] <= view.height;
  for (const { cell, style } of drawingOrder(scene.cells, palette)) {
    const ring = cellRing(cell.cell);
    const box = ringScreenBox(view, ring);
    if (!inside(box)) continue;
    drawn++;
    ctx.beginPath();
    traceRing(ctx, view, ring);
    ctx.fillStyle = style.fill;
    ctx.fill();
    // Outlines of grey cells blur into a mesh once hexagons are a few pixels wide.
    const size = box[2] - box[0];
    if (style.stroke && (style.layer >= 3 || size >= 7)) {
      ctx.strokeStyle = style.stroke;
      ctx.lineWidth = size < 7 ? Math.min(1, style.strokeWidth) : style.strokeWidth;
      ctx.stroke();
    }
  }

  if (scene.outline) drawLabels(ctx, view, scene.outline, theme);

  for (const [cell, colour, width] of [
    [scene.hovered, theme.hovered, 1.5],
    [scene.selected, theme.selected, 2.5],
  ] as const) {
    if (!cell) continue;
    ctx.beginPath();
    traceRing(ctx, view, cellRing(cell));
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.stroke();
  }
  ctx.restore();
  return { drawn };
}

function drawLabels(ctx: MapContext, view: MapView, outline: CityOutline, theme: TripMapTheme) {
  const at = ([lng, lat]: LngLat): [number, number] => [mercatorX(lng) * view.scale + view.x, -mercatorY(lat) * view.scale + view.y];
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = `600 ${Math.round(0.72 * theme.rem)}px ${theme.fontFamily}`;
  ctx.fillStyle = theme.label;
  for (const b of outline.boroughs) {
    const [x, y] = at(b.labelAt);
    ctx.fillText(b.name.toUpperCase(), x, y);
  }
  const r = Math.max(3, 0.3 * theme.rem);
  ctx.font = `700 ${Math.round(0.68 * theme.rem)}px ${theme.fontFamily}`;
  for (const a of outline.airports) {
    const [x, y] = at(a.at);
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.strokeStyle = theme.airport;
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.fillStyle = theme.airport;
    ctx.textAlign = 'left';
    ctx.fillText(`✈ ${a.code}`, x + r + 3, y);
  }
}
