import { z } from 'zod';
import { Severity } from './severity.ts';

/**
 * What the trip map receives live and asks the HTTP API for. Demand is scored per
 * (resolution, H3 cell, 5-minute boundary); the map shows one resolution at a time, so a
 * client joins the room of one resolution (`TRIP_SOCKET_EVENTS.watchMap`) and gets one
 * compact message per boundary. Fare anomalies arrive as ordinary `anomaly` events of
 * domain `trip` with detector `trip-fare@…`.
 */

export const TRIP_RESOLUTIONS = [7, 8, 9] as const;
export const TripResolution = z.literal(TRIP_RESOLUTIONS);
export type TripResolution = z.infer<typeof TripResolution>;

/** Which way a cell's demand departs from what was expected of it. */
export const DemandDirection = z.enum(['surge', 'collapse']);
export type DemandDirection = z.infer<typeof DemandDirection>;

/** One scored cell at one boundary. */
export const LiveCellScore = z.object({
  cell: z.string(),
  /** Demand-anomaly score 0–100. */
  score: z.number().min(0).max(100),
  severity: Severity.nullable(),
  direction: DemandDirection.nullable(),
  /** Pickups in the 15-minute window ending at the boundary. */
  pickups: z.number(),
  /** What the cell's baseline expected of that window (null before it has history). */
  expected: z.number().nullable(),
  /** The feature that drove the score most. */
  driver: z.string(),
});
export type LiveCellScore = z.infer<typeof LiveCellScore>;

/** Every live cell of one resolution at one boundary (socket.io event `trip:cells`). */
export const LiveCellBoundary = z.object({
  resolution: TripResolution,
  /** Window end, epoch ms. */
  windowEnd: z.number(),
  cells: z.array(LiveCellScore),
});
export type LiveCellBoundary = z.infer<typeof LiveCellBoundary>;

/** One point of a cell's recent series (GET /api/trip/cells/:cell/series). */
export const CellSeriesPoint = z.object({
  windowEnd: z.number(),
  pickups15m: z.number(),
  pickups60m: z.number(),
  dropoffs60m: z.number(),
  expected15m: z.number().nullable(),
  score: z.number(),
});
export type CellSeriesPoint = z.infer<typeof CellSeriesPoint>;

/** A fare anomaly as the fare list shows it (GET /api/trip/fare-anomalies). */
export const FareAnomaly = z.object({
  tripId: z.string(),
  /** Dropoff time (the event time), epoch ms. */
  ts: z.number(),
  score: z.number(),
  severity: Severity,
  /** The feature that drove it: fare_residual, speed_mph, straight_line_mi, detour_ratio… */
  driver: z.string(),
  reason: z.string(),
  fare: z.number(),
  expectedFare: z.number().nullable(),
  distance: z.number(),
  durationMin: z.number(),
  pickupCell: z.string(),
});
export type FareAnomaly = z.infer<typeof FareAnomaly>;

export const TRIP_SOCKET_EVENTS = {
  /** Server → client: a LiveCellBoundary for the resolution the client watches. */
  cells: 'trip:cells',
  /** Client → server: `{ resolution }`: watch that resolution's map (leaves the previous one). */
  watchMap: 'trip:watch-map',
} as const;
