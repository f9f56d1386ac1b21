// Centroids of the TLC taxi zones, for trip files that record zone ids (PULocationID /
// DOLocationID, mid 2016 on) instead of coordinates. Vigía ships none: no package on the npm
// registry or PyPI we searched (taxi, tlc, zone, nyc) carries the TLC zone shapes or centroids.
// A user supplies a CSV `LocationID,lat,lng` (e.g. the centroids of the TLC's taxi_zones
// shapefile, converted to WGS84). Pure: the caller reads the file.

export type ZoneCentroids = ReadonlyMap<number, { lat: number; lng: number }>;

export class ZoneCentroidsError extends Error {
  override name = 'ZoneCentroidsError';
  constructor(
    readonly source: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${source}:${line}: ${reason} (expected a CSV with a header 'LocationID,lat,lng' and one zone per line, WGS84 degrees)`);
  }
}

const ID_NAMES = ['locationid', 'location_id', 'zone_id', 'zoneid'];
const LAT_NAMES = ['lat', 'latitude', 'y'];
const LNG_NAMES = ['lng', 'lon', 'long', 'longitude', 'x'];

/** Parse `LocationID,lat,lng` (header names case-insensitive; lat/latitude, lng/lon/longitude accepted; extra columns ignored). */
export function parseZoneCentroids(text: string, source = '<zones>'): ZoneCentroids {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  // By name priority, not column order ('lat' beats a later 'y', whatever comes first).
  const col = (names: string[]) => names.map((n) => header.indexOf(n)).find((i) => i >= 0) ?? -1;
  const [id, lat, lng] = [col(ID_NAMES), col(LAT_NAMES), col(LNG_NAMES)];
  if (id < 0 || lat < 0 || lng < 0) throw new ZoneCentroidsError(source, 1, `header '${lines[0] ?? ''}' lacks a LocationID, lat or lng column`);
  const out = new Map<number, { lat: number; lng: number }>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const zone = Number(cells[id]);
    const y = Number(cells[lat]);
    const x = Number(cells[lng]);
    if (!Number.isInteger(zone) || zone < 0) throw new ZoneCentroidsError(source, i + 1, `LocationID '${cells[id] ?? ''}' is not a whole number`);
    if (!(Math.abs(y) <= 90) || !(Math.abs(x) <= 180) || cells[lat] === '' || cells[lng] === '') {
      throw new ZoneCentroidsError(source, i + 1, `lat/lng '${cells[lat] ?? ''}', '${cells[lng] ?? ''}' are not coordinates in degrees`);
    }
    if (out.has(zone)) throw new ZoneCentroidsError(source, i + 1, `LocationID ${zone} appears twice`);
    out.set(zone, { lat: y, lng: x });
  }
  if (out.size === 0) throw new ZoneCentroidsError(source, 2, 'no zones');
  return out;
}
