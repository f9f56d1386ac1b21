// Web Mercator for the trip map, fitted to a box of screen pixels, with zoom about a point and
// panning. Pure: the canvas component keeps a MapView and asks these functions where things go
// and what lies under the pointer. At city scale Mercator is conformal and close to what people
// know from web maps; no tiles are involved, so there is no zoom-level grid to snap to.

/** `[lng, lat]` in degrees, GeoJSON order. */
export type LngLat = readonly [number, number];

export interface GeoBounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

/**
 * Screen position of Mercator coordinates: `px = mx · scale + x`, `py = −my · scale + y`, where
 * `mx` is the longitude in radians and `my = ln tan(π/4 + φ/2)`.
 */
export interface MapView {
  /** CSS pixels per Mercator unit (radian at the equator). */
  scale: number;
  /** Screen offset of the Mercator origin, CSS px. */
  x: number;
  y: number;
  /** Size of the drawing area, CSS px. */
  width: number;
  height: number;
}

/** Mercator latitude limit: beyond it y grows without bound. */
const MAX_LAT = 85.05112878;
const RAD = Math.PI / 180;

export function mercatorX(lng: number): number {
  return lng * RAD;
}

export function mercatorY(lat: number): number {
  const phi = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * RAD;
  return Math.log(Math.tan(Math.PI / 4 + phi / 2));
}

function inverseMercatorY(my: number): number {
  return (2 * Math.atan(Math.exp(my)) - Math.PI / 2) / RAD;
}

/** Screen position (CSS px) of a point. */
export function project(view: MapView, lng: number, lat: number): [number, number] {
  return [mercatorX(lng) * view.scale + view.x, -mercatorY(lat) * view.scale + view.y];
}

/** The point under a screen position (CSS px). */
export function unproject(view: MapView, px: number, py: number): [number, number] {
  return [(px - view.x) / view.scale / RAD, inverseMercatorY(-(py - view.y) / view.scale)];
}

/** Largest view that shows `bounds` whole in `width × height`, `padding` px clear on every side, centred. */
export function fitView(bounds: GeoBounds, width: number, height: number, padding = 0): MapView {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  const x0 = mercatorX(bounds.west);
  const x1 = mercatorX(bounds.east);
  const y0 = mercatorY(bounds.south);
  const y1 = mercatorY(bounds.north);
  const spanX = Math.max(x1 - x0, 1e-9);
  const spanY = Math.max(y1 - y0, 1e-9);
  const pad = Math.max(0, Math.min(padding, (Math.min(w, h) - 1) / 2));
  const scale = Math.min((w - 2 * pad) / spanX, (h - 2 * pad) / spanY);
  return { scale, x: w / 2 - ((x0 + x1) / 2) * scale, y: h / 2 + ((y0 + y1) / 2) * scale, width: w, height: h };
}

/**
 * Zooms by `factor` keeping the point under (`px`, `py`) where it is; the resulting scale is
 * clamped to [`minScale`, `maxScale`] (default: no limit).
 */
export function zoomAt(view: MapView, px: number, py: number, factor: number, minScale = 0, maxScale = Infinity): MapView {
  if (!Number.isFinite(factor) || factor <= 0) return view;
  const scale = Math.max(minScale, Math.min(maxScale, view.scale * factor));
  const k = scale / view.scale;
  return { ...view, scale, x: px - (px - view.x) * k, y: py - (py - view.y) * k };
}

/** Moves the map by (`dx`, `dy`) CSS px. */
export function panBy(view: MapView, dx: number, dy: number): MapView {
  return { ...view, x: view.x + dx, y: view.y + dy };
}

/** The same centre and scale in a drawing area of a new size. */
export function resizeView(view: MapView, width: number, height: number): MapView {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  return { ...view, x: view.x + (w - view.width) / 2, y: view.y + (h - view.height) / 2, width: w, height: h };
}

/** Bounds of points; null when there are none. */
export function boundsOf(points: Iterable<LngLat>): GeoBounds | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const [lng, lat] of points) {
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) continue;
    if (lng < west) west = lng;
    if (lng > east) east = lng;
    if (lat < south) south = lat;
    if (lat > north) north = lat;
  }
  return west <= east ? { west, south, east, north } : null;
}

/** Bounds grown by `fraction` of their size on every side (0.1 = 10 %). */
export function padBounds(b: GeoBounds, fraction: number): GeoBounds {
  const dx = (b.east - b.west) * fraction;
  const dy = (b.north - b.south) * fraction;
  return { west: b.west - dx, south: b.south - dy, east: b.east + dx, north: b.north + dy };
}

/** Bounds grown around their centre to at least `minLng` × `minLat` degrees. */
export function atLeast(b: GeoBounds, minLng: number, minLat: number): GeoBounds {
  const out = { ...b };
  if (b.east - b.west < minLng) {
    const cx = (b.west + b.east) / 2;
    out.west = cx - minLng / 2;
    out.east = cx + minLng / 2;
  }
  if (b.north - b.south < minLat) {
    const cy = (b.south + b.north) / 2;
    out.south = cy - minLat / 2;
    out.north = cy + minLat / 2;
  }
  return out;
}
