// Trips as log messages: one subject for the city (tripSubject), the JSON record as data, the
// trip id as JetStream msg id (a re-published trip is stored once).
import { TripEvent, tripEventTime, tripSubject } from '../../contracts/index.ts';
import type { OutgoingMessage } from '../../nats/index.ts';
import type { TripSimulation } from './trip/index.ts';
import type { TlcRowResult, TlcTripRecord } from './trip/tlc-record.ts';

export type TripMessage = OutgoingMessage & {
  trip: TripEvent | TlcTripRecord;
  /** Dropoff time, epoch ms: the event time the publisher paces by. */
  eventTs: number;
};

export function toTripMessage(trip: TripEvent | TlcTripRecord, partitions: number): TripMessage {
  return { subject: tripSubject(partitions), data: JSON.stringify(trip), msgId: trip.id, trip, eventTs: tripEventTime(trip) };
}

export interface SimulatedTripRange {
  /** Simulation start, epoch ms (trips picked up from here on). */
  startTs: number;
  /** Stop at trips ending at or after this, epoch ms; undefined = unbounded. */
  endTs?: number | undefined;
  /** Stop after this many trips; undefined = unbounded. */
  count?: number | undefined;
  /** Event time asked of the simulation per batch, ms. @default 900000 (15 min) */
  stepMs?: number;
}

/** The simulation's trips as messages, in dropoff order, within the range. Lazy: nothing is simulated ahead of what is pulled. */
export function* simulatedTripMessages(sim: TripSimulation, range: SimulatedTripRange, partitions: number): Generator<TripMessage> {
  const step = range.stepMs ?? 900_000;
  let n = 0;
  for (let until = range.startTs + step; ; until += step) {
    const bounded = range.endTs !== undefined && until >= range.endTs;
    for (const trip of sim.nextBatch(bounded ? range.endTs! : until)) {
      if (range.count !== undefined && n >= range.count) return;
      n++;
      yield toTripMessage(trip, partitions);
    }
    if (bounded || (range.count !== undefined && n >= range.count)) return;
  }
}

/** What a file replay skipped or will see dead-lettered; filled while its messages are pulled. */
export interface TripFileStats {
  /** Rows read (blank ones included). */
  rows: number;
  /** Rows with every field empty, skipped. */
  blank: number;
  /** Rows that cannot become a message (no parseable dropoff time), not published. */
  unconvertible: number;
  /** The first few of them, for the report. */
  unconvertibleRows: { row: number; reason: string }[];
  /** Published records the TripEvent contract rejects (the processor dead-letters them). */
  rejected: number;
  /** Those by the first field the contract names. */
  rejectedByField: Record<string, number>;
}

export function emptyTripFileStats(): TripFileStats {
  return { rows: 0, blank: 0, unconvertible: 0, unconvertibleRows: [], rejected: 0, rejectedByField: {} };
}

/** Messages of a TLC file's mapped rows, counting what is skipped and what the contract will reject. */
export async function* fileTripMessages(rows: AsyncIterable<TlcRowResult> | Iterable<TlcRowResult>, partitions: number, stats: TripFileStats): AsyncGenerator<TripMessage> {
  for await (const r of rows) {
    stats.rows++;
    if (r.kind === 'blank') {
      stats.blank++;
      continue;
    }
    if (r.kind === 'unconvertible') {
      stats.unconvertible++;
      if (stats.unconvertibleRows.length < 10) stats.unconvertibleRows.push({ row: r.row, reason: r.reason });
      continue;
    }
    const check = TripEvent.safeParse(r.trip);
    if (!check.success) {
      stats.rejected++;
      const field = String(check.error.issues[0]?.path[0] ?? '(record)');
      stats.rejectedByField[field] = (stats.rejectedByField[field] ?? 0) + 1;
    }
    yield toTripMessage(r.trip, partitions);
  }
}
