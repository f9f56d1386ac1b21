// Expected normal pickups per minute in a set of H3 cells: how visible a closure there would
// be. The simulation's pickups come from Gaussian hot-spot clusters weighted by the local hour
// (hot-spots.ts), so the rate of an area is the city's rate × Σ over hot spots of (the spot's
// share at that hour × the part of its cluster inside the area). The part inside a cell is
// its density at the cell's centre × the cell's area: a res-9 cell (~0.1 km², ~0.2 km across)
// is small next to the tightest cluster (σ 0.25 km), so this is within a few per cent.
import { cellArea, cellToLatLng } from 'h3-js';
import { nycWallMs } from '../../../contracts/index.ts';
import type { DemandCurve } from './demand-curve.ts';
import { DEMAND_SLOT_MS } from './demand-point.ts';
import { NYC_HOT_SPOTS, profileFactor } from './hot-spots.ts';

const DAY_MS = 86_400_000;
const KM_PER_DEG_LAT = 111.0;

/** Share of each hot spot's cluster that lies in `cells` (pickup end). */
export function clusterShareInCells(cells: readonly string[]): number[] {
  return NYC_HOT_SPOTS.map((s) => {
    const kmPerDegLng = 111.32 * Math.cos((s.lat * Math.PI) / 180);
    let share = 0;
    for (const c of cells) {
      const [lat, lng] = cellToLatLng(c);
      const dy = (lat - s.lat) * KM_PER_DEG_LAT;
      const dx = (lng - s.lng) * kmPerDegLng;
      const density = Math.exp(-(dx * dx + dy * dy) / (2 * s.sigmaKm * s.sigmaKm)) / (2 * Math.PI * s.sigmaKm * s.sigmaKm);
      share += density * cellArea(c, 'km2');
    }
    return Math.min(1, share);
  });
}

/**
 * Mean expected normal pickups per minute in the area whose cluster shares are `inArea`, over
 * [fromTs, untilTs), for a simulation of `scale` trips per unit of `curve`.
 */
export function areaPickupsPerMinute(inArea: readonly number[], curve: DemandCurve, scale: number, fromTs: number, untilTs: number): number {
  const stepMs = 15 * 60_000;
  let total = 0;
  let n = 0;
  for (let ts = fromTs; ts < untilTs; ts += stepMs) {
    const wall = nycWallMs(ts);
    const hour = Math.floor((wall % DAY_MS) / 3_600_000);
    const dow = (Math.floor(wall / DAY_MS) + 4) % 7;
    const weekend = dow === 0 || dow === 6;
    let all = 0;
    let mine = 0;
    NYC_HOT_SPOTS.forEach((s, i) => {
      const w = s.weight * profileFactor(s.profile, hour, weekend, 'pickup');
      all += w;
      mine += w * inArea[i]!;
    });
    total += ((scale * curve.countAt(ts)) / (DEMAND_SLOT_MS / 60_000)) * (mine / all);
    n++;
  }
  return n > 0 ? total / n : 0;
}
