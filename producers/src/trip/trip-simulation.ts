// The simulated NYC yellow-taxi fleet the trip producer publishes. Pure and seeded: the same
// options always yield the same trips, whatever the batch sizes.
//
// How it works: time is cut into half-hour slots (the demand series' step). Slot s gets
// Poisson(scale × demand(s)) normal trips from its own random stream, pickups uniform in the
// slot, places from the hot-spot clusters at that local hour; then the overlay: collapses drop
// pickups in their cells, surges add pickups in theirs, and a share `anomalyRate` of normal
// trips is bent into an overcharge, an impossible trip or a detour. Trips are released by
// `nextBatch(untilTs)` when they END (a TLC record exists once the meter stops), so batches are
// ordered by dropoff time and pickup times arrive out of order by up to a trip's duration.
import { haversineKm, KM_PER_MILE, nycWallMs, type PaymentType, type TripEvent, type TripVendor } from '../../../contracts/index.ts';
import { cellToLatLng, latLngToCell } from 'h3-js';
import type { Rng } from '../sensor/rng.ts';
import { createDemandCurve } from './demand-curve.ts';
import { DEMAND_SLOT_MS, type DemandPoint } from './demand-point.ts';
import { areaPickupsPerMinute, clusterShareInCells } from './area-pickup-rate.ts';
import { listDemandEpisodes, type DemandEpisode, type DemandEpisodePlan } from './demand-episodes.ts';
import { hotSpotCdf, NYC_HOT_SPOTS, pickHotSpot, samplePoint } from './hot-spots.ts';
import { applyTripAnomaly, pickTripLevelKind } from './trip-anomalies.ts';
import { draftToEvent, type TripDraft } from './trip-draft.ts';
import { poisson, TripStream, tripRng } from './trip-rng.ts';

export interface TripSimulationOptions {
  /** Event time the simulation starts at, epoch ms (UTC). Required. */
  startTs: number;
  /** PRNG seed (safe integer). @default 1 */
  seed: number;
  /** Trips per unit of the demand series (0.01 ≈ 150 trips per half hour on average). @default 0.01 */
  scale: number;
  /** City-wide counts per half hour (e.g. readNycTaxiSeries); omitted → the committed weekly shape. @default undefined */
  demand: readonly DemandPoint[] | undefined;
  /** The series is read at `ts − timeShiftMs` (see weekAlignedShift), ms. @default 0 */
  timeShiftMs: number;
  /** Probability that a normal trip becomes an overcharge, impossible trip or detour. @default 0.002 */
  anomalyRate: number;
  /** Expected surge + collapse episodes per simulated UTC day. @default 2 */
  episodesPerDay: number;
  /**
   * Least normal pickups per minute a closure must take away from its cells (at this scale and
   * hour); quieter plans move elsewhere or are dropped (demand-episodes.ts). The mirror of the
   * surge's least 0.4 extra pickups per minute: labels claim only what the data can show.
   * 0 keeps every planned closure. @default 0.4
   */
  minCollapsePerMinute: number;
}

export interface TripSimulation {
  /** Trips that ended before `untilTs` and were not returned yet, by dropoff time then id. */
  nextBatch(untilTs: number): TripEvent[];
  /** Demand episodes overlapping [startTs, untilTs) (pure: seed, rate, and for closures the scale and demand). */
  demandEpisodes(untilTs: number): DemandEpisode[];
}

export class TripSimulationOptionsError extends Error {
  override name = 'TripSimulationOptionsError';
  constructor(
    readonly option: keyof TripSimulationOptions,
    readonly value: unknown,
    expected: string,
  ) {
    super(`trip simulation option '${option}' must be ${expected}, got ${String(value)}`);
  }
}

const SURGE_MIN_PER_MINUTE = 0.4;
const DEFAULTS = { seed: 1, scale: 0.01, demand: undefined, timeShiftMs: 0, anomalyRate: 0.002, episodesPerDay: 2, minCollapsePerMinute: SURGE_MIN_PER_MINUTE } as const;

function resolveOptions(opts: Partial<TripSimulationOptions> & { startTs: number }): TripSimulationOptions {
  const o: TripSimulationOptions = { ...DEFAULTS, ...opts };
  const check = (key: keyof TripSimulationOptions, ok: boolean, expected: string) => {
    if (!ok) throw new TripSimulationOptionsError(key, o[key], expected);
  };
  check('startTs', Number.isSafeInteger(o.startTs) && o.startTs >= 0, 'an integer epoch-ms timestamp ≥ 0');
  check('seed', Number.isSafeInteger(o.seed), 'a safe integer');
  check('scale', Number.isFinite(o.scale) && o.scale >= 0 && o.scale <= 10, 'a number in 0…10');
  check('timeShiftMs', Number.isSafeInteger(o.timeShiftMs), 'an integer number of ms');
  check('anomalyRate', o.anomalyRate >= 0 && o.anomalyRate <= 1, 'a probability in 0…1');
  check('episodesPerDay', Number.isFinite(o.episodesPerDay) && o.episodesPerDay >= 0, 'a finite number ≥ 0');
  check('minCollapsePerMinute', Number.isFinite(o.minCollapsePerMinute) && o.minCollapsePerMinute >= 0, 'a finite number ≥ 0');
  return o;
}

