/**
 * The per-trip front of the trip core, A/B interleaved in one process: decode with zod alone vs
 * with the fast path, and H3 cells with cellToParent per trip vs memoised (tripCellInput).
 * CPU µs per trip, best of the rounds for each side.
 *
 *   node --import tsx bench/probes/trip-decode-ab.ts [--trips 100000] [--rounds 5]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { cellToParent, latLngToCell } from 'h3-js';
import type { TripEvent } from '../../contracts/index.ts';
import { createTripSimulation } from '../../producers/src/trip/index.ts';
import { decodeEvent } from '../../processor/src/core/decode-event.ts';
import { TRIP_EVENT_SHAPE } from '../../processor/src/domains/trip/decode-trip-event.ts';
import { TRIP_CELL_WINDOWS } from '../../processor/src/domains/trip/trip-cell-features.ts';
import { tripCellInput } from '../../processor/src/domains/trip/trip-cell-pipeline.ts';

const { values: a } = parseArgs({ options: { trips: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '5' } } });
const T0 = Date.UTC(2025, 2, 10, 16);
const sim = createTripSimulation({ startTs: T0, seed: 1, scale: 0.1 });
const trips: TripEvent[] = [];
for (let h = 1; trips.length < Number(a.trips); h++) trips.push(...sim.nextBatch(T0 + h * 3_600_000));
trips.length = Number(a.trips);
const enc = new TextEncoder();
const data = trips.map((t) => enc.encode(JSON.stringify(t)));
const bounds = { nowMs: T0 + 30 * 86_400_000, maxFutureMs: 60_000 };
const zodOnly = { ...TRIP_EVENT_SHAPE, fastParse: undefined };
const res = TRIP_CELL_WINDOWS.resolutions;

function perTripUs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / trips.length;
}
const sides: Record<string, () => void> = {
  'decode, zod alone': () => { for (const d of data) decodeEvent(d, zodOnly, bounds); },
  'decode, fast path': () => { for (const d of data) decodeEvent(d, TRIP_EVENT_SHAPE, bounds); },
  'cells, cellToParent per trip': () => {
    for (const t of trips) {
      const p = latLngToCell(t.pickup_lat, t.pickup_lng, 9);
      const d = latLngToCell(t.dropoff_lat, t.dropoff_lng, 9);
      res.map((r) => (r === 9 ? p : cellToParent(p, r)));
      res.map((r) => (r === 9 ? d : cellToParent(d, r)));
    }
  },
  'cells, memoised (tripCellInput)': () => { for (const t of trips) tripCellInput(t, res); },
};
const best: Record<string, number> = {};
for (let round = 0; round < Number(a.rounds); round++) {
  for (const [name, fn] of Object.entries(sides)) best[name] = Math.min(best[name] ?? Infinity, perTripUs(fn));
}
for (const [name, us] of Object.entries(best)) console.log(`${name.padEnd(34)} ${us.toFixed(2)} µs CPU per trip`);
console.log(`trips ${trips.length}, rounds ${a.rounds}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
