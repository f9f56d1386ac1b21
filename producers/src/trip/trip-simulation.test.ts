import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latLngToCell } from 'h3-js';
import { airportAt, nycHalfHourOfWeek, nycWallMs, TripEvent } from '../../../contracts/index.ts';
import { DEMAND_SLOT_MS } from './demand-point.ts';
import { listDemandEpisodes } from './demand-episodes.ts';
import { NYC_WEEKLY_SHAPE } from './nyc-weekly-shape.ts';
import { createTripSimulation, TripSimulationOptionsError } from './trip-simulation.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2025, 2, 10, 4); // Monday 2025-03-10 00:00 EDT

function run(opts: Parameters<typeof createTripSimulation>[0], hours: number, stepHours = 1): TripEvent[] {
  const sim = createTripSimulation(opts);
  const out: TripEvent[] = [];
  for (let h = stepHours; h <= hours; h += stepHours) out.push(...sim.nextBatch(opts.startTs + h * HOUR));
  return out;
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((x, y) => x + y, 0) / n;
  const mb = b.reduce((x, y) => x + y, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

// One simulated week at the default scale, shared by the realism checks (~50k trips, ~1 s).
// Every planned closure is kept (at this scale most would be too quiet to plan otherwise).
const week = run({ startTs: START, anomalyRate: 0.01, episodesPerDay: 3, minCollapsePerMinute: 0 }, 7 * 24 + 3);

test('options are validated with a named error', () => {
  assert.throws(() => createTripSimulation({ startTs: START, scale: -1 }), TripSimulationOptionsError);
  assert.throws(() => createTripSimulation({ startTs: 1.5 }), /startTs/);
});

test('deterministic: same seed → same trips, whatever the batch size; another seed differs', () => {
  const a = run({ startTs: START + 12 * HOUR, seed: 7 }, 6, 1);
  const b = run({ startTs: START + 12 * HOUR, seed: 7 }, 6, 3);
  assert.ok(a.length > 500, String(a.length));
  assert.deepEqual(a, b);
  const c = run({ startTs: START + 12 * HOUR, seed: 8 }, 6, 1);
  assert.notDeepEqual(a.slice(0, 20), c.slice(0, 20));
});

test('batches are ordered by dropoff time and every record passes the contract', () => {
  for (let i = 1; i < week.length; i++) assert.ok(week[i - 1]!.dropoff_ts <= week[i]!.dropoff_ts);
  for (const t of week) {
    const r = TripEvent.safeParse(t);
    assert.ok(r.success, `${t.id}: ${r.error?.message}`);
  }
});

test('the weekly shape of pickups follows the demand shape (fallback series)', () => {
  const counts = new Array<number>(336).fill(0);
  for (const t of week) if (t.pickup_ts < START + 7 * DAY && !t.truth) counts[nycHalfHourOfWeek(t.pickup_ts)]!++;
  const r = correlation(counts, NYC_WEEKLY_SHAPE);
  assert.ok(r > 0.95, `correlation ${r}`);
  const total = counts.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total / 336 / 151.4 - 1) < 0.05, `mean per half hour ${total / 336}`);
});

test('an input series drives volume, read through the time shift', () => {
  // A 2014 series: 2000 in even slots, 200 in odd ones, replayed 10.5 years later.
  const seriesStart = Date.UTC(2014, 6, 7, 4);
  const series = Array.from({ length: 48 }, (_, i) => ({ ts: seriesStart + i * DEMAND_SLOT_MS, count: i % 2 ? 200 : 2000 }));
  const shift = START - seriesStart;
  const trips = run({ startTs: START, demand: series, timeShiftMs: shift, scale: 0.1, anomalyRate: 0, episodesPerDay: 0 }, 26);
  const perSlot = new Array<number>(48).fill(0);
  for (const t of trips) {
    const slot = Math.floor((t.pickup_ts - START) / DEMAND_SLOT_MS);
    if (slot < 48) perSlot[slot]!++;
  }
  for (let i = 0; i < 48; i++) {
    const expected = i % 2 ? 20 : 200;
    assert.ok(Math.abs(perSlot[i]! - expected) < 5 * Math.sqrt(expected), `slot ${i}: ${perSlot[i]} vs ${expected}`);
  }
});

