// H3 geometry for the trip map: hexagon outlines (cached, a cell's shape never changes), the
// cell under a point (exact hit-testing: the map asks H3 rather than testing polygons), and
// carrying a selection across resolutions. Pure apart from the cache.
import { cellToBoundary, cellToCenterChild, cellToLatLng, cellToParent, getResolution, isValidCell, latLngToCell } from 'h3-js';
import { boundsOf, unproject, type GeoBounds, type LngLat, type MapView } from './map-projection.ts';

/** Outlines kept; a res-9 city is a few thousand cells, three resolutions stay far below this. */
const RING_CACHE_MAX = 50_000;
const rings = new Map<string, readonly LngLat[]>();

/** A cell's hexagon (or pentagon) as `[lng, lat]` vertices, not closed. */
export function cellRing(cell: string): readonly LngLat[] {
  let ring = rings.get(cell);
  if (!ring) {
    ring = cellToBoundary(cell, true).slice(0, -1) as LngLat[];
    if (rings.size >= RING_CACHE_MAX) rings.clear();
    rings.set(cell, ring);
  }
  return ring;
}

/** The cell's centre as `[lng, lat]`. */
export function cellCentre(cell: string): LngLat {
  const [lat, lng] = cellToLatLng(cell);
  return [lng, lat];
}

/** The cell of `resolution` containing a point. */
export function cellAt(lng: number, lat: number, resolution: number): string {
  return latLngToCell(lat, lng, resolution);
}

export function isCell(cell: string): boolean {
  return isValidCell(cell);
}

/**
 * The cell of `resolution` that stands for `cell` there: its parent when coarser, the child at
 * its centre when finer, itself when equal; null for an invalid cell.
 */
export function carryCell(cell: string, resolution: number): string | null {
  if (!isValidCell(cell)) return null;
  const r = getResolution(cell);
  if (r === resolution) return cell;
  return r > resolution ? cellToParent(cell, resolution) : cellToCenterChild(cell, resolution);
}

/**
 * The cell under a screen position, if it is one of `known` (the cells on the map): the point
 * under the pixel is asked for its cell at the map's resolution, so there is no polygon test.
 */
export function cellUnder(view: MapView, px: number, py: number, resolution: number, known: ReadonlyMap<string, unknown>): string | null {
  const [lng, lat] = unproject(view, px, py);
  if (!Number.isFinite(lng) || !Number.isFinite(lat)) return null;
  const cell = cellAt(lng, lat, resolution);
  return known.has(cell) ? cell : null;
}

/** Bounds of the outlines of `cells`; null when there are none. */
export function cellsBounds(cells: Iterable<string>): GeoBounds | null {
  const points: LngLat[] = [];
  for (const c of cells) points.push(...cellRing(c));
  return boundsOf(points);
}
