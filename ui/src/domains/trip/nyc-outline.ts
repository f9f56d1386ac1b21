// The city outline under the trip map, read from the GeoJSON that ships with the UI
// (assets/nyc-boroughs.geo.json, see assets/README.md). Validated once, so a broken asset
// fails loudly instead of drawing nothing.
import { z } from 'zod';
import { boundsOf, type GeoBounds, type LngLat } from './map-projection.ts';

const Position = z.tuple([z.number(), z.number()]);
const Ring = z.array(Position).min(4);

const BoroughFeature = z.object({
  type: z.literal('Feature'),
  properties: z.object({ kind: z.literal('borough'), name: z.string(), boroCode: z.number() }),
  geometry: z.union([
    z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) }),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1)).min(1) }),
  ]),
});

const AirportFeature = z.object({
  type: z.literal('Feature'),
  properties: z.object({ kind: z.literal('airport'), name: z.string(), code: z.string() }),
  geometry: z.object({ type: z.literal('Point'), coordinates: Position }),
});

export const OutlineGeoJson = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.union([BoroughFeature, AirportFeature])),
});

export interface Borough {
  name: string;
  /** Polygons, each an exterior ring followed by its holes; fill them with the even-odd rule. */
  polygons: ReadonlyArray<ReadonlyArray<readonly LngLat[]>>;
  /** Where the name is written: the centroid of the largest polygon's exterior. */
  labelAt: LngLat;
}

export interface Airport {
  code: string;
  name: string;
  at: LngLat;
}

export interface CityOutline {
  boroughs: readonly Borough[];
  airports: readonly Airport[];
  /** Bounds of the boroughs (the airports lie within them). */
  bounds: GeoBounds;
}

export class OutlineError extends Error {
  override name = 'OutlineError';
}

/** Boroughs and airports from the shipped GeoJSON; throws an OutlineError naming what is wrong. */
export function parseCityOutline(geojson: unknown): CityOutline {
  const parsed = OutlineGeoJson.safeParse(geojson);
  if (!parsed.success) throw new OutlineError(`the city outline GeoJSON is malformed:\n${z.prettifyError(parsed.error)}`);
  const boroughs: Borough[] = [];
  const airports: Airport[] = [];
  for (const f of parsed.data.features) {
    if (f.properties.kind === 'airport') {
      const p = f as z.infer<typeof AirportFeature>;
      airports.push({ code: p.properties.code, name: p.properties.name, at: p.geometry.coordinates });
      continue;
    }
    const b = f as z.infer<typeof BoroughFeature>;
    const polygons = b.geometry.type === 'Polygon' ? [b.geometry.coordinates] : b.geometry.coordinates;
    const largest = polygons.reduce((best, p) => (Math.abs(ringArea(p[0]!)) > Math.abs(ringArea(best[0]!)) ? p : best));
    boroughs.push({ name: b.properties.name, polygons, labelAt: ringCentroid(largest[0]!) });
  }
  const bounds = boundsOf(boroughs.flatMap((b) => b.polygons.flatMap((p) => p[0]!)));
  if (!bounds) throw new OutlineError('the city outline GeoJSON holds no borough');
  return { boroughs, airports, bounds };
}

/** Signed planar area in degrees² (shoelace); only its size and sign are used. */
export function ringArea(ring: readonly LngLat[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
  return a / 2;
}

/** Area-weighted centroid of a ring (planar, fine at city scale); the mean of its points when degenerate. */
export function ringCentroid(ring: readonly LngLat[]): LngLat {
  const a = ringArea(ring);
  if (Math.abs(a) < 1e-12) {
    const n = ring.length || 1;
    return [ring.reduce((s, p) => s + p[0], 0) / n, ring.reduce((s, p) => s + p[1], 0) / n];
  }
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const cross = ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
    cx += (ring[j]![0] + ring[i]![0]) * cross;
    cy += (ring[j]![1] + ring[i]![1]) * cross;
  }
  return [cx / (6 * a), cy / (6 * a)];
}
