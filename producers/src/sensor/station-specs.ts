// Static parameters of the simulated stations. Each station draws from its own seeded stream,
// so station k is the same whether the network has 8 or 800 stations.
import { createRng, deriveSeed, RngStream } from './rng.ts';

/** Channels a gas station can report, in the order the model keeps them in its buffers. */
export const GAS_CHANNELS = ['pressure', 'temperature', 'flow', 'inlet_pressure'] as const;
export type GasChannel = (typeof GAS_CHANNELS)[number];

/** Index of each channel in the per-station value buffers (Float64Array). */
export const Ch = { pressure: 0, temperature: 1, flow: 2, inlet_pressure: 3 } as const;
export const CHANNEL_COUNT = GAS_CHANNELS.length;

/** Decimals each channel is published with: gauge resolution, not float noise. */
export const CHANNEL_DECIMALS: Readonly<Record<GasChannel, number>> = {
  pressure: 4,
  temperature: 3,
  flow: 2,
  inlet_pressure: 4,
};

// Every fourth station is a city-gate station fed straight from the transmission line, with a
// gauge on the inlet too: it shows consumers that stations may report different channel sets.
const CITY_GATE_EVERY = 4;

// Standard atmosphere lapse rate: higher stations are colder and so burn more gas for heat.
const LAPSE_RATE_C_PER_M = -0.0065;

export interface StationSpec {
  /** Station id, `st-001`, `st-002`, … */
  readonly id: string;
  /** 0-based position in the network. */
  readonly index: number;
  /** Channels this station reports (a subset of GAS_CHANNELS, in buffer order). */
  readonly channels: readonly GasChannel[];
  /** Outlet set point of the pressure regulator, bar (gauge). */
  readonly supplyPressureBar: number;
  /** Pressure lost between regulator and gauge at nominal demand, bar; grows with flow². */
  readonly pressureDropBar: number;
  /** Nominal demand (flow when the demand factors are 1), m³/h. */
  readonly demandScaleM3h: number;
  /** Extra demand per heating degree below the heating threshold, fraction of nominal per °C. */
  readonly heatingPerDegree: number;
  /** Altitude of the station, m; feeds its temperature offset. */
  readonly elevationM: number;
  /** Local temperature offset from the regional weather (altitude + microclimate), °C. */
  readonly temperatureOffsetC: number;
  /** Transmission-side pressure upstream of the regulator, bar; null without an inlet gauge. */
  readonly inletPressureBar: number | null;
  /** Measurement noise standard deviation per reported channel, in channel units. */
  readonly noiseSigma: Readonly<Partial<Record<GasChannel, number>>>;
}

/** `st-001` for index 0. */
export function stationId(index: number): string {
  return `st-${String(index + 1).padStart(3, '0')}`;
}

function uniform(next: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * next();
}

/** The spec of station `index` in a network seeded with `seed`. */
export function createStationSpec(seed: number, index: number): StationSpec {
  const rng = createRng(deriveSeed(seed, RngStream.stationSpec, index));
  const next = rng.next;
  const cityGate = index % CITY_GATE_EVERY === CITY_GATE_EVERY - 1;
  const demandScaleM3h = Math.round(uniform(next, 300, 1500));
  const elevationM = Math.round(uniform(next, 0, 600));
  const microclimateC = uniform(next, -0.8, 0.8);
  const spec: StationSpec = {
    id: stationId(index),
    index,
    channels: cityGate ? GAS_CHANNELS : GAS_CHANNELS.slice(0, 3),
    supplyPressureBar: round(uniform(next, 7.2, 7.8), 3),
    pressureDropBar: round(uniform(next, 0.4, 0.55), 3),
    demandScaleM3h,
    heatingPerDegree: round(uniform(next, 0.04, 0.07), 4),
    elevationM,
    temperatureOffsetC: round(LAPSE_RATE_C_PER_M * elevationM + microclimateC, 3),
    inletPressureBar: cityGate ? round(uniform(next, 16, 19), 3) : null,
    noiseSigma: {
      pressure: 0.01,
      temperature: 0.1,
      // Flow meters are specified in % of reading range, so noise scales with the station.
      flow: round(0.01 * demandScaleM3h, 3),
      ...(cityGate ? { inlet_pressure: 0.02 } : {}),
    },
  };
  return Object.freeze(spec);
}

/** Specs of stations 0 … count−1. */
export function createStationSpecs(seed: number, count: number): readonly StationSpec[] {
  return Object.freeze(Array.from({ length: count }, (_, i) => createStationSpec(seed, i)));
}

/** Round to `decimals` places; used for specs and for published values. */
export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
