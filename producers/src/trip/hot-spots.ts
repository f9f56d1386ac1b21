// Where NYC taxi trips start and end: weighted Gaussian clusters around real hot spots, with
// weights that follow the local time of day (offices in the morning, nightlife at night, few
// flights before dawn). Centres are public landmarks; weights are a rough reading of TLC
// pickup counts by zone (Midtown and the Upper East Side lead, airports ~5–8 % of trips).
import type { Rng } from '../sensor/rng.ts';

export type HotSpotProfile = 'business' | 'nightlife' | 'residential' | 'transit' | 'airport';

export interface HotSpot {
  name: string;
  lat: number;
  lng: number;
  /** Standard deviation of the cluster, km. */
  sigmaKm: number;
  /** Relative share of trips at a neutral hour. */
  weight: number;
  profile: HotSpotProfile;
}

export const NYC_HOT_SPOTS: readonly HotSpot[] = [
  { name: 'Midtown', lat: 40.7549, lng: -73.984, sigmaKm: 1.0, weight: 22, profile: 'business' },
  { name: 'Times Square', lat: 40.758, lng: -73.9855, sigmaKm: 0.35, weight: 6, profile: 'nightlife' },
  { name: 'Penn Station', lat: 40.7506, lng: -73.9935, sigmaKm: 0.25, weight: 6, profile: 'transit' },
  { name: 'Grand Central', lat: 40.7527, lng: -73.9772, sigmaKm: 0.25, weight: 6, profile: 'transit' },
  { name: 'Downtown/FiDi', lat: 40.7075, lng: -74.0113, sigmaKm: 0.6, weight: 8, profile: 'business' },
  { name: 'Union Square/Village', lat: 40.7359, lng: -73.9911, sigmaKm: 0.7, weight: 9, profile: 'nightlife' },
  { name: 'Chelsea', lat: 40.7465, lng: -74.0014, sigmaKm: 0.6, weight: 5, profile: 'nightlife' },
  { name: 'Lower East Side', lat: 40.7209, lng: -73.988, sigmaKm: 0.5, weight: 4, profile: 'nightlife' },
  { name: 'Upper East Side', lat: 40.7736, lng: -73.9566, sigmaKm: 0.9, weight: 10, profile: 'residential' },
  { name: 'Upper West Side', lat: 40.787, lng: -73.9754, sigmaKm: 0.9, weight: 8, profile: 'residential' },
  { name: 'Harlem', lat: 40.8116, lng: -73.9465, sigmaKm: 0.8, weight: 2, profile: 'residential' },
  { name: 'Williamsburg', lat: 40.7144, lng: -73.956, sigmaKm: 0.7, weight: 3, profile: 'nightlife' },
  { name: 'Downtown Brooklyn', lat: 40.6928, lng: -73.9903, sigmaKm: 0.6, weight: 2, profile: 'business' },
  { name: 'Long Island City', lat: 40.7447, lng: -73.9485, sigmaKm: 0.6, weight: 1.5, profile: 'residential' },
  { name: 'JFK', lat: 40.6441, lng: -73.7822, sigmaKm: 0.6, weight: 4, profile: 'airport' },
  { name: 'LGA', lat: 40.7744, lng: -73.8726, sigmaKm: 0.4, weight: 4, profile: 'airport' },
];

/** Multiplier of a profile at a local hour (0–23); pickups and dropoffs mirror each other. */
export function profileFactor(profile: HotSpotProfile, hour: number, weekend: boolean, end: 'pickup' | 'dropoff'): number {
  const night = hour >= 20 || hour < 4;
  const morning = hour >= 6 && hour < 10;
  const evening = hour >= 16 && hour < 20;
  switch (profile) {
    case 'business':
      if (weekend) return 0.6;
      if (night) return 0.5;
      return (end === 'pickup' ? evening : morning) ? 1.6 : 1.1;
    case 'nightlife':
      return night ? (weekend ? 2.4 : 1.8) : hour < 11 ? 0.5 : 1;
    case 'residential':
      return (end === 'pickup' ? morning : evening || night) ? 1.5 : 0.9;
    case 'transit':
      return !weekend && (morning || evening) ? 1.6 : 0.8;
    case 'airport':
      return hour >= 1 && hour < 5 ? 0.1 : hour >= 14 && hour < 22 ? 1.3 : 1;
  }
}

/** Cumulative weights of all hot spots at a local hour, for `pickHotSpot`. */
export function hotSpotCdf(spots: readonly HotSpot[], hour: number, weekend: boolean, end: 'pickup' | 'dropoff', out = new Float64Array(spots.length)): Float64Array {
  let acc = 0;
  for (let i = 0; i < spots.length; i++) {
    const s = spots[i]!;
    acc += s.weight * profileFactor(s.profile, hour, weekend, end);
    out[i] = acc;
  }
  return out;
}

/** Index of a hot spot drawn from a cdf; `exclude` (an index) is redrawn, e.g. airport → same airport. */
export function pickHotSpot(rng: Rng, cdf: Float64Array, exclude = -1): number {
  for (let tries = 0; tries < 8; tries++) {
    const u = rng.next() * cdf[cdf.length - 1]!;
    let i = 0;
    while (i < cdf.length - 1 && cdf[i]! <= u) i++;
    if (i !== exclude) return i;
  }
  return exclude === 0 ? 1 : 0;
}

/** A point drawn from a hot spot's cluster (2-D Gaussian, km → degrees at NYC's latitude). */
export function samplePoint(rng: Rng, s: HotSpot): { lat: number; lng: number } {
  const lat = s.lat + (s.sigmaKm * rng.gaussian()) / 111.0;
  const lng = s.lng + (s.sigmaKm * rng.gaussian()) / (111.32 * Math.cos((s.lat * Math.PI) / 180));
  return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
}
