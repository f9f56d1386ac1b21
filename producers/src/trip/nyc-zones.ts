// Coarse polygons of the Manhattan areas the fare rules name (lng/lat pairs, good to ~100 m:
// enough for surcharges in a simulation, not for billing).

type Ring = readonly (readonly [lng: number, lat: number])[];

const MANHATTAN_SOUTH_LOWER: Ring = [
  [-73.9935, 40.774], // Hudson at 60th
  [-74.002, 40.762],
  [-74.0105, 40.742],
  [-74.016, 40.717],
  [-74.0178, 40.7003], // Battery
  [-74.012, 40.701],
  [-73.999, 40.7075], // Brooklyn Bridge
  [-73.976, 40.712], // Corlears Hook
  [-73.971, 40.744],
  [-73.958, 40.759], // East River at 60th
];

/** Manhattan south of 60th Street: the MTA Congestion Relief Zone. */
export const CONGESTION_RELIEF_ZONE: Ring = MANHATTAN_SOUTH_LOWER;

/** Manhattan south of 96th Street: the NY State congestion surcharge zone. */
export const SOUTH_OF_96TH: Ring = [[-73.978, 40.797], ...MANHATTAN_SOUTH_LOWER, [-73.942, 40.7825]];

/** All of Manhattan (for the JFK flat fare). */
export const MANHATTAN: Ring = [[-73.926, 40.878], [-73.978, 40.797], ...MANHATTAN_SOUTH_LOWER, [-73.942, 40.7825], [-73.927, 40.8], [-73.934, 40.835], [-73.909, 40.873]];

/** Ray casting; points on an edge may fall either side. */
export function inRing(ring: Ring, lat: number, lng: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