// Typical Manhattan taxi speed by local hour, mph (TLC trip records: ~8–9 mph midday, ~17 at night).
const CITY_MPH = [17, 18, 19, 19, 19, 17, 14, 11, 9.5, 9, 9, 9, 9, 9, 9, 9, 9, 9.5, 10, 11, 12.5, 13.5, 14.5, 16];
const PASSENGERS = [0.7, 0.85, 0.9, 0.93, 0.97, 1]; // cumulative shares of 1…6 passengers
const DAY_MS = 86_400_000;
const AIRPORT = NYC_HOT_SPOTS.map((s) => s.profile === 'airport');

/** A seeded trip simulation; see TripSimulationOptions for defaults. */
export function createTripSimulation(opts: Partial<TripSimulationOptions> & { startTs: number }): TripSimulation {
  const o = resolveOptions(opts);
  const curve = createDemandCurve(o.demand, o.timeShiftMs);
  const clusterShares = new Map<string, number[]>();
  const plan: DemandEpisodePlan = {
    seed: o.seed,
    episodesPerDay: o.episodesPerDay,
    minCollapsePerMinute: o.minCollapsePerMinute,
    collapseRate: (cells, fromTs, untilTs) => {
      const key = cells.join();
      let shares = clusterShares.get(key);
      if (!shares) clusterShares.set(key, (shares = clusterShareInCells(cells)));
      return areaPickupsPerMinute(shares, curve, o.scale, fromTs, untilTs);
    },
  };
  const pickupCdf = new Float64Array(NYC_HOT_SPOTS.length);
  const dropoffCdf = new Float64Array(NYC_HOT_SPOTS.length);
  let nextSlot = Math.floor(o.startTs / DEMAND_SLOT_MS);
  let pending: TripEvent[] = [];

  function physics(rng: Rng, d: TripDraft, hour: number, weekend: boolean): void {
    const straightMi = haversineKm(d.pickupLat, d.pickupLng, d.dropoffLat, d.dropoffLng) / KM_PER_MILE;
    d.miles = Math.round(Math.max(0.2, straightMi * (1.2 + 0.2 * Math.abs(rng.gaussian()))) * 100) / 100;
    const base = CITY_MPH[hour]! * (weekend && hour >= 6 && hour < 14 ? 1.15 : 1);
    // Longer trips use highways and bridges: faster on average.
    const mph = base * (1 + 0.9 * Math.min(1, Math.max(0, (d.miles - 2) / 10))) * Math.exp(0.18 * rng.gaussian());
    d.durationSec = Math.max(60, Math.round((d.miles / mph) * 3600));
  }

  function newDraft(rng: Rng, id: string, pickupTs: number, p: { lat: number; lng: number }, q: { lat: number; lng: number }, airportRun: boolean): TripDraft {
    const u = rng.next();
    const paymentType: PaymentType = u < 0.7 ? 1 : u < 0.98 ? 2 : u < 0.99 ? 3 : 4;
    const v = rng.next();
    let passengers = 1;
    while (passengers < 6 && v >= PASSENGERS[passengers - 1]!) passengers++;
    const vendor: TripVendor = rng.next() < 0.3 ? 1 : 2;
    const tipFraction = rng.next() < 0.08 ? 0 : 0.1 + 0.2 * rng.next();
    const tolls = airportRun && rng.next() < 0.35 ? 6.94 : 0;
    return {
      id,
      vendor,
      pickupTs,
      durationSec: 60,
      pickupLat: p.lat,
      pickupLng: p.lng,
      dropoffLat: q.lat,
      dropoffLng: q.lng,
      miles: 0,
      passengers,
      paymentType,
      tipFraction,
      tolls,
      fareMultiplier: 1,
      truth: null,
    };
  }

  function generateSlot(slot: number): TripEvent[] {
    const slotStart = slot * DEMAND_SLOT_MS;
    const slotEnd = slotStart + DEMAND_SLOT_MS;
    const wall = nycWallMs(slotStart);
    const hour = Math.floor((wall % DAY_MS) / 3_600_000);
    const dow = (Math.floor(wall / DAY_MS) + 4) % 7;
    const weekend = dow === 0 || dow === 6;
    hotSpotCdf(NYC_HOT_SPOTS, hour, weekend, 'pickup', pickupCdf);
    hotSpotCdf(NYC_HOT_SPOTS, hour, weekend, 'dropoff', dropoffCdf);
    const episodes = listDemandEpisodes(plan, slotStart, slotEnd);
    const collapses = episodes.filter((e) => e.kind === 'collapse');
    const rng = tripRng(o.seed, TripStream.volume, slot);
    const anomalyRng = tripRng(o.seed, TripStream.anomalies, slot);
    const collapseRng = tripRng(o.seed, TripStream.collapse, slot);
    const mean = o.scale * curve.countAt(slotStart);
    const n = poisson(rng, mean);
    const drafts: TripDraft[] = [];
    const destination = (from: number): { lat: number; lng: number; airportRun: boolean } => {
      const to = pickHotSpot(rng, dropoffCdf, AIRPORT[from] ? from : -1);
      return { ...samplePoint(rng, NYC_HOT_SPOTS[to]!), airportRun: AIRPORT[from]! || AIRPORT[to]! };
    };

    for (let i = 0; i < n; i++) {
      const pickupTs = slotStart + Math.floor(rng.next() * DEMAND_SLOT_MS);
      const from = pickHotSpot(rng, pickupCdf);
      const p = samplePoint(rng, NYC_HOT_SPOTS[from]!);
      const q = destination(from);
      const d = newDraft(rng, `trip-${o.seed}-${slot}-${i}`, pickupTs, p, q, q.airportRun);
      physics(rng, d, hour, weekend);
      // Trip-level anomalies are drawn before collapses drop anything, so the episodes never
      // shift which normal trips get bent (a run without episodes differs only in their cells).
      if (o.anomalyRate > 0 && anomalyRng.next() < o.anomalyRate) {
        const kind = pickTripLevelKind(anomalyRng);
        applyTripAnomaly(kind, d, anomalyRng, `trip-${kind}-${d.id}`);
      }
      if (collapses.length > 0) {
        const cell = latLngToCell(p.lat, p.lng, 9);
        const hit = collapses.find((e) => pickupTs >= e.startTs && pickupTs < e.endTs && e.cells.includes(cell));
        if (hit) {
          if (collapseRng.next() >= hit.keepFraction) continue;
          d.truth ??= { kind: 'collapse', faultId: hit.faultId };
        }
      }
      drafts.push(d);
    }

    episodes.forEach((e, ei) => {
      if (e.kind !== 'surge') return;
      const a = Math.max(e.startTs, slotStart);
      const b = Math.min(e.endTs, slotEnd);
      const srng = tripRng(o.seed, TripStream.surge, slot, ei + 1);
      const perMinute = Math.max(SURGE_MIN_PER_MINUTE, e.intensity * (mean / 30));
      const m = poisson(srng, (perMinute * (b - a)) / 60_000);
      for (let j = 0; j < m; j++) {
        const pickupTs = a + Math.floor(srng.next() * (b - a));
        const cell = e.cells[Math.floor(srng.next() * e.cells.length)]!;
        const p = pointInCell(srng, cell);
        const to = pickHotSpot(srng, dropoffCdf);
        const q = samplePoint(srng, NYC_HOT_SPOTS[to]!);
        const d = newDraft(srng, `trip-${o.seed}-${slot}-s${ei}-${j}`, pickupTs, p, q, AIRPORT[to]!);
        physics(srng, d, hour, weekend);
        d.truth = { kind: 'surge', faultId: e.faultId };
        drafts.push(d);
      }
    });
    return drafts.map(draftToEvent);
  }

  return {
    nextBatch(untilTs) {
      // A trip ending before untilTs started before it: every slot starting before untilTs is needed.
      while (nextSlot * DEMAND_SLOT_MS < untilTs) {
        for (const t of generateSlot(nextSlot)) if (t.pickup_ts >= o.startTs) pending.push(t);
        nextSlot++;
      }
      const out: TripEvent[] = [];
      const keep: TripEvent[] = [];
      for (const t of pending) (t.dropoff_ts < untilTs ? out : keep).push(t);
      pending = keep;
      return out.sort((x, y) => x.dropoff_ts - y.dropoff_ts || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    },
    demandEpisodes(untilTs) {
      return listDemandEpisodes(plan, o.startTs, untilTs);
    },
  };
}

/** A point inside an H3 cell near its centre (rejection sampling, ~60 m spread). */
function pointInCell(rng: Rng, cell: string): { lat: number; lng: number } {
  const [clat, clng] = cellToLatLng(cell);
  for (let tries = 0; tries < 6; tries++) {
    const lat = Math.round((clat + (0.06 * rng.gaussian()) / 111.0) * 1e6) / 1e6;
    const lng = Math.round((clng + (0.06 * rng.gaussian()) / 84.3) * 1e6) / 1e6;
    if (latLngToCell(lat, lng, 9) === cell) return { lat, lng };
  }
  return { lat: Math.round(clat * 1e6) / 1e6, lng: Math.round(clng * 1e6) / 1e6 };
}
