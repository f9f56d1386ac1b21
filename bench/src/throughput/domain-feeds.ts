import { type OutgoingMessage } from '../../../nats/index.ts';
import { sensorMessages } from '../../../producers/src/sensor-messages.ts';
import { resolveDemandSource } from '../../../producers/src/trip-demand-source.ts';
import { simulatedTripMessages } from '../../../producers/src/trip-messages.ts';
import { createTripSimulation } from '../../../producers/src/trip/index.ts';
import { DEFAULT_TRIPS_START } from '../trips/offline-trips.ts';
import type { BenchDomain } from './backlog.ts';

/** One domain's producer as the bench drives it: the next message, or undefined when it ran dry. */
export interface DomainFeed {
  domain: BenchDomain;
  next(): OutgoingMessage | undefined;
  /** Prepare what the next phase may publish, outside the measured time. */
  refill(count: number): void;
  /** The last refill ran dry during a phase (the figure is then capped by the producer). */
  exhausted: boolean;
}

const SENSOR_START = Date.UTC(2026, 0, 1);

/** Gas-network readings: cheap to simulate (~150k/s), so made as they are published. */
export function sensorFeed(stations: number, partitions: number): DomainFeed {
  const gen = sensorMessages({ stations, seed: 1, faultRate: 2, startTs: SENSOR_START }, partitions);
  return { domain: 'sensor', next: () => gen.next().value as OutgoingMessage, refill: () => {}, exhausted: false };
}

/**
 * NYC trips at the trip bench's volume (scale 0.1, 4 demand episodes a day). The simulator
 * makes ~24k trips/s, the same order as what is measured, so a phase's trips are made before
 * it starts (refill) and the producer does not eat the processor's CPU while it is measured.
 * The same simulation goes on from phase to phase: event time only moves forward.
 */
export function tripFeed(partitions: number): DomainFeed {
  const demand = resolveDemandSource(undefined, DEFAULT_TRIPS_START);
  const sim = createTripSimulation({ startTs: DEFAULT_TRIPS_START, seed: 1, scale: 0.1, demand: demand.series, timeShiftMs: demand.timeShiftMs, episodesPerDay: 4, minCollapsePerMinute: 0.4 });
  const gen = simulatedTripMessages(sim, { startTs: DEFAULT_TRIPS_START }, partitions);
  let pool: OutgoingMessage[] = [];
  let at = 0;
  const feed: DomainFeed = {
    domain: 'trip',
    exhausted: false,
    next() {
      if (at < pool.length) return pool[at++];
      feed.exhausted = true;
      return undefined;
    },
    refill(count) {
      pool = [];
      at = 0;
      feed.exhausted = false;
      // Only what publishing needs: the trip objects themselves would triple the memory.
      for (let i = 0; i < count; i++) {
        const m = gen.next().value!;
        pool.push({ subject: m.subject, data: m.data, msgId: m.msgId });
      }
    },
  };
  return feed;
}
