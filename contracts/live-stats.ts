import { z } from 'zod';

/** Throughput snapshot pushed to the UI about once a second (`stats` socket.io event). */
export const LiveStats = z.object({
  /** Wall-clock time of the snapshot, epoch ms. */
  at: z.number(),
  /** Events stored per second over the last interval, per domain. */
  eventsPerSecond: z.record(z.string(), z.number()),
  /** Totals since the processor started. */
  totals: z.object({
    events: z.number(),
    anomalies: z.number(),
    deadLetters: z.number(),
  }),
});
export type LiveStats = z.infer<typeof LiveStats>;

/** socket.io event names, shared by server and browser. */
export const SOCKET_EVENTS = {
  anomaly: 'anomaly',
  stats: 'stats',
  /** Server → client: a scored reading of an entity the client subscribed to. */
  reading: 'reading',
  /** Client → server: join the rooms of one domain (and optionally one entity). */
  subscribe: 'subscribe',
} as const;
