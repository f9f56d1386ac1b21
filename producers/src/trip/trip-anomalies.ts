// Trip-level anomalies (one trip each): overcharged fares, physically impossible trips and long
// detours. Each bends a draft in place and labels it; demand episodes live in demand-episodes.ts.
import { haversineKm } from '../../../contracts/index.ts';
import type { Rng } from '../sensor/rng.ts';
import type { TripDraft } from './trip-draft.ts';

export type TripLevelKind = 'overcharge' | 'impossible' | 'detour';

/** Relative frequency of each trip-level kind among injected trips. */
export const TRIP_ANOMALY_MIX: readonly (readonly [TripLevelKind, number])[] = [
  ['overcharge', 0.4],
  ['impossible', 0.3],
  ['detour', 0.3],
];

/** Far-off points inside the NYC box (Staten Island, the Bronx, the Rockaways) for GPS jumps. */
const FAR_POINTS = [
  { lat: 40.5795, lng: -74.1502 },
  { lat: 40.8676, lng: -73.8654 },
  { lat: 40.5834, lng: -73.8163 },
  { lat: 40.8448, lng: -73.8648 },
] as const;

const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.next();
const round2 = (x: number) => Math.round(x * 100) / 100;

export function pickTripLevelKind(rng: Rng): TripLevelKind {
  let u = rng.next();
  for (const [kind, p] of TRIP_ANOMALY_MIX) {
    if (u < p) return kind;
    u -= p;
  }
  return 'overcharge';
}

/** Bend `d` into an anomaly of `kind` and label it with `faultId`. */
export function applyTripAnomaly(kind: TripLevelKind, d: TripDraft, rng: Rng, faultId: string): void {
  d.truth = { kind, faultId };
  switch (kind) {
    case 'overcharge':
      // A rigged meter or a "tourist rate": the fare is 1.8–3.5× what the rules give.
      d.fareMultiplier = uniform(rng, 1.8, 3.5);
      return;
    case 'impossible':
      // GPS jumps only on short trips: a 17-mile airport run could cover the jump for real.
      if (rng.next() < 0.5 || d.miles > 4) {
        // Far too fast: 5–20 metered miles at 150–600 mph.
        d.miles = round2(Math.max(d.miles, uniform(rng, 5, 20)));
        d.durationSec = Math.max(5, Math.round((d.miles / uniform(rng, 150, 600)) * 3600));
      } else {
        // GPS jump: the dropoff lands ≥ 15 km away while meter miles and time stay short.
        let far: (typeof FAR_POINTS)[number] = FAR_POINTS[0];
        for (const f of FAR_POINTS) if (haversineKm(d.pickupLat, d.pickupLng, f.lat, f.lng) > haversineKm(d.pickupLat, d.pickupLng, far.lat, far.lng)) far = f;
        d.dropoffLat = far.lat;
        d.dropoffLng = far.lng;
      }
      return;
    case 'detour':
      // Same endpoints, a much longer route: 2–3.5× the miles in 1.5–2.5× the time.
      d.miles = round2(d.miles * uniform(rng, 2, 3.5));
      d.durationSec = Math.round(d.durationSec * uniform(rng, 1.5, 2.5));
      return;
  }
}
