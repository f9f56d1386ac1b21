import { partitionOf } from './partition.ts';
import { subjects } from './subjects.ts';

/**
 * The one region the trip producers publish today. One city is one partition key: city-wide
 * demand features (k-ring neighbourhoods, a cell's share of the city) need one ordered view of
 * the whole city. More cities would mean more keys, hence more partitions in use.
 */
export const TRIP_REGION = 'nyc';

/** `events.trip.<partition of TRIP_REGION>.nyc`: where every trip record is published. */
export function tripSubject(partitions: number): string {
  return subjects.event('trip', partitionOf(TRIP_REGION, partitions), TRIP_REGION);
}
