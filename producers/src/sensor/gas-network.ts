// The simulated gas distribution network the sensor producer publishes: shared weather and
// calendar, one signal model and one fault overlay per station, one reading per station per
// tick. Pure and seeded: the same options always yield the same readings.
import type { SensorReading } from '../../../contracts/index.ts';
import { createFaultInjector, type FaultInjector } from './faults.ts';
import { createRng, deriveSeed, RngStream } from './rng.ts';
import { createEnvironment, createStationModel } from './signal-model.ts';
import { CHANNEL_COUNT, CHANNEL_DECIMALS, Ch, createStationSpecs, type StationSpec } from './station-specs.ts';

export interface GasNetworkOptions {
  /** Number of stations. @default 8 */
  stations: number;
  /** PRNG seed (safe integer). @default 1 */
  seed: number;
  /** Expected injected faults per station per simulated day; 0 = none. @default 1 */
  faultRate: number;
  /** Event time of the first tick, epoch ms (UTC). Required. */
  startTs: number;
  /** Event time between two readings of one station, ms. @default 60_000 */
  stepMs: number;
}

export interface GasNetworkSimulation {
  readonly stations: readonly StationSpec[];
  /** Readings of every station for the next tick (one per station), ts = startTs + tick·stepMs. */
  nextTick(): SensorReading[];
}

export class GasNetworkOptionsError extends Error {
  override name = 'GasNetworkOptionsError';
  constructor(
    readonly option: keyof GasNetworkOptions,
    readonly value: unknown,
    expected: string,
  ) {
    super(`gas network option '${option}' must be ${expected}, got ${String(value)}`);
  }
}

const DEFAULTS = { stations: 8, seed: 1, faultRate: 1, stepMs: 60_000 } as const;
const MAX_TS = 8_640_000_000_000;

function resolveOptions(opts: Partial<GasNetworkOptions> & { startTs: number }): GasNetworkOptions {
  const o: GasNetworkOptions = { ...DEFAULTS, ...opts };
  const check = (key: keyof GasNetworkOptions, ok: boolean, expected: string) => {
    if (!ok) throw new GasNetworkOptionsError(key, o[key], expected);
  };
  check('stations', Number.isInteger(o.stations) && o.stations >= 1 && o.stations <= 99_999, 'an integer in 1…99999');
  check('seed', Number.isSafeInteger(o.seed), 'a safe integer');
  check('faultRate', Number.isFinite(o.faultRate) && o.faultRate >= 0, 'a finite number ≥ 0 (faults per station per day)');
  check('startTs', Number.isSafeInteger(o.startTs) && o.startTs >= 0 && o.startTs <= MAX_TS, 'an integer epoch-ms timestamp ≥ 0');
  check('stepMs', Number.isSafeInteger(o.stepMs) && o.stepMs >= 1, 'a positive integer number of milliseconds');
  return o;
}

const ROUNDING = {
  pressure: 10 ** CHANNEL_DECIMALS.pressure,
  temperature: 10 ** CHANNEL_DECIMALS.temperature,
  flow: 10 ** CHANNEL_DECIMALS.flow,
  inlet_pressure: 10 ** CHANNEL_DECIMALS.inlet_pressure,
};

/** A seeded gas network; see GasNetworkOptions for defaults. */
export function createGasNetwork(opts: Partial<GasNetworkOptions> & { startTs: number }): GasNetworkSimulation {
  const { stations: count, seed, faultRate, startTs, stepMs } = resolveOptions(opts);
  const stations = createStationSpecs(seed, count);
  const environment = createEnvironment(createRng(deriveSeed(seed, RngStream.weather, 0)), stepMs);
  const models = stations.map((s) => createStationModel(s, createRng(deriveSeed(seed, RngStream.stationNoise, s.index)), stepMs));
  const injectors: FaultInjector[] | null =
    faultRate > 0 ? stations.map((s) => createFaultInjector(s, createRng(deriveSeed(seed, RngStream.faults, s.index)), { faultRate, stepMs })) : null;
  // Reused every tick: the hot path allocates only the readings it returns.
  const values = new Float64Array(CHANNEL_COUNT);
  const published = stations.map(() => new Float64Array(CHANNEL_COUNT));
  let tick = 0;

  return {
    stations,
    nextTick(): SensorReading[] {
      const ts = startTs + tick * stepMs;
      const env = environment.step(ts);
      const readings: SensorReading[] = new Array(count);
      for (let i = 0; i < count; i++) {
        const spec = stations[i]!;
        models[i]!.step(env, values);
        const last = published[i]!;
        const truth = injectors === null ? null : injectors[i]!.apply(tick, values, last);
        const pressure = Math.round(values[Ch.pressure]! * ROUNDING.pressure) / ROUNDING.pressure;
        const temperature = Math.round(values[Ch.temperature]! * ROUNDING.temperature) / ROUNDING.temperature;
        const flow = Math.round(values[Ch.flow]! * ROUNDING.flow) / ROUNDING.flow;
        last[Ch.pressure] = pressure;
        last[Ch.temperature] = temperature;
        last[Ch.flow] = flow;
        const channels: Record<string, number> = { pressure, temperature, flow };
        if (spec.inletPressureBar !== null) {
          const inlet = Math.round(values[Ch.inlet_pressure]! * ROUNDING.inlet_pressure) / ROUNDING.inlet_pressure;
          last[Ch.inlet_pressure] = inlet;
          channels.inlet_pressure = inlet;
        }
        readings[i] = { id: `${spec.id}@${ts}`, station: spec.id, ts, channels, truth };
      }
      tick++;
      return readings;
    },
  };
}
