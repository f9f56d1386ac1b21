/** City-wide trip count of one half hour starting at `ts` (epoch ms, UTC). */
export interface DemandPoint {
  ts: number;
  count: number;
}

/** Length of one demand slot, ms: the NAB/TLC series is half-hourly. */
export const DEMAND_SLOT_MS = 1_800_000;