test('airports get trips, JFK ↔ Manhattan runs pay the flat fare', () => {
  const normal = week.filter((t) => !t.truth);
  const atAirport = normal.filter((t) => airportAt(t.pickup_lat, t.pickup_lng) !== null).length / normal.length;
  assert.ok(atAirport > 0.03 && atAirport < 0.15, `airport pickup share ${atAirport}`);
  const flat = normal.filter((t) => t.rate_code === 2);
  assert.ok(flat.length > 50);
  for (const t of flat) assert.equal(t.fare_amount, 70);
  const speeds = normal.map((t) => t.trip_distance / ((t.dropoff_ts - t.pickup_ts) / HOUR)).sort((a, b) => a - b);
  const median = speeds[speeds.length >> 1]!;
  assert.ok(median > 8 && median < 20, `median speed ${median} mph`);
});

test('metered fares follow the rules within rounding; surcharges are the TLC ones', () => {
  for (const t of week) {
    if (t.truth?.kind === 'overcharge') continue;
    const minutes = (t.dropoff_ts - t.pickup_ts) / 60_000;
    const wall = nycWallMs(t.pickup_ts);
    const hour = Math.floor((wall % DAY) / HOUR);
    const dow = (Math.floor(wall / DAY) + 4) % 7;
    const rush = dow >= 1 && dow <= 5 && hour >= 16 && hour < 20;
    if (t.rate_code === 1) {
      const units = (t.fare_amount - 3) / 0.7;
      assert.ok(Math.abs(units - Math.round(units)) < 1e-6, `${t.id}: fare ${t.fare_amount} is not $3 + n × 70¢`);
      // At most one unit per 1/5 mile and one per minute; at least one per 1/5 mile
      // (below 12 mph a fifth of a mile takes a minute or more), less two partial units.
      assert.ok(Math.round(units) <= Math.floor(t.trip_distance * 5 + 1e-9) + Math.floor(minutes + 1e-9), `${t.id}: too many units`);
      assert.ok(Math.round(units) >= Math.floor(t.trip_distance * 5 + 1e-9) - 2, `${t.id}: too few units`);
      assert.equal(t.extra, (hour >= 20 || hour < 6 ? 1 : 0) + (rush ? 2.5 : 0), t.id);
    } else {
      assert.equal(t.extra, rush ? 5 : 0, t.id);
    }
    assert.equal(t.mta_tax, 0.5);
    assert.equal(t.improvement_surcharge, 1);
    const airport = airportAt(t.pickup_lat, t.pickup_lng);
    assert.equal(t.airport_fee, airport === 'JFK' || airport === 'LGA' ? 1.75 : 0, t.id);
    assert.ok(t.congestion_surcharge === 0 || t.congestion_surcharge === 2.5);
    if (t.payment_type !== 1) assert.equal(t.tip_amount, 0);
  }
});

test('every injected kind appears, labelled; trip-level anomalies are what their label says', () => {
  const byKind = new Map<string, TripEvent[]>();
  for (const t of week) if (t.truth) byKind.set(t.truth.kind, [...(byKind.get(t.truth.kind) ?? []), t]);
  for (const kind of ['surge', 'collapse', 'overcharge', 'impossible', 'detour']) assert.ok((byKind.get(kind)?.length ?? 0) > 0, `no ${kind}`);
  // Overcharged: at least 1.8× the least the meter could charge, and mostly beyond the most it could.
  let beyond = 0;
  const metered = byKind.get('overcharge')!.filter((t) => t.rate_code === 1);
  for (const t of metered) {
    const fifths = Math.floor(t.trip_distance * 5);
    assert.ok(t.fare_amount >= 1.79 * (3 + 0.7 * Math.max(0, fifths - 2)), t.id);
    if (t.fare_amount > 3 + 0.7 * (fifths + Math.floor((t.dropoff_ts - t.pickup_ts) / 60_000))) beyond++;
  }
  assert.ok(beyond > 0.5 * metered.length, `${beyond} of ${metered.length}`);
  for (const t of byKind.get('impossible')!) {
    const mph = t.trip_distance / ((t.dropoff_ts - t.pickup_ts) / HOUR);
    const straightMi = haversineMi(t);
    assert.ok(mph >= 100 || straightMi > t.trip_distance * 1.5, `${t.id}: ${mph} mph, ${straightMi} mi straight vs ${t.trip_distance}`);
  }
  for (const t of byKind.get('detour')!) assert.ok(t.trip_distance > 2.3 * haversineMi(t), t.id);
});

