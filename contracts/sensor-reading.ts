import { z } from 'zod';

/** Kinds of fault the sensor producer injects; carried only as ground truth. */
export const SENSOR_FAULT_KINDS = ['leak', 'stuck', 'spike', 'drift'] as const;
export const SensorFaultKind = z.enum(SENSOR_FAULT_KINDS);
export type SensorFaultKind = z.infer<typeof SensorFaultKind>;

/**
 * Ground truth attached by a producer that injected a fault. The processor stores it
 * (so accuracy can be measured in SQL) but never reads it while scoring.
 */
export const GroundTruth = z.object({
  kind: z.string().min(1).max(40),
  /** One id per injected episode, so detection can be judged per episode, not per row. */
  faultId: z.string().min(1).max(80),
  /** The channel the fault was injected into, when it targets one. */
  channel: z.string().max(64).optional(),
});
export type GroundTruth = z.infer<typeof GroundTruth>;

/**
 * Channels one reading (and one station, over its life) may carry. The detectors relate every
 * pair of a station's channels, so their cost grows with the square of the count: one 1 MB
 * reading of 80 000 channels would take the processor out of memory at every restart.
 */
export const MAX_CHANNELS_PER_STATION = 32;

const channelName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'channel names are lower_snake_case, at most 64 characters');

/**
 * One reading of one station (device): a timestamp and any set of named numeric channels.
 * Stations may report different channel sets.
 */
export const SensorReading = z.object({
  /** Globally unique and stable across retries: it is the idempotency key everywhere. */
  id: z.string().min(1).max(128),
  station: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'station ids are 1–64 characters of A–Z, a–z, 0–9, _ or -'),
  /** Event time, epoch milliseconds (UTC). */
  ts: z.number().int().min(0).max(8_640_000_000_000),
  channels: z
    .record(channelName, z.number().refine(Number.isFinite, 'channel values must be finite numbers'))
    .refine((c) => Object.keys(c).length > 0, 'a reading needs at least one channel')
    .refine((c) => Object.keys(c).length <= MAX_CHANNELS_PER_STATION, `a reading carries at most ${MAX_CHANNELS_PER_STATION} channels`),
  truth: GroundTruth.nullish(),
});
export type SensorReading = z.infer<typeof SensorReading>;
