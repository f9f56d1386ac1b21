// Flags of `vigia produce trip`, checked before anything connects: a bad value stops with a
// message naming the flag. Pure (the wall clock comes in as `nowMs`).
import type { VigiaConfig, VigiaConfigInput } from '../../config/index.ts';
import { parseStartTime } from '../parse-start-time.ts';
import { UsageError } from '../usage-error.ts';

/** Raw commander values (strings; absent when not given). */
export interface ProduceTripFlags {
  seed?: string;
  scale?: string;
  start?: string;
  days?: string;
  speed?: string;
  demand?: string;
  anomalyRate?: string;
  episodesPerDay?: string;
  count?: string;
  natsUrl?: string;
  file?: string;
  limit?: string;
  zones?: string;
}

type TripOverrides = NonNullable<NonNullable<VigiaConfigInput['producers']>['trip']>;

export interface SimulateTripsRun {
  mode: 'simulate';
  /** Flag values for config.producers.trip (flags beat the config file). */
  overrides: TripOverrides;
  /** Event time the simulation starts at, epoch ms (whole seconds). */
  startTs: number;
  /** How the start was chosen, for the start-up log. */
  startLabel: string;
  /** Trips ending from here on are not published, epoch ms; undefined = unbounded. */
  endTs: number | undefined;
  count: number | undefined;
}

export interface ReplayTripFileRun {
  mode: 'file';
  file: string;
  overrides: TripOverrides;
  limit: number | undefined;
  zones: string | undefined;
}

const DAY_MS = 86_400_000;
const SIMULATION_ONLY = ['seed', 'scale', 'start', 'days', 'demand', 'anomalyRate', 'episodesPerDay', 'count'] as const;
const FILE_ONLY = ['limit', 'zones'] as const;

const flagName = (key: string) => '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** A number flag within bounds, or a UsageError naming the flag and what it expects. */
function numberIn(key: keyof ProduceTripFlags, raw: string | undefined, ok: (n: number) => boolean, expected: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n) || !ok(n)) throw new UsageError(`${flagName(key)} expects ${expected}, got '${raw}'`);
  return n;
}

/** `max` or a positive number: event time runs that many times faster than the wall clock. */
export function parseSpeedFlag(raw: string | undefined): number | 'max' | undefined {
  if (raw === undefined || raw === 'max') return raw;
  return numberIn('speed', raw, (n) => n > 0 && n <= 1e9, "a positive number (times the wall clock) or 'max'");
}

/** Decide the run from the flags: a TLC file replay with --file, else the simulation. */
export function parseProduceTripFlags(flags: ProduceTripFlags, nowMs: number): SimulateTripsRun | ReplayTripFileRun {
  const speed = parseSpeedFlag(flags.speed);
  if (flags.file !== undefined) {
    const stray = SIMULATION_ONLY.find((k) => flags[k] !== undefined);
    if (stray) {
      throw new UsageError(`${flagName(stray)} applies to the simulation, not to --file${stray === 'count' ? ' (use --limit N to publish the first N trips)' : ''}`);
    }
    if (flags.file.trim() === '') throw new UsageError('--file expects a path to a TLC .parquet or .csv file');
    return {
      mode: 'file',
      file: flags.file,
      overrides: { speed },
      limit: numberIn('limit', flags.limit, (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1'),
      zones: flags.zones,
    };
  }
  const stray = FILE_ONLY.find((k) => flags[k] !== undefined);
  if (stray) throw new UsageError(`${flagName(stray)} applies only with --file`);
  const days = numberIn('days', flags.days, (n) => n > 0 && n <= 3660, 'a number of days > 0 (at most 3660)');
  const count = numberIn('count', flags.count, (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1');
  const overrides: TripOverrides = {
    seed: numberIn('seed', flags.seed, Number.isSafeInteger, 'a whole number'),
    scale: numberIn('scale', flags.scale, (n) => n >= 0 && n <= 10, 'a number from 0 to 10 (trips per unit of demand)'),
    anomalyRate: numberIn('anomalyRate', flags.anomalyRate, (n) => n >= 0 && n <= 1, 'a probability from 0 to 1'),
    episodesPerDay: numberIn('episodesPerDay', flags.episodesPerDay, (n) => n >= 0 && n <= 1000, 'a number of episodes per day from 0 to 1000'),
    speed,
    demandFile: flags.demand === undefined ? undefined : flags.demand.trim() || badDemand(),
  };
  // Default start: a bounded run ends now (it fills the last N days); an unbounded one is live.
  const now = Math.floor(nowMs / 1000) * 1000;
  const startTs =
    flags.start !== undefined ? parseStartTime(flags.start, nowMs, 1000, '--start') : days !== undefined ? now - Math.round(days * DAY_MS) : now;
  if (startTs < 0) throw new UsageError(`--start must not be before 1970, got '${flags.start}'`);
  const startLabel = flags.start !== undefined ? `--start ${flags.start}` : days !== undefined ? `now − ${days} d` : 'now (live)';
  return { mode: 'simulate', overrides, startTs, startLabel, endTs: days === undefined ? undefined : startTs + Math.round(days * DAY_MS), count };
}

function badDemand(): never {
  throw new UsageError("--demand expects a CSV path (nyc_taxi.csv layout) or 'shape'");
}

/** Settings that are each valid but together publish nothing, forever. */
export function checkTripSimulationConfig(p: VigiaConfig['producers']['trip']): void {
  if (p.scale === 0 && p.episodesPerDay === 0) throw new UsageError('--scale 0 with --episodes-per-day 0 generates no trips: raise one of them');
}