function haversineMi(t: TripEvent): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((t.dropoff_lat - t.pickup_lat) * rad) / 2) ** 2 + Math.cos(t.pickup_lat * rad) * Math.cos(t.dropoff_lat * rad) * Math.sin(((t.dropoff_lng - t.pickup_lng) * rad) / 2) ** 2;
  return (2 * 6371.0088 * Math.asin(Math.sqrt(a))) / 1.609344;
}

test('demand episodes are listed with cells and change pickups in exactly those cell-windows', () => {
  const sim = createTripSimulation({ startTs: START, episodesPerDay: 3, minCollapsePerMinute: 0 });
  const episodes = sim.demandEpisodes(START + 7 * DAY);
  assert.deepEqual(episodes, listDemandEpisodes({ seed: 1, episodesPerDay: 3 }, START, START + 7 * DAY));
  assert.ok(episodes.some((e) => e.kind === 'surge') && episodes.some((e) => e.kind === 'collapse'));
  const quiet = run({ startTs: START, anomalyRate: 0.01, episodesPerDay: 0, minCollapsePerMinute: 0 }, 7 * 24 + 3);
  const inEpisode = (trips: TripEvent[], e: (typeof episodes)[number]) =>
    trips.filter((t) => t.pickup_ts >= e.startTs && t.pickup_ts < e.endTs && e.cells.includes(latLngToCell(t.pickup_lat, t.pickup_lng, e.resolution))).length;
  for (const e of episodes) {
    assert.equal(e.resolution, 9);
    assert.equal(e.cells[0], e.cell);
    const labelled = week.filter((t) => t.truth?.faultId === e.faultId);
    for (const t of labelled) {
      assert.ok(t.pickup_ts >= e.startTs && t.pickup_ts < e.endTs, t.id);
      assert.ok(e.cells.includes(latLngToCell(t.pickup_lat, t.pickup_lng, 9)), t.id);
    }
    const withEpisode = inEpisode(week, e);
    const without = inEpisode(quiet, e);
    if (e.kind === 'surge') assert.ok(withEpisode >= without + 10, `${e.faultId}: ${withEpisode} vs ${without}`);
    else assert.ok(withEpisode <= Math.max(2, 0.3 * without), `${e.faultId}: ${withEpisode} vs ${without}`);
  }
  // Outside the episodes' cells the two runs are identical.
  const touched = new Set(episodes.flatMap((e) => e.cells));
  const outside = (trips: TripEvent[]) => trips.filter((t) => !touched.has(latLngToCell(t.pickup_lat, t.pickup_lng, 9))).length;
  assert.equal(outside(week), outside(quiet));
});

test('closures are planned only where their missing pickups can show: the rate floor, checked against the trips', () => {
  // Scale 0.1 over two days: every kept closure's area normally sees ≥ 0.4 pickups a minute
  // (counted in a run without episodes), quieter plans moved or dropped, surges untouched.
  const opts = { startTs: START, scale: 0.1, anomalyRate: 0, episodesPerDay: 6 };
  const until = START + 2 * DAY;
  const floored = createTripSimulation(opts).demandEpisodes(until);
  const all = createTripSimulation({ ...opts, minCollapsePerMinute: 0 }).demandEpisodes(until);
  const surges = (es: typeof all) => es.filter((e) => e.kind === 'surge');
  assert.deepEqual(surges(floored), surges(all));
  const collapses = floored.filter((e) => e.kind === 'collapse');
  assert.ok(collapses.length >= 2, `kept ${collapses.length} closures`);
  const quiet = run({ ...opts, episodesPerDay: 0 }, 2 * 24 + 3);
  let counted = 0;
  let minutes = 0;
  for (const e of collapses) {
    const n = quiet.filter((t) => t.pickup_ts >= e.startTs && t.pickup_ts < e.endTs && e.cells.includes(latLngToCell(t.pickup_lat, t.pickup_lng, 9))).length;
    const m = (e.endTs - e.startTs) / 60_000;
    // Poisson noise on ≥ 18 expected pickups: a single area may fall below the floor by chance.
    assert.ok(n / m >= 0.2, `${e.faultId} (${e.place}): ${n} pickups in ${m} min`);
    counted += n;
    minutes += m;
  }
  assert.ok(counted / minutes >= 0.4, `${counted} pickups in ${minutes} closure minutes`);
  // The floor moved or dropped some: the unfloored plan has closures in areas quieter than it.
  const quietAll = all.filter((e) => e.kind === 'collapse' && !floored.some((f) => f.faultId === e.faultId && f.cell === e.cell && f.startTs === e.startTs));
  assert.ok(quietAll.length > 0, 'the floor changed nothing: the test shows nothing');
});
